"""Intake: one case per message, threading, turns with promises, acknowledgements."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from channels.base import InboundAttachment
from channels.email import parse_email, raw_id
from inbox.blobs import current_store
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import IntakeError, receive
from inbox.models import (
    Attachment,
    Case,
    CaseStatus,
    Contact,
    Direction,
    Message,
    OutboxMessage,
    OutKind,
    Turn,
)
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, in_country, sms

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)


@pytest.fixture
def frontline(app):
    department = make_department("innbyggjarservice", is_frontline=True)
    make_department("byggesak")
    return department


@pytest.fixture(autouse=True)
def fixed_clock():
    with frozen_at(NOW):
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_email_opens_a_case_in_the_frontline_department_with_its_promise(frontline):
    case = receive(email())
    db.session.commit()
    assert case.department == frontline
    assert case.status == CaseStatus.NEW
    assert case.reference == "2026-000001"
    assert case.subject == "Spørsmål om byggesøknad"
    assert case.contact.name == "Kari Nordmann"
    (turn,) = case.turns
    assert turn.received_at == datetime(2026, 11, 20, 10, 0, tzinfo=OSLO)
    assert turn.due_at == datetime(2026, 11, 27, 15, 0, tzinfo=OSLO)
    assert turn.answered_at is None


def test_same_message_twice_changes_nothing(frontline):
    message = email(external_id="<once@example.no>")
    first = receive(message)
    db.session.commit()
    second = receive(message)
    db.session.commit()
    assert second.id == first.id
    assert (count(Case), count(Message), count(Turn), count(OutboxMessage)) == (1, 2, 1, 1)


def test_references_count_up_per_year_of_receipt(frontline):
    first = receive(email(received_at=datetime(2026, 12, 31, 23, 30, tzinfo=OSLO)))
    second = receive(email(sender="ola@example.no"))
    third = receive(
        email(sender="per@example.no", received_at=datetime(2027, 1, 1, 0, 30, tzinfo=OSLO))
    )
    db.session.commit()
    assert [first.reference, second.reference, third.reference] == [
        "2026-000001",
        "2026-000002",
        "2027-000001",
    ]


def test_reply_to_our_message_id_continues_the_case(frontline):
    case = receive(email())
    db.session.commit()
    acknowledgement = db.session.scalar(
        select(Message).where(Message.kind == OutKind.ACKNOWLEDGEMENT)
    )
    follow_up = receive(email(subject="Re: noko anna", in_reply_to=acknowledgement.rfc_message_id))
    assert follow_up.id == case.id


def test_reference_token_in_the_subject_continues_the_case(frontline):
    case = receive(email())
    other = receive(
        email(sender="Kari.Nordmann@example.no", subject=f"Svar [sak {case.reference}]")
    )
    assert other.id == case.id


def closed_case_of_kari() -> Case:
    case = receive(email())
    officer = make_user(case.department)
    reply(case, officer, "Søknaden er godkjend.")
    case.status = CaseStatus.CLOSED
    db.session.commit()
    return case


def test_a_strangers_email_with_the_reference_opens_a_case_of_its_own(frontline):
    karis = closed_case_of_kari()
    strangers = receive(email(sender="ola@example.no", subject=f"Svar [Sak {karis.reference}]"))
    db.session.commit()
    assert strangers.id != karis.id
    assert strangers.contact_id != karis.contact_id
    assert karis.status == CaseStatus.CLOSED
    assert [m.address for m in karis.messages if m.direction == Direction.IN] == [
        "kari.nordmann@example.no"
    ]
    acknowledgement = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "ola@example.no")
    )
    assert acknowledgement.case_id == strangers.id
    sent = acknowledgement.payload["subject"] + acknowledgement.payload["text"]
    assert karis.reference not in sent and karis.subject not in sent
    assert f"[Sak {strangers.reference}]" in acknowledgement.payload["subject"]


def test_a_strangers_answer_to_our_message_id_opens_a_case_of_its_own(frontline):
    karis = closed_case_of_kari()
    answer = karis.messages[-1].rfc_message_id
    strangers = receive(email(sender="ola@example.no", subject="Re: svar", in_reply_to=answer))
    db.session.commit()
    assert strangers.id != karis.id
    assert karis.status == CaseStatus.CLOSED


def test_staff_see_that_a_strangers_email_names_another_case(frontline):
    karis = closed_case_of_kari()
    strangers = receive(email(sender="ola@example.no", subject=f"Svar [Sak {karis.reference}]"))
    db.session.commit()
    received, note, _acknowledgement = strangers.messages
    assert received.direction == Direction.IN  # the note follows the message it is about
    assert note.text == (f"Nemner sak {karis.reference}, frå ei adresse som ikkje er på den saka.")
    assert note.author is None


def test_the_strangers_answer_to_their_own_acknowledgement_joins_their_case(frontline):
    karis = closed_case_of_kari()
    strangers = receive(email(sender="ola@example.no", subject=f"Svar [Sak {karis.reference}]"))
    db.session.commit()
    acknowledgement = strangers.messages[-1]
    again = receive(
        email(
            sender="ola@example.no",
            subject=acknowledgement.subject,
            in_reply_to=acknowledgement.rfc_message_id,
        )
    )
    assert again.id == strangers.id


def test_a_new_email_from_the_same_citizen_without_threading_is_a_new_case(frontline):
    first = receive(email())
    second = receive(email(subject="Eit heilt anna spørsmål"))
    assert second.id != first.id
    assert second.contact_id == first.contact_id


def test_sms_from_the_same_number_joins_the_open_case_within_the_window(frontline):
    first = receive(sms(sender="+47 912 34 567"))
    second = receive(sms(sender="91234567", received_at=NOW + timedelta(days=3)))
    later = receive(sms(sender="91234567", received_at=NOW + timedelta(days=30)))
    db.session.commit()
    assert second.id == first.id
    assert later.id != first.id
    assert count(Contact) == 1
    assert first.contact.identities[0].value == "+4791234567"


def test_a_number_without_country_code_is_one_of_the_configured_country(app, frontline):
    in_country(app, "SE")
    case = receive(sms(sender="070-123 45 67"))
    assert case.contact.identities[0].value == "+46701234567"


def test_sms_after_the_case_is_closed_opens_a_new_case(frontline):
    first = receive(sms())
    first.status = CaseStatus.CLOSED
    second = receive(sms(received_at=NOW + timedelta(hours=1)))
    assert second.id != first.id


def test_follow_up_while_unanswered_joins_the_current_turn(frontline):
    case = receive(email())
    receive(email(subject=f"Tillegg [Sak {case.reference}]"))
    db.session.commit()
    assert len(case.turns) == 1
    assert count(OutboxMessage) == 1  # one acknowledgement per turn


def test_message_after_an_answer_starts_a_new_turn(frontline):
    case = receive(email())
    officer = make_user(frontline)
    reply(case, officer, "Svar: søknaden vert handsama i veke 49.")
    db.session.commit()
    assert case.status == CaseStatus.WAITING
    receive(
        email(
            subject=f"Re: [Sak {case.reference}]",
            received_at=datetime(2026, 11, 25, 9, 30, tzinfo=OSLO),
        )
    )
    db.session.commit()
    first, second = case.turns
    assert first.met is True and first.answer_kind == OutKind.REPLY
    assert second.answered_at is None
    assert second.due_at == datetime(2026, 12, 2, 15, 0, tzinfo=OSLO)
    assert case.status == CaseStatus.OPEN


def test_acknowledgement_is_queued_in_the_case_language_with_the_due_date(frontline):
    case = receive(email())
    db.session.commit()
    row = db.session.scalar(select(OutboxMessage))
    assert row.case_id == case.id
    assert row.purpose == "acknowledgement"
    assert row.recipient == "kari.nordmann@example.no"
    assert f"[Sak {case.reference}]" in row.payload["subject"]
    assert "fredag 27. november 2026 kl. 15:00" in row.payload["text"]
    assert row.payload["headers"]["Auto-Submitted"] == "auto-replied"
    assert row.payload["headers"]["In-Reply-To"] == case.messages[0].rfc_message_id
    acknowledgement = row.message
    assert acknowledgement.direction == Direction.OUT
    assert acknowledgement.kind == OutKind.ACKNOWLEDGEMENT
    assert case.turns[0].answered_at is None  # an acknowledgement is not an answer


def test_an_acknowledgement_taken_in_after_its_due_time_promises_the_next_working_day(frontline):
    # Received on Tuesday 10 November, read only now (Tuesday 24 November) after downtime:
    # its promise (Tuesday 17 November) has passed before the citizen hears from us.
    case = receive(email(received_at=datetime(2026, 11, 10, 10, 0, tzinfo=OSLO)))
    db.session.commit()
    text = db.session.scalar(select(OutboxMessage)).payload["text"]
    assert "17. november" not in text
    assert "så snart vi kan" in text
    assert "onsdag 25. november 2026 kl. 15:00" in text
    assert case.turns[0].due_at == datetime(2026, 11, 17, 15, 0, tzinfo=OSLO)  # for the report


def test_an_sms_acknowledgement_taken_in_late_promises_the_next_working_day(frontline):
    receive(sms(received_at=datetime(2026, 11, 17, 11, 0, tzinfo=OSLO)))
    db.session.commit()
    text = db.session.scalar(select(OutboxMessage)).payload["text"]
    assert "17. november" not in text
    assert "så snart vi kan" in text
    assert "onsdag 25. november 2026 kl. 15:00" in text


def test_facebook_messages_get_no_acknowledgement_by_default(frontline):
    receive(sms(channel="facebook"))
    db.session.commit()
    assert count(OutboxMessage) == 0


def test_callback_request_is_acknowledged_by_sms_with_target_and_due(frontline):
    request = sms(channel="callback", received_at=datetime(2026, 11, 24, 11, 0, tzinfo=OSLO))
    receive(replace(request, metadata={"sms_consent": True}))
    db.session.commit()
    row = db.session.scalar(select(OutboxMessage))
    assert row.channel == "sms"
    assert "tysdag 24. november 2026 kl. 15:00" in row.payload["text"]
    assert "onsdag 25. november 2026 kl. 15:00" in row.payload["text"]


def test_a_callback_request_without_consent_gets_no_sms(frontline):
    receive(sms(channel="callback"))
    db.session.commit()
    assert count(OutboxMessage) == 0
    received = db.session.scalar(select(Message))
    assert received.metadata_json["acknowledgement_held"] == "no-consent"


def test_rolled_back_intake_leaves_no_case_message_or_outbox_row(frontline):
    db.session.commit()
    receive(email())
    db.session.rollback()
    assert (count(Case), count(Message), count(OutboxMessage)) == (0, 0, 0)


def test_html_is_sanitized_before_it_is_stored(frontline):
    hostile = '<p onclick="steal()">Hei<script>alert(1)</script><a href="javascript:x">x</a></p>'
    case = receive(email(html=hostile))
    stored = case.messages[0].html
    assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored
    assert "Hei" in stored


def test_attachments_and_raw_source_are_stored_once_by_sha256(app, frontline):
    content = b"%PDF-1.4 teikning"
    attachment = InboundAttachment("teikning.pdf", "application/pdf", content)
    first = receive(email(attachments=(attachment,), raw=b"raw one"))
    receive(email(sender="ola@example.no", attachments=(attachment,), raw=b"raw two"))
    db.session.commit()
    digest = hashlib.sha256(content).hexdigest()
    assert db.session.scalars(select(Attachment.sha256)).all() == [digest, digest]
    blobs = current_store()
    assert blobs.get(digest) == content
    assert blobs.get(first.messages[0].raw_sha256) == b"raw one"
    assert len(list(blobs.root.rglob("*"))) == 3 * 3  # 3 files, each under two folder levels


def test_unreadable_message_flags_the_case_and_keeps_the_raw_source(frontline):
    broken = email(subject="", text="")
    broken = type(broken)(**{**broken.__dict__, "is_unreadable": True, "raw": b"\xff\xfe garbage"})
    case = receive(broken)
    db.session.commit()
    assert case.is_unreadable
    assert case.messages[0].raw_sha256 is not None
    assert count(OutboxMessage) == 0


def test_without_a_frontline_department_intake_refuses_with_a_clear_error(app):
    make_department("byggesak")
    with pytest.raises(IntakeError, match="no department marked as frontline"):
        receive(email())


def test_unknown_channel_is_refused(frontline):
    message = sms()
    message = type(message)(**{**message.__dict__, "channel": "fax"})
    with pytest.raises(IntakeError, match="no promise is configured for channel 'fax'"):
        receive(message)


def test_an_email_that_cannot_be_read_becomes_a_flagged_case_with_its_raw_source(app, frontline):
    raw = b"\x00\x01 no header at all \xff\xfe"
    parsed = parse_email(raw, account="postmottak", received_at=NOW, max_attachment_bytes=1000)
    case = receive(parsed)
    db.session.commit()
    blobs = current_store()
    assert case.is_unreadable
    assert blobs.get(case.messages[0].raw_sha256) == raw
    assert count(OutboxMessage) == 0  # nobody to acknowledge


def test_an_email_without_a_sender_address_is_a_readable_case_nobody_is_acknowledged(frontline):
    raw = b"From: Kari\r\nSubject: Hei\r\n\r\nUtan avsendar\r\n"
    parsed = parse_email(raw, account="postmottak", received_at=NOW, max_attachment_bytes=1000)
    case = receive(parsed)
    db.session.commit()
    assert not case.is_unreadable
    assert (case.subject, case.messages[0].text.strip()) == ("Hei", "Utan avsendar")
    assert case.contact.identities[0].value == "unknown@invalid"
    assert count(OutboxMessage) == 0  # nobody to acknowledge


def mail(sender=b"kari@example.com", transport=b""):
    return (
        transport + b"From: Kari <" + sender + b">\r\nDate: Tue, 24 Nov 2026 11:00:00 +0100\r\n"
        b"Message-ID: <same-1@example.com>\r\nSubject: Hei\r\n\r\nKvar er svaret?\r\n"
    )


def read(raw: bytes, account: str = "postmottak"):
    return parse_email(raw, account=account, received_at=NOW, max_attachment_bytes=1000)


def test_a_message_delivered_again_with_other_transport_headers_is_one_case(frontline):
    first = receive(read(mail()))
    db.session.commit()
    again = receive(read(mail(transport=b"Received: from mx2.example.net\r\n")))
    db.session.commit()
    assert again == first
    assert (count(Case), count(Message), count(Turn), count(OutboxMessage)) == (1, 2, 1, 1)
    stored = db.session.scalars(select(Message).where(Message.direction == Direction.IN)).one()
    [copy] = stored.metadata_json["copies"]
    assert copy["account"] == "postmottak"


def test_a_byte_identical_redelivery_records_nothing(frontline):
    receive(read(mail()))
    db.session.commit()
    receive(read(mail()))
    db.session.commit()
    stored = db.session.scalars(select(Message).where(Message.direction == Direction.IN)).one()
    assert "copies" not in stored.metadata_json


def test_a_reused_message_id_from_another_sender_is_another_case(frontline):
    first = receive(read(mail()))
    other = receive(read(mail(sender=b"ola@example.com")))
    db.session.commit()
    assert other != first and count(Case) == 2


def test_a_message_stored_under_the_hash_of_its_bytes_is_not_taken_in_again(frontline):
    # Before e-mail had identities by Message-ID, its id was the hash of the raw bytes.
    raw = mail()
    case = receive(replace(read(raw), external_id=raw_id(raw)))
    db.session.commit()
    assert receive(read(raw)) == case
    assert count(Case) == 1 and count(Message) == 2  # the message and its acknowledgement
