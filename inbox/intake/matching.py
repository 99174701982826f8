"""Who wrote, and which case their message continues.

The sender's identity is stored normalised (e-mail lower-case, phone numbers in E.164) and
matched to a contact; a message continues a case by the Message-IDs it answers or the case
reference in its subject (only when the case is its sender's), by the report of a message of
ours that bounced, or, on conversation channels, by the sender's open case of the last days.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from channels.base import Identity, IdentityKind, InboundMessage
from channels.phone import e164
from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseParticipant,
    CaseStatus,
    Contact,
    ContactIdentity,
    Direction,
    Message,
)
from inbox.settings.config import Settings

REFERENCE_TOKEN = re.compile(r"\[\s*sak\s+(\d{4}-\d{6})\s*\]", re.IGNORECASE)
_SPACED_REFERENCE_TOKEN = re.compile(r"\s*" + REFERENCE_TOKEN.pattern, re.IGNORECASE)
# Channels where a citizen writes short messages in a running conversation.
CONVERSATION_CHANNELS = frozenset({"sms", "facebook", "instagram"})
# Column sizes; anything from outside is cut to fit rather than refused.
ADDRESS_LENGTH = 320
NAME_LENGTH = 200


def normalised(identity: Identity, country: str) -> tuple[IdentityKind, str]:
    """The identity as stored: e-mail lower-case, phone numbers in E.164 (one written without
    a country code is ``country``'s); a sender that is no valid number (an SMS sender's name,
    a short code) is kept as it came."""
    value = identity.value.strip()[:ADDRESS_LENGTH]
    if identity.kind == IdentityKind.EMAIL:
        return identity.kind, value.lower()
    if identity.kind == IdentityKind.PHONE:
        return identity.kind, e164(value, country) or value
    return identity.kind, value


def contact_for(
    sender: Identity,
    kind: IdentityKind,
    address: str,
    known: dict[tuple[IdentityKind, str], Contact | None] | None = None,
) -> Contact:
    """The contact of the normalised identity, made when there is none (and added to it).

    ``known``: the contacts of a batch's identities looked up at once (:func:`contacts_of`);
    a new contact is added to it, so the batch's next message from the sender finds it.
    """
    if known is not None and (kind, address) in known:
        contact = known[kind, address]
    else:
        contact = db.session.scalar(
            select(Contact)
            .join(ContactIdentity)
            .where(ContactIdentity.kind == kind, ContactIdentity.value == address)
        )
    if contact is not None:
        if not contact.name and sender.display_name:
            contact.name = sender.display_name[:NAME_LENGTH]
        return contact
    name = sender.display_name[:NAME_LENGTH] if sender.display_name else None
    contact = Contact(name=name, created_at=now())
    contact.identities.append(ContactIdentity(kind=kind, value=address))
    db.session.add(contact)  # inserted with the message's flush
    if known is not None:
        known[kind, address] = contact
    return contact


def contacts_of(
    identities: set[tuple[IdentityKind, str]],
) -> dict[tuple[IdentityKind, str], Contact | None]:
    """The contact of each normalised identity (``None`` for those nobody has), in one query."""
    found: dict[tuple[IdentityKind, str], Contact | None] = dict.fromkeys(identities)
    if not identities:
        return found
    rows = db.session.execute(
        select(ContactIdentity.kind, ContactIdentity.value, Contact)
        .join(Contact, Contact.id == ContactIdentity.contact_id)
        .where(
            ContactIdentity.kind.in_({kind for kind, _value in identities}),
            ContactIdentity.value.in_(sorted({value for _kind, value in identities})),
        )
    )
    for kind, value, contact in rows:
        if (kind, value) in found:
            found[kind, value] = contact
    return found


def continued_case(
    inbound: InboundMessage, contact: Contact, settings: Settings, named: Case | None
) -> Case | None:
    """The existing case this message continues, if any; ``named`` is :func:`named_case`'s.

    A message that names a case (by the Message-IDs it answers or the reference in its
    subject) continues it only when its sender is that case's contact or a participant staff
    have joined to it: anyone can write a reference, and a stranger must neither reopen a
    citizen's case nor receive its answers.
    """
    bounced = _case_of_ours(_ids(inbound.metadata.get("bounce_of")))
    if bounced is not None:
        # A delivery report comes from a mail server, not from the citizen; intake
        # neither reopens nor acknowledges for it.
        return bounced
    if named is not None and is_on_case(contact, named):
        return named
    if inbound.channel in CONVERSATION_CHANNELS:
        if contact.id is None:
            return None  # a contact this intake made, not flushed yet: no case is theirs
        since = inbound.received_at - timedelta(days=settings.thread_window_days)
        return db.session.scalar(
            select(Case)
            .where(
                Case.contact_id == contact.id,
                Case.channel == inbound.channel,
                Case.status != CaseStatus.CLOSED,
                Case.last_message_at >= since,
            )
            .order_by(Case.last_message_at.desc())
            .limit(1)
        )
    return None


def named_case(inbound: InboundMessage) -> Case | None:
    """The case whose outgoing Message-IDs or reference the message names, whoever sent it;
    a case staff have joined into another stands for that one."""
    metadata = inbound.metadata
    case = _case_of_ours(_ids(metadata.get("in_reply_to")) + _ids(metadata.get("references")))
    if case is None:
        token = REFERENCE_TOKEN.search(inbound.subject or "")
        if token:
            case = db.session.scalar(select(Case).where(Case.reference == token[1]))
    return _joined_into(case) if case is not None else None


def is_on_case(contact: Contact, case: Case) -> bool:
    """True when ``contact`` is the case's contact or one of its participants."""
    if case.contact_id == contact.id:
        return True
    if contact.id is None:
        return False  # made by this intake, not flushed yet: on no case
    return (
        db.session.get(CaseParticipant, {"case_id": case.id, "contact_id": contact.id}) is not None
    )


def _joined_into(case: Case) -> Case:
    """The case ``case`` was joined into, following a chain of joins to its end."""
    seen = {case.id}
    while case.joined_into_id is not None and case.joined_into_id not in seen:
        seen.add(case.joined_into_id)
        case = db.session.get(Case, case.joined_into_id)
    return case


def without_references(subject: str) -> str:
    """``subject`` with its case references (``[Sak 2026-000278]``) taken out."""
    return _SPACED_REFERENCE_TOKEN.sub("", subject)


def _case_of_ours(message_ids: list[str]) -> Case | None:
    """The case of the first of our outgoing messages among ``message_ids``."""
    if not message_ids:
        return None
    return db.session.scalar(
        select(Case)
        .join(Message, Message.case_id == Case.id)
        .where(Message.direction == Direction.OUT, Message.rfc_message_id.in_(message_ids))
        .limit(1)
    )


def _ids(value) -> list[str]:
    """Message-IDs from a header value or a list of them."""
    if not value:
        return []
    text = " ".join(value) if isinstance(value, list | tuple) else str(value)
    return re.findall(r"<[^<>\s]+>", text) or text.split()
