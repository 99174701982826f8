"""Retention: a dry run counts, a real run anonymizes or deletes, and keeps what is young."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from channels.base import InboundAttachment
from inbox.blobs import current_store
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Case, CaseStatus, Contact, Message, Turn
from tests.factories import make_department
from tests.inbox.intake_helpers import OSLO, email

OLD = datetime(2020, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture
def archive(app):
    make_department("innbyggjarservice", is_frontline=True)
    pdf = InboundAttachment("skjema.pdf", "application/pdf", b"%PDF-1.4 gammalt skjema")
    with frozen_at(OLD):
        old = receive(email(received_at=OLD, attachments=(pdf,), raw=b"raw old mail"))
        old.status, old.closed_at = CaseStatus.CLOSED, OLD + timedelta(days=3)
    young = receive(email(sender="ola@example.no", received_at=now() - timedelta(days=2)))
    db.session.commit()
    return old, young


def configure(app, action: str) -> None:
    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(settings, retention_months=60, retention_action=action)


def test_nothing_happens_without_configuration(app, archive):
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "No retention is configured" in result.output
    assert db.session.get(Case, archive[0].id).subject != "(anonymisert)"


def test_a_dry_run_counts_and_changes_nothing(app, archive):
    configure(app, "anonymize")
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert "retention: 1 cases closed before" in result.output
    assert "would be anonymized" in result.output
    db.session.rollback()
    assert db.session.get(Case, archive[0].id).messages[0].text != ""


def test_anonymizing_keeps_the_statistics_and_removes_the_citizen(app, archive):
    configure(app, "anonymize")
    old, young = archive
    blobs = current_store()
    attachment_sha = old.messages[0].attachments[0].sha256
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "1 cases closed before" in result.output and "anonymized" in result.output
    db.session.rollback()
    case = db.session.get(Case, old.id)
    assert case.subject == "(anonymisert)" and case.contact.name is None
    assert case.contact.identities == []
    assert all(m.text == "" and m.address is None for m in case.messages)
    assert db.session.scalar(select(func.count()).where(Turn.case_id == old.id)) == 1
    assert not blobs.exists(attachment_sha)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.anonymize"))
    assert db.session.get(Case, young.id).subject != "(anonymisert)"


def test_deleting_removes_the_case_and_its_citizen(app, archive):
    configure(app, "delete")
    old = archive[0]
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "1 cases closed before" in result.output and "deleted" in result.output, result.output
    db.session.rollback()
    assert db.session.get(Case, old.id) is None
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1  # the young one's
    assert db.session.scalar(select(func.count()).select_from(Message)) >= 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.delete"))
    assert event.details["reference"] == old.reference
