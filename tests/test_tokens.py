"""Write tokens: created once, kept as digests, scoped to one institution, revocable."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from conftest import rid
from typer.testing import CliRunner

from virsis_graph.cli import app
from virsis_graph.tokens import PREFIX, TokenError, TokenFile, digest

runner = CliRunner()
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)


def test_a_token_is_kept_as_its_digest_only(tmp_path):
    tokens = TokenFile(tmp_path / "tokens.json")
    token, secret = tokens.create(rid("organisation/vdaa"), "VDAA clerk", now=NOW)
    assert secret.startswith(PREFIX) and len(secret) > 40
    text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
    assert secret not in text and secret[len(PREFIX):] not in text
    assert json.loads(text)["tokens"][0]["sha256"] == digest(secret) == token.sha256
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert (token.organisation, token.label, token.created, token.active) == (rid("organisation/vdaa"), "VDAA clerk", "2026-11-27T12:00:00+00:00", True)


def test_verify_finds_the_active_token_of_a_secret(tmp_path):
    tokens = TokenFile(tmp_path / "tokens.json")
    first, secret1 = tokens.create(rid("organisation/vdaa"))
    second, secret2 = tokens.create(rid("organisation/vsaa"))
    assert first.id != second.id and secret1 != secret2
    assert tokens.verify(secret1) == first and tokens.verify(secret2) == second
    assert tokens.verify(secret1 + "x") is None and tokens.verify("") is None
    revoked = tokens.revoke(first.id, now=NOW)
    assert revoked.revoked == "2026-11-27T12:00:00+00:00" and not revoked.active
    assert tokens.verify(secret1) is None and tokens.verify(secret2) == second
    assert tokens.revoke(first.id) == revoked  # revoking twice changes nothing


def test_bad_token_files_and_ids_are_named(tmp_path):
    path = tmp_path / "tokens.json"
    with pytest.raises(TokenError, match="no token 't-nope'"):
        TokenFile(path).revoke("t-nope")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TokenError, match=r"tokens.json: nav pilnvaru fails; .* / not a token file: .* \(Expecting property name"):
        TokenFile(path).tokens()


def test_cli_creates_lists_and_revokes(example_store_path, tmp_path):
    file = str(tmp_path / "t.json")
    created = runner.invoke(app, ["token", "create", "--org", "vdaa", "--label", "VDAA clerk", "--tokens", file, "--store", example_store_path])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith(PREFIX) and "\n" not in secret  # only the secret on standard output
    [token] = TokenFile(file).tokens()
    assert TokenFile(file).verify(secret) == token and token.organisation == rid("organisation/vdaa")
    listed = runner.invoke(app, ["token", "list", "--tokens", file], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and token.id in listed.stdout and "organisation/vdaa" in listed.stdout
    assert secret not in listed.stdout and token.sha256 not in listed.stdout
    revoked = runner.invoke(app, ["token", "revoke", token.id, "--tokens", file])
    assert revoked.exit_code == 0, revoked.output
    assert TokenFile(file).verify(secret) is None


@pytest.mark.parametrize(("org", "message"), [("nope", "no organisation 'nope' in the register"), ("x y", "expected an identifier")])
def test_cli_refuses_an_unknown_institution_and_writes_nothing(example_store_path, tmp_path, org, message):
    file = tmp_path / "t.json"
    result = runner.invoke(app, ["token", "create", "--org", org, "--tokens", str(file), "--store", example_store_path])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not file.exists()


def test_cli_names_a_broken_token_file(tmp_path):
    file = tmp_path / "t.json"
    file.write_text("[]", encoding="utf-8")
    for args in (["token", "list"], ["token", "revoke", "t-1"]):
        result = runner.invoke(app, [*args, "--tokens", str(file)])
        assert result.exit_code == 2 and "not a token file" in " ".join(result.output.split())
