"""JSON files: a list of records shaped like CSV rows, or an object of such lists by kind."""

from __future__ import annotations

import json
from pathlib import Path

from ..store import RegisterError
from . import Table, check_readable


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _table(path: Path, name: str, items: object, prefix: str) -> Table:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise RegisterError(f"{path}{prefix}: gaidīts ierakstu saraksts (objekti ar veidnes kolonnām kā atslēgām) / "
                            "expected a list of records (objects with the template's columns as keys)")
    header = list(dict.fromkeys(k for item in items for k in item))
    table = Table(f"{path.name}{prefix}", name, header)
    for n, item in enumerate(items, 1):
        for key, value in item.items():
            if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
                raise RegisterError(f"{path.name}{prefix} ieraksts / record {n}, kolonna / column {key}: gaidīts teksts, skaitlis, jā/nē vai "
                                    "to saraksts, nevis objekts / expected text, a number, true/false or a list of them, not an object")
        table.rows.append((f"{path.name}{prefix} ieraksts / record {n}", {k: _text(v) for k, v in item.items()}))
    return table


def read_json(path: Path) -> list[Table]:
    """Read ``[{...}, ...]`` (kind from ``--kind``, the file name or the keys) or ``{"services": [...], ...}``."""
    raw = check_readable(path)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{path}: nav UTF-8 teksts / is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise RegisterError(f"{path} {exc.lineno}. rinda, {exc.colno}. zīme / line {exc.lineno} column {exc.colno}: nav derīgs JSON / not valid JSON: {exc.msg}") from exc
    if isinstance(data, dict):
        if not data:
            raise RegisterError(f"{path}: nav ierakstu; rakstiet {{\"services\": [...], ...}} vai ierakstu sarakstu / "
                                "has no records: write {\"services\": [...], ...} or a list of records")
        return [_table(path, kind, items, f" {kind}") for kind, items in data.items()]
    return [_table(path, path.stem, data, "")]
