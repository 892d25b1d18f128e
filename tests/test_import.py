"""`virsis import`: formats, semantics (atomic, idempotent, upsert, provenance) and bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from virsis_graph import resources
from virsis_graph.cli import app
from virsis_graph.importing import import_files, provenance_graph, source_graph, sources
from virsis_graph.store import EmbeddedStore, Store

runner = CliRunner()
BASE = "https://data.virsis.gov.lv/"
DCT = "http://purl.org/dc/terms/"
V = "https://w3id.org/virsis/ontology#"
CV = "http://data.europa.eu/m8g/"

ORGANISATIONS = "identifier,title_lv,title_en,kind,parent\nlm,Labklājības ministrija,Ministry of Welfare,ministry,\nvsaa,Valsts sociālās apdrošināšanas aģentūra,State Social Insurance Agency,agency,lm\n"
PEOPLE = "identifier,name,email,organisation\np-01,Anna Bērziņa,anna.berzina@example.lv,vsaa\np-02,Jānis Ozols,janis.ozols@example.lv,vsaa\n"
LIFE = "identifier,title_lv,title_en,description_lv,description_en,audience\nls-01,Bērna piedzimšana,Birth of a child,Ģimenē piedzimst bērns.,A child is born.,residents\n"
NEEDS = "identifier,title_lv,title_en,description_lv,description_en,life_situations\nn-01,Ienākumi pēc dzemdībām,Income after birth,Nauda.,Money.,ls-01\nn-02,Bērna reģistrācija,Registering the child,Reģistrs.,Register.,ls-01\n"
RESOURCES = "identifier,title_lv,title_en,description_lv,description_en,kind,institution,owner,depends_on\nr-01,SAIS,SAIS,Sistēma.,System.,information-system,vsaa,p-02,r-02\nr-02,Datu centrs,Data centre,Centrs.,Centre.,infrastructure,vsaa,p-02,\n"
SERVICES = (
    "identifier,title_lv,title_en,description_lv,description_en,kind,institution,owner,lifecycle_stage,needs,resources,channels,cost_eur,processing_time,homepage\n"
    "s-01,Bērna piedzimšanas pabalsts,Childbirth benefit,Pabalsts.,Benefit.,public-individual,vsaa,p-01,provision,n-01,r-01,e-service; in-person,0,P10D,https://www.vsaa.example.lv/s-01\n"
    "s-02,Vecāku pabalsts,Parental benefit,Pabalsts.,Benefit.,public-individual,vsaa,p-01,provision,n-01,r-01,e-service,\"7,11\",P1M,\n"
    "s-03,E-paraksts,E-signature,Paraksts.,Signature.,inter-institutional-shared,vsaa,p-02,planning,,r-02,e-service,,,\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture()
def register(tmp_path) -> dict[str, Path]:
    """A small, consistent register as CSV files."""
    files = {}
    for name, text in (("organisations.csv", ORGANISATIONS), ("people.csv", PEOPLE), ("life_situations.csv", LIFE),
                       ("needs.csv", NEEDS), ("resources.csv", RESOURCES), ("services.csv", SERVICES)):
        files[name] = write(tmp_path, name, text)
    return files


@pytest.fixture()
def store_path(tmp_path) -> Path:
    return tmp_path / "store"


def run(*args: str, store: Path) -> object:
    return runner.invoke(app, [*args, "--store", str(store)])


def snapshot(store: Path) -> set[str]:
    with EmbeddedStore(store) as s:
        return {str(q) for q in s.quads()}


def objects(store: Path, subject: str, predicate: str) -> set[str]:
    with EmbeddedStore(store) as s:
        rows = s.query(f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}")
        return {r["o"].value for r in rows}


def test_csv_register_imports_into_iris_with_links_channels_and_costs(register, store_path):
    result = run("import", *map(str, register.values()), store=store_path)
    assert result.exit_code == 0, result.output
    s01 = BASE + "id/service/s-01"
    assert objects(store_path, s01, DCT + "identifier") == {"s-01"}
    assert objects(store_path, s01, V + "serviceOwner") == {BASE + "id/person/p-01"}
    assert objects(store_path, s01, CV + "hasCompetentAuthority") == {BASE + "id/organisation/vsaa"}
    assert objects(store_path, s01, V + "meetsNeed") == {BASE + "id/need/n-01"}
    assert objects(store_path, s01, CV + "hasChannel") == {BASE + "id/channel/s-01-e-service", BASE + "id/channel/s-01-in-person"}
    assert objects(store_path, s01, CV + "processingTime") == {"P10D"}
    assert objects(store_path, s01, V + "publishedIn") == {"https://w3id.org/virsis/catalogue/latvija-gov-lv"}
    assert objects(store_path, BASE + "id/cost/s-02", CV + "hasValue") == {"7.11"}
    assert objects(store_path, BASE + "id/service/s-03", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") >= {V + "SharedUseService"}
    assert objects(store_path, BASE + "id/service/s-03", V + "publishedIn") == set()  # planning: not in a catalogue
    assert objects(store_path, BASE + "id/resource/r-01", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {V + "InformationSystem"}
    assert objects(store_path, BASE + "id/person/p-01", "http://xmlns.com/foaf/0.1/mbox") == {"mailto:anna.berzina@example.lv"}


def test_importing_the_same_files_twice_changes_nothing(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    before = snapshot(store_path)
    result = run("import", *map(str, register.values()), store=store_path)
    assert result.exit_code == 0
    assert snapshot(store_path) == before
    assert "+0 −0" in result.output


def test_a_changed_row_replaces_its_record_and_a_removed_row_removes_it(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    services = register["services.csv"]
    lines = services.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Childbirth benefit", "Birth benefit").replace("e-service; in-person", "e-service")
    del lines[3]  # s-03
    services.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with EmbeddedStore(store_path) as s:
        result = import_files(s, [services], dry_run=True)
        c = result.counts["services"]
        assert (c.new, c.changed, c.unchanged, c.removed) == (0, 1, 1, 1)
        assert not result.written
    assert run("import", str(services), store=store_path).exit_code == 0
    s01 = BASE + "id/service/s-01"
    assert objects(store_path, s01, DCT + "title") == {"Bērna piedzimšanas pabalsts", "Birth benefit"}
    assert objects(store_path, s01, CV + "hasChannel") == {BASE + "id/channel/s-01-e-service"}
    assert objects(store_path, BASE + "id/channel/s-01-in-person", DCT + "identifier") == set()
    assert objects(store_path, BASE + "id/service/s-03", DCT + "identifier") == set()


def test_keep_missing_keeps_records_no_longer_in_the_file(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    services = register["services.csv"]
    services.write_text("\n".join(services.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = run("import", "--keep-missing", str(services), store=store_path)
    assert result.exit_code == 0
    assert objects(store_path, BASE + "id/service/s-02", DCT + "identifier") == {"s-02"}
    assert objects(store_path, BASE + "id/cost/s-02", CV + "hasValue") == {"7.11"}


def test_dry_run_writes_nothing(register, store_path):
    assert run("init", store=store_path).exit_code == 0
    before = snapshot(store_path)
    result = run("import", "--dry-run", *map(str, register.values()), store=store_path)
    assert result.exit_code == 0
    assert "nothing written" in result.output
    assert snapshot(store_path) == before


def test_each_source_has_its_graph_and_provenance(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    with EmbeddedStore(store_path) as s:
        info = {i.file: i for i in sources(s)}
        assert set(info) == set(register)
        services = info["services.csv"]
        assert services.graph == source_graph(register["services.csv"])
        assert services.sha256 == hashlib.sha256(register["services.csv"].read_bytes()).hexdigest()
        assert services.records == 3
        assert provenance_graph() in s.graphs()
    result = run("graphs", store=store_path)
    assert "services.csv" in result.output
    result = run("drop-graph", source_graph(register["services.csv"]), store=store_path)
    assert result.exit_code == 0
    with EmbeddedStore(store_path) as s:
        assert source_graph(register["services.csv"]) not in s.graphs()
        assert "services.csv" not in {i.file for i in sources(s)}


def test_latvian_headers_values_encoding_and_delimiter(tmp_path, store_path):
    text = (
        "Identifikators;Nosaukums LV;Apraksts LV;Veids;Iestāde;Saimnieks;Dzīves cikla posms;Kanāli\n"
        "s-10;Dzīvesvietas deklarēšana;Deklarē adresi.;Individuāla labuma pakalpojums;vsaa;p-01;Sniegšana un uzturēšana;E-pakalpojums; Klātiene\n"
    )
    # Latvian Excel writes Windows-1257 and semicolons; the ';' inside Kanāli would split it, so quote it.
    text = text.replace("E-pakalpojums; Klātiene", '"E-pakalpojums; Klātiene"')
    path = write(tmp_path, "pakalpojumi.csv", text, encoding="cp1257")
    # A lone service breaks registration rules (no needs, no owner record): this test is about reading it.
    result = run("import", "--no-validate", str(path), store=store_path)
    assert result.exit_code == 0, result.output
    s10 = BASE + "id/service/s-10"
    assert objects(store_path, s10, DCT + "title") == {"Dzīvesvietas deklarēšana"}
    assert objects(store_path, s10, V + "lifecycleStage") == {"https://w3id.org/virsis/vocab/lifecycle-stage/provision"}
    assert objects(store_path, s10, CV + "hasChannel") == {BASE + "id/channel/s-10-e-service", BASE + "id/channel/s-10-in-person"}


def test_utf8_with_bom_and_tabs(tmp_path, store_path):
    path = write(tmp_path, "needs.tsv", "\ufeff" + NEEDS.replace(",", "\t"))
    result = run("import", "--kind", "needs", str(path), store=store_path)
    assert result.exit_code == 0, result.output
    assert objects(store_path, BASE + "id/need/n-01", V + "isNeedOf") == {BASE + "id/life-situation/ls-01"}


def test_xlsx_one_sheet_per_kind_and_a_chosen_sheet(tmp_path, store_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "needs"
    for line in NEEDS.splitlines():
        sheet.append(line.split(","))
    other = book.create_sheet("life_situations")
    for line in LIFE.splitlines():
        other.append(line.split(","))
    path = tmp_path / "registry.xlsx"
    book.save(path)
    result = run("import", str(path), store=store_path)
    assert result.exit_code == 0, result.output
    assert objects(store_path, BASE + "id/life-situation/ls-01", DCT + "identifier") == {"ls-01"}
    assert objects(store_path, BASE + "id/need/n-02", DCT + "identifier") == {"n-02"}
    result = run("import", "--dry-run", "--sheet", "missing", str(path), store=store_path)
    assert result.exit_code == 2 and "has no sheet 'missing'" in " ".join(result.output.split())


def test_xlsx_errors_name_the_sheet_and_row(tmp_path, store_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "services"
    rows = [line.split(",") for line in SERVICES.splitlines()[:2]]
    rows[1][11] = "pigeon"  # channels
    for row in rows:
        sheet.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = run("import", str(path), store=store_path)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "book.xlsx lapa / sheet services rinda / row 2, kolonna / column channels: 'pigeon' nav zināms channel-type kods / is not a known channel-type" in said
    assert "1 kļūda, nekas netika ierakstīts / 1 error, nothing was written" in said  # the one bad cell


def test_json_list_and_object_of_lists(tmp_path, store_path):
    # English titles: public records need them (PublicTitleEnglishShape), or validation refuses the import.
    needs = [{"identifier": "n-01", "title_lv": "Ienākumi", "title_en": "Income", "description_lv": "Nauda.", "life_situations": ["ls-01"]}]
    life = [{"identifier": "ls-01", "title_lv": "Bērna piedzimšana", "title_en": "Birth of a child", "description_lv": "Bērns.", "audience": "residents"}]
    path = write(tmp_path, "needs.json", json.dumps(needs))
    assert run("import", str(path), store=store_path).exit_code == 0
    both = write(tmp_path, "register.json", json.dumps({"life_situations": life, "needs": needs}))
    result = run("import", str(both), store=store_path)
    assert result.exit_code == 0, result.output
    assert objects(store_path, BASE + "id/life-situation/ls-01", DCT + "identifier") == {"ls-01"}


def test_the_example_registry_imports_as_rdf(store_path):
    result = run("import", "--no-validate", *map(str, resources.example_files()), store=store_path)
    assert result.exit_code == 0, result.output
    assert "dangling" in result.output  # s-29 → r-99, a planted defect


# --- bad input: one clear message, exit code 2, the store exactly as it was ---------------


BAD_SERVICES = SERVICES.splitlines()[0]


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("services.csv", BAD_SERVICES.replace("title_lv", "titel_lv") + "\n", "services.csv rinda / row 1: nezināma kolonna 'titel_lv' veidam services / unknown column 'titel_lv' for services: vai domājāt / did you mean 'title_lv'?"),
        ("services.csv", SERVICES.replace("public-individual,vsaa,p-01,provision,n-01,r-01,e-service; in-person", "public-individal,vsaa,p-01,provision,n-01,r-01,e-service; in-person"), "services.csv rinda / row 2, kolonna / column kind: 'public-individal' nav zināms service-kind kods / is not a known service-kind"),
        ("services.csv", SERVICES.replace(",provision,n-01,r-01,e-service,", ",provisioning,n-01,r-01,e-service,"), "services.csv rinda / row 3, kolonna / column lifecycle_stage: 'provisioning' nav zināms lifecycle-stage kods / is not a known lifecycle-stage"),
        ("services.csv", SERVICES.replace("P10D", "10 days"), ("services.csv rinda / row 2, kolonna / column processing_time: '10 days' nav ISO 8601 ilgums", "/ is not an ISO 8601 duration")),
        ("services.csv", SERVICES.replace("https://www.vsaa.example.lv/s-01", "www.vsaa.lv"), ("services.csv rinda / row 2, kolonna / column homepage: 'www.vsaa.lv' nav tīmekļa adrese", "/ is not a web address")),
        ("people.csv", PEOPLE.replace("anna.berzina@example.lv", "anna.berzina(at)example.lv"), ("people.csv rinda / row 2, kolonna / column email: 'anna.berzina(at)example.lv' nav e-pasta adrese", "/ is not an e-mail address")),
        ("services.csv", SERVICES.replace("s-02,", "s-01,", 1), ("services.csv rinda / row 3, kolonna / column identifier: identifikators 's-01' jau lietots: services.csv rinda / row 2;",
                                                             "/ identifier 's-01' is already used in services.csv rinda / row 2")),
        ("services.csv", SERVICES.replace(",\"7,11\",", ",seven,"), ("services.csv rinda / row 3, kolonna / column cost_eur: 'seven' nav skaitlis", "/ is not a number")),
        ("services.csv", BAD_SERVICES + "\n", "services.csv: nav ierakstu; pievienojiet rindas zem galvenes rindas / has no records"),
        ("services.csv", "", "the file is empty"),
        ("services.csv", SERVICES.replace(",provision,n-01,r-01,e-service; in-person,0,", ",,n-01,r-01,e-service; in-person,0,"), "services.csv rinda / row 2, kolonna / column lifecycle_stage: ir tukša, bet obligāta / is empty but required"),
        ("needs.ttl", "@prefix dct: <http://purl.org/dc/terms/> .\n<id/need/n-9> dct:title \"x\" \n<id/need/n-8> dct:title .\n", "needs.ttl: nav derīgs"),
        # A service's parts are named after it: an identifier that cannot be in an IRI was a traceback.
        ("services.csv", SERVICES.replace("s-01,", "s 01,", 1), "services.csv rinda / row 2, kolonna / column identifier: 's 01' nav derīgs identifikators"),
        # A quote left open swallows the rows after it into one cell past csv's limit.
        ("services.csv", BAD_SERVICES + '\ns-01,"open' + "x" * 140_000 + "\n",
         ("services.csv rinda / row 2: šūna garāka par 131072 zīmēm", "most likely a quote (\") is not closed")),
        ("register.json", "{}", "nav ierakstu; rakstiet {\"services\": [...], ...} vai ierakstu sarakstu / has no records"),
        ("services.json", json.dumps([{"identifier": "s-01", "title_lv": {"a": 1}}]),
         "services.json ieraksts / record 1, kolonna / column title_lv: gaidīts teksts, skaitlis"),
        ("services_2024.csv", "identifier,title_lv\ns-01,Pirmais\n", "Vai domājāt / did you mean --kind services?"),
        ("records.xyz", "a,b\n1,2\n", "records.xyz: nezināms faila veids '.xyz', importējiet .csv, .xlsx, .json vai RDF / unknown file type '.xyz'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(register, store_path, tmp_path, name, text, expected):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    before = snapshot(store_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    path = write(bad, name, text)
    result = run("import", str(path), store=store_path)
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert all(part in said for part in ((expected,) if isinstance(expected, str) else expected)), said
    assert "Traceback" not in result.output
    assert snapshot(store_path) == before


def test_a_file_that_does_not_exist(store_path, tmp_path):
    result = run("import", str(tmp_path / "nothing.csv"), store=store_path)
    assert result.exit_code == 2
    assert "nothing.csv: fails nav atrasts, pārbaudiet ceļu / file not found: check the path" in " ".join(result.output.split())


def test_a_binary_file_named_csv(store_path, tmp_path):
    path = tmp_path / "services.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary\x00\x01")
    result = run("import", str(path), store=store_path)
    assert result.exit_code == 2
    assert "is a binary file, not CSV text" in " ".join(result.output.split())


def test_one_bad_file_stops_the_good_ones_too(register, store_path, tmp_path):
    bad = write(tmp_path, "extra.csv", NEEDS.replace("ls-01\n", "ls-01\n", 1).replace("n-02,", "n 02,"))
    result = run("import", *map(str, register.values()), str(bad), "--kind", "needs", store=store_path)
    assert result.exit_code == 2
    with EmbeddedStore(store_path) as s:
        assert s.graphs() == []


def test_a_cycle_of_replacements_is_refused(register, store_path, tmp_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    before = snapshot(store_path)
    cyclic = write(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path, "services.csv",
                   SERVICES.replace(",e-service,\"7,11\"", ",e-service,\"7,11\"").replace("identifier,title_lv", "identifier,replaces_placeholder,title_lv"))
    header, *rows = SERVICES.splitlines()
    header = header + ",replaces"
    rows = [rows[0] + ",s-02", rows[1] + ",s-03", rows[2] + ",s-01"]
    cyclic.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = run("import", str(cyclic), store=store_path)
    assert result.exit_code == 2
    assert "replace each other in a cycle" in " ".join(result.output.split())
    assert snapshot(store_path) == before


def test_dangling_links_are_reported_with_file_row_and_column(tmp_path, store_path):
    path = write(tmp_path, "needs.csv", NEEDS)
    result = run("import", str(path), store=store_path)
    assert result.exit_code == 0
    assert ("needs.csv rinda / row 2, kolonna / column life_situations: 'ls-01': tāda ieraksta (dzīves situācijas) nav ne failos, ne reģistrā "
            "(karājoša saite) / names no life-situation record") in " ".join(result.output.split())
    strict = run("import", "--strict", str(path), "--dry-run", store=store_path)
    assert strict.exit_code == 2


def test_export_round_trip_gives_an_isomorphic_dataset(register, store_path, tmp_path):
    assert run("import", "--no-validate", *map(str, register.values()), *map(str, resources.example_files()), store=store_path).exit_code == 0
    dump = tmp_path / "register.nq"
    assert run("export", "--format", "nq", "-o", str(dump), store=store_path).exit_code == 0
    copy = EmbeddedStore()
    copy._store.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    with EmbeddedStore(store_path) as original:
        a = ox.Dataset(original.quads())
    b = ox.Dataset(copy.quads())
    a.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    b.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(a) > 5000 and a == b
    ttl = tmp_path / "services.ttl"
    assert run("export", "--format", "ttl", "--graph", source_graph(register["services.csv"]), "-o", str(ttl), store=store_path).exit_code == 0
    assert "s-01" in ttl.read_text(encoding="utf-8")


def test_query_command_formats(register, store_path, tmp_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    q = "SELECT ?id WHERE { ?s a virsis:Need ; dct:identifier ?id } ORDER BY ?id"
    result = run("query", "-e", q, "--format", "csv", store=store_path)
    assert result.exit_code == 0
    assert result.output.split() == ["id", "n-01", "n-02"]
    result = run("query", "-e", q, "--format", "json", store=store_path)
    assert [b["id"]["value"] for b in json.loads(result.output)["results"]["bindings"]] == ["n-01", "n-02"]
    assert run("query", "-e", "ASK { ?s a virsis:Need }", store=store_path).output.strip() == "true"
    rq = write(tmp_path, "q.rq", "CONSTRUCT { ?s a virsis:Need } WHERE { ?s a virsis:Need }")
    assert "id/need/n-01" in run("query", str(rq), store=store_path).output
    bad = run("query", "-e", "SELECT WHERE", store=store_path)
    assert bad.exit_code == 2 and "not valid SPARQL" in bad.output


def test_stats_counts_classes_with_labels(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    text = " ".join(run("stats", store=store_path).output.split())
    assert "Vajadzība │ Need │ 2" in text


def test_init_upgrades_the_model_and_touches_no_data_graph(register, store_path):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    with EmbeddedStore(store_path) as s:
        data_before = {str(q) for q in s.quads() if "/graph/source/" in q.graph_name.value}
    assert run("init", store=store_path).exit_code == 0
    with EmbeddedStore(store_path) as s:
        assert {str(q) for q in s.quads() if "/graph/source/" in q.graph_name.value} == data_before
        assert "https://w3id.org/virsis/graph/ontology" in s.graphs()


def test_validation_checks_nested_shapes_of_the_imported_records(register, store_path):
    """An owner that is an institution, not a person, breaks ServiceOwnerShape's ``sh:or``.

    pyshacl's focus_nodes option would let it pass (it filters the value nodes
    of nested shapes too); the import validates every node of the
    neighbourhood and keeps the results about its records.
    """
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    before = snapshot(store_path)
    services = register["services.csv"]
    # s-02's owner p-01 → the organisation vsaa, named explicitly by kind.
    services.write_text(SERVICES.replace("public-individual,vsaa,p-01,provision,n-01,r-01,e-service,", "public-individual,vsaa,organisation:vsaa,provision,n-01,r-01,e-service,"), encoding="utf-8")
    result = run("import", str(services), store=store_path)
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "ServiceOwnerShape" in output and "s-02" in output
    assert "nothing was written" in output
    assert snapshot(store_path) == before


@pytest.mark.parametrize("on_disk", [True, False], ids=["disk", "memory"])
def test_a_late_error_undoes_what_earlier_chunks_wrote(register, tmp_path, monkeypatch, on_disk):
    """The import writes chunk by chunk; a bad cell in the last row still leaves the store as before.

    Chunks of 2 records and bulk loads of 20 triples make the first rows reach the
    store (through the bulk loader, on disk) before the bad row is read.
    """
    import virsis_graph.importing as importing
    import virsis_graph.store as store_module

    store = EmbeddedStore(tmp_path / "store") if on_disk else EmbeddedStore()
    assert import_files(store, [register["organisations.csv"], register["people.csv"]]).written
    monkeypatch.setattr(importing, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(store_module, "_SMALL", 2)
    monkeypatch.setattr(store_module, "_CHUNK", 20)
    before = {str(q) for q in store.quads()}
    rows = [f"s-{n:02},Pakalpojums {n},Service {n},Apraksts.,Description.,public-individual,vsaa,p-01,provision,,,e-service,,," for n in range(10, 20)]
    rows.append("s-99,Slikts,Bad,Apraksts.,Description.,public-individual,vsaa,p-01,provision,,,pigeon,,,")  # not a channel
    services = write(tmp_path, "services.csv", SERVICES.splitlines()[0] + "\n" + "\n".join(rows) + "\n")
    written = []
    real_write = store_module.LiveWrites.write
    monkeypatch.setattr(store_module.LiveWrites, "write", lambda self, change: (written.append(change.graph), real_write(self, change))[1])
    result = import_files(store, [services], validate=False)
    assert any("services.csv rinda / row 12, kolonna / column channels" in e for e in result.errors)
    assert source_graph(services) in written  # earlier chunks did reach the store ...
    assert not result.written
    assert {str(q) for q in store.quads()} == before  # ... and are gone again
    if on_disk:
        assert not (tmp_path / "store.checkpoint").exists()
        store.close()
        assert {str(q) for q in EmbeddedStore(tmp_path / "store").quads()} == before


TOUCHING = {
    # A statement about s-01 that the file does not type: s-01 gets a second Latvian title.
    "second-title": ('<{s01}> dct:title "Vēl viens nosaukums"@lv .',
                     {("service/s-01", "service/s-01", "RecordTitleShape", "http://purl.org/dc/terms/title"): 1}),
    # A part written as a blank node, hung on s-01 without typing it.
    "blank-cost": ('<{s01}> cv:hasCost [ a cv:Cost ; cv:hasValue "-5"^^xsd:double ] .',
                   {("service/s-01", None, "CostValueShape", "http://data.europa.eu/m8g/hasValue"): 1,
                    ("service/s-01", None, "RecordIdentifierShape", "http://purl.org/dc/terms/identifier"): 1}),
    # Only a part, described in the examples' graph, which s-01 links to there: its
    # second amount breaks maxCount 1, and being negative, minInclusive 0.
    "part-elsewhere": ('<{cost}> cv:hasValue "-5"^^xsd:double .',
                       {("service/s-01", "cost/s-01-free", "CostValueShape", "http://data.europa.eu/m8g/hasValue"): 2}),
}


@pytest.mark.parametrize("case", sorted(TOUCHING))
def test_an_rdf_import_validates_the_records_it_touches_though_it_does_not_type_them(tmp_path, case, monkeypatch):
    """A Turtle file can add to a record another file describes; the import validates that record as it will be.

    s-01 of the example registry has no results. Each file adds a defect to it
    without an ``rdf:type`` for s-01: the import is refused, with either engine,
    and the store is as it was; so is the dry run. With its writes held back
    until the end, as on a server engine, the import validates the register as
    it will be (``changes.validate_after``) and finds exactly the same results,
    s-01's description in the examples' graph read with the file's, so no
    missing title is reported.
    """
    from collections import Counter

    from virsis_graph.importing import import_examples
    from virsis_graph.settings import base_iri
    from virsis_graph.validation import validate_records

    store = EmbeddedStore()
    import_examples(store)
    rid = f"{base_iri()}id/"
    assert not validate_records(store, [rid + "service/s-01"]).results
    text, expected = TOUCHING[case]
    path = write(tmp_path, "extra.ttl", "@prefix cv: <http://data.europa.eu/m8g/> . @prefix dct: <http://purl.org/dc/terms/> .\n"
                 "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + text.format(s01=rid + "service/s-01", cost=rid + "cost/s-01-free"))

    def found(report) -> Counter:
        assert report is not None
        return Counter((r.record.removeprefix(rid), r.focus.removeprefix(rid) if r.focus.startswith(rid) else None,
                        r.shape.rsplit("#", 1)[-1], r.path) for r in report.results if r.severity == "violation")

    before = set(store.quads())
    for dry_run, engine in ((False, "auto"), (False, "pyshacl"), (True, "auto")):
        refused = import_files(store, [path], validate=True, dry_run=dry_run, engine=engine)
        assert found(refused.report) == expected, (dry_run, engine)
        assert any("pārkāpum" in e and "violation" in e for e in refused.errors), (dry_run, engine)  # 1 pārkāpums / 1 violation, 2 …
        assert set(store.quads()) == before
    with monkeypatch.context() as held_back:
        held_back.setattr(EmbeddedStore, "writing", lambda self, buffered=False: Store.writing(self, buffered=True))
        refused = import_files(store, [path], validate=True)
    assert found(refused.report) == expected and refused.errors and not refused.written
    assert set(store.quads()) == before
    assert not import_files(store, [path], validate=False).errors
    # Imported anyway, s-01 validated alone (as the whole register's report files them) has the same.
    assert found(validate_records(store, [rid + "service/s-01"])) == expected


def test_an_import_validated_before_it_is_written_files_the_results_about_parts_under_its_new_records(endpoint):
    """An import into a server engine is validated before its records are in the store.

    The example registry into empty stores: the results about parts (a cost, a
    legal resource) are filed under the records linking to them in the import,
    as the embedded store's import (validated after writing, before committing)
    and its dry run (the same, then rolled back) file them. They used to be
    filed under the parts themselves and so cut out of the report: the planted
    negative fee (data/examples/README.md, defect i, on s-33's cost
    s-33-urgent) did not stop either.
    """
    from collections import Counter

    files = resources.example_files()

    def results(result) -> Counter:
        assert result.report is not None and not result.written, result.errors
        return Counter((r.record, r.focus, r.shape.rsplit("#", 1)[-1], r.path, r.severity, r.value) for r in result.report.results)

    live = results(import_files(EmbeddedStore(), files, validate=True))
    fee = {key for key in live if key[1].endswith("/id/cost/s-33-urgent")}
    assert {(record.rsplit("/id/", 1)[1], shape, severity) for record, _, shape, _, severity, _ in fee} == {("service/s-33", "CostValueShape", "violation")}
    assert results(import_files(EmbeddedStore(), files, validate=True, dry_run=True)) == live
    with endpoint.store() as remote:
        assert results(import_files(remote, files, validate=True)) == live
        assert not remote.graphs()


def test_a_record_a_file_no_longer_has_is_checked_from_the_records_linking_to_it(register, store_path):
    """people.csv again without p-01, the owner of s-01 and s-02 (SERVICES): the import reports what that does to them.

    The two services then link to an owner the register no longer describes:
    LinkedRecordRegisteredShape's Warning on each (not a Violation: the import
    is written). s-03's owner is p-02, still there: nothing about it. The
    import used to validate only p-02, the record the file still has.
    """
    assert run("import", "--no-validate", *map(str, register.values()), store=store_path).exit_code == 0
    people = write(register["people.csv"].parent, "people.csv", "\n".join(line for line in PEOPLE.splitlines() if not line.startswith("p-01,")) + "\n")
    with EmbeddedStore(store_path) as store:
        result = import_files(store, [people], validate=True)
    assert result.written and not result.errors
    unregistered = {r.record.rsplit("/", 1)[1] for r in result.report.results if r.shape.endswith("#LinkedRecordRegisteredShape")}
    assert unregistered == {"s-01", "s-02"}
    assert not [r for r in result.report.results if r.record.endswith("/s-03")]
    assert result.report.records == 3  # p-02 and the two services


def test_an_import_is_validated_alike_by_either_engine(tmp_path):
    """The example registry, with its planted violations (data/examples/README.md), refused alike by both engines."""
    files = [str(f) for f in resources.example_files()]
    outputs = {}
    for engine in ("auto", "pyshacl"):
        result = run("import", *files, "--engine", engine, store=tmp_path / engine)
        assert result.exit_code == 2 and "nothing was written" in " ".join(result.output.split()), result.output
        outputs[engine] = result.output
    assert outputs["auto"] == outputs["pyshacl"]
    assert "s-33" in outputs["auto"] and "CostValueShape" in outputs["auto"]  # defect i: a negative fee
    refused = run("import", files[0], "--engine", "jena", store=tmp_path / "jena")
    assert refused.exit_code == 2 and "--engine" in refused.output


@pytest.mark.parametrize(("options", "said"), [
    (["--graph", "notaniri"], "--graph 'notaniri': nav absolūts IRI"),
    (["--graph", "http://example.org/a b"], "is not an absolute IRI"),
    (["--delimiter", "xx"], "--delimiter 'xx': viena rakstzīme, piem., ';' vai tab / one character"),
])
def test_bad_import_options_are_refused_without_a_traceback(register, store_path, options, said):
    assert run("import", *map(str, register.values()), store=store_path).exit_code == 0
    before = snapshot(store_path)
    result = run("import", str(register["services.csv"]), *options, store=store_path)
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split()) and "Traceback" not in result.output
    assert snapshot(store_path) == before


@pytest.mark.parametrize("tab", ["tab", "\\t"])
def test_a_tab_is_named_as_people_type_it(tmp_path, store_path, tab):
    path = write(tmp_path, "services.csv", SERVICES.replace(",", "\t").replace("\"7\t11\"", "7,11"))
    result = run("import", "--no-validate", "--delimiter", tab, str(path), store=store_path)
    assert result.exit_code == 0, result.output
    assert objects(store_path, BASE + "id/cost/s-02", CV + "hasValue") == {"7.11"}


def test_a_folder_of_other_files_is_not_made_a_store(tmp_path, register):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("import", str(register["services.csv"]), store=folder)
    assert result.exit_code == 2
    assert "nav reģistrs, bet mape ar citiem failiem" in " ".join(result.output.split())
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_record_another_file_describes_is_named_with_that_file(register, store_path, tmp_path):
    """A renamed copy of a file brings its records into a second graph: two titles, and a row removed from one
    file leaves the record in the other. The import says which file already describes each."""
    assert run("import", "--no-validate", *map(str, register.values()), store=store_path).exit_code == 0
    again = run("import", "--no-validate", "--strict", str(register["services.csv"]), store=store_path)
    assert again.exit_code == 0 and "jau apraksta" not in again.output  # the same file again: its own graph
    (tmp_path / "copy").mkdir()
    copy = write(tmp_path / "copy", "services_v2.csv", register["services.csv"].read_text(encoding="utf-8"))
    result = run("import", "--no-validate", "--strict", str(copy), store=store_path)
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output  # a warning, which --strict (dangling links) does not count
    for identifier, row in (("s-01", 2), ("s-02", 3), ("s-03", 4)):
        assert (f"services_v2.csv rinda / row {row}: {identifier} jau apraksta services.csv; importējiet vēlreiz to failu vai dzēsiet tā grafu "
                f"(virsis drop-graph) / {identifier} is already described by services.csv") in said


def test_a_role_row_s_bad_identifier_names_the_columns_it_is_made_of(tmp_path, store_path):
    """A role has no identifier column: its identifier is person_role_scope, so a space in its scope names those."""
    path = write(tmp_path, "roles.csv", "person,role,scope\np-01,5,s 01\n")
    result = run("import", str(path), store=store_path)
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "roles.csv rinda / row 2, kolonna / column person, role, scope: 'p-01_service-owner_s 01' nav derīgs identifikators" in said


def test_sheet_given_with_a_csv_file_is_refused(register, store_path):
    result = run("import", "--sheet", "services", str(register["services.csv"]), store=store_path)
    assert result.exit_code == 2
    assert "--sheet izvēlas darbgrāmatas (.xlsx) lapu, šis fails tāds nav / --sheet picks a sheet of a workbook" in " ".join(result.output.split())


def test_a_dry_run_where_there_is_no_register_yet_makes_none(register, tmp_path):
    """A clerk tries the first import: compared with an empty register, and the path is left as it was (no store made)."""
    path = tmp_path / "new-store"
    result = runner.invoke(app, ["import", "--dry-run", str(register["services.csv"]), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "Nekas netika ierakstīts / nothing written (would add" in " ".join(result.output.split())
    assert not path.exists()
