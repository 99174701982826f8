"""Escalating reply promises that are about to break or have broken, one level at a time.

For every unanswered turn due soon or overdue, the levels reached
(:mod:`rules.escalation`) are each notified once by e-mail through the
outbox: the warning to the assignee (or the department when nobody has the
case), the breach to the department's leader, the next level to the
configured addresses. Each notice is keyed ``turn:<id>:<level>`` in
``sent_notices`` (a primary key), written in the same transaction as its
outbox rows, so two workers never send the same notice twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inbox.clock import now
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.i18n import N_, Language
from inbox.models import Case, CaseStatus, Department, SentNotice, Turn
from inbox.outbox.dispatch import enqueue
from inbox.settings.config import Settings
from rules.escalation import Level, reached

log = logging.getLogger(__name__)
# Turns due further ahead than this cannot have reached a level yet.
HORIZON = timedelta(days=7)
SUBJECTS = {
    Level.WARNING: N_("Case %(reference)s is due %(due)s"),
    Level.BREACH: N_("Case %(reference)s was not answered by %(due)s"),
    Level.NEXT: N_("Case %(reference)s is still unanswered; the promise was %(due)s"),
}


def check(at=None) -> int:
    """Notify every level newly reached; returns how many notices were sent."""
    at = at or now()
    settings: Settings = current_app.extensions["svarfrist"]
    commit_and_begin_write()
    turns = db.session.scalars(
        select(Turn)
        .join(Case, Case.id == Turn.case_id)
        .where(
            Turn.answered_at.is_(None),
            Turn.due_at <= at + HORIZON,
            Case.status != CaseStatus.CLOSED,
        )
    ).all()
    sent = 0
    for turn in turns:
        rule = settings.escalation_rule(turn.case.department.slug)
        for level in reached(settings.rules.calendar, rule, turn.due_at, at):
            sent += _notify_once(turn, level, rule.next_level, settings)
    db.session.commit()
    return sent


def _notify_once(turn: Turn, level: Level, next_level: tuple[str, ...], settings) -> int:
    recipients = _recipients(turn.case, level, next_level)
    if not recipients:
        return 0
    if not first_time(f"turn:{turn.id}:{level.value}"):
        return 0  # sent before, by this worker or another
    language = Language.load(settings.rules.municipality.language)
    values = {
        "reference": turn.case.reference,
        "due": language.datetime(turn.due_at.astimezone(settings.rules.calendar.zone)),
        "subject": turn.case.subject,
    }
    subject = language.gettext(SUBJECTS[level], **values)
    text = subject + "\n\n" + language.gettext("Subject: %(subject)s", **values)
    for recipient in recipients:
        enqueue(
            purpose="notification",
            channel="email",
            recipient=recipient,
            payload={"subject": subject, "text": text},
            case=turn.case,
        )
    log.info(
        "escalation case=%s level=%s recipients=%s", turn.case.reference, level, len(recipients)
    )
    return 1


def _recipients(case: Case, level: Level, next_level: tuple[str, ...]) -> list[str]:
    department = case.department
    if level == Level.WARNING:
        if case.assignee is not None:
            return [case.assignee.email]
        return [department.email] if department.email else [m.email for m in department.members]
    if level == Level.BREACH:
        if department.leader is not None:
            return [department.leader.email]
        return [department.email] if department.email else []
    return list(next_level)


def send_digests(at=None) -> int:
    """Each department leader's morning list of turns due today and overdue, on working days.

    Once per leader per day (``digest:<date>:<leader>``); nothing when there is
    nothing to list. Returns how many digests were queued.
    """
    at = at or now()
    settings: Settings = current_app.extensions["svarfrist"]
    calendar = settings.rules.calendar
    today = calendar.local_date(at)
    if not calendar.is_working_day(today):
        return 0
    end_of_day = calendar.day(today).closes_at or at
    commit_and_begin_write()
    sent = 0
    for department in db.session.scalars(
        select(Department).where(Department.leader_id.is_not(None))
    ):
        cases = db.session.scalars(
            select(Case)
            .where(
                Case.department_id == department.id,
                Case.status != CaseStatus.CLOSED,
                Case.due_at <= end_of_day,
            )
            .order_by(Case.due_at)
        ).all()
        if cases and first_time(f"digest:{today.isoformat()}:{department.leader.email}"):
            _queue_digest(department, cases, at, settings)
            sent += 1
    db.session.commit()
    return sent


def first_time(key: str) -> bool:
    """Record ``key`` in ``sent_notices`` (flushed, in the caller's transaction); ``False``
    when it was there already (sent before, by this worker or another)."""
    try:
        with db.session.begin_nested():
            db.session.add(SentNotice(key=key, sent_at=now()))
            db.session.flush()
    except IntegrityError:
        return False
    return True


def _queue_digest(department: Department, cases: list[Case], at, settings: Settings) -> None:
    leader = department.leader
    language = Language.load(leader.language)
    zone = settings.rules.calendar.zone
    overdue = [case for case in cases if case.due_at <= at]
    subject = language.gettext(
        "%(department)s: %(overdue)s overdue, %(today)s due today",
        department=department.name,
        overdue=len(overdue),
        today=len(cases) - len(overdue),
    )
    lines = [
        f"{case.reference}  {language.datetime(case.due_at.astimezone(zone))}  {case.subject}"
        for case in cases
    ]
    enqueue(
        purpose="notification",
        channel="email",
        recipient=leader.email,
        payload={"subject": subject, "text": subject + "\n\n" + "\n".join(lines)},
    )
