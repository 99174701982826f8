"""The front line keeps track of the cases it handed over; anyone finds a case's status line
by its reference, never its content outside their departments (issue 18, item 2)."""

from __future__ import annotations

from datetime import datetime

import pytest

from inbox.cases.status_lines import handed_over_by, status_line
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import accept, locked, propose
from inbox.intake.receiving import receive
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import log_in

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
NOTE = "Gjeld byggesøknad på gnr. 12"


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    skule = make_department("skule", name="Skule")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    eirik = make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    make_user(skule, email="siri@alver.no", name="Siri Vik")
    case = receive(email(text="Hei! Eg lurer på naboen sin garasje."))
    kept = receive(email(sender="ola@example.no", subject="Brøyting"))
    handover = propose(case, byggesak, kari, NOTE)
    db.session.flush()
    accept(locked(handover.id), eirik, assign_to_me=True)
    db.session.commit()
    return {"case": case, "kept": kept, "kari": kari}


def test_the_front_line_lists_what_it_handed_over_with_status_and_who_has_it(client, town):
    case = town["case"]
    (line,) = handed_over_by(town["kari"])
    assert (line.reference, line.department.slug, line.assignee) == (
        case.reference,
        "byggesak",
        "Eirik Seim",
    )
    log_in(client, "kari@alver.no")
    shown = client.get("/handed-over").get_data(as_text=True)
    assert case.reference in shown and "Byggesak" in shown and "Eirik Seim" in shown
    assert town["kept"].reference not in shown  # still the front line's own: in its queue
    assert "garasje" not in shown


def test_opening_a_handed_over_case_gives_its_status_line_not_page_not_found(client, town):
    case = town["case"]
    log_in(client, "kari@alver.no")
    response = client.get(f"/cases/{case.reference}", follow_redirects=True)
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert f"Status for sak {case.reference}" in shown
    assert "Byggesak" in shown and "Eirik Seim" in shown
    assert "fredag 27. november 2026 kl. 15:00" in shown  # due
    assert "garasje" not in shown and "Spørsmål om byggesøknad" not in shown


def test_anyone_finds_a_status_line_by_exact_reference_only(client, town):
    case = town["case"]
    log_in(client, "siri@alver.no")
    found = client.get(f"/handed-over?reference={case.reference}", follow_redirects=True)
    assert found.status_code == 200 and "Byggesak" in found.get_data(as_text=True)
    assert "garasje" not in found.get_data(as_text=True)
    wrong = client.get("/handed-over?reference=2026-00000", follow_redirects=True)
    assert "2026-00000 er ikkje eit saksnummer" in wrong.get_data(as_text=True)
    missing = client.get("/cases/2026-999999/status")
    assert missing.status_code == 404
    assert "Det finst inga sak 2026-999999" in missing.get_data(as_text=True)


def test_the_receiving_department_still_sees_the_note_after_accepting(client, town):
    log_in(client, "eirik@alver.no")
    shown = client.get(f"/cases/{town['case'].reference}").get_data(as_text=True)
    assert "Byggesak tok over saka frå Innbyggjarservice" in shown
    assert NOTE in shown


def test_the_status_line_says_whether_the_user_may_open_the_case(town):
    assert status_line(town["kari"], town["kept"].reference).may_see is True
    assert status_line(town["kari"], town["case"].reference).may_see is False
