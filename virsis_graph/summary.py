"""A summary of what a register holds, read with SPARQL from the store.

Labels come from the ontology and vocabularies in the store, so the summary is
bilingual wherever the model is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import sparql_prefixes
from .store import Store

_COUNT_BY_CLASS = """
SELECT ?class ?lv ?en (COUNT(DISTINCT ?record) AS ?n) WHERE {
  VALUES (?order ?class) { %s }
  ?class rdfs:label ?lv , ?en .
  FILTER(lang(?lv) = "lv" && lang(?en) = "en")
  OPTIONAL { ?record a/rdfs:subClassOf* ?class }
}
GROUP BY ?order ?class ?lv ?en
ORDER BY ?order
"""

_RECORD_CLASSES = (
    "virsis:LifeSituation", "virsis:Need", "virsis:Service", "virsis:Resource",
    "org:Organization", "foaf:Person", "virsis:RoleAssignment",
)
_SERVICE_CLASSES = (
    "virsis:SharedUseService", "virsis:IndividualUseService",
    "virsis:IndividualBenefitService", "virsis:GeneralBenefitService",
    "virsis:SimpleService", "virsis:SmartService",
)

_BY_STAGE = """
SELECT ?stage ?lv ?en (COUNT(DISTINCT ?service) AS ?n) WHERE {
  ?stage a virsis:LifecycleStage ; skos:notation ?notation ; skos:prefLabel ?lv , ?en .
  FILTER(lang(?lv) = "lv" && lang(?en) = "en")
  OPTIONAL { ?service virsis:lifecycleStage ?stage }
}
GROUP BY ?stage ?notation ?lv ?en
ORDER BY ?notation
"""

_CHAIN = """
SELECT
  (COUNT(DISTINCT ?linkedNeed) AS ?needsMet)
  (COUNT(DISTINCT ?need) AS ?needs)
  (COUNT(DISTINCT ?usingService) AS ?servicesUsingResources)
  (COUNT(DISTINCT ?dependent) AS ?resourcesWithDependencies)
WHERE {
  { ?need a virsis:Need OPTIONAL { ?s virsis:meetsNeed ?need BIND(?need AS ?linkedNeed) } }
  UNION { ?usingService virsis:usesResource ?r }
  UNION { ?dependent virsis:dependsOn ?other }
}
"""


@dataclass(frozen=True)
class Row:
    """One line of a summary table: a bilingual label and a count."""

    lv: str
    en: str
    count: int


@dataclass(frozen=True)
class Summary:
    """Counts of records, services by kind and by lifecycle stage, and chain links."""

    records: list[Row]
    services: list[Row]
    stages: list[Row]
    chain: dict[str, int]
    triples: int


def _values(classes: tuple[str, ...]) -> str:
    return " ".join(f"({i} {c})" for i, c in enumerate(classes))


def _rows(store: Store, sparql: str) -> list[Row]:
    return [Row(r["lv"], r["en"], r["n"]) for r in store.select(sparql)]


def summarise(store: Store) -> Summary:
    """Read the summary of everything in ``store``."""
    prologue = sparql_prefixes()
    chain = store.select(prologue + _CHAIN)[0]
    return Summary(
        records=_rows(store, prologue + _COUNT_BY_CLASS % _values(_RECORD_CLASSES)),
        services=_rows(store, prologue + _COUNT_BY_CLASS % _values(_SERVICE_CLASSES)),
        stages=_rows(store, prologue + _BY_STAGE),
        chain={k: int(v) for k, v in chain.items()},
        triples=store.count(),
    )

