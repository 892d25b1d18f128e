"""XLSX workbooks: one sheet per record kind, or one sheet chosen by name."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from ..store import RegisterError
from . import Table, row, check_readable


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, sheet: str | None = None) -> list[Table]:
    """Read every sheet (or the one named ``sheet``) of a workbook into tables."""
    from openpyxl import load_workbook

    check_readable(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegisterError(f"{path}: nav nolasāma .xlsx darbgrāmata; saglabājiet to vēlreiz izklājlapu programmā / "
                            f"is not a readable .xlsx workbook: save it again from the spreadsheet program ({exc})") from exc
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        raise RegisterError(f"{path}: nav lapas {sheet!r} / has no sheet {sheet!r}; tās lapas / its sheets: {', '.join(names)}")
    tables = []
    for name in [sheet] if sheet else names:
        rows = [(n, [_text(c) for c in r]) for n, r in enumerate(workbook[name].iter_rows(values_only=True), 1)]
        rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        (_, header), *data = rows
        header = [h.strip() for h in header]
        table = Table(f"{path.name} lapa / sheet {name}", name, header)
        for number, cells in data:
            table.rows.append((f"{path.name} lapa / sheet {name} {row(number)}", dict(zip(header, cells))))
        tables.append(table)
    workbook.close()
    if not tables:
        raise RegisterError(f"{path}: nav aizpildītas lapas; pievienojiet galvenes rindu un ierakstus / has no filled-in sheet: add a header row and records")
    return tables
