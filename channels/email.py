"""E-mail: reading messages from their bytes, and sending through SMTP.

Reading turns raw RFC 5322 bytes into an :class:`~channels.base.InboundMessage`
(any charset, RFC 2047 headers, RFC 2231 file names, forwarded messages and
calendar invitations as attachments) and never raises. Sending turns an
:class:`~channels.base.OutboundMessage` into a MIME message for the
municipality's SMTP server and says whether it went, may go later or never
will. Fetching over IMAP comes with the e-mail channel issue.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid

from channels.base import (
    Identity,
    IdentityKind,
    InboundAttachment,
    InboundMessage,
    OutboundMessage,
    SendResult,
    SendStatus,
)

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


# -- reading ------------------------------------------------------------------------

THREADING_HEADERS = ("In-Reply-To", "References")
# Headers that tell an automatic message from a person's (loop protection).
AUTOMATION_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "X-Autoreply",
    "X-Auto-Response-Suppress",
)
FALLBACK_CHARSETS = ("utf-8", "windows-1252")


def raw_id(raw: bytes) -> str:
    """An id for a message without a Message-ID: the hash of its bytes."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_email(
    raw: bytes, *, account: str, received_at: datetime, max_attachment_bytes: int
) -> InboundMessage:
    """Read one message from its bytes; never raises.

    A message that cannot be read comes back with ``is_unreadable`` set and the
    raw bytes kept, so intake can flag it for a person instead of dropping it.
    """
    try:
        return _parse(raw, account, received_at, max_attachment_bytes)
    except Exception as error:  # the source must never stop on one bad message
        return InboundMessage(
            channel="email",
            account=account,
            external_id=raw_id(raw),
            sender=Identity(IdentityKind.EMAIL, "unknown@invalid"),
            received_at=received_at,
            subject="",
            text="",
            metadata={"parse_error": f"{type(error).__name__}: {error}"},
            raw=raw,
            is_unreadable=True,
        )


def _parse(raw: bytes, account: str, received_at: datetime, limit: int) -> InboundMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    sender = _sender(message)
    message_id = _header(message, "Message-ID")
    metadata: dict[str, object] = {"message_id": message_id} if message_id else {}
    for name in (*THREADING_HEADERS, *AUTOMATION_HEADERS):
        if value := _header(message, name):
            metadata[name.lower().replace("-", "_")] = value
    attachments, too_large = _attachments(message, limit)
    if too_large:
        metadata["attachments_too_large"] = too_large
    return InboundMessage(
        channel="email",
        account=account,
        external_id=message_id or raw_id(raw),
        sender=sender,
        received_at=received_at,
        subject=_header(message, "Subject"),
        text=_body(message, "plain"),
        html=_body(message, "html") or None,
        attachments=tuple(attachments),
        metadata=metadata,
        raw=raw,
    )


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return _one_line(str(value)) if value is not None else ""


def _sender(message: EmailMessage) -> Identity:
    for name in ("From", "Sender", "Return-Path"):
        header = message.get(name)
        addresses = getattr(header, "addresses", ())
        for address in addresses:
            if address.addr_spec and "@" in address.addr_spec:
                return Identity(
                    IdentityKind.EMAIL, address.addr_spec.lower(), address.display_name or None
                )
    raise ValueError("no sender address in From, Sender or Return-Path")


def _text_of(part: EmailMessage) -> str:
    """A text part's content, also when its charset is missing or wrong."""
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        for charset in FALLBACK_CHARSETS:
            try:
                return payload.decode(charset)
            except UnicodeDecodeError:
                continue
        return payload.decode("latin-1")


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return _text_of(part) if part is not None else ""


def _attachments(message: EmailMessage, limit: int) -> tuple[list[InboundAttachment], list[str]]:
    kept: list[InboundAttachment] = []
    too_large: list[str] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()[0]
            content, name = inner.as_bytes(), f"{_header(inner, 'Subject') or 'melding'}.eml"
        else:
            content = part.get_payload(decode=True) or b""
            name = part.get_filename() or _default_name(content_type, number)
        if len(content) > limit:
            too_large.append(name)
            continue
        kept.append(InboundAttachment(_safe_name(name), content_type, content))
    return kept, too_large


def _default_name(content_type: str, number: int) -> str:
    extension = {"text/calendar": "ics", "image/png": "png", "image/jpeg": "jpg"}.get(
        content_type, "bin"
    )
    return f"vedlegg-{number}.{extension}"


def _safe_name(name: str) -> str:
    """Only the last path segment, without control characters (no path traversal)."""
    name = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "vedlegg"
