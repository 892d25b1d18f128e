"""Code lists read from the vocabularies, for turning spreadsheet values into concepts.

A cell may hold a concept's code (``provision``), its notation (``4``) or any of
its labels in Latvian or English (``Sniegšana un uzturēšana``); matching ignores
case, diacritics and the difference between spaces, hyphens and underscores.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from . import resources
from .namespaces import VIRSIS, scheme


def normalise(text: str) -> str:
    """Lower case, no diacritics, words joined by ``-``: ``Sniegšana un uzturēšana`` → ``sniegsana-un-uzturesana``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join(plain.replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class CodeList:
    """One concept scheme: its concepts and every way a cell may name them."""

    name: str
    lookup: dict[str, URIRef]
    codes: tuple[str, ...]

    def resolve(self, value: str) -> URIRef | None:
        """The concept a cell names, or None."""
        return self.lookup.get(normalise(value))

    def code(self, concept: object) -> str:
        """The short code of a concept (rdflib or pyoxigraph term): the last segment of its IRI."""
        return getattr(concept, "value", str(concept)).rsplit("/", 1)[1]


@cache
def vocabularies() -> Graph:
    """All code lists as one rdflib graph (parsed once per process)."""
    graph = Graph()
    for path in resources.vocabulary_files():
        graph.parse(path, format="turtle")
    return graph


@cache
def code_list(name: str) -> CodeList:
    """The code list of the scheme ``name`` (e.g. ``lifecycle-stage``)."""
    graph = vocabularies()
    lookup: dict[str, URIRef] = {}
    codes = []
    for concept in graph.subjects(SKOS.inScheme, URIRef(scheme(name))):
        code = str(concept).rsplit("/", 1)[1]
        codes.append(code)
        names = [code, *(str(o) for p in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(concept, p))]
        for n in names:
            lookup.setdefault(normalise(n), concept)
    return CodeList(name, lookup, tuple(sorted(codes)))


def corresponding_class(concept: object) -> URIRef | None:
    """The OWL class a concept (rdflib or pyoxigraph term) stands for, looking up broader concepts when it has none."""
    graph = vocabularies()
    concept = URIRef(getattr(concept, "value", str(concept)))
    while concept is not None:
        cls = graph.value(concept, VIRSIS.correspondingClass)
        if cls is not None:
            return cls
        concept = graph.value(concept, SKOS.broader)
    return None


def label(concept: object, lang: str) -> str:
    """The preferred label in ``lang`` of a concept (rdflib or pyoxigraph term); its code if it has none."""
    concept = URIRef(getattr(concept, "value", str(concept)))
    for o in vocabularies().objects(concept, SKOS.prefLabel):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return str(concept).rsplit("/", 1)[1]
