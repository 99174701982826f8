"""The queue's news: new cases under the page's filters, counted and named, scoped like the page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from inbox.clock import now
from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email, sms
from tests.inbox.web_helpers import log_in

LIVE_URL = re.compile(r'data-live-url="([^"]+)"')


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    make_user(frontline, email="kari@alver.no")
    make_user(byggesak, email="eirik@alver.no")
    old = receive(email(sender="gamal@example.no"))
    db.session.commit()
    return {"old": old, "byggesak": byggesak}


def _live_url(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = LIVE_URL.search(page)
    assert match, f"no live region on {path}"
    return unescape(match[1])


def test_the_queue_names_its_news_address_with_its_filters(client, town):
    log_in(client, "kari@alver.no")

    url = _live_url(client, "/?channel=sms&due=today")

    assert url.startswith("/queue/live?")
    assert "channel=sms" in url and "due=today" in url and "since=" in url
    assert 'aria-live="polite"' in client.get("/").get_data(as_text=True)


def test_a_case_arriving_after_the_page_was_loaded_is_counted_and_named(client, town):
    log_in(client, "kari@alver.no")
    url = _live_url(client)
    assert client.get(url).get_json()["new"] == 0

    first = receive(email(sender="ny1@example.no"))
    second = receive(sms(sender="+4790000001"))
    db.session.commit()
    body = client.get(url).get_json()

    assert body["new"] == 2
    assert body["text"] == "2 nye saker"
    assert [item["reference"] for item in body["newest"]] == [second.reference, first.reference]
    assert body["newest"][0]["url"] == f"/cases/{second.reference}"
    assert body["counts"]["all"] == 3
    assert body["counts"]["channel=sms"] == 1


def test_the_news_honours_the_pages_filters(client, town):
    log_in(client, "kari@alver.no")
    url = _live_url(client, "/?channel=sms")

    receive(email(sender="ny1@example.no"))
    db.session.commit()

    assert client.get(url).get_json()["new"] == 0  # an e-mail is not news on the SMS queue


def test_the_news_never_counts_a_case_of_another_department(client, town):
    log_in(client, "eirik@alver.no")
    url = _live_url(client)

    receive(email(sender="ny1@example.no"))  # lands with the front line
    db.session.commit()
    body = client.get(url).get_json()

    assert body["new"] == 0
    assert body["newest"] == []
    assert body["counts"]["all"] == 0


def test_a_case_from_before_the_page_is_not_news(client, town):
    log_in(client, "kari@alver.no")
    since = (now() + timedelta(seconds=1)).isoformat()

    body = client.get("/queue/live", query_string={"since": since}).get_json()

    assert body["new"] == 0 and body["text"] == ""


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"since": "yesterday"},
        {"since": "2026-12-01T10:00:00"},
        {"since": now().isoformat(), "due": "soon"},
    ],
)
def test_a_bad_since_or_filter_is_a_400_that_names_it(client, town, query):
    log_in(client, "kari@alver.no")

    response = client.get("/queue/live", query_string=query)

    assert response.status_code == 400
    assert response.get_json()["error"]


def test_the_news_needs_a_login(client, town):
    response = client.get("/queue/live", query_string={"since": now().isoformat()})

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
