"""How the report writes its numbers and dates (Babel) and the departments' names in the
reader's language, the same in the page, the PDF and the spreadsheets."""

from __future__ import annotations

from datetime import date

from babel import Locale, dates, numbers
from flask_babel import get_locale
from sqlalchemy import select

from inbox.extensions import db
from inbox.i18n import FORMAT_LOCALES
from inbox.models import Department


def _locale() -> str:
    """The reader's locale for Babel (English is British: "1 March 2026")."""
    code = str(get_locale() or "nn")
    return FORMAT_LOCALES.get(code, code)


def format_date(day: date, pattern: str) -> str:
    if pattern == "d MMMM" and not _locale().startswith("en"):
        pattern = "d. MMMM"  # "1. mars"
    return dates.format_date(day, pattern, locale=_locale())


def format_decimal(value: float, pattern: str) -> str:
    return numbers.format_decimal(value, pattern, locale=_locale())


#: Norwegian writes a four-digit number with or without the space (Språkrådet: "1000 eller
#: 1 000") and groups from five digits ("10 000"); the report writes 8751, as a table of
#: monthly counts reads best. English keeps its comma from four digits (8,751).
UNGROUPED_BELOW = 10_000


def format_number(value: int) -> str:
    locale = _locale()
    if abs(value) < UNGROUPED_BELOW and not locale.startswith("en"):
        return numbers.format_decimal(value, "0", locale=locale)
    return numbers.format_decimal(value, locale=locale)


def format_percent(value: float, pattern: str) -> str:
    return numbers.format_percent(value, pattern, locale=_locale())


def percent_pattern(decimals: int = 1, signed: bool = False) -> str:
    """The reader's own percent pattern with ``decimals`` (Norwegian with a no-break space
    before the sign, English without); ``signed``: with a plus before a rise."""
    head, zero, tail = Locale.parse(_locale()).percent_formats[None].pattern.rpartition("0")
    shown = head + zero + ("." + "0" * decimals if decimals else "") + tail
    return f"+{shown};-{shown}" if signed else shown


def share_text(value: float | None) -> str:
    """A share as the reader writes it: "77,6 %" in Norwegian, "77.6%" in English."""
    return "\u2013" if value is None else format_percent(value, percent_pattern())


def hours_text(value: float | None) -> str:
    return "\u2013" if value is None else format_decimal(value, "#,##0.0")


def count_text(value: int | None) -> str:
    return "\u2013" if value is None else format_number(value)


def department_names() -> dict[str, str]:
    """Each department's name in the reader's language, by slug (the report's keys)."""
    language = str(get_locale() or "nn")
    return {d.slug: d.name_in(language) for d in db.session.scalars(select(Department))}
