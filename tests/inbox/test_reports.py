"""The channel report against figures worked out by hand (Alver's calendar, 2026).

Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday
6 April. Summer time from Sunday 29 March. Opening hours 09:00-15:00.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake import receive
from inbox.models import OutKind
from inbox.replies import reply
from inbox.reports import channel_report, percentile
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=OSLO)


@pytest.fixture
def year_2026(app):
    service = make_department("innbyggjarservice", is_frontline=True)
    staff = make_user(service)

    def message(inbound, answered=None, **answer):
        with frozen_at(inbound.received_at):
            case = receive(inbound)
        if answered is not None:
            with frozen_at(answered):
                reply(case, staff, "Svar", **answer)
        return case

    # Easter: Wed 1 April 14:00 to Tue 7 April 10:00 is 1 + 1 working hours.
    message(email(received_at=at(2026, 4, 1, 14, 0)), at(2026, 4, 7, 10, 0))
    # Summer time: Fri 27 March 14:30 to Mon 30 March 09:30 is 0.5 + 0.5 hours.
    message(
        email(received_at=at(2026, 3, 27, 14, 30), sender="b@example.no"), at(2026, 3, 30, 9, 30)
    )
    # SMS due the same day at 15:00, answered the next morning: 5 + 0.5 hours, late.
    message(sms(received_at=at(2026, 3, 10, 10, 0)), at(2026, 3, 11, 9, 30))
    # Never answered: open and overdue at the end.
    message(email(received_at=at(2026, 1, 5, 10, 0), sender="c@example.no"))
    # A preliminary answer after 5 + 1 hours with a new date, then the answer before it.
    case = message(
        email(received_at=at(2026, 2, 2, 10, 0), sender="d@example.no"),
        at(2026, 2, 3, 10, 0),
        kind=OutKind.PRELIMINARY,
        new_date=date(2026, 2, 6),
    )
    with frozen_at(at(2026, 2, 5, 12, 0)):
        reply(case, staff, "Endeleg svar")
    db.session.commit()


def test_the_year_as_worked_out_by_hand(year_2026):
    with frozen_at(at(2026, 11, 25, 12, 0)):
        report = channel_report(2026)

    total = report["total"]
    assert (total["turns"], total["cases"], total["answered"]) == (5, 5, 4)
    assert (total["by_due"], total["by_target"], total["by_due_share"]) == (3, 3, 0.6)
    assert (total["preliminary"], total["preliminary_share"]) == (1, 0.2)
    assert (total["preliminary_dates"], total["preliminary_dates_kept"]) == (1, 1)
    assert (total["open_at_end"], total["overdue_at_end"]) == (1, 1)
    # Answers took 2, 1, 5.5 and 6 working hours: median 3.75; 90th percentile 5.85.
    assert (total["median_hours"], total["p90_hours"]) == (3.75, 5.85)
    assert report["channels"]["email"]["turns"] == 4
    assert report["channels"]["sms"]["by_due"] == 0
    assert report["digital_share"] == 1.0
    assert [m["turns"] for m in report["months"]] == [1, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert report["previous"] == {"turns": 0, "cases": 0}
    assert report["change"]["turns"] == {"number": 5, "percent": None}
    kinds = {(item["kind"], item.get("channel"), item.get("month")) for item in report["look_at"]}
    assert kinds == {
        ("promise_often_broken", "email", None),
        ("promise_often_broken", "sms", None),
        ("peak_month", None, 3),
    }
    assert report["departments"]["innbyggjarservice"]["turns"] == 5


def test_a_month_and_the_cli(app, year_2026):
    with frozen_at(at(2026, 11, 25, 12, 0)):
        march = channel_report(2026, 3)
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--month", "3", "--format", "csv"]
        )
    assert march["total"]["turns"] == 2 and march["total"]["median_hours"] == 3.25
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("channel,turns,cases") and lines[-1].startswith("total,2,2")


def test_percentile_matches_postgresqls_percentile_cont():
    assert percentile([1, 2, 5.5, 6], 0.9) == pytest.approx(5.85)
    assert percentile([4], 0.5) == 4 and percentile([], 0.5) is None


def test_the_page_and_its_exports_for_a_leader_and_not_for_staff(app, client, year_2026):
    import io

    from openpyxl import load_workbook

    from inbox.models import Department, Role
    from tests.inbox.web_helpers import csrf_token, log_in

    service = db.session.scalars(db.select(Department)).first()
    make_user(service, role=Role.LEADER, email="leiar@alver.no")
    make_user(service, email="sakshandsamar@alver.no")
    db.session.commit()
    log_in(client, "sakshandsamar@alver.no")
    assert client.get("/reports/channels?year=2026").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "leiar@alver.no")

    with frozen_at(at(2026, 11, 25, 12, 0)):
        page = client.get("/reports/channels?year=2026").get_data(as_text=True)
        chart = client.get("/reports/channels/chart/kept.svg?year=2026")
        xlsx = client.get("/reports/channels?year=2026&format=xlsx")
        csv = client.get("/reports/channels?year=2026&format=csv")

    assert "Kanalrapport 2026" in page and "60.0 %" in page
    assert "<svg" in chart.get_data(as_text=True) and chart.content_type == "image/svg+xml"
    assert "<script" not in chart.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(xlsx.data))["channels"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("channel", "turns") and rows[-1][:2] == ("total", 5)
    assert isinstance(rows[-1][6], float)  # real numbers, not strings
    assert csv.data.decode().splitlines()[-1].startswith("total,5,5")


def test_the_pdf_is_a4_with_page_numbers_and_renders(app, year_2026, tmp_path):
    import shutil
    import subprocess

    pdf = tmp_path / "kanalrapport.pdf"
    with frozen_at(at(2026, 11, 25, 12, 0)):
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--format", "pdf", "--out", str(pdf)]
        )
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: `make test` installs poppler-utils")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "side")], check=True)
    pages = sorted(tmp_path.glob("side*.png"))
    assert pages, "pdftoppm rendered no page"
    from PIL import Image

    with Image.open(pages[0]) as first:
        width, height = first.size
    assert abs(height / width - 297 / 210) < 0.02  # A4 portrait
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Alver kommune" in text and f"1/{len(pages)}" in text.replace(" ", "")
    assert "Kanalrapport 2026" in text


def test_the_html_document_stands_alone(app, year_2026):
    with frozen_at(at(2026, 11, 25, 12, 0)):
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--format", "html"]
        )
    assert result.exit_code == 0
    assert "data:image/svg+xml;base64," in result.stdout and "<table" in result.stdout


def test_the_report_tells_each_step_for_the_progress_bar(app, year_2026):
    from inbox.reports import STEPS

    seen: list[str] = []
    with frozen_at(at(2026, 11, 25, 12, 0)):
        channel_report(2026, on_step=seen.append)
    assert seen == list(STEPS)
