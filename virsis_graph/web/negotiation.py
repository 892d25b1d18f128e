"""Content negotiation: which of the offered media types an ``Accept`` header prefers.

Shared by every route that answers in several formats. Quality values,
``type/*`` and ``*/*`` follow RFC 9110 §12.5.1; among equals the server's own
order of preference decides.
"""

from __future__ import annotations


def _parse(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``media_type`` (0 when none does)."""
    kind = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for pattern, q in ranges:
        if pattern == media_type:
            level = 2
        elif pattern == f"{kind}/*":
            level = 1
        elif pattern == "*/*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer ``accept`` prefers, the first of ``offers`` when it says nothing, or None when it accepts none."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse(accept)
    scored = [(_quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None
