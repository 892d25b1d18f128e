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


@pytest.mark.parametrize(("args", "said"), [
    (["import"], "Kļūda / Error: trūkst parametra / Missing argument 'files'."),
    (["validate", "--bogus"], "Kļūda / Error: nav tādas opcijas / No such option: --bogus"),
    (["nosuch"], "Kļūda / Error: nepareizs lietojums / No such command 'nosuch'."),
    (["validate", "--condition", "11"], "Kļūda / Error: nederīga vērtība / Invalid value for '--condition'"),
    (["trace", "need"], "Kļūda / Error: trūkst parametra / Missing argument 'ID'."),
])
def test_a_command_line_click_refuses_is_refused_latvian_first(args, said):
    """Click's own refusals (its words, in English) get a Latvian lead and the usage, exit code 2, no traceback."""
    result = runner.invoke(app, args, prog_name="virsis")
    assert result.exit_code == 2
    assert said in result.output and "Usage: virsis" in result.output
    assert "Palīdzība / Help: virsis" in result.output and "Traceback" not in result.output


def test_a_group_without_its_command_shows_its_help():
    result = runner.invoke(app, ["token"])
    assert "Rakstīšanas pilnvaras" in result.output and "Kļūda" not in result.output


@pytest.mark.parametrize("command", [
    ["summary"], ["graphs"], ["stats"], ["export"], ["query", "-e", "ASK {}"], ["validate"], ["quality"],
    ["trace", "need", "n-01"], ["serve"],
])
def test_a_command_that_reads_does_not_take_a_mistyped_store_for_an_empty_register(tmp_path, command):
    """It used to make an empty store there and answer from it: `virsis validate` conformed, exit 0."""
    typo = tmp_path / "virsis-stor"
    result = runner.invoke(app, [*command, "--store", str(typo)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "šeit nav reģistra" in said and "no register here" in said
    assert not typo.exists()


def test_validating_a_folder_without_record_files_is_an_error(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "nav failu ar ierakstiem" in said and "no files with records to validate" in said


@pytest.mark.parametrize(("command", "output", "reason"), [
    (["export"], "missing/x.ttl", "(mapes nav)"),
    (["export"], ".", "(tā ir mape)"),
    (["validate", "--format", "junit"], "missing/r.xml", "(mapes nav)"),
])
def test_an_output_file_that_cannot_be_written_is_refused_before_the_work(example_store_path, tmp_path, command, output, reason):
    target = tmp_path / output
    result = runner.invoke(app, [*command, "--store", example_store_path, "-o", str(target)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"nevar ierakstīt {reason}" in said and "name a file in a folder that exists" in said
    assert "Traceback" not in result.output


def test_templates_into_a_file_and_tokens_from_a_folder_are_messages(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["templates", "-o", str(taken)])
    assert result.exit_code == 2 and "nevar ierakstīt" in " ".join(result.output.split()) and "Traceback" not in result.output
    result = runner.invoke(app, ["token", "list", "--tokens", str(tmp_path)])
    assert result.exit_code == 2 and "pilnvaru failu nevar nolasīt / the token file cannot be read" in " ".join(result.output.split())


def test_the_command_list_shows_each_command_in_both_languages():
    """Click's short help stops at the first full stop, which ended the Latvian half of every command's line."""
    listing = " ".join(runner.invoke(app, ["--help"]).output.split())
    assert "Komandas / Commands" in listing
    assert "import Importē ierakstus reģistrā. / Import records into the register." in listing
    tokens = " ".join(runner.invoke(app, ["token", "--help"]).output.split())
    assert "revoke Atsauc pilnvaru. / Revoke a token: it stops working at once." in tokens


def _help_parts(output: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """A help text's headings (lines at the margin), its description's paragraphs, and its rows (term, text)."""
    headings, paragraphs, rows = [], [], []
    lines = output.splitlines()
    in_rows = False
    for line in lines:
        if not line.strip():
            if not in_rows:
                paragraphs.append("")
            continue
        if not line.startswith(" "):
            headings.append(line)
            in_rows = len(headings) > 1  # after the usage line, each heading opens a list of rows
        elif in_rows and re.match(r"^  \S", line):
            rows.append(line.strip())
        elif in_rows:
            rows[-1] += "  " + line.strip()
        else:
            paragraphs[-1] = (paragraphs[-1] + " " + line.strip()).strip() if paragraphs else line.strip()
    split_rows = [tuple(re.split(r"\s{2,}", row, maxsplit=1)) for row in rows]
    return headings, [p for p in paragraphs if p], [(r[0], " ".join(r[1].split()) if len(r) > 1 else "") for r in split_rows]


LATVIAN_LETTER = re.compile(r"[āčēģīķļņšūž]", re.IGNORECASE)


@pytest.mark.parametrize("name", ["", "ontology", "token", *sorted(all_commands())], ids=lambda n: f"virsis {n}".strip())
def test_every_help_is_latvian_first(name):
    """Everything a user sees is bilingual, `--help` too: click's headings and its own options' texts, each
    option's text, and the description, whose every English paragraph follows its Latvian one."""
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    headings, paragraphs, rows = _help_parts(result.output)
    assert headings[0].startswith("Lietojums / Usage: ")
    leads = [h.split(" / ")[0] for h in headings]
    assert " / " in headings[0] and "Opcijas" in leads and set(leads) <= {"Lietojums", "Argumenti", "Opcijas", "Komandas"}, headings
    # An option's text may lead with a short Latvian name of what it takes ("Fails / file to write ...").
    assert rows and all(re.match(r"\S.* / \S", text) for _, text in rows), [r for r in rows if " / " not in r[1]]
    assert "[default:" not in result.output and "[required]" not in result.output
    first, *rest = paragraphs
    assert re.match(r"\S.* / \S", first), first
    examples = [p for p in rest if p.startswith("Piemērs / Example: ")]
    assert examples and rest[-len(examples):] == examples  # the examples close the description
    prose = rest[:-len(examples)]
    assert len(prose) % 2 == 0, prose
    for latvian, english in zip(prose[::2], prose[1::2]):
        assert LATVIAN_LETTER.search(latvian) and not LATVIAN_LETTER.search(english), (latvian, english)


def test_the_help_reader_finds_what_it_checks():
    """The test above reads click's layout: it must find every part of a help, including a row whose text
    starts on the term's next line."""
    output = """Lietojums / Usage: virsis x [OPTIONS]

  Dara. / Does.

  Latviski šeit.

  In English here.

  Piemērs / Example: virsis x

Opcijas / Options:
  --a TEXT                        Ā / a.  [noklusējums / default: 1]
  --a-very-long-option-name <str>
                                  Garš / long,
                                  wrapped.
"""
    headings, paragraphs, rows = _help_parts(output)
    assert headings == ["Lietojums / Usage: virsis x [OPTIONS]", "Opcijas / Options:"]
    assert paragraphs == ["Dara. / Does.", "Latviski šeit.", "In English here.", "Piemērs / Example: virsis x"]
    assert rows == [("--a TEXT", "Ā / a. [noklusējums / default: 1]"),
                    ("--a-very-long-option-name <str>", "Garš / long, wrapped.")]

def test_an_update_given_to_virsis_query_says_what_changes_the_register(example_store_path):
    result = runner.invoke(app, ["query", "-e", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--store", example_store_path])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "tas nav SPARQL vaicājums" in said
    assert "the register is changed by `virsis import` and the site's Graph Store" in said


def test_importing_a_folder_says_it_is_a_folder(tmp_path):
    (tmp_path / "files").mkdir()
    result = runner.invoke(app, ["import", str(tmp_path / "files"), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert "ir mape, nevis fails; norādiet importējamos failus / is a folder, not a file" in " ".join(result.output.split())


def test_a_table_printed_to_a_pipe_keeps_every_value_whole(example_store_path):
    """Piped output has 80 columns: graph IRIs were cut to `https://data…`, which cannot be copied into --graph."""
    from virsis_graph.settings import base_iri

    output = runner.invoke(app, ["graphs", "--store", example_store_path]).output
    graph = f"{base_iri()}graph/source/services.ttl"
    assert any(graph in line for line in output.splitlines()) and "…" not in output
