"""The citizen panel on the case page: who, how to reach them, their other cases; edits and
merges through its forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from channels.base import IdentityKind
from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.citizen_addresses import add_address
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.models import AuditEvent, CaseParticipant, CaseStatus, ContactIdentity
from tests.inbox.cases.citizen_helpers import PHONE, TUESDAY, citizen_with_cases
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(TUESDAY):
        yield


@pytest.fixture
def citizen(app):
    return citizen_with_cases()


def panel(client, reference: str) -> str:
    response = client.get(f"/cases/{reference}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return body[body.index('<aside class="citizen"') : body.index("</aside>")]


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def phone_identity() -> ContactIdentity:
    return db.session.scalar(select(ContactIdentity).where(ContactIdentity.value == PHONE))


def refusals(user) -> list[dict]:
    db.session.rollback()
    events = select(AuditEvent).where(
        AuditEvent.action == "access.refused", AuditEvent.user_id == user.id
    )
    return [event.details for event in db.session.scalars(events)]


def test_the_panel_shows_name_addresses_language_and_other_cases(client, citizen):
    log_in(client, "kari@alver.no")
    shown = panel(client, citizen.first.reference)
    assert "Kari Nordmann" in shown
    assert "kari.nordmann@example.no" in shown and PHONE in shown
    assert "norsk nynorsk" in shown  # the language's name in the page's language
    assert f'href="/cases/{citizen.second.reference}"' in shown
    assert "Ny · Innbyggjarservice · frist 24.11.2026, 15:00" in shown  # status, due date
    assert citizen.handed_over.reference not in shown and "Byggeløyve" not in shown
    assert "og 1 sak i andre avdelingar" in shown
    assert citizen.stranger.reference not in shown


def test_the_facts_name_the_language_not_its_code(client, citizen):
    log_in(client, "kari@alver.no")
    body = client.get(f"/cases/{citizen.first.reference}").get_data(as_text=True)
    facts = body[body.index('<dl class="facts">') : body.index("</dl>")]
    # Named in the page's language, as the history and the rest of the page name it.
    assert "<dd>norsk nynorsk<" in facts and "<dd>nn<" not in facts


def test_staff_change_a_number_and_the_history_has_old_and_new(client, citizen):
    log_in(client, "kari@alver.no")
    identity = phone_identity()
    prefix = f"identity-{identity.id}"
    path = f"/cases/{citizen.first.reference}/citizen/addresses/{identity.id}"
    response = post(client, path, **{f"{prefix}-address": "915 55 123"})
    assert response.status_code == 302
    assert "+4791555123" in panel(client, citizen.first.reference)
    db.session.rollback()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "contact.address_changed")
    )
    assert (event.details["old"], event.details["new"]) == (PHONE, "+4791555123")


def test_a_wrong_number_is_refused_and_what_was_typed_stays(client, citizen):
    log_in(client, "kari@alver.no")
    identity = phone_identity()
    prefix = f"identity-{identity.id}"
    path = f"/cases/{citizen.first.reference}/citizen/addresses/{identity.id}"
    response = post(client, path, **{f"{prefix}-address": "915 55"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "915 55 er ikkje eit telefonnummer vi kan sende SMS til." in body
    assert re.search(rf'id="{prefix}-address"[^>]*value="915 55"', body)
    assert f'id="{prefix}-address-error"' in body
    db.session.rollback()
    assert phone_identity() is not None


def test_removing_a_number_with_a_message_waiting_is_refused_with_a_reason(client, citizen):
    reply(citizen.second, citizen.kari, "Vi ser på det.", way=AnswerWay(Route.SMS, PHONE))
    db.session.commit()
    log_in(client, "kari@alver.no")
    identity = phone_identity()
    path = f"/cases/{citizen.first.reference}/citizen/addresses/{identity.id}/remove"
    response = post(client, path)
    assert response.status_code == 302
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Ei melding til {PHONE} ventar framleis på å bli sendt" in body
    db.session.rollback()
    assert phone_identity() is not None


def test_removing_a_number_takes_it_away(client, citizen):
    log_in(client, "kari@alver.no")
    identity = phone_identity()
    response = post(
        client, f"/cases/{citizen.first.reference}/citizen/addresses/{identity.id}/remove"
    )
    assert response.status_code == 302
    db.session.rollback()
    assert phone_identity() is None
    assert PHONE not in panel(client, citizen.first.reference)


def test_another_citizens_address_is_not_reached_through_this_case(client, citizen):
    log_in(client, "kari@alver.no")
    olas = citizen.stranger.contact.identities[0]
    prefix = f"identity-{olas.id}"
    path = f"/cases/{citizen.first.reference}/citizen/addresses/{olas.id}"
    assert post(client, path, **{f"{prefix}-address": "x@example.no"}).status_code == 404
    assert post(client, f"{path}/remove").status_code == 404
    db.session.rollback()
    assert olas.value == "ola@example.no"


def test_staff_rename_the_citizen(client, citizen):
    log_in(client, "kari@alver.no")
    path = f"/cases/{citizen.first.reference}/citizen/name"
    assert post(client, path, citizen_name="Kari Nordmann Lie").status_code == 302
    assert "Kari Nordmann Lie" in panel(client, citizen.first.reference)


def test_who_may_only_see_the_case_gets_no_forms_and_is_refused(client, citizen):
    """Byggesak sees the case offered to it, but may not change it before accepting."""
    propose(citizen.second, citizen.byggesak, citizen.kari, "Gjeld byggesak")
    db.session.commit()
    log_in(client, "eirik@alver.no")
    shown = panel(client, citizen.second.reference)
    assert "<form" not in shown and "/merge" not in shown
    assert citizen.handed_over.reference in shown  # Byggesak's own
    assert "og 1 sak i andre avdelingar" in shown  # Innbyggjarservice's
    path = f"/cases/{citizen.second.reference}/citizen/name"
    assert post(client, path, citizen_name="X").status_code == 403
    path = f"/cases/{citizen.first.reference}/citizen/name"
    assert post(client, path, citizen_name="X").status_code == 404
    db.session.rollback()
    assert citizen.first.contact.name == "Kari Nordmann"


def test_merging_asks_first_then_moves_the_case_here(client, citizen):
    first, second = citizen.first, citizen.second
    log_in(client, "kari@alver.no")
    link = f"/cases/{first.reference}/merge?case={second.reference}"
    assert f'href="{link}"' in panel(client, first.reference)
    asked = client.get(link)
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Dei 2 meldingane i sak" in text and "Det kan ikkje gjerast om." in text
    assert "Begge sakene ventar på svar: den tidlegaste svarfristen står" in text
    db.session.rollback()
    assert second.status != CaseStatus.CLOSED  # asking changed nothing
    response = post(client, f"/cases/{first.reference}/merge", other=second.reference)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{first.reference}")
    body = client.get(f"/cases/{first.reference}").get_data(as_text=True)
    assert "Eg sende e-post i går" in body
    db.session.rollback()
    db.session.expire_all()
    assert second.status == CaseStatus.CLOSED and second.joined_into_id == first.id


def test_merging_another_citizens_case_is_refused_and_audited(client, citizen):
    log_in(client, "kari@alver.no")
    stranger = citizen.stranger.reference
    assert client.get(f"/cases/{citizen.first.reference}/merge?case={stranger}").status_code == 404
    response = post(client, f"/cases/{citizen.first.reference}/merge", other=stranger)
    assert response.status_code == 404
    assert {"target": f"case {stranger}", "refusal": "not_visible"} in refusals(citizen.kari)
    db.session.expire_all()
    assert citizen.stranger.status != CaseStatus.CLOSED


def test_merging_a_case_of_another_department_is_refused_and_audited(app, client, citizen):
    log_in(client, "kari@alver.no")
    other = citizen.handed_over.reference
    response = post(client, f"/cases/{citizen.first.reference}/merge", other=other)
    assert response.status_code == 404
    assert any(r["target"] == f"case {other}" for r in refusals(citizen.kari))
    # Byggesak may not merge Innbyggjarservice's case into its own either.
    byggesak = app.test_client()
    log_in(byggesak, "eirik@alver.no")
    response = post(
        byggesak, f"/cases/{citizen.handed_over.reference}/merge", other=citizen.first.reference
    )
    assert response.status_code == 404


def test_a_closed_case_is_not_merged_and_the_page_says_why(client, citizen):
    citizen.second.status = CaseStatus.CLOSED
    db.session.commit()
    log_in(client, "kari@alver.no")
    response = post(
        client, f"/cases/{citizen.first.reference}/merge", other=citizen.second.reference
    )
    assert response.status_code == 302
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Sak {citizen.second.reference} er lukka" in body


def test_the_facts_list_a_participants_addresses_as_the_language_does(client, citizen):
    stranger = citizen.stranger.contact
    add_address(citizen.stranger, IdentityKind.PHONE, "915 55 124", citizen.kari)
    db.session.add(
        CaseParticipant(
            case_id=citizen.first.id, contact_id=stranger.id, added_by_id=None, added_at=TUESDAY
        )
    )
    db.session.commit()
    log_in(client, "kari@alver.no")
    body = client.get(f"/cases/{citizen.first.reference}").get_data(as_text=True)
    assert "Ola (ola@example.no og +4791555124)" in body


def test_a_name_too_long_is_refused_in_the_users_language_and_kept(client, citizen):
    log_in(client, "kari@alver.no")
    long_name = "Kari " + "N" * 200
    response = post(
        client, f"/cases/{citizen.first.reference}/citizen/name", citizen_name=long_name
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Namnet er lengre enn 200 teikn." in body
    assert f'value="{long_name}"' in body
    db.session.rollback()
    assert citizen.first.contact.name == "Kari Nordmann"
