"""The channel report as one printable document: HTML with its charts inlined, or PDF.

The PDF is A4 with the municipality's name and page numbers on every page
(WeasyPrint, from the same tables as the web page). Used by the page's
``format=pdf`` and by ``svarfrist report channels --format html|pdf``.
"""

from __future__ import annotations

import base64
from contextlib import nullcontext
from datetime import date
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from inbox.settings.promise_text import CHANNEL_NAMES


def chart_labels(report: dict[str, Any]) -> dict[str, str]:
    return {
        "monthly_title": _("New turns per month and channel"),
        "kept_title": _("Share answered by the due time"),
        "month": _("Month"),
        "turns": _("Turns"),
        "channel": _("Channel"),
        "percent": _("Percent"),
        **{channel: _channel_name(channel) for channel in report["channels"]},
    }


def chart_svg(report: dict[str, Any], name: str) -> bytes:
    from inbox.reports import charts  # here: pygal costs every command's start-up 40 ms

    draw = charts.monthly_turns if name == "months" else charts.kept_share
    return draw(report, chart_labels(report))


def page_values(report: dict[str, Any], year: int, month: int | None) -> dict[str, Any]:
    """What the report templates need besides the chart addresses."""
    return {
        "report": report,
        "year": year,
        "month": month,
        "month_names": {m: format_date(date(year, m, 1), "LLLL") for m in range(1, 13)},
        "channel_rows": [
            *((_channel_name(c), figures) for c, figures in report["channels"].items()),
            (_("All channels"), report["total"]),
        ],
        "municipality": current_app.extensions["svarfrist"].rules.municipality.name,
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


def _channel_name(channel: str) -> str:
    name = CHANNEL_NAMES.get(channel)
    return str(name) if name is not None else channel
