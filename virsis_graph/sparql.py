"""Reading SPARQL query text without a full parser: its form, its WHERE group, bindings.

Used to bind values by a ``VALUES`` block where the engine cannot substitute
them itself (remote endpoints; pyoxigraph for variables outside the projection).
The scanner skips comments, string literals and IRIs, so braces or keywords
inside them never mislead it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

Bindings = dict[str, ox.NamedNode | ox.Literal]

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>
          \"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
        | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        | "(?:[^"\\\n\r]|\\.)*"
        | '(?:[^'\\\n\r]|\\.)*'
      )
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.-]*)?:[\w.:%-]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<brace>[{}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _tokens(sparql: str) -> Iterator[tuple[int, str, str]]:
    """``(offset, kind, text)`` of the words and braces of ``sparql`` outside comments, strings and IRIs."""
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind == "word":
            yield m.start(), kind, m.group().upper()
        elif kind == "brace":
            yield m.start(), kind, m.group()


def unshift(message: str, prologue: str) -> str:
    """An engine's error about ``prologue + text`` with its positions moved back into ``text``, as its writer wrote it."""
    lines = prologue.count("\n")
    message = re.sub(r"error at (\d+):", lambda m: f"error at {int(m[1]) - lines}:", message)  # pyoxigraph
    message = re.sub(r"\(line:(\d+),", lambda m: f"(line:{int(m[1]) - lines},", message)  # rdflib
    return re.sub(r"\(at char (\d+)\)", lambda m: f"(at char {int(m[1]) - len(prologue)})", message)


def explained(message: str, text: str, prologue: str = "") -> str:
    """pyoxigraph's syntax error about ``prologue + text`` as the writer of ``text`` reads it.

    Its positions are moved back into ``text`` (:func:`unshift`), and for a
    prefix that neither ``text`` nor ``prologue`` declares, pyoxigraph's list
    of expected characters gives way to the prefix's name and what to do.
    """
    message = unshift(message, prologue)
    if "Prefix not found" not in message:
        return message
    declared = set(re.findall(r"(?i)PREFIX\s+([^\W\d][\w.-]*)?:", prologue + text))
    used = [m.group().split(":", 1)[0] for m in _TOKEN.finditer(text) if m.lastgroup == "pname"]
    unknown = next((p for p in used if p not in declared), None)
    if unknown is None:
        return message
    where = re.search(r"error at \d+:\d+", message)  # what comes before it (a lead, the position) is kept
    return (f"{message[:where.end()] + ': ' if where else ''}nezināms prefikss {unknown}: — deklarējiet to ar PREFIX {unknown}: <…> / "
            f"unknown prefix {unknown}: — declare it with PREFIX {unknown}: <…>")


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the form of the query ``sparql``.

    Raises ValueError if it is none of them (an update, say).
    """
    for _, kind, text in _tokens(sparql):
        if kind == "word" and text in _FORMS:
            return text
        if kind == "brace":
            break
    raise ValueError("tas nav SPARQL vaicājums: pirms pirmās '{' jābūt SELECT, ASK, CONSTRUCT vai DESCRIBE / "
                     "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE before the first '{'")


def where_brace(sparql: str) -> int:
    """Offset of the ``{`` that opens the outermost WHERE group of the query ``sparql``.

    Raises ValueError when the query has no such group (``DESCRIBE <iri>``) or
    when it cannot take extra patterns (the ``CONSTRUCT WHERE { ... }`` short form).
    """
    form = query_form(sparql)
    depth = 0
    groups_seen = 0
    previous = ""
    for offset, kind, text in _tokens(sparql):
        if text == "{":
            if depth == 0:
                if form == "CONSTRUCT" and groups_seen == 0:
                    if previous == "WHERE":
                        raise ValueError("CONSTRUCT WHERE { ... } īsajai formai vērtības piesaistīt nevar; izrakstiet veidni / "
                                         "bindings cannot be added to the CONSTRUCT WHERE { ... } short form; write the template out")
                else:
                    return offset
                groups_seen += 1
            depth += 1
        elif text == "}":
            depth -= 1
        previous = text
    raise ValueError(f"{form} vaicājumam nav WHERE grupas, kurā piesaistīt mainīgos / the {form} query has no WHERE group to bind variables in")


_VARNAME = re.compile(r"\w+")


def with_values(sparql: str, bindings: Bindings) -> str:
    """``sparql`` with a ``VALUES`` block for ``bindings`` at the start of its outermost WHERE group.

    Each value is written in pyoxigraph's own N-Triples syntax, which escapes
    literals, so no value can change the shape of the query.
    """
    if not bindings:
        return sparql
    names, values = [], []
    for name, value in bindings.items():
        if not _VARNAME.fullmatch(name):
            raise ValueError(f"{name!r} nav SPARQL mainīgā nosaukums / is not a SPARQL variable name")
        if not isinstance(value, ox.NamedNode | ox.Literal):
            raise TypeError(f"?{name}: piesaistīt var tikai IRI (NamedNode) un literāļus / only IRIs (NamedNode) and literals can be bound, not {type(value).__name__}")
        names.append(f"?{name}")
        values.append(str(value))
    brace = where_brace(sparql) + 1
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    return sparql[:brace] + block + sparql[brace:]
