"""The model's own IRIs dereference: ``/ontology``, ``/vocab/{scheme}``, ``/vocab/{scheme}/{code}``, ``/shapes``.

``https://w3id.org/virsis/ontology#Term``, ``https://w3id.org/virsis/vocab/...``
and ``https://w3id.org/virsis/shapes#Shape`` are persistent w3id IRIs; w3id
redirects them here (docs/ontology.md has the rules). Each page is made from
the store's model graphs, so it documents exactly the model the register is
validated against, and answers like a record (:func:`negotiation.represent`):
HTML in Latvian or English, or Turtle, JSON-LD, N-Triples, RDF/XML by
``Accept`` or extension, with ``Vary``, ``Link``, ``Content-Location`` and
``ETag``.

- ``/ontology``: every class and property of the ontology with its Latvian and
  English label, definition, notes, superclasses, domain, range and alignment
  to the standards, each under an anchor equal to its local name
  (``#Service``); the terms it reuses under their CURIE (``#cv:LifeEvent``).
  Its RDF is the whole ontology graph: ``virsis.ttl`` and the reused-term
  declarations.
- ``/vocab``: the code lists; ``/vocab/{scheme}`` one of them, its concepts
  under anchors equal to their codes; ``/vocab/{scheme}/{code}`` one concept.
  A concept has its own page, not only an anchor, because concept IRIs are
  slash IRIs: an RDF client that dereferences one gets that concept's
  statements at that URL, and the w3id rule is a plain prefix rewrite.
- ``/shapes``: the SHACL shapes, each named shape under its local name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..importing import ONTOLOGY_GRAPH, SHAPES_GRAPH, VOCABULARIES_GRAPH
from ..namespaces import ONTOLOGY_IRI, PREFIXES, VIRSIS, VOCAB_BASE
from ..records import IDENTIFIER
from ..store import Store
from .negotiation import BY_EXTENSION, Format, rdf_body, represent, split_extension

ONTOLOGY_NS = str(VIRSIS)
SHAPES_IRI = "https://w3id.org/virsis/shapes"
SHAPES_NS = SHAPES_IRI + "#"
SCHEME = re.compile(r"[a-z][a-z0-9-]{0,63}")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
VANN = "http://purl.org/vocab/vann/"
TYPE = RDF + "type"

# Prefixes the pages and the Turtle use beyond the project's own (namespaces.PREFIXES).
TERM_PREFIXES = {**PREFIXES, "vann": VANN, "sh": SH, "vsh": SHAPES_NS}

CLASS_TYPES = (OWL + "Class", RDFS + "Class")
PROPERTY_TYPES = (OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property")
# What states a term's relation to a standard term (docs/ontology.md, "Alignment").
ALIGNMENT = (RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "equivalentClass", OWL + "equivalentProperty",
             SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch", SKOS + "narrowMatch",
             SKOS + "relatedMatch", RDFS + "seeAlso")

# The "other formats" links of every page: (extension, name, media type).
FORMAT_LINKS = [("ttl", "Turtle", "text/turtle"), ("jsonld", "JSON-LD", "application/ld+json"),
                ("nt", "N-Triples", "application/n-triples"), ("rdf", "RDF/XML", "application/rdf+xml")]

router = APIRouter()


# ---------------------------------------------------------------------------
# Where a model IRI is documented on the site
# ---------------------------------------------------------------------------


def site_place(iri: str) -> tuple[str, str | None] | None:
    """The site path and anchor documenting ``iri`` (an ontology term, code list, concept or shape), else None."""
    if iri == ONTOLOGY_IRI:
        return "/ontology", None
    if iri.startswith(ONTOLOGY_NS) and len(iri) > len(ONTOLOGY_NS):
        return "/ontology", iri[len(ONTOLOGY_NS):]
    if iri == SHAPES_IRI:
        return "/shapes", None
    if iri.startswith(SHAPES_NS) and len(iri) > len(SHAPES_NS):
        return "/shapes", iri[len(SHAPES_NS):]
    if iri.startswith(VOCAB_BASE):
        scheme, _, code = iri[len(VOCAB_BASE):].partition("/")
        if SCHEME.fullmatch(scheme) and (not code or IDENTIFIER.fullmatch(code)):
            return "/vocab/" + scheme + ("/" + code if code else ""), None
    return None


def term_link(iri: str, lang: str, here: str | None = None) -> str | None:
    """The site's link to the page documenting ``iri`` in ``lang``; just ``#anchor`` when it is on the page ``here``."""
    place = site_place(iri)
    if place is None:
        return None
    path, anchor = place
    if path == here and anchor:
        return "#" + anchor
    return f"{path}?lang={lang}" + (f"#{anchor}" if anchor else "")


def curie(iri: str, prefixes: dict[str, str] = TERM_PREFIXES) -> str | None:
    """``prefix:local`` for ``iri`` under one of ``prefixes`` (the longest namespace wins), else None."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)), key=lambda x: len(x[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else None


# ---------------------------------------------------------------------------
# Reading a graph
# ---------------------------------------------------------------------------


class Index:
    """The triples of one graph, by subject and by object, for documentation pages."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(dict.fromkeys(triples))
        self.out: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in self.triples:
            self.out[t.subject][t.predicate.value].append(t.object)
            self.into[t.object][t.predicate.value].append(t.subject)

    def objects(self, s: object, p: str) -> list:
        return self.out.get(s, {}).get(p, [])

    def subjects(self, p: str, o: object) -> list:
        return self.into.get(o, {}).get(p, [])

    def typed(self, *classes: str) -> list[ox.NamedNode]:
        """Named subjects of any of ``classes``, without repeats."""
        return list(dict.fromkeys(s for c in classes for s in self.subjects(TYPE, ox.NamedNode(c)) if isinstance(s, ox.NamedNode)))

    def texts(self, s: object, p: str) -> dict[str, list[str]]:
        """The literal values of ``s p``, by language tag (``""`` for none)."""
        found: dict[str, list[str]] = defaultdict(list)
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal):
                found[o.language or ""].append(o.value)
        return found

    def text(self, s: object, p: str, lang: str) -> str | None:
        """One value of ``s p`` in ``lang``, else Latvian, else untagged, else English."""
        texts = self.texts(s, p)
        for wanted in (lang, "lv", "", "en"):
            if texts.get(wanted):
                return texts[wanted][0]
        return None

    def rdf_list(self, node: object) -> list:
        """The members of an RDF collection."""
        members, seen = [], set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            members += self.objects(node, RDF + "first")
            node = next(iter(self.objects(node, RDF + "rest")), None)
        return members

    def description(self, subject: object) -> list[ox.Triple]:
        """The concise bounded description of ``subject``: its triples, and those of the blank nodes they reach."""
        found, todo, seen = [], [subject], set()
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            for p, objects in self.out.get(s, {}).items():
                for o in objects:
                    found.append(ox.Triple(s, ox.NamedNode(p), o))
                    if isinstance(o, ox.BlankNode):
                        todo.append(o)
        return found


CARDINALITIES = {OWL + p for p in ("cardinality", "minCardinality", "maxCardinality",
                                   "qualifiedCardinality", "minQualifiedCardinality", "maxQualifiedCardinality")}
XSD = "http://www.w3.org/2001/XMLSchema#"


def as_written(t: ox.Triple) -> ox.Triple:
    """``t`` with an OWL cardinality typed ``xsd:nonNegativeInteger`` again.

    Oxigraph stores every derived integer type as ``xsd:integer``; OWL 2's
    mapping to RDF (and the ontology file) types cardinalities
    ``xsd:nonNegativeInteger``, and strict OWL tools expect exactly that.
    """
    o = t.object
    if t.predicate.value in CARDINALITIES and isinstance(o, ox.Literal) and o.datatype.value == XSD + "integer":
        return ox.Triple(t.subject, t.predicate, ox.Literal(o.value, datatype=ox.NamedNode(XSD + "nonNegativeInteger")))
    return t


def graph_index(store: Store, graph: str) -> Index:
    """The triples of one model graph (they are few: a request reads them afresh rather than keep a stale copy)."""
    return Index(as_written(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads(graph))


# ---------------------------------------------------------------------------
# What a page shows
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A value as a page shows it: a label linking to its documentation, a literal, or a compound (restriction, chain)."""

    text: str
    href: str | None = None
    code: str | None = None
    lang: str | None = None
    parts: tuple = ()


@dataclass
class Row:
    lv: str
    en: str
    values: list[Ref]


@dataclass
class Term:
    """One class, property, concept or shape: both its labels and definitions, and rows of everything else."""

    iri: str
    anchor: str
    code: str
    kinds: list[Ref]
    labels: dict[str, str]
    definitions: dict[str, str]
    notes: list[Ref] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notation: str | None = None
    definition_heading: tuple[str, str] = ("Definīcija", "Definition")


class Refs:
    """Makes :class:`Ref` values for one page: labels in its language, links to the site's own pages."""

    def __init__(self, index: Index, labels: dict[str, dict[str, str]], lang: str, here: str, anchors: dict[str, str] | None = None) -> None:
        self.index, self.labels, self.lang, self.here = index, labels, lang, here
        self.anchors = anchors or {}  # IRIs documented on this page beyond site_place (reused terms)

    def label(self, iri: str) -> str | None:
        found = self.labels.get(iri, {})
        return found.get(self.lang) or found.get("lv") or found.get("en")

    def __call__(self, term: object) -> Ref:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            # A code list or concept is shown as scheme/code, shorter than its IRI and unambiguous.
            code = iri[len(VOCAB_BASE):] if iri.startswith(VOCAB_BASE) and site_place(iri) else curie(iri) or iri
            href = ("#" + self.anchors[iri]) if iri in self.anchors else term_link(iri, self.lang, self.here) or iri
            return Ref(self.label(iri) or code, href, code)
        if isinstance(term, ox.Literal):
            return Ref(term.value, lang=term.language)
        return self.anonymous(term)

    def anonymous(self, node: object) -> Ref:
        """An OWL class expression or property chain in a Manchester-like form."""
        ix = self.index
        members = ix.rdf_list(node)
        if members and not ix.objects(node, TYPE):
            return Ref("", parts=tuple(self._join(members, "∘")))
        for operator, word in ((OWL + "unionOf", "or"), (OWL + "intersectionOf", "and")):
            for listed in ix.objects(node, operator):
                return Ref("", parts=tuple(self._join(ix.rdf_list(listed), word)))
        for inverse in ix.objects(node, SH + "inversePath"):
            return Ref("", parts=("^", self(inverse)))
        for alternatives in ix.objects(node, SH + "alternativePath"):
            return Ref("", parts=tuple(self._join(ix.rdf_list(alternatives), "|")))
        prop = next(iter(ix.objects(node, OWL + "onProperty")), None)
        if prop is not None:
            parts: list = [self(prop)]
            for predicate, word in ((OWL + "hasValue", "value"), (OWL + "someValuesFrom", "some"), (OWL + "allValuesFrom", "only")):
                for o in ix.objects(node, predicate):
                    parts += [word, self(o)]
            for predicate, word in (("maxQualifiedCardinality", "max"), ("minQualifiedCardinality", "min"), ("qualifiedCardinality", "exactly"),
                                    ("maxCardinality", "max"), ("minCardinality", "min"), ("cardinality", "exactly")):
                for o in ix.objects(node, OWL + predicate):
                    parts += [f"{word} {o.value}"] + [self(c) for c in ix.objects(node, OWL + "onClass")]
            return Ref("", parts=tuple(parts))
        return Ref("…")

    def _join(self, members: list, word: str) -> list:
        parts: list = []
        for i, m in enumerate(members):
            parts += ([word] if i else []) + [self(m)]
        return parts


def both(index: Index, s: object, p: str) -> dict[str, str]:
    """The Latvian and English values of ``s p`` (the first of each)."""
    texts = index.texts(s, p)
    return {lang: texts[lang][0] for lang in ("lv", "en") if texts.get(lang)}


def notes(index: Index, s: object, predicates: Iterable[str]) -> list[Ref]:
    return [Ref(o.value, lang=o.language) for p in predicates for o in index.objects(s, p) if isinstance(o, ox.Literal)]


def rows(refs: Refs, s: object, spec: Iterable[tuple[str, str, list]]) -> list[Row]:
    """The rows of ``spec`` (Latvian heading, English heading, terms) that have a value."""
    return [Row(lv, en, [refs(t) for t in dict.fromkeys(terms)]) for lv, en, terms in spec if terms]


# ---------------------------------------------------------------------------
# /ontology
# ---------------------------------------------------------------------------


def ontology_terms(index: Index, refs: Refs) -> tuple[list[Term], list[Term]]:
    """The ontology's own classes and properties, each sorted by local name."""
    ix = index

    def named(terms: list) -> list:
        return [t for t in terms if isinstance(t, ox.NamedNode)]

    def term(s: ox.NamedNode, spec: list[tuple[str, str, list]]) -> Term:
        local = s.value[len(ONTOLOGY_NS):]
        aligned = [Ref("", parts=(Ref(curie(p) or p, code=curie(p) or p), refs(o)))
                   for p in ALIGNMENT for o in named(ix.objects(s, p)) if not o.value.startswith(ONTOLOGY_NS)]
        found = rows(refs, s, [("Citi nosaukumi", "Other labels", ix.objects(s, SKOS + "altLabel")), *spec])
        if aligned:
            found.append(Row("Saskaņojums ar standartiem", "Alignment with standards", aligned))
        return Term(
            iri=s.value, anchor=local, code=f"virsis:{local}",
            kinds=[refs(k) for k in ix.objects(s, TYPE)],
            labels=both(ix, s, RDFS + "label"), definitions=both(ix, s, SKOS + "definition"),
            notes=notes(ix, s, (RDFS + "comment", SKOS + "scopeNote", SKOS + "editorialNote")),
            rows=found,
        )

    def own(terms: list[ox.NamedNode]) -> list[ox.NamedNode]:
        return sorted((t for t in terms if t.value.startswith(ONTOLOGY_NS)), key=lambda t: t.value.lower())

    classes = [
        term(s, [
            ("Virsklase", "Superclass", ix.objects(s, RDFS + "subClassOf")),
            ("Ekvivalenta klase", "Equivalent class", ix.objects(s, OWL + "equivalentClass")),
            ("Nesavietojama ar", "Disjoint with", ix.objects(s, OWL + "disjointWith") + ix.subjects(OWL + "disjointWith", s)),
            ("Apakšklases", "Subclasses", sorted(named(ix.subjects(RDFS + "subClassOf", s)), key=lambda t: t.value)),
            ("Īpašības ar šo domēnu", "Properties with this domain", sorted(ix.subjects(RDFS + "domain", s), key=lambda t: t.value)),
            ("Īpašības ar šo diapazonu", "Properties with this range", sorted(ix.subjects(RDFS + "range", s), key=lambda t: t.value)),
            ("Skatīt arī", "See also", [o for o in ix.objects(s, RDFS + "seeAlso") if o.value.startswith(ONTOLOGY_NS)]),
        ])
        for s in own(ix.typed(*CLASS_TYPES))
    ]
    properties = [
        term(s, [
            ("Domēns", "Domain", ix.objects(s, RDFS + "domain")),
            ("Diapazons", "Range", ix.objects(s, RDFS + "range")),
            ("Virsīpašība", "Superproperty", ix.objects(s, RDFS + "subPropertyOf")),
            ("Apakšīpašības", "Subproperties", sorted(named(ix.subjects(RDFS + "subPropertyOf", s)), key=lambda t: t.value)),
            ("Apgrieztā īpašība", "Inverse of", ix.objects(s, OWL + "inverseOf") + ix.subjects(OWL + "inverseOf", s)),
            ("Īpašību ķēde", "Property chain", ix.objects(s, OWL + "propertyChainAxiom")),
            ("Ekvivalenta īpašība", "Equivalent property", ix.objects(s, OWL + "equivalentProperty")),
        ])
        for s in own(ix.typed(*PROPERTY_TYPES))
    ]
    return classes, properties


def reused_terms(index: Index, refs: Refs) -> list[tuple[Ref, list[Term]]]:
    """The standard terms the ontology declares for reuse, grouped by the vocabulary defining them."""
    groups: dict[object, list[Term]] = defaultdict(list)
    for s in index.typed(*CLASS_TYPES, *PROPERTY_TYPES):
        if s.value.startswith(ONTOLOGY_NS):
            continue
        for vocabulary in index.objects(s, RDFS + "isDefinedBy")[:1]:
            code = curie(s.value) or s.value
            groups[vocabulary].append(Term(
                iri=s.value, anchor=code, code=code, kinds=[refs(k) for k in index.objects(s, TYPE)],
                labels=both(index, s, RDFS + "label"), definitions={},
                rows=rows(refs, s, [("Virsklase", "Superclass", index.objects(s, RDFS + "subClassOf")),
                                    ("Virsīpašība", "Superproperty", index.objects(s, RDFS + "subPropertyOf"))]),
            ))
    return [(refs(v), sorted(terms, key=lambda t: t.code.lower())) for v, terms in sorted(groups.items(), key=lambda g: g[0].value)]


def ontology_page(request: Request, index: Index) -> str:
    lang = request.app.state.language(request)
    anchors = {s.value: curie(s.value) or s.value for s in index.typed(*CLASS_TYPES, *PROPERTY_TYPES)
               if not s.value.startswith(ONTOLOGY_NS) and index.objects(s, RDFS + "isDefinedBy")}
    refs = Refs(index, request.app.state.labels, lang, "/ontology", anchors)
    ontology = ox.NamedNode(ONTOLOGY_IRI)
    classes, properties = ontology_terms(index, refs)
    header = rows(refs, ontology, [
        ("Versijas IRI", "Version IRI", index.objects(ontology, OWL + "versionIRI")),
        ("Versija", "Version", index.objects(ontology, OWL + "versionInfo")),
        ("Izveidota", "Created", index.objects(ontology, DCT + "created")),
        ("Licence", "Licence", index.objects(ontology, DCT + "license")),
        ("Ieteicamais prefikss", "Preferred prefix", index.objects(ontology, VANN + "preferredNamespacePrefix")),
        ("Vārdtelpa", "Namespace", index.objects(ontology, VANN + "preferredNamespaceUri")),
        ("Skatīt arī", "See also", index.objects(ontology, RDFS + "seeAlso")),
    ])
    return request.app.state.render(
        "ontology.html", request, iri=ONTOLOGY_IRI, heading=index.text(ontology, DCT + "title", lang) or "VIRSIS",
        description=index.text(ontology, DCT + "description", lang), header=header,
        classes=classes, properties=properties, reused=reused_terms(index, refs), formats=FORMAT_LINKS,
    )


def _answer(request: Request, path: str, fmt: Format | None, triples: Callable[[], list[ox.Triple]],
            page: Callable[[], str], prefixes: dict[str, str], what: str) -> Response:
    def body(fmt: Format) -> bytes:
        return page().encode("utf-8") if fmt.rdf is None else rdf_body(triples(), fmt, prefixes)

    return represent(request, path, fmt, body, what=what)


def _format(extension: str | None) -> tuple[bool, Format | None]:
    """Whether ``.extension`` names a format, and which (no extension: negotiate)."""
    if extension is None:
        return True, None
    return extension in BY_EXTENSION, BY_EXTENSION.get(extension)


@router.get("/ontology", name="ontology")
@router.get("/ontology.{extension}")
def ontology(request: Request, extension: str | None = None) -> Response:
    """The ontology: HTML documentation of every term, or the ontology graph as RDF."""
    known, fmt = _format(extension)
    if not known:
        return request.app.state.not_found(request, f"/ontology.{extension}")
    index = graph_index(request.app.state.store, ONTOLOGY_GRAPH)
    return _answer(request, "/ontology", fmt, lambda: index.triples, lambda: ontology_page(request, index),
                   TERM_PREFIXES, "the ontology")


# ---------------------------------------------------------------------------
# /vocab
# ---------------------------------------------------------------------------


def natural(notation: str | None, code: str) -> tuple:
    """Sort key: notations by their numbers (``1.2`` before ``1.10`` before ``2``), concepts without one last."""
    chunks = tuple((0, int(c), "") if c.isdigit() else (1, 0, c) for c in re.findall(r"\d+|\D+", notation or ""))
    return (notation is None, chunks, code)


def schemes(index: Index) -> list[ox.NamedNode]:
    """The code lists under the vocabulary namespace, by name."""
    return sorted((s for s in index.typed(SKOS + "ConceptScheme") if site_place(s.value) and "/" not in s.value[len(VOCAB_BASE):]),
                  key=lambda s: s.value)


def members(index: Index, scheme: ox.NamedNode) -> list[ox.NamedNode]:
    return [c for c in index.subjects(SKOS + "inScheme", scheme) if isinstance(c, ox.NamedNode)]


def concept_term(index: Index, refs: Refs, c: ox.NamedNode) -> Term:
    code = c.value.rsplit("/", 1)[-1]
    notation = next((o.value for o in index.objects(c, SKOS + "notation")), None)
    return Term(
        iri=c.value, anchor=code, code=code, kinds=[refs(k) for k in index.objects(c, TYPE)],
        labels=both(index, c, SKOS + "prefLabel"), definitions=both(index, c, SKOS + "definition"),
        rows=rows(refs, c, [("Plašāks jēdziens", "Broader concept", index.objects(c, SKOS + "broader"))]),
        notation=notation,
    )


def scheme_triples(index: Index, scheme: ox.NamedNode) -> list[ox.Triple]:
    return index.description(scheme) + [t for c in members(index, scheme) for t in index.description(c)]


def statements(index: Index, refs: Refs, subject: object) -> list[Row]:
    """Every statement about ``subject`` as rows headed by the predicate's label (in both languages)."""
    found = []
    for p, objects in sorted(index.out.get(subject, {}).items()):
        names = refs.labels.get(p, {})
        shown = curie(p) or p
        found.append(Row(names.get("lv") or shown, names.get("en") or shown, [refs(o) for o in objects]))
    return found


def vocab_prefixes(scheme: str) -> dict[str, str]:
    """The Turtle prefixes of a code list: the project's, and the scheme's name for its concepts where Turtle allows it."""
    if re.fullmatch(r"[a-z](?:[a-z0-9-]*[a-z0-9])?", scheme) and scheme not in TERM_PREFIXES:
        return {**TERM_PREFIXES, scheme: f"{VOCAB_BASE}{scheme}/"}
    return TERM_PREFIXES


@router.get("/vocab", name="vocabularies")
@router.get("/vocab.{extension}")
def vocabularies(request: Request, extension: str | None = None) -> Response:
    """The list of code lists; as RDF, each scheme's own statements."""
    known, fmt = _format(extension)
    if not known:
        return request.app.state.not_found(request, f"/vocab.{extension}")
    index = graph_index(request.app.state.store, VOCABULARIES_GRAPH)
    found = schemes(index)

    def page() -> str:
        lang = request.app.state.language(request)
        listed = [(s.value[len(VOCAB_BASE):], both(index, s, SKOS + "prefLabel"), index.text(s, SKOS + "definition", lang), len(members(index, s)))
                  for s in found]
        return request.app.state.render("vocabularies.html", request, schemes=listed, formats=FORMAT_LINKS)

    return _answer(request, "/vocab", fmt, lambda: [t for s in found for t in index.description(s)], page, TERM_PREFIXES, "the list of code lists")


@router.get("/vocab/{name}", name="vocabulary")
def vocabulary(name: str, request: Request) -> Response:
    """One code list: its concepts with notation, labels and definition; or its statements and its concepts' as RDF."""
    index = graph_index(request.app.state.store, VOCABULARIES_GRAPH)
    for scheme_name, fmt in split_extension(name):
        scheme = ox.NamedNode(VOCAB_BASE + scheme_name) if SCHEME.fullmatch(scheme_name) else None
        if scheme is not None and scheme in schemes(index):
            break
    else:
        return request.app.state.not_found(request, f"/vocab/{name}")

    def page() -> str:
        lang = request.app.state.language(request)
        refs = Refs(index, request.app.state.labels, lang, f"/vocab/{scheme_name}")
        concepts = sorted((concept_term(index, refs, c) for c in members(index, scheme)), key=lambda t: natural(t.notation, t.code))
        return request.app.state.render(
            "vocabulary.html", request, iri=scheme.value, name=scheme_name, labels=both(index, scheme, SKOS + "prefLabel"),
            heading=index.text(scheme, SKOS + "prefLabel", lang) or scheme_name,
            definition=index.text(scheme, SKOS + "definition", lang),
            notes=notes(index, scheme, (SKOS + "scopeNote", SKOS + "editorialNote", DCT + "source")),
            concepts=concepts, formats=FORMAT_LINKS,
        )

    return _answer(request, f"/vocab/{scheme_name}", fmt, lambda: scheme_triples(index, scheme), page,
                   vocab_prefixes(scheme_name), "this code list")


@router.get("/vocab/{scheme_name}/{name}", name="concept")
def concept(scheme_name: str, name: str, request: Request) -> Response:
    """One concept of a code list: its description in HTML, or its statements as RDF."""
    index = graph_index(request.app.state.store, VOCABULARIES_GRAPH)
    scheme = ox.NamedNode(VOCAB_BASE + scheme_name) if SCHEME.fullmatch(scheme_name) else None
    for code, fmt in split_extension(name):
        found = ox.NamedNode(f"{VOCAB_BASE}{scheme_name}/{code}") if scheme is not None and IDENTIFIER.fullmatch(code) else None
        if found is not None and scheme in index.objects(found, SKOS + "inScheme"):
            break
    else:
        return request.app.state.not_found(request, f"/vocab/{scheme_name}/{name}")

    def page() -> str:
        lang = request.app.state.language(request)
        refs = Refs(index, request.app.state.labels, lang, f"/vocab/{scheme_name}/{code}")
        term = concept_term(index, refs, found)
        return request.app.state.render(
            "concept.html", request, term=term, heading=term.labels.get(lang) or term.labels.get("lv") or code, scheme=refs(scheme), scheme_name=scheme_name,
            statements=statements(index, refs, found), formats=FORMAT_LINKS,
        )

    return _answer(request, f"/vocab/{scheme_name}/{code}", fmt, lambda: index.description(found), page,
                   vocab_prefixes(scheme_name), "this concept")


# ---------------------------------------------------------------------------
# /shapes
# ---------------------------------------------------------------------------


def shape_terms(index: Index, refs: Refs, lang: str) -> list[Term]:
    """The named SHACL shapes, by local name."""
    found = []
    for s in sorted(index.typed(SH + "NodeShape", SH + "PropertyShape"), key=lambda s: s.value):
        if not s.value.startswith(SHAPES_NS):
            continue
        local = s.value[len(SHAPES_NS):]
        found.append(Term(
            iri=s.value, anchor=local, code=f"vsh:{local}", kinds=[refs(k) for k in index.objects(s, TYPE)],
            labels=both(index, s, SH + "name"), definitions=both(index, s, SH + "description"), definition_heading=("Apraksts", "Description"),
            rows=rows(refs, s, [
                ("Nopietnība", "Severity", index.objects(s, SH + "severity")),
                ("Mērķa klase", "Target class", index.objects(s, SH + "targetClass")),
                ("Ceļš", "Path", index.objects(s, SH + "path")),
                ("Pārbauda nosacījumu", "Checks condition", index.objects(s, ONTOLOGY_NS + "checksCondition")),
                ("Ziņojums", "Message", [m for m in index.objects(s, SH + "message") if isinstance(m, ox.Literal) and m.language == lang]),
            ]),
        ))
    return found


@router.get("/shapes", name="shapes")
@router.get("/shapes.{extension}")
def shapes(request: Request, extension: str | None = None) -> Response:
    """The SHACL shapes: a list of the named shapes in HTML, or the shapes graph as RDF."""
    known, fmt = _format(extension)
    if not known:
        return request.app.state.not_found(request, f"/shapes.{extension}")
    index = graph_index(request.app.state.store, SHAPES_GRAPH)

    def page() -> str:
        lang = request.app.state.language(request)
        refs = Refs(index, request.app.state.labels, lang, "/shapes")
        return request.app.state.render("shapes.html", request, shapes=shape_terms(index, refs, lang), formats=FORMAT_LINKS)

    return _answer(request, "/shapes", fmt, lambda: index.triples, page, TERM_PREFIXES, "the shapes")
