"""A count and its noun, in Latvian or English: ``1 kļūda``, ``2 kļūdas``, ``21 pakalpojums``, ``11 pakalpojumi``."""

from __future__ import annotations


def singular(n: int, lang: str) -> bool:
    """Whether a count takes the singular noun: Latvian after 1, 21, 31 … (but not 11, 111 …); English after 1."""
    if lang == "lv":
        return n % 10 == 1 and n % 100 != 11
    return n == 1


def counted(n: int, lang: str, lv: tuple[str, str], en: tuple[str, str]) -> str:
    """``n`` and its noun in ``lang``: ``counted(21, "lv", ("pakalpojums", "pakalpojumi"), ("service", "services"))``
    is ``21 pakalpojums``; each pair is (singular, plural)."""
    one, many = lv if lang == "lv" else en
    return f"{n} {one if singular(n, lang) else many}"
