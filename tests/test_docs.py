"""The README documents every command and setting, and its Quick start is what CI runs."""

from __future__ import annotations

import re

import pytest

from test_cli import all_commands
from conftest import REPO
from virsis_graph.settings import SETTINGS

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_is_documented(name):
    assert re.search(rf"`virsis {re.escape(name)}[ `]", README), f"README.md does not document `virsis {name}`"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented_with_its_default(setting):
    row = next((line for line in README.splitlines() if line.startswith(f"| `{setting.env}`")), None)
    assert row is not None, f"README.md settings table lacks {setting.env}"
    assert f"`{setting.default}`" in row


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M)


def test_every_top_level_folder_of_the_design_card_exists():
    for folder in ("ontology", "shapes", "virsis_graph", "queries", "data", "tests"):
        assert (REPO / folder).is_dir(), folder
    assert (REPO / "pyproject.toml").is_file()
