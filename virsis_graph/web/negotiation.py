"""Content negotiation: which of the offered media types an ``Accept`` header prefers.

Shared by every route that answers in several formats. Quality values,
``type/*`` and ``*/*`` follow RFC 9110 §12.5.1; among equals the server's own
order of preference decides. :func:`represent` is the whole answer of a
resource published in HTML and RDF (records, the ontology, the code lists):
extension or ``Accept``, ``Vary``, ``Link``, ``Content-Location``, ``ETag``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response


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


# ---------------------------------------------------------------------------
# One resource in several formats: the Cool URIs dance every negotiated route shares
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """One representation: its extension in URLs, its media type, and the RDF syntax (None for HTML)."""

    extension: str
    media_type: str
    rdf: ox.RdfFormat | None


FORMATS = (
    Format("ttl", "text/turtle", ox.RdfFormat.TURTLE),
    Format("html", "text/html", None),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    Format("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
)
"""In the server's order of preference: ``*/*`` (curl, RDF tools) gets Turtle."""
BY_EXTENSION = {f.extension: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}


def split_extension(name: str) -> list[tuple[str, Format | None]]:
    """The readings of a path's last segment: ``("s-01", ttl format)`` for ``s-01.ttl``, then the name as it is.

    Both are returned because a name may itself contain ``.``; the caller takes
    the first that names something.
    """
    readings: list[tuple[str, Format | None]] = [(name, None)]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension in BY_EXTENSION:
        readings.insert(0, (stem, BY_EXTENSION[extension]))
    return readings


def rdf_body(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """``triples`` in ``fmt``'s RDF syntax, in a stable order (so that equal content has an equal ETag)."""
    # Only Turtle and RDF/XML use prefixes; pyoxigraph's JSON-LD writer takes none.
    wanted = prefixes if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(sorted(triples, key=str), format=fmt.rdf, prefixes=wanted)


def is_fresh(request: Request, etag: str) -> bool:
    """Whether the client's ``If-None-Match`` already names ``etag`` (it gets 304)."""
    return etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]


def represent(request: Request, path: str, fmt: Format | None, body: Callable[[Format], bytes], *,
              formats: tuple[Format, ...] = FORMATS, what: str = "this resource") -> Response:
    """Answer for the resource at ``path`` in ``fmt``, or in the format ``Accept`` prefers when ``fmt`` is None.

    The response carries ``Vary: Accept``, a ``Link`` to every alternate
    (``{path}.{extension}``), a ``Content-Location`` naming the chosen format's
    own URL when it was negotiated, and a strong ``ETag`` (``If-None-Match``
    gives 304). An ``Accept`` that none of ``formats`` satisfies gets 406
    naming them. ``body`` makes the representation; HTML is sent as UTF-8.
    """
    headers = {"Vary": "Accept", "Link": ", ".join(f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in formats)}
    if fmt is None:
        chosen = negotiate(request.headers.get("accept"), [f.media_type for f in formats])
        if chosen is None:
            offered = ", ".join(f.media_type for f in formats)
            text = f"406: prasītais formāts nav pieejams; pieejami ir {offered} / 406 Not Acceptable: {what} is offered as {offered}\n"
            return Response(text, status_code=406, media_type="text/plain", headers=headers)
        fmt = next(f for f in formats if f.media_type == chosen)
        headers["Content-Location"] = f"{path}.{fmt.extension}"
    content = body(fmt)
    headers["ETag"] = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    if is_fresh(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    media_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(content, media_type=media_type, headers=headers)
