"""The queue page: search every status, combined filters with counts that agree, sorting, and
saved views that belong to one user."""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import CaseStatus, Handover, HandoverStatus, SavedView
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import TOKEN, log_in

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    """Frontline (Kari) with open cases on two channels, one closed garage case; byggesak
    (Eirik) with a garage case of its own."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    with frozen_at(NOW):
        old = receive(email(received_at=datetime(2026, 11, 16, 10, 0, tzinfo=OSLO)))
        fresh = receive(sms(received_at=datetime(2026, 11, 25, 9, 0, tzinfo=OSLO)))
        overdue_sms = receive(
            sms(sender="+4799999999", received_at=datetime(2026, 11, 18, 9, 0, tzinfo=OSLO))
        )
        closed = receive(email(sender="per@example.no", subject="Garasje", text="Ein garasje"))
        theirs = receive(email(sender="ola@example.no", subject="Garasje", text="Garasje"))
    for case in (old, fresh, overdue_sms):  # as received (intake ran at NOW)
        case.created_at = case.last_message_at
    closed.status, closed.due_at = CaseStatus.CLOSED, None
    theirs.department = byggesak
    db.session.add(
        Handover(
            case=theirs,
            from_department=frontline,
            to_department=byggesak,
            note="Byggesak",
            status=HandoverStatus.ACCEPTED,
            proposed_at=NOW,
            accept_by=NOW,
        )
    )
    kari = make_user(frontline, email="kari@alver.no", name="Kari")
    make_user(byggesak, email="eirik@alver.no", name="Eirik")
    fresh.assignee = kari
    db.session.commit()
    return {
        "old": old,
        "fresh": fresh,
        "overdue_sms": overdue_sms,
        "closed": closed,
        "theirs": theirs,
    }


def get(client, path: str):
    with frozen_at(NOW):
        return client.get(path)


def page(client, path: str) -> str:
    response = get(client, path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def rows(text: str) -> list[str]:
    return re.findall(r'href="/cases/(\d{4}-\d+)"', text)


def test_a_closed_cases_reference_goes_straight_to_the_case(client, town):
    log_in(client, "kari@alver.no")
    reference = town["closed"].reference
    response = get(client, f"/?q={reference}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{reference}"


def test_another_departments_reference_is_no_match(client, town):
    log_in(client, "kari@alver.no")
    reference = town["theirs"].reference
    text = page(client, f"/?q={reference}")
    assert reference not in rows(text)
    assert f"Ingen saker passar med «{reference}»." in text
    assert "Godt jobba" not in text


def test_a_search_finds_closed_cases_after_the_open_ones(client, town):
    log_in(client, "kari@alver.no")
    text = page(client, "/?q=garasjen")
    assert rows(text) == [town["closed"].reference]
    assert '<option value="" selected>Alle statusar, opne først</option>' in text


def test_an_empty_search_says_what_was_searched_and_how_to_widen_it(client, town):
    log_in(client, "kari@alver.no")
    text = page(client, "/?q=takrenne&status=open&channel=sms")
    assert "Ingen saker passar med «takrenne»." in text
    assert "Godt jobba" not in text
    assert 'href="/?q=takrenne">Søk i alle statusar utan dei andre filtera</a>' in text


def test_an_empty_filter_result_is_not_called_well_done(client, town):
    log_in(client, "kari@alver.no")
    text = page(client, "/?status=waiting&assignee=me")
    assert "Ingen saker passar med desse filtera." in text
    assert "Godt jobba" not in text


def test_filters_combine(client, town):
    log_in(client, "kari@alver.no")
    assert rows(page(client, "/?channel=sms")) == [
        town["overdue_sms"].reference,
        town["fresh"].reference,
    ]
    assert rows(page(client, "/?channel=sms&due=overdue")) == [town["overdue_sms"].reference]
    assert rows(page(client, "/?channel=sms&assignee=me")) == [town["fresh"].reference]
    assert rows(page(client, "/?channel=email&due=overdue&status=open")) == []


def test_counts_follow_the_other_active_filters(client, town):
    log_in(client, "kari@alver.no")
    everything = page(client, "/")
    assert 'Over fristen <span class="count">(2)</span>' in everything
    assert 'SMS <span class="count">(2)</span>' in everything
    sms_only = page(client, "/?channel=sms")
    # Each number is what its link shows: overdue SMS, SMS assigned to me, e-mails.
    assert 'Over fristen <span class="count">(1)</span>' in sms_only
    assert 'Tildelt meg <span class="count">(1)</span>' in sms_only
    assert 'e-post <span class="count">(1)</span>' in sms_only
    assert 'Alt eg har tilgang til <span class="count">(3)</span>' in sms_only


def test_the_filter_links_keep_the_other_filters_and_the_sort(client, town):
    log_in(client, "kari@alver.no")
    text = html.unescape(page(client, "/?channel=sms&sort=-received"))
    links = dict(re.findall(r'<a href="(/\?[^"]*)"[^>]*>([^<]+?) <span class="count">', text))
    overdue = next(link for link, label in links.items() if label == "Over fristen")
    assert parse_qs(urlsplit(overdue).query) == {
        "channel": ["sms"],
        "sort": ["-received"],
        "due": ["overdue"],
    }
    # The active channel's link lifts it, keeping the sort.
    lifted = next(link for link, label in links.items() if label == "SMS")
    assert parse_qs(urlsplit(lifted).query) == {"sort": ["-received"]}


def test_the_filter_form_shows_the_choices_in_force(client, town):
    log_in(client, "kari@alver.no")
    text = page(client, "/?channel=sms&due=overdue&sort=-activity&department=innbyggjarservice")
    assert '<option value="sms" selected>SMS (1)</option>' in text
    assert '<option value="overdue" selected>Over fristen (1)</option>' in text
    assert '<option value="-activity" selected>Siste melding, nyaste først</option>' in text
    assert '<option value="innbyggjarservice" selected>Innbyggjarservice (1)</option>' in text
    assert "<summary>Filter og sortering (4 valde)</summary>" in text


def test_sorting_by_received_newest_first(client, town):
    log_in(client, "kari@alver.no")
    text = page(client, "/?sort=-received")
    assert rows(text) == [
        town["fresh"].reference,
        town["overdue_sms"].reference,
        town["old"].reference,
    ]
    assert "3 saker på denne sida, sortert: Motteken, nyaste først" in text


def test_an_unknown_sort_is_a_clear_400(client, town):
    log_in(client, "kari@alver.no")
    response = get(client, "/?sort=subject")
    assert response.status_code == 400
    assert "sort must be one of due, -due" in response.get_data(as_text=True)


def token_on(client, path: str = "/") -> str:
    match = TOKEN.search(page(client, path))
    assert match
    return match[1]


def save(client, name: str, query: str, path: str = "/"):
    data = {"name": name, "query": query, "csrf_token": token_on(client, path)}
    with frozen_at(NOW):
        return client.post("/views", data=data)


def test_a_saved_view_is_listed_for_its_owner_and_opens_its_filters(client, town):
    log_in(client, "kari@alver.no")
    response = save(client, "Mine SMS", "channel=sms&assignee=me&after=xyz&bogus=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?channel=sms&assignee=me"
    text = page(client, "/?channel=sms&assignee=me")
    assert "Visinga «Mine SMS» er lagra." in text
    assert '<a href="/?channel=sms&amp;assignee=me" aria-current="true">Mine SMS</a>' in text
    assert page(client, "/").count("Mine SMS") == 2  # the link and the delete button's name


def test_saving_a_view_under_the_same_name_replaces_it(client, town):
    log_in(client, "kari@alver.no")
    save(client, "Mine", "channel=sms")
    save(client, "Mine", "due=overdue")
    views = db.session.query(SavedView).all()
    assert [(view.name, view.query) for view in views] == [("Mine", "due=overdue")]


def test_a_view_without_a_name_is_not_saved(client, town):
    log_in(client, "kari@alver.no")
    response = save(client, "   ", "channel=sms")
    assert response.status_code == 302
    assert "Gje visinga eit namn på høgst 80 teikn." in page(client, "/?channel=sms")
    assert db.session.query(SavedView).count() == 0


def test_another_user_never_sees_or_deletes_a_view(client, town):
    log_in(client, "kari@alver.no")
    save(client, "Karis overdue", "due=overdue")
    view = db.session.query(SavedView).one()
    client.post("/logout", data={"csrf_token": token_on(client)})
    log_in(client, "eirik@alver.no")
    assert "Karis overdue" not in page(client, "/")
    with frozen_at(NOW):
        response = client.post(f"/views/{view.id}/delete", data={"csrf_token": token_on(client)})
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.get(SavedView, view.id) is not None


def test_the_owner_deletes_a_view(client, town):
    log_in(client, "kari@alver.no")
    save(client, "Brått", "due=today")
    view = db.session.query(SavedView).one()
    with frozen_at(NOW):
        response = client.post(f"/views/{view.id}/delete", data={"csrf_token": token_on(client)})
    assert response.status_code == 302
    assert "Visinga «Brått» er sletta." in page(client, "/")
    db.session.rollback()  # end the test's read snapshot
    assert db.session.query(SavedView).count() == 0


def test_saving_or_deleting_a_view_needs_the_csrf_token(client, town):
    log_in(client, "kari@alver.no")
    assert client.post("/views", data={"name": "X", "query": ""}).status_code == 400
    save(client, "Y", "")
    view = db.session.query(SavedView).one()
    assert client.post(f"/views/{view.id}/delete").status_code == 400
    assert db.session.query(SavedView).count() == 1
