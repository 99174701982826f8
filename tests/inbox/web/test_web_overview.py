"""/overview: the leaders' overview; who may have it, its figures, and that each number's
link shows that many cases in the queue (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Department, Role, User
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email, sms
from tests.inbox.web_helpers import log_in

OSLO = ZoneInfo("Europe/Oslo")
# Friday 27 November 2026, 12:00 (week 48 began on Monday 23 November).
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)
LINK = re.compile(r'<a href="(/\?[^"]*)">(\d+)</a>')


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no")
    leader = make_user(byggesak, email="leiar@alver.no", role=Role.LEADER, language="en")
    byggesak.leader_id = leader.id
    # A leader who leads nothing yet.
    make_user(frontline, email="other-leader@alver.no", role=Role.LEADER, language="en")
    make_user(email="admin@alver.no", role=Role.ADMIN, language="en")
    with frozen_at(at(12)):
        moved = receive(email(sender="f@example.no", received_at=at(12)))
    cases = {
        "due_today": receive(email(sender="a@example.no", received_at=at(20))),
        "overdue": receive(email(sender="b@example.no", received_at=at(13))),
        # Due Monday 23 November 15:00: broken this week.
        "broken_this_week": receive(email(sender="g@example.no", received_at=at(16))),
        "late_handover": receive(email(sender="c@example.no", received_at=at(24))),
        # An SMS is due the same day: this one was due Tuesday 15:00.
        "fresh_handover": receive(sms(sender="+4791111111", received_at=at(24, 11))),
        "kept": receive(email(sender="e@example.no", received_at=at(26))),
    }
    with frozen_at(at(25)):  # to be accepted by Thursday 26 November 15:00
        handovers.propose(cases["late_handover"], byggesak, kari, "Gjeld byggesak")
        handover = handovers.propose(moved, byggesak, kari, "Gjeld byggesak")
        handovers.accept(handover, leader, tell_citizen=False)
    with frozen_at(at(27, 11)):
        handovers.propose(cases["fresh_handover"], byggesak, kari, "Gjeld byggesak")
    with frozen_at(at(26, 12)):
        reply(cases["kept"], kari, "Svar på e-posten din.")
    db.session.commit()
    return cases


def rows(body: str, header: str) -> list[str]:
    """The row (as text, tags stripped) whose header cell is ``header``."""
    found = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", body, re.S)
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in found
        if re.sub(r"<[^>]+>", "", row).strip().startswith(header)
    ]


@pytest.mark.parametrize("email_address", ["kari@alver.no"])
def test_staff_are_refused_and_the_refusal_is_audited(client, town, email_address):
    log_in(client, email_address)
    assert client.get("/overview").status_code == 403
    db.session.rollback()
    actions = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "access.refused")
    ).all()
    assert [details["target"] for details in actions] == ["page overview"]
    assert "/overview" not in client.get("/").get_data(as_text=True)  # no link in the header


def test_an_administrator_sees_every_department_and_channel(client, town):
    log_in(client, "admin@alver.no")
    body = client.get("/overview").get_data(as_text=True)
    # Due later today, past their promise, broken this week, handed over and waiting for the
    # other department; offered and waiting for this one, of them late, and the oldest
    # waiting (proposed Wednesday 10:00, two days ago). The two handovers from the frontline
    # to byggesak count at both ends.
    assert rows(body, "Innbyggjarservice") == ["Innbyggjarservice 1 3 2 2 0 0 \u2013"]
    assert rows(body, "Byggesak") == ["Byggesak 0 1 0 0 2 1 2 days"]
    assert rows(body, "Total") == ["Total 1 4 2 2 2 1 2 days"]
    assert rows(body, "E-mail") == ["E-mail 1 3 1 1 1 1 2 days"]
    assert rows(body, "SMS") == ["SMS 0 1 1 1 1 0 1 hour"]
    weeks = rows(body, "Week")
    assert len(weeks) == 13
    # This week: three citizens' messages, one answered by its due time.
    assert weeks[-1] == "Week 48 (from Nov 23, 2026), so far 3 1 33%"
    assert weeks[-2] == "Week 47 (from Nov 16, 2026) 2 0 0%"
    assert weeks[0].startswith("Week 36 (from Aug 31, 2026) 0 0 \u2013")
    assert 'href="/overview"' in body  # the header's link


def test_a_leader_sees_only_the_department_they_lead(client, town):
    log_in(client, "leiar@alver.no")
    body = client.get("/overview").get_data(as_text=True)
    # The two cases the frontline offered wait for byggesak; they are still the frontline's.
    assert rows(body, "Byggesak") == ["Byggesak 0 1 0 0 2 1 2 days"]
    assert "Innbyggjarservice" not in body
    assert rows(body, "Total") == []  # one department: its row is the total
    assert rows(body, "E-mail") == ["E-mail 0 1 0 0 1 1 2 days"]
    assert rows(body, "SMS") == ["SMS 0 0 0 0 1 0 1 hour"]
    weeks = rows(body, "Week")
    assert weeks[-3] == "Week 46 (from Nov 9, 2026) 1 0 0%"  # the case it took over
    assert weeks[-1].endswith("0 0 \u2013")
    links = LINK.findall(body)
    assert ("/?department=byggesak&amp;due=overdue", "1") in links
    assert ("/?department=byggesak&amp;channel=email&amp;due=overdue", "1") in links
    assert ("/?offered_to=byggesak", "2") in links
    assert ("/?offered_to=byggesak&amp;handover=overdue", "1") in links
    assert ("/?offered_to=byggesak&amp;channel=sms", "1") in links


def test_a_leader_of_no_department_is_told_so(client, town):
    log_in(client, "other-leader@alver.no")
    body = client.get("/overview").get_data(as_text=True)
    assert "You do not lead any department yet." in body
    assert LINK.findall(body) == []


@pytest.mark.parametrize("who", ["admin@alver.no", "leiar@alver.no"])
def test_each_number_links_to_a_queue_of_that_many_cases(client, town, who):
    log_in(client, who)
    links = LINK.findall(client.get("/overview").get_data(as_text=True))
    assert links
    for href, number in links:
        queue = client.get(html.unescape(href))
        assert queue.status_code == 200, href
        assert queue.get_data(as_text=True).count("data-case-row") == int(number), href


def test_a_leader_of_two_departments_gets_links_to_their_own_departments(client, town):
    leader = db.session.scalar(select(User).where(User.email == "leiar@alver.no"))
    frontline = db.session.scalar(select(Department).where(Department.slug == "innbyggjarservice"))
    frontline.leader_id = leader.id
    leader.departments.append(frontline)
    db.session.commit()
    log_in(client, "leiar@alver.no")
    body = client.get("/overview").get_data(as_text=True)
    assert rows(body, "Total") == ["Total 1 4 2 2 2 1 2 days"]
    links = LINK.findall(body)
    assert ("/?scope=mine&amp;channel=sms&amp;due=overdue", "1") in links
    assert ("/?offered_to=byggesak,innbyggjarservice&amp;channel=sms", "1") in links
    for href, number in links:
        queue = client.get(html.unescape(href))
        assert queue.get_data(as_text=True).count("data-case-row") == int(number), href
