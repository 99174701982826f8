"""Logging in and out, and choosing the language before login."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from inbox import audit
from inbox.extensions import db
from inbox.users import authenticate
from inbox.web.forms import LanguageForm, LoginForm, PostForm
from inbox.web.throttle import is_throttled, record_failure

blueprint = Blueprint("auth", __name__)


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
        if is_throttled(form.email.data, ip):
            error = _("Too many failed attempts. Wait 15 minutes and try again.")
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
                audit.record("user.login", user=user, ip=ip)
                db.session.commit()
                return redirect(safe_next(form.next.data))
    elif request.method == "POST":
        status = 400
    return render_template(
        "auth/login.html", form=form, error=error, language_form=_language_form()
    ), status


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    if PostForm().validate_on_submit():
        audit.record("user.logout", user=current_user, ip=request.remote_addr)
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


def language_form() -> LanguageForm:
    """The language picker, for the header of every page."""
    return _language_form()


def _language_form() -> LanguageForm:
    return LanguageForm(language=str(get_locale()), next=request.full_path.rstrip("?"))
