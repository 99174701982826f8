"""Translated names the templates show: channels, statuses, departments, error pages."""

from __future__ import annotations

from datetime import datetime

import nh3
from babel import Locale, UnknownLocaleError
from babel.dates import get_datetime_format
from babel.lists import format_list
from flask import current_app
from flask_babel import (
    format_date,
    format_number,
    format_percent,
    format_time,
    get_locale,
    ngettext,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from inbox.cases.answer_ways import AnswerWay, Delivery, Route
from inbox.cases.replies import MAX_TEXT_LENGTH
from inbox.cases.timeleft import Reading, time_left
from inbox.clock import now
from inbox.i18n import FORMAT_LOCALES
from inbox.models import CaseStatus, Department, Direction, OutKind
from inbox.settings.promise_text import CHANNEL_NAMES
from rules.autoreply import Hold
from rules.language import Detection

STATUS_NAMES = {
    CaseStatus.NEW: _l("New"),
    # Not "Open": the opening hours' column has that word, and Nynorsk staff read it as English.
    CaseStatus.OPEN: _l("Being worked on"),
    CaseStatus.WAITING: _l("Waiting for the citizen"),
    CaseStatus.CLOSED: _l("Closed"),
}
ERROR_TITLES = {
    400: _l("The request could not be used"),
    401: _l("You need to log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("The request could not be used"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    503: _l("Svarfrist is not available just now"),
}
ERROR_TEXTS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    401: _l("Log in and try again."),
    403: _l("If you need access, ask your leader or an administrator."),
    404: _l("The address may be mistyped, or the page has been moved."),
    405: _l("Go back and try again."),
    413: _l("What you sent is larger than Svarfrist accepts."),
    429: _l("Wait a few minutes and try again."),
    503: _l("The database is not answering. Nothing you sent was saved; try again in a minute."),
}


HELD_ACKNOWLEDGEMENTS = {
    Hold.AUTO_SUBMITTED: _l("No automatic acknowledgement: this is an automatic message."),
    Hold.BULK: _l("No automatic acknowledgement: this is bulk mail."),
    Hold.MAILING_LIST: _l("No automatic acknowledgement: this came from a mailing list."),
    Hold.EMPTY_RETURN_PATH: _l("No automatic acknowledgement: the message has no return address."),
    Hold.ROBOT_SENDER: _l("No automatic acknowledgement: the sender is a machine address."),
    Hold.SUPPRESSED: _l("No automatic acknowledgement: the sender asked for none."),
    Hold.OWN_ADDRESS: _l("No automatic acknowledgement: the message came from our own address."),
    Hold.RECENTLY_ACKNOWLEDGED: _l("No automatic acknowledgement: this address got one recently."),
    Hold.QUIET_PERIOD: _l("No automatic acknowledgement: this case got one recently."),
    Hold.NO_CONSENT: _l("No confirmation SMS: the citizen did not agree to one."),
}

MESSAGE_LABELS = {
    (Direction.IN, None): _l("From the citizen"),
    (Direction.NOTE, None): _l("Internal note"),
    (Direction.OUT, OutKind.REPLY): _l("Answer"),
    (Direction.OUT, OutKind.PRELIMINARY): _l("Preliminary answer"),
    (Direction.OUT, OutKind.ACKNOWLEDGEMENT): _l("Automatic acknowledgement"),
    (Direction.OUT, OutKind.NOTICE): _l("Notice to the citizen"),
}


DELIVERY_ERRORS = {
    "opted-out": _l(
        "the citizen has answered STOP to our SMS; nothing is sent to this number until START"
    ),
    "outside_window": _l(
        "Meta lets a page answer a message only within 24 hours of the citizen's last one; "
        "answer another way"
    ),
}
DELIVERY_NAMES = {
    Delivery.QUEUED: _l("Queued, not sent yet"),
    Delivery.SENT: _l("Sent"),
    Delivery.DELIVERED: _l("Delivered"),
    Delivery.FAILED: _l("Not delivered"),
    Delivery.SPOKEN: _l("Given by phone or at the desk, nothing was sent"),
    Delivery.LETTER_UNSENT: _l("Letter not sent yet"),
    Delivery.LETTER_SENT: _l("Letter sent"),
    Delivery.NOT_SENT: _l("Not sent"),
}
WAY_LABELS = {
    Route.EMAIL: _l("By e-mail to %(recipient)s"),
    Route.SMS: _l("By SMS to %(recipient)s"),
    Route.FACEBOOK: _l("As a Facebook message to the citizen"),
    Route.INSTAGRAM: _l("As an Instagram message to the citizen"),
    Route.SPOKEN: _l("Answered by phone or at the desk: write what was said, nothing is sent"),
    Route.LETTER: _l(
        "By letter: print it as a PDF and post it; the promise is kept when you mark it sent"
    ),
}
QUEUED_TEXTS = {
    Route.EMAIL: _l(
        "The answer is queued to be sent by e-mail to %(recipient)s. Its state is shown beside "
        "it in the conversation."
    ),
    Route.SMS: _l(
        "The answer is queued to be sent by SMS to %(recipient)s. Its state is shown beside it "
        "in the conversation."
    ),
    Route.FACEBOOK: _l(
        "The answer is queued to be sent as a Facebook message. Its state is shown beside it "
        "in the conversation."
    ),
    Route.INSTAGRAM: _l(
        "The answer is queued to be sent as an Instagram message. Its state is shown beside it "
        "in the conversation."
    ),
}
REPLY_PLANS = {
    "response": _l("The answer goes out as a message (within 24 hours of the citizen's last)."),
    "human_agent": _l(
        "The answer goes out as a message marked as from a person (HUMAN_AGENT), "
        "allowed up to 7 days after the citizen's last message."
    ),
    "comment": _l("The answer goes out as a reply under the citizen's comment."),
    "outside_window": _l(
        "This conversation can no longer be answered here: Meta allows answers only within "
        "24 hours of the citizen's last message. Answer another way (phone, e-mail, letter) "
        "and register it."
    ),
}


def reply_plan_text(plan: str | None) -> str | None:
    return str(REPLY_PLANS[plan]) if plan in REPLY_PLANS else None


HANDOVER_HISTORY = {
    "accepted": _l("%(date)s: %(to)s accepted the case from %(from)s"),
    "declined": _l("%(date)s: %(to)s declined the case from %(from)s"),
    "withdrawn": _l("%(date)s: %(from)s withdrew the offer to %(to)s"),
}


def handover_history_text(handover) -> str:
    return str(HANDOVER_HISTORY[handover.status.value]) % {
        "date": long_datetime(handover.decided_at),
        "to": department_name(handover.to_department),
        "from": department_name(handover.from_department),
    }


def delivery_text(state: Delivery, metadata: dict) -> str:
    """What became of an outgoing message, with the reason when it failed."""
    reason = metadata.get("delivery_error")
    if state == Delivery.FAILED and reason:
        return _("Not delivered: %(reason)s", reason=delivery_error_text(reason))
    return str(DELIVERY_NAMES[state])


def way_label(way: AnswerWay) -> str:
    return str(WAY_LABELS[way.route]) % {"recipient": way.recipient}


def queued_text(way: AnswerWay) -> str:
    """What the page says after an answer went to the outbox (queued, not yet sent)."""
    return str(QUEUED_TEXTS[way.route]) % {"recipient": way.recipient}


def delivery_error_text(reason: str) -> str:
    """Known reasons in the user's language; a server's own words as they came."""
    return str(DELIVERY_ERRORS.get(reason, reason))


def acknowledgement_held_text(reason: str) -> str:
    return str(HELD_ACKNOWLEDGEMENTS.get(reason, _l("No automatic acknowledgement was sent.")))


def message_label(direction: Direction, kind: OutKind | None) -> str:
    return str(MESSAGE_LABELS.get((direction, kind), _l("Message")))


def time_left_text(due_at: datetime) -> tuple[str, str]:
    """Text and urgency class for a due time, in words that cannot be misread: "3 arbeidsdagar
    att", "forfall i dag kl. 15:00", "forfall i morgon kl. 12:00", "2 arbeidsdagar over
    fristen" (never working hours, which read as clock hours)."""
    calendar = current_app.extensions["svarfrist"].rules.calendar
    left = time_left(calendar, now(), due_at)
    at = format_time(left.due_local, "short")
    if left.reading == Reading.DAYS_OVER:
        text = ngettext(
            "%(num)d working day overdue", "%(num)d working days overdue", left.working_days
        )
    elif left.reading == Reading.OVERDUE_TODAY:
        text = _("Overdue since %(time)s today", time=at)
    elif left.reading == Reading.DUE_TODAY:
        text = _("Due today at %(time)s", time=at)
    elif left.reading == Reading.DUE_TOMORROW:
        text = _("Due tomorrow at %(time)s", time=at)
    else:
        text = ngettext("%(num)d working day left", "%(num)d working days left", left.working_days)
    return text, left.urgency.value


def delivery_retry_text(metadata: dict) -> str:
    """A message the outbox is still trying to send: the last error and the next try."""
    if metadata.get("backed_off_account"):
        return _(
            "Not tried yet: the account %(account)s does not answer (%(reason)s), so all its "
            "messages wait. Svarfrist tries again by itself, next %(when)s.",
            account=metadata["backed_off_account"],
            reason=metadata.get("delivery_error") or "",
            when=long_datetime(datetime.fromisoformat(metadata["next_attempt_at"])),
        )
    return _(
        "Sending failed: %(reason)s. Svarfrist tries again by itself, next %(when)s.",
        reason=metadata.get("delivery_error") or "",
        when=long_datetime(datetime.fromisoformat(metadata["next_attempt_at"])),
    )


def long_datetime(moment: datetime) -> str:
    """Date and time as a letter writes them, in the municipality's time zone."""
    return _(
        "%(date)s at %(time)s", date=format_date(moment, "full"), time=format_time(moment, "short")
    )


def message_time(moment: datetime) -> str:
    """When a message came or went, to the minute ("27. nov. 2026, 10:00"): the date and the
    time joined as the language joins them, without the seconds Babel's medium format adds."""
    joined = get_datetime_format("medium", locale=str(get_locale() or "nn"))
    return joined.format(format_time(moment, "short"), format_date(moment, "medium"))


def sanitized(html: str | None) -> Markup:
    """HTML from outside, cleaned again on the way out (it was cleaned when stored)."""
    return Markup(nh3.clean(html or ""))


def channel_name(channel: str) -> str:
    return _(CHANNEL_NAMES[channel]) if channel in CHANNEL_NAMES else channel


def department_name(department: Department) -> str:
    """The department's name in the page's language (its Nynorsk name when it has none)."""
    return department.name_in(str(get_locale() or "nn"))


def language_name(code: str) -> str:
    """A language's name in the page's language ("nynorsk", "Norwegian Bokmål"), not its code."""
    try:
        return Locale.parse(code).get_display_name(str(get_locale() or "nn")) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def detection_text(detection: Detection, language: str) -> str:
    """What intake's language detection saw in the case's first message, beside the case's
    ``language`` (which staff may have changed since)."""
    if detection.guess is None:
        return _("The first message was too short to tell its language.")
    values = {
        "language": language_name(detection.guess),
        "confidence": format_percent(detection.confidence),
    }
    if detection.is_reliable and detection.guess == language:
        return _("Recognised from the first message, %(confidence)s sure.", **values)
    if detection.is_reliable:
        return _("Recognised from the first message: %(language)s, %(confidence)s sure.", **values)
    return _(
        "The first message's language was unclear (closest: %(language)s, %(confidence)s sure).",
        **values,
    )


def list_text(items) -> str:
    """Names as a list in the page's language ("Kari, Ola og Per"), through Babel; departments
    by their name in that language."""
    names = [department_name(i) if isinstance(i, Department) else str(i) for i in items]
    if not names:
        return ""
    code = str(get_locale() or "nn")
    return format_list(names, locale=FORMAT_LOCALES.get(code, code))


def status_name(status: CaseStatus) -> str:
    return str(STATUS_NAMES[status])


def error_title(code: int | None) -> str:
    return str(ERROR_TITLES.get(code or 500, _l("Something went wrong")))


def error_text(code: int | None) -> str:
    return str(ERROR_TEXTS.get(code or 500, _l("Try again in a moment.")))


def text_limit() -> str:
    """The longest answer or note, in the page's language (``20 000``)."""
    return format_number(MAX_TEXT_LENGTH)


def template_globals() -> dict:
    from inbox.web.history_text import history_text  # it says names through this module

    return {
        "history_text": history_text,
        "language_name": language_name,
        "detection_text": detection_text,
        "list_text": list_text,
        "current_language": str(get_locale() or "nn"),
        "municipality_name": current_app.extensions["svarfrist"].rules.municipality.name,
        "accessibility_statement_url": (
            current_app.extensions["svarfrist"].rules.municipality.accessibility_statement_url
        ),
        "channel_name": channel_name,
        "status_name": status_name,
        "department_name": department_name,
        "error_title": error_title,
        "error_text": error_text,
        "message_label": message_label,
        "acknowledgement_held_text": acknowledgement_held_text,
        "delivery_text": delivery_text,
        "delivery_retry_text": delivery_retry_text,
        "reply_plan_text": reply_plan_text,
        "handover_history_text": handover_history_text,
        "time_left_text": time_left_text,
        "sanitized": sanitized,
        "long_datetime": long_datetime,
        "message_time": message_time,
        "text_limit": text_limit,
    }
