"""The compiled engine gives pyshacl's report on the product's shapes: registers with random defects, and the examples.

Hypothesis writes small registers in the import templates' format (CSV files
of organisations, people, life situations, needs, resources, services and
roles) with random omissions and mistakes the importer lets through: missing
English titles and descriptions, links to records no file describes, links to
records of the wrong kind (``organisation:o-1`` as a service owner), owners in
no institution, negative fees, services of every kind, stage and channel mix.
Each register is imported into an in-memory store and validated twice with
the product's shapes — by the compiled engine and by plain pyshacl over the
same triples (``validate_store(engine="pyshacl")``, i.e.
:func:`virsis_graph.validation.validate_graph`) — and the two reports must be
equal: the standard report (focus, path, value, source shape, constraint
component, severity, messages) and the results tied to records.

Services share templates and groups (``t-1``, ``g-1`` ...): a result about a
shared part is filed under one of the records sharing it, the same one for
both engines (:func:`virsis_graph.validation.owning_records`).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import rid
from virsis_graph.importing import import_files
from virsis_graph.records import KINDS
from virsis_graph.shacl.compare import report_results
from virsis_graph.store import EmbeddedStore
from virsis_graph.validation import Report, validate_store

# The import templates' columns (records.KINDS is where they are defined).
HEADERS = {kind.name: [c.name for c in kind.columns] for kind in KINDS}


def maybe(value: str) -> st.SearchStrategy[str]:
    return st.sampled_from([value, ""])


def link(own: list[str], kind: str, wrong: list[str]) -> st.SearchStrategy[str]:
    """A link to one of ``own``, to a record no file describes, or to a record of another kind (``kind:id``)."""
    choices = [st.sampled_from(own)] if own else []
    choices += [st.just(f"{kind[0]}-99")]
    if wrong:
        choices += [st.sampled_from(wrong)]
    return st.one_of(choices)


def links(own: list[str], kind: str, wrong: list[str]) -> st.SearchStrategy[str]:
    return st.lists(link(own, kind, wrong), max_size=3, unique=True).map("; ".join)


@st.composite
def registers(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """Rows per template file; identifiers o-1, p-1, ls-1, n-1, r-1, s-1 ... by kind."""
    n = {kind: draw(st.integers(lo, hi)) for kind, lo, hi in (
        ("organisations", 1, 3), ("people", 1, 3), ("life_situations", 1, 2), ("needs", 1, 3), ("resources", 0, 3), ("services", 1, 4))}
    orgs = [f"o-{i}" for i in range(1, n["organisations"] + 1)]
    people = [f"p-{i}" for i in range(1, n["people"] + 1)]
    situations = [f"ls-{i}" for i in range(1, n["life_situations"] + 1)]
    needs = [f"n-{i}" for i in range(1, n["needs"] + 1)]
    resources = [f"r-{i}" for i in range(1, n["resources"] + 1)]
    services = [f"s-{i}" for i in range(1, n["services"] + 1)]
    rows: dict[str, list[dict[str, str]]] = {kind: [] for kind in HEADERS}
    for i, o in enumerate(orgs):
        rows["organisations"].append({
            "identifier": o, "title_lv": f"Iestāde {i}", "title_en": draw(maybe(f"Institution {i}")),
            "kind": draw(st.sampled_from(["ministry", "agency", "municipality", "other"])),
            "parent": draw(st.sampled_from(["", *orgs[:i]])), "homepage": draw(maybe(f"https://iestade{i}.example.lv")),
        })
    for i, p in enumerate(people):
        rows["people"].append({
            "identifier": p, "name": f"Persona {i}", "email": draw(maybe(f"persona{i}@example.lv")),
            "organisation": draw(link(orgs, "organisation", ["service:s-1", "person:p-1"])),
        })
    for i, ls in enumerate(situations):
        rows["life_situations"].append({
            "identifier": ls, "title_lv": f"Situācija {i}", "title_en": draw(maybe(f"Situation {i}")),
            "description_lv": "Apraksts", "description_en": draw(maybe("Description")),
            "audience": draw(st.sampled_from(["residents", "business"])),
        })
    for i, need in enumerate(needs):
        rows["needs"].append({
            "identifier": need, "title_lv": f"Vajadzība {i}", "title_en": draw(maybe(f"Need {i}")),
            "description_lv": "Apraksts", "description_en": draw(maybe("Description")),
            "life_situations": draw(st.lists(link(situations, "life-situation", ["need:n-1"]), min_size=1, max_size=2, unique=True).map("; ".join)),
        })
    for i, r in enumerate(resources):
        rows["resources"].append({
            "identifier": r, "title_lv": f"Resurss {i}", "title_en": draw(maybe(f"Resource {i}")),
            "description_lv": "Apraksts", "description_en": draw(maybe("Description")),
            "kind": draw(st.sampled_from(["information", "information-system", "data-exchange", "digital-technology", "building", "other"])),
            "institution": draw(link(orgs, "organisation", ["person:p-1"])),
            "owner": draw(link(people, "person", ["organisation:o-1"])),
            "depends_on": draw(links(resources[:i], "resource", ["service:s-1"])),
        })
    for i, s in enumerate(services):
        rows["services"].append({
            "identifier": s, "title_lv": f"Pakalpojums {i}", "title_en": draw(maybe(f"Service {i}")),
            "description_lv": "Apraksts", "description_en": draw(maybe("Description")),
            "kind": draw(st.sampled_from(["public-individual", "public-general", "inter-institutional-shared", "inter-institutional-individual"])),
            "smart": draw(st.sampled_from(["yes", "no"])),
            "institution": draw(link(orgs, "organisation", ["person:p-1"])),
            "owner": draw(link(people, "person", ["organisation:o-1"])),
            "provider": draw(st.one_of(st.just(""), link(orgs, "organisation", ["person:p-1"]))),
            "lifecycle_stage": draw(st.sampled_from(["planning", "creation", "implementation", "provision", "retired"])),
            "needs": draw(links(needs, "need", ["life-situation:ls-1"])),
            "resources": draw(links(resources, "resource", ["service:s-1"])),
            "channels": draw(st.lists(st.sampled_from(["e-service", "website", "mobile-app", "in-person", "phone", "email", "post"]),
                                      max_size=3, unique=True).map("; ".join)),
            # Only earlier services: a cycle of `replaces` is an import error, not a defect to validate.
            "replaces": draw(links(services[:i], "service", [])),
            "requires": draw(links(services, "service", ["resource:r-1"])),
            "recipients": draw(links(orgs, "organisation", ["person:p-1"])),
            "audience": draw(st.sampled_from(["", "residents", "business", "institutions", "society"])),
            "keywords_lv": draw(maybe("atslēga")), "keywords_en": draw(maybe("key")),
            "cost_eur": draw(st.sampled_from(["", "0", "12.5", "-5"])),
            "processing_time": draw(maybe("P10D")),
            "legal_basis": draw(maybe("Likums par pakalpojumiem")),
            "homepage": draw(maybe(f"https://pakalpojums{i}.example.lv/")),
            # Shared by several services (a template names no title or form: results about it).
            "group": draw(st.sampled_from(["", "g-1", "g-2"])),
            "template": draw(st.sampled_from(["", "t-1", "t-2"])),
        })
    for _ in range(draw(st.integers(0, 2))):
        rows["roles"].append({
            "person": draw(st.sampled_from(people)), "role": str(draw(st.integers(1, 10))),
            "scope": draw(st.sampled_from([*services, *resources, *orgs])),
        })
    return rows


def write(folder: Path, register: dict[str, list[dict[str, str]]]) -> list[Path]:
    files = []
    for kind, rows in register.items():
        if not rows:
            continue
        path = folder / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=HEADERS[kind])
            writer.writeheader()
            writer.writerows(rows)
        files.append(path)
    return files


def tied_results(report: Report) -> Counter:
    """The results as the register reports them: record, identifier, title, condition, place ...

    A blank node's label is the engine's (pyshacl reads a copy of the store), so only that the focus is one counts.
    """
    return Counter((r.severity, r.shape, r.focus if ":" in r.focus else "_:blank", r.record, r.identifier, r.kind, r.path, r.value, tuple(sorted(r.message.items())),
                    r.condition, r.sub_criterion, tuple(sorted(r.title.items())), r.where) for r in report.results)


def report_order(report: Report) -> list[tuple]:
    """What the report is sorted by (results equal in it may come in either order)."""
    return [(r.where, r.record, r.condition.number, r.severity, r.shape) for r in report.results]


def assert_same_reports(store: EmbeddedStore) -> Report:
    fast = validate_store(store, engine="fast")
    reference = validate_store(store, engine="pyshacl")
    assert fast.fallback == {}
    assert report_results(fast.graph, messages=True) == report_results(reference.graph, messages=True)
    assert tied_results(fast) == tied_results(reference)
    assert report_order(fast) == report_order(reference)
    assert fast.records == reference.records
    assert fast.graph.value(next(fast.graph.subjects(RDF.type, SH.ValidationReport)), SH.conforms) == \
        reference.graph.value(next(reference.graph.subjects(RDF.type, SH.ValidationReport)), SH.conforms)
    return fast


@pytest.mark.slow
# derandomize: every run tries the same registers, so CI is repeatable; the one a random
# run found that the engines disagree on is kept below as its own test.
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(register=registers())
def test_random_registers_get_pyshacl_s_report(register, tmp_path_factory):
    folder = tmp_path_factory.mktemp("register")
    store = EmbeddedStore()
    result = import_files(store, write(folder, register))
    assume(not result.errors)
    assert_same_reports(store)


def _row(record_kind: str, **cells: str) -> dict[str, str]:
    return {column: cells.get(column, "") for column in HEADERS[record_kind]}


def _another_institution_s_register() -> dict[str, list[dict[str, str]]]:
    """s-1 (of o-99, described nowhere) is in provision and uses r-1, an information resource of o-1, and no exchange solution."""
    text = {"description_lv": "Apraksts", "description_en": "Description"}
    return {
        "organisations": [_row("organisations", identifier="o-1", title_lv="Iestāde 0", title_en="Institution 0", kind="ministry")],
        "people": [_row("people", identifier="p-1", name="Persona 0", email="persona0@example.lv", organisation="o-1")],
        "life_situations": [_row("life_situations", identifier="ls-1", title_lv="Situācija 0", title_en="Situation 0", audience="residents", **text)],
        "needs": [_row("needs", identifier="n-1", title_lv="Vajadzība 0", title_en="Need 0", life_situations="ls-1", **text)],
        "resources": [_row("resources", identifier="r-1", title_lv="Resurss 0", title_en="Resource 0", kind="information", institution="o-1", owner="p-1", **text)],
        "services": [_row("services", identifier="s-1", title_lv="Pakalpojums 0", title_en="Service 0", kind="public-individual", smart="yes",
                          institution="o-99", owner="p-1", lifecycle_stage="provision", resources="r-1", keywords_lv="atslēga", keywords_en="key",
                          processing_time="P10D", legal_basis="Likums par pakalpojumiem", homepage="https://pakalpojums0.example.lv/", **text)],
    }


def test_a_service_of_an_undescribed_institution_using_another_s_register(tmp_path):
    """Found by a random run: DataExchangeShape (sh:sparql) warns about s-1 on both engines.

    They differed only in the messages, because pyshacl drops the language tag
    of a SPARQL constraint's messages (``validation.run_pyshacl`` now restores it).
    """
    store = EmbeddedStore()
    assert not import_files(store, write(tmp_path, _another_institution_s_register())).errors
    report = assert_same_reports(store)
    assert [(r.focus, r.value) for r in report.results if r.shape.endswith("#DataExchangeShape")] == [(rid("service/s-1"), rid("resource/r-1"))]


def test_a_template_two_services_share_is_filed_under_one_of_them_by_every_engine_whole_or_record_by_record(tmp_path):
    """The importer gives a template only an identifier, so its results (no title, no form) belong to one service.

    s-1 and s-2 both follow t-1: whichever engine validates, the whole register
    or one record, t-1's results are filed under s-1 (the least IRI). Before,
    pyshacl's one-record validation saw only the record it was given linking to
    t-1, so it filed them under s-2 as well, and the compiled engine did not.
    """
    from virsis_graph.validation import validate_records

    register = _another_institution_s_register()
    first = register["services"][0]
    register["services"] = [{**first, "template": "t-1"}, {**first, "identifier": "s-2", "title_lv": "Pakalpojums 1", "template": "t-1"}]
    store = EmbeddedStore()
    assert not import_files(store, write(tmp_path, register)).errors
    template = rid("service-template/t-1")

    def about_template(report: Report) -> set[tuple]:
        return {(r.record, r.shape, r.path, r.severity) for r in report.results if r.focus == template}

    whole = about_template(assert_same_reports(store))
    assert whole and {record for record, *_ in whole} == {rid("service/s-1")}
    for engine in ("pyshacl", "fast"):
        assert about_template(validate_records(store, [rid("service/s-1")], engine=engine)) == whole, engine
        assert about_template(validate_records(store, [rid("service/s-2")], engine=engine)) == set(), engine


def test_a_part_written_as_a_blank_node_is_filed_under_its_record_by_both_engines(tmp_path):
    """s-01 of the example registry (no results) gets a cost ``[ a cv:Cost ; cv:hasValue -5 ]`` from a Turtle file.

    CostValueShape (zero or more) fails on the blank node, and so does
    RecordIdentifierShape (a cost has an identifier). An import that
    validates is refused for it, whether its records are read back from the
    store or validated before they are written (a dry run); once imported
    anyway, both engines file the result under s-01 (the compiled engine asks
    the embedded store, which keeps blank node labels), and validating s-01
    alone reports it too.
    """
    from virsis_graph.importing import import_examples
    from virsis_graph.validation import validate_records

    store = EmbeddedStore()
    import_examples(store)
    service = rid("service/s-01")
    assert not [r for r in validate_records(store, [service]).results]
    cost = tmp_path / "cost.ttl"
    # Typed: the file brings s-01 (tests/test_import.py has the same cost on an s-01 the file does not type).
    cost.write_text(f"""@prefix cv: <http://data.europa.eu/m8g/> .
<{service}> a <https://w3id.org/virsis/ontology#SimpleService> ;
    cv:hasCost [ a cv:Cost ; cv:hasValue "-5"^^<http://www.w3.org/2001/XMLSchema#double> ] .
""", encoding="utf-8")
    # (record, the focus is a blank node, shape, path, severity)
    expected = {(service, True, "CostValueShape", "http://data.europa.eu/m8g/hasValue", "violation"),
                (service, True, "RecordIdentifierShape", "http://purl.org/dc/terms/identifier", "violation")}

    def found(report: Report) -> set[tuple]:
        return {(r.record, ":" not in r.focus, r.shape.rsplit("#", 1)[-1], r.path, r.severity) for r in report.results}

    before = set(store.quads())
    refused = import_files(store, [cost], validate=True)
    assert found(refused.report) == expected
    assert refused.errors and set(store.quads()) == before
    # A dry run validates s-01 as it will be: the file's statements with the store's.
    refused = import_files(store, [cost], validate=True, dry_run=True)
    assert found(refused.report) == expected
    assert refused.errors and set(store.quads()) == before
    assert not import_files(store, [cost]).errors
    report = assert_same_reports(store)
    assert {f for f in found(report) if f[1]} == expected
    for engine in ("pyshacl", "fast"):
        assert found(validate_records(store, [service], engine=engine)) == expected, engine


def test_a_sparql_constraint_on_a_remote_engine_finds_what_the_embedded_store_finds(tmp_path, endpoint):
    """Found by the engines benchmark: Virtuoso 7 dropped the zero-length step of ``a/rdfs:subClassOf*``
    in DataExchangeShape's WHERE group, so r-1 (typed virsis:InformationResource itself) was not found."""
    from virsis_graph.importing import import_examples, is_initialised

    files = write(tmp_path, _another_institution_s_register())
    local = EmbeddedStore()
    # With the example registry beside it (Virtuoso's plan, and so the defect, depends on what the store holds).
    import_examples(local)
    assert not import_files(local, files).errors
    expected = report_results(validate_store(local, engine="fast").graph)
    assert (rid("service/s-1"), rid("resource/r-1")) in {(key[0][1:-1], key[2][1:-1]) for key in expected if "DataExchangeShape" in key[3]}
    with endpoint.store() as remote:
        import_examples(remote)  # the model too: validation then runs on the engine itself, not on a copy
        assert is_initialised(remote) and not import_files(remote, files).errors
        assert report_results(validate_store(remote, engine="fast").graph) == expected


def test_many_focus_nodes_get_from_the_whole_register_run_the_rows_one_at_a_time_gives(example_store, monkeypatch):
    """Past a share of the register (``engine.FOCUS_SHARE``) the focus nodes' rows come from the set-at-a-time checks.

    The 51 services of the example registry and their channels and costs, once
    one at a time (one query per check that may hold the node) and once from
    the whole register's checks (one query per check), give the same rows.
    """
    from virsis_graph.shacl import engine
    from virsis_graph.validation import shapes_for

    rows = example_store.query("SELECT DISTINCT ?s WHERE { ?s a ?c VALUES ?c { <http://data.europa.eu/m8g/Channel> "
                               "<http://data.europa.eu/m8g/Cost> } } ")
    focus = sorted({r["s"] for r in rows}, key=str) + [ox.NamedNode(rid(f"service/s-{n:02}")) for n in range(1, 52)]
    shapes = shapes_for(())

    def outcome(share: float):
        monkeypatch.setattr(engine, "FOCUS_SHARE", share)
        found = engine.validate(example_store, shapes, focus=focus)
        return found, Counter(found.rows)

    monkeypatch.setattr(engine, "FOCUS_FEW", 0)
    one_at_a_time, by_node = outcome(1e9)
    whole, by_set = outcome(0.0)
    assert whole.queries < len(focus) < one_at_a_time.queries  # each way was taken
    assert by_set == by_node and by_node
    assert {r.focus for r in whole.rows} <= set(focus)


def test_the_example_registry_gets_pyshacl_s_report(example_store):
    report = assert_same_reports(example_store)
    # The planted defects (data/examples/README.md) are found, violations and warnings alike.
    assert report.count("violation") > 0 and report.count("warning") > 0


def test_the_checks_give_the_same_rows_in_the_same_order_whatever_the_threads(example_store):
    """The checks of a whole register run side by side in threads; their rows come back in the checks' order."""
    from virsis_graph.shacl.engine import validate as validate_compiled
    from virsis_graph.validation import all_shapes

    one, three = (validate_compiled(example_store, all_shapes(), workers=n) for n in (1, 3))
    assert one.rows == three.rows and one.rows  # the planted defects, in the same order


def test_the_engines_give_the_same_report_from_the_command_line(example_store_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from virsis_graph.cli import app

    runner = CliRunner()
    reports = {engine: runner.invoke(app, ["validate", "--store", example_store_path, "--engine", engine, "--format", "json"])
               for engine in ("auto", "fast", "pyshacl")}
    assert {engine: r.exit_code for engine, r in reports.items()} == {"auto": 1, "fast": 1, "pyshacl": 1}  # planted violations
    assert json.loads(reports["auto"].output) == json.loads(reports["pyshacl"].output) == json.loads(reports["fast"].output)
    # The checks run by two threads on the store on disk: the same report.
    from virsis_graph.shacl import engine as engine_module

    pools = []

    class Counted(engine_module.ThreadPoolExecutor):
        def __init__(self, workers, **options):
            pools.append(workers)
            super().__init__(workers, **options)

    monkeypatch.setattr(engine_module, "ThreadPoolExecutor", Counted)
    parallel = runner.invoke(app, ["validate", "--store", example_store_path, "--workers", "2", "--format", "json"])
    assert parallel.exit_code == 1 and json.loads(parallel.output) == json.loads(reports["fast"].output)
    assert pools == [2]
    refused = runner.invoke(app, ["validate", "--store", example_store_path, "--engine", "jena"])
    assert refused.exit_code == 2 and "--engine" in refused.output


SHAPES_WITH_A_RECURSION = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Compiled a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Recursive a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:knows ; sh:node ex:Recursive ] ;
    sh:property [ sh:path ex:age ; sh:maxCount 1 ] .
"""
DATA_FOR_THE_RECURSION = """
@prefix ex: <http://example.org/> .
ex:a a ex:Person ; ex:name "A" ; ex:knows ex:b ; ex:age 1 .
ex:b a ex:Person ; ex:age 2, 3 .
"""


def test_a_shape_that_does_not_compile_goes_to_pyshacl_or_is_refused():
    """A recursive shape is not compiled: ``auto`` lets pyshacl validate it (and says so), ``fast`` refuses it."""
    from pyshacl import validate as pyshacl_validate

    from virsis_graph.shacl import CompileError, validate

    shapes = Graph().parse(data=SHAPES_WITH_A_RECURSION, format="turtle")
    data = Graph().parse(data=DATA_FOR_THE_RECURSION, format="turtle")
    store = EmbeddedStore()
    store.load_file(_turtle_file(DATA_FOR_THE_RECURSION), "urn:x-test:data", "http://example.org/")

    outcome = validate(store, shapes)

    assert [str(s) for s in outcome.compiled] == ["http://example.org/Compiled"]
    assert [str(s) for s in outcome.fallback] == ["http://example.org/Recursive"]
    with pytest.raises(CompileError, match="Recursive"):
        validate(store, shapes, fallback=False)
    _, reference, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    # Messages aside: these shapes have none, and the generic texts are each engine's own.
    assert report_results(outcome.graph, messages=False) == report_results(reference, messages=False)
    # ex:b has no name (found by the compiled shape) and two ages (found by pyshacl, through the recursion).
    found = {(r.focus.value, str(r.component).rsplit("#", 1)[-1]) for r in outcome.rows}
    assert {("http://example.org/b", "MinCountConstraintComponent"), ("http://example.org/b", "MaxCountConstraintComponent"),
            ("http://example.org/a", "NodeConstraintComponent")} <= found


def _turtle_file(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "data.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_labels_read_by_scanning_the_register_equal_labels_looked_up(example_store, monkeypatch):
    """Past ``_SCAN`` records, identifiers and titles are read in one pass; the answer must not change."""
    from virsis_graph.shacl import register

    records = register.StoreRecords(example_store)
    wanted = set(records.kinds())
    looked_up = records.labels(wanted)
    monkeypatch.setattr(register, "_SCAN", 0)
    assert records.labels(wanted) == looked_up
    assert looked_up[rid("service/s-01")] == ("s-01", {"lv": "Valsts apmaksātā grūtniecības aprūpe", "en": "State-funded pregnancy care"})


def test_the_register_size_that_chooses_how_labels_are_read_is_counted_when_kinds_were_not_read(example_store):
    """``StoreRecords.size`` is the register's records whether or not :meth:`kinds` ran first (``quality`` does not call it)."""
    from virsis_graph.shacl import register

    counted = register.StoreRecords(example_store).size
    records = register.StoreRecords(example_store)
    assert counted == len(records.kinds()) == records.size
    # The same records as rdflib finds in the example files themselves.
    from virsis_graph import resources
    from virsis_graph.validation import GraphRecords

    files = Graph()
    for path in resources.example_files():
        files.parse(path)
    assert counted == len(GraphRecords(files).kinds()) > 0


def test_the_scorecard_read_from_the_store_equals_the_one_from_pyshacl_s_report(example_store):
    """``quality.store_scorecards`` (compiled engine, a few queries) gives the cards pyshacl's report and rdflib give."""
    from virsis_graph.quality import scorecard, store_scorecards
    from virsis_graph.validation import all_shapes, store_graph, validate_graph

    data, where = store_graph(example_store)
    shapes = all_shapes()
    reference = validate_graph(data, shapes, where)
    cards = store_scorecards(example_store)
    for lang in ("lv", "en"):
        assert cards[lang] == scorecard(reference, data, shapes, lang)
    services = cards["en"].services
    # Not an empty equality: every example service is scored, and the planted defects cost some of them points.
    assert len(services) == len({str(s) for s in data.subjects(RDF.type, None) if "/id/service/" in str(s)})
    assert any(cell.score is not None and cell.score < 1 for line in services for cell in line.cells.values())
    assert next(line for line in services if line.key == "s-01").label == "State-funded pregnancy care"


def test_class_paths_are_spelled_out_in_the_group_that_holds_them():
    from virsis_graph.shacl.compiler import spell_out_classes

    names = iter(["?_c1", "?_c2", "?_c3"])
    below = {"http://ex.org/A": ["<http://ex.org/A>", "<http://ex.org/A1>"], "http://ex.org/B": ["<http://ex.org/B>"]}
    text = ("SELECT $this WHERE { $this a/rdfs:subClassOf* ex:A ; ex:p ?o . "
            "OPTIONAL { ?o rdf:type/rdfs:subClassOf* <http://ex.org/B> } ?o a/my:subClassOf* ex:A }")
    prologue = ("PREFIX ex: <http://ex.org/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX my: <http://my.org/> ")
    rewritten = spell_out_classes(text, prologue, lambda cls: below[str(cls)], lambda stem: next(names))
    # The third path's prefix my: is not rdfs:, so it is kept as written.
    assert " ".join(rewritten.split()) == (
        "SELECT $this WHERE { FILTER(?_c1 IN (<http://ex.org/A>, <http://ex.org/A1>)) $this a ?_c1 ; ex:p ?o . "
        "OPTIONAL { FILTER(?_c2 IN (<http://ex.org/B>)) ?o a ?_c2 } ?o a/my:subClassOf* ex:A }"
    )


def test_patterns_that_must_not_occur_are_joined_with_the_rows_once():
    """``All.failing`` joins the rows with the UNION of its forbidden patterns: the same rows fail, and the rows are written once for them."""
    import pyoxigraph as ox

    from virsis_graph.shacl.conditions import All, Exists

    store = ox.Store()
    store.load(b"""@prefix ex: <http://ex.org/> .
        ex:a a ex:T ; ex:p 1, 2 .     # two values: too many
        ex:b a ex:T ; ex:p "x" .      # not an integer
        ex:c a ex:T .                 # no value at all
        ex:d a ex:T ; ex:p 3 .        # fine
        ex:e ex:p 1, "y" .            # not a row (no type)
    """, format=ox.RdfFormat.TURTLE)
    two = "?this <http://ex.org/p> ?v1 . ?this <http://ex.org/p> ?v2 . FILTER(!sameTerm(?v1, ?v2))"
    not_integer = "?this <http://ex.org/p> ?v3 . FILTER(!COALESCE(datatype(?v3) = <http://www.w3.org/2001/XMLSchema#integer>, false))"
    some = "?this <http://ex.org/p> ?v4 ."
    rows = "?this a <http://ex.org/T> ."
    condition = All((Exists(two, two, negated=True), Exists(some, some), Exists(not_integer, not_integer, negated=True)))
    pattern = condition.failing(rows)
    failing = {s["this"].value.rsplit("/", 1)[-1] for s in store.query(f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")}
    assert failing == {"a", "b", "c"}
    # Once for the two forbidden patterns, once for the MINUS of the required one.
    assert pattern.count(rows) == 2
