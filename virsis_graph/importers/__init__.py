"""Readers of the files ``virsis import`` accepts.

Tabular files (CSV, XLSX, JSON) are read into :class:`Table`\\ s of text cells with
their row locations; RDF files are parsed into triples. Turning tables into
records is the job of :mod:`virsis_graph.records`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..store import RegisterError

RDF_EXTENSIONS = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".xml", ".n3"}
TABULAR_EXTENSIONS = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json"}


def row(number: int) -> str:
    """A row of a file in messages, Latvian first: ``rinda / row 5`` (``validation.locations`` reads the number back)."""
    return f"rinda / row {number}"


@dataclass
class Table:
    """Rows of one CSV file, XLSX sheet or JSON list, as text cells keyed by header."""

    source: str
    """How to name the table in messages: ``services.csv`` or ``registry.xlsx lapa / sheet Needs``."""
    name: str
    """File stem or sheet name, a hint for the record kind."""
    header: list[str]
    rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """(location such as ``services.csv rinda / row 5``, {header: cell text}); for CSV a
    :class:`~virsis_graph.importers.csv.CsvRows`, read from the file as iterated."""


def check_file(path: Path) -> None:
    """Clear errors for a missing, unreadable or empty file (without reading all of it)."""
    if not path.exists():
        raise RegisterError(f"{path}: fails nav atrasts, pārbaudiet ceļu / file not found: check the path")
    if path.is_dir():
        raise RegisterError(f"{path}: ir mape, nevis fails; norādiet importējamos failus / is a folder, not a file: name the files to import")
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 16):
                if chunk.strip():
                    return
    except OSError as exc:
        raise RegisterError(f"{path}: nevar nolasīt / cannot be read: {exc.strerror}") from exc
    raise RegisterError(f"{path}: fails ir tukšs, ierakstiet galvenes rindu un vismaz vienu ierakstu / "
                        "the file is empty: fill in a header row and at least one record (templates / veidnes: data/templates/)")


def check_readable(path: Path) -> bytes:
    """The bytes of ``path``; clear errors for a missing, unreadable or empty file."""
    check_file(path)
    return path.read_bytes()


def is_rdf(path: Path) -> bool:
    """Whether ``path`` is imported as RDF (by extension; JSON with an ``@context`` counts as JSON-LD)."""
    suffix = path.suffix.lower()
    if suffix in RDF_EXTENSIONS:
        return True
    if suffix == ".json":
        head = path.read_bytes()[:4096] if path.is_file() else b""
        return b'"@context"' in head
    return False


def read_tables(path: Path, sheet: str | None = None, delimiter: str | None = None) -> list[Table]:
    """Read a tabular file into tables; raise :class:`RegisterError` if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import read_xlsx

        return read_xlsx(path, sheet)
    if sheet is not None:
        raise RegisterError(f"{path}: --sheet izvēlas darbgrāmatas (.xlsx) lapu, šis fails tāds nav / --sheet picks a sheet of a workbook (.xlsx), which this file is not")
    if suffix == ".json":
        from .json import read_json

        return read_json(path)
    if suffix in (".csv", ".tsv", ".txt"):
        from .csv import read_csv

        return [read_csv(path, "\t" if suffix == ".tsv" and delimiter is None else delimiter)]
    check_file(path)  # a missing file or a folder: say so, rather than that its type is unknown
    raise RegisterError(
        f"{path}: nezināms faila veids {path.suffix!r}, importējiet .csv, .xlsx, .json vai RDF / "
        f"unknown file type {path.suffix!r}: import .csv, .xlsx, .json or RDF (.ttl, .nt, .nq, .trig, .jsonld, .rdf)"
    )
