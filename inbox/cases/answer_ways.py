"""How an answer can reach the citizen on a case, and what became of each one sent.

The composer offers only the ways that are true for the case: e-mail or SMS to an
address or number the citizen has, the Meta conversation while Meta still lets us
answer, "answered by phone or at the desk" (nothing is sent) and a printed letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from channels.base import IdentityKind
from inbox.extensions import db
from inbox.models import Case, ContactIdentity, Direction, Message, OutboxMessage, OutboxStatus
from inbox.outbox.meta_replies import OUTSIDE_WINDOW, planned_reply


class Route(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    SPOKEN = "spoken"  # answered by phone or at the desk: recorded, nothing sent
    LETTER = "letter"  # printed from a PDF; the turn ends when staff mark it sent


#: Routes that put a row in the outbox.
SENT_ROUTES = frozenset({Route.EMAIL, Route.SMS, Route.FACEBOOK, Route.INSTAGRAM})
#: The channels a case may have that are answered by talking to the citizen.
SPOKEN_CHANNELS = frozenset({"phone", "in_person", "callback"})
IDENTITY_ROUTES = {IdentityKind.EMAIL: Route.EMAIL, IdentityKind.PHONE: Route.SMS}


@dataclass(frozen=True)
class AnswerWay:
    """One way to answer: a route and, for the routes that send, to whom."""

    route: Route
    recipient: str | None = None

    @property
    def key(self) -> str:
        """How the composer's form names it: ``email:kari@example.no``, ``spoken``."""
        return f"{self.route.value}:{self.recipient}" if self.recipient else self.route.value


class Delivery(StrEnum):
    """What became of an outgoing message, as the case page shows it."""

    QUEUED = "queued"  # in the outbox, not yet taken by the worker (or waiting to try again)
    SENT = "sent"  # handed to the provider
    DELIVERED = "delivered"  # the provider reported it reached the citizen
    FAILED = "failed"
    SPOKEN = "spoken"
    LETTER_UNSENT = "letter_unsent"
    LETTER_SENT = "letter_sent"
    NOT_SENT = "not_sent"  # an outgoing message no outbox row was ever made for


def answer_ways(case: Case, now: datetime) -> list[AnswerWay]:
    """The ways an answer can reach the citizen now, the case's own channel first."""
    last = last_inbound(case)
    sending: list[AnswerWay] = []
    if _answerable_on_meta(case, last, now):
        sending.append(AnswerWay(Route(case.channel), last.address))
    identities = db.session.scalars(
        select(ContactIdentity)
        .where(
            ContactIdentity.contact_id == case.contact_id,
            ContactIdentity.kind.in_(IDENTITY_ROUTES),
            ContactIdentity.opted_out_at.is_(None),
        )
        .order_by(ContactIdentity.id)
    ).all()
    for identity in identities:
        sending.append(AnswerWay(IDENTITY_ROUTES[identity.kind], identity.value))
    # The address the citizen last wrote from, on the channel they wrote on, comes first.
    sending.sort(
        key=lambda way: (
            way.route != case.channel,
            not (last is not None and way.recipient == last.address),
        )
    )
    talk = [AnswerWay(Route.SPOKEN), AnswerWay(Route.LETTER)]
    if case.channel == "letter":
        talk.reverse()
    if case.channel in SPOKEN_CHANNELS or case.channel == "letter":
        return talk + sending
    return sending + talk


def _answerable_on_meta(case: Case, last: Message | None, now: datetime) -> bool:
    """A Facebook or Instagram case while Meta still takes an answer to the citizen's last."""
    if case.channel not in (Route.FACEBOOK, Route.INSTAGRAM) or last is None or not last.address:
        return False
    return last.channel == case.channel and planned_reply(last, now) != OUTSIDE_WINDOW


def default_way(case: Case, now: datetime) -> AnswerWay | None:
    """The way an answer goes when none is chosen (the API, a callback that reached the
    citizen): the case's own channel when it can carry one now; registered as given by phone
    or at the desk on a phone, visit or callback case; ``None`` otherwise (a letter must be
    printed, an opted-out number or a closed Meta window reaches nobody)."""
    if case.channel in SPOKEN_CHANNELS:
        return AnswerWay(Route.SPOKEN)
    ways = answer_ways(case, now)
    return next((w for w in ways if w.route in SENT_ROUTES and w.route == case.channel), None)


def delivery_of(message: Message, row: OutboxMessage | None) -> Delivery | None:
    """The state of one outgoing message; ``None`` for incoming messages and notes."""
    if message.direction != Direction.OUT:
        return None
    state = (message.metadata_json or {}).get("delivery")
    if state in (Delivery.SPOKEN, Delivery.LETTER_UNSENT, Delivery.LETTER_SENT):
        return Delivery(state)
    if state == "delivered":
        return Delivery.DELIVERED
    if state == "failed":
        return Delivery.FAILED
    if row is None:
        return Delivery.NOT_SENT
    if row.status == OutboxStatus.SENT:
        return Delivery.SENT
    if row.status == OutboxStatus.FAILED:
        return Delivery.FAILED
    return Delivery.QUEUED


def outbox_rows(messages: list[Message]) -> dict[int, OutboxMessage]:
    """The outbox row of each outgoing message, by message id."""
    ids = [m.id for m in messages if m.direction == Direction.OUT]
    if not ids:
        return {}
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids)))
    return {row.message_id: row for row in rows}


def last_inbound(case: Case) -> Message | None:
    """The contact's latest message on the case: where answers and notices go.

    A message from an address that is not the contact's (moved into the case by staff)
    is never answered by this: the case's answers are the contact's.
    """
    own_addresses = select(ContactIdentity.value).where(
        ContactIdentity.contact_id == case.contact_id
    )
    return db.session.scalar(
        select(Message)
        .where(
            Message.case_id == case.id,
            Message.direction == Direction.IN,
            Message.address.in_(own_addresses),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
