"""Translated names the templates show: channels, statuses, error pages."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inbox.models import CaseStatus
from inbox.promise_text import CHANNEL_NAMES

STATUS_NAMES = {
    CaseStatus.NEW: _l("New"),
    CaseStatus.OPEN: _l("Open"),
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
}
ERROR_TEXTS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    401: _l("Log in and try again."),
    403: _l("If you need access, ask your leader or an administrator."),
    404: _l("The address may be mistyped, or the page has been moved."),
    405: _l("Go back and try again."),
    413: _l("What you sent is larger than Svarfrist accepts."),
    429: _l("Wait a few minutes and try again."),
}


def channel_name(channel: str) -> str:
    return _(CHANNEL_NAMES[channel]) if channel in CHANNEL_NAMES else channel


def status_name(status: CaseStatus) -> str:
    return str(STATUS_NAMES[status])


def error_title(code: int | None) -> str:
    return str(ERROR_TITLES.get(code or 500, _l("Something went wrong")))


def error_text(code: int | None) -> str:
    return str(ERROR_TEXTS.get(code or 500, _l("Try again in a moment.")))


def template_globals() -> dict:
    return {
        "current_language": str(get_locale() or "nn"),
        "municipality_name": current_app.extensions["svarfrist"].rules.municipality.name,
        "channel_name": channel_name,
        "status_name": status_name,
        "error_title": error_title,
        "error_text": error_text,
    }
