"""A realistic demo municipality (Alver kommune) with two years of history.

The settled past (1 January last year until two weeks ago) is written in bulk by
:mod:`inbox.demo.archive`, the same rows the services write. The recent weeks go
through the real services (intake, replies, handovers) with the clock set to the
moment each thing happened, so the open turns, acknowledgements and audit trail
look like real use. The same seed gives the same municipality every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from channels.base import Identity, IdentityKind, InboundMessage
from inbox.cases.turns import move_case
from inbox.clock import frozen_at
from inbox.demo.answering import answer_as_staff
from inbox.demo.archive import Archive, history_start
from inbox.demo.people import (
    ADMIN_NAME,
    CITIZENS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    email_address,
)
from inbox.demo.phrasings import citizen_text
from inbox.demo.showcase import add_showcase
from inbox.demo.texts import (
    CALLBACK,
    FOLLOW_UP,
    HANDOVER_NOTE,
    KINDERGARTENS,
    PRELIMINARY,
    SCHOOLS,
    STREETS,
    TOPICS,
    Topic,
)
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.models import (
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    Department,
    Handover,
    HandoverStatus,
    OutboxMessage,
    OutboxStatus,
    OutKind,
    Role,
    Turn,
    User,
)
from inbox.people.users import create_user
from rules.calendar import Calendar

HISTORY_DAYS = 270
#: With the bulk history, the cases played through the services fall in these last days.
PLAYED_DAYS = 30
CHANNEL_WEIGHTS = {
    "email": 40,
    "sms": 12,
    "facebook": 15,
    "callback": 13,
    "letter": 8,
    "phone": 12,
}
# Typical time to the answer, in opening hours, per channel: (usual range, late range).
ANSWER_HOURS = {
    "email": ((0.5, 24), (31, 42)),
    "letter": ((2, 24), (31, 42)),
    "sms": ((0.2, 5), (7, 12)),
    "facebook": ((0.2, 5), (7, 12)),
    "callback": ((0.2, 5), (7, 10)),
    "phone": ((1, 20), (31, 40)),
}


@dataclass
class DemoSummary:
    departments: int = 0
    users: int = 0
    cases: int = 0
    open_turns: int = 0
    overdue: int = 0
    due_today: int = 0
    pending_handovers: int = 0
    #: Settled cases of the two years' history written in bulk.
    archived: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    #: The showcase citizen's cases by role (``declined``, ``sms``, ``letter``, ``closed``).
    showcase: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Citizen:
    name: str
    language: str
    email: str
    phone: str
    messenger: str


class DemoLoader:
    def __init__(self, now: datetime, seed: int) -> None:
        self.now = now
        self.random = random.Random(seed)
        self.settings = current_app.extensions["svarfrist"]
        self.calendar: Calendar = self.settings.rules.calendar
        self.departments: dict[str, Department] = {}
        self.staff: dict[str, list[User]] = {}
        self.citizens: list[Citizen] = []
        self.serial = 0
        self.history_days = HISTORY_DAYS

    # -- people ------------------------------------------------------------------

    def add_people(self, summary: DemoSummary) -> None:
        for plan in DEPARTMENTS:
            department = Department(
                slug=plan.slug, name=plan.name, email=plan.email, is_frontline=plan.is_frontline
            )
            db.session.add(department)
            db.session.flush()
            leader = self._user(plan.leader, Role.LEADER, department, summary)
            department.leader = leader
            self.departments[plan.slug] = department
            self.staff[plan.slug] = [leader] + [
                self._user(name, Role.STAFF, department, summary) for name in plan.staff
            ]
        self._user(ADMIN_NAME, Role.ADMIN, None, summary)
        for number, name in enumerate(CITIZENS):
            self.citizens.append(self._citizen(number, name))

    def _user(
        self, name: str, role: Role, department: Department | None, summary: DemoSummary
    ) -> User:
        user = create_user(
            email=email_address(name),
            name=name,
            password=DEMO_PASSWORD,
            role=role,
            departments=[department] if department else [],
        )
        summary.logins.append((role.value, department.name if department else "-", user.email))
        return user

    def _citizen(self, number: int, name: str) -> Citizen:
        citizen = Citizen(
            name=name,
            language="nb" if number % 4 == 3 else "nn",
            email=email_address(name, "example.com"),
            phone=f"+47{self.random.choice(('91', '92', '48', '47'))}{number:02d}{number * 7:04d}",
            messenger=f"demo-psid-{1000 + number}",
        )
        contact = Contact(name=name, language=citizen.language, created_at=self.now)
        contact.identities = [
            ContactIdentity(kind=IdentityKind.EMAIL, value=citizen.email),
            ContactIdentity(kind=IdentityKind.PHONE, value=citizen.phone),
            ContactIdentity(kind=IdentityKind.MESSENGER, value=citizen.messenger),
        ]
        db.session.add(contact)
        return citizen

    # -- history -----------------------------------------------------------------

    def add_cases(self, count: int) -> None:
        arrivals = sorted(self._arrival() for _ in range(count))
        for received_at, topic, channel, citizen in arrivals:
            self._play(received_at, topic, channel, citizen)

    def add_due_today(self) -> None:
        """A few open cases due today, so the demo always has something pressing."""
        today = self.calendar.local_date(self.now)
        if not self.calendar.is_working_day(today):
            return
        for days, channel in ((5, "email"), (1, "callback")):
            received_on = today
            for _ in range(days):
                received_on = self._previous_working_day(received_on)
            opens = self.calendar.day(received_on).opens_at
            received_at = opens + timedelta(hours=2)
            topic = self.random.choice(TOPICS)
            self._receive(received_at, topic, channel, self.random.choice(self.citizens))

    def _previous_working_day(self, before):
        day = before - timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def _arrival(self) -> tuple[datetime, Topic, str, Citizen]:
        day = self.calendar.local_date(self.now) - timedelta(
            days=self.random.randrange(1, self.history_days)
        )
        if self.calendar.is_working_day(day) and self.random.random() < 0.8:
            hour = self.random.uniform(8, 16)
        else:
            hour = self.random.uniform(7, 23)
        local = datetime.combine(day, datetime.min.time(), tzinfo=self.calendar.zone)
        received_at = local + timedelta(hours=hour)
        weights = [6 if day.month in topic.peak_months else 1 for topic in TOPICS]
        topic = self.random.choices(TOPICS, weights)[0]
        channels = list(CHANNEL_WEIGHTS)
        channel = self.random.choices(channels, [CHANNEL_WEIGHTS[c] for c in channels])[0]
        return received_at, topic, channel, self.random.choice(self.citizens)

    def _play(self, received_at: datetime, topic: Topic, channel: str, citizen: Citizen) -> None:
        case = self._receive(received_at, topic, channel, citizen)
        moment = received_at
        if self._has_pending_handover(case):
            return  # the message joined a case that waits for another department
        if topic.department != "innbyggjarservice" and case.department.is_frontline:
            moment = self._hand_over(case, topic, moment)
            if moment is None:
                return
        if channel in ("email", "letter") and self.random.random() < 0.1:
            moment = self._preliminary(case, citizen, moment)
            if moment is None:
                return
        answered_at = self._answer(case, topic, citizen, channel, moment)
        if answered_at is None:
            return
        if self.random.random() < 0.12:
            self._follow_up(case, topic, citizen, channel, answered_at)
        elif answered_at < self.now - timedelta(days=4) and self.random.random() < 0.75:
            case.status = CaseStatus.CLOSED
            case.closed_at = answered_at + timedelta(days=2)

    def _receive(self, received_at: datetime, topic: Topic, channel: str, citizen: Citizen) -> Case:
        self.serial += 1
        values = self._slots()
        language = citizen.language
        subject = topic.subject[language]
        text = citizen_text(topic, language, self.random, values)
        if channel == "callback":
            text = CALLBACK[language].format(subject=subject.lower())
        with frozen_at(received_at):
            return receive(self._inbound(received_at, channel, citizen, subject, text))

    def _inbound(
        self, received_at: datetime, channel: str, citizen: Citizen, subject: str, text: str
    ) -> InboundMessage:
        if channel == "email":
            message_id = f"<demo-{self.serial}@example.com>"
            sender = Identity(IdentityKind.EMAIL, citizen.email, citizen.name)
            return InboundMessage(
                channel="email",
                account="postmottak",
                external_id=message_id,
                sender=sender,
                received_at=received_at,
                subject=subject,
                text=text,
                metadata={"message_id": message_id},
            )
        if channel == "facebook":
            sender = Identity(IdentityKind.MESSENGER, citizen.messenger, citizen.name)
        else:
            sender = Identity(IdentityKind.PHONE, citizen.phone, citizen.name)
        by_hand = channel in ("letter", "phone")
        return InboundMessage(
            channel=channel,
            account={"facebook": "alverkommune", "sms": "+4756375000"}.get(
                channel, "manuell" if by_hand else "nettside"
            ),
            external_id=f"demo-{channel}-{self.serial}",
            sender=sender,
            received_at=received_at,
            subject=subject if by_hand else "",
            text=text,
        )

    def _slots(self) -> dict[str, object]:
        return {
            "street": self.random.choice(STREETS),
            "number": self.random.randrange(1, 80),
            "school": self.random.choice(SCHOOLS),
            "kindergarten": self.random.choice(KINDERGARTENS),
            "gnr": self.random.randrange(1, 300),
            "bnr": self.random.randrange(1, 120),
        }

    def _hours_later(self, moment: datetime, low: float, high: float) -> datetime:
        return self.calendar.add_working_hours(moment, self.random.uniform(low, high))

    def _hand_over(self, case: Case, topic: Topic, moment: datetime) -> datetime | None:
        """Offer the case to its department; accepted unless it is recent."""
        proposed_at = self._hours_later(moment, 0.3, 4)
        if proposed_at >= self.now:
            return None
        frontline = self.departments["innbyggjarservice"]
        target = self.departments[topic.department]
        proposer = self.random.choice(self.staff[frontline.slug])
        with frozen_at(proposed_at):
            handover = propose(case, target, proposer, HANDOVER_NOTE)
        decided_at = self._hours_later(proposed_at, 0.2, 6)
        if decided_at >= self.now or self.random.random() < 0.03:
            return None  # still pending: the department has not answered yet
        handover.status = HandoverStatus.ACCEPTED
        handover.decided_at = decided_at
        waited = self.calendar.working_time_between(proposed_at, decided_at)
        handover.decision_seconds = round(waited.total_seconds())
        handover.decided_by = self.random.choice(self.staff[target.slug])
        move_case(case, target)
        case.assignee = handover.decided_by
        return decided_at

    @staticmethod
    def _has_pending_handover(case: Case) -> bool:
        pending = select(Handover.id).where(
            Handover.case_id == case.id, Handover.status == HandoverStatus.PENDING
        )
        return db.session.scalar(pending.limit(1)) is not None

    def _answer_by(self, case: Case) -> User:
        return case.assignee or self.random.choice(self.staff[case.department.slug])

    def _preliminary(self, case: Case, citizen: Citizen, moment: datetime) -> datetime | None:
        answered_at = self._hours_later(moment, 10, 24)
        if answered_at >= self.now:
            return None
        new_date = self.calendar.add_working_days(
            answered_at.astimezone(self.calendar.zone).date(), 7
        )
        text = PRELIMINARY[citizen.language].format(date=new_date.date.strftime("%d.%m.%Y"))
        with frozen_at(answered_at):
            answer_as_staff(
                case, self._answer_by(case), text, kind=OutKind.PRELIMINARY, new_date=new_date.date
            )
        return answered_at

    def _answer(
        self, case: Case, topic: Topic, citizen: Citizen, channel: str, moment: datetime
    ) -> datetime | None:
        usual, late = ANSWER_HOURS[channel]
        chance = self.random.random()
        if chance < 0.04:
            return None  # forgotten: an overdue turn
        answered_at = self._hours_later(moment, *(late if chance < 0.16 else usual))
        if answered_at >= self.now:
            return None
        with frozen_at(answered_at):
            answer_as_staff(case, self._answer_by(case), topic.reply[citizen.language])
        return answered_at

    def _follow_up(
        self, case: Case, topic: Topic, citizen: Citizen, channel: str, answered_at: datetime
    ) -> None:
        received_at = answered_at + timedelta(hours=self.random.uniform(1, 48))
        if received_at >= self.now:
            return
        self.serial += 1
        text = FOLLOW_UP[citizen.language].format(**self._slots())
        subject = f"Re: {case.subject} [Sak {case.reference}]"
        with frozen_at(received_at):
            receive(self._inbound(received_at, channel, citizen, subject, text))
        self._answer(case, topic, citizen, channel, received_at)

    # -- after the history ---------------------------------------------------------

    def mark_history_sent(self) -> None:
        """The demo's outgoing messages are history: mark them sent, so nothing goes out."""
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=OutboxMessage.created_at, attempts=1)
        )

    def summarise(self, summary: DemoSummary) -> DemoSummary:
        open_turns = select(func.count()).select_from(Turn).where(Turn.answered_at.is_(None))
        today = self.calendar.day(self.calendar.local_date(self.now))
        summary.departments = len(self.departments)
        summary.users = db.session.scalar(select(func.count()).select_from(User))
        summary.cases = db.session.scalar(select(func.count()).select_from(Case))
        summary.open_turns = db.session.scalar(open_turns)
        summary.overdue = db.session.scalar(open_turns.where(Turn.due_at < self.now))
        summary.due_today = (
            db.session.scalar(
                open_turns.where(Turn.due_at >= self.now, Turn.due_at <= today.closes_at)
            )
            if today.closes_at
            else 0
        )
        summary.pending_handovers = db.session.scalar(
            select(func.count())
            .select_from(Handover)
            .where(Handover.status == HandoverStatus.PENDING)
        )
        return summary


def load_demo(
    now: datetime, *, cases: int = 150, seed: int = 2026, volume: float = 1.0
) -> DemoSummary:
    """Add the demo municipality to an empty database (flushed; the caller commits).

    ``volume`` scales the two years of settled history (1: about 3,000 cases a year;
    0: none), written in bulk before the ``cases`` played through the services."""
    loader = DemoLoader(now, seed)
    summary = DemoSummary()
    today = loader.calendar.local_date(now)
    start = history_start(today) if volume > 0 else today - timedelta(days=HISTORY_DAYS + 1)
    joined = datetime.combine(start - timedelta(days=1), time(8), tzinfo=loader.calendar.zone)
    with frozen_at(joined):
        loader.add_people(summary)
    db.session.flush()
    if volume > 0:
        played_from = today - timedelta(days=PLAYED_DAYS)
        end = today - timedelta(days=1)
        archive = Archive(loader, start, end, volume, played=(played_from, cases))
        summary.archived = archive.write(limit=now)
        loader.history_days = PLAYED_DAYS  # the services play only the recent weeks
        db.session.flush()
    loader.add_cases(cases)
    loader.add_due_today()
    summary.showcase = {role: case.reference for role, case in add_showcase(loader).items()}
    loader.mark_history_sent()
    db.session.flush()
    return loader.summarise(summary)
