"""Every message the package writes for a person is in Latvian first, then English.

The project's rule is that everything a user sees is bilingual: a clerk
importing a spreadsheet reads the row errors, an analyst the refusals of
``virsis query``, a validator in CI why a shape went to pyshacl. Messages are
written as ``latviski / in English``. This test reads the package's source and
finds every message it raises or collects for people — errors of the register,
of queries and tokens, ``cli.fail``, an import's row problems, errors and
warnings, and why a shape does not compile — and fails, naming the file and
line, for any whose own text is not Latvian first. A message made only of
values (``str(exc)``) is checked where it was written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import virsis_graph

PACKAGE = Path(virsis_graph.__file__).parent

RAISED = {
    "RegisterError", "StoreLockedError", "CompileError", "QueryError", "TokenError", "Unsupported",
    "ValueError", "TypeError",
}
"""Exceptions whose message reaches a person (ValueError and TypeError: through the CLI, the API and the site)."""
COLLECTED = ("errors", "warnings", "problems", "unsupported")
"""Lists of messages an import, a check or the shape reader fills (``result.errors.append(...)``)."""
LATVIAN = re.compile(r"[āčēģīķļņšūž]|\b(nav|ir|vai|un)\b", re.IGNORECASE)


def text_of(node: ast.expr) -> str | None:
    """The constant text of a message expression, with ``{}`` for each value; None if it is not a text."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = text_of(node.left), text_of(node.right)
        if left is None and right is None:
            return None
        return (left or "{}") + (right or "{}")
    return None


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def messages(tree: ast.AST):
    """(line, text) of every message for people in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in RAISED:
            args = node.exc.args[:1]
        elif not isinstance(node, ast.Call):
            continue
        elif _name(node.func) == "fail":
            args = node.args[:1]
        elif _name(node.func) == "Problem" or _name(node.func) == "problem":
            args = node.args[1:2]
        elif _name(node.func) == "append" and isinstance(node.func, ast.Attribute) and _name(node.func.value).endswith(COLLECTED):
            args = [a for a in node.args[:1] if not (isinstance(a, ast.Call) and _name(a.func) == "Problem")]
        else:  # ImportResult(errors=["..."])
            args = [e for k in node.keywords if k.arg in COLLECTED and isinstance(k.value, ast.List) for e in k.value.elts]
        for arg in args:
            text = text_of(arg)
            if text is not None and re.search(r"[A-Za-zĀ-ž]{3}", text.replace("{}", "")):
                yield node.lineno, text


def is_bilingual(text: str) -> bool:
    """Latvian, then `` / ``, then English: a Latvian letter or word before the last `` / ``.

    (Before the last, not the first: a message may start with a bilingual locator,
    ``kolonna / column replaces: ...``.)
    """
    latvian, sep, english = text.rpartition(" / ")
    return bool(sep and english.strip() and LATVIAN.search(latvian))


MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_every_message_for_people_is_latvian_first(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    english_only = [f"{module}:{line}: {text}" for line, text in messages(tree) if not is_bilingual(text)]
    assert not english_only, "write these as 'latviski / in English':\n" + "\n".join(english_only)


def test_the_reader_finds_the_messages_it_checks():
    """The test above would pass on a package it cannot read: it must see each kind of message, good or bad."""
    source = '''
raise RegisterError(f"{path}: fails nav atrasts / file not found")
raise QueryError("no named query")
raise fail(f"--format {fmt!r}: use one of {formats}")
errors.append(f"{source}: has no records")
self.result.warnings.append("saite karājas / a dangling link")
problems.append(Problem(where, "is empty but required", column))
row.problem("kind", f"{value!r} ir veidu grupa / is a group of kinds")
raise fail(str(exc))
return ImportResult(errors=["--graph names one graph"])
'''
    found = dict(messages(ast.parse(source)))
    assert set(found) == {2, 3, 4, 5, 6, 7, 8, 10}  # line 9 has no text of its own
    assert {line for line, text in found.items() if not is_bilingual(text)} == {3, 4, 5, 7, 10}
