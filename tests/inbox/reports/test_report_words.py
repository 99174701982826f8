"""The channel report in the reader's words: names, numbers, dates, "what to look at" and the
definitions in nn, nb and en, the same figures in the page, JSON, CSV, XLSX and PDF, and
comparisons that hold."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Department, Role
from inbox.reports.formats import count_text
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
        "text_sheets": ["Kva ein bør sjå på", "Definisjonar"],
        "january": "Januar",
        "no_earlier": "Det finst ikkje noko år før å samanlikne med.",
        "period": "1. januar \u2013 25. november 2026",
        "title": "Kanalrapport 2026 \u2013 Innbyggjarservice",
        "first_point": "E-post: 75,0 % av 4 lovnader haldne, under målet på 90 %.",
        "second_point": "SMS: 0,0 % av 1 lovnad halden, under målet på 90 %.",
        "month_point": "Januar hadde flest brotne lovnader: 1.",
        "terms": ["Førespurnad", "Mål og frist", "Halde", "Raskt", "Median og 90-persentil"],
        "quick": "innan 25 % av opningstida",
    },
    "nb": {
        "locale": "nb",
        "department": "Innbyggerservice",
        "email": "E-post",
        "all": "Alle kanaler",
        "channel": "Kanal",
        "turns": "Henvendelser",
        "sheets": ["Kanaler", "Måneder", "Avdelinger", "Overføringer"],
        "text_sheets": ["Hva man bør se på", "Definisjoner"],
        "january": "Januar",
        "no_earlier": "Det finnes ikke noe år før å sammenligne med.",
        "period": "1. januar \u2013 25. november 2026",
        "title": "Kanalrapport 2026 \u2013 Innbyggerservice",
        "first_point": "E-post: 75,0 % av 4 løfter holdt, under målet på 90 %.",
        "second_point": "SMS: 0,0 % av 1 løfte holdt, under målet på 90 %.",
        "month_point": "Januar hadde flest brutte løfter: 1.",
        "terms": ["Henvendelse", "Mål og frist", "Holdt", "Raskt", "Median og 90-persentil"],
        "quick": "innen 25 % av åpningstiden",
    },
    "en": {
        "locale": "en_GB",
        "department": "Citizen service",
        "email": "E-mail",
        "all": "All channels",
        "channel": "Channel",
        "turns": "Turns",
        "sheets": ["Channels", "Months", "Departments", "Handovers"],
        "text_sheets": ["What to look at", "Definitions"],
        "january": "January",
        "no_earlier": "There is no earlier year to compare with.",
        "period": "1 January \u2013 25 November 2026",
        "title": "Channel report 2026 \u2013 Citizen service",
        "first_point": "E-mail: 75.0% of 4 promises kept, below the target of 90%.",
        "second_point": "SMS: 0.0% of 1 promise kept, below the target of 90%.",
        "month_point": "January had the most broken promises: 1.",
        "terms": ["Turn", "Target and due time", "Kept", "Quick", "Median and 90th percentile"],
        "quick": "within 25% of the opening hours",
    },
}
FIGURES = ("turns", "cases", "answered", "by_target", "by_due")


def _visible(html: str) -> str:
    return _spaced(re.sub(r"<[^>]+>", " ", html))


def _spaced(text: str) -> str:
    """Any run of white space (line breaks, no-break spaces) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def _share(value: float, locale: str) -> str:
    """A share as the reader writes it, worked out apart from Babel: "60,0 %", "60.0%"."""
    if locale.startswith("en"):
        return f"{value * 100:.1f}%"
    return f"{value * 100:.1f} %".replace(".", ",")


def _the_report_in_every_format(app, client, language, tmp_path) -> dict:
    """The page, a chart, CSV, XLSX and PDF as the leader gets them, and the command's JSON."""
    service = db.session.scalars(db.select(Department)).one()
    service.name, service.name_nb, service.name_en = (
        "Innbyggjarservice",
        "Innbyggerservice",
        "Citizen service",
    )
    make_user(service, role=Role.LEADER, email="leiar@alver.no", language=language)
    db.session.commit()
    log_in(client, "leiar@alver.no")
    pdf = tmp_path / "kanalrapport.pdf"
    with frozen_at(at(2026, 11, 25, 12, 0)):
        found = {
            "html": client.get("/reports/channels?year=2026").get_data(as_text=True),
            "chart": client.get("/reports/channels/chart/kept.svg?year=2026").text,
            "months_chart": client.get("/reports/channels/chart/months.svg?year=2026").text,
            "csv": list(
                csv.reader(io.StringIO(client.get("/reports/channels?year=2026&format=csv").text))
            ),
            "xlsx": load_workbook(
                io.BytesIO(client.get("/reports/channels?year=2026&format=xlsx").data)
            ),
        }
        pdf.write_bytes(client.get("/reports/channels?year=2026&format=pdf").data)
        command = ["report", "channels", "--year", "2026", "--format", "json"]
        result = app.test_cli_runner().invoke(args=[*command, "--language", language])
    assert result.exit_code == 0, result.output
    found["json"] = json.loads(result.stdout)
    found["pdf_text"] = pdf_text(pdf)
    found["pdf_pages"] = pdf_pages(pdf, tmp_path)
    return found


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(pdf: Path, folder: Path) -> list[tuple[tuple[int, int], float]]:
    """Each page rendered by pdftoppm: its size in pixels and its share of non-white pixels."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(folder / "side")], check=True)
    pages = []
    for path in sorted(folder.glob("side*.png")):
        with Image.open(path) as image:
            grey = image.convert("L")
            inked = sum(grey.histogram()[:200])
            pages.append((grey.size, inked / (grey.size[0] * grey.size[1])))
    return pages


@pytest.mark.parametrize("language", ["nn", "nb", "en"])
def test_the_figures_agree_in_every_format_with_names_in_the_readers_language(
    app, client, year_2026, language, tmp_path
):
    words = WORDS[language]
    found = _the_report_in_every_format(app, client, language, tmp_path)
    report = found["json"]
    total = report["total"]
    html, page = found["html"], _visible(found["html"])
    points = [_spaced(point["text"]) for point in report["look_at"]]
    # The all-channels row as a table shows it: the JSON's counts, then its two shares.
    total_row = " ".join(
        [words["all"], *(str(total[k]) for k in ("turns", "cases", "answered"))]
        + [_share(total[k], words["locale"]) for k in ("by_target_share", "by_due_share")]
    )

    # JSON: each point's machine kind and figures, and its sentence in the language asked for.
    assert [p["kind"] for p in report["look_at"]] == [
        "kept_below_target",
        "kept_below_target",
        "most_broken_month",
    ]
    assert points == [words["first_point"], words["second_point"], words["month_point"]]

    # The page: names, not slugs or English codes; shares and dates as the reader writes them.
    assert f"{words['email']} " in page and "e-mail " not in page.replace(words["email"], "")
    assert f"{words['department']} " in page and "innbyggjarservice" not in page
    assert _share(total["by_due_share"], words["locale"]) in page and total_row in page
    assert words["period"] in page and words["no_earlier"] in page
    assert f"{words['title']}</h1>" in html
    assert "format=pdf" in html
    assert all(point in page for point in points)
    assert all(f"{term} " in page for term in words["terms"]) and words["quick"] in page
    # The months' table: January's turn, case and broken promise.
    assert f"{words['january']} 1 1 1 " in page
    # The charts: the channels by name.
    assert words["email"] in found["chart"] and ">email<" not in found["chart"]
    assert ">" + words["january"][:3] in found["months_chart"]

    # CSV: headers in the language; the total row's figures are the JSON's, shares in percent;
    # then the months (with broken promises), then the definitions, each after an empty line.
    rows = found["csv"]
    assert rows[0][:2] == [words["channel"], words["turns"]]
    csv_total = next(row for row in rows if row and row[0] == words["all"])
    assert [int(v) for v in csv_total[1:6]] == [total[k] for k in FIGURES]
    assert float(csv_total[7]) == pytest.approx(total["by_due_share"] * 100)
    assert float(csv_total[10]) == total["median_hours"]
    breaks = [index for index, row in enumerate(rows) if not row]
    months, terms = rows[breaks[0] + 1 : breaks[1]], rows[breaks[1] + 1 :]
    assert months[1][0] == words["january"] and len(months) == 13
    assert [int(row[1]) for row in months[1:]] == [m["turns"] for m in report["months"]]
    assert [int(row[3]) for row in months[1:]] == [m["broken"] for m in report["months"]]
    assert [row[0] for row in terms[1:6]] == words["terms"]

    # XLSX: a sheet per section in the language; numbers, percent cells formatted as percent;
    # "what to look at" and the definitions on sheets of their own, saying what CSV says.
    book = found["xlsx"]
    assert book.sheetnames == words["sheets"] + words["text_sheets"]
    channels = list(book[words["sheets"][0]].iter_rows(values_only=True))
    assert channels[1][0] == words["email"] and channels[-1][0] == words["all"]
    assert list(channels[-1][1:6]) == [total[k] for k in FIGURES]
    assert channels[-1][7] == total["by_due_share"]
    assert book[words["sheets"][0]].cell(row=2, column=8).number_format == "0.0%"
    month_sheet = list(book[words["sheets"][1]].iter_rows(values_only=True))
    assert [list(row) for row in month_sheet[1:]] == [
        [row[0], *map(int, row[1:])] for row in months[1:]
    ]
    departments = list(book[words["sheets"][2]].iter_rows(values_only=True))
    assert departments[1][0] == words["department"] and departments[1][1] == total["turns"]
    look_sheet = list(book[words["text_sheets"][0]].iter_rows(values_only=True))
    assert [_spaced(text) for (text,) in look_sheet[1:]] == points
    definitions = list(book[words["text_sheets"][1]].iter_rows(values_only=True))
    assert [list(row) for row in definitions[1:]] == terms[1:]

    # PDF: the same title, names, figures, points and definitions (text by pdftotext).
    text = _spaced(found["pdf_text"])
    assert words["title"] in text and words["department"] in text
    assert words["email"] in text and "innbyggjarservice" not in text
    assert _share(total["by_due_share"], words["locale"]) in text and total_row in text
    assert all(point in text for point in points)
    assert all(term in text for term in words["terms"]) and words["quick"] in text
    # Rendered by pdftoppm: every page A4 portrait, and none blank. (No OCR here: that the
    # pixels spell the names is what pdftotext reads from the same file.)
    assert len(found["pdf_pages"]) == found["pdf_text"].count("\f")
    for (width, height), inked in found["pdf_pages"]:
        assert abs(height / width - 297 / 210) < 0.02
        assert inked > 0.005, "a blank page"


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


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("nn", ["999", "8751", "12\xa0466"]),
        ("nb", ["999", "8751", "12\xa0466"]),
        ("en", ["999", "8,751", "12,466"]),
    ],
)
def test_counts_are_grouped_as_the_reader_writes_them(app, language, written):
    """Norwegian groups thousands from five digits (a four-digit number may be written either
    way, Språkrådet), so a table of monthly counts reads 8751; English from four."""
    with app.test_request_context(), force_locale(language):
        assert [count_text(value) for value in (999, 8751, 12466)] == written
