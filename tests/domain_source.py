"""Reads the numbered lists out of ``shared/domain/DOMAIN.md``.

The coverage test compares the vocabularies with what this module finds in the
source text, so a list item added to or renamed in DOMAIN.md fails the test
until the vocabularies follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One numbered item of the source: its notation, English text and Latvian term if given."""

    notation: str
    en: str
    lv: str | None = None


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _between(text: str, start: str, end: str | None) -> str:
    i = text.index(start) + len(start)
    j = text.index(end, i) if end else len(text)
    return " ".join(text[i:j].split())


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def _en_lv(text: str) -> tuple[str, str | None]:
    """'State (Valsts)' -> ('State', 'Valsts'); several brackets are joined."""
    lv = re.findall(r"\(([^()]*(?:\([^()]*\))?[^()]*)\)", text)
    en = re.sub(r"\s*\((?:[^()]*(?:\([^()]*\))?[^()]*)\)", "", text).strip(" .")
    return en, (" ".join(lv) if lv else None)


def _inline_numbered(text: str) -> list[Item]:
    """'1 State (Valsts); 2 Sector ...' or '1 planning (plānošana), 2 ...' -> items."""
    pieces = re.split(r"(?:^|[;,]\s*)(\d+) ", text)
    items = []
    for number, body in zip(pieces[1::2], pieces[2::2]):
        en, lv = _en_lv(body.strip(" ;,."))
        items.append(Item(number, en, lv))
    return items


def _numbered_lines(block: str) -> list[Item]:
    items = []
    for line in block.splitlines():
        m = re.match(r"^\s*(\d+)\. (.*)$", line)
        if m:
            en, lv = _en_lv(m.group(2))
            items.append(Item(m.group(1), en, lv))
    return items


def numbered_lists(text: str) -> dict[str, list[Item]]:
    """Every numbered list of DOMAIN.md, keyed by the name the vocabulary test uses."""
    s2 = _section(text, "## 2.")
    kinds = re.findall(r"^\s+- \*\*(.+?)\*\* \((.+?)\)", s2, flags=re.M)
    service_kinds = [Item(n, en, lv) for n, (en, lv) in zip(["1.1", "1.2", "2.1", "2.2"], kinds)]

    s3 = _section(text, "## 3.")
    lifecycle = _inline_numbered(_between(s3, "**service lifecycle**:", None))

    s4 = _section(text, "## 4.")
    caps = _between(s4, "Capabilities (Spējas):", "Resources (Resursi)").rstrip(". ")
    capabilities = [Item(str(i), c.strip(" .")) for i, c in enumerate(caps.split(","), 1)]

    s5 = _section(text, "## 5.")
    scales = _inline_numbered(_between(s5, "(mērogi, horizontal):", "Governance **levels**"))
    levels = _inline_numbered(_between(s5, "(līmeņi, vertical):", "Main **roles**"))
    roles = _numbered_lines(s5[s5.index("Main **roles**") :])

    s6 = _section(text, "## 6.")
    policy = _numbered_lines(s6[s6.index("Policy level:") : s6.index("Core-activity and support levels:")])
    core = _numbered_lines(s6[s6.index("Core-activity and support levels:") : s6.index("All levels:")])
    all_levels = _inline_numbered(_between(s6, "All levels:", "The source assigns"))
    tasks = (
        [Item("P" + i.notation, i.en) for i in policy]
        + [Item("C" + i.notation, i.en) for i in core]
        + [Item("A" + i.notation, i.en) for i in all_levels]
    )

    s8 = _section(text, "## 8.")
    conditions, sub_criteria = [], []
    for m in re.finditer(r"^(\d+)\. \*\*(.+?)\*\* \((.+?)\)(.*?)(?=^\d+\. \*\*|\Z)", s8, flags=re.M | re.S):
        number, en, lv, rest = m.groups()
        conditions.append(Item(number, en, lv))
        criteria = " ".join(rest.split()).rsplit(":", 1)[1].strip(" .")
        parts = _split_top_level(criteria, ";")
        if len(parts) == 1:
            parts = _split_top_level(criteria, ",")
        for j, part in enumerate(parts, 1):
            sub_en, sub_lv = _en_lv(part.strip(' ."'))
            sub_criteria.append(Item(f"{number}.{j}", sub_en, sub_lv))

    s12 = _section(text, "## 12.")
    request_types = _inline_numbered(_between(s12, "Request types:", None))

    return {
        "service-kind": service_kinds,
        "lifecycle-stage": lifecycle,
        "capability": capabilities,
        "scale": scales,
        "level": levels,
        "role": roles,
        "task": tasks,
        "quality-condition": conditions + sub_criteria,
        "request-type": request_types,
    }
