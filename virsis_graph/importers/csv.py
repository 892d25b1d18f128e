"""CSV files: any delimiter, UTF-8 with or without BOM, or Windows-1257 (Latvian Excel)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..store import RegisterError
from . import Table, check_readable

DELIMITERS = ",;\t|"


def decode(raw: bytes, path: Path) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), else Windows-1257, which Latvian Excel writes."""
    if b"\x00" in raw[:8192]:
        raise RegisterError(
            f"{path}: is a binary file, not CSV text: save the spreadsheet as CSV (UTF-8), "
            "or import the .xlsx file itself"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1257")
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{path}: is neither UTF-8 nor Windows-1257 text: save it as CSV (UTF-8)") from exc


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the candidate that splits it into the most columns."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(path: Path, delimiter: str | None = None) -> Table:
    """Read one CSV file; rows are located by spreadsheet row number (header = row 1)."""
    text = decode(check_readable(path), path)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(first_line))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RegisterError(f"{path} row {reader.line_num}: not valid CSV: {exc}") from exc
    rows = [(n, r) for n, r in enumerate(rows, 1) if any(c.strip() for c in r)]
    if not rows:
        raise RegisterError(f"{path}: has no header row: start with the template's header (data/templates/)")
    (_, header), *data = rows
    header = [h.strip() for h in header]
    table = Table(path.name, path.stem, header)
    for number, cells in data:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise RegisterError(
                f"{path} row {number}: has {len(cells)} cells but the header has {len(header)} columns: "
                "check for an unquoted delimiter inside a cell"
            )
        table.rows.append((f"{path.name} row {number}", dict(zip(header, cells))))
    return table
