"""The ``virsis`` command: help, version, summary, ontology check, and bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import typer.main
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from virsis_graph import __version__, resources
from virsis_graph.cli import app
from virsis_graph.namespaces import VIRSIS

runner = CliRunner()


def all_commands() -> dict[str, object]:
    """Every leaf command by its full name, e.g. ``ontology check``."""
    found: dict[str, object] = {}

    def walk(cmd, prefix: str) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            found[prefix] = cmd

    walk(typer.main.get_command(app), "")
    return found


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "summary" in result.output and "ontology" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"virsis-graph {__version__}"


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_has_help_with_an_example(name):
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert f"Example: virsis {name}" in " ".join(result.output.split())


def test_ontology_check_passes_and_prints_the_counts():
    result = runner.invoke(app, ["ontology", "check", "--no-reasoning"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for label, count in (("roles", 10), ("governance tasks", 32), ("quality sub-criteria", 30), ("service kinds", 4), ("capabilities", 9)):
        assert re.search(rf"/ {label} │ {count} │", text), (label, count)


def test_summary_counts_what_the_example_files_hold(model, examples):
    graph = model + examples
    service_classes = set(graph.transitive_subjects(RDFS.subClassOf, VIRSIS.Service))
    services = {s for c in service_classes for s in examples.subjects(RDF.type, c)}
    needs = set(examples.subjects(RDF.type, VIRSIS.Need))
    result = runner.invoke(app, ["summary"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"Pakalpojums │ Service │ {len(services)}" in text
    assert f"Vajadzība │ Need │ {len(needs)}" in text
    assert len(services) >= 40


@pytest.fixture()
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of ontology/ and data/ that a test may break; the package reads it instead."""
    root = tmp_path / "root"
    for part in ("ontology", "data"):
        shutil.copytree(resources.data_root() / part, root / part)
    monkeypatch.setattr(resources, "data_root", lambda: root)
    return root


def test_a_syntax_error_in_an_example_names_the_file_and_line(data_copy):
    broken = data_copy / "data" / "examples" / "services.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    bad_line = len(lines) + 1
    broken.write_text("\n".join(lines) + "\nsvc:broken dct:title .\n", encoding="utf-8")
    result = runner.invoke(app, ["summary"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "services.ttl" in message and f"line {bad_line}" in message
    assert "Traceback" not in result.output

    result = runner.invoke(app, ["ontology", "check", "--no-reasoning"])
    assert result.exit_code == 1
    assert "services.ttl" in result.output


def test_ontology_check_fails_when_a_label_is_missing(data_copy):
    ttl = data_copy / "ontology" / "virsis.ttl"
    text = ttl.read_text(encoding="utf-8")
    assert '"Vajadzība"@lv , ' in text
    ttl.write_text(text.replace('"Vajadzība"@lv , ', "", 1), encoding="utf-8")
    result = runner.invoke(app, ["ontology", "check", "--no-reasoning"])
    assert result.exit_code == 1
    assert "virsis:Need: nav rdfs:label @lv / has no rdfs:label @lv" in result.output


def test_ontology_check_fails_when_a_numbered_item_is_missing(data_copy):
    ttl = data_copy / "ontology" / "vocabularies" / "request-type.ttl"
    text = ttl.read_text(encoding="utf-8")
    ttl.write_text(text.replace("a skos:Concept", "a skos:Collection", 1), encoding="utf-8")
    result = runner.invoke(app, ["ontology", "check", "--no-reasoning"])
    assert result.exit_code == 1
    assert "request types" in " ".join(result.output.split())
