"""The case page in Chromium: a label puts the cursor in its own field (the internal note, not
the reply to the citizen), and the history reads as sentences in Nynorsk."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.e2e.test_pages import log_in
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def case(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Servicetorget")
    make_user(frontline, email="kari@alver.no", name="Kari Nordmann")
    made = receive(email(received_at=datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)))
    db.session.commit()
    return made


def test_each_label_focuses_its_own_field_and_the_history_is_in_words(page, live_server, case):
    log_in(page, live_server, "kari@alver.no")
    page.goto(f"{live_server}/cases/{case.reference}")
    page.locator("label", has_text="Internt notat").click()
    expect(page.locator("#note-text")).to_be_focused()
    page.locator("label", has_text="Svar til innbyggjaren").click()
    expect(page.locator("#reply-text")).to_be_focused()
    history = page.locator("ol.history")
    expect(history).to_contain_text("Saka vart oppretta frå ein e-post")
    expect(history).to_contain_text("Kari Nordmann opna saka 1. desember 2026")
    expect(history).not_to_contain_text("case.")
