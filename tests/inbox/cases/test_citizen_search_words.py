"""Issue 18, item 4 upkeep: search follows the citizen's name and addresses when staff change
them (PostgreSQL's search vector is rebuilt; SQLite matches them as they are)."""

from __future__ import annotations

import pytest
from flask import current_app

from channels.base import IdentityKind
from inbox.cases.citizen_addresses import (
    add_address,
    change_address,
    remove_address,
    rename_citizen,
)
from inbox.cases.queue import QueueFilter, queue_page
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import ContactIdentity
from tests.inbox.cases.citizen_helpers import TUESDAY, citizen_with_cases


@pytest.fixture
def citizen(app):
    with frozen_at(TUESDAY):
        yield citizen_with_cases()


def found(citizen, words: str) -> set[str]:
    calendar = current_app.extensions["svarfrist"].rules.calendar
    with frozen_at(TUESDAY):
        page = queue_page(citizen.kari, calendar, QueueFilter(search=words))
    return {case.reference for case in page.rows}


def hers(citizen) -> set[str]:
    return {citizen.first.reference, citizen.second.reference}


def email_of(citizen) -> ContactIdentity:
    return next(
        identity
        for identity in citizen.first.contact.identities
        if identity.kind == IdentityKind.EMAIL
    )


def test_a_renamed_citizen_is_found_by_the_new_name_and_not_the_old(citizen):
    assert found(citizen, "Kari Nordmann") == hers(citizen)
    rename_citizen(citizen.first, "Kari Vetlesen", citizen.kari)
    db.session.commit()
    assert found(citizen, "Vetlesen") == hers(citizen)
    # The whole old name: "nordmann" alone is still in her e-mail address, rightly found.
    assert found(citizen, "Kari Nordmann") == set()


def test_a_changed_address_is_found_and_the_old_one_is_not(citizen):
    # Before: at least the case that came from that address (on PostgreSQL intake indexed only
    # the address each message came from; afterwards every case has all her addresses).
    assert citizen.first.reference in found(citizen, "kari.nordmann@example.no")
    change_address(citizen.first, email_of(citizen), "kari.v@heime.no", citizen.kari)
    db.session.commit()
    assert found(citizen, "kari.v@heime.no") == hers(citizen)
    assert found(citizen, "kari.nordmann@example.no") == set()


def test_an_added_address_is_found_and_a_removed_one_is_not(citizen):
    add_address(citizen.first, IdentityKind.EMAIL, "kari@jobb.no", citizen.kari)
    db.session.commit()
    assert found(citizen, "kari@jobb.no") == hers(citizen)
    remove_address(citizen.first, email_of(citizen), citizen.kari)
    db.session.commit()
    assert found(citizen, "kari.nordmann@example.no") == set()
    assert found(citizen, "kari@jobb.no") == hers(citizen)
