"""Logging in and out, and choosing the language before login.

With ``[auth.oidc]`` the login page offers the identity provider's button (`inbox.web.oidc`);
with ``[auth] local_passwords = false`` it shows no password form and refuses a password,
except a break-glass administrator's (at ``/login/break-glass``; every such sign-in is
audited as ``user.break_glass_login``).
"""

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
from inbox.web.oidc_client import auth_settings, end_session_url

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
    return _login_page(break_glass_form=False)


@blueprint.get("/login/break-glass")
def break_glass():
    """The password form for break-glass administrators when passwords are otherwise off."""
    return _login_page(break_glass_form=True)


def _login_page(*, break_glass_form: bool):
    if current_user.is_authenticated:
        return redirect(url_for("cases.index"))
    auth = auth_settings()
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
            if user is not None and not (auth.local_passwords or user.is_break_glass):
                user = None  # the same answer as a wrong password: no oracle for passwords
            if user is None:
                record_failure(form.email.data, ip)
                audit.record("user.login_failed", ip=ip, passwords_on=auth.local_passwords)
                db.session.commit()
                error = _wrong_password_text(auth.local_passwords)
                status = 401
            else:
                start_session(user)
                audit.record("user.login", user=user, ip=ip, method="password")
                if user.is_break_glass:
                    audit.record("user.break_glass_login", user=user, ip=ip)
                db.session.commit()
                return redirect(safe_next(form.next.data))
    elif request.method == "POST":
        # A field left out or past its length limit; the page must still say what is wrong.
        if form.email.data and form.password.data:
            error = _wrong_password_text(auth.local_passwords)
        else:
            error = _("Write your e-mail address and password.")
        status = 400
    show_password_form = auth.local_passwords or break_glass_form or request.method == "POST"
    return render_template(
        "auth/login.html",
        form=form,
        error=error,
        language_form=_language_form(),
        provider=auth.oidc,
        show_password_form=show_password_form,
        passwords_on=auth.local_passwords,
    ), status


def _wrong_password_text(passwords_on: bool) -> str:
    if passwords_on:
        return _("Wrong e-mail address or password.")
    return _(
        "Only break-glass administrators may sign in with a password here, and this e-mail "
        "address and password do not belong to one. Use the button above."
    )


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session (no session fixation), named for logging out."""
    session.clear()
    login_user(user)
    session[SESSION_ID] = sessions.new_session_id()
    session[LOGGED_IN_AT] = now().isoformat()
    keep_session_of(user)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    if not PostForm().validate_on_submit():
        return redirect(url_for("auth.login"))
    sessions.end_session(current_user, session.get(SESSION_ID), ip=request.remote_addr)
    db.session.commit()
    provider_logout = end_session_url()
    logout_user()
    session.clear()
    # RP-initiated logout: the provider ends its own session and sends the browser back to
    # the login page (the pages' form-action allows it: inbox.web.oidc_client.logout_origin).
    return redirect(provider_logout or url_for("auth.login"))


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
