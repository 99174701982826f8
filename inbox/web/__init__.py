"""The web pages: blueprints, login handling, security headers and error pages."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden, HTTPException, NotFound

from inbox.cases.access import NotChangeable, NotVisible, Refused
from inbox.extensions import db, login_manager
from inbox.health import worker_is_silent
from inbox.models import User
from inbox.people import audit
from inbox.people.users import user_with_id
from inbox.web import (
    admin,
    answer_pages,  # noqa: F401  (adds the answers' routes to the case page's blueprint)
    attachments,
    auth,
    bulk_pages,
    callback_page,
    case_live,
    case_page,
    cases,
    citizen_pages,
    handover_decisions,
    oidc,
    overview_page,
    queue_live,
    register_page,
    report_page,
    signatures,
    status_page,
    status_pages,
    suggestion_pages,
    webhooks,
)
from inbox.web.file_sizes import file_size
from inbox.web.forms import PostForm
from inbox.web.labels import template_globals
from inbox.web.metrics import init_metrics
from inbox.web.oidc_client import init_oidc, logout_origin

# No inline scripts or styles, nothing from other hosts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# A year: browsers that have seen the site over HTTPS never try plain HTTP again.
HSTS_SECONDS = 365 * 24 * 3600


def init_web(app: Flask) -> None:
    init_metrics(app)  # first, so its clock starts before the other hooks run
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(oidc.blueprint)
    init_oidc(app)
    app.register_blueprint(cases.blueprint)
    app.register_blueprint(case_page.blueprint)
    app.register_blueprint(citizen_pages.blueprint)
    app.register_blueprint(attachments.blueprint)
    app.register_blueprint(handover_decisions.blueprint)
    app.register_blueprint(register_page.blueprint)
    app.register_blueprint(callback_page.blueprint)
    app.register_blueprint(status_page.blueprint)
    app.register_blueprint(report_page.blueprint)
    app.register_blueprint(status_pages.blueprint)
    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(case_live.blueprint)
    app.register_blueprint(signatures.blueprint)
    app.register_blueprint(queue_live.blueprint)
    app.register_blueprint(bulk_pages.blueprint)
    app.register_blueprint(overview_page.blueprint)
    app.register_blueprint(suggestion_pages.blueprint)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    # The API answers these with problem details of its own (blueprint handlers come first).
    app.register_error_handler(NotVisible, lambda error: _refused(error, NotFound()))
    app.register_error_handler(NotChangeable, lambda error: _refused(error, Forbidden()))
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
    app.add_template_filter(file_size, "file_size")
    app.context_processor(
        lambda: {
            "logout_form": PostForm(formdata=None),  # never the request's body (error pages)
            "header_language_form": auth.language_form(),
            "worker_is_silent": worker_is_silent,
            **template_globals(),
        }
    )


def _refuse_nul() -> None:
    """No form or address a person fills in holds U+0000, and PostgreSQL's text cannot.

    Webhooks check their own fields and answer in their own words; intake drops U+0000.
    """
    if request.blueprint == "webhooks":
        return
    for name, values in (*request.args.lists(), *request.form.lists()):
        if "\x00" in name or any("\x00" in value for value in values):
            abort(400, description=f"The field {name[:40]!r} contains a NUL character.")


def _load_user(user_id: str) -> User | None:
    """The session's user; none (so: log in again) once they are deactivated or their
    sessions were ended."""
    user = user_with_id(int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_enabled or auth.is_logged_out(user):
        return None
    return user


def _security_headers(response):
    policy = CONTENT_SECURITY_POLICY
    if (origin := logout_origin()) is not None:  # the logout form leads to the provider
        policy = policy.replace("form-action 'self'", f"form-action 'self' {origin}")
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    if request.is_secure:  # over plain HTTP (make run) the header would be ignored anyway
        response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    return response


def _refused(error: Refused, page: HTTPException):
    """The error page, after the refusal is in the audit log (and nothing else of the
    request is kept)."""
    db.session.rollback()
    if current_user.is_authenticated:
        refusal = "not_visible" if isinstance(error, NotVisible) else "not_changeable"
        audit.record_refusal(current_user, error.target, refusal, request.remote_addr)
        db.session.commit()
    return error_page(page)


def error_page(error: HTTPException):
    """The page for an HTTP error outside the API: plain text for webhooks, else HTML."""
    if request.path.startswith(webhooks.blueprint.url_prefix):
        return f"{error.code} {error.name}\n", error.code, {"Content-Type": "text/plain"}
    return render_template("errors/error.html", error=error), error.code or 500
