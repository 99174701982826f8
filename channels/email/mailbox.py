"""Reading a mailbox folder over IMAP: UIDs after a cursor, in batches, marked done after.

The inbox keeps the cursor (UIDVALIDITY and the last UID it has committed)
and decides when a message is done; this module only talks IMAP. Messages
are fetched with ``BODY.PEEK[]`` so reading never sets ``\\Seen`` by itself,
and with ``INTERNALDATE``, the time the server received them.
"""

from __future__ import annotations

import contextlib
import imaplib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from channels.email.accounts import CredentialError, ImapSettings

FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]


class MailboxError(Exception):
    """The mailbox could not be read or updated; the message names the account and server."""


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    raw: bytes
    #: When the server received it (INTERNALDATE), timezone-aware.
    received_at: datetime


class Mailbox:
    """One connection to one account's folder; use as a context manager."""

    def __init__(self, account: str, settings: ImapSettings) -> None:
        self.account = account
        self.settings = settings
        self.uidvalidity: int = 0
        self._client: IMAPClient | None = None

    def __enter__(self) -> Mailbox:
        server = self.settings.server
        try:
            client = IMAPClient(
                server.host,
                port=server.port,
                ssl=server.tls == "ssl",
                ssl_context=server.tls_context() if server.tls != "none" else None,
                timeout=server.timeout,
            )
            client.normalise_times = False
            self._client = client
            if server.tls == "starttls":
                client.starttls(server.tls_context())
            self._login(client)
            selected = client.select_folder(self.settings.folder)
            self.uidvalidity = int(selected[b"UIDVALIDITY"])
        except (OSError, IMAPClientError, imaplib.IMAP4.error, CredentialError) as error:
            self._close()
            raise self._error("could not open", error) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above ``last_uid`` (and received since ``since``), ascending."""
        criteria: list[str | date] = ["UID", f"{last_uid + 1}:*"]
        if self.settings.since is not None:
            criteria += ["SINCE", self.settings.since]
        uids = self._call("search", criteria)
        # "n:*" always matches the highest UID, even when it is below n.
        return sorted(uid for uid in uids if uid > last_uid)

    def fetch(self, uids: list[int], now: datetime) -> list[Fetched]:
        """The messages still there; one without ``INTERNALDATE`` counts as received ``now``."""
        response = self._call("fetch", uids, FETCH_ITEMS)
        fetched = []
        for uid in sorted(response):
            data = response[uid]
            raw = data.get(b"BODY[]")
            if raw is None:
                continue  # expunged by someone else meanwhile
            received_at = data.get(b"INTERNALDATE") or now
            if received_at.utcoffset() is None:
                received_at = received_at.replace(tzinfo=UTC)
            # in UTC: imapclient's own offset class cannot be pickled to a reader process
            received_at = received_at.astimezone(UTC)
            fetched.append(Fetched(uid, bytes(raw), received_at))
        return fetched

    def mark_done(self, uids: list[int]) -> None:
        """Flag ``\\Seen`` or move to the configured folder; call only after the commit."""
        if not uids:
            return
        if self.settings.is_move:
            self._call("move", uids, self.settings.move_to)
        else:
            self._call("add_flags", uids, [b"\\Seen"])

    def _login(self, client: IMAPClient) -> None:
        login = self.settings.login
        if login.method == "xoauth2":
            client.oauth2_login(login.username, login.token())
        else:
            client.login(login.username, login.password())

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self._client, name)(*args)
        except (OSError, IMAPClientError, imaplib.IMAP4.error) as error:
            raise self._error(f"{name} failed", error) from None

    def _error(self, what: str, error: Exception) -> MailboxError:
        server = self.settings.server
        return MailboxError(
            f"e-mail account {self.account!r}, IMAP {server.host}:{server.port} "
            f"folder {self.settings.folder!r}: {what}: {type(error).__name__}: {error}"
        )

    def _close(self) -> None:
        if self._client is None:
            return
        with contextlib.suppress(OSError, IMAPClientError, imaplib.IMAP4.error):
            self._client.logout()  # the connection is gone either way
        self._client = None
