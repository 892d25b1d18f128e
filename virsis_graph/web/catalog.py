"""The register as open data for portals: dumps with checksums, a DCAT-AP catalogue and a VoID description.

``/dumps/register.nq.gz`` (N-Quads, one named graph per source file, with
their provenance) and ``/dumps/register.ttl`` (the same statements merged into
one graph), each with ``.sha256``; ``/catalog`` describes them in DCAT 3 /
DCAT-AP for national portals to harvest; ``/.well-known/void`` in VoID. Only
public data goes out (:func:`virsis_graph.privacy.public_quads`). The dumps are
made at the first request for any of the four, in a background thread (minutes
at national scale: every public quad is read, sorted and written twice), and
kept until the next write (:mod:`.derived`); until they are made each of the
four answers ``503`` with ``Retry-After``, saying so in Latvian and English.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from .. import __version__
from ..importing import provenance_graph
from ..namespaces import PREFIXES
from ..privacy import public_quads
from ..settings import base_iri
from .negotiation import negotiate

router = APIRouter()

DCAT, DCT, FOAF, SPDX, VOID, RDF = (
    "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/",
    "http://spdx.org/rdf/terms#", "http://rdfs.org/ns/void#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


DUMPS = "dumps"
"""The key of the dumps in ``app.state.derived``."""
WAIT = 5.0
"""Seconds a request waits for the dumps being made before it is told to come back."""
RETRY_AFTER = 60
DUMP_NAMES = ("register.nq.gz", "register.ttl")


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    file_type: str
    body: bytes
    sha256: str
    """The SHA-256 of ``body`` in hex, computed once: hashing a national register's dump takes a second."""

    @classmethod
    def of(cls, name: str, media_type: str, file_type: str, body: bytes) -> Dump:
        return cls(name, media_type, file_type, body, hashlib.sha256(body).hexdigest())


@dataclass(frozen=True)
class Dumps:
    """The public dumps of one store: by file name, and how many distinct triples they hold."""

    files: dict[str, Dump]
    triples: int

    @classmethod
    def make(cls, store) -> Dumps:
        quads = sorted(public_quads(store), key=str)  # sorted: the same register gives the same bytes
        nq = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        del quads
        ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={**PREFIXES, "id": base_iri() + "id/"})
        nq_name, ttl_name = DUMP_NAMES
        return cls({
            nq_name: Dump.of(nq_name, "application/gzip", "RDF_N_QUADS", gzip.compress(nq, mtime=0)),
            ttl_name: Dump.of(ttl_name, "text/turtle", "RDF_TURTLE", ttl),
        }, len(triples))


def _dumps(request: Request) -> Dumps | None:
    """The dumps, or None while a background thread makes them (started here if it is not)."""
    store = request.app.state.store
    return request.app.state.derived.background(DUMPS, lambda: Dumps.make(store), WAIT)


def _being_made() -> Response:
    return PlainTextResponse(
        "503: reģistra lejupielādes datnes tiek veidotas, mēģiniet vēlreiz pēc brīža / the register's dump files are being made, try again shortly\n",
        status_code=503, headers={"Retry-After": str(RETRY_AFTER)},
    )


@router.get("/dumps/{name}")
def dump(name: str, request: Request) -> Response:
    """A dump, or its checksum in ``sha256sum`` format (``NAME.sha256``)."""
    if name.removesuffix(".sha256") not in DUMP_NAMES:
        return request.app.state.not_found(request, f"/dumps/{name}")
    made = _dumps(request)
    if made is None:
        return _being_made()
    dumps = made.files
    if name.endswith(".sha256") and name.removesuffix(".sha256") in dumps:
        d = dumps[name.removesuffix(".sha256")]
        return PlainTextResponse(f"{d.sha256}  {d.name}\n")
    if name not in dumps:
        return request.app.state.not_found(request, f"/dumps/{name}")
    d = dumps[name]
    etag = f'"{d.sha256}"'
    headers = {
        "ETag": etag,
        "Content-Disposition": f'attachment; filename="{d.name}"',
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(d.sha256)).decode()}:",
    }
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(d.body, media_type=d.media_type, headers=headers)


def _modified(store) -> str | None:
    times = [row["t"].value for row in store.query(
        f"SELECT ?t WHERE {{ GRAPH <{provenance_graph()}> {{ ?g <http://www.w3.org/ns/prov#generatedAtTime> ?t }} }}")]
    return max(times) if times else None


def _rdf(request: Request, triples: list[ox.Triple]) -> Response:
    offers = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
    chosen = negotiate(request.headers.get("accept"), offers) or "text/turtle"
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML}[chosen]
    prefixes = {**PREFIXES, "dcat": DCAT, "spdx": SPDX, "void": VOID} if fmt is ox.RdfFormat.TURTLE else None
    return Response(ox.serialize(triples, format=fmt, prefixes=prefixes), media_type=chosen, headers={"Vary": "Accept"})


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(text, datatype=n(datatype))
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def bilingual(subject: ox.NamedNode, predicate: str, lv: str, en: str) -> list[ox.Triple]:
    return [ox.Triple(subject, n(predicate), lit(lv, "lv")), ox.Triple(subject, n(predicate), lit(en, "en"))]


@router.get("/catalog")
def catalog(request: Request) -> Response:
    """The DCAT-AP catalogue of the register's dataset and its distributions."""
    store = request.app.state.store
    site = str(request.base_url).rstrip("/")
    base = base_iri()
    cat, dataset, publisher = n(base + "catalog"), n(base + "dataset/register"), n(base + "catalog#publisher")
    t = [
        ox.Triple(cat, n(RDF + "type"), n(DCAT + "Catalog")),
        *bilingual(cat, DCT + "title", "VIRSIS reģistra datu katalogs", "VIRSIS register data catalogue"),
        *bilingual(cat, DCT + "description", "Dzīves situāciju, vajadzību, pakalpojumu un resursu reģistrs kā atvērtie dati.",
                   "The register of life situations, needs, services and resources as open data."),
        ox.Triple(cat, n(DCT + "publisher"), publisher),
        ox.Triple(cat, n(FOAF + "homepage"), n(site + "/")),
        ox.Triple(cat, n(DCAT + "dataset"), dataset),
        ox.Triple(publisher, n(RDF + "type"), n(FOAF + "Agent")),
        ox.Triple(publisher, n(FOAF + "name"), lit("VIRSIS")),
        ox.Triple(dataset, n(RDF + "type"), n(DCAT + "Dataset")),
        *bilingual(dataset, DCT + "title", "VIRSIS reģistrs", "VIRSIS register"),
        *bilingual(dataset, DCT + "description", "Dzīves situācijas, vajadzības, publiskie pakalpojumi, resursi, iestādes un lomas (CPSV-AP 3.2.0), bez personas datiem.",
                   "Life situations, needs, public services, resources, institutions and roles (CPSV-AP 3.2.0), without personal data."),
        ox.Triple(dataset, n(DCT + "publisher"), publisher),
        ox.Triple(dataset, n(DCAT + "landingPage"), n(site + "/")),
        ox.Triple(dataset, n(DCT + "conformsTo"), n("http://data.europa.eu/m8g/")),
    ]
    made = _dumps(request)
    if made is None:
        return _being_made()
    modified = _modified(store)
    if modified:
        t.append(ox.Triple(dataset, n(DCT + "modified"), lit(modified, datatype="http://www.w3.org/2001/XMLSchema#dateTime")))
    for d in made.files.values():
        dist, checksum = n(f"{base}dataset/register/{d.name}"), n(f"{base}dataset/register/{d.name}/checksum")
        url = n(f"{site}/dumps/{d.name}")
        t += [
            ox.Triple(dataset, n(DCAT + "distribution"), dist),
            ox.Triple(dist, n(RDF + "type"), n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCT + "title"), lit(d.name)),
            ox.Triple(dist, n(DCAT + "accessURL"), url),
            ox.Triple(dist, n(DCAT + "downloadURL"), url),
            ox.Triple(dist, n(DCAT + "mediaType"), n(f"https://www.iana.org/assignments/media-types/{d.media_type}")),
            ox.Triple(dist, n(DCT + "format"), n(FILE_TYPE + d.file_type)),
            ox.Triple(dist, n(DCAT + "byteSize"), lit(str(len(d.body)), datatype="http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
            ox.Triple(dist, n(SPDX + "checksum"), checksum),
            ox.Triple(checksum, n(RDF + "type"), n(SPDX + "Checksum")),
            ox.Triple(checksum, n(SPDX + "algorithm"), n(SPDX + "checksumAlgorithm_sha256")),
            ox.Triple(checksum, n(SPDX + "checksumValue"), lit(d.sha256, datatype="http://www.w3.org/2001/XMLSchema#hexBinary")),
        ]
    return _rdf(request, t)


@router.get("/.well-known/void")
def void(request: Request) -> Response:
    """The VoID description of the register's dataset."""
    site = str(request.base_url).rstrip("/")
    dumps = _dumps(request)
    if dumps is None:
        return _being_made()
    files = dumps.files
    dataset = n(base_iri() + "dataset/register")
    t = [
        ox.Triple(dataset, n(RDF + "type"), n(VOID + "Dataset")),
        *bilingual(dataset, DCT + "title", "VIRSIS reģistrs", "VIRSIS register"),
        ox.Triple(dataset, n(VOID + "uriSpace"), lit(base_iri() + "id/")),
        ox.Triple(dataset, n(VOID + "triples"), lit(str(dumps.triples), datatype="http://www.w3.org/2001/XMLSchema#integer")),
        ox.Triple(dataset, n(FOAF + "homepage"), n(site + "/")),
        ox.Triple(dataset, n(DCT + "creator"), lit(f"virsis-graph {__version__}")),
    ]
    t += [ox.Triple(dataset, n(VOID + "dataDump"), n(f"{site}/dumps/{name}")) for name in files]
    t += [ox.Triple(dataset, n(VOID + "vocabulary"), n(PREFIXES[p])) for p in ("virsis", "cpsv", "cv", "dct", "skos", "foaf") if p in PREFIXES]
    return _rdf(request, t)
