"""The channel report in the reader's words: names, numbers and dates in nn and en, the
same figures in the page, JSON, CSV and XLSX, and comparisons that hold."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from babel.numbers import format_percent
from openpyxl import load_workbook

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Department, Role
from tests.factories import make_user
from tests.inbox.intake_helpers import email, sms
from tests.inbox.reports.test_reports import at
from tests.inbox.reports.test_reports import year_2026 as year_2026  # the fixture
from tests.inbox.web_helpers import log_in

WORDS = {
    "nn": {
        "locale": "nn",
        "department": "Innbyggjarservice",
        "email": "E-post",
        "all": "Alle kanalar",
        "channel": "Kanal",
        "turns": "Førespurnader",
        "sheets": ["Kanalar", "Månader", "Avdelingar", "Overføringar"],
        "january": "Januar",
        "no_earlier": "Det finst ikkje noko år før å samanlikne med.",
        "period": "1. januar \u2013 25. november 2026",
    },
    "en": {
        "locale": "en_GB",
        "department": "Citizen service",
        "email": "E-mail",
        "all": "All channels",
        "channel": "Channel",
        "turns": "Turns",
        "sheets": ["Channels", "Months", "Departments", "Handovers"],
        "january": "January",
        "no_earlier": "There is no earlier year to compare with.",
        "period": "1 January \u2013 25 November 2026",
    },
}


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _share(value: float, locale: str) -> str:
    return format_percent(value, "#,##0.0 %", locale=locale)


@pytest.mark.parametrize("language", ["nn", "en"])
def test_the_figures_agree_in_every_format_with_names_in_the_readers_language(
    app, client, year_2026, language
):
    words = WORDS[language]
    service = db.session.scalars(db.select(Department)).one()
    service.name, service.name_en = "Innbyggjarservice", "Citizen service"
    make_user(service, role=Role.LEADER, email="leiar@alver.no", language=language)
    db.session.commit()
    log_in(client, "leiar@alver.no")
    with frozen_at(at(2026, 11, 25, 12, 0)):
        html = client.get("/reports/channels?year=2026").get_data(as_text=True)
        chart = client.get("/reports/channels/chart/kept.svg?year=2026").get_data(as_text=True)
        months_chart = client.get("/reports/channels/chart/months.svg?year=2026")
        rows = list(
            csv.reader(io.StringIO(client.get("/reports/channels?year=2026&format=csv").text))
        )
        book = load_workbook(io.BytesIO(client.get("/reports/channels?year=2026&format=xlsx").data))
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--format", "json"]
        )
    report = json.loads(result.stdout)
    total = report["total"]
    page = _visible(html)

    # The page: names, not slugs or English codes; shares and dates as the reader writes them.
    assert f"{words['email']} " in page and "e-mail " not in page.replace(words["email"], "")
    assert f"{words['department']} " in page and "innbyggjarservice" not in page
    assert _share(total["by_due_share"], words["locale"]) in page
    assert words["period"] in page and words["no_earlier"] in page
    assert (
        f"{'Kanalrapport' if language == 'nn' else 'Channel report'} 2026 \u2013 "
        f"{words['department']}</h1>" in html
    )
    assert "format=pdf" in html
    # The charts: the channels by name.
    assert words["email"] in chart and ">email<" not in chart
    assert ">" + words["january"][:3] in months_chart.get_data(as_text=True)

    # CSV: headers in the language; the total row's figures are the JSON's, shares in percent.
    assert rows[0][:2] == [words["channel"], words["turns"]]
    csv_total = next(row for row in rows if row and row[0] == words["all"])
    assert [int(v) for v in csv_total[1:6]] == [
        total[k] for k in ("turns", "cases", "answered", "by_target", "by_due")
    ]
    assert float(csv_total[7]) == pytest.approx(total["by_due_share"] * 100)
    assert float(csv_total[10]) == total["median_hours"]
    months = rows[rows.index([]) + 1 :]
    assert months[1][0] == words["january"] and len(months) == 13
    assert [int(row[1]) for row in months[1:]] == [m["turns"] for m in report["months"]]

    # XLSX: a sheet per section in the language; numbers, percent cells formatted as percent.
    assert book.sheetnames == words["sheets"]
    channels = list(book[words["sheets"][0]].iter_rows(values_only=True))
    assert channels[1][0] == words["email"] and channels[-1][0] == words["all"]
    assert list(channels[-1][1:6]) == [
        total[k] for k in ("turns", "cases", "answered", "by_target", "by_due")
    ]
    assert channels[-1][7] == total["by_due_share"]
    assert book[words["sheets"][0]].cell(row=2, column=8).number_format == "0.0%"
    departments = list(book[words["sheets"][2]].iter_rows(values_only=True))
    assert departments[1][0] == words["department"] and departments[1][1] == total["turns"]


def test_a_running_year_is_compared_with_the_same_days_of_the_year_before(app, client, year_2026):
    # Two turns in 2025: one before 25 November, one after it (not in the comparison).
    with frozen_at(at(2025, 3, 3, 10, 0)):
        receive(email(received_at=at(2025, 3, 3, 10, 0), sender="x@example.no"))
    with frozen_at(at(2025, 12, 1, 10, 0)):
        receive(sms(received_at=at(2025, 12, 1, 10, 0), sender="+4799999999"))
    service = db.session.scalars(db.select(Department)).one()
    make_user(service, role=Role.LEADER, email="leiar@alver.no")
    db.session.commit()
    log_in(client, "leiar@alver.no")
    with frozen_at(at(2026, 11, 25, 12, 0)):
        page = _visible(client.get("/reports/channels?year=2026").get_data(as_text=True))
        whole = client.get("/reports/channels?year=2025").get_data(as_text=True)
    assert ": 1. januar \u2013 25. november, mot dei same dagane i 2025." in page
    assert re.search(r"\+400,0\s%", page)
    # A year that is over is compared with the whole year before (here: nothing).
    assert "Det finst ikkje noko år før å samanlikne med." in _visible(whole)
