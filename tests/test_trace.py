"""`virsis trace` and `virsis impact`: chains built from the named queries, drawn four ways.

Expected chains come from the example data (resources.ttl, services.ttl): s-40
(single sign-on) uses r-14; r-14 depends on r-20 and r-12; r-12 on r-20; r-20
on r-23 and r-24. r-13 (payment module) is depended on by r-16 only.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from conftest import rid
from typer.testing import CliRunner

from virsis_graph import trace
from virsis_graph.cli import app
from virsis_graph.queries import QueryError
from virsis_graph.store import EmbeddedStore

runner = CliRunner()



@pytest.fixture(scope="module")
def store_path(example_store_path) -> str:
    return example_store_path


@pytest.fixture(scope="module")
def store(example_store) -> EmbeddedStore:
    return example_store


def short_edges(chain: trace.Chain) -> set[tuple[str, str, str]]:
    return {(chain.nodes[s].identifier, chain.nodes[t].identifier, r) for s, t, r in chain.edges}


def test_service_chain(store):
    chain = trace.trace(store, "service", "s-40")
    assert chain.root == rid("service/s-40")
    assert short_edges(chain) == {
        ("s-40", "r-14", "uses"), ("r-14", "r-20", "depends-on"), ("r-14", "r-12", "depends-on"),
        ("r-12", "r-20", "depends-on"), ("r-20", "r-23", "depends-on"), ("r-20", "r-24", "depends-on"),
    }
    # s-35 requires s-03 (dct:requires).
    assert ("s-35", "s-03", "requires") in short_edges(trace.trace(store, "service", "s-35"))


def test_life_situation_chain(store):
    # ls-07: n-32 met by s-31, n-33 by s-32; s-32 uses r-02, r-14 and r-16.
    chain = trace.trace(store, "life-situation", "ls-07", lang="en")
    edges = short_edges(chain)
    assert {("ls-07", "n-32", "has-need"), ("ls-07", "n-33", "has-need"), ("n-32", "s-31", "met-by"), ("n-33", "s-32", "met-by")} <= edges
    assert {("s-32", r, "uses") for r in ("r-02", "r-14", "r-16")} <= edges
    assert ("r-02", "r-01", "depends-on") in edges
    assert chain.nodes[rid("life-situation/ls-07")].title == "Retirement"
    assert chain.nodes[rid("service/s-32")].note == "Provision and maintenance"


def test_impact_chain(store):
    chain = trace.impact(store, "r-13")
    edges = short_edges(chain)
    assert ("r-13", "r-16", "depended-on-by") in edges
    assert {("r-13", s, "used-by") for s in ("s-09", "s-26", "s-33", "s-34", "s-39")} <= edges
    assert ("r-16", "s-31", "used-by") in edges
    assert ("s-19", "s-37", "required-by") in edges  # s-37 requires s-19, which uses r-16
    assert ("s-09", "n-09", "meets") in edges and ("n-09", "ls-02", "of") in edges
    assert {("s-39", org, "serves") for org in ("pmlp", "riga", "ur", "valmiera")} <= edges


def test_unknown_records_and_kinds_are_refused(store):
    with pytest.raises(QueryError, match="no resource 'r-404'"):
        trace.impact(store, "r-404")
    with pytest.raises(QueryError, match="trace a life-situation, need or service"):
        trace.trace(store, "resource", "r-01")


def test_tree_marks_repeats_instead_of_drawing_them_again(store):
    text = _render(trace.trace(store, "service", "s-40").tree())
    # r-20 is reached from r-14 and from r-12: drawn once, referred to once.
    assert text.count("r-20 —") == 2 and text.count("see above") == 1


def _render(renderable) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_json_dot_and_mermaid_hold_the_same_graph(store):
    chain = trace.trace(store, "service", "s-40")
    data = json.loads(chain.as_json())
    assert data["root"] == chain.root and len(data["edges"]) == len(chain.edges) == 6
    assert {n["identifier"] for n in data["nodes"]} == {"s-40", "r-14", "r-12", "r-20", "r-23", "r-24"}
    dot = chain.as_dot()
    assert dot.startswith("digraph chain {") and dot.rstrip().endswith("}")
    declared = set(re.findall(r"^  (n\d+) \[label=", dot, flags=re.M))
    used = {n for pair in re.findall(r"^  (n\d+) -> (n\d+)", dot, flags=re.M) for n in pair}
    assert len(declared) == 6 and used <= declared
    mermaid = chain.as_mermaid()
    assert mermaid.startswith("flowchart LR\n")
    assert len(re.findall(r"^  n\d+\[\"", mermaid, flags=re.M)) == 6
    assert len(re.findall(r"-->\|", mermaid)) == 6


def test_titles_with_quotes_and_pipes_are_escaped(store):
    chain = trace.Chain("urn:x:root")
    chain.node(ox.NamedNode(rid("service/s-1")), ox.Literal('A "quoted" | piped <title> & \\ more'), "service")
    chain.root = rid("service/s-1")
    chain.node(ox.NamedNode(rid("resource/r-1")), ox.Literal("plain"), "resource")
    chain.edge(rid("service/s-1"), rid("resource/r-1"), "uses")
    dot = chain.as_dot()
    label = re.search(r'n0 \[label="((?:[^"\\]|\\.)*)"', dot).group(1)
    assert '\\"quoted\\"' in label and "\\\\ more" in label
    mermaid = chain.as_mermaid()
    line = next(l for l in mermaid.splitlines() if l.startswith("  n0["))
    assert line.count('"') == 2 and "#quot;quoted#quot;" in line and "#124;" in line and "#lt;title#gt;" in line


@pytest.mark.parametrize("fmt", ["tree", "json", "dot", "mermaid"])
def test_cli_draws_every_format(store_path, fmt):
    result = runner.invoke(app, ["impact", "r-13", "--format", fmt, "--lang", "en", "--store", store_path])
    assert result.exit_code == 0, result.output
    assert "s-39" in result.stdout
    result = runner.invoke(app, ["trace", "life_situations", "ls-07", "--format", fmt, "--store", store_path])
    assert result.exit_code == 0, result.output
    assert "n-33" in result.stdout
