"""PostgreSQL restarted under a running web app and worker.

A private cluster (tests/postgres_server.py) is stopped and started again.
While it is down, pages, the API and /healthz answer 503 with Retry-After, and
nothing a request tried to write is half there afterwards. When it is back,
the same app and the same worker process carry on without a restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inbox.extensions import db
from inbox.models import Case, Role
from inbox.people.users import create_api_token
from tests import postgres_server
from tests.conftest import FreshContextClient, _build_app, _migrated, free_port
from tests.factories import make_department, make_user
from tests.inbox.web_helpers import log_in

SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))
T = TypeVar("T")
CALLBACK = {"name": "Kari Nordmann", "phone": "912 34 567", "about": "Byggesøknad"}


@pytest.fixture(scope="module")
def server():
    reason = postgres_server.available()
    if reason is not None:
        pytest.skip(f"NOT TESTED: a private PostgreSQL server cannot run here: {reason}")
    cluster = postgres_server.PrivatePostgres(free_port()).create()
    _migrated(cluster.url)
    yield cluster
    cluster.remove()


@pytest.fixture
def town(server, tmp_path):
    app = _build_app(server.url, data_dir=tmp_path / "data")
    app.test_client_class = FreshContextClient
    with app.app_context():
        service = make_department("innbyggjarservice", is_frontline=True)
        staff = make_user(service, role=Role.STAFF)
        token, email = create_api_token(staff), staff.email
        db.session.commit()  # and no connection held through the outage
        yield app, email, token
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


def test_while_the_database_is_down_every_request_gets_a_clear_503(server, town):
    app, email, token = town
    client = app.test_client()
    log_in(client, email)
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/").status_code == 200

    server.stop()
    try:
        page = client.get("/")
        created = client.post("/api/v1/callbacks", json=CALLBACK, headers=api)
        health = client.get("/healthz")
    finally:
        server.start()

    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "<h1" in page.get_data(as_text=True)  # the error page, in the user's language
    assert created.status_code == 503 and created.headers["Retry-After"] == "30"
    assert created.mimetype == "application/problem+json"
    assert "database is not answering" in created.get_json()["detail"]
    assert health.status_code == 503 and health.get_json()["database"] != "ok"

    assert client.get("/").status_code == 200  # the same session, a new connection
    again = client.post("/api/v1/callbacks", json=CALLBACK, headers=api)
    assert again.status_code == 201
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1  # none half-made


def test_the_worker_keeps_running_through_a_restart_and_beats_again(server, town, tmp_path):
    env = {
        **os.environ,
        "SVARFRIST_DATABASE_URL": server.url,
        "SVARFRIST_SECRET_KEY": "test",
        "SVARFRIST_DATA_DIR": str(tmp_path / "data"),
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("wb")
    worker = subprocess.Popen([SVARFRIST, "worker"], env=env, stdout=log, stderr=log)
    engine = sa.create_engine(server.url, pool_pre_ping=True)
    try:
        first = _heartbeat_after(engine, datetime.min.replace(tzinfo=UTC), worker)
        server.stop()
        try:  # down until the worker has met the outage: a heartbeat failed meanwhile
            failed = "job_failed job=heartbeat"
            _until(
                lambda: failed in log_path.read_text(errors="replace"),
                worker,
                f"{failed!r} in {log_path.name}",
            )
        finally:
            server.start()
        restarted = datetime.now(UTC)
        later = _heartbeat_after(engine, restarted, worker)
        assert worker.poll() is None, "the worker exited during the outage"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        engine.dispose()
        log.close()
    assert later > first
    text = log_path.read_text()
    assert "job_failed job=heartbeat" in text and "worker_stopped" in text


def _heartbeat_after(engine, moment: datetime, worker) -> datetime:
    def beat() -> datetime | None:
        try:
            with engine.connect() as connection:
                beat = connection.scalar(sa.text("SELECT max(beat_at) FROM worker_heartbeats"))
        except sa.exc.OperationalError:
            return None
        return beat if beat is not None and beat.astimezone(UTC) > moment else None

    return _until(beat, worker, f"heartbeat after {moment.isoformat()}")


def _until(found: Callable[[], T], worker, what: str, seconds: float = 60) -> T:
    """Ask ``found`` every half second until it answers (not None or False), while the worker
    keeps running; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker exited"
        if answer := found():
            return answer
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {seconds:g} s")
