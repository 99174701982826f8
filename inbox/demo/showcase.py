"""The demo's showcase: one citizen with several cases, to show the case page's features.

Gunhild Myrvold, a citizen of her own (not among the history's), writes by e-mail (with a
picture and a PDF attached) about a garage; Innbyggjarservice offers the case to Byggesak,
which declines with a reason. The next day she asks by SMS whether the drawings arrived,
which makes a second open case of hers (the same contact: her number is on it) that staff
can merge into the first. Earlier she sent a letter about property tax that Eigedomsskatt
took over and answered by letter (so Innbyggjarservice sees it only as "a case in other
departments"), and had an e-mail answered and closed months ago. Reply templates are added
as an administrator would.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.cases.template_admin import TemplateFields, add_template
from inbox.clock import frozen_at
from inbox.demo.answering import answer_as_staff
from inbox.demo.files import pdf_document, png_picture
from inbox.demo.people import CITIZENS
from inbox.extensions import db
from inbox.handovers.workflow import accept, decline, locked, propose
from inbox.intake.receiving import receive
from inbox.models import Case, CaseStatus, Department, Role, User

NAME = "Gunhild Myrvold"
GARAGE_SUBJECT = "Garasje på tomta i Myrvegen"
GARAGE_TEXT = (
    "Hei!\n\nEg vil setje opp ein garasje på 40 m² på tomta vår i Myrvegen 12 (gnr. 137, "
    "bnr. 45). Treng eg å søkje, eller kan eg byggje utan søknad? Eg legg ved eit bilete av "
    "korleis han skal sjå ut og situasjonsplanen.\n\nHelsing Gunhild Myrvold"
)
SMS_TEXT = "Hei, eg sende teikningar av garasjen på e-post. Fekk de dei? Mvh Gunhild"
DECLINE_REASON = (
    "Dette er eit spørsmål om kva reguleringsplanen tillèt, ikkje ein byggesøknad enno. "
    "Innbyggjarservice kan svare med rettleiinga om garasjar under 50 m²."
)
LETTER_SUBJECT = "Eigedomsskatt for hytta på Fonnes"
LETTER_TEXT = (
    "Eg har fått krav om eigedomsskatt for hytta, men ho vart riven i vår. Kan de rette "
    "opp skattegrunnlaget?"
)
LETTER_REPLY = (
    "Takk for brevet. Vi har retta skattegrunnlaget etter at hytta vart riven, og du får "
    "eit nytt skattekrav i posten."
)
OLD_SUBJECT = "Opningstider for servicetorget i jula"
OLD_TEXT = "Kva tid er servicetorget ope mellom jul og nyttår?"
OLD_REPLY = "Servicetorget er ope 09.00 til 14.00 frå 27. til 30. desember, og stengt nyttårsaftan."
TEMPLATES = (
    (
        "Takk for meldinga",
        None,
        "nn",
        "Hei!\n\nTakk for meldinga di. Saka har nummer {reference}, og du får svar innan "
        "{due_date}.\n\nHelsing\n{municipality}",
    ),
    (
        "Takk for henvendelsen",
        None,
        "nb",
        "Hei!\n\nTakk for henvendelsen din. Saken har nummer {reference}, og du får svar "
        "innen {due_date}.\n\nHilsen\n{municipality}",
    ),
    (
        "Garasje under 50 m²",
        "innbyggjarservice",
        "nn",
        "Hei!\n\nEin garasje under 50 m² kan du som regel byggje utan søknad når han står "
        "minst 1 meter frå nabogrensa og følgjer reguleringsplanen. Sjå rettleiinga på "
        "nettsidene våre.\n\nHelsing\n{municipality}",
    ),
    (
        "Manglande vedlegg",
        "byggesak",
        "nn",
        "Hei!\n\nSøknaden i sak {reference} manglar situasjonsplan og teikningar. Send dei "
        "til oss, så handsamar vi søknaden.\n\nHelsing\nByggesak, {municipality}",
    ),
)


def add_showcase(loader) -> dict[str, Case]:
    """Add the showcase citizen's cases and the reply templates (``loader``:
    :class:`inbox.demo.DemoLoader`, whose people are loaded); the cases by role."""
    citizen = loader._citizen(len(CITIZENS), NAME)
    db.session.flush()
    departments: dict[str, Department] = loader.departments
    frontline = loader.staff["innbyggjarservice"][1]  # not the leader: a front-line agent
    today = loader.calendar.local_date(loader.now)
    earlier = _working_day_before(loader, today, 2)
    yesterday = _working_day_before(loader, today, 1)
    cases: dict[str, Case] = {}

    old_at = _at(loader, _working_day_before(loader, today, 60), 11)
    with frozen_at(old_at):
        old = receive(_inbound(loader, old_at, "email", citizen, OLD_SUBJECT, OLD_TEXT))
    answered_at = old_at + timedelta(hours=2)
    with frozen_at(answered_at):
        answer_as_staff(old, frontline, OLD_REPLY)
    old.status, old.closed_at = CaseStatus.CLOSED, answered_at + timedelta(days=1)
    cases["closed"] = old

    letter_at = _at(loader, _working_day_before(loader, today, 20), 9.5)
    with frozen_at(letter_at):
        letter = receive(
            _inbound(loader, letter_at, "letter", citizen, LETTER_SUBJECT, LETTER_TEXT)
        )
    tax = departments["eigedomsskatt"]
    tax_staff = loader.staff["eigedomsskatt"][1]
    with frozen_at(letter_at + timedelta(hours=1)):
        offer = propose(letter, tax, frontline, "Krav om eigedomsskatt for ei riven hytte.")
    with frozen_at(letter_at + timedelta(hours=3)):
        accept(locked(offer.id), tax_staff, tell_citizen=False, assign_to_me=True)
    with frozen_at(letter_at + timedelta(days=1)):
        answer_as_staff(letter, tax_staff, LETTER_REPLY)
    letter.status, letter.closed_at = CaseStatus.CLOSED, letter_at + timedelta(days=2)
    cases["letter"] = letter

    garage_at = _at(loader, earlier, 10)
    attachments = (
        InboundAttachment("garasje-skisse.png", "image/png", png_picture()),
        InboundAttachment(
            "situasjonsplan.pdf",
            "application/pdf",
            pdf_document(
                "Situasjonsplan - Myrvegen 12",
                [
                    "Gnr. 137, bnr. 45, Alver kommune",
                    "Garasje 5 x 8 m (40 m2), 1,5 m fra nabogrensa mot nord.",
                    "Innkjoring fra Myrvegen som i dag.",
                ],
            ),
        ),
    )
    with frozen_at(garage_at):
        inbound = _inbound(loader, garage_at, "email", citizen, GARAGE_SUBJECT, GARAGE_TEXT)
        garage = receive(replace(inbound, attachments=attachments))
    building = departments["byggesak"]
    with frozen_at(garage_at + timedelta(hours=1)):
        offer = propose(
            garage, building, frontline, "Spørsmål om garasje, sjå vedlegga. Treng ho søknad?"
        )
    with frozen_at(garage_at + timedelta(hours=3)):
        decline(locked(offer.id), loader.staff["byggesak"][1], DECLINE_REASON)
    cases["declined"] = garage

    sms_at = _at(loader, yesterday, 9.5)
    with frozen_at(sms_at):
        cases["sms"] = receive(_inbound(loader, sms_at, "sms", citizen, "", SMS_TEXT))

    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))
    with frozen_at(loader.now - timedelta(days=30)):
        for title, slug, language, text in TEMPLATES:
            department = departments[slug] if slug else None
            add_template(TemplateFields(title, department, language, text), admin)
    return cases


def _inbound(loader, received_at: datetime, channel: str, citizen, subject: str, text: str):
    loader.serial += 1  # each message its own channel id, as the history's
    return loader._inbound(received_at, channel, citizen, subject, text)


def _working_day_before(loader, day: date, count: int) -> date:
    for _ in range(count):
        day = loader._previous_working_day(day)
    return day


def _at(loader, day: date, hour: float) -> datetime:
    opens = datetime.combine(day, datetime.min.time(), tzinfo=loader.calendar.zone)
    return opens + timedelta(hours=hour)
