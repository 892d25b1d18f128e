"""The named query library: ``queries/*.rq``, their headers, and binding their parameters.

Each ``.rq`` file is plain SPARQL 1.1 that any engine runs unchanged. Its header
of comments describes it::

    # title: <Latvian title> | <English title>
    # description: <Latvian description> | <English description>
    # param: <name> <type>[=<default>] <Latvian description> | <English description>

A parameter is a variable of the query. Left unbound, the query answers for
every value (``life_situation``: every life situation) or uses the default the
query text itself writes with ``COALESCE`` (the header's ``=default`` documents
it). :func:`bind` turns ``name=value`` strings into RDF terms — a record
parameter takes the record's identifier as written in the import templates, or
a full IRI, and must exist in the register — and :func:`run` binds them with a
``VALUES`` block at the start of the query's WHERE group (:func:`sparql.with_values`),
never by splicing text into the query.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from .records import IDENTIFIER
from .resources import data_root
from .settings import base_iri
from .sparql import Bindings, query_form, with_values
from .store import Store

XSD = "http://www.w3.org/2001/XMLSchema#"

RECORD_TYPES = {
    "life-situation": ("life-situation", "dzīves situācija", "life situation"),
    "need": ("need", "vajadzība", "need"),
    "service": ("service", "pakalpojums", "service"),
    "resource": ("resource", "resurss", "resource"),
    "organisation": ("organisation", "organizācija", "organisation"),
    "person": ("person", "persona", "person"),
}
"""Record parameter types: the IRI path segment the importer mints under, and the lv/en nouns."""

VALUE_TYPES = ("integer", "string", "iri")
TYPES = (*RECORD_TYPES, *VALUE_TYPES)


class QueryError(ValueError):
    """A named query or a parameter value that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, as its header declares it."""

    name: str
    type: str
    default: str | None
    description_lv: str
    description_en: str


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file of the library with its parsed header."""

    name: str
    path: Path
    title_lv: str
    title_en: str
    description_lv: str
    description_en: str
    params: tuple[Param, ...]
    text: str

    @property
    def form(self) -> str:
        return query_form(self.text)

    @property
    def columns(self) -> list[str]:
        """The variables a SELECT query projects, in order (parsed with rdflib's SPARQL parser)."""
        return list(_projection(self.text))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@cache
def _projection(text: str) -> tuple[str, ...]:
    from rdflib.plugins.sparql import prepareQuery

    return tuple(str(v) for v in prepareQuery(text).algebra.get("PV", []))


_FIELD = re.compile(r"#\s*(title|description|param):\s*(.*)")
_PARAM = re.compile(r"(\w+)\s+([\w-]+)(?:=(\S+))?\s+(.*)")


def _bilingual(text: str, where: str) -> tuple[str, str]:
    lv, sep, en = text.partition(" | ")
    if not sep or not lv.strip() or not en.strip():
        raise QueryError(f"{where}: rakstiet latviski un angliski, atdalot ar ' | ' / write it in Latvian and English separated by ' | '")
    return lv.strip(), en.strip()


def parse(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header; raise :class:`QueryError` naming the line at fault."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, tuple[str, str]] = {}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        m = _FIELD.match(line)
        if not m:
            continue
        key, value = m.groups()
        where = f"{path.name}, line {number}, {key}"
        if key == "param":
            p = _PARAM.fullmatch(value.strip())
            if not p:
                raise QueryError(f"{where}: rakstiet '# param: nosaukums tips[=noklusējums] apraksts latviski | apraksts angliski' / "
                                 "write '# param: name type[=default] Latvian description | English description'")
            name, type_, default, description = p.groups()
            if type_ not in TYPES:
                raise QueryError(f"{where}: nezināms tips {type_!r} / unknown type {type_!r}; izvēlieties kādu no / use one of: {', '.join(TYPES)}")
            if not re.search(rf"[?$]{name}\b", text.split("\n", number)[-1]):
                raise QueryError(f"{where}: vaicājums nekur neizmanto ?{name} / the query never uses ?{name}")
            params.append(Param(name, type_, default, *_bilingual(description, where)))
        else:
            fields[key] = _bilingual(value, where)
    for key in ("title", "description"):
        if key not in fields:
            raise QueryError(f"{path.name}: galvenē nav rindas '# {key}:' / the header has no '# {key}:' line")
    return NamedQuery(path.stem, path, *fields["title"], *fields["description"], tuple(params), text)


def queries_folder() -> Path:
    return data_root() / "queries"


@cache
def library(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``folder`` (default: the package's ``queries/``), by name, sorted."""
    folder = folder or queries_folder()
    return {q.name: q for q in (parse(p) for p in sorted(folder.glob("*.rq")))}


def named(name: str) -> NamedQuery:
    """The named query ``name`` (with or without ``.rq``); :class:`QueryError` suggests the nearest names."""
    queries = library()
    key = name.removesuffix(".rq")
    if key in queries:
        return queries[key]
    near = difflib.get_close_matches(key, queries, n=3)
    hint = f"vai domājāt / did you mean {', '.join(near)}? " if near else ""
    raise QueryError(f"nav vaicājuma {name!r} / no named query {name!r}: {hint}tos uzskaita / 'virsis queries' lists them")


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; :class:`QueryError` for a pair without ``=`` or a key given twice."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: rakstiet kā nosaukums=vērtība / write it as name=value, e.g. --param resource=r-12")
        if key in values:
            raise QueryError(f"--param {key} norādīts divreiz, norādiet vienreiz / --param {key} is given twice: give it once")
        values[key] = value.strip()
    return values


def bind(query: NamedQuery, values: dict[str, str], store: Store) -> Bindings:
    """The RDF terms for ``values`` (parameter name → text), checked against the query and the register.

    Raises :class:`QueryError` for an unknown parameter (naming the known ones),
    a value of the wrong type, or a record that is not in the register.
    """
    bindings: Bindings = {}
    for name, value in values.items():
        param = query.param(name)
        if param is None:
            known = ", ".join(p.name for p in query.params) or "—"
            raise QueryError(f"{query.name} nav parametra {name!r} / has no parameter {name!r}; tā parametri / its parameters: {known}")
        bindings[name] = _term(param, value)
    records = {name: term for name, term in bindings.items() if query.param(name).type in RECORD_TYPES}
    if records:
        found = store.existing(set(records.values()))
        for name, term in records.items():
            if term not in found:
                raise QueryError(missing(query.param(name).type, values[name], term))
    return bindings


def missing(kind: str, value: str, iri: ox.NamedNode) -> str:
    """The message for a record of ``kind`` that the register does not hold."""
    _, lv, en = RECORD_TYPES[kind]
    return f"{lv} {value!r} reģistrā nav / there is no {en} {value!r} in the register ({iri.value})"


def record_iri(kind: str, value: str, where: str) -> ox.NamedNode:
    """The IRI of the record of ``kind`` written as ``value``: an identifier from the templates or a full IRI.

    ``where`` names the option in the :class:`QueryError` raised for anything else.
    """
    if IDENTIFIER.fullmatch(value):
        return ox.NamedNode(f"{base_iri()}id/{RECORD_TYPES[kind][0]}/{value}")
    return _iri(value, where, ("identifikators (burti, cipari, '.', '_', '-') vai pilns IRI",
                               "an identifier (letters, digits, '.', '_', '-') or a full IRI"))


def _iri(value: str, where: str, expected: tuple[str, str]) -> ox.NamedNode:
    """``value`` as an http(s) or urn IRI, else a :class:`QueryError` saying what was ``expected`` (Latvian, English)."""
    parts = urlsplit(value)
    if parts.scheme in ("http", "https", "urn") and (parts.netloc or parts.scheme == "urn"):
        try:
            return ox.NamedNode(value)
        except ValueError:
            pass
    raise QueryError(f"{where}: gaidīts {expected[0]} / expected {expected[1]}")


def _term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    where = f"--param {param.name}={value}"
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise QueryError(f"{where}: gaidīts vesels skaitlis / expected a whole number")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "string":
        return ox.Literal(value)
    if param.type in RECORD_TYPES:
        return record_iri(param.type, value, where)
    return _iri(value, where, ("pilns IRI", "a full IRI"))


def prepared(query: NamedQuery, bindings: Bindings) -> str:
    """The query text with ``bindings`` in a VALUES block: what is sent to the engine."""
    return with_values(query.text, bindings)


def run(store: Store, query: NamedQuery, values: dict[str, str] | None = None):
    """Bind ``values`` and run ``query`` on ``store``; returns the engine's solutions (or boolean, or triples)."""
    return store.query(prepared(query, bind(query, values or {}, store)))
