"""The Flask application factory."""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import suppress
from typing import Any

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

import inbox.models  # noqa: F401  (registers every table on the metadata)
from inbox import database
from inbox.blobs import EXTENSION_KEY as BLOBS_KEY
from inbox.blobs import BlobStore, LocalBlobStore, S3BlobStore
from inbox.commands import COMMANDS, LEAN_COMMANDS, Commands
from inbox.extensions import babel, csrf, db, init_migrations, login_manager
from inbox.i18n import LANGUAGES, check_catalogs
from inbox.logs import describe, loggable_path
from inbox.paths import (
    INSTANCE_DIR,
    STATIC_DIR,
    TEMPLATES_DIR,
    TRANSLATIONS_DIR,
    check_shipped_folders,
)
from inbox.routing import Reference, RowId
from inbox.settings.config import Settings, load_settings

log = logging.getLogger(__name__)
SECRET_ENV = "SVARFRIST_SECRET_KEY"
# Local development over plain HTTP (make run): session cookies without the Secure flag.
PLAIN_HTTP_ENV = "SVARFRIST_PLAIN_HTTP"
RETRY_AFTER = 30  # seconds: a restart of PostgreSQL takes a few


def create_app(settings: Settings | None = None, *, lean: bool = False, **config: Any) -> Flask:
    """Build the application from validated settings (default: read ``SVARFRIST_CONFIG``).

    ``lean=True`` leaves out the pages, the API (their blueprints import half the
    dependencies) and the migrations, for the :data:`LEAN_COMMANDS`.
    Keyword arguments override Flask configuration keys (tests use this). Raises
    :class:`inbox.paths.MissingFilesError` when templates, static files or the compiled
    catalog of a configured language (every UI language, every citizen language) are missing.
    """
    settings = settings or load_settings()
    check_shipped_folders()
    municipality = settings.rules.municipality
    check_catalogs(
        dict.fromkeys((municipality.language, *LANGUAGES, *municipality.citizen_languages))
    )
    app = Flask(
        "inbox",
        static_folder=str(STATIC_DIR),
        template_folder=str(TEMPLATES_DIR),
        instance_path=str(INSTANCE_DIR),
    )
    # The commands that need the app, on ``svarfrist`` and ``app.test_cli_runner``, each
    # imported when run; a lean app has only the LEAN_COMMANDS (the others expect the pages,
    # sign-in or the migrations).
    app.cli = Commands(LEAN_COMMANDS if lean else tuple(COMMANDS))
    app.cli.name = app.name
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=database.engine_options(settings.database_url),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get(PLAIN_HTTP_ENV) != "1",
        REMEMBER_COOKIE_SECURE=os.environ.get(PLAIN_HTTP_ENV) != "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        BABEL_DEFAULT_LOCALE=settings.rules.municipality.language,
        BABEL_DEFAULT_TIMEZONE=settings.rules.municipality.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        MAX_CONTENT_LENGTH=settings.max_attachment_bytes + 1024 * 1024,
    )
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get(SECRET_ENV) or _instance_secret()
    app.extensions["svarfrist"] = settings
    app.extensions[BLOBS_KEY] = blob_store(settings)
    app.url_map.converters["id"] = RowId
    app.url_map.converters["reference"] = Reference

    db.init_app(app)
    with app.app_context():  # the engines exist from init_app on; none has connected yet
        for engine in db.engines.values():
            database.configure(engine)
    babel.init_app(app, locale_selector=_select_language)
    if not lean:  # a lean app answers no request: no sign-in, no forms
        init_migrations(app)
        login_manager.init_app(app)
        csrf.init_app(app)
        _register_blueprints(app)
    return app


def settings_of(app: Flask) -> Settings:
    return app.extensions["svarfrist"]


def blob_store(settings: Settings) -> BlobStore:
    """The store ``[storage]`` configures; S3 is first contacted at the first blob."""
    if settings.s3 is None:
        return LocalBlobStore(settings.data_dir / "blobs")
    return S3BlobStore(settings.s3.location, settings.s3.credentials)


def _instance_secret() -> str:
    """A signing key generated once per installation and kept out of the repository."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _select_language() -> str:
    if g.get("page_language"):
        return g.page_language  # a public page that exists in one language per address
    if current_user and current_user.is_authenticated:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    default = settings_of(current_app).rules.municipality.language
    return request.accept_languages.best_match(LANGUAGES) or default


def _register_blueprints(app: Flask) -> None:
    from inbox import health
    from inbox.api.views import blueprint as api
    from inbox.web import init_web

    init_web(app)
    app.register_blueprint(api)
    app.register_blueprint(health.blueprint)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.after_request(_end_database_session)  # registered last, so it runs first


def _error_page(error: HTTPException):
    """Problem details under the API (e.g. an unknown /api/v1 path), the web's page elsewhere."""
    from inbox.api.problems import from_http_exception
    from inbox.api.views import blueprint as api
    from inbox.web import error_page

    if request.path.startswith(api.url_prefix):
        return from_http_exception(error)
    return error_page(error)


def _end_database_session(response):
    """End the request's session while the response can still change. Its rollback fails
    when the connection was dropped during the request; in Flask-SQLAlchemy's teardown,
    after the response is made, that would reach the client as a bare 500."""
    try:
        db.session.close()
    except OperationalError as error:
        return _database_unavailable(error)
    return response


def _database_unavailable(error: OperationalError):
    """The database is down or restarting: a clear 503 to try again, never a 500. The
    transaction is rolled back whole, so nothing of the request is half-written."""
    path = loggable_path(request.path)
    log.warning("database_unavailable path=%s error=%s", path, describe(error))
    with suppress(SQLAlchemyError):  # the connection is gone; the pool replaces it later
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()  # the page must not ask the database again
    unavailable = ServiceUnavailable(
        "The database is not answering just now. Try again in a minute."
    )
    response = make_response(_error_page(unavailable))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
