"""Logging in and out, and choosing the language before login."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from inbox.clock import now
from inbox.extensions import db
from inbox.models import User
from inbox.people import audit, sessions
from inbox.people.throttle import record_failure, wait_before_next_try
from inbox.people.users import authenticate
from inbox.web.forms import LanguageForm, LoginForm, PostForm

blueprint = Blueprint("auth", __name__)
# Each login names its session in the cookie, so that logging out can end it for good
# (inbox.people.sessions).
SESSION_ID = "session_id"
LOGGED_IN_AT = "logged_in_at"
# The user's ``session_version`` at login; raising it (deactivation, a new password) ends
# the session. Sessions from before the version existed hold none, i.e. 0.
SESSION_VERSION = "session_version"


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (other hosts, schemes) goes to the inbox."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("cases.index")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("cases.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    error = None
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        wait = wait_before_next_try(form.email.data, ip)
        if wait is not None:
            error = _(
                "Too many failed attempts. Wait %(wait)s and try again.",
                wait=format_timedelta(wait, threshold=1),
            )
            status = 429
        else:
            user = authenticate(form.email.data, form.password.data)
            if user is None:
                record_failure(form.email.data, ip)
                audit.record("user.login_failed", ip=ip)
                db.session.commit()
                error = _("Wrong e-mail address or password.")
                status = 401
            else:
                session.clear()  # a fresh session on login: no session fixation
                login_user(user)
                session[SESSION_ID] = sessions.new_session_id()
                session[LOGGED_IN_AT] = now().isoformat()
                keep_session_of(user)
                audit.record("user.login", user=user, ip=ip)
                db.session.commit()
                return redirect(safe_next(form.next.data))
    elif request.method == "POST":
        # A field left out or past its length limit; the page must still say what is wrong.
        if form.email.data and form.password.data:
            error = _("Wrong e-mail address or password.")
        else:
            error = _("Write your e-mail address and password.")
        status = 400
    return render_template(
        "auth/login.html", form=form, error=error, language_form=_language_form()
    ), status


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    if PostForm().validate_on_submit():
        sessions.end_session(current_user, session.get(SESSION_ID), ip=request.remote_addr)
        db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@blueprint.route("/language", methods=["POST"])
def language():
    form = _language_form()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:  # a logged-in user's choice is kept on the account
            current_user.language = form.language.data
            audit.record("user.language", user=current_user, language=form.language.data)
            db.session.commit()
    return redirect(safe_next(form.next.data) if form.next.data else url_for("auth.login"))


def is_logged_out(user: User) -> bool:
    """True when the current session was not started by a login here, has been logged out,
    or was ended for ``user`` (deactivated, given a new password)."""
    session_id, logged_in_at = session.get(SESSION_ID), session.get(LOGGED_IN_AT)
    if not session_id or not isinstance(logged_in_at, str):
        return True
    if session.get(SESSION_VERSION, 0) != user.session_version:
        return True
    try:
        since = datetime.fromisoformat(logged_in_at)
    except ValueError:
        return True
    return sessions.is_ended(user.id, session_id, since)


def keep_session_of(user: User) -> None:
    """Let the current session go on for ``user`` after their sessions were ended (at login,
    and when they set their own password)."""
    session[SESSION_VERSION] = user.session_version


def language_form() -> LanguageForm:
    """The language picker, for the header of every page.

    It never reads the request's form: the header is also drawn on error pages, where the
    body may be the problem (too large, or not a form).
    """
    return LanguageForm(
        formdata=None, language=str(get_locale()), next=request.full_path.rstrip("?")
    )


def _language_form() -> LanguageForm:
    return LanguageForm(language=str(get_locale()), next=request.full_path.rstrip("?"))
