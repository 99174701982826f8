"""Messenger, Instagram and page comments: webhooks, reply windows, and Graph over loopback."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests

from channels.base import Identity, IdentityKind, OutboundMessage, SendStatus
from channels.meta.account import MetaAccount, MetaCredentialError
from channels.meta.pulls import MetaApiError, list_recent
from channels.meta.sending import GraphSender, reply_kind
from channels.meta.webhooks import parse_webhook, signature_is_valid, subscription_challenge
from tests.conftest import free_port
from tests.graph_server import API_VERSION, INSTAGRAM_ACCOUNT_ID, PAGE_ID, PAGE_TOKEN, FakeGraph

TOKEN_ENV = "SVARFRIST_TEST_META_PAGE_TOKEN"
SECRET_ENV = "SVARFRIST_TEST_META_APP_SECRET"
VERIFY_ENV = "SVARFRIST_TEST_META_VERIFY_TOKEN"
APP_SECRET = "meta-test-app-secret"
VERIFY_TOKEN = "meta-test-verify-token"
CITIZEN = "7100000000000001"  # page-scoped id
IG_CITIZEN = "6200000000000002"  # Instagram-scoped id
TUESDAY_MORNING = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
ACCOUNT = MetaAccount(
    "alver",
    PAGE_ID,
    TOKEN_ENV,
    SECRET_ENV,
    VERIFY_ENV,
    instagram_account_id=INSTAGRAM_ACCOUNT_ID,
    human_agent_tag=True,
)


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, PAGE_TOKEN)
    monkeypatch.setenv(SECRET_ENV, APP_SECRET)
    monkeypatch.setenv(VERIFY_ENV, VERIFY_TOKEN)


@pytest.fixture
def graph():
    server = FakeGraph(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def account(graph, secrets):
    return replace(ACCOUNT, graph_base_url=graph.base_url)


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- secrets, signatures, subscription ------------------------------------------------------


def test_a_valid_signature_is_accepted(secrets):
    body = b'{"object":"page","entry":[]}'
    assert signature_is_valid(ACCOUNT, body, signed(body))


def test_a_signature_over_other_bytes_or_with_another_secret_is_refused(secrets):
    body = b'{"object":"page","entry":[]}'
    assert not signature_is_valid(ACCOUNT, body + b" ", signed(body))
    assert not signature_is_valid(ACCOUNT, body, signed(body, "another-secret"))


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_signature_is_refused(secrets, header):
    assert not signature_is_valid(ACCOUNT, b"{}", header)


@pytest.mark.parametrize(
    "header",
    [
        "sha1=" + hashlib.sha1(b"{}").hexdigest(),
        "sha256=",
        "sha256=abc123",
        "sha256=" + "z" * 64,
        "sha256=" + "é" * 64,
        hmac.new(APP_SECRET.encode(), b"{}", hashlib.sha256).hexdigest(),  # no "sha256="
    ],
)
def test_a_malformed_signature_is_refused(secrets, header):
    assert not signature_is_valid(ACCOUNT, b"{}", header)


def test_the_subscription_is_confirmed_with_the_right_token(secrets):
    args = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    assert subscription_challenge(ACCOUNT, args) == "1158201444"


def test_the_subscription_is_not_confirmed_with_a_wrong_token(secrets):
    args = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}
    assert subscription_challenge(ACCOUNT, args) is None
    assert subscription_challenge(ACCOUNT, {"hub.mode": "subscribe", "hub.challenge": "1"}) is None


def test_the_subscription_is_not_confirmed_for_another_mode(secrets):
    args = {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}
    assert subscription_challenge(ACCOUNT, args) is None


@pytest.mark.parametrize(
    ("read", "variable", "setting"),
    [
        (MetaAccount.page_token, TOKEN_ENV, "page_token_env"),
        (MetaAccount.app_secret, SECRET_ENV, "app_secret_env"),
        (MetaAccount.verify_token, VERIFY_ENV, "verify_token_env"),
    ],
)
def test_a_missing_environment_variable_is_named(monkeypatch, read, variable, setting):
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MetaCredentialError) as raised:
        read(ACCOUNT)
    assert str(raised.value) == (
        f"Meta account 'alver': the environment variable {variable} ({setting}) is not set"
    )


def test_signature_checking_without_the_app_secret_names_the_variable(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "")
    with pytest.raises(MetaCredentialError, match=SECRET_ENV):
        signature_is_valid(ACCOUNT, b"{}", signed(b"{}"))


def test_the_url_has_the_version_in_it():
    assert ACCOUNT.url("me/messages") == "https://graph.facebook.com/v21.0/me/messages"
    moved = replace(ACCOUNT, graph_base_url="http://127.0.0.1:9/", api_version="v22.0")
    assert moved.url("/123/feed") == "http://127.0.0.1:9/v22.0/123/feed"


# --- webhooks -------------------------------------------------------------------------------


def messenger_event(mid="m_abc", sender=CITIZEN, text="Når tømmes søpla?", **message_fields):
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": millis(TUESDAY_MORNING),
        "message": {"mid": mid, "text": text, **message_fields},
    }


def page_payload(*events, changes=()):
    return {
        "object": "page",
        "entry": [
            {"id": PAGE_ID, "time": millis(TUESDAY_MORNING), "messaging": list(events)}
            | ({"changes": list(changes)} if changes else {})
        ],
    }


def feed_change(sender_id="5500000000000003", name="Kari Nordmann", **value_fields):
    return {
        "field": "feed",
        "value": {
            "from": {"id": sender_id, "name": name},
            "item": "comment",
            "verb": "add",
            "post_id": f"{PAGE_ID}_200000000000001",
            "comment_id": "200000000000001_300000000000001",
            "parent_id": f"{PAGE_ID}_200000000000001",
            "message": "Er brua stengd i dag?",
            "created_time": int(TUESDAY_MORNING.timestamp()),
            **value_fields,
        },
    }


def test_a_messenger_message_becomes_an_inbound_message():
    received = TUESDAY_MORNING + timedelta(minutes=5)
    (inbound,) = parse_webhook(ACCOUNT, page_payload(messenger_event()), received)
    assert inbound.channel == "facebook"
    assert inbound.account == "alver"
    assert inbound.external_id == "m_abc"
    assert inbound.sender == Identity(IdentityKind.MESSENGER, CITIZEN)
    assert inbound.text == "Når tømmes søpla?"
    assert inbound.received_at == received  # the arrival; the event's own time is kept
    assert inbound.attachments == ()
    assert dict(inbound.metadata) == {
        "kind": "message",
        "sent_at": TUESDAY_MORNING.isoformat(),
        "mid": "m_abc",
        "page_id": PAGE_ID,
        "attachment_urls": [],
    }


def test_bidirectional_controls_are_taken_out_of_texts_and_names():
    spoofed = "Faktura \u202efdp.exe"
    (message,) = parse_webhook(
        ACCOUNT, page_payload(messenger_event(text=spoofed)), TUESDAY_MORNING
    )
    payload = page_payload(changes=[feed_change(name="Kari \u202eevrats", message=spoofed)])
    (comment,) = parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)
    assert message.text == comment.text == "Faktura fdp.exe"
    assert comment.sender.display_name == "Kari evrats"


def test_attachments_are_listed_not_downloaded():
    event = messenger_event(
        text=None,
        attachments=[
            {"type": "image", "payload": {"url": "https://lookaside.fbsbx.com/a.jpg"}},
            {"type": "location", "payload": {"coordinates": {"lat": 60.5, "long": 5.2}}},
            {"type": "file", "payload": {"url": "https://cdn.fbsbx.com/b.pdf"}},
        ],
    )
    (inbound,) = parse_webhook(ACCOUNT, page_payload(event), TUESDAY_MORNING)
    assert inbound.text == ""
    assert inbound.attachments == ()
    assert inbound.metadata["attachment_urls"] == [
        "https://lookaside.fbsbx.com/a.jpg",
        "https://cdn.fbsbx.com/b.pdf",
    ]


def test_an_echo_of_the_pages_own_reply_is_skipped():
    echo = messenger_event(mid="m_echo", sender=PAGE_ID, is_echo=True, app_id=1234)
    echo["recipient"] = {"id": CITIZEN}
    assert parse_webhook(ACCOUNT, page_payload(echo), TUESDAY_MORNING) == []


def test_delivery_and_read_receipts_are_skipped():
    delivery = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE_ID},
        "delivery": {"mids": ["m_1"], "watermark": millis(TUESDAY_MORNING)},
    }
    read = {
        "sender": {"id": CITIZEN},
        "recipient": {"id": PAGE_ID},
        "timestamp": millis(TUESDAY_MORNING),
        "read": {"watermark": millis(TUESDAY_MORNING)},
    }
    assert parse_webhook(ACCOUNT, page_payload(delivery, read), TUESDAY_MORNING) == []


def test_a_message_from_the_page_itself_is_skipped():
    own = messenger_event(mid="m_own", sender=PAGE_ID)  # written in Meta Business Suite
    assert parse_webhook(ACCOUNT, page_payload(own), TUESDAY_MORNING) == []


def test_every_message_of_a_batch_is_kept_in_order_and_the_rest_skipped():
    payload = page_payload(
        messenger_event(mid="m_1", text="første"),
        messenger_event(mid="m_echo", sender=PAGE_ID, is_echo=True),
        messenger_event(mid="m_2", text="andre"),
    )
    payload["entry"].append({"id": PAGE_ID, "messaging": [messenger_event(mid="m_3")]})
    found = parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)
    assert [inbound.external_id for inbound in found] == ["m_1", "m_2", "m_3"]


def test_without_a_timestamp_the_arrival_time_is_used():
    event = messenger_event()
    del event["timestamp"]
    arrival = TUESDAY_MORNING + timedelta(hours=1)
    (inbound,) = parse_webhook(ACCOUNT, page_payload(event), arrival)
    assert inbound.received_at == arrival


def test_a_comment_on_the_pages_post_becomes_an_inbound_message():
    payload = page_payload(changes=[feed_change()])
    arrival = TUESDAY_MORNING + timedelta(minutes=3)
    (inbound,) = parse_webhook(ACCOUNT, payload, arrival)
    assert inbound.channel == "facebook"
    assert inbound.account == "alver"
    assert inbound.external_id == "200000000000001_300000000000001"
    assert inbound.sender == Identity(IdentityKind.MESSENGER, "5500000000000003", "Kari Nordmann")
    assert inbound.text == "Er brua stengd i dag?"
    assert inbound.received_at == arrival
    assert dict(inbound.metadata) == {
        "kind": "comment",
        "sent_at": TUESDAY_MORNING.isoformat(),
        "comment_id": "200000000000001_300000000000001",
        "post_id": f"{PAGE_ID}_200000000000001",
        "parent_id": f"{PAGE_ID}_200000000000001",
    }


def test_the_pages_own_comment_and_other_feed_changes_are_skipped():
    changes = [
        feed_change(sender_id=PAGE_ID, name="Alver kommune"),
        feed_change(verb="edited"),
        feed_change(verb="remove"),
        feed_change(item="reaction", reaction_type="like"),
        {"field": "mention", "value": {"post_id": "1_2"}},
    ]
    assert parse_webhook(ACCOUNT, page_payload(changes=changes), TUESDAY_MORNING) == []


def test_an_instagram_message_becomes_an_inbound_message():
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": INSTAGRAM_ACCOUNT_ID,
                "time": millis(TUESDAY_MORNING),
                "messaging": [
                    {
                        "sender": {"id": IG_CITIZEN},
                        "recipient": {"id": INSTAGRAM_ACCOUNT_ID},
                        "timestamp": millis(TUESDAY_MORNING),
                        "message": {"mid": "aWdfZAG1faXRlbToxOklH", "text": "Hei!"},
                    },
                    {  # the account's reply, echoed
                        "sender": {"id": INSTAGRAM_ACCOUNT_ID},
                        "recipient": {"id": IG_CITIZEN},
                        "timestamp": millis(TUESDAY_MORNING),
                        "message": {"mid": "aWdfZAG1faXRlbToxOklI", "text": "Hei", "is_echo": True},
                    },
                    {  # written in the Instagram app by the municipality
                        "sender": {"id": INSTAGRAM_ACCOUNT_ID},
                        "recipient": {"id": IG_CITIZEN},
                        "timestamp": millis(TUESDAY_MORNING),
                        "message": {"mid": "aWdfZAG1faXRlbToxOklJ", "text": "Velkommen"},
                    },
                ],
            }
        ],
    }
    (inbound,) = parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)
    assert inbound.channel == "instagram"
    assert inbound.account == "alver"
    assert inbound.external_id == "aWdfZAG1faXRlbToxOklH"
    assert inbound.sender == Identity(IdentityKind.INSTAGRAM, IG_CITIZEN)
    assert inbound.text == "Hei!"
    assert inbound.received_at == TUESDAY_MORNING
    assert inbound.metadata["kind"] == "message"
    assert inbound.metadata["mid"] == "aWdfZAG1faXRlbToxOklH"
    assert inbound.metadata["page_id"] == INSTAGRAM_ACCOUNT_ID


def instagram_comment(sender_id=IG_CITIZEN, username="kari.nordmann", comment_id="1790000001"):
    return {
        "field": "comments",
        "value": {
            "from": {"id": sender_id, "username": username},
            "media": {"id": "1800000000000001", "media_product_type": "FEED"},
            "id": comment_id,
            "text": "Kor tid opnar bassenget?",
        },
    }


def test_an_instagram_comment_becomes_an_inbound_message():
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": INSTAGRAM_ACCOUNT_ID,
                "time": int(TUESDAY_MORNING.timestamp()),
                "changes": [
                    instagram_comment(),
                    instagram_comment(INSTAGRAM_ACCOUNT_ID, "alverkommune", "1790000002"),
                    {"field": "mentions", "value": {"media_id": "1", "comment_id": "2"}},
                ],
            }
        ],
    }
    (inbound,) = parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)
    assert inbound.channel == "instagram"
    assert inbound.account == "alver"
    assert inbound.external_id == "1790000001"
    assert inbound.sender == Identity(IdentityKind.INSTAGRAM, IG_CITIZEN, "kari.nordmann")
    assert inbound.text == "Kor tid opnar bassenget?"
    assert inbound.received_at == TUESDAY_MORNING
    assert inbound.metadata["kind"] == "comment"
    assert inbound.metadata["comment_id"] == "1790000001"
    assert inbound.metadata["media_id"] == "1800000000000001"


def without_sender_id():
    payload = page_payload(messenger_event(mid="m_1"), messenger_event(mid="m_2"))
    del payload["entry"][0]["messaging"][1]["sender"]["id"]
    return payload


def without(field_path):
    """A page payload with one comment whose ``value`` lacks ``field_path``."""
    change = feed_change()
    *parents, last = field_path.split(".")
    target = change["value"]
    for parent in parents:
        target = target[parent]
    del target[last]
    return page_payload(changes=[change])


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([{"object": "page"}], "the payload is not a JSON object but list"),
        ({"entry": []}, "object is missing"),
        ({"object": "user", "entry": []}, "object is 'user', expected 'page' or 'instagram'"),
        ({"object": "page", "entry": {"id": PAGE_ID}}, "entry is not a list but dict"),
        ({"object": "page"}, "entry is not a list but null"),
        ({"object": "page", "entry": ["x"]}, "entry[0] is not an object but str"),
        (
            {"object": "page", "entry": [{"messaging": {"sender": {}}}]},
            "entry[0].messaging is not a list but dict",
        ),
        (without_sender_id(), "entry[0].messaging[1].sender.id is missing"),
        (
            page_payload({"recipient": {"id": PAGE_ID}, "message": {"mid": "m_1"}}),
            "entry[0].messaging[0].sender is missing",
        ),
        (
            page_payload({"sender": {"id": CITIZEN}, "message": {"text": "hei"}}),
            "entry[0].messaging[0].message.mid is missing",
        ),
        (
            page_payload({"sender": {"id": CITIZEN}, "message": "hei"}),
            "entry[0].messaging[0].message is not an object but str",
        ),
        (
            page_payload(messenger_event(text=["hei"])),
            "entry[0].messaging[0].message.text is not text but list",
        ),
        (without("from.id"), "entry[0].changes[0].value.from.id is missing"),
        (without("comment_id"), "entry[0].changes[0].value.comment_id is missing"),
        (
            page_payload(changes=[feed_change(created_time="2026-11-24")]),
            "entry[0].changes[0].value.created_time is not a number but str: '2026-11-24'",
        ),
        (
            {"object": "instagram", "entry": [{"changes": [{"field": "comments", "value": {}}]}]},
            "entry[0].changes[0].value.from is missing",
        ),
    ],
)
def test_a_malformed_payload_is_refused_naming_the_path(payload, reason):
    with pytest.raises(ValueError) as raised:
        parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)
    assert str(raised.value) == reason


def test_a_malformed_event_timestamp_is_refused_naming_the_path():
    event = messenger_event()
    event["timestamp"] = "i går"
    with pytest.raises(ValueError) as raised:
        parse_webhook(ACCOUNT, page_payload(event), TUESDAY_MORNING)
    assert str(raised.value) == "entry[0].messaging[0].timestamp is not a number but str: 'i går'"


def test_an_instagram_comment_without_an_id_is_refused_naming_the_path():
    change = instagram_comment()
    del change["value"]["id"]
    payload = {"object": "instagram", "entry": [{"changes": [change]}]}
    with pytest.raises(ValueError, match=r"^entry\[0\]\.changes\[0\]\.value\.id is missing$"):
        parse_webhook(ACCOUNT, payload, TUESDAY_MORNING)


# --- reply windows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "tag", "expected"),
    [
        (timedelta(0), False, "response"),
        (timedelta(hours=23, minutes=59), False, "response"),
        (timedelta(hours=23, minutes=59), True, "response"),
        (timedelta(hours=24), False, "outside_window"),
        (timedelta(hours=24), True, "human_agent"),
        (timedelta(days=6, hours=23, minutes=59), True, "human_agent"),
        (timedelta(days=6, hours=23, minutes=59), False, "outside_window"),
        (timedelta(days=7), True, "outside_window"),
        (timedelta(days=7), False, "outside_window"),
        (timedelta(days=30), True, "outside_window"),
    ],
)
def test_a_private_reply_depends_on_the_window(elapsed, tag, expected):
    last = TUESDAY_MORNING
    assert reply_kind("message", last, last + elapsed, human_agent_tag=tag) == expected


@pytest.mark.parametrize("tag", [False, True])
def test_a_comment_can_always_be_answered(tag):
    long_ago = TUESDAY_MORNING - timedelta(days=365)
    assert reply_kind("comment", long_ago, TUESDAY_MORNING, human_agent_tag=tag) == "comment"


# --- sending --------------------------------------------------------------------------------


def reply(channel="facebook", recipient=CITIZEN, text="Søpla blir tømd torsdag.", **headers):
    return OutboundMessage(channel, "alver", recipient, text, headers=headers)


def test_a_reply_within_24_hours_is_sent_as_a_response(account, graph):
    result = GraphSender(account).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == SendStatus.SENT
    assert result.external_id.startswith("m_")
    assert graph.sent == [
        {
            "path": f"/{API_VERSION}/me/messages",
            "json": {
                "recipient": {"id": CITIZEN},
                "messaging_type": "RESPONSE",
                "message": {"text": "Søpla blir tømd torsdag."},
            },
        }
    ]


def test_a_later_reply_goes_with_the_human_agent_tag(account, graph):
    message = reply(
        "instagram", IG_CITIZEN, "Svar frå sakshandsamar", **{"X-Meta-Reply": "human_agent"}
    )
    result = GraphSender(account).send(message)
    assert result.status == SendStatus.SENT
    assert graph.sent == [
        {
            "path": f"/{API_VERSION}/me/messages",
            "json": {
                "recipient": {"id": IG_CITIZEN},
                "messaging_type": "MESSAGE_TAG",
                "tag": "HUMAN_AGENT",
                "message": {"text": "Svar frå sakshandsamar"},
            },
        }
    ]


def test_the_human_agent_tag_is_not_used_without_the_permission(account, graph):
    sender = GraphSender(replace(account, human_agent_tag=False))
    result = sender.send(reply(**{"X-Meta-Reply": "human_agent"}))
    assert result.status == SendStatus.REJECTED
    assert "HUMAN_AGENT permission" in result.error
    assert graph.calls == []


def test_a_facebook_comment_is_answered_under_it(account, graph):
    comment_id = "200000000000001_300000000000001"
    message = reply(
        recipient="5500000000000003",
        text="Brua er open att.",
        **{"X-Meta-Reply": "comment", "X-Meta-Comment-Id": comment_id},
    )
    result = GraphSender(account).send(message)
    assert result.status == SendStatus.SENT
    assert result.external_id.startswith("200000000000001_")
    assert graph.sent == [
        {"path": f"/{API_VERSION}/{comment_id}/comments", "form": {"message": "Brua er open att."}}
    ]


def test_an_instagram_comment_is_answered_with_a_reply(account, graph):
    message = reply(
        "instagram",
        IG_CITIZEN,
        "Bassenget opnar 1. desember.",
        **{"X-Meta-Reply": "comment", "X-Meta-Comment-Id": "1790000001"},
    )
    result = GraphSender(account).send(message)
    assert result.status == SendStatus.SENT
    assert graph.sent == [
        {
            "path": f"/{API_VERSION}/1790000001/replies",
            "form": {"message": "Bassenget opnar 1. desember."},
        }
    ]


@pytest.mark.parametrize("headers", [{"X-Meta-Reply": "outside_window"}, {}])
def test_a_reply_outside_the_window_is_rejected_without_calling_graph(account, graph, headers):
    result = GraphSender(account).send(reply(**headers))
    assert result.status == SendStatus.REJECTED
    assert "outside Meta's 24-hour window" in result.error
    assert "alver" in result.error and CITIZEN in result.error
    assert graph.calls == []


@pytest.mark.parametrize(
    ("headers", "channel", "reason"),
    [
        ({"X-Meta-Reply": "comment"}, "facebook", "X-Meta-Comment-Id is missing"),
        (
            {"X-Meta-Reply": "comment", "X-Meta-Comment-Id": "../me/messages"},
            "facebook",
            "X-Meta-Comment-Id is '../me/messages', not a Graph id",
        ),
        (
            {"X-Meta-Reply": "comment", "X-Meta-Comment-Id": "1_2"},
            "sms",
            "channel 'sms' has no comments",
        ),
        ({"X-Meta-Reply": "broadcast"}, "facebook", "X-Meta-Reply is 'broadcast'; expected"),
    ],
)
def test_a_reply_that_cannot_be_sent_is_rejected_naming_why(
    account, graph, headers, channel, reason
):
    result = GraphSender(account).send(reply(channel, **headers))
    assert result.status == SendStatus.REJECTED
    assert reason in result.error
    assert graph.calls == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ((400, 551), SendStatus.REJECTED),  # the person is not available
        ((400, 10), SendStatus.REJECTED),  # outside the allowed window
        ((403, 200), SendStatus.REJECTED),  # permission missing
        ((400, 2018278), SendStatus.REJECTED),
        ((400, 613), SendStatus.FAILED),  # rate limit
        ((400, 4), SendStatus.FAILED),
        ((400, 17), SendStatus.FAILED),
        ((400, 32), SendStatus.FAILED),
        ((500, 2), SendStatus.FAILED),
        ((500, 1), SendStatus.FAILED),
        ((503, 100), SendStatus.FAILED),  # a server error is temporary whatever the code
    ],
)
def test_a_graph_error_is_rejected_or_retried_by_its_code(account, graph, failure, expected):
    graph.fail_with = failure
    status, code = failure
    result = GraphSender(account).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == expected
    assert f"HTTP {status}" in result.error
    assert f"Graph code {code}: failure {code}" in result.error
    assert "POST me/messages" in result.error


def test_a_wrong_page_token_is_rejected(account, graph, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "expired-token")
    result = GraphSender(account).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == SendStatus.REJECTED
    assert "Graph code 190: Invalid OAuth access token." in result.error
    assert graph.sent == []


def test_a_closed_port_is_temporary_and_the_token_is_not_in_the_error(account):
    closed = replace(account, graph_base_url=f"http://127.0.0.1:{free_port()}")
    result = GraphSender(closed).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == SendStatus.FAILED
    assert "ConnectionError" in result.error
    assert "POST me/messages failed" in result.error
    assert PAGE_TOKEN not in result.error


def test_a_slow_graph_times_out_as_temporary(account, graph):
    graph.delay = 1.0
    result = GraphSender(account, timeout=0.2).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == SendStatus.FAILED
    assert "Timeout" in result.error
    assert PAGE_TOKEN not in result.error


def test_sending_without_the_page_token_fails_naming_the_variable(account, graph, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    result = GraphSender(account).send(reply(**{"X-Meta-Reply": "response"}))
    assert result.status == SendStatus.FAILED
    assert f"{TOKEN_ENV} (page_token_env) is not set" in result.error
    assert graph.calls == []


# --- pulls ----------------------------------------------------------------------------------

KARI = {"name": "Kari Nordmann", "email": f"{CITIZEN}@facebook.com", "id": CITIZEN}
PAGE = {"name": "Alver kommune", "email": f"{PAGE_ID}@facebook.com", "id": PAGE_ID}
IG_KARI = {"username": "kari.nordmann", "id": IG_CITIZEN}
IG_PAGE = {"username": "alverkommune", "id": INSTAGRAM_ACCOUNT_ID}
POST = f"{PAGE_ID}_200000000000001"


def test_the_pull_finds_messages_and_comments_since_a_time(account, graph):
    since = TUESDAY_MORNING
    graph.add_message("t_1", KARI, "Gammal melding", since - timedelta(minutes=1))
    first = graph.add_message("t_1", KARI, "Når tømmes søpla?", since + timedelta(minutes=10))
    graph.add_message("t_1", PAGE, "Torsdag.", since + timedelta(minutes=20))
    instagram = graph.add_message(
        "t_ig", IG_KARI, "Hei frå Instagram", since + timedelta(minutes=5), platform="instagram"
    )
    graph.add_message("t_ig", IG_PAGE, "Hei!", since + timedelta(minutes=6), platform="instagram")
    graph.add_comment(POST, {"name": "Ola", "id": "5500000000000004"}, "Før", since - timedelta(1))
    comment = graph.add_comment(
        POST, {"name": "Ola", "id": "5500000000000004"}, "Er brua stengd?", since
    )
    graph.add_comment(POST, PAGE, "Nei.", since + timedelta(minutes=30))

    found = list_recent(account, since)

    assert [inbound.external_id for inbound in found] == [comment, instagram, first]
    by_id = {inbound.external_id: inbound for inbound in found}
    assert by_id[first].channel == "facebook"
    assert by_id[first].account == "alver"
    assert by_id[first].sender == Identity(IdentityKind.MESSENGER, CITIZEN, "Kari Nordmann")
    assert by_id[first].text == "Når tømmes søpla?"
    assert by_id[first].received_at == since + timedelta(minutes=10)
    assert by_id[first].metadata["kind"] == "message"
    assert by_id[first].metadata["mid"] == first
    assert by_id[first].metadata["page_id"] == PAGE_ID
    assert by_id[instagram].channel == "instagram"
    assert by_id[instagram].sender == Identity(IdentityKind.INSTAGRAM, IG_CITIZEN, "kari.nordmann")
    assert by_id[instagram].metadata["page_id"] == INSTAGRAM_ACCOUNT_ID
    assert by_id[comment].channel == "facebook"
    assert by_id[comment].sender == Identity(IdentityKind.MESSENGER, "5500000000000004", "Ola")
    assert by_id[comment].text == "Er brua stengd?"
    assert dict(by_id[comment].metadata) == {
        "kind": "comment",
        "comment_id": comment,
        "post_id": POST,
        "parent_id": POST,
    }
    assert [(call["path"], call["args"]) for call in graph.calls] == [
        (
            f"/{API_VERSION}/{PAGE_ID}/conversations",
            {"fields": "messages{id,message,from,created_time}", "platform": "messenger"},
        ),
        (
            f"/{API_VERSION}/{PAGE_ID}/conversations",
            {"fields": "messages{id,message,from,created_time}", "platform": "instagram"},
        ),
        (f"/{API_VERSION}/{PAGE_ID}/feed", {"fields": "comments{id,message,from,created_time}"}),
    ]


def test_the_pulled_ids_are_the_webhooks_ids(account, graph):
    mid = graph.add_message("t_1", KARI, "Hei", TUESDAY_MORNING)
    (pulled,) = list_recent(account, TUESDAY_MORNING)
    (pushed,) = parse_webhook(account, page_payload(messenger_event(mid=mid)), TUESDAY_MORNING)
    assert (pulled.channel, pulled.account, pulled.external_id) == (
        pushed.channel,
        pushed.account,
        pushed.external_id,
    )
    assert pulled.sender.kind == pushed.sender.kind and pulled.sender.value == pushed.sender.value


def test_without_an_instagram_account_only_messenger_is_asked(account, graph):
    graph.add_message("t_ig", IG_KARI, "Hei", TUESDAY_MORNING, platform="instagram")
    found = list_recent(replace(account, instagram_account_id=None), TUESDAY_MORNING)
    assert found == []
    assert [call["args"].get("platform") for call in graph.calls] == ["messenger", None]


def test_the_pull_follows_the_next_page(account, graph):
    graph.page_size = 1
    first = graph.add_message("t_1", KARI, "første side", TUESDAY_MORNING)
    second = graph.add_message("t_2", KARI, "andre side", TUESDAY_MORNING + timedelta(minutes=1))
    on_first_post = graph.add_comment("1_1", KARI, "a", TUESDAY_MORNING + timedelta(minutes=2))
    on_second_post = graph.add_comment("1_2", KARI, "b", TUESDAY_MORNING + timedelta(minutes=3))

    found = list_recent(replace(account, instagram_account_id=None), TUESDAY_MORNING)

    assert [inbound.external_id for inbound in found] == [
        first,
        second,
        on_first_post,
        on_second_post,
    ]
    assert [
        (call["path"].rpartition("/")[2], call["args"].get("after")) for call in graph.calls
    ] == [
        ("conversations", None),
        ("conversations", "1"),
        ("feed", None),
        ("feed", "1"),
    ]
    # The next page keeps what the first asked for.
    assert graph.calls[1]["args"]["platform"] == "messenger"
    assert graph.calls[1]["args"]["fields"] == "messages{id,message,from,created_time}"
    assert graph.calls[3]["args"]["fields"] == "comments{id,message,from,created_time}"


def test_the_pull_stops_after_twenty_pages(account, graph):
    graph.page_size = 1
    for number in range(25):
        graph.add_message(f"t_{number}", KARI, f"nr. {number}", TUESDAY_MORNING)
    found = list_recent(replace(account, instagram_account_id=None), TUESDAY_MORNING)
    assert len(found) == 20
    assert len([c for c in graph.calls if c["path"].endswith("/conversations")]) == 20


def test_a_graph_error_on_a_pull_names_the_request(account, graph):
    graph.fail_with = (400, 10)
    with pytest.raises(MetaApiError) as raised:
        list_recent(account, TUESDAY_MORNING)
    assert str(raised.value) == (
        f"Meta account 'alver': GET {PAGE_ID}/conversations (platform=messenger), page 1 "
        "answered HTTP 400, Graph code 10: failure 10"
    )
    assert isinstance(raised.value, requests.RequestException)


def test_a_closed_port_on_a_pull_does_not_reveal_the_token(account):
    closed = replace(account, graph_base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(MetaApiError) as raised:
        list_recent(closed, TUESDAY_MORNING)
    assert "ConnectionError" in str(raised.value)
    assert PAGE_TOKEN not in str(raised.value)


def test_a_malformed_item_on_a_pull_names_its_path(account, graph):
    graph.add_message("t_1", KARI, "Hei", TUESDAY_MORNING)
    del graph.conversations[0]["messages"]["data"][0]["from"]
    with pytest.raises(MetaApiError) as raised:
        list_recent(account, TUESDAY_MORNING)
    assert str(raised.value) == (
        f"Meta account 'alver': GET {PAGE_ID}/conversations (platform=messenger), page 1: "
        "data[0].messages.data[0].from is missing"
    )


def test_a_next_page_on_another_server_is_not_followed(account, graph):
    graph.page_size = 1
    graph.add_message("t_1", KARI, "første side", TUESDAY_MORNING)
    graph.add_message("t_2", KARI, "andre side", TUESDAY_MORNING)
    elsewhere = replace(account, graph_base_url=f"http://localhost:{graph.port}")
    with pytest.raises(MetaApiError, match=r"paging\.next leads to http://127\.0\.0\.1:"):
        list_recent(elsewhere, TUESDAY_MORNING)
    assert len(graph.calls) == 1


def test_pulling_without_the_page_token_names_the_variable(account, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV)
    with pytest.raises(MetaCredentialError, match=f"{TOKEN_ENV} \\(page_token_env\\)"):
        list_recent(account, TUESDAY_MORNING)
