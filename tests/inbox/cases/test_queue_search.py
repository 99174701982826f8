"""Issue 18, item 4: search covers every status, open cases first, a reference exactly, and
Norwegian word forms (PostgreSQL's ``norwegian`` configuration; SQLite's stems as prefixes)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade

from inbox.cases.queue import QueueError, QueueFilter, case_by_reference, queue_page
from inbox.cases.stemming import stem
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import CaseStatus, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    skule = make_department("skule", name="Skule")
    with frozen_at(NOW):
        closed = receive(email(sender="per@example.no", subject="Garasje", text="Ein garasje."))
        waiting = receive(email(sender="ola@example.no", subject="Carport", text="Ny garasje?"))
        open_case = receive(email(sender="kari@example.no", subject="Hage", text="Garasjane!"))
        other = receive(email(sender="liv@example.no", subject="Skulebuss", text="Bussen"))
        hidden = receive(email(sender="eva@example.no", subject="Garasje i skulen", text="Ja"))
    for case in (closed, waiting, open_case, other):
        case.department = byggesak
    hidden.department = skule
    closed.status, closed.due_at = CaseStatus.CLOSED, None
    waiting.status, waiting.due_at = CaseStatus.WAITING, None
    user = make_user(byggesak, email="bygg@alver.no")
    db.session.commit()
    return {
        "closed": closed,
        "waiting": waiting,
        "open": open_case,
        "other": other,
        "hidden": hidden,
        "user": user,
        "calendar": app.extensions["svarfrist"].rules.calendar,
    }


def found(town, **filters) -> list[str]:
    with frozen_at(NOW):
        page = queue_page(town["user"], town["calendar"], QueueFilter(**filters))
    return [case.reference for case in page.rows]


def test_a_search_covers_every_status_open_cases_first(town):
    references = found(town, search="garasje")
    assert references == [town[key].reference for key in ("open", "waiting", "closed")]


def test_the_queue_without_a_search_still_hides_closed_cases(town):
    references = found(town)
    assert town["closed"].reference not in references
    assert town["open"].reference in references and town["waiting"].reference in references


def test_the_status_filter_narrows_a_search_to_closed_cases(town):
    assert found(town, search="garasje", status="closed") == [town["closed"].reference]
    assert found(town, search="garasje", status="active") == [
        town["open"].reference,
        town["waiting"].reference,
    ]


def test_a_closed_cases_reference_finds_that_case_alone(town):
    reference = town["closed"].reference
    assert found(town, search=reference) == [reference]
    assert case_by_reference(town["user"], f"  {reference} ").id == town["closed"].id


def test_a_reference_from_another_department_finds_nothing(town):
    reference = town["hidden"].reference
    assert found(town, search=reference) == []
    assert case_by_reference(town["user"], reference) is None


def test_a_definite_form_finds_the_indefinite_and_the_plural(town):
    """ "garasjen" finds "garasje" (closed, waiting) and "garasjane" (open)."""
    references = found(town, search="garasjen")
    assert references == [town[key].reference for key in ("open", "waiting", "closed")]
    assert town["other"].reference not in references


def test_an_unknown_status_is_a_clear_error(town):
    with pytest.raises(QueueError, match="status must be one of active, all, new"):
        found(town, status="gone")


def test_an_admin_finds_a_closed_case_in_any_department(app, town):
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    db.session.commit()
    with frozen_at(NOW):
        page = queue_page(admin, town["calendar"], QueueFilter(search="garasjen"))
    assert {case.reference for case in page.rows} == {
        town[key].reference for key in ("open", "waiting", "closed", "hidden")
    }


def test_search_vectors_are_rebuilt_with_the_norwegian_configuration(app, town):
    """Down to the migration before (vectors as 'simple' built them) and up again: the
    migration rebuilds the vectors so "garasjen" finds what was stored before it ran."""
    downgrade(revision="5b2e8f0a9c31")
    try:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                stemmed = connection.exec_driver_sql(
                    "SELECT count(*) FROM cases "
                    "WHERE search_vector @@ plainto_tsquery('norwegian', 'garasjen')"
                ).scalar()
            assert stemmed == 0  # 'simple' kept the words as written
    finally:
        upgrade()
    db.session.expire_all()
    assert found(town, search="garasjen") == [
        town[key].reference for key in ("open", "waiting", "closed")
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("garasjen", "garasj"),
        ("garasje", "garasj"),
        ("garasjane", "garasj"),
        ("søknaden", "søknad"),
        ("vegen", "veg"),
        ("brøytt", "brøytt"),
        ("hus", "hus"),
    ],
)
def test_the_stemmer_gives_the_snowball_norwegian_stem(word, expected):
    assert stem(word) == expected
