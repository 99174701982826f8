"""Two people deciding one handover at once through the pages: one wins, the other is told."""

from __future__ import annotations

import threading

from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.receiving import receive
from inbox.models import Handover, HandoverStatus
from tests.conftest import FreshContextClient
from tests.factories import make_department, make_user
from tests.inbox.handovers.test_handovers import MONDAY
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import csrf_token, log_in


def test_two_people_accepting_at_once_through_the_pages_one_wins_none_gets_503(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    with frozen_at(MONDAY):
        case = receive(email())
        kari = make_user(frontline, email="kari@alver.no")
        people = [make_user(byggesak, email=f"bygg{n}@alver.no") for n in range(2)]
        handover = handovers.propose(case, byggesak, kari, "Gjeld byggesøknad")
    db.session.commit()
    page, path = f"/cases/{case.reference}", f"/handovers/{handover.id}/accept"
    app.test_client_class = FreshContextClient
    clients = []
    for person in people:
        client = app.test_client()
        log_in(client, person.email)
        clients.append((client, csrf_token(client, page)))
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def accept(client, token) -> None:
        barrier.wait(timeout=30)
        statuses.append(client.post(path, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=accept, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302, 302]  # each is sent back to the case with a message, no 503
    db.session.rollback()
    decided = db.session.scalars(select(Handover)).one()
    assert decided.status == HandoverStatus.ACCEPTED
    told = [client.get(page).get_data(as_text=True) for client, _token in clients]
    # The loser is told in Nynorsk who won, not in the service's English.
    assert sum("har alt teke imot overføringa." in text for text in told) == 1
    assert not any("already accepted" in text for text in told)
