"""Staff merge two cases of the same citizen: the second one's messages and turns move."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from channels.base import InboundAttachment
from inbox.cases.access import NotVisible
from inbox.cases.merging import MergeError, merge, merge_partner, merge_plan
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.database import begin_write
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.models import Attachment, AuditEvent, Case, CaseStatus, Direction, Turn
from tests.factories import make_department
from tests.inbox.cases.citizen_helpers import PHONE, TUESDAY, citizen_with_cases
from tests.inbox.intake_helpers import email, sms
from tests.inbox.reports.test_turn_days import recounted, stored


@pytest.fixture
def citizen(app):
    with frozen_at(TUESDAY):
        yield citizen_with_cases()


def test_merging_moves_the_messages_closes_the_other_and_both_histories_say_so(citizen):
    first, second, kari = citizen.first, citizen.second, citizen.kari
    moved = [message.id for message in second.messages]
    with frozen_at(TUESDAY):
        merge(second, first, kari)
    db.session.commit()
    db.session.expire_all()
    assert {message.id for message in first.messages} >= set(moved)
    assert second.status == CaseStatus.CLOSED and second.joined_into == first
    notes = [m.text for m in first.messages if m.direction == Direction.NOTE and m.author]
    assert notes == [
        f"Kari Haugland slo saman sak {second.reference} frå same innbyggjar med denne saka; "
        "meldingane og svarfristane derifrå er her no."
    ]
    assert [m.text for m in second.messages] == [
        f"Slått saman med sak {first.reference} av Kari Haugland; meldingane er der no."
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.merge"))
    by_case = {event.case_id: event.details for event in events}
    assert by_case[first.id]["merged_case"] == second.reference
    assert by_case[second.id] == {"merged_into": first.reference}


def test_one_unanswered_turn_stays_the_earliest_and_the_counts_stay_right(citizen):
    first, second = citizen.first, citizen.second
    earliest = first.turns[0]
    with frozen_at(TUESDAY):
        plan = merge_plan(second, first)
        merge(second, first, citizen.kari)
    db.session.commit()
    assert plan.messages == 2 and plan.turns == 1 and plan.standing_due_at == earliest.due_at
    assert plan.dropped_turns == 1  # both waited: the SMS's later promise goes
    waiting = db.session.scalars(
        select(Turn).where(Turn.case_id == first.id, Turn.answered_at.is_(None))
    ).all()
    assert waiting == [earliest]
    assert first.due_at == earliest.due_at and second.due_at is None
    assert stored() == recounted()


def test_an_answered_turn_moves_with_its_answer(citizen):
    first, second, kari = citizen.first, citizen.second, citizen.kari
    with frozen_at(TUESDAY):
        reply(second, kari, "Vi har sett meldinga di.")
        assert merge_plan(second, first).dropped_turns == 0
        merge(second, first, kari)
    db.session.commit()
    turns = db.session.scalars(select(Turn).where(Turn.case_id == first.id)).all()
    assert sorted(turn.answered_at is None for turn in turns) == [False, True]
    assert stored() == recounted()


def test_attachments_move_with_their_messages(citizen):
    with frozen_at(TUESDAY):
        picture = InboundAttachment("garasje.png", "image/png", b"\x89PNG\r\n\x1a\n")
        third = receive(email(subject="Bilete av garasjen", attachments=(picture,)))
        db.session.commit()
        merge(third, citizen.first, citizen.kari)
    db.session.commit()
    attachment = db.session.scalar(select(Attachment))
    assert attachment.message.case_id == citizen.first.id


def test_another_citizens_case_is_not_found_for_merging(citizen):
    with pytest.raises(NotVisible):
        merge_partner(citizen.first, citizen.stranger.reference, citizen.kari)
    with pytest.raises(NotVisible):
        merge(citizen.stranger, citizen.first, citizen.kari)


def test_a_case_the_user_may_not_change_is_not_found_for_merging(citizen):
    # Byggesak took over one of her cases: Innbyggjarservice may not merge it any more.
    with pytest.raises(NotVisible):
        merge_partner(citizen.first, citizen.handed_over.reference, citizen.kari)
    with pytest.raises(NotVisible):
        merge_partner(citizen.handed_over, citizen.first.reference, citizen.eirik)


def test_closed_merged_offered_and_same_cases_are_refused(citizen):
    first, second, kari = citizen.first, citizen.second, citizen.kari
    with pytest.raises(MergeError) as refused:
        merge(first, first, kari)
    assert refused.value.code == "same_case"
    plan = make_department("plan")
    propose(second, plan, kari, "Gjeld reguleringsplanen")
    with pytest.raises(MergeError) as refused:
        merge(second, first, kari)
    assert refused.value.code == "handover_pending"
    with frozen_at(TUESDAY):
        third = receive(sms(sender=PHONE, text="Eitt spørsmål til"))
    third.status = CaseStatus.CLOSED
    with pytest.raises(MergeError) as refused:
        merge(third, first, kari)
    assert refused.value.code == "closed"


def test_a_merge_reads_both_cases_again_so_a_crosswise_merge_meanwhile_is_refused(
    app, citizen, monkeypatch
):
    """Someone else merged this case into the other after we loaded it: our merge sees that
    under its lock instead of making the two cases point to each other."""
    first, second = citizen.first, citizen.second
    monkeypatch.setattr(db.session(), "expire_on_commit", False)  # keep what was loaded
    assert first.joined_into_id is None
    db.session.commit()
    with db.engine.begin() as elsewhere:
        elsewhere.execute(update(Case).where(Case.id == first.id).values(joined_into_id=second.id))
    begin_write()  # as the merge's view does
    assert first.joined_into_id is None  # what this session still holds
    with pytest.raises(MergeError) as refused:
        merge(second, first, citizen.kari)
    assert refused.value.code == "merged"
