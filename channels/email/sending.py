"""Sending e-mail: an :class:`~channels.base.OutboundMessage` as MIME over SMTP.

The result says whether the message went, may go later (4xx, connection
trouble) or never will (5xx, a refused recipient), so the outbox knows
whether to retry.
"""

from __future__ import annotations

import contextlib
import secrets
import smtplib
import socket
import time
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from channels.base import OutboundMessage, SendResult, SendStatus
from channels.email.accounts import CredentialError, Server, SmtpAccount
from channels.email.headers import FAST_DEFAULT
from channels.email.html import text_to_html

#: A connection that answered this recently is used without a NOOP first.
FRESH_SECONDS = 5.0
# Headers the inbox may set on an outgoing message; anything else is dropped.
PASSED_HEADERS = (
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
)


def one_line(value: str) -> str:
    """Header values from outside (subjects) must not smuggle in more headers."""
    return " ".join(value.split())


def new_message_id(from_address: str, idstring: str | None = None) -> str:
    """A new Message-ID in the sending address's domain: ``<idstring.random@domain>``.

    Not :func:`email.utils.make_msgid`'s: its domain is this machine's host name (internal,
    or ``localhost``), and its 40 digits of time, process and random number make the header
    longer than a line, so it is folded, and In-Reply-To and References after it. 64 random
    bits keep it unique."""
    domain = parseaddr(from_address)[1].rpartition("@")[2] or socket.getfqdn()
    unique = secrets.token_hex(8)
    return f"<{idstring}.{unique}@{domain}>" if idstring else f"<{unique}@{domain}>"


def build_email(message: OutboundMessage, from_address: str, sent_at: datetime) -> EmailMessage:
    """Plain text, with an HTML alternative where it keeps what the text alone may lose (and
    the message's attachments after them), dated ``sent_at``; replies to the account's
    address."""
    mime = EmailMessage(policy=FAST_DEFAULT)
    mime["From"] = from_address
    mime["To"] = message.recipient
    mime["Reply-To"] = from_address
    mime["Subject"] = one_line(message.subject)
    mime["Date"] = formatdate(sent_at.timestamp(), localtime=False)
    for name in PASSED_HEADERS:
        if message.headers.get(name):
            mime[name] = one_line(message.headers[name])
    if "Message-ID" not in mime:
        mime["Message-ID"] = new_message_id(from_address)
    mime.set_content(message.text)
    if message.html or keeps_line_breaks(message.text):
        mime.add_alternative(message.html or text_to_html(message.text), subtype="html")
    for attachment in message.attachments:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mime


def keeps_line_breaks(text: str) -> bool:
    """Whether the text breaks a line within a paragraph (an address, a signature, a list):
    Outlook joins such lines of a plain-text message into one unless the message has an
    HTML alternative that breaks them. Paragraphs of one line each (an acknowledgement) read
    the same in every client as text alone, a third of the bytes."""
    return any("\n" in block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n"))


class SmtpSender:
    """Sends through one SMTP connection, kept open between messages until :meth:`close`.

    A connection that has gone stale (the server's idle timeout) is noticed
    with NOOP before it is used and replaced, so no message is handed to a
    dead connection; one used in the last :data:`FRESH_SECONDS` is used without
    that round trip, and when the server has closed it all the same, the message
    goes through a new connection. After any error but a refused recipient the
    connection is dropped and the next message opens a new one. ``clock`` tells the time each
    message is sent (its ``Date``): the inbox's clock, which tests can set.
    """

    def __init__(self, account: SmtpAccount, clock: Callable[[], datetime]) -> None:
        self.account = account
        self.clock = clock
        self._connection: smtplib.SMTP | None = None
        self._used_at = 0.0  # time.monotonic() of the connection's last answer
        self._siblings: list[SmtpSender] = []

    def side_by_side(self, count: int) -> list[SmtpSender]:
        """This sender and up to ``count - 1`` others on the same account, at most the
        account's ``connections`` in all, each with a connection of its own: the server
        answers each message after a few round trips, and others go out meanwhile. The
        others are kept (and their connections open) until :meth:`close`."""
        count = max(1, min(count, self.account.connections))
        while len(self._siblings) < count - 1:
            self._siblings.append(SmtpSender(self.account, self.clock))
        return [self, *self._siblings[: count - 1]]

    def send(self, message: OutboundMessage) -> SendResult:
        mime = build_email(message, self.account.from_address, self.clock())
        try:
            self._send(mime)
        except smtplib.SMTPRecipientsRefused as error:
            refusals = error.recipients.values()
            reasons = "; ".join(
                f"{code} {text.decode(errors='replace')}" for code, text in refusals
            )
            temporary = all(400 <= code < 500 for code, _text in refusals)
            status = SendStatus.FAILED if temporary else SendStatus.REJECTED
            return SendResult(status, error=f"recipient refused: {reasons}")
        except smtplib.SMTPResponseException as error:
            self.close()
            status = SendStatus.FAILED if 400 <= error.smtp_code < 500 else SendStatus.REJECTED
            reply = (
                error.smtp_error.decode(errors="replace")
                if isinstance(error.smtp_error, bytes)
                else error.smtp_error
            )
            # 421: the server is closing the channel, for every message (RFC 5321, 4.2.2).
            return SendResult(
                status, error=f"SMTP {error.smtp_code} {reply}", is_outage=error.smtp_code == 421
            )
        except (OSError, smtplib.SMTPException, CredentialError) as error:
            self.close()
            where = f"{self.account.host}:{self.account.port}"
            return SendResult(
                SendStatus.FAILED,
                error=f"{type(error).__name__} ({where}): {error}",
                is_outage=True,  # no connection, no answer, or no credentials: none will go
            )
        return SendResult(SendStatus.SENT, external_id=mime["Message-ID"])

    def _send(self, mime: EmailMessage) -> None:
        fresh = self._connection is not None and time.monotonic() - self._used_at < FRESH_SECONDS
        try:
            self._open(check=not fresh).send_message(mime)
        except smtplib.SMTPServerDisconnected:
            if not fresh:
                raise
            # closed by the server since the last message: with no 250 for it, the message
            # was not taken, so it goes through a new connection
            self.close()
            self._open(check=False).send_message(mime)
        self._used_at = time.monotonic()

    def close(self) -> None:
        for sibling in self._siblings:
            sibling.close()
        if self._connection is None:
            return
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self._connection.quit()
        with contextlib.suppress(OSError):
            self._connection.close()
        self._connection = None

    def _open(self, *, check: bool = True) -> smtplib.SMTP:
        if self._connection is not None and not check:
            return self._connection
        if self._connection is not None:
            try:
                if self._connection.noop()[0] == 250:
                    return self._connection
            except (OSError, smtplib.SMTPException):
                pass  # gone stale; open a new one below
            self.close()
        connection = self._connect()
        try:
            self._authenticate(connection)
        except BaseException:
            with contextlib.suppress(OSError):
                connection.close()
            raise
        self._connection = connection
        return connection

    def _connect(self) -> smtplib.SMTP:
        account = self.account
        if account.tls == "ssl":
            return smtplib.SMTP_SSL(
                account.host, account.port, timeout=account.timeout, context=Server.tls_context()
            )
        connection = smtplib.SMTP(account.host, account.port, timeout=account.timeout)
        if account.tls == "starttls":
            connection.starttls(context=Server.tls_context())
        return connection

    def _authenticate(self, connection: smtplib.SMTP) -> None:
        login = self.account.login
        if login is None:
            return
        if login.method == "xoauth2":
            response = login.xoauth2()
            connection.ehlo_or_helo_if_needed()
            connection.auth("XOAUTH2", lambda challenge=None: response, initial_response_ok=True)
        else:
            connection.login(login.username, login.password())
