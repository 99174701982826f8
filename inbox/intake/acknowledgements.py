"""The automatic acknowledgement that tells a citizen when the answer will come.

Written as an outgoing message on the case and an outbox row in the intake
transaction; the dispatcher sends it after the commit. Texts are rendered in
the case's language. Loop protection (``rules.autoreply``) holds it back for
robots, mailing lists, our own addresses and senders acknowledged recently;
the reason is kept on the received message so staff can see it. Every acknowledgement
ends with a link to the case's status page (:mod:`inbox.cases.status_links`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from inbox.cases.status_links import status_url
from inbox.clock import now
from inbox.extensions import db
from inbox.i18n import Language
from inbox.models import Case, Direction, Message, OutKind, Turn
from inbox.outbox.outgoing import send_to_citizen
from inbox.settings.config import Settings
from rules.autoreply import Hold, hold_for_headers, hold_for_history

# RFC 2606: no address under it exists; a message without a sender address comes from one.
UNDELIVERABLE_DOMAIN = "invalid"


def acknowledgement_text(case: Case, turn: Turn, settings: Settings, language: Language) -> str:
    """The acknowledgement in the case's language, with the reference and the due time.

    A promise that has already passed when the message is taken in (mail read
    after days of downtime) is not repeated to the citizen: the text says the
    answer comes as soon as possible, by the end of the next working day. The
    turn keeps its real due time, so the report still counts it as late.
    """
    zone = settings.rules.calendar.zone
    taken_in_at = now()
    if turn.due_at <= taken_in_at:
        return _late_acknowledgement_text(case, turn, settings, language, taken_in_at)
    values = {
        "municipality": settings.rules.municipality.name,
        "reference": case.reference,
        "due": language.datetime(turn.due_at.astimezone(zone)),
        "target": language.datetime(turn.target_at.astimezone(zone)),
    }
    own_text = settings.acknowledgement_texts.get(language.code)
    if turn.channel == "email" and own_text:
        return own_text.format(
            municipality=values["municipality"],
            reference=case.reference,
            due=values["due"],
            due_date=language.date(turn.due_at.astimezone(zone)),
        )
    if turn.channel == "callback":
        if turn.target_at < turn.due_at and taken_in_at < turn.target_at:
            return language.gettext(
                "We have received your request to be called back (case %(reference)s). "
                "We will call you preferably by %(target)s, at the latest by %(due)s.",
                **values,
            )
        return language.gettext(
            "We have received your request to be called back (case %(reference)s). "
            "We will call you at the latest by %(due)s.",
            **values,
        )
    if turn.channel == "sms":
        return language.gettext(
            "Thank you for your message to %(municipality)s (case %(reference)s). "
            "You will have an answer at the latest by %(due)s.",
            **values,
        )
    return language.gettext(
        "Thank you for your message to %(municipality)s. We have registered it as case "
        "%(reference)s, and you will have an answer at the latest by %(due)s.\n\n"
        "If we need more time to give you a good answer, we will tell you before then "
        "when you can expect it. If your matter is urgent, please phone us during "
        "opening hours.\n\nThis is an automatic reply.",
        **values,
    )


def _late_acknowledgement_text(
    case: Case, turn: Turn, settings: Settings, language: Language, taken_in_at: datetime
) -> str:
    """The acknowledgement when the turn's due time passed before intake.

    The municipality's own e-mail text is not used: it promises ``{due}``.
    """
    calendar = settings.rules.calendar
    next_day = calendar.next_working_day(calendar.local_date(taken_in_at))
    values = {
        "municipality": settings.rules.municipality.name,
        "reference": case.reference,
        "by": language.datetime(next_day.working_closes_at),
    }
    if turn.channel == "callback":
        return language.gettext(
            "We have received your request to be called back (case %(reference)s). "
            "We will call you as soon as we can, at the latest by %(by)s.",
            **values,
        )
    if turn.channel == "sms":
        return language.gettext(
            "Thank you for your message to %(municipality)s (case %(reference)s). "
            "We could not take it in until now; you will have an answer as soon as we can, "
            "at the latest by %(by)s.",
            **values,
        )
    return language.gettext(
        "Thank you for your message to %(municipality)s. We have registered it as case "
        "%(reference)s. We could not take it in until now, and you will have an answer "
        "as soon as we can, at the latest by %(by)s.\n\n"
        "If your matter is urgent, please phone us during opening hours.\n\n"
        "This is an automatic reply.",
        **values,
    )


def queue_acknowledgement(
    case: Case,
    turn: Turn,
    received: Message,
    settings: Settings,
    *,
    is_new_case: bool = False,
    acknowledged: dict[str, datetime | None] | None = None,
) -> Message | None:
    """Add the acknowledgement for ``turn`` as an outgoing message and an outbox row.

    Returns ``None`` when there is nobody to send it to or loop protection
    holds it back (then ``acknowledgement_held`` on the received message says why).
    ``acknowledged``: the last acknowledgement to each of a batch's addresses
    (:func:`last_acknowledgements`), kept up to date with the one queued here.
    """
    if not received.address or _top_level_domain(received.address) == UNDELIVERABLE_DOMAIN:
        return None
    hold = acknowledgement_hold(
        case, received, settings, is_new_case=is_new_case, acknowledged=acknowledged
    )
    if hold is not None:
        received.metadata_json = {**(received.metadata_json or {}), "acknowledgement_held": hold}
        return None
    language = Language.load(case.language)
    if acknowledged is not None:
        acknowledged[received.address] = now()
    channel = "sms" if received.channel == "callback" else received.channel
    text = with_status_link(
        acknowledgement_text(case, turn, settings, language), status_url(case), channel, language
    )
    return send_to_citizen(
        case,
        kind=OutKind.ACKNOWLEDGEMENT,
        text=text,
        channel=channel,
        account=received.account,
        recipient=received.address,
        in_reply_to=received,
    )


def with_status_link(text: str, url: str | None, channel: str, language: Language) -> str:
    """``text`` with the status page's link after it (``url`` ``None``: as it was); an SMS
    gets it in one short sentence."""
    if url is None:
        return text
    if channel == "email":
        added = language.gettext(
            "See how your case is going, or send us more information: %(url)s", url=url
        )
        return f"{text}\n\n{added}"
    added = language.gettext("Your case: %(url)s", url=url)
    return f"{text} {added}"


def acknowledgement_hold(
    case: Case,
    received: Message,
    settings: Settings,
    *,
    is_new_case: bool = False,
    acknowledged: dict[str, datetime | None] | None = None,
) -> Hold | None:
    """Why ``received`` must not be acknowledged automatically, or ``None``."""
    if received.channel == "callback" and not (received.metadata_json or {}).get("sms_consent"):
        return Hold.NO_CONSENT  # the confirmation SMS needs the citizen's yes
    if received.channel == "email":
        hold = hold_for_headers(
            received.metadata_json or {}, received.address, settings.own_addresses
        )
        if hold is not None:
            return hold
    if acknowledged is not None and received.address in acknowledged:
        last_to_sender = acknowledged[received.address]
    else:
        last_to_sender = _last_acknowledgement(Message.address == received.address)
    return hold_for_history(
        now(),
        settings.acknowledgement_limits,
        last_to_sender=last_to_sender,
        last_on_case=None if is_new_case else _last_acknowledgement(Message.case_id == case.id),
    )


def last_acknowledgements(addresses: set[str]) -> dict[str, datetime | None]:
    """The last acknowledgement to each address, on any case (``None``: never), in one query."""
    found: dict[str, datetime | None] = dict.fromkeys(addresses)
    if not addresses:
        return found
    rows = db.session.execute(
        select(Message.address, func.max(Message.created_at))
        .where(
            Message.direction == Direction.OUT,
            Message.kind == OutKind.ACKNOWLEDGEMENT,
            Message.address.in_(sorted(addresses)),
        )
        .group_by(Message.address)
    )
    found.update({address: at for address, at in rows})
    return found


def _last_acknowledgement(where) -> datetime | None:
    return db.session.scalar(
        select(func.max(Message.created_at)).where(
            Message.direction == Direction.OUT, Message.kind == OutKind.ACKNOWLEDGEMENT, where
        )
    )


def _top_level_domain(address: str) -> str:
    return address.rpartition("@")[2].rpartition(".")[2].lower()
