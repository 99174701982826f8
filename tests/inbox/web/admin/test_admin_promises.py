"""/admin/promises: what the loaded configuration makes of the promises and the calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import Role
from inbox.settings.config import load_settings
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO
from tests.inbox.web_helpers import csrf_token, log_in

NOW = datetime(2026, 12, 22, 16, 0, tzinfo=OSLO)  # a Tuesday after closing, before Christmas
OWN_FILE = """
[municipality]
name = "Fjordvik kommune"

[calendar]
special_days = { "12-24" = "closed", "12-23" = "09:00-12:00" }

[[calendar.periods]]
name = "Sommar"
from = "06-15"
to = "08-15"
opening_hours = { mon = "08:00-14:00", tue = "08:00-14:00" }
"""


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def admin_client(client, app):
    make_department("innbyggjarservice", is_frontline=True)
    make_user(role=Role.ADMIN, email="admin@alver.no")
    make_user(email="kari@alver.no")
    db.session.commit()
    log_in(client, "admin@alver.no")
    return client


def _own_file(app, tmp_path: Path) -> Path:
    path = tmp_path / "fjordvik.toml"
    path.write_text(OWN_FILE, encoding="utf-8")
    own = load_settings(path)
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], source=path, rules=own.rules)
    return path


def test_staff_cannot_see_the_promises_page(client, app):
    make_user(email="kari@alver.no")
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert client.get("/admin/promises").status_code == 403


def test_without_a_file_the_page_says_the_shipped_defaults_apply(admin_client):
    page = admin_client.get("/admin/promises").get_data(as_text=True)
    assert "Ingen konfigurasjonsfil er lesen (SVARFRIST_CONFIG er ikkje sett)" in page
    assert "Ingen periodar med eigne opningstider (som sommartid) er sette opp." in page


def test_the_page_shows_the_file_each_channels_rule_and_the_days_ahead(admin_client, app, tmp_path):
    path = _own_file(app, tmp_path)
    page = admin_client.get("/admin/promises").get_data(as_text=True)
    assert f"Lesen frå {path}." in page and "<dd>Fjordvik kommune</dd>" in page
    assert "<dd>Noreg</dd>" in page and "<dd>Europe/Oslo</dd>" in page
    assert "<h3>E-post</h3>" in page
    # After closing on Tuesday: Wednesday 23 (short), then Monday 28 to Thursday 31; Christmas
    # Eve is closed by the file and the 25th and 26th are holidays.
    assert (
        "Ei melding motteken no, tysdag 22. desember 2026 kl. 16:00, får svar seinast "
        "torsdag 31. desember 2026 kl. 15:00." in page
    )
    assert "torsdag 24. desember 2026 (stengt)" in page  # closed in between, for e-mail
    assert '<td data-label="Kva">Første juledag</td>' in page
    assert "onsdag 23. desember 2026</td>" in page and ">09:00-12:00</td>" in page
    assert "Perioden «Sommar»: 15. juni til 15. august" in page
    assert '<td data-label="Dag">måndag</td><td data-label="Open">08:00-14:00</td>' in page


def test_the_page_is_in_the_administrators_language(admin_client, app, tmp_path):
    _own_file(app, tmp_path)
    token = csrf_token(admin_client, "/admin/promises")
    admin_client.post("/language", data={"language": "en", "csrf_token": token})
    page = admin_client.get("/admin/promises").get_data(as_text=True)
    assert "<h1>Promises and calendar</h1>" in page
    assert "A message received now, Tuesday, 22 December 2026 at 16:00" in page
    assert "Christmas Day" in page
