"""Importing through a running site: ``virsis import --site URL``.

A site (``virsis serve``) holds its store, so while it runs a clerk cannot
import into that store directly. This client sends each file, as it is, to the
site's ``POST /import`` (:mod:`virsis_graph.web.imports`) with the write token
of ``VIRSIS_TOKEN``; the site imports it as ``virsis import`` would, checks that
its records are the token's institution's, validates and makes the write, and
publishes it at once. Each file is one write: a refused file leaves those
before it written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from . import __version__
from .settings import ENDPOINT_TIMEOUT, TOKEN
from .store import RegisterError


class SiteError(RegisterError):
    """The site refused a file, or could not be reached; the message is the site's (Latvian first)."""


@dataclass(frozen=True)
class Imported:
    """What the site did with one file (its ``/import`` answer)."""

    file: str
    graph: str
    written: bool
    added: int
    removed: int
    records: dict[str, dict[str, int]]
    warnings: list[str]


def token() -> str:
    """The write token's secret from ``VIRSIS_TOKEN``; a :class:`SiteError` saying how to get one when it is unset."""
    secret = TOKEN.value().strip()
    if not secret:
        raise SiteError("VIRSIS_TOKEN nav iestatīts: ielieciet tur savas iestādes rakstīšanas pilnvaru (virsis token create "
                        "--org ID uz vietnes servera) / VIRSIS_TOKEN is not set: put your institution's write token there "
                        "(virsis token create --org ID on the site's server)")
    return secret


def import_file(client: httpx.Client, site: str, path: Path, *, kind: str | None = None, sheet: str | None = None,
                delimiter: str | None = None, keep_missing: bool = False) -> Imported:
    """Import ``path`` through ``site``'s ``/import``; raises :class:`SiteError` with the site's reason when refused."""
    params = {"file": path.name, **{k: v for k, v in (("kind", kind), ("sheet", sheet), ("delimiter", delimiter)) if v}}
    if keep_missing:
        params["keep_missing"] = "1"
    url = site.rstrip("/") + "/import"
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"{path}: failu nevar nolasīt / cannot read the file: {exc.strerror or exc}") from exc
    try:
        answer = client.post(url, params=params, content=body, headers={"Authorization": f"Bearer {token()}"})
    except httpx.HTTPError as exc:
        raise SiteError(f"{url}: vietne nav sasniedzama / the site cannot be reached: {exc}") from exc
    if answer.status_code == 404:
        raise SiteError(f"{url}: te nav importa (vai tā nav virsis vietne, vai tā darbojas ar --read-only) / "
                        "no import here (not a virsis site, or it runs --read-only)")
    if answer.status_code != 200:
        raise SiteError(f"{path.name}: vietne atteica / the site refused it ({answer.status_code}):\n{answer.text.rstrip()}")
    data = answer.json()
    return Imported(data["file"], data["graph"], data["written"], data["added"], data["removed"], data["records"], data["warnings"])


def client() -> httpx.Client:
    """An HTTP client for a site: the remote endpoint's timeout (``VIRSIS_ENDPOINT_TIMEOUT``), this version as its agent."""
    return httpx.Client(timeout=float(ENDPOINT_TIMEOUT.value()), headers={"User-Agent": f"virsis-graph/{__version__}"})
