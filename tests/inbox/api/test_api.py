"""The REST API, with every response checked against /api/v1/openapi.json."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, CaseStatus, OutboxMessage, Role
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


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
    byggesak = make_department("byggesak")
    kari = make_user(frontline, email="kari@alver.no")
    eirik = make_user(byggesak, email="eirik@alver.no")
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    cases = [
        receive(email(received_at=NOW - timedelta(days=8 - n), sender=f"p{n}@example.com"))
        for n in range(5)
    ]
    cases.append(receive(sms(received_at=NOW - timedelta(hours=1))))
    tokens = {user.email: create_api_token(user) for user in (kari, eirik, admin)}
    db.session.commit()
    return {"cases": cases, "tokens": tokens, "kari": kari, "eirik": eirik}


def call(client, spec, method: str, path: str, token: str | None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
    conforms(spec, method, path, response)
    return response


def _template(spec, path: str) -> str:
    for candidate in spec["paths"]:
        parts, wanted = candidate.split("/"), path.split("?")[0].split("/")
        if len(parts) == len(wanted) and all(
            p == w or p.startswith("{") for p, w in zip(parts, wanted, strict=True)
        ):
            return candidate
    raise AssertionError(f"{path} is not in the OpenAPI document")


def conforms(spec, method: str, path: str, response) -> None:
    """The status is documented for the operation and the body matches its schema."""
    operation = spec["paths"][_template(spec, path)][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path}: status {response.status_code} is not documented"
    content_type = response.headers["Content-Type"].split(";")[0]
    schema = documented["content"][content_type]["schema"]
    jsonschema.validate(response.get_json(), {**spec, **schema})


def test_the_openapi_document_is_valid_and_public(client, spec):
    assert spec["openapi"] == "3.1.0"
    assert "/cases/{reference}/reply" in spec["paths"]


def test_a_request_without_a_valid_token_is_refused(client, spec, town):
    missing = call(client, spec, "GET", "/cases", None)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert call(client, spec, "GET", "/cases", "svf_wrong").status_code == 401


def test_the_list_pages_with_a_cursor_in_due_order(client, spec, town):
    token = town["tokens"]["kari@alver.no"]
    first = call(client, spec, "GET", "/cases?limit=4", token).get_json()
    second = call(client, spec, "GET", f"/cases?limit=4&after={first['next']}", token).get_json()
    references = [item["reference"] for item in first["items"] + second["items"]]
    assert sorted(references) == sorted(case.reference for case in town["cases"])
    assert len(set(references)) == 6 and second["next"] is None
    dues = [item["due_at"] for item in first["items"] + second["items"]]
    assert dues == sorted(dues)


def test_the_list_filters(client, spec, town):
    token = town["tokens"]["kari@alver.no"]
    overdue = call(client, spec, "GET", "/cases?due=overdue", token).get_json()["items"]
    assert len(overdue) == 1  # received 8 days ago: due yesterday
    today = call(client, spec, "GET", "/cases?due=today", token).get_json()["items"]
    assert sorted(item["channel"] for item in today) == ["email", "sms"]
    sms_only = call(client, spec, "GET", "/cases?channel=sms", token).get_json()["items"]
    assert [item["channel"] for item in sms_only] == ["sms"]
    bad = call(client, spec, "GET", "/cases?due=tomorrow", token)
    assert (
        bad.status_code == 400 and "due must be one of today, overdue" in bad.get_json()["detail"]
    )


def test_other_departments_cases_are_not_found(client, spec, town):
    token = town["tokens"]["eirik@alver.no"]
    reference = town["cases"][0].reference
    assert call(client, spec, "GET", "/cases", token).get_json()["items"] == []
    response = call(client, spec, "GET", f"/cases/{reference}", token)
    assert response.status_code == 404
    answer = call(client, spec, "POST", f"/cases/{reference}/reply", token, json={"text": "x"})
    assert answer.status_code == 404


def test_case_detail_has_messages_and_turns_and_is_audited(client, spec, town):
    case = town["cases"][0]
    token = town["tokens"]["kari@alver.no"]
    detail = call(client, spec, "GET", f"/cases/{case.reference}", token).get_json()
    assert detail["messages"][0]["direction"] == "in"
    assert detail["due_at"] == detail["turns"][0]["due_at"]
    db.session.rollback()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.view"))
    assert event.details == {"via": "api"} and event.user_id == town["kari"].id


def test_reply_and_preliminary_answer(client, spec, town):
    case = town["cases"][1]
    token = town["tokens"]["kari@alver.no"]
    path = f"/cases/{case.reference}/reply"
    response = call(client, spec, "POST", path, token, json={"text": "Svar.", "preliminary": False})
    assert response.status_code == 201
    assert response.get_json()["case"]["turns"][0]["answer_kind"] == "reply"
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "reply"))
    other = town["cases"][2].reference
    body = {"text": "Vi treng tid.", "preliminary": True, "new_due": "2026-12-04"}
    answer = call(client, spec, "POST", f"/cases/{other}/reply", token, json=body)
    assert answer.get_json()["case"]["due_at"] == "2026-12-04T14:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "text: required"),
        ({"text": "  "}, "text: expected a non-empty string"),
        ({"text": "x", "preliminary": True}, "new_due: required"),
        ({"text": "x", "preliminary": True, "new_due": "4.12.2026"}, "new_due: expected a date"),
        ({"text": "x", "preliminary": True, "new_due": "2026-12-26"}, "new_due: the new date"),
        ({"text": "x", "preliminary": "yes"}, "preliminary: expected true or false"),
    ],
)
def test_bad_reply_bodies_get_a_problem_naming_the_field(client, spec, town, body, detail):
    path = f"/cases/{town['cases'][0].reference}/reply"
    response = call(client, spec, "POST", path, town["tokens"]["kari@alver.no"], json=body)
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith(detail)


def post_note_body(client, spec, town, data: str, content_type: str):
    """A note posted with a body as given, not as JSON the client built."""
    path = f"/cases/{town['cases'][0].reference}/notes"
    token = town["tokens"]["kari@alver.no"]
    return call(client, spec, "POST", path, token, data=data, content_type=content_type)


def test_a_body_that_is_not_json_is_refused(client, spec, town):
    response = post_note_body(client, spec, town, "text=hei", "application/x-www-form-urlencoded")
    assert response.status_code == 400


DEEPLY_NESTED = "[" * 50_000 + "]" * 50_000


def test_a_body_nested_too_deeply_is_a_problem_not_a_500(client, spec, town):
    response = post_note_body(client, spec, town, DEEPLY_NESTED, "application/json")
    assert response.status_code == 400
    assert "nested" in response.get_json()["detail"]


def test_a_cursor_nested_too_deeply_is_a_problem_not_a_500(client, spec, town):
    cursor = base64.urlsafe_b64encode(DEEPLY_NESTED.encode()).decode()
    token = town["tokens"]["kari@alver.no"]
    response = call(client, spec, "GET", "/cases", token, query_string={"after": cursor})
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("after: not a cursor")


@pytest.mark.parametrize(
    ("path", "schema"), [("/notes", "NoteRequest"), ("/reply", "ReplyRequest")]
)
def test_a_text_over_the_limit_is_a_problem_naming_the_field_and_the_limit(
    client, spec, town, path, schema
):
    assert spec["components"]["schemas"][schema]["properties"]["text"]["maxLength"] == 20_000
    reference = town["cases"][0].reference
    token = town["tokens"]["kari@alver.no"]
    response = call(
        client, spec, "POST", f"/cases/{reference}{path}", token, json={"text": "x" * 20_001}
    )
    assert response.status_code == 422
    assert response.get_json()["detail"] == "text: at most 20000 characters, got 20001"


def test_note_assign_and_close(client, spec, town):
    case = town["cases"][0]
    token = town["tokens"]["kari@alver.no"]
    base = f"/cases/{case.reference}"
    note = call(client, spec, "POST", f"{base}/notes", token, json={"text": "Internt."})
    assert note.status_code == 201 and note.get_json()["message"]["direction"] == "note"
    assigned = call(
        client, spec, "POST", f"{base}/assign", token, json={"assignee": "kari@alver.no"}
    )
    assert assigned.get_json()["assignee"] == "kari@alver.no"
    foreign = call(
        client, spec, "POST", f"{base}/assign", token, json={"assignee": "eirik@alver.no"}
    )
    assert foreign.status_code == 422
    closed = call(client, spec, "POST", f"{base}/close", token)
    assert closed.get_json()["status"] == "closed"
    assert call(client, spec, "POST", f"{base}/close", token).status_code == 409
    db.session.rollback()
    assert db.session.get(type(case), case.id).status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("byggesøknaden", 5),  # a word in the message text
        ("BYGGESØKNADEN min", 5),
        ("brøytt", 1),  # the SMS
        ("p3@example.com", 1),  # the citizen's address
        ("Kari", 5),  # the citizen's name
        ("2026-000002", 1),  # a reference
        ("ingenting slikt", 0),
        ('"; DROP TABLE cases; --', 0),
        ("100%_", 0),
    ],
)
def test_search_finds_words_names_addresses_and_references(client, spec, town, words, expected):
    token = town["tokens"]["kari@alver.no"]
    response = call(client, spec, "GET", "/cases", token, query_string={"q": words})
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == expected


@pytest.mark.parametrize("scope", ["everything", "MINE", ""])
def test_a_scope_other_than_all_or_mine_is_a_problem_naming_it(client, spec, town, scope):
    token = town["tokens"]["kari@alver.no"]
    response = call(client, spec, "GET", "/cases", token, query_string={"scope": scope})
    assert response.status_code == 422
    assert response.get_json()["detail"] == f"scope: one of all, mine, got {scope!r}"


def test_an_id_larger_than_any_row_is_404_not_a_database_error(client, spec, town):
    token = town["tokens"]["kari@alver.no"]
    for too_large in (2**31, 10**20):
        response = call(client, spec, "POST", f"/handovers/{too_large}/withdraw", token)
        assert response.status_code == 404


CALLBACK = {"name": "Ola Nordmann", "phone": "+47 412 34 567", "about": "Om byggesaka."}


def test_a_request_id_is_each_api_users_own(client, spec, town):
    body = {**CALLBACK, "request_id": "queue-1"}
    kari = call(client, spec, "POST", "/callbacks", town["tokens"]["kari@alver.no"], json=body)
    other = {**body, "phone": "+47 412 34 568", "about": "Om eit anna system."}
    eirik = call(client, spec, "POST", "/callbacks", town["tokens"]["eirik@alver.no"], json=other)

    assert kari.status_code == eirik.status_code == 201
    assert kari.get_json()["reference"] != eirik.get_json()["reference"]


def test_a_request_id_sent_again_with_other_content_is_a_conflict(client, spec, town):
    token = town["tokens"]["kari@alver.no"]
    body = {**CALLBACK, "request_id": "queue-2"}
    first = call(client, spec, "POST", "/callbacks", token, json=body)
    again = call(client, spec, "POST", "/callbacks", token, json=body)
    changed = call(client, spec, "POST", "/callbacks", token, json={**body, "about": "Anna."})

    assert first.status_code == again.status_code == 201
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert changed.status_code == 409
    assert changed.get_json()["detail"] == (
        f"request_id: 'queue-2' was used for another request (case {first.get_json()['reference']})"
    )
