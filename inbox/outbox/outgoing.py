"""Writing one outgoing message to the citizen and queuing it for sending."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import inspect, select

from channels.base import IdentityKind
from channels.email import new_message_id
from inbox.clock import now
from inbox.database import flush
from inbox.extensions import db
from inbox.models import Case, Contact, ContactIdentity, Direction, Message, OutKind, User
from inbox.outbox.dispatch import enqueue
from inbox.outbox.meta_replies import OUTSIDE_WINDOW, planned_reply, reply_headers

# Channels an answer can be sent on; letters, calls and visits are answered
# outside Svarfrist and the answer is only registered here.
SENDABLE_CHANNELS = frozenset({"email", "sms", "facebook", "instagram"})
# The delivery error of a message not sent because the number answered STOP (translated on
# the case page).
OPTED_OUT = "opted-out"


def send_to_citizen(
    case: Case,
    *,
    kind: OutKind,
    text: str,
    channel: str,
    account: str,
    recipient: str | None,
    in_reply_to: Message | None = None,
    author: User | None = None,
) -> Message:
    """Add the outgoing message to the case and, where the channel can carry it, the outbox.

    E-mail gets a Message-ID (so the citizen's reply threads back to the case),
    In-Reply-To/References to the citizen's message, and the case reference in
    the subject. Automatic messages are marked ``Auto-Submitted: auto-replied``
    (RFC 3834) and ``X-Auto-Response-Suppress: All`` (Exchange) so other robots
    do not answer them.
    """
    headers: dict[str, str] = {}
    subject = ""
    rfc_message_id = None
    if channel == "email":
        subject = f"Re: {case.subject} [Sak {case.reference}]"
        rfc_message_id = new_message_id(_address_of(account), case.reference.replace("-", "."))
        headers["Message-ID"] = rfc_message_id
        if in_reply_to is not None and in_reply_to.rfc_message_id:
            earlier = (in_reply_to.metadata_json or {}).get("references", "")
            headers["In-Reply-To"] = in_reply_to.rfc_message_id
            headers["References"] = f"{earlier} {in_reply_to.rfc_message_id}".strip()
    plan = planned_reply(in_reply_to, now())
    if plan is not None:
        headers.update(reply_headers(in_reply_to, plan))
    if author is None:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    message = Message(
        case=case,
        direction=Direction.OUT,
        kind=kind,
        channel=channel,
        account=account,
        address=recipient,
        author=author,
        rfc_message_id=rfc_message_id,
        subject=subject,
        text=text,
        created_at=now(),
    )
    db.session.add(message)
    flush()
    if channel == "sms" and recipient and opted_out(recipient, case.contact):
        message.metadata_json = {"delivery": "failed", "delivery_error": OPTED_OUT}
        return message
    if plan == OUTSIDE_WINDOW:
        message.metadata_json = {"delivery": "failed", "delivery_error": OUTSIDE_WINDOW}
        return message
    if channel in SENDABLE_CHANNELS and recipient:
        enqueue(
            purpose=kind.value,
            channel=channel,
            account=account,
            recipient=recipient,
            payload={"subject": subject, "text": text, "headers": headers},
            case=case,
            message=message,
        )
    return message


def _address_of(account: str) -> str:
    """The address the message will go out from: e-mail account ``account``'s, else the first
    account's, as :class:`channels.base.ByAccount` sends a row of an unknown account (empty
    when none is configured)."""
    accounts = current_app.extensions["svarfrist"].email_accounts
    chosen = next((a for a in accounts if a.name == account), accounts[0] if accounts else None)
    return chosen.address if chosen is not None else ""


def opted_out(phone: str, contact: Contact | None = None) -> bool:
    """Whether the citizen asked us (STOP) not to send SMS to this number.

    The number's identity as the session holds it, so a STOP taken in but not yet written
    counts: among ``contact``'s identities when they are loaded (a contact this intake made),
    else by a query that flushes nothing (a batch's intake writes its rows together at the
    end) and returns the session's own object for an identity it holds.
    """
    identity = None
    if contact is not None and "identities" not in inspect(contact).unloaded:
        identity = next(
            (i for i in contact.identities if (i.kind, i.value) == (IdentityKind.PHONE, phone)),
            None,
        )
    if identity is None:
        with db.session.no_autoflush:
            identity = db.session.scalar(
                select(ContactIdentity).where(
                    ContactIdentity.kind == IdentityKind.PHONE, ContactIdentity.value == phone
                )
            )
    return identity is not None and identity.opted_out_at is not None
