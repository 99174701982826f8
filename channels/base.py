"""The values every channel adapter speaks: what came in, what goes out, how sending went.

Adapters turn the outside world into :class:`InboundMessage` values and
:class:`OutboundMessage` values into the outside world. They decide nothing
about cases, citizens or promises; the inbox does that.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class IdentityKind(StrEnum):
    """How a citizen is recognised on a channel."""

    EMAIL = "email"
    PHONE = "phone"  # E.164, e.g. +4791234567
    MESSENGER = "messenger"  # page-scoped id
    INSTAGRAM = "instagram"  # Instagram-scoped id


@dataclass(frozen=True, slots=True)
class Identity:
    """A citizen's address on one channel, already normalised by the adapter."""

    kind: IdentityKind
    value: str
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMessage:
    """One message from a citizen, as a channel received it.

    ``external_id`` is the channel's own id (Message-ID or a hash of the raw
    bytes, Twilio MessageSid, Graph ``mid``); together with ``channel`` and
    ``account`` it makes receiving the same message twice harmless.
    ``received_at`` must be timezone-aware. ``metadata`` carries what threading
    needs (``message_id``, ``in_reply_to``, ``references`` for e-mail).
    ``is_unreadable`` marks a message the adapter could not parse; ``raw`` is
    then the only faithful copy.
    """

    channel: str
    account: str
    external_id: str
    sender: Identity
    received_at: datetime
    text: str = ""
    subject: str = ""
    html: str | None = None
    attachments: tuple[InboundAttachment, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    raw: bytes | None = None
    is_unreadable: bool = False

    def __post_init__(self) -> None:
        if self.received_at.utcoffset() is None:
            raise ValueError(
                f"{self.channel} message {self.external_id!r}: received_at has no time zone"
            )
        if not self.external_id:
            raise ValueError(f"{self.channel} message from {self.sender.value}: no external id")


@dataclass(frozen=True)
class OutboundAttachment:
    """A file sent with an outbound message (e-mail only: the monthly report's PDF)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OutboundMessage:
    """One message to send: to ``recipient`` on ``channel`` through ``account``."""

    channel: str
    account: str
    recipient: str
    text: str
    subject: str = ""
    html: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[OutboundAttachment, ...] = ()


class SendStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # worth trying again later
    REJECTED = "rejected"  # will never succeed (bad address, opted out)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What an adapter says of one send.

    ``is_outage``: the account's server could not be reached, did not answer in
    time or said it is unavailable, so every message of the account would fail
    the same way now (the outbox then holds the account's other messages back).
    """

    status: SendStatus
    external_id: str | None = None
    error: str | None = None
    is_outage: bool = False


class Sender(Protocol):
    """What the outbox needs of an adapter: send one message and say what happened."""

    def send(self, message: OutboundMessage) -> SendResult: ...


class ByAccount:
    """A channel's sender for the outbox: each message goes out through its own account.

    A message without a known account (a case registered by hand) goes
    through the first configured one.
    """

    def __init__(self, channel: str, senders: Mapping[str, Sender]) -> None:
        self.channel = channel
        self.senders = dict(senders)

    def sender_for(self, account: str) -> Sender | None:
        """The adapter that sends a message of ``account``."""
        return self.senders.get(account) or next(iter(self.senders.values()), None)

    def send(self, message: OutboundMessage) -> SendResult:
        sender = self.sender_for(message.account)
        if sender is None:
            return SendResult(SendStatus.FAILED, error=f"no {self.channel} account is configured")
        return sender.send(message)

    def close(self) -> None:
        """Let adapters that keep connections open close them."""
        for sender in self.senders.values():
            close = getattr(sender, "close", None)
            if close is not None:
                close()


def secret_from_environment(variable: str | None, owner: str, setting: str, error: type) -> str:
    """A password or token from the environment variable the configuration names.

    ``owner`` names the account (``e-mail account 'postmottak'``) and
    ``setting`` the configuration key, so a missing secret says where to look.
    """
    value = os.environ.get(variable or "")
    if not value:
        raise error(f"{owner}: the environment variable {variable} ({setting}) is not set")
    return value
