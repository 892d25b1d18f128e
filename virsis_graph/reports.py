"""Validation reports for people and machines: text, JSON, JUnit XML, SARIF 2.1.0, SHACL Turtle."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from json.encoder import encode_basestring
from xml.sax.saxutils import escape

from . import __version__
from .settings import base_iri
from .validation import SEVERITIES, Condition, Report, Result, group, shape_label

FORMATS = ("text", "json", "junit", "sarif", "ttl")
_MARK = {"violation": "✗", "warning": "!", "info": "i"}
_WORD = {
    "lv": {"violation": "pārkāpums", "warning": "brīdinājums", "info": "informācija"},
    "en": {"violation": "violation", "warning": "warning", "info": "info"},
}


@lru_cache(maxsize=4096)
def _local(iri: str) -> str:
    # Cached: a report names a few hundred shapes and paths, a million times over.
    return re.split(r"[#/]", iri)[-1]


def _detail(r: Result, records: str) -> str:
    """`` [path: value]``: what a result is about, so that three warnings of one shape on a record tell
    which link each is (a record's IRI as ``kind/identifier``; a path written as a blank node left out)."""
    path = _local(r.path) if r.path and r.path.startswith(("http://", "https://", "urn:")) else ""
    value = r.value if r.value is not None and r.value != r.focus else None
    if value is not None:
        value = value.removeprefix(records) if value.startswith(records) else value
        value = value if len(value) <= 60 else value[:59] + "…"
    if path and value is not None:
        return f" [{path}: {value}]"
    return f" [{path or value}]" if path or value is not None else ""


def _record_heading(r: Result, lang: str) -> str:
    title = r.title.get(lang) or next(iter(r.title.values()), "")
    where = f"{r.where.text} — " if r.where else ""
    return f"{where}{r.identifier}" + (f" ({title})" if title else "")


def text(report: Report, lang: str = "lv", fail_on: str = "violation") -> str:
    """Results grouped by record, then by condition, in plain words, with a summary line."""
    lines = []
    records = f"{base_iri()}id/"
    for _, by_condition in group(report.results).items():
        first = next(iter(next(iter(by_condition.values()))))
        lines.append(_record_heading(first, lang))
        for condition, results in sorted(by_condition.items(), key=lambda kv: kv[0].number):
            name = getattr(condition, lang) or condition.en
            lines.append(f"  {condition.notation} {name}".rstrip() if condition.notation else f"  {name}")
            for r in results:
                lines.append(f"    {_MARK[r.severity]} {_WORD[lang][r.severity]}: {r.text(lang)}{_detail(r, records)} ({r.sub_criterion.notation} {_local(r.shape)})")
        lines.append("")
    verdict = "atbilst" if report.conforms(fail_on) else "neatbilst"
    verdict_en = "conforms" if report.conforms(fail_on) else "does not conform"
    lines.append(f"{report.summary()} — {verdict} / {verdict_en} (--fail-on {fail_on})")
    return "\n".join(lines) + "\n"


def _result_json(r: Result) -> dict:
    return {
        "record": r.record,
        "identifier": r.identifier,
        "kind": r.kind,
        "title": r.title,
        "location": _location_json(r),
        "severity": r.severity,
        "condition": _condition_json(r.condition),
        "sub_criterion": _condition_json(r.sub_criterion),
        "shape": r.shape,
        "focus": r.focus,
        "path": r.path,
        "value": r.value,
        "message": r.message,
    }


def _location_json(r: Result) -> dict | None:
    return {"file": r.where.file, "line": r.where.line, "text": r.where.text} if r.where else None


def _condition_json(c: Condition) -> dict:
    return {"notation": c.notation, "lv": c.lv, "en": c.en}


def as_json(report: Report, fail_on: str = "violation") -> str:
    """One JSON document: verdict, counts and every result with its record, location and condition."""
    return "".join(json_chunks(report, fail_on))


def json_chunks(report: Report, fail_on: str = "violation") -> Iterator[str]:
    """:func:`as_json` piece by piece, one result per line, for writing a report of a million results as it is made.

    Each line is exactly ``json.dumps(_result_json(result), ensure_ascii=False)``.
    """
    head = {"conforms": report.conforms(fail_on), "fail_on": fail_on, "records": report.records,
            "counts": {s: report.count(s) for s in SEVERITIES}}
    yield "{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in head.items())
    yield '  "results": ['
    yield from _blocks(_result_lines(report.results))
    yield ("\n  ]\n}\n" if report.results else "]\n}\n")


_encode = json.JSONEncoder(ensure_ascii=False).encode
"""One value as compact JSON, with the C encoder (an indented dump is written in Python, ten times slower)."""

_BLOCK = 2000
"""Results per piece of a report written in pieces: one write per result costs more than encoding it."""


def _blocks(lines: Iterator[str]) -> Iterator[str]:
    while block := list(islice(lines, _BLOCK)):
        yield "".join(block)


def _result_lines(results: list[Result]) -> Iterator[str]:
    # What results share (a record's identifier, title and location; a shape's severity, condition and
    # message) is encoded once, with the C encoder, and each line joined from the pieces as the encoder
    # joins them (", " and ": "). 1.2 M results: 11 s → 6 s, of which 4 s is writing the 1.1 GB.

    def text(value: str | None) -> str:
        # What ``_encode`` gives for a string or None, without its dispatch.
        return "null" if value is None else encode_basestring(value)

    # By identity, each object kept with its text so that its id is not reused while cached.
    shapes: dict[tuple, tuple[Result, str]] = {}
    messages: dict[int, tuple[dict[str, str], str]] = {}
    record_part = ""
    previous: Result | None = None
    for i, r in enumerate(results):
        if (previous is None or r.record != previous.record or r.identifier != previous.identifier
                or r.kind != previous.kind or r.title is not previous.title or r.where is not previous.where):
            record_part = _encode({"record": r.record, "identifier": r.identifier, "kind": r.kind, "title": r.title,
                                  "location": _location_json(r)})[1:-1]
        previous = r
        key = (r.severity, id(r.condition), id(r.sub_criterion), r.shape)
        shape = shapes.get(key)
        if shape is None or shape[0].condition is not r.condition or shape[0].sub_criterion is not r.sub_criterion:
            shape = shapes[key] = (r, _encode({"severity": r.severity, "condition": _condition_json(r.condition),
                                              "sub_criterion": _condition_json(r.sub_criterion), "shape": r.shape})[1:-1])
        message = messages.get(id(r.message))
        if message is None or message[0] is not r.message:
            message = messages[id(r.message)] = (r.message, _encode({"message": r.message})[1:-1])
        sep = ",\n    " if i else "\n    "
        yield (f'{sep}{{{record_part}, {shape[1]}, "focus": {text(r.focus)}, "path": {text(r.path)}, '
               f'"value": {text(r.value)}, {message[1]}}}')


def junit(report: Report, lang: str = "lv", fail_on: str = "violation") -> str:
    """JUnit XML: a test suite per quality condition, a test case per record and condition.

    Only records with results appear (a register of thousands of clean records
    would otherwise flood the CI page); a case fails when it has a result at the
    ``fail_on`` severity or worse, and lists milder results in its output.
    """
    return "".join(junit_chunks(report, lang, fail_on))


# Escaped as ElementTree escapes text and attributes, so the document is the one it would write.
_XML_ATTRIBUTE = {"\"": "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _attributes(**values: str | None) -> str:
    return "".join(f' {name}="{escape(value, _XML_ATTRIBUTE)}"' for name, value in values.items() if value is not None)


def junit_chunks(report: Report, lang: str = "lv", fail_on: str = "violation") -> Iterator[str]:
    """:func:`junit` piece by piece, as ``xml.etree.ElementTree`` would write it, without building the tree.

    At a million results the tree and its serialisation took most of the time;
    the totals are counted first, as the root element carries them.
    """
    failing = set(SEVERITIES[: SEVERITIES.index(fail_on) + 1])
    suites: dict[str, list[tuple[Result, list[Result], bool]]] = {}
    for _, by_condition in group(report.results).items():
        for condition, results in by_condition.items():
            key = f"{condition.notation} {getattr(condition, lang) or condition.en}".strip()
            suites.setdefault(key, []).append((results[0], results, any(r.severity in failing for r in results)))
    ordered = sorted(suites.items(), key=lambda kv: (len(kv[0].split(" ")[0]), kv[0]))
    tests = sum(len(cases) for _, cases in ordered)
    failures = sum(failed for _, cases in ordered for *_, failed in cases)
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    root = _attributes(name="virsis validate", tests=str(tests), failures=str(failures))
    if not ordered:
        yield f"<testsuites{root} />\n"
        return
    yield f"<testsuites{root}>"
    words = _WORD[lang]

    def cases_of(name: str, cases: list[tuple[Result, list[Result], bool]]) -> Iterator[str]:
        for first, results, failed in cases:
            where = first.where
            case = _attributes(classname=f"{first.kind or 'record'}.{first.identifier}", name=f"{first.identifier}: {name}",
                               file=where.file if where else None,
                               line=str(where.line) if where and where.line else None)
            body = escape("\n".join(f"{words[r.severity]}: {r.text(lang)} ({_local(r.shape)})" for r in results))
            if failed:
                bad = next(r for r in results if r.severity in failing)
                inner = f"<failure{_attributes(message=bad.text(lang), type=bad.severity)}>{body}</failure>"
            else:
                inner = f"<system-out>{body}</system-out>"
            yield f"<testcase{case}>{inner}</testcase>"

    for name, cases in ordered:
        suite_failures = sum(failed for *_, failed in cases)
        yield f"<testsuite{_attributes(name=name, tests=str(len(cases)), failures=str(suite_failures))}>"
        yield from _blocks(cases_of(name, cases))
        yield "</testsuite>"
    yield "</testsuites>\n"


_LEVEL = {"violation": "error", "warning": "warning", "info": "note"}


def sarif(report: Report, lang: str = "lv") -> str:
    """SARIF 2.1.0: one rule per shape, one result per finding, located by file and line."""
    return "".join(sarif_chunks(report, lang))


def sarif_chunks(report: Report, lang: str = "lv") -> Iterator[str]:
    """:func:`sarif` piece by piece, one result per line (:data:`_encode`), for writing a report of a million results as it is made."""
    rules: dict[str, dict] = {}
    rule_of: dict[str, tuple[str, int]] = {}  # shape → its rule's id and index
    for r in report.results:
        if r.shape in rule_of:
            continue
        rule_id = _local(r.shape)
        if rule_id not in rules:
            rules[rule_id] = {
                "id": rule_id,
                "name": rule_id,
                "shortDescription": {"text": shape_label(r.shape, lang)},
                "helpUri": r.shape,
                "properties": {"condition": f"{r.condition.notation} {r.condition.en}".strip(), "subCriterion": f"{r.sub_criterion.notation} {r.sub_criterion.en}".strip()},
            }
        rule_of[r.shape] = (rule_id, list(rules).index(rule_id))
    tool = {"driver": {"name": "virsis", "version": __version__, "informationUri": "https://w3id.org/virsis/ontology", "rules": list(rules.values())}}
    yield ('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [{\n'
           f'    "tool": {_encode(tool)},\n    "results": [')

    def lines() -> Iterator[str]:
        for i, r in enumerate(report.results):
            rule_id, index = rule_of[r.shape]
            location: dict = {"logicalLocations": [{"name": r.identifier, "fullyQualifiedName": r.record, "kind": "object"}]}
            if r.where:
                physical: dict = {"artifactLocation": {"uri": r.where.file}}
                if r.where.line:
                    physical["region"] = {"startLine": r.where.line}
                location["physicalLocation"] = physical
            result = {
                "ruleId": rule_id,
                "ruleIndex": index,
                "level": _LEVEL[r.severity],
                "message": {"text": f"{r.identifier}: {r.text(lang)}"},
                "locations": [location],
            }
            yield (",\n      " if i else "\n      ") + _encode(result)

    yield from _blocks(lines())
    yield ("\n    ]\n  }]\n}\n" if report.results else "]\n  }]\n}\n")


def chunks(report: Report, fmt: str, lang: str = "lv", fail_on: str = "violation") -> Iterable[str]:
    """:func:`render` in pieces that can be written as they come (JSON, SARIF and JUnit are made result by result)."""
    if fmt == "json":
        return json_chunks(report, fail_on)
    if fmt == "sarif":
        return sarif_chunks(report, lang)
    if fmt == "junit":
        return junit_chunks(report, lang, fail_on)
    return [render(report, fmt, lang, fail_on)]


def render(report: Report, fmt: str, lang: str = "lv", fail_on: str = "violation") -> str:
    """The report in ``fmt``, one of :data:`FORMATS`."""
    if fmt == "text":
        return text(report, lang, fail_on)
    if fmt == "json":
        return as_json(report, fail_on)
    if fmt == "junit":
        return junit(report, lang, fail_on)
    if fmt == "sarif":
        return sarif(report, lang)
    if fmt == "ttl":
        return report.graph.serialize(format="turtle")
    raise ValueError(f"nezināms formāts / unknown format {fmt!r}; izvēlieties kādu no / use one of: {', '.join(FORMATS)}")
