"""Answers go to the case's contact, whoever else wrote on the case."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, Direction, Message, OutboxMessage
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)


@pytest.fixture
def frontline(app):
    return make_department("innbyggjarservice", is_frontline=True)


@pytest.fixture(autouse=True)
def fixed_clock():
    with frozen_at(NOW):
        yield


def joined_from(case: Case, channel: str, address: str, rfc_message_id: str | None = None) -> None:
    """A message from another address on the case, as when staff move one into it."""
    db.session.add(
        Message(
            case=case,
            direction=Direction.IN,
            channel=channel,
            account=case.messages[0].account,
            address=address,
            rfc_message_id=rfc_message_id,
            text="Eg skriv på vegner av naboen.",
            created_at=NOW - timedelta(hours=1),
        )
    )
    db.session.flush()


def sent_for(message: Message) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message.id))


def test_an_email_answer_goes_to_the_contact_after_another_address_wrote(frontline):
    case = receive(email())
    joined_from(case, "email", "ola@example.no", "<ola-1@example.no>")
    answer = reply(case, make_user(frontline), "Søknaden er godkjend.")
    db.session.commit()
    sent = sent_for(answer)
    assert sent.recipient == "kari.nordmann@example.no"
    assert sent.payload["headers"]["In-Reply-To"] == case.messages[0].rfc_message_id


def test_an_sms_answer_goes_to_the_contacts_number_after_another_number_wrote(frontline):
    case = receive(sms(received_at=NOW - timedelta(hours=2)))
    joined_from(case, "sms", "+4799999999")
    answer = reply(case, make_user(frontline), "Vegen vert brøytt i kveld.")
    db.session.commit()
    assert sent_for(answer).recipient == "+4791234567"
