"""Settings read from the environment. Each one is documented in the README.

Settings are few on purpose; each has a default that works on a fresh machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment setting: its variable, default and meaning."""

    env: str
    default: str
    help: str

    def value(self) -> str:
        """The value from the environment, or the default when unset or empty."""
        return os.environ.get(self.env) or self.default


BASE_IRI = Setting(
    "VIRSIS_BASE",
    "https://data.virsis.gov.lv/",
    "Base under which records are minted as {base}id/{kind}/{identifier}. "
    "Independent of the host that serves them.",
)

STORE_PATH = Setting(
    "VIRSIS_STORE",
    "virsis-store",
    "Folder of the embedded store (created on first use); `--store PATH` overrides it.",
)

ENDPOINT = Setting(
    "VIRSIS_ENDPOINT",
    "",
    "URL of a remote SPARQL 1.1 query endpoint; when set, commands use it instead of the "
    "embedded store. `--endpoint URL` overrides it.",
)

UPDATE_ENDPOINT = Setting(
    "VIRSIS_UPDATE_ENDPOINT",
    "",
    "URL of the remote SPARQL 1.1 Update endpoint; empty means the query endpoint's URL.",
)

GRAPH_STORE = Setting(
    "VIRSIS_GRAPH_STORE",
    "",
    "URL of the remote Graph Store Protocol endpoint, used to read and write whole graphs "
    "quickly; empty means SPARQL queries and updates only.",
)

ENDPOINT_USER = Setting("VIRSIS_ENDPOINT_USER", "", "User name for the remote endpoint (HTTP basic or digest).")

ENDPOINT_PASSWORD = Setting("VIRSIS_ENDPOINT_PASSWORD", "", "Password for the remote endpoint.")

ENDPOINT_TIMEOUT = Setting(
    "VIRSIS_ENDPOINT_TIMEOUT",
    "60",
    "Seconds to wait for each answer of the remote endpoint; raise it for whole-register work "
    "(validation, large exports) on a large register or a busy server.",
)

TOKENS_FILE = Setting(
    "VIRSIS_TOKENS",
    "virsis-tokens.json",
    "File of the write tokens (their SHA-256 digests, institutions and labels; never the "
    "secrets), kept apart from the published register; `--tokens FILE` overrides it.",
)

TOKEN = Setting(
    "VIRSIS_TOKEN",
    "",
    "The secret of a write token (`virsis token create`) for `virsis import --site URL`, which imports "
    "through a running site; kept in the environment, not on the command line, where other users of "
    "the machine could see it.",
)

SETTINGS: tuple[Setting, ...] = (
    BASE_IRI, STORE_PATH, ENDPOINT, UPDATE_ENDPOINT, GRAPH_STORE, ENDPOINT_USER, ENDPOINT_PASSWORD, TOKENS_FILE, TOKEN,
)


def base_iri() -> str:
    """The configured base IRI, always ending in ``/`` so relative IRIs resolve beneath it."""
    base = BASE_IRI.value()
    return base if base.endswith("/") else base + "/"
