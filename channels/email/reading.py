"""Reading e-mail: raw RFC 5322 bytes into an :class:`~channels.base.InboundMessage`.

Any charset, RFC 2047 headers, RFC 2231 file names, forwarded messages and
calendar invitations as attachments, delivery reports (bounces) recognised;
never raises.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser, HeaderParser
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime

from channels.base import Identity, IdentityKind, InboundAttachment, InboundMessage
from channels.email.headers import FAST_DEFAULT
from channels.email.sending import one_line
from channels.filenames import safe_filename
from channels.text import without_bidi_controls

THREADING_HEADERS = ("In-Reply-To", "References")
# Headers that tell an automatic message from a person's (loop protection).
AUTOMATION_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "X-Autoreply",
    "X-Auto-Response-Suppress",
    "List-Unsubscribe",
    "Return-Path",
)
WINDOWS_1252 = "cp1252"
# The labels the WHATWG Encoding Standard reads as windows-1252.
WINDOWS_1252_LABELS = frozenset(
    (
        "ansi_x3.4-1968",
        "ascii",
        "cp1252",
        "cp819",
        "csisolatin1",
        "ibm819",
        "iso-8859-1",
        "iso-ir-100",
        "iso8859-1",
        "iso88591",
        "iso_8859-1",
        "iso_8859-1:1987",
        "l1",
        "latin1",
        "us-ascii",
        "windows-1252",
        "x-cp1252",
    )
)
C1_CONTROL = re.compile("[\x80-\x9f]")
# Who a message is from when no header names an address (RFC 2606: never deliverable).
UNKNOWN_SENDER = "unknown@invalid"
ANGLE_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
# Parts that are structure or machine reports, not files a person sent.
SKIPPED_PARTS = ("message/delivery-status",)
# Python's e-mail parser recurses per nested part and raises RecursionError at some hundreds
# of levels (fewer, the deeper the caller's stack). Mail programs nest a few levels (forwards
# of forwards: a dozen); deeper is refused before parsing, so that no RecursionError is raised
# and swallowed here (it can strike any frame on the stack, not only the parser's); such a
# message is flagged for a person, its raw bytes kept.
MAX_MIME_DEPTH = 64
# ``boundary=`` and its RFC 2231 forms (``boundary*=``, ``boundary*0=``): those never match
# a delimiter line here, so they count as levels that stay open, never as fewer.
BOUNDARY_PARAMETER = re.compile(
    rb"""boundary(?:\*\d*\*?)?\s*=\s*(?:"([^"\r\n]*)"|([^\s;"]+))""", re.IGNORECASE
)
ENCLOSED_MESSAGE = re.compile(rb"content-type:\s*message/")


def raw_id(raw: bytes) -> str:
    """The id of a message without a Message-ID: the hash of its bytes.

    The same message read again (a retried poll, a new UIDVALIDITY) has the
    same bytes.
    """
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_email(
    raw: bytes, *, account: str, received_at: datetime, max_attachment_bytes: int
) -> InboundMessage:
    """Read one message from its bytes; never raises.

    A message that cannot be read comes back with ``is_unreadable`` set and the
    raw bytes kept, so intake can flag it for a person instead of dropping it.
    """
    try:
        if (depth := mime_depth(raw)) > MAX_MIME_DEPTH:
            raise ValueError(f"parts nested {depth} levels deep (more than {MAX_MIME_DEPTH})")
        return _parse(raw, account, received_at, max_attachment_bytes)
    except Exception as error:  # the source must never stop on one bad message
        return InboundMessage(
            channel="email",
            account=account,
            external_id=raw_id(raw),
            sender=Identity(IdentityKind.EMAIL, UNKNOWN_SENDER),
            received_at=received_at,
            subject="",
            text="",
            metadata={"parse_error": f"{type(error).__name__}: {error}"},
            raw=raw,
            is_unreadable=True,
        )


def mime_depth(raw: bytes) -> int:
    """How deeply the message's multipart parts nest, counted without recursion.

    Every ``boundary=`` opens a level; a delimiter line ``--b`` closes the levels opened
    inside ``b``, and ``--b--`` closes ``b`` too. Each enclosed message (``message/rfc822``,
    a forward or a bounce) may open one more level. A ``boundary=`` written in a text part
    counts as well, so this is never less than the depth the parser would reach.
    """
    open_boundaries: list[bytes] = []
    deepest = 0
    lowered = raw.lower()
    for _position, delimiter, boundary in _structure(raw, lowered):
        if delimiter is not None:
            _closes(open_boundaries, delimiter)
        elif boundary is not None:
            open_boundaries.append(boundary)
            deepest = max(deepest, len(open_boundaries))
    return deepest + _enclosed_messages(lowered)


def _enclosed_messages(lowered: bytes) -> int:
    """How many ``Content-Type: message/...`` header lines ``lowered`` (in lower case) has."""
    count = 0
    start = lowered.find(b"message/")
    while start != -1:
        line_start = lowered.rfind(b"\n", 0, start) + 1
        if ENCLOSED_MESSAGE.fullmatch(lowered, line_start, start + len(b"message/")):
            count += 1
        start = lowered.find(b"message/", start + 1)
    return count


def _structure(raw: bytes, lowered: bytes) -> list[tuple[int, bytes | None, bytes | None]]:
    """The delimiter lines and ``boundary=`` parameters, in their order in ``raw``
    (``lowered``: the same bytes in lower case).

    Found with ``bytes.find``, which skips a 25 MB base64 attachment (hundreds of thousands of
    lines, none of them either) in milliseconds; a regular expression per line takes a second.
    """
    found: list[tuple[int, bytes | None, bytes | None]] = []
    start = 0 if raw.startswith(b"--") else raw.find(b"\n--")
    while start != -1:
        begin = start if start == 0 and raw.startswith(b"--") else start + 1
        stop = raw.find(b"\n", begin)
        line = raw[begin : stop if stop != -1 else len(raw)]
        found.append((begin, line.rstrip(), None))
        start = raw.find(b"\n--", begin)
    start = lowered.find(b"boundary")
    while start != -1:
        if parameter := BOUNDARY_PARAMETER.match(raw, start):
            quoted, bare = parameter.groups()
            found.append((start, None, quoted if quoted is not None else bare))
        start = lowered.find(b"boundary", start + 1)
    found.sort(key=lambda event: event[0])
    return found


def _closes(open_boundaries: list[bytes], delimiter: bytes) -> bool:
    """Whether ``delimiter`` is one of the open boundaries' lines; closes what it ends."""
    for level in range(len(open_boundaries) - 1, -1, -1):
        boundary = open_boundaries[level]
        if delimiter == b"--" + boundary:
            del open_boundaries[level + 1 :]
            return True
        if delimiter == b"--" + boundary + b"--":
            del open_boundaries[level:]
            return True
    return False


def _identity(message: EmailMessage, message_id: str, sender: Identity, raw: bytes) -> str:
    """The message's id at intake: its Message-ID, sender's address and Date in UTC, hashed.

    The same message reaching two of our mailboxes, or delivered again with
    other transport headers (another ``Received:``, a new MIME boundary), has
    other bytes but this id. Senders reuse Message-IDs (broken mailers,
    resent newsletters), so one from another sender or of another date is
    another message. Without a Message-ID, the hash of the bytes.
    """
    if not message_id:
        return raw_id(raw)
    key = "\n".join((message_id, sender.value, _date_in_utc(message)))
    return "message-id:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _date_in_utc(message: Message) -> str:
    """The Date header as an ISO time in UTC (a zone-less one taken as UTC), else as written."""
    written = _raw_header(message, "Date")
    try:
        date = parsedate_to_datetime(written)
    except (TypeError, ValueError, IndexError, OverflowError):
        return one_line(written)
    return (date if date.tzinfo else date.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _parse(raw: bytes, account: str, received_at: datetime, limit: int) -> InboundMessage:
    message = BytesParser(policy=FAST_DEFAULT).parsebytes(raw)
    if not message.keys():
        raise ValueError("no header in the message: these bytes are not an e-mail")
    sender = _sender(message)
    message_id = _header(message, "Message-ID")
    metadata: dict[str, object] = {"message_id": message_id} if message_id else {}
    for name in (*THREADING_HEADERS, *AUTOMATION_HEADERS):
        if value := _header(message, name):
            metadata[name.lower().replace("-", "_")] = value
    attachments, too_large = _attachments(message, limit)
    if too_large:
        metadata["attachments_too_large"] = too_large
    metadata.update(_bounce(message))
    return InboundMessage(
        channel="email",
        account=account,
        external_id=_identity(message, message_id, sender, raw),
        sender=sender,
        received_at=received_at,
        subject=_header(message, "Subject"),
        text=_body(message, "plain"),
        html=_body(message, "html") or None,
        attachments=tuple(attachments),
        metadata=metadata,
        raw=raw,
    )


def _header(message: Message, name: str) -> str:
    """A header's decoded value on one line; the raw value when Python cannot parse it."""
    try:
        value = message.get(name)
        text = str(value) if value is not None else ""
    except Exception:  # malformed beyond what the parser handles (seen: "<<a@@b>")
        text = _raw_header(message, name)
    if "\ufffd" in text:  # unencoded 8-bit bytes the parser replaced; read them again
        raw = _raw_header(message, name)
        text = _decoded(raw) if raw.isascii() else raw
    return _readable(text)


def _readable(text: str) -> str:
    """A header's text on one line, as a mail program shows it, without bidirectional controls."""
    return one_line(without_bidi_controls(_without_c1(_undo_surrogates(text))))


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _undo_surrogates(text: str) -> str:
    """Undecoded 8-bit bytes in headers (lone surrogates) as UTF-8, else Windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", "replace")


def _sender(message: EmailMessage) -> Identity:
    """The first address in From, Sender, Reply-To or Return-Path that has a domain.

    Without one the message is still read (its text and attachments are what
    staff need); it comes from :data:`UNKNOWN_SENDER`.
    """
    for name in ("From", "Sender", "Reply-To", "Return-Path"):
        for display_name, address in _addresses(message, name):
            address = _undo_surrogates(address).strip().lower()
            if "@" in address and "." in address.partition("@")[2]:
                name_text = _readable(display_name)
                return Identity(IdentityKind.EMAIL, address, name_text or None)
    return Identity(IdentityKind.EMAIL, UNKNOWN_SENDER)


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs: parsed, or dug out of a header the parser refuses."""
    try:
        header = message.get(name)
        parsed = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]
    except Exception:  # e.g. an encoded display name that decodes to a line break
        parsed = []
    if any("@" in address for _name, address in parsed):
        return parsed
    raw = _raw_header(message, name)
    bracketed = ANGLE_ADDRESS.findall(raw)
    if bracketed:
        display_name = raw[: raw.rfind("<")].strip().strip('"')
        return [(_decoded(display_name), bracketed[-1])]
    return [(_decoded(n), a) for n, a in getaddresses([raw])]


def _decoded(words: str) -> str:
    """RFC 2047 encoded words in a display name, decoded as far as they can be."""
    try:
        return str(make_header(decode_header(words)))
    except (LookupError, UnicodeDecodeError, ValueError, HeaderParseError):
        return words


def _text_of(part: MIMEPart) -> str:
    """A text part's content as mail programs read it (the WHATWG Encoding Standard).

    Latin-1 and ASCII labels mean Windows-1252, so ``\\x93`` is a quotation
    mark, never a C1 control character. A part labelled UTF-8 with a few
    broken bytes (a damaged tail) keeps its UTF-8 with replacement characters;
    only one with no UTF-8 in it at all, a Latin-1 body declared as UTF-8
    (common from old mail programs), is read as Windows-1252. A missing or
    unknown label is UTF-8 when the bytes are, else Windows-1252.
    """
    payload = _decoded_payload(part)
    encoding = _encoding(part.get_content_charset())
    if encoding is None:
        return _utf8_or_windows_1252(payload)
    text = payload.decode(encoding, "replace")
    if encoding == "utf-8" and "\ufffd" in text and not _has_utf8_sequences(payload):
        return payload.decode(WINDOWS_1252, "replace")
    return text


def _encoding(label: str | None) -> str | None:
    """The codec a charset label names, by the WHATWG rules; ``None`` when unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return WINDOWS_1252
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _utf8_or_windows_1252(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode(WINDOWS_1252, "replace")


def _has_utf8_sequences(payload: bytes) -> bool:
    """Whether the bytes hold at least one well-formed multi-byte UTF-8 character."""
    return any(ord(char) > 0x7F for char in payload.decode("utf-8", "ignore"))


def _without_c1(text: str) -> str:
    """C1 control characters (Latin-1 decoded text) as the Windows-1252 characters they mean.

    Python decodes ``iso-8859-1`` encoded words in headers as Latin-1; mail
    programs read them as Windows-1252, and no person writes a C1 control.
    """
    return C1_CONTROL.sub(lambda found: _windows_1252_character(found.group()), text)


def _windows_1252_character(char: str) -> str:
    return bytes([ord(char)]).decode(WINDOWS_1252, "replace")


def _decoded_payload(part: Message) -> bytes:
    """A leaf part's content as bytes, its transfer encoding undone (none for a multipart)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return without_bidi_controls(_text_of(part)) if part is not None else ""


def _attachments(message: EmailMessage, limit: int) -> tuple[list[InboundAttachment], list[str]]:
    kept: list[InboundAttachment] = []
    too_large: list[str] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        content_type = part.get_content_type()
        if content_type != "message/rfc822" and (
            part.is_multipart() or content_type in SKIPPED_PARTS
        ):
            continue
        if content_type == "message/rfc822":
            inner = _attached_message(part)
            if inner is None:
                continue  # nothing attached after all
            subject = (_header(inner, "Subject") or "melding").replace("/", "-").replace("\\", "-")
            content, name = inner.as_bytes(), f"{subject}.eml"
        else:
            content = _decoded_payload(part)
            name = part.get_filename() or _default_name(content_type, number)
        if len(content) > limit:
            too_large.append(name)
            continue
        kept.append(InboundAttachment(safe_filename(name), content_type, content))
    return kept, too_large


def _default_name(content_type: str, number: int) -> str:
    extension = {"text/calendar": "ics", "image/png": "png", "image/jpeg": "jpg"}.get(
        content_type, "bin"
    )
    return f"vedlegg-{number}.{extension}"


def _bounce(message: EmailMessage) -> dict[str, str]:
    """For a delivery status report (RFC 3464): the bounced message's id and why it failed."""
    if message.get_content_type() != "multipart/report":
        return {}
    # Text here (policy.default decodes RFC 2231 parameters); the type also allows compat32's tuple.
    report_type = collapse_rfc2231_value(message.get_param("report-type", ""))
    if report_type.lower() != "delivery-status":
        return {}
    found: dict[str, str] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "text/rfc822-headers") and "bounce_of" not in found:
            headers = _headers_of(part)
            if headers is not None and headers.get("Message-ID"):
                found["bounce_of"] = one_line(str(headers["Message-ID"]))
        elif kind == "message/delivery-status":
            found.update(_delivery_status(part))
    return found


def _headers_of(part: EmailMessage) -> Message | None:
    if part.get_content_type() == "message/rfc822":
        return _attached_message(part)
    return HeaderParser(policy=policy.default).parsestr(_text_of(part))


def _attached_message(part: Message) -> Message | None:
    """The message a ``message/rfc822`` part carries."""
    inner = part.get_payload()
    return inner[0] if isinstance(inner, list) and inner and isinstance(inner[0], Message) else None


def _delivery_status(part: EmailMessage) -> dict[str, str]:
    """Status and diagnostic of the first failed recipient."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return {}
    for block in blocks[1:] or blocks:
        if not isinstance(block, Message):
            continue
        status = one_line(str(block.get("Status", "")))
        diagnostic = one_line(str(block.get("Diagnostic-Code", "")))
        if status or diagnostic:
            return {"bounce_reason": " ".join(filter(None, (status, diagnostic)))[:500]}
    return {}
