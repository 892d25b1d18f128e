"""Words on the pages: texts that may be in the other language (counts with their noun: :mod:`virsis_graph.plural`).

The site shows a page in one language (``?lang=lv`` or ``en``). A text the
register lacks in that language falls back to the other one, and the page then
says so to browsers and screen readers with a ``lang`` attribute (``Text`` and
the ``shown`` filter), so a Latvian title on an English page is read in Latvian.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..plural import counted

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



XSD = "http://www.w3.org/2001/XMLSchema#"
_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNITS = (  # (Latvian singular, plural), (English singular, plural), in the order of the ISO 8601 parts
    (("gads", "gadi"), ("year", "years")), (("mēnesis", "mēneši"), ("month", "months")), (("nedēļa", "nedēļas"), ("week", "weeks")),
    (("diena", "dienas"), ("day", "days")), (("stunda", "stundas"), ("hour", "hours")), (("minūte", "minūtes"), ("minute", "minutes")),
    (("sekunde", "sekundes"), ("second", "seconds")),
)


def literal(term: object, lang: str) -> Markup:
    """A typed literal as a person reads it in ``lang``, its value kept for machines: ``<data value="P14D">14 dienas</data>``.

    Yes or no for ``xsd:boolean``, an ISO 8601 duration in words, a decimal
    comma in Latvian; any other value as it is written.
    """
    value = getattr(term, "value", str(term))
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    words = None
    if datatype == XSD + "boolean" and value in ("true", "false", "1", "0"):
        yes = value in ("true", "1")
        words = ("jā" if yes else "nē") if lang == "lv" else ("yes" if yes else "no")
    elif datatype == XSD + "duration" and (m := _DURATION.fullmatch(value)) and any(m.groups()):
        words = " ".join(counted(int(n), lang, *units) for n, units in zip(m.groups(), _UNITS) if n)
    elif datatype in (XSD + "double", XSD + "decimal", XSD + "float"):
        try:
            number = f"{float(value):g}"
        except ValueError:
            number = None
        if number is not None and "e" not in number:
            words = number.replace(".", ",") if lang == "lv" else number
    if words is None or words == value:
        return escape(value)
    return Markup('<data value="{}">{}</data>').format(value, words)
