"""CSV files: any delimiter, UTF-8 with or without BOM, or Windows-1257 (Latvian Excel)."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from ..store import RegisterError
from . import Table, row, check_file

DELIMITERS = ",;\t|"


def encoding_of(path: Path) -> str:
    """``utf-8-sig`` if the whole file is UTF-8 (BOM or not), else ``cp1257`` (Latvian Excel), read in chunks."""
    with path.open("rb") as f:
        head = f.read(8192)
        if b"\x00" in head:
            raise RegisterError(
                f"{path}: ir binārs fails, nevis CSV teksts; saglabājiet izklājlapu kā CSV (UTF-8) vai importējiet pašu .xlsx failu / "
                "is a binary file, not CSV text: save the spreadsheet as CSV (UTF-8), or import the .xlsx file itself"
            )
        for encoding in ("utf-8-sig", "cp1257"):
            f.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
    raise RegisterError(f"{path}: nav ne UTF-8, ne Windows-1257 teksts; saglabājiet to kā CSV (UTF-8) / "
                        "is neither UTF-8 nor Windows-1257 text: save it as CSV (UTF-8)")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the candidate that splits it into the most columns."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class CsvRows:
    """The data rows of a CSV file, read from the file each time they are iterated.

    A national register's file (hundreds of MB) is never held in memory: the
    import reads it twice, row by row. Rows are ``(location, {header: cell})``
    with the spreadsheet's row numbers (blank rows count, as in the spreadsheet);
    a row with more cells than the header raises :class:`RegisterError`.
    """

    def __init__(self, path: Path, encoding: str, delimiter: str, header: list[str]) -> None:
        self.path, self.encoding, self.delimiter, self.header = path, encoding, delimiter, header
        self._count: int | None = None

    def _records(self):
        with self.path.open("r", encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            try:
                for number, cells in enumerate(reader, 1):
                    if any(c.strip() for c in cells):
                        yield number, cells
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):  # nearly always a quote left open, swallowing the rows after it
                    raise RegisterError(
                        f"{self.path} {row(reader.line_num)}: šūna garāka par {csv.field_size_limit()} zīmēm; visticamāk, tajā vai pirms "
                        "tās trūkst noslēdzošās pēdiņas (\") / "
                        f"a cell is longer than {csv.field_size_limit()} characters: most likely a quote (\") is not closed there or before"
                    ) from exc
                raise RegisterError(f"{self.path} {row(reader.line_num)}: nav derīgs CSV / not valid CSV: {exc}") from exc

    def __iter__(self):
        header, name, count = self.header, self.path.name, 0
        records = self._records()
        next(records, None)  # the header row
        for number, cells in records:
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                raise RegisterError(
                    f"{self.path} {row(number)}: {len(cells)} šūnas, bet galvenē {len(header)} kolonnas; "
                    "pārbaudiet, vai šūnā nav atdalītāja bez pēdiņām / "
                    f"has {len(cells)} cells but the header has {len(header)} columns: check for an unquoted delimiter inside a cell"
                )
            count += 1
            yield f"{name} {row(number)}", dict(zip(header, cells))
        self._count = count

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _ in self)
        return self._count

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None


def read_csv(path: Path, delimiter: str | None = None) -> Table:
    """Open one CSV file: its header now, its rows (:class:`CsvRows`) as they are read."""
    check_file(path)
    encoding = encoding_of(path)
    with path.open("r", encoding=encoding, newline="") as f:
        first_line = ""
        for line in f:
            if line.strip("\r\n"):
                first_line = line
                break
    delimiter = delimiter or sniff_delimiter(first_line)
    rows = CsvRows(path, encoding, delimiter, [])
    first = next(rows._records(), None)
    if first is None:
        raise RegisterError(f"{path}: nav galvenes rindas; sāciet ar veidnes galveni / "
                            "has no header row: start with the template's header (data/templates/)")
    rows.header = [h.strip() for h in first[1]]
    return Table(path.name, path.stem, rows.header, rows)
