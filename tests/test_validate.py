"""`virsis validate`: exit codes, grouping, locations and the five report formats.

These tests use their own small shapes (tests/fixtures/validation-shapes.ttl) so
that they test the reporting, whatever the product's shapes say.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
import sarif_pydantic
from rdflib import Graph
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from conftest import REPO
from virsis_graph import reports, validation
from virsis_graph.cli import app

runner = CliRunner()
FIXTURE = REPO / "tests" / "fixtures" / "validation-shapes.ttl"
PRODUCT_SHAPES = validation.all_shapes  # taken before the autouse fixture below puts the test shapes in its place

HEADER = "identifier,title_lv,title_en,description_lv,kind,institution,owner,lifecycle_stage\n"
ROWS = [
    "s-01,Pirmais,First,Apraksts.,public-individual,vsaa,p-01,provision",   # row 2: only the Info (no KPI)
    "s-02,Otrais,Second,Apraksts.,public-individual,vsaa,p-01; p-02,provision",  # row 3: two owners: Violation
]


@pytest.fixture(autouse=True)
def test_shapes(monkeypatch):
    graph = Graph().parse(FIXTURE)
    monkeypatch.setattr(validation, "all_shapes", lambda: graph)


@pytest.fixture()
def services(tmp_path) -> Path:
    path = tmp_path / "services.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, ["validate", *args])


def test_text_report_groups_by_record_then_condition_with_rows_and_a_summary(services):
    result = invoke(str(services))
    assert result.exit_code == 1  # a violation
    lines = result.output.splitlines()
    s02 = lines.index("services.csv rinda / row 3 — s-02 (Otrais)")
    assert lines[s02 + 1] == "  1 Pārvaldāmība"
    assert "✗ pārkāpums: Pakalpojumam jābūt tieši vienam saimniekam." in lines[s02 + 2]
    assert "i informācija: Pakalpojumam nav rādītāja." in "\n".join(lines)
    assert lines[-1].startswith("ieraksti 2, pārkāpumi 1, brīdinājumi 0, informatīvi 2 / 2 records, 1 violations, 0 warnings, 2 infos — neatbilst")


def test_english_messages(services):
    result = invoke(str(services), "--lang", "en")
    assert "✗ violation: A service must have exactly one owner." in result.output
    assert "  1 Manageability" in result.output


@pytest.mark.parametrize(
    "rows, fail_on, code",
    [
        ([ROWS[0]], "violation", 0),  # info only
        ([ROWS[0]], "warning", 0),
        ([ROWS[0]], "info", 1),
        ([ROWS[1]], "violation", 1),
    ],
)
def test_exit_codes_follow_fail_on(tmp_path, rows, fail_on, code):
    path = tmp_path / "services.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert invoke(str(path), "--fail-on", fail_on).exit_code == code


def test_condition_filter_keeps_only_that_condition(services):
    result = invoke(str(services), "--condition", "3")  # no result is about accessibility
    assert result.exit_code == 0
    assert "0 records" not in result.output and "0 violations, 0 warnings, 0 infos" in result.output


def test_bad_usage_and_bad_input_exit_2(services, tmp_path):
    assert invoke(str(services), "--format", "pdf").exit_code == 2
    assert invoke(str(services), "--fail-on", "never").exit_code == 2
    assert invoke(str(services), "--condition", "11").exit_code == 2
    missing = invoke(str(tmp_path / "nothing.csv"))
    assert missing.exit_code == 2 and "nothing.csv" in missing.output


def test_json_report(services):
    data = json.loads(invoke(str(services), "--format", "json").output)
    assert data["conforms"] is False and data["counts"] == {"violation": 1, "warning": 0, "info": 2}
    violation = next(r for r in data["results"] if r["severity"] == "violation")
    assert violation["identifier"] == "s-02"
    assert violation["location"]["line"] == 3 and violation["location"]["file"].endswith("services.csv")
    assert violation["condition"]["notation"] == "1" and violation["sub_criterion"]["notation"] == "1.1"
    assert violation["message"]["en"] == "A service must have exactly one owner."


def test_junit_report_has_a_case_per_record_and_condition(services, tmp_path):
    out = tmp_path / "report.xml"
    assert invoke(str(services), "--format", "junit", "-o", str(out)).exit_code == 1
    root = ET.parse(out).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"s-01: 1 Pārvaldāmība", "s-02: 1 Pārvaldāmība"}
    assert cases["s-02: 1 Pārvaldāmība"].find("failure") is not None
    assert cases["s-01: 1 Pārvaldāmība"].find("failure") is None  # an info does not fail at --fail-on violation
    assert cases["s-02: 1 Pārvaldāmība"].get("line") == "3"
    assert root.get("tests") == "2" and root.get("failures") == "1"


def test_sarif_report_follows_the_2_1_0_structure(services):
    document = json.loads(invoke(str(services), "--format", "sarif").output)
    model = sarif_pydantic.Sarif.model_validate(document)
    assert document["version"] == "2.1.0"
    results = model.runs[0].results
    assert len(results) == 3
    error = next(r for r in results if r.level == "error")
    location = error.locations[0].physical_location
    assert location.artifact_location.uri.endswith("services.csv") and location.region.start_line == 3
    rules = {r.id for r in model.runs[0].tool.driver.rules}
    assert error.rule_id in rules


def test_ttl_is_the_standard_shacl_report(services):
    graph = Graph().parse(data=invoke(str(services), "--format", "ttl").output, format="turtle")
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    assert str(graph.value(report, SH.conforms)) == "false"
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 3


def test_validating_the_whole_store(services, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(app, ["import", "--no-validate", str(services), "--store", str(store)]).exit_code == 0
    result = invoke("--store", str(store))
    assert result.exit_code == 1
    assert "services.csv — s-02 (Otrais)" in result.output


def test_validating_through_an_endpoint_gives_the_embedded_store_s_report(endpoint, example_store_path, monkeypatch):
    """`virsis validate --endpoint` on the example registry, on each real engine, with the product's shapes."""
    from virsis_graph.importing import import_examples

    monkeypatch.setattr(validation, "all_shapes", PRODUCT_SHAPES)
    with endpoint.store() as remote:
        import_examples(remote)
    embedded = invoke("--store", example_store_path, "--format", "json")
    assert embedded.exit_code == 1, embedded.output  # the examples carry planted violations
    through_endpoint = invoke("--endpoint", endpoint.query, "--format", "json")
    assert through_endpoint.exit_code == embedded.exit_code, through_endpoint.output
    assert json.loads(through_endpoint.output) == json.loads(embedded.output)


def test_the_documented_ci_commands_run(services, tmp_path, monkeypatch):
    import re
    import shlex

    register = services.parent
    commands = re.findall(r"(?:- |run: )(virsis validate [^\n]+)", (REPO / "docs" / "ci.md").read_text(encoding="utf-8"))
    assert len(commands) == 2
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = shlex.split(command.replace("register/", str(register) + "/"))[1:]
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (command, result.output)  # s-02 breaks a rule
        output = Path(args[args.index("-o") + 1])
        assert output.stat().st_size > 0
    hook = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: virsis validate" in hook and "pass_filenames: false" in hook


def test_an_import_with_a_violation_writes_nothing_unless_no_validate(services, tmp_path):
    store = tmp_path / "store"
    result = runner.invoke(app, ["import", str(services), "--store", str(store)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "services.csv rinda / row 3 — s-02" in text and "nothing was written" in text
    # One violation (s-02's two owners), counted in the singular in both languages.
    assert "1 pārkāpums; izlabojiet ierakstus vai importējiet ar --no-validate / 1 violation: fix the records" in text
    from virsis_graph.store import EmbeddedStore

    with EmbeddedStore(store) as s:
        assert s.graphs() == []
    assert runner.invoke(app, ["import", "--no-validate", str(services), "--store", str(store)]).exit_code == 0


def test_an_import_with_only_infos_and_warnings_is_written_and_reports_them(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text(HEADER + ROWS[0] + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Pakalpojumam nav rādītāja." in text and "Ierakstīts / written" in text


def test_quality_scorecard_scores_each_service_and_rolls_up(services):
    rows = json.loads(runner.invoke(app, ["quality", str(services), "--format", "json"]).output)
    cell = {(r["level"], r["key"], r["condition"]): r for r in rows}
    # s-01: owner ok, no KPI (Info) → 1 of 2 manageability checks; its titles pass the one accessibility check.
    assert (cell["service", "s-01", 1]["checks"], cell["service", "s-01", 1]["passed"]) == (2, 1)
    assert cell["service", "s-01", 3]["score"] == 1.0
    # s-02: two owners (Violation) and no KPI → 0 of 2.
    assert cell["service", "s-02", 1]["score"] == 0.0 and cell["service", "s-02", 1]["violations"] == 1
    assert cell["service", "s-02", 5]["score"] is None  # no check of condition 5 applies
    assert (cell["institution", "vsaa", 1]["checks"], cell["institution", "vsaa", 1]["passed"]) == (4, 1)
    assert cell["register", "*", 1]["score"] == 0.25
    csv_text = runner.invoke(app, ["quality", str(services), "--format", "csv"]).output
    assert csv_text.splitlines()[0].startswith("level,key,label,institution,condition,checks,passed,score")
    table = runner.invoke(app, ["quality", str(services), "--lang", "en"])
    assert table.exit_code == 0 and "50%" in table.output and "0%✗" in table.output


SINGLE_OWNER = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix virsis: <https://w3id.org/virsis/ontology#> .
@prefix t: <https://w3id.org/virsis/test-shapes#> . @prefix qc: <https://w3id.org/virsis/vocab/quality-condition/> .
t:SingleOwner a sh:PropertyShape ; sh:targetClass virsis:Service ; sh:path virsis:serviceOwner ; sh:maxCount 1 ;
    sh:severity sh:Violation ; sh:message "Viens saimnieks."@lv , "One owner."@en ;
    virsis:checksCondition qc:manageability-measurability .
"""


@pytest.mark.parametrize("where", ["files", "store"])
def test_a_property_shape_with_its_own_targets_is_a_check_of_the_score(services, tmp_path, monkeypatch, where):
    """Most registration rules are property shapes that target services themselves (one owner, a lifecycle
    stage): their results were counted as violations while the score left them out (100 % ✗)."""
    graph = Graph().parse(FIXTURE).parse(data=SINGLE_OWNER, format="turtle")
    monkeypatch.setattr(validation, "all_shapes", lambda: graph)
    if where == "files":
        args = [str(services)]
    else:
        store = tmp_path / "store"
        assert runner.invoke(app, ["import", "--no-validate", str(services), "--store", str(store)]).exit_code == 0
        args = ["--store", str(store)]
    rows = json.loads(runner.invoke(app, ["quality", *args, "--format", "json"]).output)
    cell = {(r["level"], r["key"], r["condition"]): r for r in rows}
    # Condition 1 now has three checks: t:Owner and t:Kpi of the node shape, and t:SingleOwner.
    # s-01 (one owner, no KPI) passes two; s-02 (two owners, no KPI) fails all three.
    assert (cell["service", "s-01", 1]["checks"], cell["service", "s-01", 1]["passed"]) == (3, 2)
    assert (cell["service", "s-02", 1]["checks"], cell["service", "s-02", 1]["passed"]) == (3, 0)
    assert cell["service", "s-02", 1]["violations"] == 2  # t:Owner's maxCount and t:SingleOwner's
    assert (cell["register", "*", 1]["checks"], cell["register", "*", 1]["passed"]) == (6, 2)


def test_pyshacl_messages_of_a_sparql_constraint_keep_their_languages():
    """pyshacl fills ``{?value}`` into a SPARQL constraint's messages and drops their tags; ``run_pyshacl`` keeps them."""
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <http://example.org/p> ?value }" ;
                        sh:message "Vērtība {?value} nav atļauta"@lv , "Value {?value} is not allowed"@en ] .
    """)
    data = Graph().parse(format="turtle", data="<http://example.org/a> <http://example.org/p> 7 .")
    report = validation.run_pyshacl(data, shapes)
    result = next(report.subjects(RDF.type, SH.ValidationResult))
    messages = {(m.language, str(m)) for m in report.objects(result, SH.resultMessage)}
    assert messages == {("lv", "Vērtība 7 nav atļauta"), ("en", "Value 7 is not allowed")}


def test_json_and_sarif_reports_without_results_are_valid_json():
    report = validation.Report([], 4, Graph())
    document = json.loads(reports.as_json(report))
    assert document == {"conforms": True, "fail_on": "violation", "records": 4,
                        "counts": {"violation": 0, "warning": 0, "info": 0}, "results": []}
    sarif = json.loads(reports.sarif(report))
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["tool"]["driver"]["rules"] == []


# Results drawn from small pools, so that they share conditions, messages, titles and places as a
# register's results do (the condition and sub-criterion of a shape may be one object), with strings
# that JSON must escape.
_TEXT = st.text(alphabet=st.sampled_from('aā"\\\n\t/<>é€\u2028\x00 '), max_size=6)
_CONDITIONS = st.lists(st.builds(validation.Condition, st.sampled_from(["", "1", "3.2", "10.1"]), _TEXT, _TEXT),
                       min_size=1, max_size=3)
_PLACES = st.lists(st.one_of(st.none(), st.builds(validation.Location, _TEXT, st.one_of(st.none(), st.integers(0, 9)), _TEXT)),
                   min_size=1, max_size=3)


@st.composite
def _results(draw) -> list[validation.Result]:
    conditions = draw(_CONDITIONS)
    messages = draw(st.lists(st.dictionaries(st.sampled_from(["lv", "en"]), _TEXT, min_size=1), min_size=1, max_size=3))
    titles = draw(st.lists(st.dictionaries(st.sampled_from(["lv", "en"]), _TEXT), min_size=1, max_size=3))
    places = draw(_PLACES)
    records = draw(st.lists(st.sampled_from(["r/1", "r/2", 'r/"3"', "r/ā"]), min_size=1, max_size=12))
    return [validation.Result(
        severity=draw(st.sampled_from(validation.SEVERITIES)),
        shape=draw(st.sampled_from(["ex:A", "ex:B", "ex:C"])),
        focus=draw(st.sampled_from([record, record + "#x"])),
        record=record,
        identifier=draw(_TEXT),
        kind=draw(st.sampled_from(["", "services"])),
        path=draw(st.one_of(st.none(), _TEXT)),
        value=draw(st.one_of(st.none(), _TEXT)),
        message=draw(st.sampled_from(messages)),
        condition=draw(st.sampled_from(conditions)),
        sub_criterion=draw(st.sampled_from(conditions)),
        title=draw(st.sampled_from(titles)),
        where=draw(st.sampled_from(places)),
    ) for record in records]


@given(_results())
@settings(max_examples=200, deadline=None)
def test_each_line_of_a_json_report_is_the_result_as_json_dumps_writes_it(results):
    """The report's JSON is written from pieces shared by many results; each line must still be exactly json.dumps's."""
    text = reports.as_json(validation.Report(results, 1, Graph()))
    lines = text.split("\n")
    start = lines.index('  "results": [') + 1
    written = [line.strip().rstrip(",") for line in lines[start:start + len(results)]]
    assert written == [json.dumps(reports._result_json(r), ensure_ascii=False) for r in results]
    assert json.loads(text)["results"] == [reports._result_json(r) for r in results]


@given(_results())
@settings(max_examples=200, deadline=None)
def test_results_are_ordered_by_record_then_as_one_sort_of_every_result_would_order_them(results):
    """``_in_report_order`` sorts records, then each record's results; the order must be that of one stable sort of all."""
    where = {r.record: r.where for r in results if r.where is not None}
    for r in results:
        r.where = where.get(r.record)  # a record has one place
    by_record: dict[str, list] = {}
    for r in results:
        by_record.setdefault(r.record, []).append(r)
    expected = sorted(results, key=lambda r: (r.where.file if r.where else "", r.where.line or 0 if r.where else 0,
                                              r.record, r.condition.number, validation.SEVERITIES.index(r.severity), r.shape))
    assert validation._in_report_order(by_record, where) == expected


@given(_results())
@settings(max_examples=100, deadline=None)
def test_a_sarif_report_has_one_result_per_result_under_its_shape_s_rule(results):
    """SARIF is written result by result; each must name its shape's rule (by id and index), level, message and places."""
    document = json.loads(reports.sarif(validation.Report(results, 1, Graph()), "lv"))
    sarif_pydantic.Sarif.model_validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert sorted(rule["id"] for rule in rules) == sorted({r.shape for r in results})  # ex:A etc. are their own local names
    assert len(run["results"]) == len(results)
    for r, written in zip(results, run["results"]):
        assert written["ruleId"] == r.shape and rules[written["ruleIndex"]]["id"] == r.shape
        assert written["level"] == {"violation": "error", "warning": "warning", "info": "note"}[r.severity]
        assert written["message"]["text"] == f"{r.identifier}: {r.text('lv')}"
        location = written["locations"][0]
        assert location["logicalLocations"] == [{"name": r.identifier, "fullyQualifiedName": r.record, "kind": "object"}]
        if r.where is None:
            assert "physicalLocation" not in location
        else:
            assert location["physicalLocation"]["artifactLocation"] == {"uri": r.where.file}
            assert location["physicalLocation"].get("region") == ({"startLine": r.where.line} if r.where.line else None)


def _junit_by_elementtree(report: validation.Report, lang: str, fail_on: str) -> str:
    """The JUnit report as the writer made it before it was streamed: a tree in ``xml.etree``, then serialised."""
    failing = set(validation.SEVERITIES[: validation.SEVERITIES.index(fail_on) + 1])
    word = {"lv": {"violation": "pārkāpums", "warning": "brīdinājums", "info": "informācija"}}[lang]
    suites: dict[str, list] = {}
    for _, by_condition in validation.group(report.results).items():
        for condition, found in by_condition.items():
            key = f"{condition.notation} {getattr(condition, lang) or condition.en}".strip()
            suites.setdefault(key, []).append((found[0], found))
    root = ET.Element("testsuites", name="virsis validate", tests="0", failures="0")
    total = failures = 0
    for name, cases in sorted(suites.items(), key=lambda kv: (len(kv[0].split(" ")[0]), kv[0])):
        suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(cases)))
        suite_failures = 0
        for first, found in cases:
            case = ET.SubElement(suite, "testcase", classname=f"{first.kind or 'record'}.{first.identifier}", name=f"{first.identifier}: {name}")
            if first.where:
                case.set("file", first.where.file)
                if first.where.line:
                    case.set("line", str(first.where.line))
            bad = [r for r in found if r.severity in failing]
            body = "\n".join(f"{word[r.severity]}: {r.text(lang)} ({reports._local(r.shape)})" for r in found)
            if bad:
                ET.SubElement(case, "failure", message=bad[0].text(lang), type=bad[0].severity).text = body
                suite_failures += 1
            else:
                ET.SubElement(case, "system-out").text = body
        suite.set("failures", str(suite_failures))
        total += len(cases)
        failures += suite_failures
    root.set("tests", str(total))
    root.set("failures", str(failures))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


@given(_results(), st.sampled_from(validation.SEVERITIES))
@settings(max_examples=200, deadline=None)
def test_a_junit_report_written_piece_by_piece_is_the_document_elementtree_writes(results, fail_on):
    """The streamed JUnit writer must give, byte for byte, what building and serialising the tree gave."""
    assume(not any("\x00" in r.identifier or "\x00" in r.text("lv") or (r.where and "\x00" in r.where.file)
                   or any("\x00" in t for t in (r.condition.lv, r.condition.en)) for r in results))  # no XML can hold NUL
    report = validation.Report(results, 1, Graph())
    written = reports.junit(report, "lv", fail_on)
    assert written == _junit_by_elementtree(report, "lv", fail_on)
    root = ET.fromstring(written.encode("utf-8"))
    assert int(root.get("tests")) == len({(r.record, r.condition) for r in results})


def test_a_junit_report_without_results_is_an_empty_suite_list():
    root = ET.fromstring(reports.junit(validation.Report([], 3, Graph())).encode("utf-8"))
    assert (root.tag, root.get("tests"), root.get("failures"), list(root)) == ("testsuites", "0", "0", [])


_NODES = [f"http://example.org/n{i}" for i in range(6)]
_RECORDS = [f"http://example.org/r{i}" for i in range(3)]


def _owner_of_one(node: str, links: set[tuple[str, str]], records: set[str]) -> str | None:
    """The rule for one node, as docs/validation.md states it: breadth first, the least record at the first level with any."""
    level, seen = {node}, {node}
    while level:
        above = {s for s, o in links if o in level}
        found = above & records
        if found:
            return min(found)
        level = {s for s in above if s not in seen}
        seen |= level
    return None


@given(st.sets(st.tuples(st.sampled_from(_NODES + _RECORDS), st.sampled_from(_NODES)), max_size=14), st.sets(st.sampled_from(_NODES), min_size=1))
@settings(max_examples=300, deadline=None)
def test_a_part_is_filed_under_the_same_record_whatever_else_is_asked_and_whichever_index_reads_the_links(links, asked):
    """``owning_records``: the rule for each node alone, asked together or one by one, over a dict of links or rdflib."""
    kinds = {r: "services" for r in _RECORDS}

    def parents(batch: list[str]) -> dict[str, list[str]]:
        return {n: [s for s, o in links if o == n] for n in batch}

    expected = {n: owner for n in asked if (owner := _owner_of_one(n, links, set(_RECORDS))) is not None}
    assert validation.owning_records(asked, parents, kinds) == expected
    assert {n: o for n in asked for o in validation.owning_records([n], parents, kinds).values()} == expected
    graph = Graph()
    for s, o in links:
        graph.add((validation.URIRef(s), validation.URIRef("http://example.org/p"), validation.URIRef(o)))
    assert validation.GraphRecords(graph).owners(asked, kinds) == expected


def test_an_import_s_validation_report_follows_lang(services, tmp_path):
    """The report `virsis import` prints was Latvian only; `--lang en` gives it as `virsis validate --lang en` does."""
    store = tmp_path / "store"
    english = runner.invoke(app, ["import", "--dry-run", "--lang", "en", str(services), "--store", str(store)])
    assert "✗ violation: A service must have exactly one owner." in english.output and "pārkāpums: Pakalpojumam" not in english.output
    latvian = runner.invoke(app, ["import", "--dry-run", str(services), "--store", str(store)])
    assert "✗ pārkāpums: Pakalpojumam jābūt tieši vienam saimniekam." in latvian.output


def test_the_text_report_names_the_value_a_result_is_about(tmp_path):
    """Three warnings of one shape on a record did not tell which link each was: the value is named, a record by kind/identifier."""
    from virsis_graph.validation import Condition, Report, Result

    c = Condition("1", "Pārvaldāmība", "Manageability")
    base = "https://data.virsis.gov.lv/id/"

    def result(path, value):
        return Result("warning", "https://w3id.org/virsis/shapes#S", base + "service/s-01", base + "service/s-01", "s-01", "service",
                      path, value, {"lv": "Saite.", "en": "A link."}, c, c)

    report = Report([result("https://w3id.org/virsis/ontology#serviceOwner", base + "person/p-99"),
                     result(None, "x" * 70), result("_:b0", None)], 1, Graph())
    lines = reports.text(report, "lv").splitlines()
    assert "    ! brīdinājums: Saite. [serviceOwner: person/p-99] (1 S)" in lines
    assert f"    ! brīdinājums: Saite. [{'x' * 59}…] (1 S)" in lines  # long values cut, paths that are blank nodes left out
    assert "    ! brīdinājums: Saite. (1 S)" in lines
