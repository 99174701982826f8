"""One citizen with several cases over e-mail and SMS, one of them in another department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from channels.base import IdentityKind
from inbox.cases.citizen_addresses import add_address
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import accept, locked, propose
from inbox.intake.receiving import receive
from inbox.models import Case, Department, OutboxMessage, OutboxStatus, User
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
PHONE = "+4791234567"


@dataclass
class Citizen:
    frontline: Department
    byggesak: Department
    kari: User  # Innbyggjarservice
    eirik: User  # Byggesak
    first: Case  # e-mail, Monday
    second: Case  # SMS, Tuesday, same citizen (her number is on her contact)
    handed_over: Case  # e-mail, accepted by Byggesak: Innbyggjarservice no longer sees it
    stranger: Case  # someone else's


def citizen_with_cases() -> Citizen:
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    eirik = make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    with frozen_at(MONDAY):
        first = receive(email(received_at=MONDAY, subject="Garasje på tomta"))
        add_address(first, IdentityKind.PHONE, PHONE, kari)
        handed_over = receive(email(received_at=MONDAY, subject="Byggeløyve for tilbygg"))
        handover = propose(handed_over, byggesak, kari, "Gjeld byggesak")
        accept(locked(handover.id), eirik)
        stranger = receive(email(sender="ola@example.no", name="Ola", received_at=MONDAY))
    with frozen_at(TUESDAY):
        second = receive(sms(sender=PHONE, received_at=TUESDAY, text="Eg sende e-post i går"))
    # The acknowledgements went out long ago: nothing waits to be sent to her addresses.
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
    db.session.commit()
    assert second.contact_id == first.contact_id == handed_over.contact_id
    return Citizen(frontline, byggesak, kari, eirik, first, second, handed_over, stranger)
