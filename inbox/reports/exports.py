"""The channel report as a spreadsheet (XLSX, one sheet per section, real numbers, "what to
look at" and the definitions on sheets of their own) or CSV (channels, months, definitions).

Headers and names are in the reader's language (the request's, or the default one
from the command line); the figures stay numbers. In XLSX a share is a fraction with a
percent number format; in CSV, which has no formats, it is a percent number ("84.21").
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import lazy_gettext as _l

from inbox.reports.formats import department_names
from inbox.reports.wording import channel_names, definitions, look_at_texts

FIGURE_COLUMNS = (
    "turns",
    "cases",
    "answered",
    "by_target",
    "by_due",
    "by_target_share",
    "by_due_share",
    "quick",
    "quick_share",
    "median_hours",
    "p90_hours",
    "preliminary",
    "preliminary_share",
    "open_at_end",
    "overdue_at_end",
)
HEADERS = {
    "turns": _l("Turns"),
    "cases": _l("New cases"),
    "answered": _l("Answered"),
    "by_target": _l("By the target"),
    "by_due": _l("By the due time"),
    "by_target_share": _l("Share by the target"),
    "by_due_share": _l("Share by the due time"),
    "quick": _l("Quick answers"),
    "quick_share": _l("Share of quick answers"),
    "median_hours": _l("Median hours to answer"),
    "p90_hours": _l("90th percentile, hours"),
    "preliminary": _l("Preliminary answers"),
    "preliminary_share": _l("Share of preliminary answers"),
    "open_at_end": _l("Open at the end"),
    "overdue_at_end": _l("Overdue at the end"),
    "count": _l("Offered"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "declined_share": _l("Share declined"),
    "median_hours_to_accept": _l("Median hours to accept"),
}
HANDOVER_COLUMNS = ("count", "accepted", "declined", "declined_share", "median_hours_to_accept")
PERCENT_FORMAT = "0.0%"


def _names(report: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    return channel_names(report), department_names()


def _header(key: str, percent_sign: bool = False) -> str:
    text = str(HEADERS[key])
    return f"{text} (%)" if percent_sign and key.endswith("_share") else text


def figure_rows(report: dict[str, Any], channels: dict[str, str] | None = None) -> list[list]:
    """One row per channel (by its name), then all channels; shares as fractions."""
    from flask_babel import gettext as _

    channels = channels if channels is not None else _names(report)[0]
    rows = [
        [channels.get(name, name), *(figures[c] for c in FIGURE_COLUMNS)]
        for name, figures in report["channels"].items()
    ]
    rows.append([_("All channels"), *(report["total"][c] for c in FIGURE_COLUMNS)])
    return rows


def _as_percent(columns, row):
    """CSV has no number formats: a share becomes a percent number (0.8421 -> 84.21)."""
    return [
        round(value * 100, 2) if key.endswith("_share") and value is not None else value
        for key, value in zip(columns, row, strict=True)
    ]


def _in_a_request(render):
    """From the command line the names still need a request (the default language)."""
    from functools import wraps

    from flask import current_app, has_request_context

    @wraps(render)
    def rendered(report):
        if has_request_context():
            return render(report)
        with current_app.test_request_context():
            return render(report)

    return rendered


@_in_a_request
def as_csv(report: dict[str, Any]) -> str:
    """The channels with the total, then the months, then the definitions, each a table of its
    own after an empty line."""
    from flask_babel import gettext as _

    channels, _departments = _names(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Channel"), *(_header(c, percent_sign=True) for c in FIGURE_COLUMNS)])
    for name, *values in figure_rows(report, channels):
        writer.writerow([name, *_as_percent(FIGURE_COLUMNS, values)])
    writer.writerow([])
    header, rows = month_rows(report, channels)
    writer.writerow(header)
    writer.writerows(rows)
    writer.writerow([])
    writer.writerow([_("Term"), _("Definition")])
    writer.writerows(definitions())
    return buffer.getvalue()


def month_rows(report: dict[str, Any], channels: dict[str, str]) -> tuple[list[str], list[list]]:
    """The months' header and rows: turns, new cases, broken promises, turns per channel."""
    from flask_babel import gettext as _

    month_names = _month_names(report)
    in_months = sorted({c for entry in report["months"] for c in entry["by_channel"]})
    header = [
        _("Month"),
        _("Turns"),
        _("New cases"),
        _("Broken promises"),
        *(channels.get(c, c) for c in in_months),
    ]
    rows = [
        [
            month_names[entry["month"]],
            entry["turns"],
            entry["cases"],
            entry["broken"],
            *(entry["by_channel"].get(c, 0) for c in in_months),
        ]
        for entry in report["months"]
    ]
    return header, rows


def _month_names(report: dict[str, Any]) -> dict[int, str]:
    from datetime import date

    from flask_babel import format_date

    year = report["period"]["year"]
    return {m: format_date(date(year, m, 1), "LLLL").capitalize() for m in range(1, 13)}


def _text_sheet(book, title: str, header: list[str], rows) -> None:
    """A sheet of sentences: wide, wrapped columns (the last is the text)."""
    from openpyxl.styles import Alignment

    sheet = _sheet(book, title, header, (), rows)
    for index in range(1, len(header) + 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 100 if index == len(header) else 30
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(book, title: str, header: list[str], columns, rows, first: bool = False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index, key in enumerate(columns, start=2):
        if key.endswith("_share"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = PERCENT_FORMAT
    return sheet


@_in_a_request
def as_xlsx(report: dict[str, Any]) -> bytes:
    from flask_babel import gettext as _
    from openpyxl import Workbook  # here: it costs commands that never write XLSX 0.2 s

    channels, departments = _names(report)
    book = Workbook()
    figure_header = [_header(c) for c in FIGURE_COLUMNS]
    _sheet(
        book,
        _("Channels"),
        [_("Channel"), *figure_header],
        FIGURE_COLUMNS,
        figure_rows(report, channels),
        first=True,
    )
    header, rows = month_rows(report, channels)
    _sheet(book, _("Months"), header, (), rows)
    _sheet(
        book,
        _("Departments"),
        [_("Department"), *figure_header],
        FIGURE_COLUMNS,
        (
            [departments.get(slug, slug), *(figures[c] for c in FIGURE_COLUMNS)]
            for slug, figures in report["departments"].items()
        ),
    )
    _sheet(
        book,
        _("Handovers"),
        [_("Department"), *(_header(k) for k in HANDOVER_COLUMNS)],
        HANDOVER_COLUMNS,
        (
            [departments.get(slug, slug), *(figures[k] for k in HANDOVER_COLUMNS)]
            for slug, figures in report["handovers"]["by_department"].items()
        ),
    )
    _text_sheet(
        book, _("What to look at"), [_("What to look at")], ([t] for t in look_at_texts(report))
    )
    _text_sheet(book, _("Definitions"), [_("Term"), _("Definition")], definitions())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
