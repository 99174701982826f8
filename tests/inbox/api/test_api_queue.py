"""The API's queue extended like the page's: a search covers every status (open first), a
reference exactly, Norwegian word forms, ``status=active|all``, and ``sort`` with its cursor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_spec_validator import validate as validate_spec

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import CaseStatus
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.api.test_api import NOW, call
from tests.inbox.intake_helpers import email


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def spec(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    return document


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    kari = make_user(frontline, email="kari@alver.no")
    cases = [
        receive(
            email(
                received_at=NOW - timedelta(days=5 - n),
                sender=f"p{n}@example.com",
                text="Om garasjen" if n % 2 else "Om vegen",
            )
        )
        for n in range(5)
    ]
    for number, case in enumerate(cases):
        case.created_at = NOW - timedelta(days=5 - number)
    cases[1].status, cases[1].due_at = CaseStatus.CLOSED, None
    token = create_api_token(kari)
    db.session.commit()
    return {"cases": cases, "token": token}


def references(client, spec, town, query: str) -> list[str]:
    response = call(client, spec, "GET", f"/cases?{query}", town["token"])
    assert response.status_code == 200, response.get_json()
    return [item["reference"] for item in response.get_json()["items"]]


def test_a_search_covers_closed_cases_after_open_ones(client, spec, town):
    cases = town["cases"]
    assert references(client, spec, town, "q=garasje") == [cases[3].reference, cases[1].reference]
    assert references(client, spec, town, "q=garasje&status=active") == [cases[3].reference]
    assert references(client, spec, town, f"q={cases[1].reference}") == [cases[1].reference]


def test_the_queue_without_a_search_keeps_closed_cases_out(client, spec, town):
    assert town["cases"][1].reference not in references(client, spec, town, "")
    assert town["cases"][1].reference in references(client, spec, town, "status=all")


def test_sort_received_newest_first_pages_with_its_cursor(client, spec, town):
    token = town["token"]
    first = call(client, spec, "GET", "/cases?sort=-received&limit=2", token).get_json()
    after = f"/cases?sort=-received&limit=2&after={first['next']}"
    second = call(client, spec, "GET", after, token).get_json()
    got = [item["reference"] for item in first["items"] + second["items"]]
    assert got == [town["cases"][n].reference for n in (4, 3, 2, 0)]


def test_a_bad_sort_or_a_cursor_of_another_sort_is_a_problem(client, spec, town):
    token = town["token"]
    bad = call(client, spec, "GET", "/cases?sort=subject", token)
    assert bad.status_code == 400 and "sort must be one of" in bad.get_json()["detail"]
    first = call(client, spec, "GET", "/cases?limit=1", token).get_json()
    mixed = call(client, spec, "GET", f"/cases?sort=activity&after={first['next']}", token)
    assert mixed.status_code == 400 and "not a cursor" in mixed.get_json()["detail"]


def test_the_openapi_document_names_the_new_parameters(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/cases"]["get"]["parameters"]}
    assert parameters["sort"]["schema"]["enum"][:2] == ["due", "-due"]
    assert "all" in parameters["status"]["schema"]["enum"]


def test_offered_to_lists_the_cases_waiting_for_that_department(client, spec, town, app):
    from inbox.handovers import workflow as handovers
    from inbox.models import User

    byggesak = make_department("byggesak")
    kari = db.session.scalar(db.select(User).where(User.email == "kari@alver.no"))
    handovers.propose(town["cases"][2], byggesak, kari, "Gjeld byggesak")
    db.session.commit()
    offered = references(client, spec, town, "offered_to=byggesak")
    assert offered == [town["cases"][2].reference]
    assert references(client, spec, town, "offered_to=byggesak,skule") == offered
    assert references(client, spec, town, "offered_to=skule") == []
