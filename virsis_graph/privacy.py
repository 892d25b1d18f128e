"""What of a register may be published: people appear by name and role only.

Public pages, dumps and the public SPARQL endpoint show a person's name, the
institution they work in and the roles they hold, never their e-mail, telephone
or anything else; an institution's or a service's contact point is
organisational and public. The rule is a whitelist, so a property added later
stays private until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERSON = "http://xmlns.com/foaf/0.1/Person"
PUBLIC_PERSON_PROPERTIES = frozenset({
    RDF_TYPE,
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/identifier",
    "http://www.w3.org/ns/org#memberOf",
})
"""What is published of a person (foaf:Person): who they are and where they work."""


def people(triples: Iterable[ox.Triple]) -> set[ox.NamedNode | ox.BlankNode]:
    """The subjects typed foaf:Person among ``triples``."""
    return {t.subject for t in triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == PERSON}


def public(triples: list[ox.Triple], persons: set | None = None) -> list[ox.Triple]:
    """``triples`` without the personal data of the people among their subjects.

    ``persons`` are the subjects known to be people (from elsewhere in the
    register); the people typed in ``triples`` themselves are always included.
    """
    private = people(triples) | set(persons or ())
    return [t for t in triples if not personal(t, private)]


def personal(statement: ox.Triple | ox.Quad, persons: set) -> bool:
    """Whether ``statement`` is personal data of one of ``persons``."""
    return statement.subject in persons and statement.predicate.value not in PUBLIC_PERSON_PROPERTIES


CREATOR = "http://purl.org/dc/terms/creator"


def people_of(store) -> set[ox.NamedNode | ox.BlankNode]:
    """The subjects typed foaf:Person anywhere in ``store``: whose statements are kept private."""
    return {row["p"] for row in store.query(f"SELECT DISTINCT ?p WHERE {{ ?p <{RDF_TYPE}> <{PERSON}> }}")}


def publishable(q: ox.Quad, persons: set) -> bool:
    """Whether a quad of a data or provenance graph may be published (``persons``: from :func:`people_of`).

    Not the personal data of people, and not who ran each import (``dct:creator``
    in the provenance graph, a login name).
    """
    from .importing import provenance_graph

    if personal(q, persons):
        return False
    return not (q.predicate.value == CREATOR and isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == provenance_graph())


def public_quads(store, graphs: list[str] | None = None) -> Iterator[ox.Quad]:
    """Every quad of ``graphs`` (default: the register's data and provenance graphs) that may be published.

    Leaves out what :func:`publishable` refuses; by default also the model
    graphs (published with the ontology).
    """
    from .importing import MODEL_GRAPHS

    persons = people_of(store)
    for graph in graphs if graphs is not None else store.graphs():
        if graphs is None and graph in MODEL_GRAPHS:
            continue
        for q in store.quads(graph):
            if publishable(q, persons):
                yield q
