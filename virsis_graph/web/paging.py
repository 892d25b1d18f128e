"""One page of a list, as the ``page`` query parameter asks (a bad or too large number gives the nearest page)."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


def page_number(request: Request, total: int, size: int) -> tuple[int, int]:
    """``(the page number, the number of pages)`` of a list of ``total`` items, ``size`` a page."""
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-total // size))
    return min(page, pages), pages


def page_of(request: Request, items: list[T], size: int) -> tuple[list[T], int, int]:
    """``(the items on the page, the page number, the number of pages)``."""
    page, pages = page_number(request, len(items), size)
    return items[(page - 1) * size: page * size], page, pages
