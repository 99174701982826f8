"""The citizen panel's data, and staff changing the citizen's name and addresses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.citizen_addresses import (
    AddressError,
    change_address,
    remove_address,
    rename_citizen,
)
from inbox.cases.citizens import citizen_panel
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import AuditEvent, ContactIdentity, Role
from tests.factories import make_user
from tests.inbox.cases.citizen_helpers import PHONE, TUESDAY, citizen_with_cases


@pytest.fixture
def citizen(app):
    with frozen_at(TUESDAY):
        yield citizen_with_cases()


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_panel_lists_the_citizens_visible_cases_and_counts_the_hidden(citizen):
    panel = citizen_panel(citizen.first, citizen.kari, TUESDAY)
    assert [other.case for other in panel.other_cases] == [citizen.second]
    assert panel.hidden_cases == 1  # the case Byggesak accepted is counted, never listed
    assert [a.identity.value for a in panel.addresses] == ["kari.nordmann@example.no", PHONE]
    assert panel.contact.name == "Kari Nordmann"


def test_an_admin_sees_all_the_citizens_cases_and_none_hidden(citizen):
    admin = make_user(role=Role.ADMIN)
    panel = citizen_panel(citizen.first, admin, TUESDAY)
    listed = {other.case.reference for other in panel.other_cases}
    assert listed == {citizen.second.reference, citizen.handed_over.reference}
    assert panel.hidden_cases == 0
    assert citizen.stranger.reference not in listed


def test_only_open_cases_the_viewer_may_change_are_offered_for_merging(citizen):
    panel = citizen_panel(citizen.first, citizen.kari, TUESDAY)
    assert [other.is_mergeable for other in panel.other_cases] == [True]
    admin = make_user(role=Role.ADMIN)
    offered = {
        o.case.reference: o.is_mergeable
        for o in citizen_panel(citizen.first, admin, TUESDAY).other_cases
    }
    assert offered == {citizen.second.reference: True, citizen.handed_over.reference: True}
    # Byggesak sees its own case, but may not change Innbyggjarservice's.
    panel = citizen_panel(citizen.handed_over, citizen.eirik, TUESDAY)
    assert panel.other_cases == [] and panel.hidden_cases == 2


def test_changing_a_number_is_normalised_and_audited_with_old_and_new(citizen):
    identity = db.session.scalar(select(ContactIdentity).where(ContactIdentity.value == PHONE))
    change_address(citizen.first, identity, "915 55 123", citizen.kari)
    assert identity.value == "+4791555123"
    (event,) = audited("contact.address_changed")
    assert event.details["old"] == PHONE and event.details["new"] == "+4791555123"
    assert event.user_id == citizen.kari.id and event.case_id == citizen.first.id


@pytest.mark.parametrize(
    ("value", "code"),
    [("12", "invalid_phone"), ("915 55 12", "invalid_phone")],
)
def test_a_number_that_is_no_number_is_refused(citizen, value, code):
    identity = db.session.scalar(select(ContactIdentity).where(ContactIdentity.value == PHONE))
    with pytest.raises(AddressError) as refused:
        change_address(citizen.first, identity, value, citizen.kari)
    assert refused.value.code == code
    assert identity.value == PHONE


def test_an_email_address_is_validated_and_another_citizens_is_refused(citizen):
    identity = db.session.scalar(
        select(ContactIdentity).where(ContactIdentity.value == "kari.nordmann@example.no")
    )
    with pytest.raises(AddressError) as refused:
        change_address(citizen.first, identity, "ikkje ei adresse", citizen.kari)
    assert refused.value.code == "invalid_email"
    with pytest.raises(AddressError) as refused:
        change_address(citizen.first, identity, "OLA@example.no", citizen.kari)
    assert refused.value.code == "belongs_to_another"


def test_removing_an_address_with_a_message_waiting_to_it_is_refused(citizen):
    reply(citizen.second, citizen.kari, "Vi ser på det.", way=AnswerWay(Route.SMS, PHONE))
    identity = db.session.scalar(select(ContactIdentity).where(ContactIdentity.value == PHONE))
    with pytest.raises(AddressError) as refused:
        remove_address(citizen.first, identity, citizen.kari)
    assert refused.value.code == "message_pending"
    with pytest.raises(AddressError):
        change_address(citizen.first, identity, "915 55 123", citizen.kari)
    assert citizen_panel(citizen.first, citizen.kari, TUESDAY).addresses[1].has_pending


def test_removing_an_address_is_audited_with_the_old_value(citizen):
    email_identity = citizen.first.contact.identities[0]
    remove_address(citizen.first, email_identity, citizen.kari)
    db.session.commit()
    values = [i.value for i in db.session.scalars(select(ContactIdentity))]
    assert "kari.nordmann@example.no" not in values
    (event,) = audited("contact.address_removed")
    assert event.details["old"] == "kari.nordmann@example.no" and event.details["new"] is None


def test_renaming_the_citizen_is_audited_and_empty_means_not_known(citizen):
    assert rename_citizen(citizen.first, "  Kari   Nordmann Lie ", citizen.kari)
    assert citizen.first.contact.name == "Kari Nordmann Lie"
    assert not rename_citizen(citizen.first, "Kari Nordmann Lie", citizen.kari)
    assert rename_citizen(citizen.first, "", citizen.kari)
    assert citizen.first.contact.name is None
    events = audited("contact.renamed")
    assert [(e.details["old"], e.details["new"]) for e in events] == [
        ("Kari Nordmann", "Kari Nordmann Lie"),
        ("Kari Nordmann Lie", None),
    ]
