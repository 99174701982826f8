"""The citizen beside a case: who they are, how to reach them, and their other cases.

Only the cases the viewer may see are shown (:func:`visible_cases`); the others are counted,
never named, so staff know to ask another department without learning what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from channels.base import IdentityKind
from inbox.cases.access import case_changeable, visible_cases
from inbox.cases.citizen_addresses import ADDABLE_KINDS
from inbox.cases.merging import is_mergeable
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    OutboxMessage,
    OutboxStatus,
    User,
)

#: At most this many other cases are listed; the rest are counted.
MAX_LISTED = 30
_KIND_ORDER = {IdentityKind.EMAIL: 0, IdentityKind.PHONE: 1}


@dataclass(frozen=True)
class Address:
    identity: ContactIdentity
    #: E-mail and phone can be changed and removed by staff; Meta's ids cannot.
    is_editable: bool
    #: A message to it waits in the outbox (it cannot be changed or removed now).
    has_pending: bool

    @property
    def shown(self) -> str:
        """The value as people read it: a phone number grouped (``+47 91 23 45 67``)."""
        if self.identity.kind != IdentityKind.PHONE:
            return self.identity.value
        try:
            number = phonenumbers.parse(self.identity.value, None)
        except phonenumbers.NumberParseException:
            return self.identity.value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@dataclass(frozen=True)
class OtherCase:
    case: Case
    #: The viewer may merge it into the case on the page.
    is_mergeable: bool
    #: Open with its promise past due.
    is_overdue: bool


@dataclass(frozen=True)
class CitizenPanel:
    contact: Contact
    addresses: list[Address]
    #: The citizen's language, else the case's (``None`` never: every case has one).
    language: str
    #: Whether the language is the citizen's own (known) or only the case's.
    is_language_known: bool
    other_cases: list[OtherCase]
    #: Other cases of the citizen listed beyond :data:`MAX_LISTED`.
    more_cases: int
    #: Cases of the citizen the viewer may not see: counted, never shown.
    hidden_cases: int


def citizen_panel(case: Case, viewer: User, moment: datetime) -> CitizenPanel:
    """The citizen of ``case`` as ``viewer`` may have them: every address, and the other
    cases ``viewer`` may see (open ones first, by due time), the rest only counted."""
    contact = case.contact
    identities = sorted(
        contact.identities, key=lambda identity: (_KIND_ORDER.get(identity.kind, 9), identity.id)
    )
    pending = set(
        db.session.scalars(
            select(OutboxMessage.recipient).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.recipient.in_([identity.value for identity in identities]),
            )
        )
    )
    addresses = [
        Address(identity, identity.kind in ADDABLE_KINDS, identity.value in pending)
        for identity in identities
    ]
    others = visible_cases(viewer).where(Case.contact_id == contact.id, Case.id != case.id)
    visible_count = db.session.scalar(others.with_only_columns(func.count(Case.id)).order_by(None))
    all_count = db.session.scalar(
        select(func.count(Case.id)).where(Case.contact_id == contact.id, Case.id != case.id)
    )
    changeable = case_changeable(viewer)
    rows = db.session.execute(
        others.add_columns(changeable.label("is_changeable"))
        .options(selectinload(Case.department))
        # Open cases first, the most urgent first; then the rest, the latest first.
        .order_by(
            when((Case.status == CaseStatus.CLOSED, 1), else_=0),
            Case.due_at.is_(None),
            Case.due_at,
            Case.last_message_at.desc(),
            Case.id.desc(),
        )
        .limit(MAX_LISTED)
    ).all()
    may_change_this = db.session.scalar(
        select(changeable).select_from(Case).where(Case.id == case.id)
    )
    listed = [
        OtherCase(
            other,
            is_mergeable=bool(may_change_this and is_changeable) and is_mergeable(other, case),
            is_overdue=other.status != CaseStatus.CLOSED
            and other.due_at is not None
            and other.due_at < moment,
        )
        for other, is_changeable in rows
    ]
    return CitizenPanel(
        contact=contact,
        addresses=addresses,
        language=contact.language or case.language,
        is_language_known=contact.language is not None,
        other_cases=listed,
        more_cases=visible_count - len(listed),
        hidden_cases=all_count - visible_count,
    )
