"""`svarfrist demo`: a believable municipality, through the real services."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from channels.base import IdentityKind
from inbox.blobs import current_store
from inbox.cases.merging import is_mergeable
from inbox.demo.texts import TOPICS
from inbox.extensions import db
from inbox.models import (
    Attachment,
    Case,
    CaseStatus,
    Contact,
    Department,
    Direction,
    Handover,
    HandoverStatus,
    Message,
    OutboxMessage,
    OutboxStatus,
    Role,
    StoredTemplate,
    Turn,
    User,
)
from inbox.people.users import authenticate
from tests.inbox.intake_helpers import OSLO

NOW = "2026-11-24T12:00:00+01:00"  # a Tuesday; Alver closes at 15:00


def load(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "--now", NOW, *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_full_demo_has_departments_staff_channels_and_pressing_cases(app):
    output = load(app)
    departments = db.session.scalars(select(Department)).all()
    assert {d.slug for d in departments} == {
        "innbyggjarservice",
        "byggesak",
        "barnehage",
        "skule",
        "helse-og-omsorg",
        "vatn-og-avlop",
        "eigedomsskatt",
    }
    assert all(d.leader is not None and d.leader.role == Role.LEADER for d in departments)
    assert all(any(u.role == Role.STAFF for u in d.members) for d in departments), "staff in each"
    assert [d.slug for d in departments if d.is_frontline] == ["innbyggjarservice"]
    assert 290 <= count(Case) <= 330  # "about 300 cases" (README)
    moment = datetime.fromisoformat(NOW)
    first, last = db.session.execute(
        select(func.min(Turn.received_at), func.max(Turn.received_at))
    ).one()
    # "over nine months": the history spans the 270 days before now, and nothing after it
    assert moment - timedelta(days=270) <= first < moment - timedelta(days=240) and last < moment
    channels = set(db.session.scalars(select(Case.channel).distinct()))
    assert channels == {"email", "sms", "facebook", "callback", "letter", "phone"}
    summary = re.search(
        r"(\d+) cases, (\d+) open turns \((\d+) overdue, (\d+) due today\), (\d+) handovers",
        output,
    )
    printed = tuple(int(n) for n in summary.groups())
    unanswered = Turn.answered_at.is_(None)
    closes_today = datetime(2026, 11, 24, 15, 0, tzinfo=OSLO)
    assert printed == (
        count(Case),
        count(Turn, unanswered),
        count(Turn, unanswered, Turn.due_at < moment),
        count(Turn, unanswered, Turn.due_at >= moment, Turn.due_at <= closes_today),
        count(Handover, Handover.status == HandoverStatus.PENDING),
    )
    overdue, due_today, pending = printed[2:]
    # Something pressing: forgotten answers, and the e-mail and callback planted due today.
    assert overdue > 0 and due_today >= 2 and pending > 0
    assert set(db.session.scalars(select(Case.language).distinct())) == {"nn", "nb"}
    assert count(Turn, Turn.met.is_(False)) > 0, "some answers came late"
    assert count(Turn, Turn.due_at < Turn.received_at) == 0
    assert count(OutboxMessage, OutboxMessage.status != OutboxStatus.SENT) == 0, (
        "the demo's history must never be sent to anyone"
    )


def test_the_printed_logins_work(app):
    output = load(app, "--cases", "10")
    password = re.search(r"Password for every demo login: (\S+)", output)[1]
    emails = re.findall(r"(\S+@alver\.kommune\.no)", output)
    assert len(emails) == count(User)
    assert authenticate(emails[0], password) is not None
    assert "Never use them in production" in output


def test_if_empty_leaves_a_database_with_users_alone(app):
    load(app, "--cases", "5")
    cases = count(Case)
    assert "already has users" in load(app, "--if-empty")
    assert count(Case) == cases


def test_loading_twice_without_if_empty_is_refused(app):
    load(app, "--cases", "5")
    result = app.test_cli_runner().invoke(args=["demo", "--now", NOW])
    assert result.exit_code == 1
    assert "already has users" in result.output


def test_cases_have_varied_texts(app):
    """The slots (street, house number, school, ...) make the cases of one topic read
    differently: without them there could be one text per topic and language at most."""
    load(app, "--cases", "100")
    # A callback request names only its topic, so it has no slots.
    cases = db.session.scalars(select(Case).where(Case.channel != "callback")).all()
    texts = [min(case.messages, key=lambda message: message.id).text for case in cases]
    unfilled = [text for text in texts if re.search(r"[{}]", text)]
    assert not unfilled, f"slots left unfilled: {unfilled[:3]}"
    assert len(set(texts)) > len(TOPICS) * 2


def test_the_showcase_citizen_has_several_cases_over_channels_on_one_contact(app):
    output = load(app, "--cases", "10")
    contact = db.session.scalar(select(Contact).where(Contact.name == "Gunhild Myrvold"))
    kinds = {identity.kind for identity in contact.identities}
    assert {IdentityKind.EMAIL, IdentityKind.PHONE} <= kinds
    cases = db.session.scalars(select(Case).where(Case.contact_id == contact.id)).all()
    assert {case.channel for case in cases} == {"email", "sms", "letter"}
    assert len(cases) == 4
    assert sum(case.status == CaseStatus.CLOSED for case in cases) == 2
    declined = re.search(r"open case (\S+) \(declined", output)[1]
    sms = re.search(r"and merge (\S+) into it", output)[1]
    first, second = (next(c for c in cases if c.reference == ref) for ref in (declined, sms))
    assert first.status != CaseStatus.CLOSED and second.status != CaseStatus.CLOSED
    assert is_mergeable(second, first)


def test_the_showcase_has_attachments_stored_as_intake_stores_them(app):
    load(app, "--cases", "5")
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.filename)).all()
    assert [(a.filename, a.content_type) for a in attachments] == [
        ("garasje-skisse.png", "image/png"),
        ("situasjonsplan.pdf", "application/pdf"),
    ]
    png, pdf = (current_store().get(a.sha256) for a in attachments)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) == attachments[0].size
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    # A real picture (Pillow, which WeasyPrint brings, opens it) and a PDF whose cross-
    # reference table points at its objects, as a reader follows it.
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size == (96, 64)
    xref = int(re.search(rb"startxref\n(\d+)", pdf)[1])
    assert pdf[xref:].startswith(b"xref")
    offsets = [int(n) for n in re.findall(rb"(\d{10}) 00000 n", pdf)]
    assert [pdf[o:].split(b"\n")[0] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]


def test_the_showcase_has_a_declined_handover_a_letter_and_reply_templates(app):
    load(app, "--cases", "5")
    declined = db.session.scalars(
        select(Handover).where(Handover.status == HandoverStatus.DECLINED)
    ).all()
    assert any(handover.reason and "reguleringsplanen" in handover.reason for handover in declined)
    letters = db.session.scalars(
        select(Message).where(Message.channel == "letter", Message.direction == Direction.OUT)
    ).all()
    assert any((m.metadata_json or {}).get("delivery") == "letter_sent" for m in letters)
    titles = set(db.session.scalars(select(StoredTemplate.title)))
    assert {"Takk for meldinga", "Takk for henvendelsen", "Manglande vedlegg"} <= titles
    assert count(OutboxMessage, OutboxMessage.status != OutboxStatus.SENT) == 0
