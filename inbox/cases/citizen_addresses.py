"""Staff changing the citizen of a case: their name, e-mail addresses and phone numbers.

Every change is audited with the old and the new value, from the case it was made on, and
the search words of the citizen's cases follow it (the old name or address is no longer found,
the new one is).
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select, text

from channels.base import IdentityKind
from channels.phone import e164
from inbox.cases.queue import SEARCH_CONFIGURATION
from inbox.extensions import db
from inbox.models import Case, ContactIdentity, OutboxMessage, OutboxStatus, User
from inbox.people import audit

#: What staff can add: the kinds an answer can be sent to.
ADDABLE_KINDS = (IdentityKind.EMAIL, IdentityKind.PHONE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_ADDRESS_LENGTH = 320
MAX_NAME_LENGTH = 200


class AddressError(ValueError):
    """The address cannot be added, changed or removed; ``code`` says why (``invalid_email``,
    ``invalid_phone``, ``belongs_to_another``, ``message_pending``, ``not_editable``,
    ``name_too_long``), ``value`` is what was given (or the address it is about)."""

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def add_address(case: Case, kind: IdentityKind, value: str, staff: User) -> ContactIdentity:
    """Give the case's citizen another address or number, normalised as intake stores them.

    An address the citizen already has is returned as it is; one that belongs to another
    citizen is refused (it would join two people's cases).
    """
    normalised = _normalised(kind, value)
    existing = db.session.scalar(
        select(ContactIdentity).where(
            ContactIdentity.kind == kind, ContactIdentity.value == normalised
        )
    )
    if existing is not None:
        if existing.contact_id != case.contact_id:
            raise AddressError("belongs_to_another", normalised)
        return existing
    identity = ContactIdentity(contact_id=case.contact_id, kind=kind, value=normalised)
    db.session.add(identity)
    db.session.flush()
    reindex_citizen_cases(case.contact_id)
    _record("contact.address_added", case, identity, staff, old=None, new=normalised)
    return identity


def citizen_identity(case: Case, identity_id: int) -> ContactIdentity | None:
    """The address with this id if it is the case's citizen's (another citizen's is none)."""
    identity = db.session.get(ContactIdentity, identity_id)
    if identity is None or identity.contact_id != case.contact_id:
        return None
    return identity


def change_address(
    case: Case, identity: ContactIdentity, value: str, staff: User
) -> ContactIdentity:
    """Correct one of the citizen's addresses or numbers (a typo, a new number).

    Refused while a message to the old one waits to be sent (it would still go there), and
    when the new one is another citizen's.
    """
    if identity.kind not in ADDABLE_KINDS:
        raise AddressError("not_editable", identity.value)
    normalised = _normalised(identity.kind, value)
    if normalised == identity.value:
        return identity
    _refuse_while_pending(identity)
    existing = db.session.scalar(
        select(ContactIdentity).where(
            ContactIdentity.kind == identity.kind, ContactIdentity.value == normalised
        )
    )
    if existing is not None:
        if existing.contact_id != identity.contact_id:
            raise AddressError("belongs_to_another", normalised)
        # The citizen has the new one already: the old one simply goes.
        remove_address(case, identity, staff)
        return existing
    old = identity.value
    identity.value = normalised
    # An opt-out (STOP) was the old number's; the new number never said it.
    identity.opted_out_at = None
    db.session.flush()
    reindex_citizen_cases(identity.contact_id)
    _record("contact.address_changed", case, identity, staff, old=old, new=normalised)
    return identity


def remove_address(case: Case, identity: ContactIdentity, staff: User) -> None:
    """Take an address or number away from the citizen; refused while a message to it waits
    to be sent."""
    if identity.kind not in ADDABLE_KINDS:
        raise AddressError("not_editable", identity.value)
    _refuse_while_pending(identity)
    _record("contact.address_removed", case, identity, staff, old=identity.value, new=None)
    contact_id = identity.contact_id
    db.session.delete(identity)
    db.session.flush()
    reindex_citizen_cases(contact_id)


def rename_citizen(case: Case, name: str, staff: User) -> bool:
    """Give the case's citizen their name (empty: not known); whether it changed."""
    contact = case.contact
    new = " ".join(name.split()) or None
    if new is not None and len(new) > MAX_NAME_LENGTH:
        raise AddressError("name_too_long", new)
    if new == contact.name:
        return False
    old, contact.name = contact.name, new
    db.session.flush()
    reindex_citizen_cases(contact.id)
    audit.record("contact.renamed", user=staff, case=case, contact_id=contact.id, old=old, new=new)
    return True


def _record(
    action: str,
    case: Case,
    identity: ContactIdentity,
    staff: User,
    *,
    old: str | None,
    new: str | None,
) -> None:
    """Audit a change to one of the citizen's addresses, with its value before and after."""
    audit.record(
        action,
        user=staff,
        case=case,
        contact_id=identity.contact_id,
        identity_id=identity.id,
        kind=identity.kind.value,
        old=old,
        new=new,
    )


#: The case's words as intake and the search migrations gather them: reference, subject, the
#: citizen's messages, their name and every address and number they have now. Cases without a
#: vector (anonymised by retention) stay without one.
_REINDEX = """
UPDATE cases SET search_vector = to_tsvector(CAST(:configuration AS regconfig),
    reference || ' ' || coalesce(subject, '') || ' ' ||
    coalesce((SELECT string_agg(coalesce(m.subject, '') || ' ' || coalesce(m.text, ''), ' ')
              FROM messages m WHERE m.case_id = cases.id AND m.direction = 'in'), '') || ' ' ||
    coalesce((SELECT c.name FROM contacts c WHERE c.id = cases.contact_id), '') || ' ' ||
    coalesce((SELECT string_agg(i.value, ' ') FROM contact_identities i
              WHERE i.contact_id = cases.contact_id), ''))
WHERE contact_id = :contact_id AND search_vector IS NOT NULL
"""


def reindex_citizen_cases(contact_id: int) -> None:
    """PostgreSQL: gather the search words of this citizen's cases again, after their name or
    an address changed. SQLite needs nothing: it matches the name and addresses as they are
    and its full-text table holds only the messages."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(
        text(_REINDEX), {"configuration": SEARCH_CONFIGURATION, "contact_id": contact_id}
    )


def has_pending_message(identity: ContactIdentity) -> bool:
    """Whether a message to this address or number waits in the outbox to be sent."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.recipient == identity.value,
    )
    return db.session.scalar(query.limit(1)) is not None


def _refuse_while_pending(identity: ContactIdentity) -> None:
    if has_pending_message(identity):
        raise AddressError("message_pending", identity.value)


def _normalised(kind: IdentityKind, value: str) -> str:
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        if len(value) > MAX_ADDRESS_LENGTH or not _EMAIL.fullmatch(value):
            raise AddressError("invalid_email", value)
        return value.lower()
    country = current_app.extensions["svarfrist"].rules.calendar.country
    number = e164(value, country)
    if number is None:
        raise AddressError("invalid_phone", value)
    return number
