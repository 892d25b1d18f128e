"""Namespaces of the VIRSIS ontology, its code lists and the vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

VIRSIS = Namespace("https://w3id.org/virsis/ontology#")
"""The ontology namespace (classes and properties)."""

ONTOLOGY_IRI = "https://w3id.org/virsis/ontology"
VOCAB_BASE = "https://w3id.org/virsis/vocab/"
"""Code lists: ``{VOCAB_BASE}{scheme}`` is a scheme, ``{VOCAB_BASE}{scheme}/{code}`` a concept."""

CATALOGUE_BASE = "https://w3id.org/virsis/catalogue/"

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

PREFIXES: dict[str, str] = {
    "virsis": str(VIRSIS),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "adms": str(ADMS),
    "dqv": str(DQV),
    "eli": str(ELI),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def scheme(name: str) -> str:
    """IRI of the concept scheme ``name`` (e.g. ``role``)."""
    return VOCAB_BASE + name


def concept(scheme_name: str, code: str) -> str:
    """IRI of the concept ``code`` in the scheme ``scheme_name``."""
    return f"{VOCAB_BASE}{scheme_name}/{code}"


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, for queries written in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
