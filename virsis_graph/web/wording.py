"""Words on the pages: texts that may be in the other language (counts with their noun: :mod:`virsis_graph.plural`).

The site shows a page in one language (``?lang=lv`` or ``en``). A text the
register lacks in that language falls back to the other one, and the page then
says so to browsers and screen readers with a ``lang`` attribute (``Text`` and
the ``shown`` filter), so a Latvian title on an English page is read in Latvian.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

LANGUAGES = ("lv", "en")


class Text(NamedTuple):
    """A text and its language (``""`` when it has none, such as an identifier or a personal name)."""

    text: str
    lang: str = ""


def choose(texts: Mapping[str, str], lang: str, fallback: str = "") -> Text:
    """The text in ``lang``, else one without a language, else in the other site language, else ``fallback``.

    ``texts`` maps a language tag (``""`` for none) to a text.
    """
    for wanted in (lang, "", *(other for other in LANGUAGES if other != lang)):
        if texts.get(wanted):
            return Text(texts[wanted], wanted)
    return Text(fallback)


@pass_context
def shown(context: Context, text: Text | str | None) -> Markup:
    """``text`` escaped, inside ``<span lang="..">`` when its language is not the page's (the ``lang`` of ``context``)."""
    if text is None:
        return Markup("")
    if isinstance(text, str):
        return escape(text)
    if text.lang and text.lang != context.get("lang"):
        return Markup('<span lang="{}">{}</span>').format(text.lang, text.text)
    return escape(text.text)

