"""Intake: the one entry point that turns a channel's message into a case.

:func:`receive` matches the citizen, finds the case the message belongs to
(or opens one in the frontline department), stores the message with its
sanitized HTML, raw source and attachments, starts a turn with its reply
promise when nothing from the citizen is unanswered, and queues the
acknowledgement in the outbox, all in the caller's transaction. The caller
commits; only after that commit may the source mark the message as done.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

import nh3
from flask import current_app
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from channels.base import Identity, IdentityKind, InboundAttachment, InboundMessage
from channels.email import raw_id
from inbox.blobs import BlobStore, current_store
from inbox.cases.turns import open_turn, start_turn
from inbox.clock import now
from inbox.database import begin_write, deferred_flushes, flush
from inbox.extensions import db
from inbox.i18n import Language
from inbox.intake import references
from inbox.intake.acknowledgements import last_acknowledgements, queue_acknowledgement
from inbox.intake.languages import choose_language
from inbox.intake.matching import (
    contact_for,
    contacts_of,
    continued_case,
    named_case,
    normalised,
    without_references,
)
from inbox.logs import describe
from inbox.models import (
    Attachment,
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    Department,
    Direction,
    Message,
    TurnOrigin,
)
from inbox.people import audit
from inbox.reports import turn_days
from inbox.settings.config import Settings
from rules.language import Detection

log = logging.getLogger(__name__)
SUBJECT_LENGTH = 120
UNREADABLE_NAME = "opphavleg-melding.eml"
# Who an unreadable message is from, when even its sender cannot be stored.
UNKNOWN_SENDER = {
    IdentityKind.EMAIL: "unknown@invalid",
    IdentityKind.PHONE: "unknown",
    IdentityKind.MESSENGER: "unknown",
    IdentityKind.INSTAGRAM: "unknown",
}
# Column sizes; anything from outside is cut to fit rather than refused.
MESSAGE_ID_LENGTH = 300
FILENAME_LENGTH = 255


#: Seed of the advisory lock keys on e-mail identities (see :func:`_wait_for_other_copies`).
COPY_LOCK = 7_302_026


class IntakeError(Exception):
    """The message cannot be taken in as configured; it stays at the source."""


def receive(inbound: InboundMessage) -> Case:
    """Take in one message; the same channel, account and external id twice changes nothing.

    Returns the message's case. Concurrent intakes of the same message (two
    workers, a webhook and a poll) end with one message: the loser's savepoint
    is rolled back and it returns the winner's case.
    """
    inbound = _without_nul(inbound)
    if not db.session().in_transaction():
        begin_write()  # SQLite: take the write lock first, so another writer makes us wait
    _wait_for_other_copies(inbound)
    for _attempt in range(2):
        existing = _existing_case(inbound)
        if existing is not None:
            return existing
        try:
            with db.session.begin_nested():
                message, is_new_case = _take_in(inbound, _settings(), Lookups())
                _record(message, is_new_case)
                return message.case
        except IntegrityError:
            # Another transaction stored this message or created this contact first.
            log.info("intake_conflict channel=%s account=%s", inbound.channel, inbound.account)
    existing = _existing_case(inbound)
    if existing is None:
        raise IntakeError(f"{inbound.channel} message {inbound.external_id!r} could not be stored")
    return existing


def receive_or_flag(inbound: InboundMessage) -> Case:
    """:func:`receive`, and when this message cannot be stored as read, store it flagged.

    A message can break intake in ways no parser foresees (a value the
    database refuses); it then becomes a case flagged "could not be read"
    with the raw source attached, instead of blocking its mailbox. When even
    that fails (disk full, database down), the first error is raised and the
    source keeps the message for the next attempt.
    """
    try:
        return receive(inbound)
    except Exception as error:
        log.error(
            "intake_failed channel=%s account=%s error=%s",
            inbound.channel,
            inbound.account,
            describe(error),
        )
        flagged = replace(
            inbound,
            sender=Identity(inbound.sender.kind, UNKNOWN_SENDER[inbound.sender.kind]),
            subject="",
            text="",
            html=None,
            attachments=(),
            metadata={"parse_error": f"{type(error).__name__}: {str(error)[:500]}"},
            is_unreadable=True,
        )
        try:
            return receive(flagged)
        except Exception:
            raise error from None


@dataclass
class Lookups:
    """What intake of a batch looked up once for all its messages; ``None``: look it up per
    message. Intake adds to them what it creates, so a later message of the batch finds it."""

    frontline: Department | None = None
    #: The contact of each normalised sender identity (``None``: none yet).
    contacts: dict[tuple[IdentityKind, str], Contact | None] | None = None
    #: The last acknowledgement to each address, on any case.
    acknowledged: dict[str, datetime | None] | None = None
    #: The stored message of each identity (see :func:`_identity_keys`).
    stored: dict[tuple, Message] = field(default_factory=dict)
    #: A batch's acknowledgements, queued in order once all its messages are stored, so the
    #: outgoing messages go in together rather than one between each two received ones.
    acknowledgements: list[Callable[[], object]] | None = None
    #: PostgreSQL, a batch: each new case's words, indexed in one statement after the flush.
    words: list[tuple[Case, str]] | None = None
    #: The language of each message (by external id) that was told already.
    languages: Mapping[str, Detection] = field(default_factory=dict)


def receive_batch(
    batch: Sequence[InboundMessage], languages: Mapping[str, Detection] | None = None
) -> list[tuple[Case, bool]]:
    """Take in a fetched batch as a set: per message, its case and whether it was stored
    already (a copy or a redelivery, which changes nothing but the copy's note).
    ``languages``: the messages' :func:`~inbox.intake.languages.message_language` by
    external id, where it was told already.

    The same as :func:`receive` for each in turn, but the stored messages, contacts and last
    acknowledgements are looked up for the whole batch at once, the copies' locks taken in
    one statement, the case references claimed in one, and all of it in one savepoint. When
    any message fails, that savepoint is rolled back, nothing of the batch stays and the
    error is raised: the caller then takes the messages in one by one
    (:func:`receive_or_flag`), so one bad message never blocks the others.
    """
    batch = [_without_nul(inbound) for inbound in batch]
    if not db.session().in_transaction():
        begin_write()
    settings = _settings()
    _wait_for_copies(batch)  # outside the savepoint: held to the end of the transaction
    lookups = Lookups(
        stored=_stored_messages(batch), acknowledgements=[], words=[], languages=languages or {}
    )
    new = [inbound for inbound in batch if _stored_in(lookups, inbound) is None]
    if new:
        calendar = settings.rules.calendar
        references.reserve(Counter(calendar.localize(i.received_at).year for i in new))
        country = calendar.country
        identities = {normalised(inbound.sender, country) for inbound in new}
        lookups.frontline = _frontline(settings)
        lookups.contacts = contacts_of(identities)
        lookups.acknowledged = last_acknowledgements({address for _kind, address in identities})
        store_blobs(new, current_store())
    results: list[tuple[Case, bool]] = []
    taken_in: list[tuple[Message, bool]] = []
    with db.session.begin_nested(), turn_days.collected():
        with deferred_flushes():
            for inbound in batch:
                stored = _stored_in(lookups, inbound)
                if stored is not None:
                    _note_copy(stored, inbound)
                    results.append((stored.case, True))
                    continue
                message, is_new_case = _take_in(inbound, settings, lookups)
                taken_in.append((message, is_new_case))
                for key in _identity_keys(inbound, [inbound.external_id]):
                    lookups.stored.setdefault(key, message)
                results.append((message.case, False))
            for queue in lookups.acknowledgements:
                queue()
        db.session.flush()  # the batch's rows, a multi-row INSERT per table: now they have ids
        _index_new_cases(lookups.words)
        for message, is_new_case in taken_in:
            _record(message, is_new_case)
    return results


def _settings() -> Settings:
    return current_app.extensions["svarfrist"]


def _identity_keys(inbound: InboundMessage, ids: Sequence[str]) -> list[tuple]:
    """Keys under which a message stored with one of ``ids`` is the same as ``inbound``: an
    e-mail's in any of our mailboxes, any other in its own account (see
    :func:`existing_message`)."""
    if inbound.channel == "email":
        return [(inbound.channel, external_id) for external_id in ids]
    return [(inbound.channel, inbound.account, external_id) for external_id in ids]


def _stored_in(lookups: Lookups, inbound: InboundMessage) -> Message | None:
    found = [
        lookups.stored[key]
        for key in _identity_keys(inbound, _stored_ids(inbound))
        if key in lookups.stored
    ]
    return min(found, key=lambda message: message.id) if found else None


def _stored_messages(batch: Sequence[InboundMessage]) -> dict[tuple, Message]:
    """The stored messages of the batch's identities: one query per channel and accounts."""
    groups: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for inbound in batch:
        accounts = tuple(_accounts_reached(inbound))
        groups.setdefault((inbound.channel, accounts), set()).update(_stored_ids(inbound))
    stored: dict[tuple, Message] = {}
    for (channel, accounts), ids in groups.items():
        found = db.session.scalars(
            select(Message)
            .where(
                Message.channel == channel,
                Message.account.in_(accounts),
                Message.external_id.in_(sorted(ids)),
            )
            .order_by(Message.id)
        )
        for message in found:
            key = (channel, message.external_id)
            if channel != "email":
                key = (channel, message.account, message.external_id)
            stored.setdefault(key, message)
    return stored


def _wait_for_copies(batch: Sequence[InboundMessage]) -> None:
    """:func:`_wait_for_other_copies` for a whole batch in one statement. The keys are locked
    in their order, as every batch locks them, so two batches sharing copies do not deadlock."""
    ids = sorted({inbound.external_id for inbound in batch if inbound.channel == "email"})
    if not ids or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        text(
            "SELECT pg_advisory_xact_lock(key) FROM ("
            " SELECT DISTINCT hashtextextended(id, :seed) AS key"
            " FROM unnest(CAST(:ids AS text[])) AS id ORDER BY key) AS keys"
        ),
        {"ids": ids, "seed": COPY_LOCK},
    )


def _wait_for_other_copies(inbound: InboundMessage) -> None:
    """PostgreSQL: wait while another transaction takes in a copy of this e-mail.

    Copies reaching two of our mailboxes are stored under different accounts, so no unique
    index keeps two pollers from storing both; a lock on the message's identity, held to
    the end of the transaction, does. (SQLite has one writer at a time already.)
    """
    if inbound.channel != "email" or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(inbound.external_id, COPY_LOCK)))
    )


def _existing_case(inbound: InboundMessage) -> Case | None:
    """The case of the message stored already as this one, on which this copy is then noted."""
    stored = existing_message(inbound)
    if stored is None:
        return None
    _note_copy(stored, inbound)
    return stored.case


def existing_message(inbound: InboundMessage) -> Message | None:
    """The message stored already as this one: the same channel and id, in any of the accounts
    it may have reached (one e-mail sent to several of our mailboxes is one message)."""
    return db.session.scalar(
        select(Message)
        .where(
            Message.channel == inbound.channel,
            Message.account.in_(_accounts_reached(inbound)),
            Message.external_id.in_(_stored_ids(inbound)),
        )
        .order_by(Message.id)
        .limit(1)
    )


def _accounts_reached(inbound: InboundMessage) -> list[str]:
    """E-mail: every configured mailbox (named, so the lookup stays on the unique index);
    a provider's message id elsewhere belongs to one account."""
    if inbound.channel != "email":
        return [inbound.account]
    return sorted({inbound.account, *(account.name for account in _settings().email_accounts)})


def _stored_ids(inbound: InboundMessage) -> list[str]:
    """The ids the message may be stored under: e-mail taken in before identities by
    Message-ID (and any without one) is stored under the hash of its bytes."""
    if inbound.channel != "email" or inbound.raw is None:
        return [inbound.external_id]
    return sorted({inbound.external_id, raw_id(inbound.raw)})


def _note_copy(stored: Message, inbound: InboundMessage) -> None:
    """Note on the stored message that another copy of it came (another mailbox, other
    transport headers). The same bytes in the same account are no copy but a redelivery
    (a retried poll), and a copy noted already is not noted again."""
    if inbound.raw is None:
        return
    raw_sha256 = hashlib.sha256(inbound.raw).hexdigest()
    if (stored.account, stored.raw_sha256) == (inbound.account, raw_sha256):
        return
    metadata = stored.metadata_json or {}
    copies = list(metadata.get("copies", []))
    if any(
        (copy.get("account"), copy.get("raw_sha256")) == (inbound.account, raw_sha256)
        for copy in copies
    ):
        return
    copies.append(
        {
            "account": inbound.account,
            "raw_sha256": raw_sha256,
            "received_at": inbound.received_at.isoformat(),
        }
    )
    stored.metadata_json = {**metadata, "copies": copies}
    log.info("intake_copy message=%s account=%s", stored.id, inbound.account)


def _take_in(inbound: InboundMessage, settings: Settings, lookups: Lookups) -> tuple[Message, bool]:
    """Store the message on its case (made when it continues none); the message, and whether
    its case is new. :func:`_record` audits it once it is flushed."""
    rules = settings.rules
    if inbound.channel not in rules.promises:
        raise IntakeError(f"no promise is configured for channel {inbound.channel!r}")
    kind, address = normalised(inbound.sender, rules.calendar.country)
    contact = contact_for(inbound.sender, kind, address, lookups.contacts)
    named = named_case(inbound)
    case = continued_case(inbound, contact, settings, named)
    is_new_case = case is None
    if case is None:
        case = _open_case(inbound, contact, settings, lookups)
    # Before anything flushes, so a new case is inserted with its words.
    _index_words(case, inbound, address, is_new_case, lookups)
    if is_new_case:
        turn_days.count_case(case)
    message = _store_message(case, inbound, address, current_store())
    if is_new_case:
        _note_named_case(case, inbound, named, settings)
    if not is_new_case and _is_bounce(inbound):
        # A delivery report about our message: staff must see it, but the citizen
        # wrote nothing, so no turn starts and the case keeps its status.
        _note_bounce(case, inbound)
    elif inbound.metadata.get("keyword"):
        # STOP, START or HELP: an instruction to the channel, not a question to answer.
        _note_keyword(inbound, kind, address)
    else:
        _reopen(case, inbound)
        if is_new_case or open_turn(case) is None:
            _start_turn(case, message, inbound, settings, is_new_case, lookups)
    return message, is_new_case


def _record(message: Message, is_new_case: bool) -> None:
    """Audit and log a message taken in (flushed: the event holds its ids)."""
    case = message.case
    audit.record(
        "case.create" if is_new_case else "message.receive",
        case=case,
        message_id=message.id,
        channel=message.channel,
    )
    log.info(
        "intake case=%s message=%s channel=%s new_case=%s",
        case.reference,
        message.id,
        message.channel,
        is_new_case,
    )


def _start_turn(
    case: Case,
    message: Message,
    inbound: InboundMessage,
    settings: Settings,
    is_new_case: bool,
    lookups: Lookups,
) -> None:
    rule = settings.rules.promises[inbound.channel]
    promise = rule.promise(settings.rules.calendar, inbound.received_at)
    turn = start_turn(
        case,
        origin=TurnOrigin.CITIZEN,
        opened_by=message,
        received_at=inbound.received_at,
        target_at=promise.target_at,
        due_at=promise.due_at,
    )
    if rule.acknowledge and not inbound.is_unreadable:
        queue = partial(
            queue_acknowledgement,
            case,
            turn,
            message,
            settings,
            is_new_case=is_new_case,
            acknowledged=lookups.acknowledged,
        )
        if lookups.acknowledgements is None:
            queue()
        else:
            lookups.acknowledgements.append(queue)


def _note_named_case(
    case: Case, inbound: InboundMessage, named: Case | None, settings: Settings
) -> None:
    """Tell staff on the new case that the message names a case its sender is not on."""
    if named is None:
        return
    language = Language.load(settings.rules.municipality.language)
    text = language.gettext(
        "Mentions case %(reference)s, from an address that is not on that case.",
        reference=named.reference,
    )
    db.session.add(
        Message(
            case=case,
            direction=Direction.NOTE,
            channel=case.channel,
            text=text,
            metadata_json={"names_case": named.reference},
            created_at=inbound.received_at,
        )
    )


def _is_bounce(inbound: InboundMessage) -> bool:
    return bool(inbound.metadata.get("bounce_of"))


def _note_bounce(case: Case, inbound: InboundMessage) -> None:
    """Mark our message that bounced as not delivered, with the server's reason."""
    bounced = db.session.scalar(
        select(Message).where(
            Message.case_id == case.id,
            Message.direction == Direction.OUT,
            Message.rfc_message_id == inbound.metadata["bounce_of"],
        )
    )
    if bounced is None:
        return
    bounced.metadata_json = {
        **(bounced.metadata_json or {}),
        "delivery": "failed",
        "delivery_error": inbound.metadata.get("bounce_reason") or inbound.subject,
    }
    audit.record("message.bounce", case=case, message_id=bounced.id)


def _note_keyword(inbound: InboundMessage, kind: IdentityKind, address: str) -> None:
    """STOP marks the number as opted out of SMS; START lifts that."""
    identity = db.session.scalar(
        select(ContactIdentity).where(
            ContactIdentity.kind == kind, ContactIdentity.value == address
        )
    )
    if inbound.metadata["keyword"] == "stop":
        identity.opted_out_at = inbound.received_at
    elif inbound.metadata["keyword"] == "start":
        identity.opted_out_at = None
    audit.record(f"sms.{inbound.metadata['keyword']}", contact_identity_id=identity.id)


def _without_nul(inbound: InboundMessage) -> InboundMessage:
    """The message with U+0000 taken out of its texts: PostgreSQL's text columns cannot hold
    it, and only broken mail and forged requests carry it."""

    def clean(value):
        if isinstance(value, str):
            return value.replace("\x00", "")
        if isinstance(value, list | tuple):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {clean(key): clean(item) for key, item in value.items()}
        return value

    sender = inbound.sender
    return replace(
        inbound,
        external_id=clean(inbound.external_id),
        sender=replace(sender, value=clean(sender.value), display_name=clean(sender.display_name)),
        text=clean(inbound.text),
        subject=clean(inbound.subject),
        html=clean(inbound.html),
        attachments=tuple(
            replace(
                attachment,
                filename=clean(attachment.filename),
                content_type=clean(attachment.content_type),
            )
            for attachment in inbound.attachments
        ),
        metadata=clean(dict(inbound.metadata)),
    )


def _open_case(
    inbound: InboundMessage, contact: Contact, settings: Settings, lookups: Lookups
) -> Case:
    local = settings.rules.calendar.localize(inbound.received_at)
    case = Case(
        reference=references.next_reference(local.year),
        channel=inbound.channel,
        subject=_subject(inbound),
        status=CaseStatus.NEW,
        department=lookups.frontline or _frontline(settings),
        contact=contact,
        created_at=now(),
        last_message_at=inbound.received_at,
    )
    choose_language(case, inbound, settings, lookups.languages.get(inbound.external_id))
    db.session.add(case)
    return case


def _subject(inbound: InboundMessage) -> str:
    # A reference in the subject is another case's: the new case's answers carry its own.
    subject = without_references(inbound.subject).strip()
    if subject:
        return subject[:300]
    first_line = inbound.text.strip().splitlines()[0] if inbound.text.strip() else ""
    if len(first_line) > SUBJECT_LENGTH:
        first_line = first_line[: SUBJECT_LENGTH - 1].rstrip() + "…"
    return first_line


def _frontline(settings: Settings) -> Department:
    query = select(Department)
    if settings.frontline:
        query = query.where(Department.slug == settings.frontline)
    else:
        query = query.where(Department.is_frontline.is_(True)).order_by(Department.id)
    department = db.session.scalar(query.limit(1))
    if department is None:
        if settings.frontline:
            wanted = f"with slug {settings.frontline!r} ([intake] frontline)"
        else:
            wanted = "marked as frontline"
        raise IntakeError(f"no department {wanted} exists to receive new cases")
    return department


def _store_message(case: Case, inbound: InboundMessage, address: str, blobs: BlobStore) -> Message:
    metadata = dict(inbound.metadata)
    message = Message(
        case=case,
        direction=Direction.IN,
        channel=inbound.channel,
        account=inbound.account,
        external_id=inbound.external_id,
        rfc_message_id=(metadata.get("message_id") or "")[:MESSAGE_ID_LENGTH] or None,
        address=address,
        subject=inbound.subject[:300],
        text=inbound.text,
        html=nh3.clean(inbound.html) if inbound.html else None,
        raw_sha256=blobs.put(inbound.raw) if inbound.raw is not None else None,
        metadata_json={**metadata, "unreadable": True} if inbound.is_unreadable else metadata,
        created_at=inbound.received_at,
    )
    db.session.add(message)
    attachments = inbound.attachments
    if inbound.is_unreadable and inbound.raw is not None:
        # Staff read the original themselves; it is the only faithful copy.
        attachments = (InboundAttachment(UNREADABLE_NAME, "message/rfc822", inbound.raw),)
    for attachment in attachments:
        message.attachments.append(
            Attachment(
                filename=attachment.filename[:FILENAME_LENGTH],
                content_type=attachment.content_type[:FILENAME_LENGTH],
                size=len(attachment.content),
                sha256=blobs.put(attachment.content),
            )
        )
    flush()
    return message


def store_blobs(batch: Sequence[InboundMessage], blobs: BlobStore) -> None:
    """The raw sources and attachments of a batch, stored together (their fsyncs side by
    side); :func:`_store_message` then finds each stored already. A reader ahead of the
    poll stores them before the batch reaches intake, which then only finds them there."""
    contents = [inbound.raw for inbound in batch if inbound.raw is not None]
    contents += [
        attachment.content
        for inbound in batch
        if not inbound.is_unreadable
        for attachment in inbound.attachments
    ]
    blobs.put_many(contents)


def _index_words(
    case: Case, inbound: InboundMessage, address: str, is_new_case: bool, lookups: Lookups
) -> None:
    """PostgreSQL: add the message's and the citizen's words to the case's search vector."""
    if db.engine.dialect.name != "postgresql":
        return  # SQLite searches its FTS5 table of messages
    words = " ".join(
        part
        for part in (
            case.reference,
            inbound.subject,
            inbound.text,
            case.contact.name,
            address,
        )
        if part
    )
    if is_new_case and lookups.words is not None:
        lookups.words.append((case, words))
        return
    added = func.to_tsvector("norwegian", words)
    if is_new_case:
        case.search_vector = added
    else:
        empty = func.to_tsvector("norwegian", "")
        case.search_vector = func.coalesce(Case.search_vector, empty).op("||")(added)


def _index_new_cases(words: list[tuple[Case, str]]) -> None:
    """The new cases' words (:func:`_index_words`), for a batch in one statement: a search
    vector in the INSERT would make it one INSERT per case. Added to what a later message
    of the batch may have put there already."""
    if not words:
        return
    cases = Case.__table__
    empty = func.to_tsvector("norwegian", "")
    db.session.execute(
        update(cases)
        .where(cases.c.id == bindparam("case_id"))
        .values(
            search_vector=func.to_tsvector("norwegian", bindparam("words")).op("||")(
                func.coalesce(cases.c.search_vector, empty)
            )
        ),
        [{"case_id": case.id, "words": text} for case, text in words],
    )


def _reopen(case: Case, inbound: InboundMessage) -> None:
    if inbound.is_unreadable:
        case.is_unreadable = True
    if case.status in (CaseStatus.WAITING, CaseStatus.CLOSED):
        case.status = CaseStatus.OPEN
        case.closed_at = None
    if inbound.received_at > case.last_message_at:
        case.last_message_at = inbound.received_at
