"""schema.org ``GovernmentService`` JSON-LD for service pages, so that search engines understand them.

Only what the register states publicly: name, description, identifier, the
service's web page, its kind, the providing institution, the channels and the
country. Embedded in the page as ``<script type="application/ld+json">``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pyoxigraph as ox

from ..store import Store

DCT = "http://purl.org/dc/terms/"
CV = "http://data.europa.eu/m8g/"
FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SERVICE_CLASSES = {
    "https://w3id.org/virsis/ontology#" + name
    for name in ("IndividualBenefitService", "GeneralBenefitService", "SharedUseService", "IndividualUseService", "Service", "PublicService")
} | {"http://purl.org/vocab/cpsv#PublicService"}


def _text(triples: list[ox.Triple], predicate: str, lang: str) -> str | None:
    values = [t.object for t in triples if t.predicate.value == predicate and isinstance(t.object, ox.Literal)]
    for wanted in (lang, "lv"):
        for v in values:
            if v.language == wanted:
                return v.value
    return values[0].value if values else None


def government_service(store: Store, iri: ox.NamedNode, triples: list[ox.Triple], lang: str, label: Callable[[str], str]) -> dict | None:
    """The schema.org description of the service ``iri`` (its ``triples`` given), or None if it is no service."""
    types = [t.object.value for t in triples if t.predicate.value == RDF_TYPE]
    kinds = [t for t in types if t in SERVICE_CLASSES]
    if not kinds:
        return None
    data: dict = {"@context": "https://schema.org", "@type": "GovernmentService", "@id": iri.value}
    for key, predicate in (("name", DCT + "title"), ("description", DCT + "description"), ("identifier", DCT + "identifier")):
        value = _text(triples, predicate, lang)
        if value:
            data[key] = value
    data["serviceType"] = label(kinds[0])
    homepage = next((t.object.value for t in triples if t.predicate.value == FOAF_HOMEPAGE), None)
    if homepage:
        data["url"] = homepage
    authority = next((t.object for t in triples if t.predicate.value == CV + "hasCompetentAuthority"), None)
    if isinstance(authority, ox.NamedNode):
        provider = {"@type": "GovernmentOrganization", "@id": authority.value}
        name = _text(store.describe([authority]), DCT + "title", lang)
        if name:
            provider["name"] = name
        data["provider"] = provider
    channels = [t.object for t in triples if t.predicate.value == CV + "hasChannel" and isinstance(t.object, ox.NamedNode)]
    if channels:
        data["availableChannel"] = [
            {"@type": "ServiceChannel", "name": label(t.object.value)}
            for t in store.describe(channels) if t.predicate.value == DCT + "type" and isinstance(t.object, ox.NamedNode)
        ]
    data["areaServed"] = {"@type": "Country", "name": "Latvija" if lang == "lv" else "Latvia"}
    return data


def script_json(data: dict) -> str:
    """``data`` as JSON safe inside a ``<script>`` element: no ``</`` can close it early."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
