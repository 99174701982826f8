"""The citizen's status page, ``/sak/<token>`` (nn), ``/nb/sak/…``, ``/en/sak/…``: no login.

It shows where the case is (:mod:`inbox.cases.citizen_status`) and takes "Send oss meir
informasjon" (:mod:`inbox.intake.web_additions`). A wrong, revoked or expired token gets one
neutral page, the same for all three; every request counts against a limit per address, so
nobody can try tokens by the thousand. Nothing is kept by browsers, proxies or search
engines, and no link on the page tells another site the token.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _

from channels.base import InboundAttachment
from inbox.cases.citizen_status import citizen_status
from inbox.cases.status_links import PATHS, case_for
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.i18n import Language
from inbox.intake.web_additions import Addition, AdditionError, add_information
from inbox.models import Case
from inbox.people.rate_limits import TooManyRequests, count_against
from inbox.settings.config import Settings
from inbox.web.callback_page import PATHS as CALLBACK_PATHS
from inbox.web.callback_page import in_language
from inbox.web.forms import StatusAdditionForm

log = logging.getLogger(__name__)
blueprint = Blueprint("status_page", __name__)
#: Page views (right tokens and wrong ones) per address and window.
LIMITS = {"status-ip": (60, timedelta(hours=1))}
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def _page(language: str, token: str):
    in_language(language)
    settings: Settings = current_app.extensions["svarfrist"]
    if not settings.status_page.is_enabled:
        abort(404)
    commit_and_begin_write()  # counting and taking in: one writer's transaction (SQLite)
    try:
        count_against(LIMITS, {"status-ip": request.remote_addr})
    except TooManyRequests:
        db.session.rollback()
        log.warning("status_page_limited ip=%s", request.remote_addr)
        return _neutral(language, token, 429)
    case = case_for(token)
    if case is None:
        db.session.commit()  # the wrong token counts against the limit too
        return _neutral(language, token, 404)
    form = StatusAdditionForm()
    status = 200
    if request.method == "POST":
        status = _add(form, case) if form.validate_on_submit() else 400
        if status == 303:
            flash(_("Thank you. We have received what you sent, and it is now on your case."))
            return _private(redirect(request.path, 303))
    db.session.commit()
    return _private(
        render_template(
            "public/status.html",
            status=citizen_status(case),
            form=form,
            language=language,
            paths=_paths(token),
            callback_path=CALLBACK_PATHS[language],
            contact=settings.status_page,
            words=Language.load(language),
            zone=settings.rules.calendar.zone,
        ),
        status,
    )


def _add(form: StatusAdditionForm, case: Case) -> int:
    upload = form.file.data
    content = upload.read() if upload and upload.filename else b""
    addition = Addition(
        text=form.text.data or "",
        file=InboundAttachment(upload.filename, upload.mimetype or "", content)
        if content
        else None,
    )
    try:
        add_information(case, addition, ip=request.remote_addr)
    except AdditionError as error:
        db.session.rollback()
        getattr(form, error.field).errors = [_(str(error))]
        return 400
    except TooManyRequests:
        db.session.rollback()
        form.text.errors = [_("You have sent us a lot already. Please try again later.")]
        return 429
    db.session.commit()
    log.info("status_page_addition case=%s", case.reference)
    return 303


def _paths(token: str) -> dict[str, str]:
    """The same page in each language."""
    return {code: f"{prefix}/{token}" for code, prefix in PATHS.items()}


def _neutral(language: str, token: str, status: int):
    """One page for every token that shows nothing: it says neither which nor why."""
    return _private(
        render_template(
            "public/status_unknown.html",
            language=language,
            paths=_paths(token),
            callback_path=CALLBACK_PATHS[language],
            is_limited=status == 429,
        ),
        status,
    )


def _private(response, status: int | None = None):
    response = current_app.make_response(response if status is None else (response, status))
    response.headers.update(PRIVATE_HEADERS)
    return response


def _register(language: str, prefix: str) -> None:
    blueprint.add_url_rule(
        f"{prefix}/<token>",
        f"page_{language}",
        lambda token: _page(language, token),
        methods=["GET", "POST"],
    )


for _language, _prefix in PATHS.items():
    _register(_language, _prefix)
