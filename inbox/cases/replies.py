"""Answers to the citizen and internal notes: what ends a turn, and what does not."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import current_app

from inbox.cases.answer_ways import (
    SENT_ROUTES,
    AnswerWay,
    Delivery,
    Route,
    answer_ways,
    default_way,
    last_inbound,
)
from inbox.cases.turns import end_turn, open_turn, start_turn
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.i18n import N_, Language
from inbox.models import (
    Case,
    CaseStatus,
    Direction,
    Message,
    OutKind,
    TurnOrigin,
    User,
)
from inbox.outbox.outgoing import send_to_citizen
from inbox.people import audit
from rules.promises import PromiseError, preliminary_due

ANSWER_KINDS = (OutKind.REPLY, OutKind.PRELIMINARY)
#: The longest answer or note staff may write, on the case page and through the API.
MAX_TEXT_LENGTH = 20_000
#: A real answer is at least this long and this many words ("x" is no answer).
MIN_ANSWER_CHARACTERS = 10
MIN_ANSWER_WORDS = 2
#: The sentence a preliminary answer tells its new date with, in the case's language.
PROMISED_DATE_SENTENCE = N_("You will get an answer by %(date)s at the latest.")


class ReplyError(ServiceError):
    """The answer cannot be given as asked; ``field`` names the argument that is wrong
    (``kind``, ``text`` or ``new_date``), ``code`` (``reply.<field>`` unless given) and the
    message say why."""

    def __init__(self, field: str, message: str, /, *, code: str | None = None, **params) -> None:
        super().__init__(code or f"reply.{field}", message, **params)
        self.field = field


def reply(
    case: Case,
    author: User,
    text: str,
    *,
    kind: OutKind = OutKind.REPLY,
    new_date: date | None = None,
    way: AnswerWay | None = None,
) -> Message:
    """Answer the citizen the ``way`` chosen (default: :func:`default_way`); ends the open turn.

    Only a way :func:`answer_ways` offers for the case is accepted. E-mail, SMS and Meta go
    to the outbox; an answer given by phone or at the desk is recorded and nothing is sent;
    a letter is recorded unsent and ends the turn only when :func:`mark_letter_sent` says it
    left. A preliminary answer needs ``new_date``, a working day after today: it keeps the
    promise and starts a turn due at the close of that day.
    """
    if kind not in ANSWER_KINDS:
        raise ReplyError(
            "kind", "an answer is a reply or a preliminary answer, not %(kind)s", kind=kind
        )
    if not text.strip():
        raise ReplyError("text", "the answer has no text", code="reply.no_text")
    answered_at = now()
    new_due = _preliminary_due(new_date, answered_at) if kind == OutKind.PRELIMINARY else None
    if kind == OutKind.PRELIMINARY and not is_real_text(text):
        raise ReplyError("text", "a preliminary answer needs a real text, not a word or two")
    # An answer on a letter case through the API is a letter its caller has sent (an archive
    # or digital-post system): recorded as sent, it ends the turn, as DESIGN.md says.
    posted_by_caller = way is None and case.channel == Route.LETTER
    if posted_by_caller:
        way = AnswerWay(Route.LETTER)
    elif way is None:
        way = default_way(case, answered_at)
        if way is None:
            raise ReplyError(
                "way",
                "the citizen cannot be answered on %(channel)s now",
                code="reply.channel_closed",
                channel=case.channel,
            )
    elif way not in answer_ways(case, answered_at):
        raise ReplyError(
            "way",
            "the answer cannot go to the citizen as %(way)s on this case",
            code="reply.way_not_offered",
            way=way.key,
        )
    if way.route in SENT_ROUTES:
        message = _send(case, author, text, kind, way)
    else:
        message = _record(case, author, text, kind, way, new_due)
    audit.record(
        f"message.{kind.value}", user=author, case=case, message_id=message.id, way=way.route.value
    )
    if posted_by_caller:
        message.metadata_json = {**message.metadata_json, "delivery": Delivery.LETTER_SENT.value}
    if way.route != Route.LETTER or posted_by_caller:
        _answered(case, message, kind, new_due)
    db.session.flush()
    return message


def mark_letter_sent(case: Case, letter: Message, author: User) -> None:
    """The printed letter has left: it answers the turn now, as if sent at this moment."""
    metadata = letter.metadata_json or {}
    if letter.case_id != case.id or metadata.get("delivery") != Delivery.LETTER_UNSENT:
        raise ReplyError(
            "letter",
            "message %(letter)s is no unsent letter on this case",
            code="reply.no_unsent_letter",
            letter=letter.id,
        )
    sent_at = now()
    new_due = metadata.get("new_due")
    letter.created_at = sent_at
    letter.metadata_json = {**metadata, "delivery": Delivery.LETTER_SENT.value}
    _answered(case, letter, letter.kind, datetime.fromisoformat(new_due) if new_due else None)
    audit.record("letter.sent", user=author, case=case, message_id=letter.id)
    db.session.flush()


def _send(case: Case, author: User, text: str, kind: OutKind, way: AnswerWay) -> Message:
    last = last_inbound(case)
    same_channel = last is not None and last.channel == way.route
    return send_to_citizen(
        case,
        kind=kind,
        text=text,
        channel=way.route.value,
        account=last.account if same_channel else "",
        recipient=way.recipient,
        in_reply_to=last if same_channel else None,
        author=author,
    )


def _record(
    case: Case, author: User, text: str, kind: OutKind, way: AnswerWay, new_due: datetime | None
) -> Message:
    """An answer that leaves Svarfrist on paper or by voice: on the case, not in the outbox."""
    if way.route == Route.LETTER:
        channel, delivery = "letter", Delivery.LETTER_UNSENT
    else:
        channel = case.channel if case.channel in ("phone", "in_person") else "phone"
        delivery = Delivery.SPOKEN
    metadata = {"delivery": delivery.value}
    if new_due is not None:
        metadata["new_due"] = new_due.isoformat()
    message = Message(
        case=case,
        direction=Direction.OUT,
        kind=kind,
        channel=channel,
        author=author,
        text=text,
        created_at=now(),
        metadata_json=metadata,
    )
    db.session.add(message)
    db.session.flush()
    return message


def _answered(case: Case, message: Message, kind: OutKind, new_due: datetime | None) -> None:
    turn = open_turn(case)
    if turn is not None:
        end_turn(turn, message, kind)
    if new_due is not None:
        start_turn(
            case,
            origin=TurnOrigin.PRELIMINARY,
            opened_by=message,
            received_at=message.created_at,
            target_at=new_due,
            due_at=new_due,
        )
    case.status = CaseStatus.OPEN if kind == OutKind.PRELIMINARY else CaseStatus.WAITING


def add_note(case: Case, author: User, text: str) -> Message:
    """An internal note: never sent, never ends a turn."""
    if not text.strip():
        raise ReplyError("text", "the note has no text", code="reply.note_no_text")
    note = Message(
        case=case,
        direction=Direction.NOTE,
        channel=case.channel,
        author=author,
        text=text,
        created_at=now(),
    )
    db.session.add(note)
    db.session.flush()
    audit.record("message.note", user=author, case=case, message_id=note.id)
    return note


def is_real_text(text: str) -> bool:
    """At least :data:`MIN_ANSWER_CHARACTERS` characters in :data:`MIN_ANSWER_WORDS` words."""
    stripped = text.strip()
    return len(stripped) >= MIN_ANSWER_CHARACTERS and len(stripped.split()) >= MIN_ANSWER_WORDS


def promised_date_sentence(language: str, day: date) -> str:
    """The sentence that tells the citizen the new date, in ``language`` (the case's):
    "Du får svar seinast tysdag 8. desember 2026."."""
    speaking = Language.load(language)
    return speaking.gettext(PROMISED_DATE_SENTENCE, date=speaking.date(day))


def mentions_date(text: str, language: str, day: date) -> bool:
    """Whether ``text`` already names ``day`` ("8. desember", "08.12.2026", "2026-12-08")."""
    locale = Language.load(language).locale
    written = {
        format_date(day, "d. MMMM", locale=locale),
        format_date(day, "d MMMM", locale=locale),
        format_date(day, "dd.MM.yyyy", locale=locale),
        f"{day.day}.{day.month}.{day.year}",
        day.isoformat(),
    }
    folded = " ".join(text.split()).casefold()
    return any(form.casefold() in folded for form in written)


def with_promised_date(text: str, language: str, day: date, signature: str = "") -> str:
    """``text`` with the new date's sentence added, before ``signature`` when it ends the
    text; unchanged when the text already names the day."""
    if mentions_date(text, language, day):
        return text
    sentence = promised_date_sentence(language, day)
    body, ending = text.rstrip(), ""
    if signature and body.endswith(signature.strip()):
        body, ending = body[: -len(signature.strip())].rstrip(), signature.strip()
    joined = f"{body}\n\n{sentence}" if body else sentence
    return f"{joined}\n\n{ending}" if ending else joined


def preliminary_dates(count: int) -> list[date]:
    """The dates a preliminary answer may promise: the next ``count`` working days after today."""
    calendar = current_app.extensions["svarfrist"].rules.calendar
    return [day.date for day in calendar.working_days_after(calendar.local_date(now()), count)]


def _preliminary_due(new_date: date | None, answered_at):
    if new_date is None:
        raise ReplyError(
            "new_date",
            "a preliminary answer needs the new date the answer will come",
            code="reply.no_new_date",
        )
    calendar = current_app.extensions["svarfrist"].rules.calendar
    try:
        return preliminary_due(calendar, new_date, answered_at)
    except PromiseError as error:
        raise ReplyError(
            "new_date", "%(reason)s", code="reply.new_date_not_working_day", reason=error
        ) from None
