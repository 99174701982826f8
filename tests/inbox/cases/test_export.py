"""`svarfrist cases export --format jsonl`: every case the caller may see, with its history."""

from __future__ import annotations

import json
from datetime import datetime

from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.models import Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms


def export(app, *args: str) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["cases", "export", "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_export_writes_every_case_with_messages_turns_and_handovers(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    officer = make_user(frontline)
    with frozen_at(datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)):
        first = receive(email())
        reply(first, officer, "Hei Kari, svaret kjem her.")
        propose(first, byggesak, officer, "Gjeld byggesøknad gnr. 12 bnr. 7")
        receive(sms())
    db.session.commit()

    records = export(app)

    assert [record["reference"] for record in records] == ["2026-000001", "2026-000002"]
    record = records[0]
    assert record["department"] == "innbyggjarservice"
    assert record["contact"]["identities"] == [
        {"kind": "email", "value": "kari.nordmann@example.no"}
    ]
    assert [m["direction"] for m in record["messages"]] == ["in", "out", "out"]
    assert [m["kind"] for m in record["messages"]] == [None, "acknowledgement", "reply"]
    (turn,) = record["turns"]
    assert turn["due_at"] == "2026-11-27T14:00:00+00:00"
    assert turn["met"] is True
    assert record["handovers"][0]["to"] == "byggesak"
    assert record["handovers"][0]["status"] == "pending"


def test_export_for_a_user_holds_only_what_that_user_may_see(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    make_user(byggesak, email="bygg@alver.kommune.no")
    make_user(role=Role.ADMIN, email="admin@alver.kommune.no")
    with frozen_at(datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)):
        receive(email())
    db.session.commit()
    assert export(app, "--user", "bygg@alver.kommune.no") == []
    assert len(export(app, "--user", "admin@alver.kommune.no")) == 1
    assert frontline.is_frontline


def test_export_for_an_unknown_user_is_refused(app):
    result = app.test_cli_runner().invoke(args=["cases", "export", "--user", "nobody@example.no"])
    assert result.exit_code == 2
    assert "no user with e-mail nobody@example.no" in result.stderr
