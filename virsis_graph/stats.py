"""Counts of what the register holds, per class, with the classes' labels."""

from __future__ import annotations

from .store import Store

_CLASS_COUNTS = """
SELECT ?class (SAMPLE(?lv0) AS ?lv) (SAMPLE(?en0) AS ?en) (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  OPTIONAL { ?class rdfs:label|skos:prefLabel ?lv0 FILTER(lang(?lv0) = "lv") }
  OPTIONAL { ?class rdfs:label|skos:prefLabel ?en0 FILTER(lang(?en0) = "en") }
}
GROUP BY ?class
ORDER BY DESC(?n) ?class
"""


def class_counts(store: Store) -> list[dict[str, object]]:
    """One row per class that has instances: ``class`` (IRI), ``lv``, ``en`` labels and ``n``."""
    return store.select(_CLASS_COUNTS)
