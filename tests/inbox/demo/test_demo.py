"""`svarfrist demo`: a believable municipality, through the real services."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from channels.base import IdentityKind
from inbox.blobs import current_store
from inbox.cases.merging import is_mergeable
from inbox.clock import frozen_at
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
from inbox.reports.channel_report import channel_report
from tests.inbox.intake_helpers import OSLO

NOW = "2026-11-24T12:00:00+01:00"  # a Tuesday; Alver closes at 15:00


def load(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "--now", NOW, *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_played_demo_has_departments_staff_channels_and_pressing_cases(app):
    """The part played through the services (without the bulk history: --volume 0)."""
    output = load(app, "--volume", "0", "--cases", "300")
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
        r"(\d+) cases \(0 of them settled history since 1 January last year\), "
        r"(\d+) open turns \((\d+) overdue, (\d+) due today\), (\d+) handovers",
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
    output = load(app, "--volume", "0", "--cases", "10")
    password = re.search(r"Password for every demo login: (\S+)", output)[1]
    emails = re.findall(r"(\S+@alver\.kommune\.no)", output)
    assert len(emails) == count(User)
    assert authenticate(emails[0], password) is not None
    assert "Never use them in production" in output


def test_if_empty_leaves_a_database_with_users_alone(app):
    load(app, "--volume", "0", "--cases", "5")
    cases = count(Case)
    assert "already has users" in load(app, "--if-empty")
    assert count(Case) == cases


def test_loading_twice_without_if_empty_is_refused(app):
    load(app, "--volume", "0", "--cases", "5")
    result = app.test_cli_runner().invoke(args=["demo", "--now", NOW, "--volume", "0"])
    assert result.exit_code == 1
    assert "already has users" in result.output


def test_cases_have_varied_texts(app):
    """The slots (street, house number, school, ...) make the cases of one topic read
    differently: without them there could be one text per topic and language at most."""
    load(app, "--volume", "0", "--cases", "100")
    # A callback request names only its topic, so it has no slots.
    cases = db.session.scalars(select(Case).where(Case.channel != "callback")).all()
    texts = [min(case.messages, key=lambda message: message.id).text for case in cases]
    unfilled = [text for text in texts if re.search(r"[{}]", text)]
    assert not unfilled, f"slots left unfilled: {unfilled[:3]}"
    assert len(set(texts)) > len(TOPICS) * 2


def test_the_showcase_citizen_has_several_cases_over_channels_on_one_contact(app):
    output = load(app, "--volume", "0", "--cases", "10")
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
    load(app, "--volume", "0", "--cases", "5")
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
    load(app, "--volume", "0", "--cases", "5")
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


def _cases_by_month(subject: str) -> dict[tuple[int, int], int]:
    created = db.session.scalars(select(Case.created_at).where(Case.subject == subject)).all()
    months: dict[tuple[int, int], int] = {}
    for moment in created:
        local = moment.astimezone(OSLO)
        months[local.year, local.month] = months.get((local.year, local.month), 0) + 1
    return months


def test_the_default_demo_has_two_years_of_seasonal_volume_and_a_report_for_both(app):
    """The real default volume, once (about 30 s on SQLite): the shape of two years."""
    output = load(app, "--cases", "0")
    archived = int(re.search(r"\((\d+) of them settled history", output)[1])
    assert archived > 5000
    assert count(Case, Case.status == CaseStatus.CLOSED) > archived * 0.95
    turns = {
        year: count(
            Turn,
            Turn.received_at >= datetime(year, 1, 1, tzinfo=OSLO),
            Turn.received_at < datetime(year + 1, 1, 1, tzinfo=OSLO),
        )
        for year in (2024, 2025, 2026)
    }
    assert turns[2024] == 0
    assert 2500 <= turns[2025] <= 5000, turns  # "a few thousand turns a year"
    assert 2300 <= turns[2026] <= 5000, turns  # up to 24 November
    # E-mail most, then phone; every channel used.
    by_channel = dict(
        db.session.execute(select(Case.channel, func.count()).group_by(Case.channel)).all()
    )
    ranked = sorted(by_channel, key=by_channel.get, reverse=True)
    assert ranked[:2] == ["email", "phone"] and len(ranked) == 6
    # Snow clearing peaks in winter, property tax in March, kindergarten in spring.
    snow = _cases_by_month("Brøyting")
    winter = sum(snow.get((2025, m), 0) for m in (1, 2, 12))
    summer = sum(snow.get((2025, m), 0) for m in (6, 7, 8))
    assert winter > 10 * max(summer, 1), snow
    tax = _cases_by_month("Klage på eigedomsskatt")
    for year in (2025, 2026):
        assert max(range(1, 12), key=lambda m: tax.get((year, m), 0)) == 3, tax
    kindergarten = _cases_by_month("Søknad om barnehageplass")
    spring = sum(kindergarten.get((2025, m), 0) for m in (2, 3, 4))
    autumn = sum(kindergarten.get((2025, m), 0) for m in (9, 10, 11))
    assert spring > 3 * autumn, kindergarten
    # Mostly within the promise, some broken; handovers between departments.
    answered = count(Turn, Turn.answered_at.is_not(None))
    kept = count(Turn, Turn.met.is_(True))
    assert 0.75 < kept / answered < 0.97
    assert count(Handover, Handover.status == HandoverStatus.ACCEPTED) > archived / 2
    # Working days and hours: weekends quiet, the morning busiest.
    local = [moment.astimezone(OSLO) for moment in db.session.scalars(select(Case.created_at))]
    assert sum(moment.weekday() >= 5 for moment in local) < len(local) * 0.05
    morning = sum(8 <= moment.hour < 11 for moment in local)
    afternoon = sum(13 <= moment.hour < 16 for moment in local)
    assert morning > afternoon
    # The report has both years, and compares this year with the last.
    with frozen_at(datetime.fromisoformat(NOW)):
        this_year, last_year = channel_report(2026), channel_report(2025)
    assert last_year["total"]["turns"] == turns[2025]
    assert this_year["total"]["turns"] == turns[2026]
    # A running year is compared with the same days of the year before.
    previous = this_year["previous"]
    assert previous["same_days"] is True
    start, moment = (datetime.fromisoformat(previous[key]) for key in ("from", "to"))
    # The daily counts hold whole days: the same day a year before counts up to its end.
    to_moment = count(Turn, Turn.received_at >= start, Turn.received_at < moment)
    day_end = datetime(moment.year, moment.month, moment.day, tzinfo=OSLO) + timedelta(days=1)
    to_day_end = count(Turn, Turn.received_at >= start, Turn.received_at < day_end)
    assert to_moment <= previous["turns"] <= to_day_end < turns[2025]
    assert last_year["previous"]["turns"] == 0


def test_the_history_is_the_same_for_the_same_seed(app):
    def history():
        return db.session.execute(
            select(Case.reference, Case.subject, Case.created_at, Turn.due_at, Turn.answered_at)
            .join(Turn, Turn.case_id == Case.id)
            .order_by(Turn.id)
        ).all()

    load(app, "--cases", "0", "--volume", "0.05")
    first = history()
    assert len(first) > 200
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    load(app, "--cases", "0", "--volume", "0.05")
    assert history() == first


def test_the_bulk_history_is_found_by_search_as_intake_would_index_it(app):
    from inbox.cases.queue import _search_condition

    load(app, "--cases", "0", "--volume", "0.05")
    street = db.session.scalar(
        select(Message.text).where(Message.text.like("%Kvernhusvegen%")).limit(1)
    )
    assert street is not None
    found = db.session.scalars(select(Case.id).where(_search_condition("Kvernhusvegen"))).all()
    written = db.session.scalars(
        select(Message.case_id).where(Message.text.like("%Kvernhusvegen%"))
    ).all()
    assert set(written) <= set(found) and found
