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
import pyoxigraph as ox
from rdflib.namespace import XSD

from ..plural import counted
from ..records import DURATION

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



_UNITS = (  # (Latvian singular, plural), (English singular, plural), in the order of the ISO 8601 parts
    (("gads", "gadi"), ("year", "years")), (("mēnesis", "mēneši"), ("month", "months")), (("nedēļa", "nedēļas"), ("week", "weeks")),
    (("diena", "dienas"), ("day", "days")), (("stunda", "stundas"), ("hour", "hours")), (("minūte", "minūtes"), ("minute", "minutes")),
    (("sekunde", "sekundes"), ("second", "seconds")),
)


def literal(term: ox.Literal, lang: str) -> Markup:
    """A typed literal as a person reads it in ``lang``, its value kept for machines: ``<data value="P14D">14 dienas</data>``.

    Yes or no for ``xsd:boolean``, an ISO 8601 duration in words, a decimal
    comma in Latvian; any other value as it is written.
    """
    value, datatype = term.value, term.datatype.value
    words = None
    if datatype == str(XSD.boolean) and value in ("true", "false", "1", "0"):
        yes = value in ("true", "1")
        words = ("jā" if yes else "nē") if lang == "lv" else ("yes" if yes else "no")
    elif (datatype == str(XSD.duration) and not value.startswith("-") and (m := DURATION.fullmatch(value))
          and all(n is None or n.isdigit() for n in m.groups())):  # a negative or fractional one stays as written
        words = " ".join(counted(int(n), lang, *units) for n, units in zip(m.groups(), _UNITS) if n)
    elif datatype in (str(XSD.double), str(XSD.decimal), str(XSD.float)):
        try:
            number = f"{float(value):g}"
        except ValueError:
            number = None
        if number is not None and "e" not in number:
            words = number.replace(".", ",") if lang == "lv" else number
    if words is None or words == value:
        return escape(value)
    return Markup('<data value="{}">{}</data>').format(value, words)
