"""The channel report as one printable document: HTML with its charts inlined, or PDF.

The PDF is A4 with the municipality's name and page numbers on every page
(WeasyPrint, from the same tables as the web page). Used by the page's
``format=pdf`` and by ``svarfrist report channels --format html|pdf``.
"""

from __future__ import annotations

import base64
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import gettext as _

from inbox.reports.formats import (
    count_text,
    department_names,
    format_date,
    format_decimal,
    format_number,
    format_percent,
    hours_text,
    percent_pattern,
    share_text,
)
from inbox.reports.wording import channel_names, definitions, look_at_texts


def chart_labels(report: dict[str, Any]) -> dict[str, str]:
    return {
        "monthly_title": _("New turns per month and channel"),
        "kept_title": _("Share answered by the due time"),
        "month": _("Month"),
        "turns": _("Turns"),
        "channel": _("Channel"),
        "percent": _("Percent"),
        **channel_names(report),
    }


def chart_formats(report: dict[str, Any]) -> dict[str, Any]:
    """The charts' month names and number formats in the reader's language."""
    year = report["period"]["year"]
    return {
        "month_names": {m: format_date(date(year, m, 1), "LLL").capitalize() for m in range(1, 13)},
        "percent": lambda value: "" if value is None else format_decimal(value, "#,##0.0"),
        "count": lambda value: "" if value is None else format_number(value),
    }


def chart_svg(report: dict[str, Any], name: str) -> bytes:
    from inbox.reports import charts  # here: pygal costs every command's start-up 40 ms

    draw = charts.monthly_turns if name == "months" else charts.kept_share
    return draw(report, chart_labels(report), chart_formats(report))


def period_text(report: dict[str, Any], key: str = "") -> str:
    """The local days a period covers: "1. januar \u2013 30. november 2026"."""
    period = report["previous"] if key == "previous" else report["period"]
    zone = current_app.extensions["svarfrist"].rules.calendar.zone
    first = datetime.fromisoformat(period["from"]).astimezone(zone).date()
    last = (datetime.fromisoformat(period["to"]) - timedelta(microseconds=1)).astimezone(zone)
    return f"{format_date(first, 'd MMMM')} \u2013 {format_date(last.date(), 'long')}"


def comparison_text(report: dict[str, Any]) -> str:
    """What the period is compared with, in words; or that there is nothing to compare with."""
    if report["change"]["turns"] is None:
        return _("There is no earlier year to compare with.")
    change = report["change"]["turns"]
    number = format_number(change["number"])
    if change["number"] > 0:
        number = "+" + number
    if change["percent"] is not None:
        number += f" ({format_percent(change['percent'] / 100, percent_pattern(signed=True))})"
    previous = report["previous"]
    if previous["same_days"]:
        zone = current_app.extensions["svarfrist"].rules.calendar.zone
        first = datetime.fromisoformat(report["period"]["from"]).astimezone(zone).date()
        last = datetime.fromisoformat(report["period"]["to"]) - timedelta(microseconds=1)
        return _(
            "%(change)s: %(first)s \u2013 %(last)s, against the same days of %(year)s.",
            change=number,
            first=format_date(first, "d MMMM"),
            last=format_date(last.astimezone(zone).date(), "d MMMM"),
            year=first.year - 1,
        )
    return _(
        "%(change)s, against %(period)s.",
        change=number,
        period=period_text(report, "previous"),
    )


def title_text(report: dict[str, Any], year: int, month: int | None, names: dict) -> str:
    """The report's title: the one department it covers, or the municipality."""
    municipality = current_app.extensions["svarfrist"].rules.municipality.name
    scope = report["period"].get("department")
    covers = names.get(scope, scope) if scope else municipality
    period = str(year) if month is None else format_date(date(year, month, 1), "LLLL y")
    return _("Channel report %(period)s \u2013 %(covers)s", period=period, covers=covers)


def page_values(report: dict[str, Any], year: int, month: int | None) -> dict[str, Any]:
    """What the report templates need besides the chart addresses."""
    names = department_names()
    channels = channel_names(report)
    return {
        "report": report,
        "year": year,
        "month": month,
        "month_names": {m: format_date(date(year, m, 1), "LLLL") for m in range(1, 13)},
        "channel_rows": [
            *((channels[c], figures) for c, figures in report["channels"].items()),
            (_("All channels"), report["total"]),
        ],
        "department_rows": [(names.get(s, s), f) for s, f in report["departments"].items()],
        "handover_rows": [
            (names.get(s, s), f) for s, f in report["handovers"]["by_department"].items()
        ],
        "share_text": share_text,
        "hours_text": hours_text,
        "count_text": count_text,
        "period_words": period_text(report),
        "comparison": comparison_text(report),
        "title": title_text(report, year, month, names),
        "municipality": current_app.extensions["svarfrist"].rules.municipality.name,
        "look_at_texts": look_at_texts(report),
        "definitions": definitions(),
    }


def as_html(report: dict[str, Any], year: int, month: int | None) -> str:
    """A standalone document: styles and charts inside, nothing fetched."""

    def inline(name: str) -> str:
        encoded = base64.b64encode(chart_svg(report, name)).decode()
        return f"data:image/svg+xml;base64,{encoded}"

    # From the command line the templates' helpers still need a request (the default language).
    context = nullcontext() if has_request_context() else current_app.test_request_context()
    with context:
        values = page_values(report, year, month)
        return render_template("reports/print.html", chart_url=inline, **values)


def as_pdf(report: dict[str, Any], year: int, month: int | None) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    return HTML(string=as_html(report, year, month)).write_pdf()
