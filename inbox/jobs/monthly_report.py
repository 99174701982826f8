"""The monthly report by e-mail: each leader gets the channel report of the month just ended,
for their departments, in their own language, with the PDF attached.

Switched on by ``[report] monthly_mail = true``. The worker sends on the first working day of
the month (the municipality's calendar) from the leaders' digest time (``[escalation]
digest_time``) on; a worker that was not running then sends on the next day it runs, within
that month. A leader is an enabled user with the leader or admin role who leads at least one
active department (an administrator who leads none gets nothing); the report covers what
/reports/channels shows them: a leader's own departments, every department for an
administrator. Each mail is keyed ``report:<YYYY-MM>:<user id>`` in ``sent_notices``, written
in the same transaction as its outbox row, so two workers or a restart never send a leader
the same month twice. The report is drawn before that transaction (a PDF takes a second or
two); a worker that loses the race throws its copy away.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select

from inbox.blobs import current_store
from inbox.clock import now
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.jobs.escalation import first_time
from inbox.logs import describe
from inbox.models import Department, Role, SentNotice, User
from inbox.outbox.dispatch import enqueue
from inbox.reports import document, formats
from inbox.reports.channel_report import channel_report
from inbox.settings.config import Settings
from rules.calendar import Calendar

log = logging.getLogger(__name__)
#: The sections of the report's document that the mail's text repeats (their headings' ids).
SECTIONS_IN_TEXT = ("summary-heading", "look-heading")


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    pdf: bytes
    filename: str


def send_due(at: datetime | None = None) -> int:
    """The worker's job: queue the month's mails that are due and not sent; how many."""
    settings: Settings = current_app.extensions["svarfrist"]
    if not settings.report.monthly_mail:
        return 0
    month = due_month(settings.rules.calendar, at or now(), time(*settings.digest_time))
    if month is None:
        return 0
    return len(queue_month(*month))


def due_month(calendar: Calendar, at: datetime, send_time: time) -> tuple[int, int] | None:
    """(year, month) of the report due at ``at``: the month before, from ``send_time`` on the
    first working day of the month to the month's end; ``None`` before that."""
    local = calendar.localize(at)
    first = calendar.working_day_on_or_after(local.date().replace(day=1)).date
    if (local.date(), local.time()) < (first, send_time):
        return None
    before = local.date().replace(day=1) - timedelta(days=1)
    return before.year, before.month


def queue_month(year: int, month: int, among: list[User] | None = None) -> list[User]:
    """Queue the report of ``month`` for every leader (or those ``among`` them) not sent it
    yet, each in its own transaction; the leaders queued. A leader whose report cannot be
    drawn is logged and tried again the next time."""
    queued = []
    for leader in leaders() if among is None else among:
        key = f"report:{year}-{month:02d}:{leader.id}"
        if db.session.get(SentNotice, key) is not None:
            continue  # the common case all month: nothing to draw
        try:
            mail = draw(leader, year, month)
        except Exception as error:  # one leader's report must not hold back the others'
            log.error("monthly_report_failed user=%s error=%s", leader.id, describe(error))
            db.session.rollback()
            continue
        commit_and_begin_write()
        if first_time(key):
            _enqueue(leader, mail)
            queued.append(leader)
        db.session.commit()
    return queued


def leaders() -> list[User]:
    """Enabled leaders and administrators who lead an active department, by id."""
    leads = exists().where(Department.leader_id == User.id, Department.is_active)
    return list(
        db.session.scalars(
            select(User)
            .where(User.is_enabled, User.role.in_([Role.LEADER, Role.ADMIN]), leads)
            .order_by(User.id)
        )
    )


def draw(leader: User, year: int, month: int) -> Mail:
    """The mail for ``leader``: the report as /reports/channels would show it them, in their
    language; the text is the document's summary and "what to look at", word for word."""
    departments = None if leader.role == Role.ADMIN else sorted(leader.department_ids)
    report = channel_report(year, month, departments)
    settings: Settings = current_app.extensions["svarfrist"]
    with current_app.test_request_context(), force_locale(leader.language):
        html = document.as_html(report, year, month)
        pdf = document.as_pdf(report, year, month)
        subject = document.title_text(report, year, month, formats.department_names())
        period = formats.format_date(date(year, month, 1), "LLLL y")
        lines = [
            _("The channel report for %(period)s is attached as a PDF.", period=period),
            "",
            *_SectionText.of(html),
        ]
        if settings.auth.public_url:
            link = f"{settings.auth.public_url}/reports/channels?year={year}&month={month}"
            lines += ["", _("The report on the web: %(link)s", link=link)]
    return Mail(subject, "\n".join(lines) + "\n", pdf, f"kanalrapport-{year}-{month:02d}.pdf")


def _enqueue(leader: User, mail: Mail) -> None:
    attachment = {
        "filename": mail.filename,
        "content_type": "application/pdf",
        "sha256": current_store().put(mail.pdf),
    }
    enqueue(
        purpose="report",
        channel="email",
        recipient=leader.email,
        payload={"subject": mail.subject, "text": mail.text, "attachments": [attachment]},
    )
    log.info("monthly_report_queued user=%s", leader.id)


class _SectionText(HTMLParser):
    """The text of the document's :data:`SECTIONS_IN_TEXT`: headings, paragraphs, "term:
    value" for the figures, "- item" for the list."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.depth = 0  # sections open inside a wanted one (0: outside)
        self.line: list[str] = []

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.lines

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            wanted = dict(attrs).get("aria-labelledby") in SECTIONS_IN_TEXT
            self.depth += 1 if self.depth or wanted else 0
        elif self.depth and tag == "li":
            self.line = ["- "]

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "dt":
            self.line.append(": ")
        elif tag in ("h2", "p", "dd", "li"):
            text = " ".join("".join(self.line).split())
            if text:
                self.lines += ["", text] if tag == "h2" and self.lines else [text]
            self.line = []

    def handle_data(self, data):
        if self.depth:
            self.line.append(data)
