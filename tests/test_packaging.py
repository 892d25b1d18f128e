"""A wheel carries the ontology, vocabularies and examples, and works without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.mark.slow
def test_wheel_contains_the_model_and_runs_from_an_unpacked_copy(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(REPO)],
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("virsis_graph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "virsis_graph/_data/ontology/virsis.ttl",
        "virsis_graph/_data/ontology/reused-terms.ttl",
        "virsis_graph/_data/ontology/vocabularies/role.ttl",
        "virsis_graph/_data/data/examples/services.ttl",
        "virsis_graph/cli.py",
    ):
        assert expected in names, expected

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "from virsis_graph import resources; print(resources.data_root())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == str(site / "virsis_graph" / "_data")
    check = subprocess.run(
        [sys.executable, "-m", "virsis_graph", "ontology", "check", "--no-reasoning"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
