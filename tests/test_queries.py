"""The named query library (queries/*.rq) on the example registry.

Expected rows come from the example data as its README and Turtle files state
it (the comments say which facts), not from running the queries. Every query
also runs unchanged on rdflib's SPARQL engine with the same results.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pyoxigraph as ox
import pytest
from conftest import rid
from rdflib import XSD, Dataset, Literal, URIRef
from typer.testing import CliRunner

from virsis_graph import queries
from virsis_graph.cli import app
from virsis_graph.settings import base_iri
from virsis_graph.store import EmbeddedStore

REQUIRED = [
    "trace-life-situation", "trace-need", "service-dependencies", "impact-of-resource", "unmet-needs",
    "services-without-owner", "owner-load", "smart-service-candidates", "duplicate-services",
    "single-points-of-failure", "shared-service-uptake", "lifecycle-pipeline",
    "catalogue-public", "catalogue-business", "catalogue-inter-institutional",
]
VOCAB = "https://w3id.org/virsis/vocab/"
ONTO = "https://w3id.org/virsis/ontology#"



@pytest.fixture(scope="module")
def store(example_store) -> EmbeddedStore:
    return example_store


@pytest.fixture(scope="module")
def rdflib_dataset(store: EmbeddedStore) -> Dataset:
    """The same quads in an rdflib Dataset whose default graph is the union, as the store's."""
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_QUADS)
    ds = Dataset(default_union=True)
    ds.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    return ds


def value(term) -> object:
    """A comparable plain value of a pyoxigraph or rdflib term: numbers as numbers, the rest as text."""
    if term is None:
        return None
    if isinstance(term, (ox.Literal, Literal)):
        datatype = str(term.datatype.value if isinstance(term, ox.Literal) else term.datatype or "")
        text = term.value if isinstance(term, ox.Literal) else str(term)
        if datatype.endswith(("#integer", "#decimal", "#double", "#float", "#long", "#int")):
            return Decimal(text).normalize()
        if datatype.endswith("#duration"):  # rdflib rewrites PT0S as P0D: compare the durations
            return Literal(text, datatype=XSD.duration).toPython()
        return text
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def run(store, name: str, **params: str) -> list[dict[str, object]]:
    result = queries.run(store, queries.named(name), params)
    names = [v.value for v in result.variables]
    return [{n: value(row[n]) for n in names} for row in result]


def short(iri: object) -> object:
    return iri.rsplit("/", 1)[-1] if isinstance(iri, str) and iri.startswith(base_iri()) else iri


# ---------------------------------------------------------------------------
# The library itself
# ---------------------------------------------------------------------------


def test_every_query_the_issue_names_is_there_with_a_bilingual_header():
    library = queries.library()
    assert set(REQUIRED) <= set(library)
    for q in library.values():
        assert q.title_lv and q.title_en and q.title_lv != q.title_en, q.name
        assert q.description_lv and q.description_en, q.name
        assert q.form == "SELECT", q.name
        assert q.param("lang") is not None and q.param("lang").default == "lv", q.name
        for p in q.params:
            assert p.type in queries.TYPES and p.description_lv and p.description_en, (q.name, p)


def test_every_query_and_parameter_is_documented_in_the_queries_readme():
    readme = (queries.queries_folder() / "README.md").read_text(encoding="utf-8")
    for q in queries.library().values():
        section = readme.split(f"### `{q.name}.rq`", 1)
        assert len(section) == 2, f"queries/README.md does not document {q.name}.rq"
        body = section[1].split("\n### ", 1)[0]
        assert "Columns: " + ", ".join(f"`{c}`" for c in q.columns) + "." in body, f"{q.name}: columns"
        for p in q.params:
            assert f"| `{p.name}` | {p.type} |" in body, (q.name, p.name)


def test_a_header_that_breaks_the_rules_is_refused_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Tikai latviski\n# description: a | b\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(queries.QueryError, match=r"bad.rq, line 1, title: .*' \| '"):
        queries.parse(bad)
    bad.write_text("# title: a | b\n# description: a | b\n# param: thing colour x | y\nSELECT * WHERE { ?thing ?p ?o }\n", encoding="utf-8")
    with pytest.raises(queries.QueryError, match=r"line 3, param: nezināms tips 'colour' / unknown type 'colour'"):
        queries.parse(bad)
    bad.write_text("# title: a | b\n# description: a | b\n# param: other string x | y\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(queries.QueryError, match=r"never uses \?other"):
        queries.parse(bad)


def test_an_unknown_query_name_suggests_the_nearest():
    with pytest.raises(queries.QueryError, match="did you mean impact-of-resource"):
        queries.named("impact-of-resources")


def test_documented_defaults_are_what_the_query_does_unbound(store):
    """The header's =default is the COALESCE fallback inside the query: binding it changes nothing."""
    for q in queries.library().values():
        defaults = {p.name: p.default for p in q.params if p.default}
        assert _canonical(run(store, q.name)) == _canonical(run(store, q.name, **defaults)), q.name


# ---------------------------------------------------------------------------
# Each query's rows on the example registry
# ---------------------------------------------------------------------------


def test_unmet_needs(store):
    # Services not in provision: s-37 (planning) meets n-21 of ls-04, s-43 (creation)
    # meets n-40 of ls-08, s-45 (implementation) meets n-42 of ls-08; every other
    # need has a service in provision (README "Services by kind", services.ttl).
    rows = {(short(r["life_situation"]), short(r["need"]), r["services_not_in_provision"]) for r in run(store, "unmet-needs")}
    assert rows == {("ls-04", "n-21", 1), ("ls-08", "n-40", 1), ("ls-08", "n-42", 1)}
    assert {short(r["need"]) for r in run(store, "unmet-needs", life_situation="ls-08")} == {"n-40", "n-42"}


def test_life_situation_coverage(store):
    # Needs per life situation (life-situations.ttl): ls-01 8, ls-02 6, ls-03 6,
    # ls-04 5, ls-05 4, ls-06 5, ls-07 2, ls-08 8, ls-09 2; unmet: n-21 (ls-04),
    # n-40 and n-42 (ls-08).
    rows = {short(r["life_situation"]): (r["needs"], r["met_needs"], r["coverage"]) for r in run(store, "life-situation-coverage")}
    assert rows == {
        "ls-01": (8, 8, 1), "ls-02": (6, 6, 1), "ls-03": (6, 6, 1), "ls-04": (5, 4, Decimal("0.8")),
        "ls-05": (4, 4, 1), "ls-06": (5, 5, 1), "ls-07": (2, 2, 1), "ls-08": (8, 6, Decimal("0.75")), "ls-09": (2, 2, 1),
    }
    order = [short(r["life_situation"]) for r in run(store, "life-situation-coverage")]
    assert order[:2] == ["ls-08", "ls-04"]  # the worst covered first
    # ls-07 (retirement): n-32 met by s-31, n-33 by s-32.
    assert run(store, "life-situation-coverage", life_situation="ls-07")[0]["services"] == 2


def test_services_without_owner(store):
    # Defects (a) s-18 has no owner and (b) s-21 has two (p-22, p-23); every other
    # service has one person as owner (data/examples/README.md).
    rows = {(short(r["service"]), r["owners"], r["problem"]) for r in run(store, "services-without-owner")}
    assert rows == {("s-18", 0, "none"), ("s-21", 2, "several")}
    assert run(store, "services-without-owner", institution="vsaa") == []
    assert [short(r["service"]) for r in run(store, "services-without-owner", institution="nva")] == ["s-18"]


def copy_of(store: EmbeddedStore, drop=lambda q: False, add=()) -> EmbeddedStore:
    """An in-memory copy of ``store`` without the quads ``drop`` selects, with ``add``."""
    extra = EmbeddedStore()
    extra._store.extend([q for q in store.quads() if not drop(q)] + list(add))
    return extra


def test_services_without_owner_finds_an_owner_who_is_not_a_person(store):
    s01, owner = ox.NamedNode(rid("service/s-01")), ox.NamedNode(ONTO + "serviceOwner")
    [old] = store._store.quads_for_pattern(s01, owner, None)
    extra = copy_of(store, drop=lambda q: q == old, add=[ox.Quad(s01, owner, ox.NamedNode(rid("organisation/nvd")), old.graph_name)])
    rows = {(short(r["service"]), r["owners"], r["problem"]) for r in run(extra, "services-without-owner")}
    assert ("s-01", 1, "not-a-person") in rows


def test_owner_load(store):
    # p-05 owns four services and no resource; p-06 one service and four resources;
    # 32 distinct people own something (people.ttl, services.ttl, resources.ttl).
    rows = {short(r["owner"]): (r["services"], r["resources"], r["total"]) for r in run(store, "owner-load")}
    assert rows["p-05"] == (4, 0, 4) and rows["p-06"] == (1, 4, 5)
    assert len(rows) == 32
    totals = [r["total"] for r in run(store, "owner-load")]
    assert totals == sorted(totals, reverse=True)
    assert all(r["name"] for r in run(store, "owner-load"))
    assert {short(r["organisation"]) for r in run(store, "owner-load", institution="vsaa")} == {"vsaa"}


def test_owner_load_shows_no_contact_details(store):
    for r in run(store, "owner-load"):
        assert not any(isinstance(v, str) and ("@" in v or v.startswith("mailto:")) for v in r.values())


def ids(cell: str) -> set[str]:
    """A "; "-separated list of identifiers as a set (an empty cell is an empty set)."""
    return set(cell.split("; ")) if cell else set()


def test_smart_service_candidates(store):
    # Simple, public, not retired services per life situation: ls-02 s-09 s-10 s-11
    # s-12 s-13 s-50 (6); ls-03 s-14 s-15 s-16 s-17 s-18 s-49 (6); ls-01 5, ls-05 5,
    # ls-06 5, ls-04 4, ls-07 2. (s-04..s-06 are retired; s-35..s-37 are smart.)
    rows = run(store, "smart-service-candidates", min_services="6")
    assert {short(r["life_situation"]): (r["simple_services"], ids(r["services"])) for r in rows} == {
        "ls-02": (6, {"s-09", "s-10", "s-11", "s-12", "s-13", "s-50"}),
        "ls-03": (6, {"s-14", "s-15", "s-16", "s-17", "s-18", "s-49"}),
    }
    every = {short(r["life_situation"]): r["simple_services"] for r in run(store, "smart-service-candidates")}
    assert every == {"ls-01": 5, "ls-02": 6, "ls-03": 6, "ls-04": 4, "ls-05": 5, "ls-06": 5, "ls-07": 2}
    assert run(store, "smart-service-candidates", min_services="7") == []
    [ls07] = run(store, "smart-service-candidates", life_situation="ls-07")
    assert ids(ls07["services"]) == {"s-31", "s-32"} and ls07["institutions"] == 1  # both of vsaa


def test_duplicate_services(store):
    # n-15 (income while unemployed): s-15 of vsaa and s-36 of nva, both
    # individual-benefit; n-25 (funeral costs): s-23 of vsaa and s-25 of valmiera.
    rows = {(short(r["need"]), short(r["service"]), short(r["service_institution"]), short(r["other_service"]), short(r["other_institution"])) for r in run(store, "duplicate-services")}
    assert rows == {("n-15", "s-15", "vsaa", "s-36", "nva"), ("n-25", "s-23", "vsaa", "s-25", "valmiera")}
    assert {short(r["need"]) for r in run(store, "duplicate-services", institution="valmiera")} == {"n-25"}
    assert run(store, "duplicate-services", need="n-01") == []


def test_single_points_of_failure(store):
    # r-13 (payment module) is used by s-09 s-26 s-33 s-34 s-39 and, through r-16
    # (the portal, which depends on it), by s-02 s-07 s-12 s-15 s-19 s-23 s-24 s-28
    # s-31 s-32 s-34 s-35: 16 services; only r-16 depends on it. Nothing depends on
    # r-16, used by those 12 services.
    rows = {short(r["resource"]): r for r in run(store, "single-points-of-failure")}
    assert (rows["r-13"]["services"], rows["r-13"]["dependent_resources"]) == (16, 1)
    assert (rows["r-16"]["services"], rows["r-16"]["dependent_resources"]) == (12, 0)
    counts = [r["services"] for r in run(store, "single-points-of-failure")]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    assert all(r["services"] >= 20 for r in run(store, "single-points-of-failure", min_services="20"))


def test_shared_service_uptake(store):
    # s-39 (payment module service) has the recipients pmlp, riga, ur and valmiera
    # and no service requires it; s-43 names no recipient (defect k).
    rows = {short(r["service"]): r for r in run(store, "shared-service-uptake")}
    assert set(rows) == {f"s-{n}" for n in range(38, 46)}  # the 8 shared-use services
    assert (rows["s-39"]["users"], ids(rows["s-39"]["user_institutions"]), ids(rows["s-39"]["requiring_services"])) == (4, {"pmlp", "riga", "ur", "valmiera"}, set())
    assert (rows["s-43"]["users"], ids(rows["s-43"]["user_institutions"])) == (0, set())
    users = [r["users"] for r in run(store, "shared-service-uptake")]
    assert users == sorted(users, reverse=True)


def test_lifecycle_pipeline(store):
    # README: 44 in provision; s-36 and s-45 implementation, s-43 creation, s-37
    # planning, s-04..s-06 retired. Kinds: 38 individual-benefit (s-36, s-37 and
    # s-04..s-06 among them), 2 general-benefit, 8 shared-use (s-43, s-45), 3
    # individual-use.
    rows = {(r["stage"].rsplit("/", 1)[1], r["kind"].rsplit("#", 1)[1], r["services"]) for r in run(store, "lifecycle-pipeline")}
    assert rows == {
        ("planning", "IndividualBenefitService", 1), ("creation", "SharedUseService", 1),
        ("implementation", "IndividualBenefitService", 1), ("implementation", "SharedUseService", 1),
        ("provision", "IndividualBenefitService", 33), ("provision", "GeneralBenefitService", 2),
        ("provision", "SharedUseService", 6), ("provision", "IndividualUseService", 3),
        ("retired", "IndividualBenefitService", 3),
    }
    stages = [r["stage"].rsplit("/", 1)[1] for r in run(store, "lifecycle-pipeline")]
    assert stages == sorted(stages, key=["planning", "creation", "implementation", "provision", "retired"].index)


@pytest.mark.parametrize(("name", "catalogue", "count"), [
    ("catalogue-public", "latvija-gov-lv", 34), ("catalogue-business", "business-gov-lv", 6),
    ("catalogue-inter-institutional", "virsis-gov-lv", 11),
])
def test_catalogues(store, name, catalogue, count):
    # services.ttl publishes 34 services in Latvija.gov.lv, 6 in Business.gov.lv
    # and 11 in Virsis.gov.lv (virsis:publishedIn).
    rows = run(store, name)
    published = {q.subject.value for q in store._store.quads_for_pattern(None, ox.NamedNode(ONTO + "publishedIn"), ox.NamedNode(f"https://w3id.org/virsis/catalogue/{catalogue}"))}
    assert len(rows) == count and {r["service"] for r in rows} == published
    for r in rows:
        assert r["title"] and r["institution_title"] and r["channels"], r


def test_catalogue_row_has_what_is_needed_to_request_the_service(store):
    # s-09 (registering a limited liability company, Register of Enterprises ur):
    # channels post, in person, e-service; processing time P3D; contact point of ur.
    [s09] = [r for r in run(store, "catalogue-business", lang="en") if r["identifier"] == "s-09"]
    assert set(s09["channels"].split("; ")) == {"Post", "In person", "E-service"}
    assert s09["processing_time"] == value(ox.Literal("P3D", datatype=ox.NamedNode(str(XSD.duration))))
    assert s09["homepage"] == "https://www.ur.example.lv/pakalpojumi/s-09"
    assert s09["email"] == "pasts@ur.example.lv"
    assert "Komerclikums" in s09["legal_basis"].split("; ")
    assert {r["identifier"] for r in run(store, "catalogue-business", institution="vid")} == {"s-10", "s-11", "s-13"}


def test_trace_life_situation(store):
    # ls-07 (retirement): n-32 met by s-31, n-33 by s-32. s-32 uses r-02, r-14,
    # r-16; r-02 depends on r-01, which depends on r-05 and r-35 (resources.ttl).
    rows = run(store, "trace-life-situation", life_situation="ls-07", lang="en")
    assert {(short(r["need"]), short(r["service"])) for r in rows} == {("n-32", "s-31"), ("n-33", "s-32")}
    s32 = [r for r in rows if short(r["service"]) == "s-32"]
    assert {short(r["resource"]) for r in s32 if r["via"] is None} == {"r-02", "r-14", "r-16"}
    assert ("r-02", "r-01") in {(short(r["via"]), short(r["resource"])) for r in s32}
    assert ("r-01", "r-35") in {(short(r["via"]), short(r["resource"])) for r in s32}
    assert {r["life_situation_title"] for r in rows} == {"Retirement"}


def test_trace_need_lists_a_need_no_service_meets(store):
    # n-34 is met by s-33; a need with no service still gets a row, without a service.
    rows = run(store, "trace-need", need="n-34")
    assert {short(r["service"]) for r in rows} == {"s-33"}
    extra = copy_of(store, drop=lambda q: q.predicate.value == ONTO + "meetsNeed" and q.object.value == rid("need/n-34"))
    rows = run(extra, "trace-need", need="n-34")
    assert [(short(r["need"]), r["service"], r["resource"]) for r in rows] == [("n-34", None, None)]


def test_service_dependencies(store):
    # s-40 uses r-14; r-14 depends on r-20 and r-12; r-12 on r-20; r-20 on r-23 and
    # r-24. Shortest paths: r-14 1; r-20, r-12 2; r-23, r-24 3 (through r-20 at 2),
    # and the link r-12 → r-20 ends a path of 3.
    rows = {(short(r["via"]) if r["via"] else None, short(r["dependency"]), r["depth"], r["type"]) for r in run(store, "service-dependencies", service="s-40")}
    assert rows == {
        (None, "r-14", 1, "resource"), ("r-14", "r-20", 2, "resource"), ("r-14", "r-12", 2, "resource"),
        ("r-12", "r-20", 3, "resource"), ("r-20", "r-23", 3, "resource"), ("r-20", "r-24", 3, "resource"),
    }
    # s-35 requires s-03 (dct:requires): a service dependency at depth 1.
    s35 = run(store, "service-dependencies", service="s-35")
    assert (None, "s-03", 1, "service") in {(r["via"], short(r["dependency"]), r["depth"], r["type"]) for r in s35}


def test_service_dependencies_are_followed_to_eight_links(store):
    # A made-up chain: s-01 uses x-1, x-1 depends on x-2, ... x-9 on x-10.
    s01, graph = ox.NamedNode(rid("service/s-01")), ox.NamedNode(rid("graph/test-chain"))
    chain = [ox.NamedNode(rid(f"resource/x-{n}")) for n in range(1, 11)]
    added = [ox.Quad(s01, ox.NamedNode(ONTO + "usesResource"), chain[0], graph)]
    added += [ox.Quad(a, ox.NamedNode(ONTO + "dependsOn"), b, graph) for a, b in zip(chain, chain[1:])]
    extra = copy_of(store, add=added)
    depths = {short(r["dependency"]): r["depth"] for r in run(extra, "service-dependencies", service="s-01")}
    assert {k: v for k, v in depths.items() if k.startswith("x-")} == {f"x-{n}": n for n in range(1, 9)}


def test_impact_of_resource(store):
    # r-13 fails: r-16 depends on it. Users of r-13: s-09 s-26 s-33 s-34 s-39; of
    # r-16: s-02 s-07 s-12 s-15 s-19 s-23 s-24 s-28 s-31 s-32 s-34 s-35; s-37
    # requires s-19 (dct:requires), so it breaks too, through s-19.
    rows = run(store, "impact-of-resource", resource="r-13")
    assert {short(r["affected"]) for r in rows} == {"r-13", "r-16"}
    assert {short(r["service"]) for r in rows} == {
        "s-09", "s-26", "s-33", "s-34", "s-39", "s-02", "s-07", "s-12", "s-15", "s-19", "s-23", "s-24", "s-28", "s-31", "s-32", "s-35", "s-37",
    }
    assert {short(r["through"]) for r in rows if short(r["service"]) == "s-37"} == {"s-19"}
    assert {short(r["recipient_institution"]) for r in rows if short(r["service"]) == "s-39"} == {"pmlp", "riga", "ur", "valmiera"}
    # s-09 meets n-09 of ls-02 (a business situation).
    assert ("n-09", "ls-02") in {(short(r["need"]), short(r["life_situation"])) for r in rows if short(r["service"]) == "s-09"}
    # s-33 meets n-34, which belongs to no life situation (defect e): the path ends at the need.
    assert {(short(r["need"]), r["life_situation"]) for r in rows if short(r["service"]) == "s-33"} == {("n-34", None)}


# ---------------------------------------------------------------------------
# Same results on rdflib's engine
# ---------------------------------------------------------------------------

TYPICAL = {
    "trace-life-situation": {"life_situation": "ls-01"}, "trace-need": {"need": "n-33"},
    "service-dependencies": {"service": "s-35"}, "impact-of-resource": {"resource": "r-05"},
    "unmet-needs": {"life_situation": "ls-08"}, "life-situation-coverage": {"lang": "en"},
    "services-without-owner": {"institution": "nvd"}, "owner-load": {"institution": "vdaa"},
    "smart-service-candidates": {"min_services": "5"}, "duplicate-services": {"institution": "vsaa"},
    "single-points-of-failure": {"min_services": "10"}, "shared-service-uptake": {"service": "s-40"},
    "lifecycle-pipeline": {"institution": "vdaa"}, "catalogue-public": {"life_situation": "ls-01"},
    "catalogue-business": {"lang": "en"}, "catalogue-inter-institutional": {"institution": "vdaa"},
}


def _rdflib_rows(ds: Dataset, text: str) -> list[dict[str, object]]:
    result = ds.query(text)
    names = [str(v) for v in result.vars]
    return [{n: value(row[n]) if not isinstance(row[n], URIRef) else str(row[n]) for n in names} for row in result]


def _number_or_text(text: str) -> object:
    # rdflib rewrites the lexical form of the doubles it parses ("0" becomes "0.0"),
    # so STR() of a number differs between engines while the number does not.
    try:
        return Decimal(text).normalize()
    except ArithmeticError:
        return text


def _cell(v: object) -> object:
    if isinstance(v, str) and v:
        return tuple(sorted(map(repr, map(_number_or_text, v.split("; ")))))
    if v == "":
        return None  # an empty GROUP_CONCAT is "" in rdflib and unbound in oxigraph
    return v


def _canonical(rows: list[dict[str, object]]) -> list[tuple]:
    """Rows as sorted tuples; GROUP_CONCAT lists compared as sets (their order is the engine's)."""
    out = []
    for r in rows:
        cells = [(k, _cell(v)) for k, v in r.items()]
        out.append(tuple(sorted(cells, key=repr)))
    return sorted(out, key=repr)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_same_results_on_rdflib(store, rdflib_dataset, name):
    query = queries.named(name)
    for values in ({}, TYPICAL[name]):
        bindings = queries.bind(query, values, store)
        expected = run(store, name, **values)
        got = _rdflib_rows(rdflib_dataset, queries.prepared(query, bindings))
        assert expected, (name, values)
        assert _canonical(got) == _canonical(expected), (name, values)


def test_every_query_has_a_typical_parameter_set():
    assert set(TYPICAL) == set(queries.library())


# ---------------------------------------------------------------------------
# Parameters: typed, checked and never spliced into the query
# ---------------------------------------------------------------------------


def test_a_full_iri_works_like_the_identifier(store):
    assert _canonical(run(store, "trace-need", need=rid("need/n-33"))) == _canonical(run(store, "trace-need", need="n-33"))


@pytest.mark.parametrize(("values", "message"), [
    ({"colour": "red"}, r"nav parametra 'colour' / has no parameter 'colour'; tā parametri / its parameters: resource, lang"),
    ({"resource": "r-999"}, r"no resource 'r-999' in the register"),
    ({"resource": "s-01"}, r"no resource 's-01' in the register"),
    ({"resource": "r-05> } ; DROP ALL ; #"}, r"expected an identifier"),
    ({"resource": "https://example.org/a> } DROP ALL { <b"}, r"expected an identifier"),
])
def test_bad_parameters_are_refused(store, values, message):
    with pytest.raises(queries.QueryError, match=message):
        queries.run(store, queries.named("impact-of-resource"), values)


def test_integer_parameter_is_checked(store):
    with pytest.raises(queries.QueryError, match="expected a whole number"):
        queries.run(store, queries.named("smart-service-candidates"), {"min_services": "2) || true || (1"})


def test_a_string_that_tries_to_inject_sparql_is_only_a_string(store):
    before = store.count()
    text = 'en") } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o #'
    rows = run(store, "trace-need", need="n-33", lang=text)
    assert rows and all(r["need_title"] is None for r in rows)  # no title is in that "language"
    assert store.count() == before
    assert queries.prepared(queries.named("trace-need"), {"lang": ox.Literal(text)}).count("DROP ALL") == 1


# ---------------------------------------------------------------------------
# The CLI
# ---------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def disk_store(example_store_path) -> str:
    return example_store_path


def test_cli_lists_the_queries():
    result = runner.invoke(app, ["queries", "--format", "json"])
    assert result.exit_code == 0
    import json

    listed = {q["name"]: q for q in json.loads(result.stdout)}
    assert set(REQUIRED) <= set(listed)
    assert [p["name"] for p in listed["impact-of-resource"]["params"]] == ["resource", "lang"]
    table = runner.invoke(app, ["queries"])
    assert table.exit_code == 0 and "trace-life-situation" in table.stdout


def test_cli_runs_a_named_query_as_csv(disk_store):
    result = runner.invoke(app, ["query", "unmet-needs", "--param", "life_situation=ls-04", "--format", "csv", "--store", disk_store])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("life_situation,") and len(lines) == 2 and rid("need/n-21") in lines[1]


@pytest.mark.parametrize(("args", "message"), [
    (["query", "unmet-need"], "did you mean unmet-needs"),
    (["query", "unmet-needs", "--param", "life_situation"], "write it as name=value"),
    (["query", "unmet-needs", "--param", "life_situation=ls-77"], "no life situation 'ls-77'"),
    (["query", "unmet-needs", "--param", "need=n-01"], "has no parameter 'need'"),
    (["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--param", "a=b"], "--param binds the parameters of a named query"),
    (["trace", "service", "s-404"], "no service 's-404'"),
    (["trace", "organisation", "vsaa"], "trace a life-situation, need or service"),
    (["impact", "r-05", "--format", "png"], "--format 'png': izvēlieties kādu no / use one of: tree, json, dot, mermaid"),
    (["impact", "r-05", "--lang", "de"], "--lang 'de': izvēlieties kādu no / use one of: lv, en"),
])
def test_cli_refuses_bad_input_with_exit_code_2(disk_store, args, message):
    result = runner.invoke(app, [*args, "--store", disk_store])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


# ---------------------------------------------------------------------------
# The same queries against SPARQL endpoints (oxigraph serve, Virtuoso)
# ---------------------------------------------------------------------------


# Named queries Virtuoso 7.2 answers differently from oxigraph and rdflib, with what it
# does: none since the queries avoid its departures from SPARQL 1.1 (listed in
# docs/remote-engines.md). A query that starts to differ goes here with the cause,
# and a listed one that agrees again must leave, so the list stays true.
VIRTUOSO_DIFFERS: dict[str, str] = {}
KNOWN_DIFFERENCES = {"oxigraph": {}, "virtuoso": VIRTUOSO_DIFFERS}


def test_same_results_on_a_remote_endpoint(store, endpoint):
    from virsis_graph.importing import import_examples
    from virsis_graph.store import RegisterError

    known = KNOWN_DIFFERENCES[endpoint.engine]
    with endpoint.store() as remote:
        import_examples(remote)
        for name, values in TYPICAL.items():
            try:
                same = _canonical(run(remote, name, **values)) == _canonical(run(store, name, **values))
            except RegisterError:
                same = False
            # A known difference that is gone must leave the list, so the list stays true.
            assert same is (name not in known), f"{name} on {endpoint.engine}: " + known.get(name, "differs")
        with pytest.raises(queries.QueryError, match="no resource 'r-404'"):
            run(remote, "impact-of-resource", resource="r-404")
        # Without a resource: every failure at once. Virtuoso refuses that form, the
        # price of answering one resource in milliseconds (docs/remote-engines.md);
        # the other engines answer it as the embedded store does.
        if endpoint.engine == "virtuoso":
            with pytest.raises(RegisterError, match=r"answered HTTP 500 SPARQL Request Failed: Virtuoso \w+ Error"):
                run(remote, "impact-of-resource")
        else:
            every = run(store, "impact-of-resource")
            assert {short(r["resource"]) for r in every} >= {"r-05", "r-13"}
            assert _canonical(run(remote, "impact-of-resource")) == _canonical(every)


def test_cli_table_shows_records_by_kind_and_identifier(disk_store):
    result = runner.invoke(app, ["query", "unmet-needs", "--param", "life_situation=ls-04", "--store", disk_store], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "need/n-21" in result.stdout and "life-situation/ls-04" in result.stdout
    assert rid("need/n-21") not in result.stdout  # the table shortens; csv and json keep full IRIs
    assert "Neapmierinātas vajadzības / Unmet needs" in result.stdout


def test_a_syntax_error_of_virsis_query_is_placed_in_the_query_as_written(disk_store, tmp_path):
    """The command puts its PREFIX lines before the query: positions used to count them (a one-line query failed at line 17)."""
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x\n", encoding="utf-8")  # line 3, column 7: x is no number
    result = runner.invoke(app, ["query", str(bad), "--store", disk_store])
    assert result.exit_code == 2 and "error at 3:7:" in " ".join(result.output.split())
    result = runner.invoke(app, ["query", "-e", "SELECT ?s WHERE { ?s a foo:Bar }", "--store", disk_store])
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "error at 1:" in said and "nezināms prefikss foo: — deklarējiet to ar PREFIX foo: <…> / unknown prefix foo:" in said
    assert "\\u{" not in said  # not pyoxigraph's list of expected characters
