"""Callback requests: taking them in (web page, API) and recording the calls staff make.

A request becomes a case on channel ``callback`` through intake like any
message; its promise is the callback rule (preferably the same day, at the
latest the next working day) and, when the citizen agreed, an SMS confirms
when we will call. Staff then record each attempt: reached (the answer, which
ends the turn), not reached (a note, and optionally an SMS saying we tried),
or a wrong number.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from channels.base import InboundMessage
from channels.callback import PREFERRED_TIMES, callback_message
from channels.phone import e164
from inbox.cases.replies import add_note, reply
from inbox.clock import now
from inbox.extensions import db
from inbox.i18n import N_, Language
from inbox.intake.receiving import receive
from inbox.models import Case, Direction, Message, OutKind, User
from inbox.outbox.outgoing import send_to_citizen
from inbox.people import audit
from inbox.people.departments import department_with_slug
from inbox.people.rate_limits import TooManyRequests as TooManyRequests  # callers catch it here
from inbox.people.rate_limits import count_against
from inbox.settings.config import Settings

NAME_LENGTH = 200
ABOUT_LENGTH = 2000
# At most this many requests per window from one address and for one number.
LIMITS = {"callback-ip": (5, timedelta(hours=1)), "callback-phone": (3, timedelta(days=1))}


class CallbackError(ValueError):
    """A request that cannot be taken in; ``field`` says which input is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RequestIdReused(Exception):
    """The requester sent this ``request_id`` before with other content."""

    def __init__(self, request_id: str, case: Case) -> None:
        super().__init__(f"{request_id!r} was used for another request (case {case.reference})")


@dataclass(frozen=True)
class CallbackRequest:
    name: str
    phone: str
    about: str
    preferred_time: str = "any"
    department: str | None = None
    sms_consent: bool = False
    language: str = "nn"
    #: The phone system's own id (API), so a request sent twice is taken in once. Each
    #: requester's ids are its own: two phone systems may both count from 1.
    request_id: str | None = None


def validate(request: CallbackRequest, country: str) -> str:
    """The number in E.164, read as a number of ``country`` when written without a country
    code; raises :class:`CallbackError` naming the first bad field."""
    if not request.name.strip():
        raise CallbackError("name", N_("Write your name."))
    if len(request.name) > NAME_LENGTH:
        raise CallbackError("name", N_("The name is too long."))
    phone = e164(request.phone, country)
    if phone is None:
        raise CallbackError("phone", N_("Write a phone number we can call, such as 912 34 567."))
    if not request.about.strip():
        raise CallbackError("about", N_("Tell us briefly what it is about."))
    if len(request.about) > ABOUT_LENGTH:
        raise CallbackError("about", N_("Please keep it shorter (at most 2000 characters)."))
    if request.preferred_time not in PREFERRED_TIMES:
        raise CallbackError("preferred_time", N_("Choose a time of day from the list."))
    if request.department is not None and not _is_open_to_cases(request.department):
        raise CallbackError("department", N_("Choose a department from the list."))
    return phone


def _is_open_to_cases(slug: str) -> bool:
    department = department_with_slug(slug)
    return department is not None and department.is_active


def request_callback(
    request: CallbackRequest, *, source: str, ip: str | None = None, requester: User | None = None
) -> Case:
    """Take in a valid request (after the rate limits); the caller commits.

    A ``request_id`` is the ``requester``'s own: sent again with the same content, the
    request is taken in once; with other content, :class:`RequestIdReused`.

    Call it in a write transaction from its start
    (:func:`inbox.database.commit_and_begin_write`): counting against the limits
    and taking in must be one writer's transaction (SQLite).
    """
    settings: Settings = current_app.extensions["svarfrist"]
    phone = validate(request, settings.rules.calendar.country)
    request_id = None
    if request.request_id is not None:
        request_id = f"{requester.id if requester else 'anonymous'}/{request.request_id}"
    message = callback_message(
        name=request.name,
        phone=phone,
        about=request.about[:ABOUT_LENGTH],
        received_at=now(),
        preferred_time=request.preferred_time,
        department=request.department,
        sms_consent=request.sms_consent,
        source=source,
        request_id=request_id,
        language=request.language,
    )
    if request_id is not None:
        content = _content_digest(request, phone)
        message = replace(message, metadata={**message.metadata, "request_digest": content})
        _refuse_reused_id(message, request.request_id, content)
    count_against(LIMITS, {"callback-ip": ip, "callback-phone": phone})
    case = receive(message)
    case.language = request.language  # also on an open case the request joined
    if case.contact.language is None:
        case.contact.language = request.language
    return case


def _content_digest(request: CallbackRequest, phone: str) -> str:
    content = {**asdict(request), "phone": phone, "request_id": None}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _refuse_reused_id(message: InboundMessage, request_id: str, content: str) -> None:
    earlier = db.session.scalar(
        select(Message).where(
            Message.channel == message.channel,
            Message.account == message.account,
            Message.external_id == message.external_id,
        )
    )
    if earlier is not None and (earlier.metadata_json or {}).get("request_digest") != content:
        raise RequestIdReused(request_id, earlier.case)


class Outcome(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not-reached"
    WRONG_NUMBER = "wrong-number"


OUTCOME_NOTES = {
    Outcome.REACHED: N_("Called the citizen: reached."),
    Outcome.NOT_REACHED: N_("Called the citizen: no answer."),
    Outcome.WRONG_NUMBER: N_("Called the citizen: wrong number."),
}


def record_attempt(
    case: Case, staff: User, outcome: Outcome, note: str = "", *, tell_by_sms: bool = False
) -> Message:
    """One call: reached ends the turn as answered; the others are notes on the case.

    ``tell_by_sms`` (not reached): an SMS that we tried, on the number asked
    to be called, in the case's language.
    """
    language = Language.load(case.language)
    text = language.gettext(OUTCOME_NOTES[outcome])
    if note.strip():
        text = f"{text}\n\n{note.strip()}"
    audit.record("callback.attempt", user=staff, case=case, outcome=outcome.value)
    if outcome == Outcome.REACHED:
        return reply(case, staff, text)
    message = add_note(case, staff, text)
    if outcome == Outcome.NOT_REACHED and tell_by_sms:
        _tell_we_tried(case, staff, language)
    return message


def _tell_we_tried(case: Case, staff: User, language: Language) -> None:
    settings: Settings = current_app.extensions["svarfrist"]
    phone = next(
        (
            m.address
            for m in reversed(case.messages)
            if m.channel == "callback" and m.direction == Direction.IN
        ),
        None,
    )
    text = language.gettext(
        "%(municipality)s tried to call you about case %(reference)s. "
        "We will try again, or you can call us during opening hours.",
        municipality=settings.rules.municipality.name,
        reference=case.reference,
    )
    send_to_citizen(
        case,
        kind=OutKind.NOTICE,
        text=text,
        channel="sms",
        account="",
        recipient=phone,
        author=staff,
    )
