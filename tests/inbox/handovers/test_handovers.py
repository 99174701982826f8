"""Handovers complete only on acceptance: API and pages, permissions, and one winner at a time."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from inbox.clock import frozen_at
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.models import Case, Handover, HandoverStatus, OutboxMessage, OutKind, Role
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    skule = make_department("skule", name="Skule")
    with frozen_at(MONDAY):
        case = receive(email())
    people = {
        "kari": make_user(frontline, email="kari@alver.no"),
        "bygg": make_user(byggesak, email="bygg@alver.no"),
        "bygg2": make_user(byggesak, email="bygg2@alver.no"),
        "skule": make_user(skule, email="skule@alver.no"),
    }
    tokens = {name: create_api_token(person) for name, person in people.items()}
    db.session.commit()
    return {"case": case, "people": people, "tokens": tokens, "byggesak": byggesak}


def api(client, town, who, path, body=None):
    headers = {"Authorization": f"Bearer {town['tokens'][who]}"}
    return client.post(f"/api/v1{path}", json=body or {}, headers=headers)


def offer(client, town):
    reference = town["case"].reference
    response = api(
        client,
        town,
        "kari",
        f"/cases/{reference}/handovers",
        {"to_department": "byggesak", "note": "Gjeld byggesøknad gnr. 12 bnr. 7"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_case_moves_only_when_the_receiver_accepts_and_the_citizen_is_told(client, town):
    case = town["case"]
    due_before = case.due_at
    handover_id = offer(client, town)
    db.session.rollback()
    assert db.session.get(Case, case.id).department.slug == "innbyggjarservice"

    response = api(client, town, "bygg", f"/handovers/{handover_id}/accept", {"assign_to_me": True})

    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    db.session.rollback()
    moved = db.session.get(Case, case.id)
    assert moved.department.slug == "byggesak" and moved.assignee.email == "bygg@alver.no"
    assert moved.due_at == due_before  # the promise to the citizen does not change
    notice = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == OutKind.NOTICE.value)
    ).one()
    assert "Byggesak" in notice.payload["text"] and "27. november 2026" in notice.payload["text"]


def test_declining_needs_a_reason_and_tells_the_sender(client, town):
    handover_id = offer(client, town)
    assert api(client, town, "bygg", f"/handovers/{handover_id}/decline").status_code == 422
    response = api(
        client, town, "bygg", f"/handovers/{handover_id}/decline", {"reason": "Gjeld plan"}
    )
    assert response.status_code == 200 and response.get_json()["reason"] == "Gjeld plan"
    db.session.rollback()
    assert db.session.get(Case, town["case"].id).department.slug == "innbyggjarservice"
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "notification")
    ).one()
    assert told.recipient == "kari@alver.no" and "Gjeld plan" in told.payload["text"]


def test_only_the_sender_withdraws_and_only_the_receiver_decides(client, town):
    handover_id = offer(client, town)
    assert api(client, town, "skule", f"/handovers/{handover_id}/accept").status_code == 404
    assert api(client, town, "kari", f"/handovers/{handover_id}/accept").status_code == 403
    assert api(client, town, "bygg", f"/handovers/{handover_id}/withdraw").status_code == 403
    assert api(client, town, "kari", f"/handovers/{handover_id}/withdraw").status_code == 200
    again = api(client, town, "bygg", f"/handovers/{handover_id}/accept")
    assert again.status_code == 409 and "already withdrawn" in again.get_json()["detail"]


def test_one_pending_handover_per_case_and_never_to_its_own_department(client, town):
    reference = town["case"].reference
    offer(client, town)
    second = api(
        client,
        town,
        "kari",
        f"/cases/{reference}/handovers",
        {"to_department": "skule", "note": "Eller skule?"},
    )
    own = api(
        client,
        town,
        "kari",
        f"/cases/{reference}/handovers",
        {"to_department": "innbyggjarservice", "note": "x"},
    )
    assert (
        second.status_code == 422
        and "already has a pending handover" in second.get_json()["detail"]
    )
    assert own.status_code == 422


def test_two_people_accepting_at_once_exactly_one_wins(app, client, town):
    handover_id = offer(client, town)
    people = [town["people"]["bygg"].id, town["people"]["bygg2"].id]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user_id: int) -> None:
        with app.app_context():
            from inbox.models import User

            user = db.session.get(User, user_id)
            db.session.commit()
            barrier.wait()
            commit_and_begin_write()
            handover = handovers.locked(handover_id)
            try:
                handovers.accept(handover, user, tell_citizen=False)
                db.session.commit()
                outcomes.append("won")
            except handovers.HandoverConflict as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(user_id,)) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[0].startswith("the handover was already accepted by")
    assert outcomes.count("won") == 1
    db.session.rollback()
    assert db.session.get(Handover, handover_id).status == HandoverStatus.ACCEPTED


def test_the_pages_offer_accept_and_show_the_history(client, town):
    case = town["case"]
    log_in(client, "kari@alver.no")
    page = f"/cases/{case.reference}"
    response = client.post(
        f"{page}/handover",
        data={
            "department": town["byggesak"].id,
            "note": "Gjeld byggesak",
            "csrf_token": csrf_token(client, page),
        },
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "bygg@alver.no")
    offered = client.get(page).get_data(as_text=True)
    assert "Tilboden Byggesak av Innbyggjarservice" in offered
    db.session.rollback()  # end the read snapshot taken before the requests wrote
    handover_id = db.session.scalar(select(Handover.id))
    accepted = client.post(
        f"/handovers/{handover_id}/accept",
        data={"tell_citizen": "y", "csrf_token": csrf_token(client, page)},
    )
    assert accepted.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Byggesak tok over saka frå Innbyggjarservice" in shown
    assert db.session.scalar(select(func.count()).select_from(Handover)) == 1


def test_a_department_may_let_only_its_leader_accept(app, client, town):
    from dataclasses import replace

    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(settings, handover_leader_only=frozenset({"byggesak"}))
    leader = make_user(town["byggesak"], role=Role.LEADER, email="leiar@alver.no")
    town["byggesak"].leader = leader
    town["tokens"]["leiar"] = create_api_token(leader)
    db.session.commit()
    handover_id = offer(client, town)
    refused = api(client, town, "bygg", f"/handovers/{handover_id}/accept")
    assert refused.status_code == 403
    assert "only the leader of Byggesak" in refused.get_json()["detail"]
    assert api(client, town, "leiar", f"/handovers/{handover_id}/accept").status_code == 200
