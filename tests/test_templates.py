"""The committed templates are what the importer generates, and they import cleanly."""

from __future__ import annotations

from typer.testing import CliRunner

from conftest import REPO
from virsis_graph.cli import app
from virsis_graph.importing import import_files
from virsis_graph.records import KINDS
from virsis_graph.store import EmbeddedStore

runner = CliRunner()
TEMPLATES = REPO / "data" / "templates"


def test_committed_templates_match_the_importer(tmp_path):
    result = runner.invoke(app, ["templates", "-o", str(tmp_path)])
    assert result.exit_code == 0
    generated = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in TEMPLATES.iterdir()}
    assert generated == committed, "data/templates is stale: run `virsis templates -o data/templates`"
    assert set(generated) == {f"{k.name}.csv" for k in KINDS} | {"README.md"}


def test_every_column_and_latvian_alias_is_documented():
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        for column in kind.columns:
            assert f"| `{column.name}` |" in readme
            for alias in column.aliases:
                assert f"`{alias}`" in readme


def test_the_templates_example_rows_import_without_errors_or_warnings():
    store = EmbeddedStore()
    result = import_files(store, sorted(TEMPLATES.glob("*.csv")))
    assert result.errors == [] and result.warnings == []
    assert {name for name, c in result.counts.items() if c.new == 1} == {k.name for k in KINDS}
