"""Letters, phone calls and visits registered by hand, so every channel is in the reports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from channels.base import Identity, IdentityKind, InboundMessage
from inbox.cases.turns import move_case
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.intake.matching import normalised
from inbox.intake.receiving import receive
from inbox.models import Case, ContactIdentity, Department, Direction, Message, User
from inbox.people import audit

MANUAL_CHANNELS = ("letter", "phone", "in_person")
MANUAL_ACCOUNT = "manuell"


class RegistrationError(ServiceError):
    """The registration is incomplete; ``code`` and the message name the field."""


@dataclass(frozen=True)
class Registration:
    channel: str
    received_at: datetime
    name: str
    email: str
    phone: str
    subject: str
    text: str
    language: str
    department: Department


def register(registration: Registration, by: User) -> Case:
    """Take in a message registered by hand, like any channel's (the caller commits)."""
    if registration.channel not in MANUAL_CHANNELS:
        raise RegistrationError(
            "registration.channel",
            "channel must be one of %(channels)s",
            channels=MANUAL_CHANNELS,
        )
    if registration.received_at > now():
        raise RegistrationError("registration.future", "received: the time is in the future")
    if not registration.department.is_active:
        raise RegistrationError(
            "registration.inactive_department",
            "department: %(department)s is no longer active and takes no cases",
            department=registration.department,
        )
    if not (registration.phone.strip() or registration.email.strip()):
        raise RegistrationError(
            "registration.no_address",
            "give an e-mail address or a phone number, so the answer can reach",
        )
    sender = (
        Identity(IdentityKind.PHONE, registration.phone.strip(), registration.name or None)
        if registration.phone.strip()
        else Identity(IdentityKind.EMAIL, registration.email.strip(), registration.name or None)
    )
    case = receive(
        InboundMessage(
            channel=registration.channel,
            account=MANUAL_ACCOUNT,
            external_id=f"manual-{uuid.uuid4()}",
            sender=sender,
            received_at=registration.received_at,
            subject=registration.subject,
            text=registration.text,
            # The language staff registered, for the case and any acknowledgement.
            metadata={"registered_by": by.id, "language": registration.language},
        )
    )
    if _is_new(case) and case.department_id != registration.department.id:
        move_case(case, registration.department)
    if registration.phone.strip() and registration.email.strip():
        _add_identity(case, IdentityKind.EMAIL, registration.email)
    case.language = registration.language
    if case.contact.language is None:
        case.contact.language = registration.language
    audit.record("case.register", user=by, case=case, channel=registration.channel)
    return case


def _is_new(case: Case) -> bool:
    inbound = select(func.count()).where(
        Message.case_id == case.id, Message.direction == Direction.IN
    )
    return db.session.scalar(inbound) == 1


def _add_identity(case: Case, kind: IdentityKind, value: str) -> None:
    """Keep the citizen's other address too, unless it already belongs to someone."""
    country = current_app.extensions["svarfrist"].rules.calendar.country
    kind, value = normalised(Identity(kind, value), country)
    taken = select(ContactIdentity.id).where(
        ContactIdentity.kind == kind, ContactIdentity.value == value
    )
    if db.session.scalar(taken) is None:
        case.contact.identities.append(ContactIdentity(kind=kind, value=value))
