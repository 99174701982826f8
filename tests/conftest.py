"""Fixtures shared by the whole suite: an app on SQLite and, when configured, PostgreSQL.

Database tests run once per database. PostgreSQL runs when
``SVARFRIST_TEST_POSTGRES_URL`` points at a server (``.ci/run`` sets it); each
test worker gets its own throw-away database there.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import replace

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from imapclient import IMAPClient

from inbox.app import create_app
from inbox.extensions import db
from inbox.people import users
from inbox.settings.config import load_settings
from tests import ast_lock
from tests import dovecot as dovecot_server

POSTGRES_ENV = "SVARFRIST_TEST_POSTGRES_URL"
DATABASES = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


def pytest_configure(config) -> None:
    # Live servers' threads and the tests' own thread both parse Python (Werkzeug's URL rules,
    # traceback carets); CPython 3.11 cannot do that in two threads at once (tests/ast_lock.py).
    ast_lock.install()


def pytest_report_header() -> str:
    if "postgresql" in DATABASES:
        return f"databases: SQLite and PostgreSQL ({POSTGRES_ENV} is set)"
    return f"databases: SQLite only; set {POSTGRES_ENV} to run the database tests on PostgreSQL too"


def pytest_terminal_summary(terminalreporter) -> None:
    if "postgresql" not in DATABASES:
        terminalreporter.write_line(
            f"WARNING: database tests ran on SQLite only: {POSTGRES_ENV} is not set, so "
            "PostgreSQL was NOT tested (.ci/run sets it to the local server)",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    """Cheap argon2 parameters: the suite hashes hundreds of passwords, production a few."""
    previous = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._hasher = previous


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    """A migrated, empty database for this test worker."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'svarfrist.db'}"
        yield _migrated(url)
        return
    server = sa.make_url(os.environ[POSTGRES_ENV])
    name = f"svarfrist_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _migrated(server.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrated(url: str) -> str:
    app = _build_app(url, data_dir=None)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _build_app(url: str, data_dir):
    settings = load_settings(None)
    settings = replace(settings, database_url=url, data_dir=data_dir or settings.data_dir)
    return create_app(
        settings,
        SQLALCHEMY_DATABASE_URI=url,
        TESTING=True,
        SECRET_KEY="test-secret-key",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
    )


@pytest.fixture
def app(database_url, tmp_path):
    """The app on a migrated database that is emptied again after the test."""
    with emptied_after(_build_app(database_url, data_dir=tmp_path / "data")) as application:
        yield application


@contextmanager
def emptied_after(application):
    """``application``'s context for the test's own database work; every table is emptied
    after it."""
    with application.app_context():
        yield application
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test's own database
    work; without this, requests would share its ``g`` (and Flask-WTF's cached
    CSRF token) and its database session.
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


class RecordingSmtpHandler:
    """An aiosmtpd handler that keeps what it receives; some addresses are refused."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        #: The client's address and port per message: one per SMTP connection.
        self.peers: list[tuple] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        self.peers.append(session.peer)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    from aiosmtpd.controller import Controller

    handler = RecordingSmtpHandler()
    handler.port = free_port()
    handler.controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    handler.controller.start()
    yield handler
    handler.controller.stop()


@pytest.fixture(scope="session")
def dovecot():
    if not dovecot_server.available():
        pytest.fail(
            "Dovecot is not installed: the e-mail tests need /usr/sbin/dovecot. "
            "`make test` installs it (apt-get install dovecot-imapd)."
        )
    server = dovecot_server.Dovecot(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot):
    """An IMAP client on the test user's empty mailbox."""
    dovecot.reset_mail()
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False)
    client.login(dovecot.username, dovecot.password)
    yield client
    client.logout()


def write_config(directory, database_url: str, more: str = ""):
    """``svarfrist.toml`` in ``directory`` on the test's database, its files under
    ``directory/data``, with ``more`` (further tables) after it, for a ``svarfrist`` run in
    a process of its own; the file's path."""
    config = directory / "svarfrist.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n\n[storage]\ndata_dir = "{directory / "data"}"\n\n'
        + more,
        encoding="utf-8",
    )
    return config


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_running(pid: int) -> bool:
    """Whether the process ``pid`` is there and has not ended (a zombie has)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
