"""The queue's "needs attention" panel: its numbers, and that each link shows those cases."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import current_app

from inbox.cases.escalations import Counts, escalations
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.models import Role
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import log_in

OSLO = ZoneInfo("Europe/Oslo")
# Friday 27 November 2026, 12:00: an e-mail of Friday 20 November 10:00 is due today at
# 15:00 (five working days), one of 13 November was due last Friday.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=OSLO)


@pytest.fixture
def queue(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no")
    leader = make_user(byggesak, email="leiar@alver.no", role=Role.LEADER)
    byggesak.leader_id = leader.id
    admin = make_user(email="admin@alver.no", role=Role.ADMIN)
    cases = {
        "due_today": receive(email(sender="a@example.no", received_at=at(20))),
        "overdue": receive(email(sender="b@example.no", received_at=at(13))),
        "late_handover": receive(email(sender="c@example.no", received_at=at(24))),
        "fresh_handover": receive(email(sender="d@example.no", received_at=at(24, 11))),
        "calm": receive(email(sender="e@example.no", received_at=at(26))),
        "moved_overdue": receive(email(sender="f@example.no", received_at=at(12))),
    }
    with frozen_at(at(25)):  # to be accepted by Thursday 26 November 15:00
        handovers.propose(cases["late_handover"], byggesak, kari, "Gjeld byggesak")
        moved = handovers.propose(cases["moved_overdue"], byggesak, kari, "Gjeld byggesak")
        handovers.accept(moved, leader, tell_citizen=False)
    with frozen_at(at(27, 11)):  # to be accepted by Monday 30 November 15:00
        handovers.propose(cases["fresh_handover"], byggesak, kari, "Gjeld byggesak")
    db.session.commit()
    return {"kari": kari, "leader": leader, "admin": admin, "byggesak": byggesak, **cases}


def numbers(user):
    calendar = current_app.extensions["svarfrist"].rules.calendar
    with frozen_at(NOW):
        return escalations(user, calendar)


def test_frontline_staff_count_their_cases_due_today_overdue_and_handovers_past_deadline(queue):
    shown = numbers(queue["kari"])
    assert shown.total == Counts(due_today=1, overdue=1, handovers_late=1, handovers_pending=2)
    assert shown.departments == []  # staff get the totals only


def test_a_leader_also_gets_the_numbers_of_the_department_they_lead(queue):
    shown = numbers(queue["leader"])
    # Byggesak sees its own overdue case and the two offered to it.
    assert shown.total == Counts(due_today=0, overdue=1, handovers_late=1, handovers_pending=2)
    assert [(d.slug, c) for d, c in shown.departments] == [("byggesak", Counts(overdue=1))]


def test_an_administrator_gets_every_department_with_something_to_show(queue):
    shown = numbers(queue["admin"])
    assert shown.total == Counts(due_today=1, overdue=2, handovers_late=1, handovers_pending=2)
    assert [d.slug for d, _counts in shown.departments] == ["byggesak", "innbyggjarservice"]


def references(page: str) -> set[str]:
    return set(re.findall(r'href="/cases/(\d{4}-\d{6})"', page))


def test_each_link_of_the_panel_shows_exactly_the_cases_it_counts(app, client, queue):
    log_in(client, "kari@alver.no")
    with frozen_at(NOW):
        page = client.get("/").get_data(as_text=True)
        panel = page[page.index('id="escalations-heading"') : page.index("</section>")]
        assert "1 sak over den lova svarfristen" in panel
        assert "1 sak med frist seinare i dag" in panel
        assert "1 overføring ventar etter fristen sin" in panel
        assert "sjå alle 2 overføringane som ventar" in panel
        overdue = client.get("/?due=overdue").get_data(as_text=True)
        today = client.get("/?due=today").get_data(as_text=True)
        late = client.get("/?handover=overdue").get_data(as_text=True)
    assert 'href="/?due=overdue"' in panel and 'href="/?due=today"' in panel
    assert references(overdue) == {queue["overdue"].reference}
    assert references(today) == {queue["due_today"].reference}
    # "waiting past their deadline" leads to those handovers, not to every pending one.
    assert 'href="/?handover=overdue"' in panel
    assert references(late) == {queue["late_handover"].reference}
    assert "Overføring over fristen" in late  # the filter shows as chosen


def test_the_api_filters_handovers_past_their_deadline(app, client, queue):
    token = create_api_token(queue["kari"])
    db.session.commit()
    with frozen_at(NOW):
        response = client.get(
            "/api/v1/cases?handover=overdue", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    assert [item["reference"] for item in response.get_json()["items"]] == [
        queue["late_handover"].reference
    ]


def test_a_leaders_numbers_per_department_link_to_that_departments_cases(app, client, queue):
    log_in(client, "admin@alver.no")
    with frozen_at(NOW):
        page = client.get("/").get_data(as_text=True)
        table = page[page.index('class="escalation-departments"') : page.index("</table>")]
        links = dict(re.findall(r'<a href="([^"]+)">(\d+)</a>', table))
        assert links == {
            "/?department=byggesak&amp;due=overdue": "1",
            "/?department=innbyggjarservice&amp;due=overdue": "1",
            "/?department=innbyggjarservice&amp;due=today": "1",
            "/?department=innbyggjarservice&amp;handover=overdue": "1",
        }
        shown = {
            link: references(client.get(link.replace("&amp;", "&")).get_data(as_text=True))
            for link in links
        }
    assert shown == {
        "/?department=byggesak&amp;due=overdue": {queue["moved_overdue"].reference},
        "/?department=innbyggjarservice&amp;due=overdue": {queue["overdue"].reference},
        "/?department=innbyggjarservice&amp;due=today": {queue["due_today"].reference},
        "/?department=innbyggjarservice&amp;handover=overdue": {queue["late_handover"].reference},
    }


def test_a_calm_queue_says_nothing_needs_attention(app, client):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    make_user(frontline, email="kari@alver.no")
    receive(email(received_at=at(26)))
    db.session.commit()
    log_in(client, "kari@alver.no")
    with frozen_at(NOW):
        page = client.get("/").get_data(as_text=True)
    assert "Treng merksemd" in page
    assert "Ingenting er over fristen" in page
    assert 'class="escalation-counts"' not in page
