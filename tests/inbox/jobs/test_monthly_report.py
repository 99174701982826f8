"""The monthly report mail: on the first working day of the month each leader gets the
report of the month just ended, for their departments, in their language, with the PDF,
once, through the outbox and a real SMTP server (aiosmtpd).

November 2026 starts on a Sunday, so its first working day is Monday 2 November.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from channels.email import EmailAccount, SmtpAccount
from inbox.cases.replies import reply
from inbox.cases.turns import move_case
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs import monthly_report
from inbox.jobs.dispatch import drain
from inbox.models import OutboxMessage, OutboxStatus, Role, SentNotice
from inbox.outbox.senders import senders_for
from inbox.settings.report import ReportSettings
from tests.conftest import write_config
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO
from tests.inbox.intake_helpers import email as citizen_email

SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))
OUR_ADDRESS = "postmottak@alver.kommune.no"


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=OSLO)


@pytest.fixture
def october(app):
    """Two leaders (Bokmål: byggesak and barnehage; English: the frontline), an administrator
    and a staff member who lead nothing, and October's citizens' messages in three
    departments."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    barnehage = make_department("barnehage", name="Barnehage")
    staff = make_user(frontline, byggesak, barnehage)
    both = make_user(byggesak, barnehage, role=Role.LEADER, email="leiar@alver.no", language="nb")
    byggesak.leader = barnehage.leader = both
    frontline.leader = make_user(
        frontline, role=Role.LEADER, email="service@alver.no", language="en"
    )
    make_user(role=Role.ADMIN, email="admin@alver.no")
    for number, department in enumerate((frontline, byggesak, byggesak, barnehage)):
        received = at(2026, 10, 5 + number, 10, 0)
        with frozen_at(received):
            case = receive(citizen_email(received_at=received, sender=f"c{number}@example.no"))
        move_case(case, department)
        with frozen_at(at(2026, 10, 5 + number, 13, 0)):
            reply(case, staff, "Takk, vi har svart på spørsmålet ditt.")
    db.session.commit()
    return {"frontline": frontline, "byggesak": byggesak, "barnehage": barnehage}


def mail_on(app, smtp_port: int | None = None) -> None:
    settings = app.extensions["svarfrist"]
    changes = {"report": ReportSettings(monthly_mail=True)}
    if smtp_port is not None:
        smtp = SmtpAccount("postmottak", "127.0.0.1", smtp_port, "none", OUR_ADDRESS, timeout=5)
        changes["email_accounts"] = (EmailAccount("postmottak", OUR_ADDRESS, smtp, None),)
    app.extensions["svarfrist"] = replace(settings, **changes)


def report_rows() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.purpose == "report")
            .order_by(OutboxMessage.recipient)
        )
    )


def test_each_leader_gets_the_month_on_the_first_working_day_once_over_smtp(
    app, october, smtp_server
):
    mail_on(app, smtp_server.port)
    with frozen_at(at(2026, 11, 1, 12, 0)):  # Sunday
        assert monthly_report.send_due() == 0
    with frozen_at(at(2026, 11, 2, 7, 59)):  # before the digest time, 08:00
        assert monthly_report.send_due() == 0
    with frozen_at(at(2026, 11, 2, 8, 0)):
        assert monthly_report.send_due() == 2
    with frozen_at(at(2026, 11, 2, 8, 15)):  # the worker's next round, or a restarted worker
        assert monthly_report.send_due() == 0
    with frozen_at(at(2026, 11, 20, 8, 0)):
        assert monthly_report.send_due() == 0

    rows = report_rows()
    assert [row.recipient for row in rows] == ["leiar@alver.no", "service@alver.no"]
    with frozen_at(at(2026, 11, 2, 8, 1)):
        drain(senders_for(app))  # the citizens' acknowledgements and answers go too
    assert {row.status for row in report_rows()} == {OutboxStatus.SENT}
    mails = [email.message_from_bytes(raw, policy=policy.default) for raw in smtp_server.messages]
    received = {mail["To"]: mail for mail in mails if mail["To"].endswith("@alver.no")}
    assert sorted(received) == ["leiar@alver.no", "service@alver.no"]

    # Bokmål, the two departments she leads (three of the four turns), no other department.
    bokmal = received["leiar@alver.no"]
    text = bokmal.get_body(("plain",)).get_content()
    assert "oktober 2026" in bokmal["Subject"]
    assert "Kanalrapporten for oktober 2026 ligger ved som PDF." in text
    assert "Hva man bør se på" in text and "Henvendelser: 3" in text, text
    (pdf,) = [part for part in bokmal.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "kanalrapport-2026-10.pdf"
    content = pdf.get_content()
    assert content.startswith(b"%PDF")
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Byggesak" in pdf_text and "Barnehage" in pdf_text
    assert "Innbyggjarservice" not in pdf_text

    # English, the frontline department alone (its one turn) and its name in the title.
    english = received["service@alver.no"]
    assert english["Subject"] == "Channel report October 2026 \u2013 Innbyggjarservice"
    english_text = english.get_body(("plain",)).get_content()
    assert "The channel report for October 2026 is attached as a PDF." in english_text
    assert "Turns: 1" in english_text, english_text


def test_nothing_is_sent_when_monthly_mail_is_off(app, october):
    with frozen_at(at(2026, 11, 2, 9, 0)):
        assert monthly_report.send_due() == 0
    assert report_rows() == []


def test_a_worker_that_was_down_on_the_day_sends_later_that_month(app, october):
    mail_on(app)
    with frozen_at(at(2026, 11, 4, 3, 0)):
        assert monthly_report.send_due() == 2
    assert {row.payload["subject"] for row in report_rows()} >= {
        "Channel report October 2026 \u2013 Innbyggjarservice"
    }
    keys = db.session.scalars(select(SentNotice.key).order_by(SentNotice.key)).all()
    leader_ids = sorted(user.id for user in monthly_report.leaders())
    assert keys == [f"report:2026-10:{user_id}" for user_id in leader_ids]


def test_two_processes_at_once_queue_each_leader_one_mail(app, october, database_url, tmp_path):
    config = write_config(tmp_path, database_url)
    env = {**os.environ, "SVARFRIST_CONFIG": str(config), "SVARFRIST_SECRET_KEY": "x"}
    command = [SVARFRIST, "report", "mail", "--year", "2026", "--month", "10"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs

    db.session.rollback()
    rows = report_rows()
    assert [row.recipient for row in rows] == ["leiar@alver.no", "service@alver.no"]
    lines = sorted(line for out, _err in outputs for line in out.decode().splitlines())
    assert lines == [
        "2026-10 leiar@alver.no: queued",
        "2026-10 leiar@alver.no: sent before",
        "2026-10 service@alver.no: queued",
        "2026-10 service@alver.no: sent before",
    ]


def test_the_command_names_a_leader_it_cannot_find(app, october):
    result = app.test_cli_runner().invoke(
        args=["report", "mail", "--year", "2026", "--month", "10", "--leader", "admin@alver.no"]
    )
    assert result.exit_code == 2
    assert "--leader" in result.output and "admin@alver.no leads no active department" in (
        result.output
    )


def test_the_worker_checks_for_the_monthly_report_every_quarter_hour(app):
    from inbox.jobs.worker import MONTHLY_REPORT_SECONDS, build_scheduler

    job = build_scheduler(app).get_job("monthly-report")
    assert job is not None and job.trigger.interval.total_seconds() == MONTHLY_REPORT_SECONDS
