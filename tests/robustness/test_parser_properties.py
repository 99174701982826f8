"""No input crashes a parser: e-mail, Twilio and Meta webhooks, the configuration, phone numbers.

Each parser either returns its value or raises the one error type it documents, with a message
that names what was wrong. Anything else (a ``TypeError`` from deep inside, an
``OverflowError``) would stop the poller or become a 500, and is a bug.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from channels.base import InboundMessage
from channels.email import parse_email, raw_id
from channels.meta.account import MetaAccount
from channels.meta.webhooks import parse_webhook
from channels.phone import e164
from channels.sms import TwilioAccount, inbound_from_webhook
from inbox.intake.callbacks import CallbackError, CallbackRequest, validate
from inbox.settings.config import load_settings
from rules.config import ConfigError

RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LIMIT = 64 * 1024
E164 = re.compile(r"^\+[1-9]\d{1,14}$")


def parse(raw: bytes) -> InboundMessage:
    return parse_email(raw, account="postmottak", received_at=RECEIVED, max_attachment_bytes=LIMIT)


# --- e-mail ---------------------------------------------------------------------------------

CHARSETS = st.sampled_from(
    ["utf-8", "iso-8859-1", "windows-1252", "us-ascii", "utf-16", "x-bogus", "", "utf-8'en'"]
)
ENCODINGS = st.sampled_from(
    ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "bogus", ""]
)
CONTENT_TYPES = st.sampled_from(
    [
        "text/plain",
        "text/html",
        "text/calendar",
        "application/pdf",
        "image/png",
        "message/rfc822",
        "message/delivery-status",
        "text/rfc822-headers",
        "multipart/mixed",
        "bogus",
        "text/",
    ]
)
NASTY_NAMES = st.sampled_from(
    [
        "../../etc/passwd",
        "..\\..\\windows\\system.ini",
        "..",
        ".",
        "...",
        "a/../../b.pdf",
        "C:\\Users\\kari\\søknad.pdf",
        "nul\x00byte.pdf",
        "/absolute/path.txt",
        "\\\\server\\share\\x.doc",
        ".hidden",
        "line\r\nbreak.txt",
        "=?utf-8?q?..=2F..=2Fetc=2Fpasswd?=",
        "=?utf-8?b?Li4vLi4vZXRjL3Bhc3N3ZA==?=",
    ]
)
# Text that may hold anything a header can carry, and a few things it must not.
HEADER_TEXT = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec="ascii"), max_size=80),
    st.builds(
        lambda charset, kind, payload: f"=?{charset}?{kind}?{payload}?=",
        CHARSETS,
        st.sampled_from(["q", "b", "Q", "B", "x"]),
        st.text(st.characters(codec="ascii", exclude_characters="?"), max_size=40),
    ),
    st.builds(lambda text: f"{text}\r\nBcc: victim@example.com", st.text(max_size=20)),
    st.builds(lambda size: "A" * size, st.integers(min_value=900, max_value=20_000)),
)
HEADER_NAMES = st.one_of(
    st.sampled_from(
        [
            "Subject",
            "To",
            "Cc",
            "Reply-To",
            "Sender",
            "Return-Path",
            "Message-ID",
            "In-Reply-To",
            "References",
            "Auto-Submitted",
            "Precedence",
            "List-Id",
            "Date",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "Content-Disposition",
        ]
    ),
    st.from_regex(r"\AX-[A-Za-z0-9-]{1,20}\Z"),
)
BOUNDARIES = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9'()+_,./:=? -]{1,70}\Z"),
    st.text(min_size=0, max_size=80),
)


def _header_bytes(name: str, value: str) -> bytes:
    # Raw 8-bit headers as real mailers send them: sometimes UTF-8, sometimes Latin-1.
    line = f"{name}: {value}\r\n"
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8", "surrogatepass")


@st.composite
def mime_parts(draw, depth: int = 0) -> bytes:
    """One MIME part: random type, charset, transfer encoding, file name and body."""
    kind = draw(CONTENT_TYPES)
    headers = [f'Content-Type: {kind}; charset="{draw(CHARSETS)}"']
    if draw(st.booleans()):
        headers.append(f"Content-Transfer-Encoding: {draw(ENCODINGS)}")
    if draw(st.booleans()):
        name = draw(st.one_of(NASTY_NAMES, st.text(max_size=40)))
        style = draw(st.sampled_from(["plain", "quoted", "rfc2231"]))
        if style == "plain":
            headers.append(f"Content-Disposition: attachment; filename={name}")
        elif style == "quoted":
            headers.append(f'Content-Disposition: attachment; filename="{name}"')
        else:
            encoded = "".join(f"%{b:02X}" for b in name.encode("utf-8", "surrogatepass"))
            headers.append(f"Content-Disposition: attachment; filename*=utf-8''{encoded}")
    if kind.startswith("multipart/") and depth < 2:
        body = draw(multipart_body(depth + 1))
        headers[0] = f'Content-Type: {kind}; boundary="{draw(BOUNDARIES)}"'
    else:
        body = draw(st.binary(max_size=300))
    head = b"".join(_header_bytes(*h.split(": ", 1)) for h in headers)
    return head + b"\r\n" + body


@st.composite
def multipart_body(draw, depth: int = 0) -> bytes:
    boundary = draw(BOUNDARIES).encode("utf-8", "surrogatepass")
    parts = draw(st.lists(mime_parts(depth), max_size=4))
    closed = draw(st.booleans())
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary + b"--\r\n" if closed else b"")


@st.composite
def broken_messages(draw) -> bytes:
    """A message with a readable sender and everything else random or broken."""
    head = _header_bytes("From", "Kari Nordmann <kari@example.com>")
    for name, value in draw(st.lists(st.tuples(HEADER_NAMES, HEADER_TEXT), max_size=8)):
        head += _header_bytes(name, value)
    if draw(st.booleans()):
        boundary = draw(BOUNDARIES)
        head += _header_bytes("MIME-Version", "1.0")
        head += _header_bytes(
            "Content-Type",
            f"multipart/{draw(st.sampled_from(['mixed', 'report']))}; "
            f'boundary="{boundary}"; report-type=delivery-status',
        )
        # The body's boundary is usually the declared one, sometimes not.
        body = draw(multipart_body())
        if draw(st.booleans()):
            body = body.replace(
                body.split(b"\r\n", 1)[0], b"--" + boundary.encode("utf-8", "surrogatepass")
            )
    else:
        head += _header_bytes("Content-Type", f"text/plain; charset={draw(CHARSETS)}")
        head += _header_bytes("Content-Transfer-Encoding", draw(ENCODINGS))
        body = draw(st.binary(max_size=500))
    return head + b"\r\n" + body


def _attachment_name_is_safe(name: str) -> bool:
    return (
        bool(name)
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and name not in (".", "..")
        and not name.startswith(".")
        and all(ch.isprintable() for ch in name)
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
@example(b"")
@example(b"\xff\xfe\x00")
@example(b"From: <<a@@b>\r\n\r\n")
def test_any_bytes_give_a_message_or_an_unreadable_one_with_the_bytes_kept(raw):
    message = parse(raw)
    assert isinstance(message, InboundMessage)
    assert message.external_id == raw_id(raw) and message.raw == raw
    if message.is_unreadable:
        assert message.metadata["parse_error"]  # names why, for the person who looks at it
    else:
        assert "@" in message.sender.value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_messages())
def test_broken_messages_with_a_sender_are_read_and_attachment_names_are_safe(raw):
    message = parse(raw)
    assert not message.is_unreadable, message.metadata.get("parse_error")
    assert message.sender.value == "kari@example.com"
    assert "\r" not in message.subject and "\n" not in message.subject
    for attachment in message.attachments:
        assert _attachment_name_is_safe(attachment.filename), attachment.filename
        assert ".." not in re.split(r"[\\/]", attachment.filename)


@settings(max_examples=100, deadline=None)
@given(NASTY_NAMES, st.sampled_from(["plain", "quoted", "rfc2231"]))
def test_attachment_names_never_leave_the_folder(name, style):
    if style == "rfc2231":
        encoded = "".join(f"%{b:02X}" for b in name.encode())
        disposition = f"attachment; filename*=utf-8''{encoded}"
    elif style == "quoted":
        disposition = f'attachment; filename="{name}"'
    else:
        disposition = f"attachment; filename={name}"
    raw = (
        b'From: ola@example.com\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nHei\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: "
        + disposition.encode("latin-1", "replace")
        + b"\r\n\r\n%PDF-1.4\r\n--b--\r\n"
    )
    message = parse(raw)
    assert not message.is_unreadable, message.metadata.get("parse_error")
    (attachment,) = message.attachments
    assert _attachment_name_is_safe(attachment.filename), attachment.filename


# --- JSON and forms -------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # nan and ±inf too: Python's json reads NaN and Infinity
    st.text(max_size=30),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=20,
)

SMS_ACCOUNT = TwilioAccount(
    "sms", "AC" + "0" * 32, "SVARFRIST_TEST_TWILIO_TOKEN", "https://svarfrist.example"
)
SMS_FIELDS = st.sampled_from(
    ["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "AccountSid"]
)
NUMBERS_AS_TEXT = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.sampled_from(["", " 1 ", "1e3", "0x10", "\u0661", "NaN", "-0", "+2", "10", "11"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.one_of(SMS_FIELDS, st.text(max_size=12)),
        st.one_of(st.text(max_size=60), NUMBERS_AS_TEXT),
        max_size=10,
    )
)
@example({"MessageSid": "SM1", "From": "+4791234567", "NumMedia": "99999999999"})
@example({"MessageSid": "SM1", "From": "+4791234567", "NumMedia": "-3"})
def test_twilio_forms_give_a_message_or_a_value_error_naming_the_field(form):
    try:
        message = inbound_from_webhook(SMS_ACCOUNT, form, RECEIVED)
    except ValueError as error:
        assert re.search(r"the field \w+", str(error)), str(error)
        return
    assert message.external_id == form["MessageSid"] and message.sender.value == form["From"]
    assert len(message.metadata["media"]) <= 10  # Twilio sends at most ten pictures


META_ACCOUNT = MetaAccount("alver", "100", "T", "S", "V", instagram_account_id="200")


def _or_json(valid):
    """The valid value most of the time, anything JSON can hold otherwise."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), JSON)


@st.composite
def meta_payloads(draw):
    """Webhook payloads close enough to Meta's to reach the inner checks, with broken parts."""
    kind = draw(_or_json(draw(st.sampled_from(["page", "instagram"]))))
    message = {"mid": draw(_or_json("m_1")), "text": draw(_or_json("Hei"))}
    if draw(st.booleans()):
        message["attachments"] = draw(
            _or_json([{"type": "image", "payload": draw(_or_json({"url": "https://x/y"}))}])
        )
    event = {
        "sender": draw(_or_json({"id": draw(_or_json("7100000000000001"))})),
        "recipient": draw(_or_json({"id": "100"})),
        "timestamp": draw(
            _or_json(draw(st.one_of(st.integers(), st.floats(), st.just(1764000000000))))
        ),
        "message": draw(_or_json(message)),
    }
    value = {
        "from": draw(_or_json({"id": draw(_or_json("55")), "name": draw(_or_json("Kari"))})),
        "item": "comment",
        "verb": "add",
        "comment_id": draw(_or_json("1_2")),
        "id": draw(_or_json("1_2")),
        "post_id": draw(_or_json("100_1")),
        "created_time": draw(_or_json(draw(st.one_of(st.integers(), st.floats())))),
        "message": draw(_or_json("Kommentar")),
        "text": draw(_or_json("Kommentar")),
        "media": draw(_or_json({"id": "9"})),
    }
    change = {
        "field": draw(_or_json(draw(st.sampled_from(["feed", "comments"])))),
        "value": draw(_or_json(value)),
    }
    entry = {
        "id": "100",
        "messaging": draw(_or_json([draw(_or_json(event))])),
        "changes": draw(_or_json([draw(_or_json(change))])),
    }
    return {"object": kind, "entry": draw(_or_json([draw(_or_json(entry))]))}


def _meta_parse_is_clean(payload) -> None:
    try:
        messages = parse_webhook(META_ACCOUNT, payload, RECEIVED)
    except ValueError as error:
        assert str(error), "a ValueError must say what was wrong"
        return
    for message in messages:
        assert isinstance(message, InboundMessage)
        assert message.received_at.utcoffset() is not None and message.external_id


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_is_a_meta_webhook_or_a_value_error(payload):
    _meta_parse_is_clean(payload)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta_payloads())
@example(
    {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "7"}, "message": {"mid": "m"}, "timestamp": 1e300}]}
        ],
    }
)
@example(
    {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "7"}, "message": {"mid": "m"}, "timestamp": math.inf}]}
        ],
    }
)
@example(
    {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "7"}, "message": {"mid": "m"}, "timestamp": math.nan}]}
        ],
    }
)
def test_nearly_valid_meta_payloads_give_messages_or_a_value_error(payload):
    _meta_parse_is_clean(payload)
    # What the webhook endpoint reads: the same payload through JSON text.
    _meta_parse_is_clean(json.loads(json.dumps(payload)))


# --- configuration --------------------------------------------------------------------------

WRONG_VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["09:00-15:00", "closed", "25:00-26:00", "Europe/Oslo", "Mars/Base", "NO", "XX", "nn"]
    ),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 65536, 2**63 - 1]),
    st.floats(),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=3),
    st.lists(st.lists(st.integers(), max_size=2), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["a", "cutoff", "hours"]), st.integers(), max_size=2),
    st.sampled_from(
        [
            {"working_days": 1},
            {"working_days": 2**62},
            {"hours": math.inf},
            {"hours": math.nan},
            {"same_day": {"cutoff": "14:00"}},
            {"same_day": {}},
            {"working_hours": 1e308},
        ]
    ),
    st.sampled_from(["{municipality.x}", "{reference[9]}", "{due!z}", "{0}", "{", "{{ok}}"]),
)
SECTIONS = {
    "municipality": ["name", "language", "timezone", "x"],
    "calendar": ["country", "opening_hours", "special_days", "periods"],
    "promises": ["email", "sms", "callback", "fax"],
    "database": ["url"],
    "storage": ["data_dir", "max_attachment_mb", "backend", "s3"],
    "intake": ["thread_window_days", "frontline"],
    "retention": ["closed_months", "action"],
    "handovers": ["accept_within_working_days", "leader_only"],
    "acknowledgements": ["per_sender_hours", "quiet_period_hours", "email_nn", "email_en"],
    "escalation": ["warn_hours_before", "next_level_after_days", "next_level", "digest_time"],
    "templates": [],
    "channels": ["email", "sms", "meta", "fax"],
    "bogus": ["x"],
}
CHANNEL_KEYS = {
    "email": ["name", "address", "aliases", "auth", "password_env", "token_command", "imap_host",
              "imap_port", "imap_tls", "smtp_host", "smtp_port", "smtp_tls", "smtp_auth",
              "after_import", "batch_size", "since", "poll_interval_seconds"],
    "sms": ["name", "account_sid", "auth_token_env", "public_url", "from_number",
            "messaging_service_sid", "api_base_url", "poll_interval_seconds"],
    "meta": ["name", "page_id", "page_token_env", "app_secret_env", "verify_token_env",
             "graph_base_url", "human_agent_tag"],
}  # fmt: skip


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(value)


def _toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            escaped.append("\ufffd")  # TOML has no lone surrogates
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


@st.composite
def config_documents(draw) -> dict:
    document = {}
    for section in draw(st.sets(st.sampled_from(sorted(SECTIONS)), max_size=5)):
        keys = SECTIONS[section]
        if section == "templates":
            entry = st.dictionaries(
                st.sampled_from(["name", "text", "language", "department", "x"]), WRONG_VALUES
            )
            document[section] = draw(st.one_of(st.lists(entry, max_size=2), WRONG_VALUES))
        elif section == "channels":
            document[section] = {
                kind: draw(
                    st.one_of(
                        st.lists(
                            st.dictionaries(
                                st.sampled_from(CHANNEL_KEYS.get(kind, ["x"])), WRONG_VALUES
                            ),
                            max_size=2,
                        ),
                        WRONG_VALUES,
                    )
                )
                for kind in draw(st.sets(st.sampled_from(keys), max_size=2))
            }
        else:
            document[section] = draw(
                st.one_of(
                    st.dictionaries(st.sampled_from(keys), WRONG_VALUES, max_size=3),
                    WRONG_VALUES,
                )
            )
    return document


def _config_text(document: dict) -> str:
    return "\n".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in document.items()) + "\n"


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config_documents())
@example({"acknowledgements": {"email_nn": "{municipality.x}"}})
@example({"acknowledgements": {"per_sender_hours": 2**63 - 1}})
@example({"handovers": {"leader_only": [[1]]}})
@example({"calendar": {"country": []}})
@example({"calendar": {"country": {"a": 1}}})
@example({"promises": {"email": {"due": {"hours": math.inf}}}})
@example({"promises": {"sms": {"due": {"working_hours": math.nan}}}})
@example({"promises": {"callback": {"due": {"working_days": 2**62}}}})
@example({"escalation": {"warn_hours_before": 2**63 - 1}})
@example({"intake": {"thread_window_days": 10**12}})
def test_any_configuration_loads_or_names_the_key_that_is_wrong(tmp_path, document):
    path = tmp_path / "svarfrist.toml"
    path.write_text(_config_text(document), encoding="utf-8")
    try:
        loaded = load_settings(path)
    except ConfigError as error:
        event("refused")
        assert error.problems, "a ConfigError must list what is wrong"
        for problem in error.problems:
            section = re.split(r"[.\[]", problem.key, maxsplit=1)[0]
            assert section in document, f"{problem.key}: {problem.message}"
            assert problem.key in str(error) and problem.message
        return
    event("loaded")
    assert loaded.source == path and "bogus" not in document
    # Valid settings are usable: every channel's promise can be worked out.
    for promise in loaded.rules.promises.values():
        given = promise.promise(loaded.rules.calendar, RECEIVED)
        assert given.received_at <= given.target_at <= given.due_at


# --- phone numbers --------------------------------------------------------------------------

PHONE_TEXT = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A\+?[0-9 ()\-.]{0,25}\Z"),
    st.sampled_from(["912 34 567", "+47 912 34 567", "0047 91234567", "+46 70 123 45 67"]),
    st.builds(lambda n: "9" * n, st.integers(min_value=200, max_value=5000)),
)


@settings(max_examples=500, deadline=None)
@given(PHONE_TEXT)
@example("912 34 567")
@example("\x00")
@example("+" + "1" * 300)
def test_phone_numbers_are_e164_or_refused(text):
    number = e164(text, "NO")
    assert number is None or E164.fullmatch(number), number
    if text == "912 34 567":
        assert number == "+4791234567"


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(max_size=250),
    phone=PHONE_TEXT,
    about=st.one_of(st.text(max_size=50), st.builds(lambda n: "x" * n, st.integers(1990, 2010))),
    preferred_time=st.one_of(st.sampled_from(["any", "morning", "x"]), st.text(max_size=10)),
)
def test_callback_requests_give_e164_or_name_the_bad_field(name, phone, about, preferred_time):
    request = CallbackRequest(name, phone, about, preferred_time=preferred_time)
    try:
        number = validate(request, "NO")
    except CallbackError as error:
        assert error.field in ("name", "phone", "about", "preferred_time")
        assert str(error)
        return
    assert E164.fullmatch(number)
    assert name.strip() and about.strip() and len(about) <= 2000
