"""Staff join a stranger's message that names a case to that case, deliberately."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from inbox.cases.joining import JoinError, join, mentioned_case
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, CaseStatus, Department, Direction, Turn
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.reports.test_turn_days import recounted, stored

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


@pytest.fixture
def cases(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    make_department("byggesak")
    staff = make_user(frontline, name="Kari Haugland")
    with frozen_at(MONDAY):
        mothers = receive(email(sender="mor@example.no", subject="Heimetenester til mor mi"))
    with frozen_at(TUESDAY):
        daughters = receive(
            email(
                sender="dotter@example.no",
                subject=f"Svar [Sak {mothers.reference}]",
                received_at=TUESDAY,
            )
        )
    db.session.commit()
    return mothers, daughters, staff


def test_the_strangers_case_names_the_case_staff_may_join_it_to(cases):
    mothers, daughters, _staff = cases
    assert mentioned_case(daughters) == mothers.reference
    assert mentioned_case(mothers) is None


def test_joining_moves_the_messages_closes_the_emptied_case_and_adds_the_sender(cases):
    mothers, daughters, staff = cases
    moved = [message.id for message in daughters.messages]
    with frozen_at(TUESDAY):
        join(daughters, mothers, staff)
    db.session.commit()
    db.session.expire_all()
    assert {message.id for message in mothers.messages} >= set(moved)
    assert daughters.status == CaseStatus.CLOSED and daughters.joined_into == mothers
    assert [contact.address("email") for contact in mothers.participants] == ["dotter@example.no"]
    assert mothers.contact.address("email") == "mor@example.no"  # answers still go to her
    notes = [m.text for m in mothers.messages if m.direction == Direction.NOTE and m.author]
    assert notes == [
        f"Kari Haugland kopla meldinga frå dotter@example.no (sak {daughters.reference}) "
        "til denne saka; den adressa er no med i saka."
    ]
    assert [m.text for m in daughters.messages] == [
        f"Kopla til sak {mothers.reference} av Kari Haugland."
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.join"))
    assert event.case_id == mothers.id and event.user_id == staff.id
    assert event.details["joined_case"] == daughters.reference
    assert mentioned_case(daughters) is None  # joined once, not twice
    assert mentioned_case(mothers) is None  # the moved note offers no join where it now is


def test_when_both_wait_for_an_answer_the_earlier_promise_stands_and_counts_stay_right(cases):
    mothers, daughters, staff = cases
    mothers_turn = mothers.turns[0]
    with frozen_at(TUESDAY):
        join(daughters, mothers, staff)
    db.session.commit()
    turns = list(db.session.scalars(select(Turn)))
    assert turns == [mothers_turn]
    assert mothers.due_at == mothers_turn.due_at
    assert daughters.due_at is None
    assert stored() == recounted()


def test_a_later_message_from_the_participant_naming_the_case_continues_it(cases):
    mothers, daughters, staff = cases
    with frozen_at(TUESDAY):
        join(daughters, mothers, staff)
    db.session.commit()
    with frozen_at(TUESDAY):
        again = receive(
            email(sender="dotter@example.no", subject=f"Meir [Sak {mothers.reference}]")
        )
        # Naming the emptied case's reference continues the case it was joined into.
        answer = receive(
            email(sender="dotter@example.no", subject=f"Re: [Sak {daughters.reference}]")
        )
    assert again.id == mothers.id and answer.id == mothers.id
    other = receive(email(sender="nabo@example.no", subject=f"Hei [Sak {mothers.reference}]"))
    assert other.id != mothers.id  # the participant, not anyone


def test_an_answered_message_joined_to_a_waiting_case_keeps_both_turns(cases):
    mothers, daughters, staff = cases
    with frozen_at(TUESDAY):
        reply(daughters, staff, "Vi har sett meldinga di.")
        join(daughters, mothers, staff)
    db.session.commit()
    turns = sorted(db.session.scalars(select(Turn)), key=lambda turn: turn.id)
    assert [turn.case_id for turn in turns] == [mothers.id, mothers.id]
    assert [turn.answered_at is None for turn in turns] == [True, False]
    assert stored() == recounted()


def test_a_waiting_message_joined_to_a_closed_case_reopens_it_with_its_promise(cases):
    mothers, daughters, staff = cases
    with frozen_at(MONDAY):
        reply(mothers, staff, "Svar til mor.")
    mothers.status = CaseStatus.CLOSED
    daughters_due = daughters.due_at
    with frozen_at(TUESDAY):
        join(daughters, mothers, staff)
    db.session.commit()
    assert mothers.status == CaseStatus.OPEN and mothers.due_at == daughters_due
    assert stored() == recounted()


def test_a_case_that_did_not_name_the_other_is_not_joined_to_it(cases):
    mothers, daughters, staff = cases
    with pytest.raises(JoinError, match=f"did not name case {daughters.reference}"):
        join(mothers, daughters, staff)


def test_a_case_offered_to_another_department_is_not_joined(cases):
    mothers, daughters, staff = cases
    byggesak = db.session.scalar(select(Department).filter_by(slug="byggesak"))
    propose(daughters, byggesak, staff, "Gjeld byggesak")
    with pytest.raises(JoinError, match="is offered to another department"):
        join(daughters, mothers, staff)
