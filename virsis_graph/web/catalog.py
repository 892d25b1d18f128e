"""The register as open data for portals: dumps with checksums, a DCAT-AP catalogue and a VoID description.

``/dumps/register.nq.gz`` (N-Quads, one named graph per source file, with
their provenance) and ``/dumps/register.ttl`` (the same statements merged into
one graph), each with ``.sha256``; ``/catalog`` describes them in DCAT 3 /
DCAT-AP for national portals to harvest; ``/.well-known/void`` in VoID. Only
public data goes out (:func:`virsis_graph.privacy.public_quads`). The dumps are
made once, at the first request, and kept while the server runs: the site is
read-only.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import threading
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


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    file_type: str
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


class Dumps:
    """The public dumps of one store, made on first use (thread-safe)."""

    def __init__(self, store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._dumps: dict[str, Dump] | None = None
        self.triples = 0

    def get(self) -> dict[str, Dump]:
        with self._lock:
            if self._dumps is None:
                quads = sorted(public_quads(self.store), key=str)  # sorted: the same register gives the same bytes
                nq = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
                triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
                self.triples = len(triples)
                ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={**PREFIXES, "id": base_iri() + "id/"})
                self._dumps = {
                    "register.nq.gz": Dump("register.nq.gz", "application/gzip", "RDF_N_QUADS", gzip.compress(nq, mtime=0)),
                    "register.ttl": Dump("register.ttl", "text/turtle", "RDF_TURTLE", ttl),
                }
            return self._dumps


def _dumps(request: Request) -> Dumps:
    state = request.app.state
    if state.dumps is None:
        state.dumps = Dumps(state.store)
    return state.dumps


@router.get("/dumps/{name}")
def dump(name: str, request: Request) -> Response:
    """A dump, or its checksum in ``sha256sum`` format (``NAME.sha256``)."""
    dumps = _dumps(request).get()
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
    modified = _modified(store)
    if modified:
        t.append(ox.Triple(dataset, n(DCT + "modified"), lit(modified, datatype="http://www.w3.org/2001/XMLSchema#dateTime")))
    for d in _dumps(request).get().values():
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
    files = dumps.get()
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
