"""Record kinds of the import templates and how one row becomes RDF.

Each :class:`Kind` lists its columns (English names, Latvian aliases, what they
hold) and builds the triples of one row. The templates in ``data/templates/``
and their README are generated from these definitions (``virsis templates``),
so the documentation cannot drift from what the importer accepts.

Links between records are by identifier; they are resolved to IRIs after all
rows are read (:class:`Link`), so a row may name a record defined further down,
in another file, or already in the store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from .codelists import CodeList, code_list, corresponding_class, label, normalise
from .namespaces import CATALOGUE_BASE, CV, VIRSIS

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
DCAT = "http://www.w3.org/ns/dcat#"
ELI = "http://data.europa.eu/eli/ontology#"
LATVIA = ox.NamedNode("http://publications.europa.eu/resource/authority/country/LVA")
EUR = ox.NamedNode("http://publications.europa.eu/resource/authority/currency/EUR")

IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
DURATION = re.compile(r"-?P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")
"""An ISO 8601 duration (``P10D``, ``PT4H``); its groups are the numbers of years, months, weeks, days, hours, minutes, seconds."""
EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+")
SPACE = re.compile(r"\s")  # the characters str.isspace() accepts
STATE_WORDS = {"lv", "lva", "latvija", "latvia", "valsts", "state"}
YES = {"yes", "y", "true", "1", "ja", "j"}
NO = {"no", "n", "false", "0", "ne"}


# Predicates and classes are cached: every triple shares one object per term
# instead of a new one (a NamedNode costs ~0.4 µs and ~100 bytes; a national
# register has millions of triples).
@cache
def iri(term: str) -> ox.NamedNode:
    return ox.NamedNode(term)


@cache
def v(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(VIRSIS) + name)


@cache
def cv(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(CV) + name)


# Cell values repeat (a few codes, yes/no) while normalising and looking them up
# in the rdflib vocabularies costs microseconds: cache by value. Bounded, since
# bad input may bring many distinct values.
_normalise = lru_cache(maxsize=4096)(normalise)


@lru_cache(maxsize=4096)
def _resolve(scheme: str, value: str) -> ox.NamedNode | None:
    """The concept of the code list ``scheme`` a cell names, or None."""
    concept = code_list(scheme).resolve(value)
    return None if concept is None else ox.NamedNode(str(concept))


@cache
def _class_of(concept: str) -> ox.NamedNode | None:
    cls = corresponding_class(concept)
    return None if cls is None else ox.NamedNode(str(cls))


@cache
def _label(concept: str, lang: str) -> str:
    return label(concept, lang)


_scratch = ox.Store()
_G = ox.NamedNode("urn:x-virsis:canonical")
_S = ox.NamedNode("urn:x-virsis:s")


@cache
def stored_literal(literal: ox.Literal) -> ox.Literal:
    """The literal as the store will keep it: oxigraph rewrites typed values (``"0.0"^^xsd:double`` → ``"0"``).

    Typed literals are made in this form, so comparing a file with what the store
    holds from it compares like with like.
    """
    _scratch.add(ox.Quad(_S, _S, literal, _G))
    (stored,) = (q.object for q in _scratch.quads_for_pattern(None, None, None, _G))
    _scratch.clear_graph(_G)
    return stored


@dataclass(frozen=True)
class Column:
    """One column of a template: its name, Latvian aliases and what it holds."""

    name: str
    aliases: tuple[str, ...]
    help: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, located as precisely as the source allows."""

    where: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        column = f", kolonna / column {self.column}" if self.column else ""
        return f"{self.where}{column}: {self.message}"


class Link(NamedTuple):
    """A reference by identifier, resolved to an IRI once every record is known.

    ``kinds`` are the record kinds (IRI path segments) it may point to, most
    likely first; ``kind:identifier`` in the cell picks one explicitly.
    (A named tuple: a register has a million links, and it is three times
    quicker to make than a frozen dataclass.)
    """

    identifier: str
    kinds: tuple[str, ...]
    where: str
    column: str


Object = ox.NamedNode | ox.Literal | Link


@dataclass(slots=True)  # slots: a national register has hundreds of thousands of records
class Record:
    """One row turned into RDF: its IRI, kind and triples (objects may still be links)."""

    kind: Kind
    identifier: str
    iri: ox.NamedNode
    where: str
    triples: list[tuple[ox.NamedNode, ox.NamedNode, Object]] = field(default_factory=list)
    links: list[int] = field(default_factory=list)
    """Positions in ``triples`` whose object is a :class:`Link` still to resolve."""


class Row:
    """Reads the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, kind: Kind, cells: dict[str, str], where: str, base: str, problems: list[Problem]) -> None:
        self.kind, self.cells, self.where, self.base, self.problems = kind, cells, where, base, problems

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.where, message, column))

    def mint(self, path: str, identifier: str) -> ox.NamedNode:
        """The IRI of a part. Percent-encoded: a part named after a record whose identifier is not valid
        (``s 01``, reported as a problem) must still be an IRI; a valid one is left as it is."""
        return ox.NamedNode(f"{self.base}id/{path}/{quote(identifier, safe='')}")

    def get(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        return value or None

    def text(self, column: str, lang: str) -> ox.Literal | None:
        value = self.get(column)
        return ox.Literal(value, language=lang) if value else None

    def many(self, column: str) -> list[str]:
        value = self.get(column)
        if not value:
            return []
        if ";" not in value:  # the common case: one value, already stripped
            return [value]
        return [part for part in map(str.strip, value.split(";")) if part]

    def identifier(self, value: str, column: str) -> bool:
        if IDENTIFIER.fullmatch(value):
            return True
        self.problem(column, f"{value!r} nav derīgs identifikators; lietojiet burtus, ciparus, '.', '_' vai '-' (līdz 100) / "
                             "is not a valid identifier: use letters, digits, '.', '_' or '-' (at most 100)")
        return False

    def links(self, column: str, *kinds: str) -> list[Link]:
        found = []
        for value in self.many(column):
            prefix, colon, rest = value.partition(":")
            target = rest if colon and prefix in ALL_PATHS else value
            if self.identifier(target, column):
                found.append(Link(value, kinds, self.where, column))
        return found

    def _concept(self, value: str, column: str, codes: CodeList) -> ox.NamedNode | None:
        concept = _resolve(codes.name, value)
        if concept is None:
            self.problem(column, f"{value!r} nav zināms {codes.name} kods / is not a known {codes.name}; "
                                 f"izvēlieties kādu no / use one of: {', '.join(codes.codes)} (vai latvisko nosaukumu / or its Latvian name)")
        return concept

    def code(self, column: str, codes: CodeList) -> ox.NamedNode | None:
        value = self.get(column)
        return None if value is None else self._concept(value, column, codes)

    def codes(self, column: str, codes: CodeList) -> list[ox.NamedNode]:
        found = (self._concept(value, column, codes) for value in self.many(column))
        return [c for c in found if c is not None]

    def duration(self, column: str) -> ox.Literal | None:
        value = self.get(column)
        if value is None:
            return None
        if not DURATION.fullmatch(value):
            self.problem(column, f"{value!r} nav ISO 8601 ilgums; rakstiet, piem., P10D (10 dienas), PT4H (4 stundas), P1M (1 mēnesis) / "
                                 "is not an ISO 8601 duration: write e.g. P10D (10 days), PT4H (4 hours), P1M (1 month)")
            return None
        return stored_literal(ox.Literal(value, datatype=iri(XSD + "duration")))

    def url(self, value: str, column: str) -> ox.NamedNode | None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or SPACE.search(value):
            self.problem(column, f"{value!r} nav tīmekļa adrese; rakstiet to pilnu, sākot ar https:// / is not a web address: write it in full, starting with https://")
            return None
        try:
            return ox.NamedNode(value)
        except ValueError:
            self.problem(column, f"{value!r} nav derīga tīmekļa adrese / is not a valid web address")
            return None

    def email(self, column: str) -> ox.NamedNode | None:
        value = self.get(column)
        if value is None:
            return None
        if not EMAIL.fullmatch(value):
            self.problem(column, f"{value!r} nav e-pasta adrese; rakstiet kā vards@example.lv / is not an e-mail address: write it as name@example.lv")
            return None
        return ox.NamedNode("mailto:" + value)

    def number(self, column: str) -> ox.Literal | None:
        value = self.get(column)
        if value is None:
            return None
        try:
            number = float(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problem(column, f"{value!r} nav skaitlis; rakstiet, piem., 7,11 vai 7.11 / is not a number: write e.g. 7.11 or 7,11")
            return None
        return stored_literal(ox.Literal(repr(number), datatype=iri(XSD + "double")))

    def flag(self, column: str) -> bool | None:
        value = self.get(column)
        if value is None:
            return None
        word = _normalise(value)
        if word in YES:
            return True
        if word in NO:
            return False
        self.problem(column, f"{value!r} nav jā vai nē / is not yes or no")
        return None


@dataclass(frozen=True)
class Kind:
    """A record kind of the import templates."""

    name: str
    """Plural English name, also the template's file name (``services``)."""
    path: str
    """IRI path segment of its records (``service`` → ``{base}id/service/{identifier}``)."""
    names: tuple[str, ...]
    """Other names accepted for ``--kind``, file and sheet names (singular, Latvian)."""
    label_lv: str
    label_en: str
    columns: tuple[Column, ...]
    build: Callable[[Row, Record], None]
    identified: bool = True
    """False for kinds whose identifier is composed from other columns (roles)."""

    def column_names(self) -> dict[str, str]:
        """Every accepted header (normalised) → the canonical column name."""
        names = {}
        for c in self.columns:
            for n in (c.name, *c.aliases):
                names[normalise(n)] = c.name
        return names


def _bilingual(row: Row, record: Record, column: str, predicate: str) -> None:
    for lang in ("lv", "en"):
        literal = row.text(f"{column}_{lang}", lang)
        if literal is not None:
            record.triples.append((record.iri, iri(predicate), literal))


def _add(record: Record, predicate: ox.NamedNode, objects) -> None:
    for o in objects if isinstance(objects, list) else [objects]:
        if o is not None:
            if type(o) is Link:
                record.links.append(len(record.triples))
            record.triples.append((record.iri, predicate, o))


def _common(row: Row, record: Record, cls: ox.NamedNode | None) -> None:
    if cls is not None:
        record.triples.append((record.iri, RDF_TYPE, cls))
    record.triples.append((record.iri, iri(DCT + "identifier"), ox.Literal(record.identifier)))
    _bilingual(row, record, "title", DCT + "title")
    _bilingual(row, record, "description", DCT + "description")


SERVICE_CATALOGUE = {
    "residents": "latvija-gov-lv", "society": "latvija-gov-lv",
    "business": "business-gov-lv", "institutions": "virsis-gov-lv",
}
DEFAULT_AUDIENCE = {
    "public-individual": "residents", "public-general": "society",
    "inter-institutional-shared": "institutions", "inter-institutional-individual": "institutions",
}


def build_service(row: Row, record: Record) -> None:
    kinds = code_list("service-kind")
    kind = row.code("kind", kinds)
    cls = None
    if kind is not None:
        code = kinds.code(kind)
        if code not in DEFAULT_AUDIENCE:
            row.problem("kind", f"{row.get('kind')!r} ir veidu grupa / is a group of kinds; "
                                f"izvēlieties kādu no / use one of: {', '.join(DEFAULT_AUDIENCE)}")
        else:
            cls = _class_of(kind.value)
    _common(row, record, cls)
    smart = row.flag("smart")
    record.triples.append((record.iri, RDF_TYPE, v("SmartService" if smart else "SimpleService")))
    _add(record, cv("hasCompetentAuthority"), row.links("institution", "organisation"))
    _add(record, v("providedBy"), row.links("provider", "organisation"))
    _add(record, v("serviceOwner"), row.links("owner", "person"))
    stage = row.code("lifecycle_stage", code_list("lifecycle-stage"))
    _add(record, v("lifecycleStage"), stage)
    _add(record, v("meetsNeed"), row.links("needs", "need"))
    _add(record, v("usesResource"), row.links("resources", "resource"))
    _add(record, iri(DCT + "replaces"), row.links("replaces", "service"))
    _add(record, iri(DCT + "requires"), row.links("requires", "service"))
    _add(record, v("recipientInstitution"), row.links("recipients", "organisation"))
    for channel_type in row.codes("channels", code_list("channel-type")):
        code = channel_type.value.rsplit("/", 1)[1]
        channel = row.mint("channel", f"{record.identifier}-{code}")
        record.triples += [
            (record.iri, cv("hasChannel"), channel),
            (channel, RDF_TYPE, cv("Channel")),
            (channel, iri(DCT + "identifier"), ox.Literal(f"{record.identifier}-{code}")),
            (channel, iri(DCT + "type"), channel_type),
        ]
    for column, predicate, cls_name in (("group", "inServiceGroup", "ServiceGroup"), ("template", "followsTemplate", "ServiceTemplate")):
        for value in row.many(column):
            if row.identifier(value, column):
                node = row.mint("service-group" if column == "group" else "service-template", value)
                record.triples += [
                    (record.iri, v(predicate), node),
                    (node, RDF_TYPE, v(cls_name)),
                    (node, iri(DCT + "identifier"), ox.Literal(value)),
                ]
    for lang in ("lv", "en"):
        for keyword in row.many(f"keywords_{lang}"):
            record.triples.append((record.iri, iri(DCAT + "keyword"), ox.Literal(keyword, language=lang)))
    cost = row.number("cost_eur")
    if cost is not None:
        node = row.mint("cost", record.identifier)
        record.triples += [
            (record.iri, cv("hasCost"), node),
            (node, RDF_TYPE, cv("Cost")),
            (node, iri(DCT + "identifier"), ox.Literal(record.identifier)),
            (node, cv("hasValue"), cost),
            (node, cv("currency"), EUR),
        ]
    _add(record, cv("processingTime"), row.duration("processing_time"))
    for n, basis in enumerate(row.many("legal_basis"), 1):
        if basis.lower().startswith(("http://", "https://")):
            node = row.url(basis, "legal_basis")
            if node is None:
                continue
        else:
            node = row.mint("legal-resource", f"{record.identifier}-{n}")
            record.triples += [
                (node, iri(DCT + "identifier"), ox.Literal(f"{record.identifier}-{n}")),
                (node, iri(DCT + "title"), ox.Literal(basis, language="lv")),
            ]
        record.triples += [(record.iri, cv("hasLegalResource"), node), (node, RDF_TYPE, iri(ELI + "LegalResource"))]
    homepage = row.get("homepage")
    if homepage:
        _add(record, iri(FOAF + "homepage"), row.url(homepage, "homepage"))
    audience = row.code("audience", code_list("audience"))
    if audience is None and kind is not None and kinds.code(kind) in DEFAULT_AUDIENCE:
        audience = _resolve("audience", DEFAULT_AUDIENCE[kinds.code(kind)])
    if audience is not None:
        record.triples.append((record.iri, v("audience"), audience))
        # Only services in provision are in a catalogue, the one for their audience.
        if stage is not None and stage.value.endswith("/provision"):
            catalogue = SERVICE_CATALOGUE[audience.value.rsplit("/", 1)[1]]
            record.triples.append((record.iri, v("publishedIn"), iri(CATALOGUE_BASE + catalogue)))


def build_need(row: Row, record: Record) -> None:
    _common(row, record, v("Need"))
    _add(record, v("isNeedOf"), row.links("life_situations", "life-situation"))


def build_life_situation(row: Row, record: Record) -> None:
    audience = row.code("audience", code_list("audience"))
    business = audience is not None and audience.value.endswith("/business")
    _common(row, record, v("BusinessSituation" if business else "LifeSituation"))
    _add(record, v("audience"), audience)


def build_resource(row: Row, record: Record) -> None:
    kind = row.code("kind", code_list("resource-kind"))
    cls = _class_of(kind.value) if kind is not None else None
    _common(row, record, cls if cls is not None else v("Resource"))
    _add(record, v("resourceKind"), kind)
    _add(record, v("managingInstitution"), row.links("institution", "organisation"))
    _add(record, v("resourceOwner"), row.links("owner", "person"))
    _add(record, v("dependsOn"), row.links("depends_on", "resource"))


def build_organisation(row: Row, record: Record) -> None:
    _common(row, record, cv("PublicOrganisation"))
    for lang in ("lv", "en"):
        _add(record, iri(SKOS + "prefLabel"), row.text(f"title_{lang}", lang))
    _add(record, v("organisationKind"), row.code("kind", code_list("organisation-kind")))
    _add(record, iri(ORG + "subOrganizationOf"), row.links("parent", "organisation"))
    record.triples.append((record.iri, iri(DCT + "spatial"), LATVIA))
    homepage = row.get("homepage")
    if homepage:
        _add(record, iri(FOAF + "homepage"), row.url(homepage, "homepage"))


def build_person(row: Row, record: Record) -> None:
    _common(row, record, iri(FOAF + "Person"))
    name = row.get("name")
    if name:
        # CPSV-AP names an Agent with dct:title; FOAF with foaf:name.
        record.triples += [(record.iri, iri(FOAF + "name"), ox.Literal(name)), (record.iri, iri(DCT + "title"), ox.Literal(name, language="lv"))]
    _add(record, iri(FOAF + "mbox"), row.email("email"))
    _add(record, iri(ORG + "memberOf"), row.links("organisation", "organisation"))


def build_role(row: Row, record: Record) -> None:
    roles = code_list("role")
    role = row.code("role", roles)
    holder = row.links("person", "person", "organisation")
    scope_value = row.get("scope")
    record.triples.append((record.iri, RDF_TYPE, v("RoleAssignment")))
    record.triples.append((record.iri, iri(DCT + "identifier"), ox.Literal(record.identifier)))
    _add(record, cv("role"), role)
    _add(record, cv("hasParticipant"), holder[:1])
    if scope_value and normalise(scope_value) in STATE_WORDS:  # not cached: every scope differs
        record.triples.append((record.iri, v("roleScope"), LATVIA))
    else:
        _add(record, v("roleScope"), row.links("scope", "service", "resource", "organisation", "sector")[:1])
    if role is not None and holder and scope_value:
        for lang, text in (("lv", "{who}: {role} ({scope})"), ("en", "{who}: {role} ({scope})")):
            description = text.format(who=holder[0].identifier, role=_label(role.value, lang), scope=scope_value)
            record.triples.append((record.iri, iri(DCT + "description"), ox.Literal(description, language=lang)))


def _role_identifier(cells: dict[str, str]) -> str:
    """``{holder}_{role code}_{scope}``, e.g. ``p-05_service-owner_s-35``."""
    role = cells.get("role", "").strip()
    concept = _resolve("role", role) if role else None
    role_code = concept.value.rsplit("/", 1)[1] if concept is not None else _normalise(role)
    holder, scope = (cells.get(c, "").strip().replace(":", "-") for c in ("person", "scope"))
    return f"{holder}_{role_code}_{scope}"


def record_identifier(kind: Kind, cells: dict[str, str]) -> str:
    """The identifier of a row's record: its ``identifier`` column, or composed for roles."""
    if kind.identified:
        return cells.get("identifier", "").strip()
    return _role_identifier(cells)


def _c(name: str, aliases: str, help: str, required: bool = False, example: str = "") -> Column:
    return Column(name, tuple(a for a in aliases.split() if a), help, required, example)


def _id(example: str) -> Column:
    return _c("identifier", "identifikators id", "Unique identifier of the record within its kind: letters, digits, '.', '_', '-'.", True, example)

_TITLES = (
    _c("title_lv", "nosaukums_lv nosaukums", "Name in Latvian.", True, "Bērna piedzimšanas pabalsts"),
    _c("title_en", "nosaukums_en", "Name in English; a registration rule for public services, life situations and needs "
       "(PublicTitleEnglishShape: refused without it), optional for the other kinds.", False, "Childbirth benefit"),
    _c("description_lv", "apraksts_lv apraksts", "Description in Latvian.", True, "Vienreizējs pabalsts …"),
    _c("description_en", "apraksts_en", "Description in English.", False, "A one-off benefit …"),
)

KINDS: tuple[Kind, ...] = (
    Kind("services", "service", ("service", "pakalpojumi", "pakalpojums"), "Pakalpojumi", "Services", (
        _id("s-01"), *_TITLES,
        _c("kind", "veids pakalpojuma_veids", "Service kind: public-individual, public-general, inter-institutional-shared or inter-institutional-individual (or the Latvian name).", True, "public-individual"),
        _c("smart", "viedais", "yes for a smart service (meets several needs, adapts to the recipient); default no.", False, "no"),
        _c("institution", "iestade iestāde kompetenta_iestade", "Identifier of the competent institution (organisations).", True, "vsaa"),
        _c("owner", "saimnieks vaditajs vadītājs pakalpojuma_saimnieks", "Identifier of the service owner, one person (people).", True, "p-01"),
        _c("provider", "sniedzejs sniedzējs", "Identifier of the providing organisation, if not the institution.", False, ""),
        _c("lifecycle_stage", "dzives_cikla_posms posms", "planning, creation, implementation, provision or retired (or plānošana, izveide, ieviešana, sniegšana, likvidēšana).", True, "provision"),
        _c("needs", "vajadzibas vajadzības", "Identifiers of the needs it meets, separated by ';'.", False, "n-01"),
        _c("resources", "resursi", "Identifiers of the resources it uses, separated by ';'.", False, "r-01"),
        _c("channels", "kanali kanāli", "Channels, separated by ';': e-service, website, mobile-app, in-person, phone, email, post.", False, "e-service; in-person"),
        _c("replaces", "aizstaj aizstāj", "Identifiers of the services it replaces, separated by ';'.", False, ""),
        _c("requires", "prasa nepieciesams nepieciešams", "Identifiers of services it requires first, separated by ';'.", False, ""),
        _c("recipients", "sanemeji saņēmēji sanemejas_iestades", "Inter-institutional services: identifiers of the recipient institutions, separated by ';'.", False, ""),
        _c("audience", "merkauditorija mērķauditorija", "residents, business, institutions or society; default from the kind. Decides the catalogue.", False, "residents"),
        _c("group", "grupa", "Identifier of the service group it belongs to.", False, ""),
        _c("template", "veidne", "Identifier of the unified service template it follows.", False, ""),
        _c("keywords_lv", "atslegvardi_lv atslēgvārdi_lv", "Keywords in Latvian, separated by ';'.", False, "pabalsts; bērns"),
        _c("keywords_en", "atslegvardi_en atslēgvārdi_en", "Keywords in English, separated by ';'.", False, "benefit; child"),
        _c("cost_eur", "maksa_eur cena_eur maksa", "Fee in euro (0 when free); decimal point or comma.", False, "0"),
        _c("processing_time", "izpildes_termins izpildes_termiņš termins", "Processing time as an ISO 8601 duration, e.g. P10D.", False, "P10D"),
        _c("legal_basis", "tiesiskais_pamats", "Legal basis: a law's title or its web address, several separated by ';'.", False, "Valsts sociālās apdrošināšanas likums"),
        _c("homepage", "timeklvietne tīmekļvietne majaslapa", "Web page of the service (https://…).", False, "https://www.latvija.gov.lv/"),
    ), build_service),
    Kind("needs", "need", ("need", "vajadzibas", "vajadzības", "vajadziba"), "Vajadzības", "Needs", (
        _id("n-01"), *_TITLES,
        _c("life_situations", "dzives_situacijas dzīves_situācijas", "Identifiers of the life situations it belongs to, separated by ';'.", True, "ls-01"),
    ), build_need),
    Kind("life_situations", "life-situation", ("life-situation", "life_situation", "life-situations", "dzives_situacijas", "dzīves_situācijas", "dzives_situacija"), "Dzīves situācijas", "Life situations", (
        _id("ls-01"), *_TITLES,
        _c("audience", "merkauditorija mērķauditorija", "residents or business (a business situation is shown to entrepreneurs).", True, "residents"),
    ), build_life_situation),
    Kind("resources", "resource", ("resource", "resursi", "resurss"), "Resursi", "Resources", (
        _id("r-01"), *_TITLES,
        _c("kind", "veids resursa_veids", "Resource kind: information, digital-technology, information-system, data-exchange, shared-component, infrastructure, other, transport, building, equipment, energy, raw-materials (and others of the resource-kind list).", True, "information-system"),
        _c("institution", "iestade iestāde", "Identifier of the institution whose resource portfolio it belongs to.", True, "vsaa"),
        _c("owner", "saimnieks vaditajs vadītājs resursa_saimnieks", "Identifier of the resource owner, a person.", True, "p-01"),
        _c("depends_on", "atkarigs_no atkarīgs_no", "Identifiers of the resources it depends on, separated by ';'.", False, ""),
    ), build_resource),
    Kind("organisations", "organisation", ("organisation", "organization", "organizations", "organizacijas", "organizācijas", "iestades", "iestādes"), "Organizācijas", "Organisations", (
        _id("vsaa"),
        _c("title_lv", "nosaukums_lv nosaukums", "Name in Latvian.", True, "Valsts sociālās apdrošināšanas aģentūra"),
        _c("title_en", "nosaukums_en", "Name in English.", False, "State Social Insurance Agency"),
        _c("kind", "veids", "ministry, agency, municipality or other (or ministrija, padotības iestāde, pašvaldība, cita).", True, "agency"),
        _c("parent", "augstaka_iestade augstākā_iestāde", "Identifier of the organisation it is subordinate to.", False, ""),
        _c("homepage", "timeklvietne tīmekļvietne", "Web site (https://…).", False, "https://www.vsaa.gov.lv"),
    ), build_organisation),
    Kind("people", "person", ("person", "persons", "personas", "persona"), "Personas", "People", (
        _id("p-01"),
        _c("name", "vards vārds vards_uzvards vārds_uzvārds", "Full name.", True, "Anna Bērziņa"),
        _c("email", "e_pasts epasts", "Work e-mail address (personal data: not shown on public pages).", False, "anna.berzina@example.lv"),
        _c("organisation", "organizacija organizācija iestade iestāde", "Identifier of the organisation the person works in.", True, "vsaa"),
    ), build_person),
    Kind("roles", "role-assignment", ("role", "role-assignments", "role_assignments", "lomas", "loma"), "Lomas", "Roles", (
        _c("person", "persona", "Identifier of the person (or, for the lead-institution roles, the organisation) holding the role.", True, "p-01"),
        _c("role", "loma", "The role: 1–10, its code (e.g. service-owner) or its name.", True, "5"),
        _c("scope", "tverums tvērums", "What the role is held for: identifier of the service, resource, institution, sector or municipality; 'LV' for the State.", True, "s-01"),
    ), build_role, identified=False),
)

ALL_PATHS = {k.path for k in KINDS} | {"sector"}


def kind_named(name: str) -> Kind | None:
    """The kind a ``--kind`` value, file name or sheet name stands for."""
    wanted = normalise(name)
    for kind in KINDS:
        if wanted in {normalise(n) for n in (kind.name, kind.path, *kind.names)}:
            return kind
    return None


def kind_of_header(header: list[str]) -> Kind | None:
    """The kind whose columns best match a header row (at least half of them known)."""
    columns = {normalise(h) for h in header if h}
    best, best_score = None, 0.0
    for kind in KINDS:
        known = kind.column_names()
        score = len(columns & set(known)) / max(len(columns), 1)
        required = {c.name for c in kind.columns if c.required}
        if required <= {known[c] for c in columns if c in known} and score > best_score:
            best, best_score = kind, score
    return best if best_score >= 0.5 else None
