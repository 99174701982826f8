"""Bulk actions from the queue: each selected case is checked and changed on its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from inbox.cases.bulk import BulkError
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Direction,
    Handover,
    HandoverStatus,
    Message,
    Role,
)
from inbox.web.error_texts import ERROR_TEXTS, error_text
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Nordmann")
    per = make_user(frontline, email="per@alver.no", name="Per Hansen")
    eirik = make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    ours = [
        receive(email(sender=f"innbyggjar{n}@example.no", subject=f"Spørsmål {n}"))
        for n in range(2)
    ]
    theirs = receive(email(sender="ola@example.no", subject="Garasje utan løyve"))
    theirs.department = byggesak
    # Accepted by byggesak: the front line may no longer see or change it.
    db.session.add(
        Handover(
            case=theirs,
            from_department=frontline,
            to_department=byggesak,
            note="Byggesak",
            status=HandoverStatus.ACCEPTED,
            proposed_at=theirs.created_at,
            accept_by=theirs.created_at,
        )
    )
    db.session.commit()
    return {
        "kari": kari,
        "per": per,
        "eirik": eirik,
        "ours": ours,
        "theirs": theirs,
        "byggesak": byggesak,
    }


def _post(client, data: dict):
    token = csrf_token(client, "/")
    return client.post("/queue/bulk", data={"csrf_token": token, **data})


def _fresh(case: Case) -> Case:
    db.session.rollback()  # a new transaction sees what the request committed
    return db.session.get(Case, case.id)


def test_the_queue_offers_a_labelled_checkbox_per_row_inside_one_form(client, town):
    log_in(client, "kari@alver.no")
    page = client.get("/").get_data(as_text=True)
    for case in town["ours"]:
        assert (
            f'name="case" value="{case.reference}" id="tick-{case.reference}" '
            f'aria-label="Vel sak {case.reference}: {case.subject}"'
        ) in page
    assert 'action="/queue/bulk"' in page
    assert 'id="select-all"' in page


def test_take_with_one_case_of_another_department_takes_the_rest_and_refuses_that_one(client, town):
    first, second = town["ours"]
    theirs = town["theirs"]
    log_in(client, "kari@alver.no")

    response = _post(
        client,
        {"action": "claim", "case": [first.reference, theirs.reference, second.reference]},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 av 3 saker er endra" in page
    rows = re.findall(r"<tr class=\"(done|not-done)\">(.*?)</tr>", page, re.S)
    assert [state for state, _row in rows] == ["done", "not-done", "done"]
    assert theirs.reference in rows[1][1]
    assert "du har ikkje løyve til å endre denne saka" in rows[1][1]
    assert "Garasje" not in page  # what the hidden case is about is not shown
    assert _fresh(first).assignee_id == town["kari"].id
    assert _fresh(second).assignee_id == town["kari"].id
    assert _fresh(theirs).assignee_id is None
    refusals = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "access.refused")
    ).all()
    assert refusals == [{"target": f"case {theirs.reference}", "refusal": "not_visible"}]


def test_close_first_asks_for_a_reason_and_keeps_the_selection(client, town):
    first, second = town["ours"]
    log_in(client, "kari@alver.no")

    asked = _post(client, {"action": "close", "case": [first.reference, second.reference]})

    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Avslutt 2 saker" in page
    for case in (first, second):
        assert f'value="{case.reference}"' in page and case.subject in page
    assert _fresh(first).status != CaseStatus.CLOSED

    refused = _post(
        client,
        {"action": "close", "confirm": "1", "reason": "  ", "case": [first.reference]},
    )
    assert refused.status_code == 400
    assert "Skriv kvifor sakene vert avslutta" in refused.get_data(as_text=True)
    assert _fresh(first).status != CaseStatus.CLOSED


def test_close_with_a_reason_closes_each_case_and_keeps_the_reason_as_a_note(client, town):
    first, second = town["ours"]
    closed_already = receive(email(sender="lukka@example.no", subject="Lukka"))
    closed_already.status = CaseStatus.CLOSED
    db.session.commit()
    log_in(client, "kari@alver.no")

    response = _post(
        client,
        {
            "action": "close",
            "confirm": "1",
            "reason": "Svart på telefon",
            "case": [first.reference, closed_already.reference, second.reference],
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 av 3 saker er endra" in page
    # The service's refusal in the user's language, never its English.
    assert f"Ikkje endra: Sak {closed_already.reference} er alt lukka." in page
    assert "is already closed" not in page
    for case in (first, second):
        assert _fresh(case).status == CaseStatus.CLOSED
        notes = db.session.scalars(
            select(Message.text).where(
                Message.case_id == case.id, Message.direction == Direction.NOTE
            )
        ).all()
        assert notes == ["Svart på telefon"]
    notes_on_closed = db.session.scalars(
        select(Message).where(
            Message.case_id == closed_already.id, Message.direction == Direction.NOTE
        )
    ).all()
    assert notes_on_closed == []  # the refused case's half-done change was rolled back


def test_assign_to_a_person_says_who_and_refuses_a_case_outside_their_department(client, town):
    first, second = town["ours"]
    eirik_case = receive(email(sender="eirik.sak@example.no", subject="Til byggesak"))
    eirik_case.department = town["byggesak"]
    admin = make_user(email="admin@alver.no", role=Role.ADMIN)
    db.session.commit()
    log_in(client, admin.email)

    form = _post(client, {"action": "assign", "case": [first.reference, eirik_case.reference]})
    assert "Per Hansen" in form.get_data(as_text=True)  # the departments' members are offered
    assert "Eirik Seim" in form.get_data(as_text=True)

    response = _post(
        client,
        {
            "action": "assign",
            "confirm": "1",
            "assignee": str(town["per"].id),
            "case": [first.reference, eirik_case.reference],
        },
    )

    page = response.get_data(as_text=True)
    assert "Tildelt Per Hansen." in page
    assert "Ikkje endra: Per Hansen er ikkje medlem av Byggesak." in page
    assert "is not a member" not in page
    assert _fresh(first).assignee_id == town["per"].id
    assert _fresh(eirik_case).assignee_id is None
    assert second.assignee_id is None


def test_offer_to_a_department_proposes_a_pending_handover_for_each_case(client, town):
    first, second = town["ours"]
    log_in(client, "kari@alver.no")

    response = _post(
        client,
        {
            "action": "offer",
            "confirm": "1",
            "department": str(town["byggesak"].id),
            "note": "Gjeld byggesak",
            "case": [first.reference, second.reference],
        },
    )

    assert response.status_code == 200
    assert "Tilboden til Byggesak" in response.get_data(as_text=True)
    db.session.rollback()
    pending = db.session.scalars(
        select(Handover).where(Handover.status == HandoverStatus.PENDING)
    ).all()
    assert sorted(h.case_id for h in pending) == sorted([first.id, second.id])
    assert all(h.note == "Gjeld byggesak" for h in pending)
    # Until byggesak accepts, the cases stay with the front line.
    assert _fresh(first).department.slug == "innbyggjarservice"


def test_nothing_selected_goes_back_to_the_queue_with_a_message(client, town):
    log_in(client, "kari@alver.no")

    response = _post(client, {"action": "claim", "next": "/?due=today"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/?due=today"
    assert "Vel minst éi sak først" in client.get("/").get_data(as_text=True)


def test_the_way_back_leads_only_to_our_own_pages(client, town):
    log_in(client, "kari@alver.no")

    response = _post(client, {"action": "claim", "next": "//evil.example/"})

    assert response.headers["Location"] == "/"


def test_a_bulk_post_without_a_csrf_token_changes_nothing(client, town):
    first = town["ours"][0]
    log_in(client, "kari@alver.no")

    response = client.post("/queue/bulk", data={"action": "claim", "case": [first.reference]})

    assert response.status_code == 400
    assert _fresh(first).assignee_id is None


def test_a_too_long_reason_comes_back_to_be_shortened_not_lost(client, town):
    first = town["ours"][0]
    log_in(client, "kari@alver.no")
    reason = "Lang grunn. " * 200

    response = _post(
        client, {"action": "close", "confirm": "1", "reason": reason, "case": [first.reference]}
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Teksten er for lang" in page
    assert reason.strip() in page
    assert f'value="{first.reference}"' in page
    assert _fresh(first).status != CaseStatus.CLOSED


def test_a_deactivated_person_cannot_be_given_cases(client, town):
    first = town["ours"][0]
    town["per"].is_enabled = False
    db.session.commit()
    log_in(client, "kari@alver.no")

    asked = _post(client, {"action": "assign", "case": [first.reference]})
    assert "Per Hansen" not in asked.get_data(as_text=True)
    response = _post(
        client,
        {
            "action": "assign",
            "confirm": "1",
            "assignee": str(town["per"].id),
            "case": [first.reference],
        },
    )

    assert response.status_code == 400
    assert "Vel personen som skal få sakene" in response.get_data(as_text=True)
    assert _fresh(first).assignee_id is None


def test_a_bokmal_user_reads_the_refusals_in_bokmal(client, town):
    first = town["ours"][0]
    first.status = CaseStatus.CLOSED
    make_user(first.department, email="berit@alver.no", name="Berit Bø", language="nb")
    db.session.commit()
    log_in(client, "berit@alver.no")

    response = _post(
        client,
        {"action": "close", "confirm": "1", "reason": "Svart", "case": [first.reference]},
    )

    page = response.get_data(as_text=True)
    assert f"Ikke endret: Sak {first.reference} er allerede lukket." in page
    assert "is already closed" not in page


def test_every_bulk_error_is_said_in_the_users_language(app):
    source = Path(__file__).resolve().parents[3] / "inbox" / "cases" / "bulk.py"
    raised = [
        node
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "BulkError"
    ]
    fields = {node.args[0].value for node in raised}
    assert {"cases", "too_many", "assignee", "reason", "department", "note", "action"} <= fields
    with app.test_request_context():
        for node in raised:
            params = {k.arg: 200 if k.arg == "most" else "offer" for k in node.keywords}
            error = BulkError(node.args[0].value, node.args[1].value, **params)
            assert error.code in ERROR_TEXTS, error.code
            with force_locale("nn"):
                said = error_text(error)
            assert said != str(error) and "%(" not in said, said
