"""The code lists cover every numbered item of the source, with its numbering and terms."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from domain_source import Item, numbered_lists
from virsis_graph.namespaces import VIRSIS, scheme

# Lists whose bracketed terms in DOMAIN.md are the Latvian originals.
LATVIAN_BRACKETS = {"service-kind", "lifecycle-stage", "scale", "level", "role"}


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) >= 3}


def similar(a: str, b: str) -> bool:
    """Most content words of the shorter text occur (by their first letters) in the other."""
    sa, sb = _stems(a), _stems(b)
    return bool(sa and sb) and len(sa & sb) / min(len(sa), len(sb)) >= 0.5


def labels(graph: Graph, concept: URIRef, lang: str) -> list[str]:
    return [
        str(o)
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for o in graph.objects(concept, p)
        if isinstance(o, Literal) and o.language == lang
    ]


@pytest.fixture(scope="module")
def source(shared) -> dict[str, list[Item]]:
    return numbered_lists((shared / "domain" / "DOMAIN.md").read_text(encoding="utf-8"))


def test_source_lists_have_the_expected_lengths(source):
    # Counted by hand in DOMAIN.md: guards the parser itself.
    sizes = {name: len(items) for name, items in source.items()}
    assert sizes == {
        "service-kind": 4, "lifecycle-stage": 5, "capability": 9, "scale": 4, "level": 3,
        "role": 10, "task": 32, "quality-condition": 10 + 30, "request-type": 8,
    }


@pytest.mark.parametrize(
    "name",
    ["service-kind", "lifecycle-stage", "capability", "scale", "level", "role", "task", "quality-condition", "request-type"],
)
def test_every_numbered_item_is_a_concept_with_its_notation_and_labels(model, source, name):
    in_scheme = {c for c in model.subjects(SKOS.inScheme, URIRef(scheme(name)))}
    by_notation = {str(model.value(c, SKOS.notation)): c for c in in_scheme}
    for item in source[name]:
        concept = by_notation.get(item.notation)
        assert concept is not None, f"{name} {item.notation} ({item.en}) is missing"
        en = labels(model, concept, "en")
        assert any(similar(item.en, label) for label in en), f"{name} {item.notation}: {en} vs source {item.en!r}"
        if item.lv and (name in LATVIAN_BRACKETS or (name == "quality-condition" and "." not in item.notation)):
            lv = labels(model, concept, "lv")
            assert any(similar(item.lv, label) for label in lv), f"{name} {item.notation}: {lv} vs source {item.lv!r}"


def test_roles_keep_the_source_latvian_terms_exactly(model, source):
    in_scheme = set(model.subjects(SKOS.inScheme, URIRef(scheme("role"))))
    by_notation = {str(model.value(c, SKOS.notation)): c for c in in_scheme}
    for item in source["role"]:
        if not item.lv.startswith("…"):  # the source abbreviates roles 2 and 3
            assert Literal(item.lv, lang="lv") in set(model.objects(by_notation[item.notation], SKOS.prefLabel))


def test_quality_sub_criteria_are_narrower_than_their_condition(model):
    subs = set(model.subjects(RDF.type, VIRSIS.QualitySubCriterion))
    assert len(subs) == 30
    for sub in subs:
        parent = model.value(sub, SKOS.broader)
        assert (parent, RDF.type, VIRSIS.QualityCondition) in model
        assert str(model.value(sub, SKOS.notation)).split(".")[0] == str(model.value(parent, SKOS.notation))
        assert (parent, SKOS.narrower, sub) in model


def test_tasks_are_linked_to_their_levels_and_roles(model):
    levels = Counter()
    for task in model.subjects(RDF.type, VIRSIS.GovernanceTask):
        notation = str(model.value(task, SKOS.notation))
        task_levels = {str(model.value(lv, SKOS.notation)) for lv in model.objects(task, VIRSIS.governanceLevel)}
        expected = {"P": {"1"}, "C": {"2", "3"}, "A": {"1", "2", "3"}}[notation[0]]
        assert task_levels == expected, notation
        assert set(model.objects(task, VIRSIS.responsibleRole)) <= set(model.subjects(RDF.type, VIRSIS.Role))
        assert any(True for _ in model.objects(task, VIRSIS.responsibleRole)), f"{notation} has no role"
        levels[notation[0]] += 1
    assert levels == {"P": 5, "C": 23, "A": 4}


def test_notations_are_unique_within_each_scheme(model):
    for s in model.subjects(RDF.type, SKOS.ConceptScheme):
        notations = [str(model.value(c, SKOS.notation)) for c in model.subjects(SKOS.inScheme, s)]
        duplicates = [n for n, k in Counter(notations).items() if k > 1]
        assert not duplicates, f"{s}: {duplicates}"


def test_every_concept_class_has_concepts_and_every_concept_a_scheme(model):
    concept_classes = {c for c in model.subjects(RDF.type, None) if (c, None, SKOS.Concept) in model and str(c).startswith(str(VIRSIS))}
    for cls in concept_classes - {VIRSIS.Sector, VIRSIS.ServiceGroup}:  # data, not code lists
        assert any(True for _ in model.subjects(RDF.type, cls)), f"{cls} has no concepts"
    for c in model.subjects(RDF.type, SKOS.Concept):
        assert model.value(c, SKOS.inScheme) is not None, c


def test_corresponding_classes_exist(model):
    for concept, cls in model.subject_objects(VIRSIS.correspondingClass):
        assert (cls, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in model, f"{concept} -> {cls}"
