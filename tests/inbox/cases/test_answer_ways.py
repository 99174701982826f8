"""How an answer reaches the citizen: only the ways true for the case, and "sent" only when
something was queued."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from channels.base import IdentityKind
from channels.fake import FakeSender
from inbox.cases.answer_ways import (
    AnswerWay,
    Delivery,
    Route,
    answer_ways,
    default_way,
    delivery_of,
    outbox_rows,
)
from inbox.cases.citizen_addresses import AddressError, add_address
from inbox.cases.replies import ReplyError, mark_letter_sent, reply
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.intake.registration import Registration, register
from inbox.jobs.dispatch import dispatch_once
from inbox.models import AuditEvent, CaseStatus, ContactIdentity, OutboxMessage, OutKind
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)  # a Tuesday


@pytest.fixture(autouse=True)
def fixed_clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def frontline(app):
    return make_department("innbyggjarservice", is_frontline=True)


def phone_case(frontline, phone: str = "", mail: str = ""):
    staff = make_user(frontline)
    case = register(
        Registration(
            channel="phone",
            received_at=NOW - timedelta(hours=1),
            name="Olav Brekke",
            email=mail,
            phone=phone,
            subject="Brøyting",
            text="Når vert vegen brøytt?",
            language="nn",
            department=frontline,
        ),
        staff,
    )
    db.session.flush()
    return case, staff


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_phone_case_is_answered_by_phone_or_letter_first_and_by_sms_to_its_number(frontline):
    case, _staff = phone_case(frontline, phone="91555123")
    assert answer_ways(case, now()) == [
        AnswerWay(Route.SPOKEN),
        AnswerWay(Route.LETTER),
        AnswerWay(Route.SMS, "+4791555123"),
    ]


def test_an_email_case_offers_its_sender_first_and_no_sms_without_a_number(frontline):
    case = receive(email())
    assert [way.key for way in answer_ways(case, now())] == [
        "email:kari.nordmann@example.no",
        "spoken",
        "letter",
    ]


def test_an_answer_given_by_phone_ends_the_turn_and_queues_nothing(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    before = outbox_count()
    message = reply(case, staff, "Sa at vegen vert brøytt i kveld.", way=AnswerWay(Route.SPOKEN))
    assert outbox_count() == before
    assert message.metadata_json == {"delivery": "spoken"} and message.channel == "phone"
    assert delivery_of(message, None) == Delivery.SPOKEN
    (turn,) = case.turns
    assert turn.answered_at == NOW and turn.met is True
    assert case.status == CaseStatus.WAITING


def test_a_callback_or_phone_case_answered_without_a_way_is_recorded_not_sent(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    assert default_way(case, now()) == AnswerWay(Route.SPOKEN)
    before = outbox_count()
    reply(case, staff, "Ringde tilbake.")
    assert outbox_count() == before


def test_a_way_the_case_does_not_offer_is_refused_and_nothing_is_recorded(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    with pytest.raises(ReplyError) as refused:
        reply(case, staff, "Hei", way=AnswerWay(Route.EMAIL, "someone@example.no"))
    assert refused.value.field == "way"
    assert case.turns[0].answered_at is None and outbox_count() == 0


def test_an_sms_answer_goes_to_the_outbox_to_the_chosen_number(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    message = reply(case, staff, "Vegen vert brøytt.", way=AnswerWay(Route.SMS, "+4791555123"))
    (row,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "reply"))
    assert (row.channel, row.recipient, row.message_id) == ("sms", "+4791555123", message.id)
    assert delivery_of(message, row) == Delivery.QUEUED


def test_a_number_that_answered_stop_is_not_offered(frontline):
    case = receive(sms())
    identity = db.session.scalars(select(ContactIdentity)).one()
    identity.opted_out_at = now()
    assert [way.route for way in answer_ways(case, now())] == [Route.SPOKEN, Route.LETTER]
    assert default_way(case, now()) is None


def test_a_letter_ends_the_turn_only_when_marked_sent(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    letter = reply(case, staff, "Svar i brev.", way=AnswerWay(Route.LETTER))
    assert letter.channel == "letter" and delivery_of(letter, None) == Delivery.LETTER_UNSENT
    assert case.turns[0].answered_at is None and outbox_count() == 0

    later = NOW + timedelta(hours=2)
    with frozen_at(later):
        mark_letter_sent(case, letter, staff)
    assert delivery_of(letter, None) == Delivery.LETTER_SENT
    assert case.turns[0].answered_at == later and case.turns[0].met is True
    with pytest.raises(ReplyError):
        mark_letter_sent(case, letter, staff)  # once only


def test_a_preliminary_letter_starts_its_new_turn_when_sent(frontline):
    case, staff = phone_case(frontline, phone="91555123")
    new_date = datetime(2026, 12, 4, tzinfo=OSLO).date()
    letter = reply(
        case,
        staff,
        "Vi treng meir tid.",
        kind=OutKind.PRELIMINARY,
        new_date=new_date,
        way=AnswerWay(Route.LETTER),
    )
    assert len(case.turns) == 1
    mark_letter_sent(case, letter, staff)
    first, second = sorted(case.turns, key=lambda turn: turn.id)
    assert first.answer_kind == OutKind.PRELIMINARY
    assert second.due_at == datetime(2026, 12, 4, 15, 0, tzinfo=OSLO)


def test_states_follow_the_outbox_from_queued_to_sent_and_failed(app, frontline):
    case = receive(email())
    staff = make_user(case.department)
    way = answer_ways(case, now())[0]
    answer = reply(case, staff, "Første svar.", way=way)
    db.session.commit()
    assert delivery_of(answer, outbox_rows([answer])[answer.id]) == Delivery.QUEUED

    dispatch_once({"email": FakeSender()})
    db.session.rollback()
    assert delivery_of(answer, outbox_rows([answer])[answer.id]) == Delivery.SENT

    second = reply(case, staff, "Andre svar.", way=way)
    db.session.commit()
    dispatch_once({"email": FakeSender(reject=True, error="550 user unknown")})
    db.session.rollback()
    assert delivery_of(second, outbox_rows([second])[second.id]) == Delivery.FAILED
    assert second.metadata_json["delivery_error"] == "550 user unknown"


def test_staff_add_a_number_which_is_normalised_audited_and_offered(frontline):
    case = receive(email())
    staff = make_user(case.department)
    identity = add_address(case, IdentityKind.PHONE, "915 55 123", staff)
    assert identity.value == "+4791555123"
    assert AnswerWay(Route.SMS, "+4791555123") in answer_ways(case, now())
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contact.address_added")
    ).one()
    assert event.user_id == staff.id and event.case_id == case.id
    assert event.details["kind"] == "phone"
    assert add_address(case, IdentityKind.PHONE, "+47 915 55 123", staff).id == identity.id


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        (IdentityKind.EMAIL, "ikkje ei adresse", "invalid_email"),
        (IdentityKind.PHONE, "12", "invalid_phone"),
        (IdentityKind.EMAIL, "ola@example.no", "belongs_to_another"),
    ],
)
def test_an_address_that_is_wrong_or_someone_elses_is_refused(frontline, kind, value, code):
    receive(email(sender="ola@example.no"))
    case = receive(email())
    with pytest.raises(AddressError) as refused:
        add_address(case, kind, value, make_user(case.department))
    assert refused.value.code == code


def test_an_answer_on_a_letter_case_without_a_way_is_a_letter_its_caller_sent(frontline):
    """The API's answer on a letter case: an archive or digital-post system posted it; recorded
    as a sent letter, it ends the turn and queues nothing."""
    staff = make_user(frontline)
    case = register(
        Registration(
            channel="letter",
            received_at=NOW - timedelta(hours=1),
            name="Olav Brekke",
            email="olav@example.com",
            phone="",
            subject="Nabovarsel",
            text="Brev om nabovarsel.",
            language="nn",
            department=frontline,
        ),
        staff,
    )
    answer = reply(case, staff, "Svar sendt som brev.")
    assert answer.channel == "letter" and delivery_of(answer, None) == Delivery.LETTER_SENT
    assert case.turns[0].answered_at == NOW and outbox_count() == 0
