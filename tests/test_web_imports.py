"""Importing through a running site: ``POST /import`` and ``virsis import --site``.

The site holds its store, so a clerk imports through it, with the
institution's write token: the file is imported as ``virsis import`` would,
into the institution's graph of the file's name, checked for scope, validated
in its neighbourhood, and published; a refusal leaves the register as it was.
"""

from __future__ import annotations

import contextlib

import pytest
from conftest import rid
from typer.testing import CliRunner

from virsis_graph import site_client
from virsis_graph.cli import app

BASE = "https://data.virsis.gov.lv/"
HEADER = ("identifier,title_lv,title_en,description_lv,description_en,kind,smart,institution,owner,provider,lifecycle_stage,"
          "needs,resources,channels,replaces,requires,recipients,audience,group,template,keywords_lv,keywords_en,cost_eur,"
          "processing_time,legal_basis,homepage")
# A service of vdaa (data/examples: p-18 works there, n-12 is a need), with one channel, a cost and a legal basis.
ROW = ("s-900,Jauns pakalpojums,A new service,Jauns pakalpojums iedzīvotājiem.,A new service for residents.,public-individual,"
       "no,vdaa,p-18,,provision,n-12,,e-service,,,,residents,,,jauns,new,{cost},P10D,Valsts pārvaldes iekārtas likums,"
       "https://www.latvija.gov.lv/")
SERVICES = f"{HEADER}\n{ROW.format(cost='0')}\n"


def post(site, org: str, body: str, name: str = "services.csv", **params):
    return site.client.post("/import", params={"file": name, **params}, content=body.encode(),
                            headers={"Authorization": f"Bearer {site.secrets[org]}"})


def statements(store) -> set:
    return set(store.quads())


def test_a_clerk_imports_a_file_through_the_site_into_the_institution_s_graph(writable_site):
    r = post(writable_site, "vdaa", SERVICES)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["graph"] == f"{BASE}graph/org/vdaa/services.csv" and answer["written"] is True
    assert answer["records"]["services"]["new"] == 1 and answer["removed"] == 0
    service = rid("service/s-900")
    graphs = {q.graph_name.value for q in writable_site.store.quads() if q.subject.value == service}
    assert graphs == {answer["graph"]}
    # Published at once: its page, and the public SPARQL endpoint.
    assert writable_site.client.get("/id/service/s-900", headers={"Accept": "text/turtle"}).status_code == 200
    ask = writable_site.client.get("/sparql", params={"query": f"ASK {{ <{service}> ?p ?o }}"}, headers={"Accept": "application/sparql-results+json"})
    assert ask.json()["boolean"] is True
    # The same file again changes nothing; without its row, the record goes.
    again = post(writable_site, "vdaa", SERVICES).json()
    assert again["written"] is False and again["records"]["services"]["unchanged"] == 1
    other = post(writable_site, "vdaa", f"{HEADER}\n{ROW.format(cost='0').replace('s-900', 's-901')}\n").json()
    assert other["records"]["services"]["removed"] == 1 and other["records"]["services"]["new"] == 1
    assert not any(q.subject.value == service for q in writable_site.store.quads())


@pytest.mark.parametrize("case", ["bad cell", "violation", "other institution", "no token"])
def test_a_refused_import_names_why_and_leaves_the_register_as_it_was(writable_site, case):
    before = statements(writable_site.store)
    if case == "bad cell":
        r = post(writable_site, "vdaa", f"{HEADER}\n{ROW.format(cost='seven')}\n")
        assert r.status_code == 400
        assert r.text.startswith("services.csv rinda / row 2, kolonna / column cost_eur: 'seven' nav skaitlis")
    elif case == "violation":  # a negative fee is a Violation of the registration rules, not a bad cell
        r = post(writable_site, "vdaa", f"{HEADER}\n{ROW.format(cost='-5')}\n")
        assert r.status_code == 422 and "nothing was written" in r.text and f"{BASE}id/cost/s-900" in r.text
    elif case == "other institution":  # vsaa's token may not describe vdaa's service
        r = post(writable_site, "vsaa", SERVICES)
        assert r.status_code == 403 and f"{BASE}id/service/s-900" in r.text
    else:
        r = writable_site.client.post("/import", params={"file": "services.csv"}, content=SERVICES.encode())
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert statements(writable_site.store) == before


def test_the_import_needs_a_file_name_and_a_read_only_site_has_none(writable_site, example_store):
    from fastapi.testclient import TestClient

    from virsis_graph.web.app import create_app

    r = post(writable_site, "vdaa", SERVICES, name="")
    assert r.status_code == 400 and "?file=services.csv" in r.text
    with TestClient(create_app(example_store, read_only=True)) as read_only:
        assert read_only.post("/import", params={"file": "services.csv"}, content=b"x").status_code in (404, 405)


@pytest.fixture
def through(writable_site, monkeypatch):
    """``virsis import --site`` sending to the test site (its client is an httpx client of the app)."""
    monkeypatch.setattr(site_client, "client", lambda: contextlib.nullcontext(writable_site.client))
    monkeypatch.setenv("VIRSIS_TOKEN", writable_site.secrets["vdaa"])
    return writable_site


def test_virsis_import_site_imports_each_file_through_the_site(through, tmp_path):
    (tmp_path / "services.csv").write_text(SERVICES, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "services.csv"), "--site", "http://testserver"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "services.csv │ services │ 1 │ 0 │ 0 │ 0 │ 0" in said
    assert f"triples in {BASE}graph/org/vdaa/services.csv" in said
    assert any(q.subject.value == rid("service/s-900") for q in through.store.quads())


def test_virsis_import_site_stops_at_a_refused_file_saying_what_was_written(through, tmp_path):
    (tmp_path / "a.csv").write_text(SERVICES, encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"{HEADER}\n{ROW.format(cost='seven').replace('s-900', 's-901')}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--site", "http://testserver",
                                      "--kind", "services"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "Jau ierakstīti / already written: a.csv" in said
    assert "b.csv: vietne atteica / the site refused it (400): b.csv rinda / row 2, kolonna / column cost_eur" in said
    assert not any(q.subject.value == rid("service/s-901") for q in through.store.quads())


@pytest.mark.parametrize("args, words", [
    (["--dry-run"], "--dry-run nav lietojams ar --site"),
    (["--store", "x", "--graph", "urn:x"], "--store, --graph nav lietojams ar --site"),
    ([], "VIRSIS_TOKEN nav iestatīts"),
])
def test_virsis_import_site_refuses_what_the_site_decides_and_a_missing_token(through, tmp_path, monkeypatch, args, words):
    if not args:
        monkeypatch.delenv("VIRSIS_TOKEN")
    (tmp_path / "services.csv").write_text(SERVICES, encoding="utf-8")
    before = statements(through.store)
    result = CliRunner().invoke(app, ["import", str(tmp_path / "services.csv"), "--site", "http://testserver", *args])
    assert result.exit_code == 2 and words in " ".join(result.output.split())
    assert statements(through.store) == before


@pytest.mark.slow
def test_a_clerk_imports_through_a_real_site_while_it_holds_its_store(tmp_path):
    """End to end, as at a ministry: `virsis serve --store` runs; `virsis import --store` is refused (the site
    holds the store); `VIRSIS_TOKEN=… virsis import --site` goes through, and the site serves the record at once."""
    import os
    import subprocess
    import sys

    import httpx
    from conftest import serving

    from virsis_graph import resources
    from virsis_graph.tokens import TokenFile

    store, tokens = tmp_path / "store", tmp_path / "tokens.json"
    made = CliRunner().invoke(app, ["import", *map(str, resources.example_files()), "--store", str(store), "--no-validate"])
    assert made.exit_code == 0, made.output
    secret = TokenFile(tokens).create(rid("organisation/vdaa"))[1]
    (tmp_path / "services.csv").write_text(SERVICES, encoding="utf-8")
    virsis = [sys.executable, "-m", "virsis_graph", "import", str(tmp_path / "services.csv")]
    with serving(["--store", str(store), "--tokens", str(tokens)], tmp_path) as url:
        held = subprocess.run([*virsis, "--store", str(store)], capture_output=True, text=True, timeout=120)
        assert held.returncode == 2 and "--site http://" in held.stderr  # the refusal says how to import meanwhile
        done = subprocess.run([*virsis, "--site", url], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "VIRSIS_TOKEN": secret})
        assert done.returncode == 0, done.stderr
        assert f"triples in {BASE}graph/org/vdaa/services.csv" in " ".join(done.stdout.split())
        assert httpx.get(f"{url}/id/service/s-900", headers={"Accept": "text/turtle"}).status_code == 200
