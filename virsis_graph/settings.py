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

SETTINGS: tuple[Setting, ...] = (BASE_IRI,)


def base_iri() -> str:
    """The configured base IRI, always ending in ``/`` so relative IRIs resolve beneath it."""
    base = BASE_IRI.value()
    return base if base.endswith("/") else base + "/"
