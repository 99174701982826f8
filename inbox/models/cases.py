"""Cases, their messages and attachments, and the reply promises (turns) on them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db
from inbox.models.contacts import Contact
from inbox.models.people import Department, User
from rules.language import Detection


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"  # waiting for the citizen
    CLOSED = "closed"


class Direction(StrEnum):
    IN = "in"  # from the citizen
    OUT = "out"  # to the citizen
    NOTE = "note"  # internal, never sent


class OutKind(StrEnum):
    """What an outgoing message is; only replies and preliminary answers end a turn."""

    REPLY = "reply"
    PRELIMINARY = "preliminary"
    ACKNOWLEDGEMENT = "acknowledgement"
    NOTICE = "notice"  # e.g. telling the citizen who now handles the case


class TurnOrigin(StrEnum):
    CITIZEN = "citizen"  # a citizen's message started it
    PRELIMINARY = "preliminary"  # a preliminary answer promised a new date


class CaseCounter(db.Model):
    """The last case number handed out per year, for references like ``2026-000123``."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<CaseCounter {self.year}: {self.last_number}>"


class Case(db.Model):
    """A sak: one matter raised by a citizen, on one or more channels."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_department_status", "department_id", "status"),
        Index("ix_cases_contact_channel", "contact_id", "channel"),
        # The queue: open cases of a department by due time. Most cases are closed,
        # so only the open ones are indexed.
        Index(
            "ix_cases_open_queue",
            "department_id",
            "due_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # The filter counts read only this (an index-only scan on PostgreSQL).
        Index(
            "ix_cases_open_counts",
            "department_id",
            postgresql_include=["id", "status", "channel", "due_at", "assignee_id"],
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # The same across departments (frontline staff and admins see them all).
        Index(
            "ix_cases_open_due",
            "due_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # The queue's other sorts: by when the case came in, and by its latest message.
        Index(
            "ix_cases_open_received",
            "created_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        Index(
            "ix_cases_open_activity",
            "last_message_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``YYYY-NNNNNN``; unique, numbers may have gaps.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: The channel the case came in on.
    channel: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.NEW)
    #: The owning department; changes only through inbox.cases.turns.move_case.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    #: Language of texts to the citizen on this case.
    language: Mapped[str] = mapped_column(String(5), default="nn")
    #: The language the first message looked like (nn, nb, en); ``None``: too short to tell,
    #: or not detected (the citizen chose or was known, or the case is older).
    language_guess: Mapped[str | None] = mapped_column(String(5))
    #: How sure the detector was of ``language_guess`` (0 to 1); ``None``: not detected.
    language_confidence: Mapped[float | None] = mapped_column(Float)
    #: Set when a message could not be read; the raw source is attached.
    is_unreadable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The open turn's times, copied here so the queue is one indexed table;
    #: ``None`` when nothing from the citizen is unanswered. Kept by inbox.cases.turns.
    target_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: PostgreSQL: the words of the case (reference, subject, messages, citizen's
    #: name and addresses) for search, stemmed with the ``norwegian`` text search
    #: configuration, with a GIN index; grown by intake. SQLite
    #: searches its FTS5 table instead and leaves this empty.
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), deferred=True
    )
    #: Set when staff joined this case's messages to another case (the one its message
    #: named); a message that names this case continues that one.
    joined_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))

    department: Mapped[Department] = relationship()
    assignee: Mapped[User | None] = relationship()
    contact: Mapped[Contact] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="case", order_by="Message.created_at, Message.id"
    )
    turns: Mapped[list[Turn]] = relationship(
        back_populates="case", order_by="Turn.received_at, Turn.id"
    )
    joined_into: Mapped[Case | None] = relationship(remote_side="Case.id")
    #: Added as :class:`CaseParticipant` rows; read here.
    participants: Mapped[list[Contact]] = relationship(secondary="case_participants", viewonly=True)

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"

    @property
    def language_detection(self) -> Detection | None:
        """What intake's language detection saw in the first message; ``None``: it did not run."""
        if self.language_confidence is None:
            return None
        return Detection(self.language_guess, self.language_confidence)


class CaseParticipant(db.Model):
    """Someone besides the contact whom staff have joined to a case (a relative writing about
    the case, say): their messages naming the case continue it."""

    __tablename__ = "case_participants"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<CaseParticipant case={self.case_id} contact={self.contact_id}>"


class Message(db.Model):
    """One message on a case: from the citizen, to the citizen, or an internal note."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "account", "external_id"),
        Index("ix_messages_case_created", "case_id", "created_at"),
        # Loop protection asks when an address was last acknowledged, on every intake.
        Index(
            "ix_messages_acknowledged_address",
            "address",
            "created_at",
            postgresql_where=text("kind = 'acknowledgement'"),
            sqlite_where=text("kind = 'acknowledgement'"),
        ),
        # Channel health counts what each account took in today, /metrics everything taken in.
        Index(
            "ix_messages_in_created",
            "created_at",
            postgresql_include=["channel", "account"],
            postgresql_where=text("direction = 'in'"),
            sqlite_where=text("direction = 'in'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    #: For outgoing messages: reply, preliminary answer, acknowledgement or notice.
    kind: Mapped[OutKind | None] = mapped_column(enum_column(OutKind))
    channel: Mapped[str] = mapped_column(String(20))
    #: The channel account (mailbox, phone number, page) it came in or goes out on.
    account: Mapped[str] = mapped_column(String(100), default="")
    #: The channel's own id (Message-ID or raw hash, MessageSid, Graph mid).
    external_id: Mapped[str | None] = mapped_column(String(300))
    #: RFC 5322 Message-ID, incoming or ours, for threading e-mail replies.
    rfc_message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    #: The citizen's address (incoming) or the recipient (outgoing).
    address: Mapped[str | None] = mapped_column(String(320))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    #: HTML from outside, sanitized with nh3 before it was stored.
    html: Mapped[str | None] = mapped_column(Text)
    #: sha256 of the raw source in the blob store.
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    #: Headers and channel metadata worth keeping (threading, provider status).
    metadata_json: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    #: Received (incoming) or written (outgoing, notes).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message")

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.direction} case={self.case_id}>"


class Attachment(db.Model):
    """A file on a message; the bytes live once in the blob store under their sha256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)

    message: Mapped[Message] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.size}B>"


class Turn(db.Model):
    """One reply promise: from a citizen's message to the first public answer.

    Reports are computed from these rows. ``met`` is set when the turn ends:
    answered at or before ``due_at``.
    """

    __tablename__ = "turns"
    __table_args__ = (
        Index("ix_turns_open_due", "answered_at", "due_at"),
        Index("ix_turns_channel_received", "channel", "received_at"),
        # Covering on PostgreSQL: the report's answer times read a year from the index alone.
        Index(
            "ix_turns_received",
            "received_at",
            postgresql_include=["origin", "channel", "department_id", "answer_seconds"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    #: The case's department, copied so the report groups and scopes turns without a join;
    #: kept by inbox.cases.turns.move_case.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    origin: Mapped[TurnOrigin] = mapped_column(enum_column(TurnOrigin))
    #: The citizen's message that started the turn (or the preliminary answer).
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    target_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    answer_kind: Mapped[OutKind | None] = mapped_column(enum_column(OutKind))
    met: Mapped[bool | None]
    #: Opening time from receipt to the due time, and to the answer (seconds), so the
    #: report aggregates in SQL instead of walking the calendar for every turn.
    promised_seconds: Mapped[int | None]
    answer_seconds: Mapped[int | None]

    case: Mapped[Case] = relationship(back_populates="turns")
    department: Mapped[Department] = relationship()
    #: Set as an object, so a turn and its message can be inserted in one flush.
    opened_by: Mapped[Message | None] = relationship(foreign_keys=[opened_by_id])

    def __repr__(self) -> str:
        return f"<Turn {self.id} case={self.case_id} due={self.due_at:%Y-%m-%d}>"
