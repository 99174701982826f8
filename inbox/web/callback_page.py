"""The public "Ring meg opp" page: a citizen asks to be called back, in nn, nb, en or se.

No login. CSRF on the form, a honeypot field for robots, and rate limits per
address and per number (:mod:`inbox.intake.callbacks`). Works without JavaScript;
errors are shown beside their fields. After sending, the browser is
redirected to a receipt kept in the session, so reloading never sends twice
and no reference can be looked up by guessing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from inbox.cases.status_links import status_url
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.i18n import Language
from inbox.intake.callbacks import CallbackError, CallbackRequest, TooManyRequests, request_callback
from inbox.people.departments import departments_by_name
from inbox.web.forms import LANGUAGE_NAMES, CallbackForm
from inbox.web.labels import department_name

log = logging.getLogger(__name__)
blueprint = Blueprint("callback", __name__)
# The page in each language, at the address a citizen of that language would guess (Sámi:
# Bokmål's, with its own prefix); offered only in [municipality] citizen_languages.
PATHS = {"nn": "/ring-meg", "nb": "/nb/ring-meg", "en": "/en/call-me", "se": "/se/ring-meg"}
RECEIPT_KEY = "callback_receipt"


def in_language(language: str) -> None:
    """Show the page in ``language``, or answer 404 where the municipality does not offer it."""
    if language not in current_app.extensions["svarfrist"].rules.municipality.citizen_languages:
        abort(404)
    g.page_language = language


@blueprint.app_template_global("offered_languages")
def offered_languages() -> list[tuple[str, str]]:
    """The languages citizens are offered, each with its own name, for the public pages."""
    offered = current_app.extensions["svarfrist"].rules.municipality.citizen_languages
    return [(code, LANGUAGE_NAMES[code]) for code in offered]


def _render(template: str, language: str, **values):
    return render_template(template, language=language, paths=PATHS, **values)


def _page(language: str):
    in_language(language)
    form = CallbackForm()
    form.department.choices = [SelectChoice("", _("I do not know"))] + [
        SelectChoice(department.slug, department_name(department))
        for department in departments_by_name()
    ]
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        if form.website.data:
            log.warning("callback_honeypot ip=%s", request.remote_addr)
            return redirect(url_for(f"callback.receipt_{language}"))
        status = _submit(form, language)
        if status == 303:
            return redirect(url_for(f"callback.receipt_{language}"), 303)
    elif request.method == "POST":
        status = 400
    return _render("callback/form.html", language, form=form), status


def _submit(form: CallbackForm, language: str) -> int:
    wanted = CallbackRequest(
        name=form.name.data or "",
        phone=form.phone.data or "",
        about=form.about.data or "",
        preferred_time=form.preferred_time.data or "any",
        department=form.department.data or None,
        sms_consent=bool(form.sms_consent.data),
        language=language,
    )
    commit_and_begin_write()
    try:
        case = request_callback(wanted, source="web", ip=request.remote_addr)
    except CallbackError as error:
        db.session.rollback()
        getattr(form, error.field).errors = [_(str(error))]
        return 400
    except TooManyRequests:
        db.session.rollback()
        form.phone.errors = [
            _("We have had many requests from you already. Please try again later, or call us.")
        ]
        return 429
    turn = case.turns[-1]
    settings = current_app.extensions["svarfrist"]
    session[RECEIPT_KEY] = {
        # The citizen's own link, in their own (signed) cookie: nobody else sees it.
        "status_url": status_url(case, settings.public_url or request.host_url),
        "reference": case.reference,
        "target": turn.target_at.isoformat(),
        "due": turn.due_at.isoformat(),
        "sms": wanted.sms_consent,
    }
    db.session.commit()
    return 303


def _receipt(language: str):
    in_language(language)
    receipt = session.get(RECEIPT_KEY)
    if receipt is None:
        return redirect(url_for(f"callback.page_{language}"))
    zone = current_app.extensions["svarfrist"].rules.calendar.zone
    words = Language.load(language)
    times = {
        key: words.datetime(datetime.fromisoformat(receipt[key]).astimezone(zone))
        for key in ("target", "due")
    }
    return _render("callback/receipt.html", language, receipt=receipt, times=times)


def _register(language: str, path: str) -> None:
    blueprint.add_url_rule(
        path, f"page_{language}", lambda: _page(language), methods=["GET", "POST"]
    )
    blueprint.add_url_rule(f"{path}/kvittering", f"receipt_{language}", lambda: _receipt(language))


for _language, _path in PATHS.items():
    _register(_language, _path)
