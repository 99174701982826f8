"""The channel report against figures worked out by hand (Alver's calendar, 2026).

Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday
6 April. Summer time from Sunday 29 March. Opening hours 09:00-15:00.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import OutKind
from inbox.reports.channel_report import channel_report
from inbox.reports.look_at import MOST, look_at
from inbox.reports.percentiles import percentiles
from inbox.settings.report import ReportSettings
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
                reply(case, staff, "Takk for meldinga, vi ser på saka no.", **answer)
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
    # Within a quarter of the promise: the e-mails' 2, 1 and 6 hours of about 30 promised;
    # not the SMS's 5.5 of 5.
    assert (total["quick"], total["quick_share"], report["channels"]["sms"]["quick"]) == (3, 0.6, 0)
    assert report["channels"]["email"]["turns"] == 4
    assert report["channels"]["sms"]["by_due"] == 0
    assert report["digital_share"] == 1.0
    assert [m["turns"] for m in report["months"]] == [1, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert (report["previous"]["turns"], report["previous"]["cases"]) == (0, 0)
    # A running year (up to 25 November) is compared with the same days of the year before.
    assert report["previous"]["same_days"] and report["previous"]["to"].startswith("2025-11-25")
    assert report["change"]["turns"] is None  # no earlier year to compare with
    # Broken: January's e-mail never answered, March's SMS answered late.
    assert [m["broken"] for m in report["months"]] == [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    # Against the default target of 90 %: e-mail kept 3 of 4 (one short), SMS 0 of 1 (one
    # short); then the first of the months with the most broken promises.
    assert report["look_at"] == [
        {
            "kind": "kept_below_target",
            "channel": "email",
            "by_due_share": 0.75,
            "kept_target": 0.9,
            "turns": 4,
            "short_by": 1,
        },
        {
            "kind": "kept_below_target",
            "channel": "sms",
            "by_due_share": 0.0,
            "kept_target": 0.9,
            "turns": 1,
            "short_by": 1,
        },
        {"kind": "most_broken_month", "month": 1, "broken": 1},
    ]
    assert report["departments"]["innbyggjarservice"]["turns"] == 5


def test_a_turn_not_due_yet_is_no_broken_promise(app, year_2026):
    with frozen_at(at(2026, 11, 24, 10, 0)):
        receive(email(received_at=at(2026, 11, 24, 10, 0), sender="e@example.no"))
    db.session.commit()
    with frozen_at(at(2026, 11, 25, 12, 0)):
        november = channel_report(2026)["months"][10]
    assert (november["turns"], november["broken"]) == (1, 0)
    # A week later its five working days have passed.
    with frozen_at(at(2026, 12, 2, 12, 0)):
        november = channel_report(2026)["months"][10]
    assert (november["turns"], november["broken"]) == (1, 1)


def test_what_to_look_at_follows_the_configured_target_and_volume_change(app, year_2026):
    # The same days of 2025: two e-mails and one SMS (2026 has four and one).
    for day, message in (
        (3, email(received_at=at(2025, 3, 3, 10, 0), sender="x@example.no")),
        (4, email(received_at=at(2025, 3, 4, 10, 0), sender="y@example.no")),
        (5, sms(received_at=at(2025, 3, 5, 10, 0), sender="+4799999999")),
    ):
        with frozen_at(at(2025, 3, day, 10, 0)):
            receive(message)
    db.session.commit()
    with frozen_at(at(2026, 11, 25, 12, 0)):
        default = channel_report(2026)["look_at"]
        app.extensions["svarfrist"] = replace(
            app.extensions["svarfrist"], report=ReportSettings(kept_target=0.7, volume_change=1.5)
        )
        configured = channel_report(2026)["look_at"]

    assert default[-1] == {
        "kind": "volume_moved",
        "channel": "email",
        "turns": 4,
        "previous_turns": 2,
        "change_share": 1.0,
        "volume_change": 0.25,
    }
    assert [p["kind"] for p in default] == [
        "kept_below_target",
        "kept_below_target",
        "most_broken_month",
        "volume_moved",
    ]
    # E-mail's 75 % passes a target of 70 %, and doubling is no move of more than 150 %.
    assert [(p["kind"], p.get("channel")) for p in configured] == [
        ("kept_below_target", "sms"),
        ("most_broken_month", None),
    ]


def test_the_department_where_handovers_wait_longest_is_pointed_out(app):
    from inbox.handovers import workflow as handovers

    service = make_department("innbyggjarservice", is_frontline=True)
    kari = make_user(service, email="kari@alver.no")
    quick, slow = make_department("byggesak"), make_department("vatn-og-avlop")
    # Offered Monday 9 March 10:00; Byggesak takes over at 12:00 (2 opening hours), Vatn og
    # avløp the next day at 11:00 (5 + 2 opening hours).
    for receiver, accepted_at, sender in (
        (quick, at(2026, 3, 9, 12, 0), "a@example.no"),
        (slow, at(2026, 3, 10, 11, 0), "b@example.no"),
    ):
        with frozen_at(at(2026, 3, 9, 10, 0)):
            case = receive(email(received_at=at(2026, 3, 9, 10, 0), sender=sender))
            handover = handovers.propose(case, receiver, kari, "Gjeld dykk")
        with frozen_at(accepted_at):
            handovers.accept(handover, make_user(receiver), tell_citizen=False)
    db.session.commit()
    with frozen_at(at(2026, 11, 25, 12, 0)):
        report = channel_report(2026)
    assert report["handovers"]["by_department"]["vatn-og-avlop"]["median_hours_to_accept"] == 7
    assert {
        "kind": "handovers_wait_longest",
        "department": "vatn-og-avlop",
        "median_hours_to_accept": 7.0,
        "accepted": 1,
    } in report["look_at"]


def _figures(turns: int, by_due: int) -> dict:
    return {"turns": turns, "by_due": by_due, "by_due_share": by_due / turns}


def test_at_most_five_points_the_most_important_first():
    report = {
        "channels": {
            "email": _figures(100, 80),  # 10 short of 90 %
            "sms": _figures(50, 40),  # 5 short
            "letter": _figures(10, 10),
        },
        "months": [{"month": 1, "broken": 3}, {"month": 2, "broken": 30}],
        "handovers": {
            "by_department": {
                "byggesak": {"median_hours_to_accept": 3.5, "accepted": 4},
                "skule": {"median_hours_to_accept": None, "accepted": 0},
            }
        },
        "change": {"turns": {"number": 1, "percent": 1}},
        "previous": {"channels": {"email": 70, "sms": 49, "letter": 2, "phone": 8}},
    }
    points = look_at(report, ReportSettings())
    assert [
        (p["kind"], p.get("channel") or p.get("month") or p.get("department")) for p in points
    ] == [
        ("kept_below_target", "email"),
        ("kept_below_target", "sms"),
        ("most_broken_month", 2),
        ("handovers_wait_longest", "byggesak"),
        # E-mail moved 30 turns (+43 %); letter (+400 %) and phone (gone) 8 each: cut off.
        ("volume_moved", "email"),
    ]
    # Eight channels below the target: the two furthest below, and room for the others.
    many = {f"channel{n}": _figures(10, n) for n in range(8)}
    points = look_at({**report, "channels": many}, ReportSettings())
    assert len(points) == MOST == 5
    assert [p.get("channel") for p in points[:2]] == ["channel0", "channel1"]
    assert [p["kind"] for p in points[2:]] == [
        "most_broken_month",
        "handovers_wait_longest",
        "volume_moved",
    ]


def test_a_month_and_the_cli(app, year_2026):
    with frozen_at(at(2026, 11, 25, 12, 0)):
        march = channel_report(2026, 3)
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--month", "3", "--format", "csv"]
        )
    assert march["total"]["turns"] == 2 and march["total"]["median_hours"] == 3.25
    # March kept its e-mail and broke its SMS; a month's report has no "month with the most
    # broken promises" (it is that month).
    assert [(p["kind"], p["channel"]) for p in march["look_at"]] == [("kept_below_target", "sms")]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("Kanal,Førespurnader,Nye saker")
    assert any(line.startswith("Alle kanalar,2,2,") for line in lines)
    # March: 2 turns, 2 new cases, 1 broken promise (the SMS answered late).
    assert "Mars,2,2,1,1,1" in lines


def percentile_cont(values: list[int], fraction: float) -> float:
    """PostgreSQL's definition: linear between the two nearest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_percentiles_from_the_minute_histogram_equal_percentile_cont(app):
    """Many groups, ranks on both sides of a minute's edge, crowded minutes, NULLs."""
    probe = sa.Table(
        "percentile_probe",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("area", sa.String(5)),
        sa.Column("kind", sa.String(5)),
        sa.Column("seconds", sa.Integer),
        prefixes=["TEMPORARY"],
    )
    connection = db.session.connection()
    probe.create(connection)
    chance = random.Random(8)
    rows = [
        {
            "area": chance.choice("abc"),
            "kind": chance.choice("xy"),
            "seconds": chance.choice([chance.randint(0, 90_000), chance.randint(119, 121)]),
        }
        for _ in range(3000)
    ]
    rows += [{"area": "d", "kind": "x", "seconds": None}, {"area": "e", "kind": "x", "seconds": 61}]
    rows += [{"area": "f", "kind": "y", "seconds": s} for s in (59, 60, 120, 3599)]
    connection.execute(probe.insert(), rows)
    fractions = (0.0, 0.5, 0.9, 1.0)

    found = percentiles(
        lambda *columns: sa.select(*columns),
        probe.c.seconds,
        (probe.c.area, probe.c.kind),
        {"areas": lambda key: key[0], "pairs": lambda key: key, "all": lambda _key: "all"},
        fractions,
    )

    groups = {"areas": {}, "pairs": {}, "all": {}}
    for row in rows:
        if row["seconds"] is not None:
            for name, group in (
                ("areas", row["area"]),
                ("pairs", (row["area"], row["kind"])),
                ("all", "all"),
            ):
                groups[name].setdefault(group, []).append(row["seconds"])
    expected = {
        name: {g: tuple(percentile_cont(v, f) for f in fractions) for g, v in by.items()}
        for name, by in groups.items()
    }
    assert {name: set(by) for name, by in found.items()} == {
        name: set(by) for name, by in expected.items()
    }
    for name, by in expected.items():
        for group, values in by.items():
            assert found[name][group] == pytest.approx(values), (name, group)
    assert "d" not in found["areas"] and found["areas"]["e"] == (61, 61, 61, 61)
    assert found["areas"]["f"] == pytest.approx((59, 90, 2555.3, 3599))
    if db.engine.dialect.name == "postgresql":
        sql = sa.select(
            *(sa.func.percentile_cont(f).within_group(probe.c.seconds) for f in fractions)
        )
        assert found["all"]["all"] == pytest.approx(tuple(connection.execute(sql).one()))


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

    import re

    assert "Kanalrapport 2026" in page and re.search(r"60,0\s%", page)  # a decimal comma
    assert "<svg" in chart.get_data(as_text=True) and chart.content_type == "image/svg+xml"
    assert "<script" not in chart.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(xlsx.data))["Kanalar"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kanal", "Førespurnader") and rows[-1][:2] == ("Alle kanalar", 5)
    assert isinstance(rows[-1][6], float)  # real numbers, not strings
    assert "\nAlle kanalar,5,5,4," in csv.data.decode()


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
    # Names in the reader's language, numbers with a decimal comma.
    assert "E-post" in text and "Innbyggjarservice" in text and "innbyggjarservice" not in text
    assert "60,0" in text and "60.0" not in text


def test_the_html_document_stands_alone(app, year_2026):
    with frozen_at(at(2026, 11, 25, 12, 0)):
        result = app.test_cli_runner().invoke(
            args=["report", "channels", "--year", "2026", "--format", "html"]
        )
    assert result.exit_code == 0
    assert "data:image/svg+xml;base64," in result.stdout and "<table" in result.stdout


def test_the_report_tells_each_step_for_the_progress_bar(app, year_2026):
    seen: list[str] = []
    with frozen_at(at(2026, 11, 25, 12, 0)):
        channel_report(2026, on_step=seen.append)
    # The CLI's progress bar shows these names, in this order, once each.
    assert seen == ["turns", "open turns", "answer times", "previous year", "handovers"]
