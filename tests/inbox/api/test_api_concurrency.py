"""Concurrent API requests on separate connections: reads stay reads, writers wait their turn."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.models import ApiToken
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
REQUESTS = 40


def at_once(count: int, request) -> list[int]:
    """Status codes of ``count`` calls of ``request`` started together, each on its own thread
    (so on its own session and connection)."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def run(number: int) -> None:
        barrier.wait(timeout=30)
        statuses.append(request(number).status_code)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_forty_concurrent_list_requests_all_succeed(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    with frozen_at(NOW):
        receive(email())
        tokens = [create_api_token(make_user(frontline, email=f"p{n}@alver.no")) for n in range(4)]
    db.session.commit()

    def list_cases(number: int):
        headers = {"Authorization": f"Bearer {tokens[number % len(tokens)]}"}
        return app.test_client().get("/api/v1/cases", headers=headers)

    with frozen_at(NOW):
        statuses = at_once(REQUESTS, list_cases)
    assert statuses == [200] * REQUESTS


def test_last_used_at_is_written_at_most_once_a_minute(app, client):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    token = create_api_token(make_user(frontline, email="kari@alver.no"))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for moment, expected in (
        (NOW, NOW),
        (NOW + timedelta(seconds=59), NOW),  # a read stays a read
        (NOW + timedelta(seconds=61), NOW + timedelta(seconds=61)),
    ):
        with frozen_at(moment):
            assert client.get("/api/v1/cases", headers=headers).status_code == 200
        db.session.rollback()  # a new snapshot: the request committed on its own connection
        assert db.session.scalar(select(ApiToken.last_used_at)) == expected


def test_two_simultaneous_handover_decisions_give_one_200_and_one_409(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    with frozen_at(NOW):
        case = receive(email())
        kari = make_user(frontline, email="kari@alver.no")
        deciders = [make_user(byggesak, email=f"bygg{n}@alver.no") for n in range(2)]
        tokens = [create_api_token(person) for person in deciders]
        handover = handovers.propose(case, byggesak, kari, "Gjeld byggesøknad")
    db.session.commit()
    path = f"/api/v1/handovers/{handover.id}/accept"

    def accept(number: int):
        headers = {"Authorization": f"Bearer {tokens[number]}"}
        return app.test_client().post(path, json={"tell_citizen": False}, headers=headers)

    with frozen_at(NOW):
        statuses = at_once(2, accept)
    assert sorted(statuses) == [200, 409]
