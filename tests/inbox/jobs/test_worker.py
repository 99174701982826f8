"""The background worker: two processes on one database send each outbox row once,
escalate each overdue handover once, beat for /healthz, and stop cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.jobs.worker import as_unit_of_work, beat
from inbox.models import OutboxMessage, OutboxStatus, Role, WorkerHeartbeat
from inbox.outbox.dispatch import enqueue
from tests.conftest import write_config
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email

SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))


def test_healthz_is_503_without_a_worker_and_200_with_a_fresh_heartbeat(app, client):
    missing = client.get("/healthz")
    assert missing.status_code == 503
    assert missing.get_json() == {
        "database": "ok",
        "worker": {"heartbeat_age_seconds": None, "stale_after_seconds": 60, "ok": False},
    }
    beat("host:1", now())
    assert client.get("/healthz").status_code == 200
    with frozen_at(now() + timedelta(minutes=2)):
        stale = client.get("/healthz")
    assert stale.status_code == 503 and stale.get_json()["worker"]["heartbeat_age_seconds"] >= 119


def test_an_unanswered_handover_is_escalated_to_the_leader_once(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    leader = make_user(byggesak, role=Role.LEADER, email="leiar@alver.no")
    byggesak.leader = leader
    case = receive(email())
    handovers.propose(case, byggesak, make_user(frontline), "Gjeld byggesak")
    db.session.commit()
    assert as_unit_of_work(handovers.notify_overdue) == 0  # not due yet

    with frozen_at(now() + timedelta(days=4)):
        assert as_unit_of_work(handovers.notify_overdue) == 1
        assert as_unit_of_work(handovers.notify_overdue) == 0

    (told,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "notification")
    ).all()
    assert told.recipient == "leiar@alver.no" and case.reference in told.payload["text"]


def test_two_workers_send_every_row_exactly_once_and_stop_on_sigterm(
    app, database_url, smtp_server, tmp_path
):
    for number in range(60):
        enqueue(
            purpose="reply",
            channel="email",
            account="postmottak",
            recipient=f"innbyggjar{number}@example.no",
            payload={"subject": "Svar", "text": f"Svar {number}"},
        )
    db.session.commit()
    config = write_config(
        tmp_path,
        database_url,
        f"""[[channels.email]]
name = "postmottak"
address = "postmottak@alver.kommune.no"
smtp_host = "127.0.0.1"
smtp_port = {smtp_server.port}
smtp_tls = "none"
smtp_auth = "none"
""",
    )
    env = {**os.environ, "SVARFRIST_CONFIG": str(config), "SVARFRIST_SECRET_KEY": "x"}
    workers = [
        subprocess.Popen(
            [SVARFRIST, "worker", "--dispatch-interval", "0.2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.rollback()
            pending = db.session.scalar(
                select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
            )
            beats = db.session.scalar(select(func.count()).select_from(WorkerHeartbeat))
            if pending == 0 and beats == 2:
                break
            time.sleep(0.3)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=30)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert all("worker_stopped" in output for output in outputs), outputs
    assert pending == 0 and beats == 2, outputs
    recipients = sorted(m.split(b"To: ")[1].split(b"\r\n")[0] for m in smtp_server.messages)
    assert len(recipients) == 60 and len(set(recipients)) == 60  # each once


def test_escalation_climbs_the_ladder_once_per_level(app):
    from dataclasses import replace

    from inbox.jobs import escalation
    from rules.escalation import EscalationRule
    from tests.inbox.intake_helpers import OSLO

    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    frontline.email = "service@alver.no"
    leader = make_user(frontline, role=Role.LEADER, email="leiar@alver.no")
    frontline.leader = leader
    rule = EscalationRule(
        warn_hours_before=4, next_level_after_days=2, next_level=("dir@alver.no",)
    )
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], escalation={None: rule})
    from datetime import datetime

    with frozen_at(datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)):
        case = receive(email(received_at=datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)))
    db.session.commit()  # due Monday 30 November 15:00

    def notices():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.purpose == "notification")
            .order_by(OutboxMessage.id)
        )
        return [row.recipient for row in rows]

    moments = [
        (datetime(2026, 11, 30, 10, 0, tzinfo=OSLO), []),
        (datetime(2026, 11, 30, 11, 30, tzinfo=OSLO), ["service@alver.no"]),
        (datetime(2026, 11, 30, 12, 0, tzinfo=OSLO), ["service@alver.no"]),  # not twice
        (datetime(2026, 11, 30, 15, 5, tzinfo=OSLO), ["service@alver.no", "leiar@alver.no"]),
        (
            datetime(2026, 12, 2, 15, 5, tzinfo=OSLO),
            ["service@alver.no", "leiar@alver.no", "dir@alver.no"],
        ),
    ]
    for moment, expected in moments:
        with frozen_at(moment):
            escalation.check()
        assert notices() == expected, moment
    assert case.reference in db.session.scalars(select(OutboxMessage.payload)).all()[-1]["subject"]


def test_leaders_get_one_digest_a_working_day_when_something_is_due(app):
    from datetime import datetime

    from inbox.jobs import escalation
    from tests.inbox.intake_helpers import OSLO

    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    leader = make_user(frontline, role=Role.LEADER, email="leiar@alver.no")
    frontline.leader = leader
    with frozen_at(datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)):
        case = receive(email(received_at=datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)))
    db.session.commit()  # due Monday 30 November 15:00

    with frozen_at(datetime(2026, 11, 27, 8, 0, tzinfo=OSLO)):  # Friday: nothing due yet
        assert escalation.send_digests() == 0
    with frozen_at(datetime(2026, 11, 28, 8, 0, tzinfo=OSLO)):  # Saturday: no digest
        assert escalation.send_digests() == 0
    with frozen_at(datetime(2026, 11, 30, 8, 0, tzinfo=OSLO)):  # Monday: due today
        assert escalation.send_digests() == 1
        assert escalation.send_digests() == 0  # once a day
    (digest,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "notification")
    ).all()
    assert digest.recipient == "leiar@alver.no"
    assert digest.payload["subject"] == "Innbyggjarservice: 0 over fristen, 1 med frist i dag"
    assert case.reference in digest.payload["text"]


def test_healthz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "unreachable (OperationalError)", "worker": None}
