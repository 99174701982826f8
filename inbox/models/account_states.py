"""How each configured channel account is doing: its last success and its last error."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db


class AccountActivity(StrEnum):
    """What Svarfrist does with an account, each with a state of its own."""

    POLL = "poll"  # reading the mailbox or the provider's list of recent messages
    WEBHOOK = "webhook"  # taking in the provider's stored webhooks
    SEND = "send"  # sending the outbox through it


class AccountState(db.Model):
    """One account's activity (``postmottak`` polled, ``sms`` sent through): counts of
    attempts and failures, the last success and the last error, as the poller, the webhook
    intake and the dispatcher found them. Read by ``/admin/channels`` and ``/metrics``.

    Updated in short transactions of their own after each poll, batch or send round, with
    one ``UPDATE`` that adds to the counts, so two workers never lose each other's counts.
    """

    __tablename__ = "account_states"
    __table_args__ = (UniqueConstraint("kind", "account", "activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The configuration's kind of account: ``email``, ``sms`` or ``meta``.
    kind: Mapped[str] = mapped_column(String(10))
    #: The account's ``name`` in the configuration.
    account: Mapped[str] = mapped_column(String(100))
    activity: Mapped[AccountActivity] = mapped_column(enum_column(AccountActivity))
    #: Polls, webhook events or messages tried, ever; of them failed.
    attempts: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    #: Failures since the last success (0: working).
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    #: The first of those failures; ``None`` while working.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last poll that read the account to its end, the arrival of the newest webhook
    #: taken in, the last message sent.
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The error's text with passwords, tokens and credentials in URLs taken out.
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"<AccountState {self.kind}/{self.account} {self.activity}: "
            f"{self.consecutive_failures} failing>"
        )
