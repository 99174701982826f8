"""E-mail: sending through SMTP (intake over IMAP comes with the e-mail channel issue).

The adapter turns an :class:`~channels.base.OutboundMessage` into a MIME
message and hands it to the municipality's SMTP server, and says whether it
went, may go later (temporary failure) or never will (rejected).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from channels.base import OutboundMessage, SendResult, SendStatus

TLS_MODES = ("ssl", "starttls", "none")
# Headers the inbox may set on an outgoing message; anything else is dropped.
PASSED_HEADERS = ("Message-ID", "In-Reply-To", "References", "Auto-Submitted")


@dataclass(frozen=True)
class SmtpAccount:
    """Where and as whom to send; the password comes from the environment, never a file."""

    name: str
    host: str
    port: int
    tls: str
    from_address: str
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(
                f"SMTP TLS mode must be one of {', '.join(TLS_MODES)}, not {self.tls!r}"
            )


def _one_line(value: str) -> str:
    """Header values from outside (subjects) must not smuggle in more headers."""
    return " ".join(value.split())


def build_email(message: OutboundMessage, from_address: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = from_address
    mime["To"] = message.recipient
    mime["Subject"] = _one_line(message.subject)
    mime["Date"] = formatdate(localtime=False)
    for name in PASSED_HEADERS:
        if message.headers.get(name):
            mime[name] = _one_line(message.headers[name])
    if "Message-ID" not in mime:
        mime["Message-ID"] = make_msgid()
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime


class SmtpSender:
    """Sends each message over its own SMTP connection."""

    def __init__(self, account: SmtpAccount) -> None:
        self.account = account

    def send(self, message: OutboundMessage) -> SendResult:
        mime = build_email(message, self.account.from_address)
        try:
            with self._connect() as connection:
                if self.account.username:
                    connection.login(self.account.username, self.account.password or "")
                connection.send_message(mime)
        except smtplib.SMTPRecipientsRefused as error:
            refusals = error.recipients.values()
            reasons = "; ".join(
                f"{code} {text.decode(errors='replace')}" for code, text in refusals
            )
            temporary = all(400 <= code < 500 for code, _text in refusals)
            status = SendStatus.FAILED if temporary else SendStatus.REJECTED
            return SendResult(status, error=f"recipient refused: {reasons}")
        except smtplib.SMTPResponseException as error:
            status = SendStatus.FAILED if 400 <= error.smtp_code < 500 else SendStatus.REJECTED
            reply = (
                error.smtp_error.decode(errors="replace")
                if isinstance(error.smtp_error, bytes)
                else error.smtp_error
            )
            return SendResult(status, error=f"SMTP {error.smtp_code} {reply}")
        except (OSError, smtplib.SMTPException) as error:
            return SendResult(SendStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return SendResult(SendStatus.SENT, external_id=mime["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        account = self.account
        if account.tls == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(
                account.host, account.port, timeout=account.timeout, context=context
            )
        connection = smtplib.SMTP(account.host, account.port, timeout=account.timeout)
        if account.tls == "starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection
