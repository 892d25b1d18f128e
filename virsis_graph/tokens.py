"""Bearer tokens for writes, each scoped to one institution.

A token is a random secret shown once when it is created; the register keeps
only its SHA-256 digest (a 256-bit random secret needs no slow hash: there is
nothing to guess from), with the institution it may change, a label, and when it
was created and revoked. The web site's write routes (``virsis serve``) accept a
token only for that institution's records.

Tokens live in one JSON file (``VIRSIS_TOKENS``), not in the register: the
register is published as linked open data and through a public SPARQL
endpoint, and digests have no place there. The file is written atomically and
readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

PREFIX = "virsis_"
"""Every secret starts with this, so that secret scanners and people recognise one."""


class TokenError(ValueError):
    """A token file or request that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Token:
    """What is kept of a token: never the secret itself."""

    id: str
    sha256: str
    organisation: str
    label: str
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenFile:
    """The tokens of one register, in the JSON file at ``path`` (created on first write)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def tokens(self) -> list[Token]:
        """Every token, revoked ones included, oldest first."""
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
                raise ValueError('gaidīts / expected {"tokens": [...]}')
            return [Token(**entry) for entry in data["tokens"]]
        except OSError as exc:  # a folder, or no permission
            raise TokenError(f"{self.path}: pilnvaru failu nevar nolasīt / the token file cannot be read: {exc.strerror}") from exc
        except (ValueError, TypeError) as exc:
            raise TokenError(f"{self.path}: nav pilnvaru fails; atjaunojiet to no rezerves kopijas vai pārvietojiet, lai sāktu no jauna / "
                             f"not a token file: restore it from a backup or move it away to start afresh ({exc})") from exc

    def create(self, organisation: str, label: str = "", now: dt.datetime | None = None) -> tuple[Token, str]:
        """A new token for ``organisation`` (an IRI): returns what is kept and the secret, shown once."""
        tokens = self.tokens()
        secret = PREFIX + secrets.token_urlsafe(32)
        taken = {t.id for t in tokens}
        token_id = f"t-{secrets.token_hex(4)}"
        while token_id in taken:
            token_id = f"t-{secrets.token_hex(4)}"
        created = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        token = Token(token_id, digest(secret), organisation, label, created)
        self._write([*tokens, token])
        return token, secret

    def revoke(self, token_id: str, now: dt.datetime | None = None) -> Token:
        """Revoke the token ``token_id``; :class:`TokenError` if there is none."""
        tokens = self.tokens()
        found = next((t for t in tokens if t.id == token_id), None)
        if found is None:
            raise TokenError(f"{self.path} nav pilnvaras {token_id!r}; tās rāda `virsis token list` / no token {token_id!r} in {self.path}: `virsis token list` shows them")
        if not found.active:
            return found
        revoked = Token(**{**asdict(found), "revoked": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")})
        self._write([revoked if t.id == token_id else t for t in tokens])
        return revoked

    def verify(self, secret: str) -> Token | None:
        """The active token whose secret this is, or None. Compares digests in constant time."""
        wanted = digest(secret)
        match = None
        for token in self.tokens():
            if hmac.compare_digest(token.sha256, wanted) and token.active:
                match = token
        return match

    def _write(self, tokens: list[Token]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"tokens": [asdict(t) for t in tokens]}, ensure_ascii=False, indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
