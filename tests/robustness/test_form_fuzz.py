"""No request makes a web endpoint answer 500: public forms and signed webhooks, fuzzed.

Field values with control characters, huge strings, any Unicode, fields left out or sent
twice. Every answer is below 500, and a refusal (4xx) says why. What a webhook accepts, the
poller can take in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from channels.meta.account import MetaAccount
from channels.sms import TwilioAccount
from inbox.extensions import db
from inbox.jobs.webhooks import take_in_pending
from inbox.models import Department, LoginAttempt, RateEvent
from inbox.web.labels import error_text
from tests.inbox.web_helpers import csrf_token
from tests.robustness.test_parser_properties import JSON, meta_payloads

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Control characters, any Unicode, and strings far past every length limit.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x1F), max_size=20),
    st.sampled_from(["", " ", "\x00", "\r\n", "912 34 567", "+4791234567", "a@b.no", "\u202e"]),
    st.builds(lambda char, size: char * size, st.sampled_from("xæ9 \x00"), st.integers(0, 30_000)),
)
# A field left out, sent once, or sent several times.
FIELD = st.one_of(st.none(), TEXT, st.lists(TEXT, min_size=2, max_size=3))


def _good_or(good, bad):
    """Mostly a valid value, so a good share of requests get past validation into intake."""
    broken = st.one_of(bad, st.none(), st.lists(bad, min_size=2, max_size=3))
    return st.one_of(good, good, good, good, good, broken)


def _form(fields: dict) -> MultiDict:
    form = MultiDict()
    for name, value in fields.items():
        for item in [] if value is None else value if isinstance(value, list) else [value]:
            form.add(name, item)
    return form


def _error_page_text(app, code: int) -> str:
    """What the generic error page says for ``code`` (a refused CSRF token, say), in Nynorsk."""
    with app.test_request_context():
        return error_text(code)


def _assert_answered(response, reasons: tuple[str, ...]) -> None:
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if 400 <= response.status_code < 500:
        body = response.get_data(as_text=True)
        assert any(reason in body for reason in reasons), (response.status_code, body[:2000])


# --- the public callback page and the login page --------------------------------------------


@pytest.fixture
def town(app):
    db.session.add(Department(slug="service", name="Innbyggjarservice", is_frontline=True))
    db.session.commit()


@FUZZ
@given(
    path=st.sampled_from(["/ring-meg", "/en/call-me"]),
    fields=st.fixed_dictionaries(
        {
            "name": _good_or(st.just("Kari Nordmann"), TEXT),
            "phone": _good_or(st.sampled_from(["912 34 567", "+46 70 123 45 67"]), TEXT),
            "about": _good_or(st.just("Om eigedomsskatt"), TEXT),
            "department": _good_or(st.sampled_from(["", "service"]), TEXT),
            "preferred_time": _good_or(st.sampled_from(["any", "morning"]), TEXT),
            "sms_consent": st.one_of(st.none(), st.just("y"), TEXT),
        },
        optional={"website": FIELD},
    ),
    with_token=st.sampled_from([True, True, True, False]),
)
@example(
    path="/ring-meg",
    fields={"name": "Kari\x00", "phone": "912 34 567", "about": "x" * 30_000},
    with_token=True,
)
def test_the_callback_form_never_answers_500(app, client, town, path, fields, with_token):
    # Fresh limits each time, so what is fuzzed is the validation and not only the limiter.
    db.session.execute(delete(RateEvent))
    db.session.commit()
    form = _form(fields)
    if with_token:
        form.add("csrf_token", csrf_token(client, path))
    response = client.post(path, data=form)
    reasons = ('class="error"', "flash-error", _error_page_text(app, response.status_code))
    _assert_answered(response, reasons)


@FUZZ
@given(email=FIELD, password=FIELD, next_path=FIELD, with_token=st.booleans())
@example(email=None, password="x", next_path=None, with_token=True)
@example(email="a@b.no", password="x" * 2000, next_path=None, with_token=True)
@example(email="a@b.no", password="secret", next_path=None, with_token=False)
def test_the_login_form_never_answers_500_and_says_why_it_refuses(
    client, app, email, password, next_path, with_token
):
    db.session.execute(delete(LoginAttempt))
    db.session.commit()
    form = _form({"email": email, "password": password, "next": next_path})
    if with_token:
        form.add("csrf_token", csrf_token(client, "/login"))
    response = client.post("/login", data=form)
    _assert_answered(response, ('class="error"', _error_page_text(app, response.status_code)))


# --- webhooks, signed as the providers sign them --------------------------------------------

AUTH_TOKEN = "fuzz-twilio-auth-token"
TOKEN_ENV = "SVARFRIST_FUZZ_TWILIO_TOKEN"
PUBLIC_URL = "https://svarfrist.alver.kommune.no"
OUR_NUMBER = "+4755000000"
APP_SECRET = "fuzz-meta-app-secret"
META = MetaAccount("alver", "100", "FUZZ_META_TOKEN", "FUZZ_META_SECRET", "FUZZ_META_VERIFY", "200")


@pytest.fixture
def providers(app, town, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, AUTH_TOKEN)
    monkeypatch.setenv(META.page_token_env, "page-token")
    monkeypatch.setenv(META.app_secret_env, APP_SECRET)
    monkeypatch.setenv(META.verify_token_env, "verify")
    sms = TwilioAccount("sms", "AC" + "0" * 32, TOKEN_ENV, PUBLIC_URL, from_number=OUR_NUMBER)
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"], sms_accounts=(sms,), meta_accounts=(META,)
    )


def _poller_takes_in_everything() -> None:
    report = take_in_pending()
    assert report.failed == 0, "the webhook accepted what the poller cannot take in"


SMS_VALUES = st.one_of(
    TEXT,
    st.integers(-5, 15).map(str),
    # No real hosts: the poller fetches MMS pictures (port 9 refuses at once).
    st.sampled_from(["http://127.0.0.1:9/p.png", "ftp://x", "image/png", "SM" + "1" * 32]),
)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["MessageSid", "From", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "x"]
        ),
        SMS_VALUES,
    )
)
@example(fields={"MessageSid": "SM1", "From": "+4791234567", "NumMedia": "99999999999"})
@example(fields={"MessageSid": "SM2", "From": "\x00", "Body": "\x00" * 10})
def test_signed_twilio_webhooks_never_answer_500(client, providers, fields):
    form = {"To": OUR_NUMBER, **fields}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    response = client.post(
        "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    _assert_answered(response, ("Malformed Twilio request: the field",))
    if response.status_code == 200:
        _poller_takes_in_everything()


def _post_meta(client, body: bytes):
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/webhooks/meta",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


@FUZZ
@given(payload=st.one_of(meta_payloads(), JSON))
@example(payload={"object": "page", "entry": [], "x": float("nan")})
@example(payload={"object": "page", "entry": [{"messaging": [{"timestamp": 1e300}]}]})
def test_signed_meta_webhooks_never_answer_500(client, providers, payload):
    response = _post_meta(client, json.dumps(payload).encode())
    _assert_answered(response, ("Malformed Meta event: ",))
    if response.status_code == 200:
        _poller_takes_in_everything()


@FUZZ
@given(body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
@example(body=b'{"object": "page", "entry": [], "x": NaN}')
@example(body=b'{"object": "page", "entry": [], "x": Infinity}')
@example(body=b'{"object": "page", "entry": ["\xff"]}')
@example(body=b"")
def test_signed_meta_bodies_that_are_not_json_are_refused_with_a_reason(client, providers, body):
    response = _post_meta(client, body)
    _assert_answered(response, ("Malformed Meta event: ",))
    if response.status_code == 200:
        # Only strict JSON is stored: PostgreSQL's json type has no NaN or Infinity.
        assert json.loads(body, parse_constant=lambda name: pytest.fail(name)) is not None
        _poller_takes_in_everything()


def test_a_signed_meta_body_nested_too_deeply_is_refused_with_a_reason(client, providers):
    response = _post_meta(client, b"[" * 50_000 + b"]" * 50_000)
    assert response.status_code == 400
    assert "Malformed Meta event: nested too deeply" in response.get_data(as_text=True)
