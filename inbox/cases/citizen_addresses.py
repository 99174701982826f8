"""Staff adding an e-mail address or phone number to the citizen of a case (audited)."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from channels.base import IdentityKind
from channels.phone import e164
from inbox.extensions import db
from inbox.models import Case, ContactIdentity, User
from inbox.people import audit

#: What staff can add: the kinds an answer can be sent to.
ADDABLE_KINDS = (IdentityKind.EMAIL, IdentityKind.PHONE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_ADDRESS_LENGTH = 320


class AddressError(ValueError):
    """The address cannot be added; ``code`` says why (``invalid_email``, ``invalid_phone``,
    ``belongs_to_another``), ``value`` is what was given."""

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
    audit.record(
        "contact.address_added",
        user=staff,
        case=case,
        contact_id=case.contact_id,
        identity_id=identity.id,
        kind=kind.value,
    )
    return identity


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
