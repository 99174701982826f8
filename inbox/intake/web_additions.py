""" "Send oss meir informasjon": what a citizen adds to their case on the status page.

It is taken in through :func:`inbox.intake.receiving.receive` like any message, on channel
``web`` with that channel's promise rule, so it starts a turn when nothing from the citizen
waits for an answer. The limits are intake's: files up to ``[storage] max_attachment_mb``,
their names made safe, the text kept as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from channels.base import Identity, IdentityKind, InboundAttachment
from channels.web import status_page_message
from inbox.clock import now
from inbox.i18n import N_
from inbox.intake.receiving import receive
from inbox.models import Case
from inbox.people.rate_limits import count_against
from inbox.settings.config import Settings

#: As long as the longest answer staff may write.
TEXT_LENGTH = 20_000
#: At most this many additions per window from one address.
LIMITS = {"status-add-ip": (10, timedelta(hours=1))}
#: The identities an addition can come from: those an acknowledgement went to.
ANSWERABLE = (IdentityKind.EMAIL, IdentityKind.PHONE)


class AdditionError(ValueError):
    """An addition that cannot be taken in; ``field`` says which input is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Addition:
    text: str
    file: InboundAttachment | None = None


def add_information(case: Case, addition: Addition, *, ip: str | None) -> Case:
    """Take in the citizen's addition to ``case`` (after the rate limit); the caller commits.

    Call it in a write transaction from its start
    (:func:`inbox.database.commit_and_begin_write`), as intake and the limit need.
    """
    settings: Settings = current_app.extensions["svarfrist"]
    _check(addition, settings)
    sender = _sender(case)
    count_against(LIMITS, {"status-add-ip": ip})
    message = status_page_message(
        reference=case.reference,
        sender=sender,
        text=addition.text,
        received_at=now(),
        attachments=(addition.file,) if addition.file is not None else (),
    )
    return receive(message)


def _check(addition: Addition, settings: Settings) -> None:
    if not addition.text.strip() and addition.file is None:
        raise AdditionError("text", N_("Write what you would like to add, or choose a file."))
    if len(addition.text) > TEXT_LENGTH:
        raise AdditionError("text", N_("Please keep it shorter (at most 20 000 characters)."))
    if addition.file is not None and len(addition.file.content) > settings.max_attachment_bytes:
        raise AdditionError("file", N_("The file is too large."))


def _sender(case: Case) -> Identity:
    """The citizen's own address, so intake joins the addition to their case."""
    for identity in case.contact.identities:
        if identity.kind in ANSWERABLE:
            return Identity(identity.kind, identity.value)
    raise AdditionError(
        "text", N_("We cannot take information for this case here. Please call or write to us.")
    )
