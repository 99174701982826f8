"""The lean commands (``svarfrist report``, ``poll``, ``dispatch``) run in their own process
without the pages, the API, the migrations or python-dotenv, and still do their whole work:
the report in every format, its HTML and PDF from the templates included."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import OutboxMessage
from inbox.outbox.dispatch import enqueue
from tests.conftest import free_port, write_config

# What the lean app leaves out (imported by the pages, the API, `svarfrist db` and Flask's
# --env-file), what only a suggestion needs, and the holidays package's countries (a report
# asks of no date whether it is a public holiday).
NOT_IMPORTED = (
    "inbox.web",
    "inbox.api.views",
    "flask_migrate",
    "alembic",
    "dotenv",
    "sklearn",
    "holidays.countries.afghanistan",
)
RUN = """
import json, sys
from inbox.cli import cli
try:
    cli(sys.argv[2:], prog_name="svarfrist")
except SystemExit as end:
    code = end.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


@pytest.fixture
def svarfrist(app, database_url, tmp_path):
    """Run ``svarfrist ARGS`` in a process of its own on the test's database; its output and
    the modules it had imported when it ended."""
    config = write_config(tmp_path, database_url)
    state = tmp_path / "state.json"

    def run(*args: str, more_config: str = "") -> tuple[subprocess.CompletedProcess, dict]:
        if more_config:
            config.write_text(config.read_text(encoding="utf-8") + more_config, encoding="utf-8")
        completed = subprocess.run(
            [sys.executable, "-c", RUN, str(state), *args],
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "SVARFRIST_CONFIG": str(config)},
            timeout=120,
            check=False,
        )
        return completed, json.loads(state.read_text())

    return run


def test_the_report_as_json_imports_nothing_it_does_not_use(svarfrist):
    completed, state = svarfrist("report", "channels", "--year", "2026", "--format", "json")
    assert state["code"] == 0, completed.stderr.decode()
    assert json.loads(completed.stdout)["period"]["year"] == 2026
    assert [name for name in NOT_IMPORTED if name in state["modules"]] == []


@pytest.mark.parametrize(("kind", "starts"), [("html", b"<!doctype html>"), ("pdf", b"%PDF-")])
def test_the_lean_report_renders_its_documents(svarfrist, tmp_path, kind, starts):
    out = tmp_path / f"report.{kind}"
    completed, state = svarfrist(
        "report", "channels", "--year", "2026", "--format", kind, "--out", str(out)
    )
    assert state["code"] == 0, completed.stderr.decode()
    assert out.read_bytes()[:15].lower().startswith(starts.lower())
    assert "inbox.web" not in state["modules"]


def test_svarfrist_offers_no_env_file_option(svarfrist):
    completed, state = svarfrist("--env-file", "x.env", "report", "--help")
    assert state["code"] == 2
    assert b"No such option '--env-file'" in completed.stderr


def test_a_mailbox_poll_imports_no_provider_library(svarfrist):
    # twilio and requests cost a poll of mailboxes a quarter of a second of start-up
    mailbox = f"""
[[channels.email]]
name = "postmottak"
address = "postmottak@alver.kommune.no"
password_env = "SVARFRIST_TEST_NO_PASSWORD"
imap_host = "127.0.0.1"
imap_port = {free_port()}
imap_tls = "none"
smtp_host = "127.0.0.1"
"""
    completed, state = svarfrist("poll", "--once", more_config=mailbox)
    assert b"postmottak" in completed.stdout + completed.stderr  # it did try the mailbox
    assert "inbox.jobs.polling" in state["modules"]
    assert [
        name for name in ("requests", "twilio", "channels.meta.pulls") if name in state["modules"]
    ] == []


def test_a_dispatch_with_nothing_due_asks_one_query_and_builds_no_app(svarfrist):
    completed, state = svarfrist("dispatch", "--once")
    assert state["code"] == 0, completed.stderr.decode()
    assert completed.stdout == b"dispatch sent=0 retried=0 failed=0 skipped=0\n"
    assert [
        name for name in ("sqlalchemy", "inbox.app", "inbox.models") if name in state["modules"]
    ] == []


def test_a_dispatch_with_a_row_due_builds_the_app_and_takes_it(svarfrist, app):
    enqueue(purpose="reply", channel="email", recipient="kari@example.no", payload={})
    db.session.commit()
    completed, state = svarfrist("dispatch", "--once")
    assert state["code"] == 0, completed.stderr.decode()
    # no [[channels.email]] in this configuration: the row waits, with the reason on it
    assert completed.stdout == b"dispatch sent=0 retried=0 failed=0 skipped=1\n"
    assert "inbox.app" in state["modules"]
    db.session.expire_all()
    assert "no sender configured" in db.session.scalar(select(OutboxMessage.last_error))


def test_a_missing_configuration_is_said_without_a_traceback(svarfrist, tmp_path):
    (tmp_path / "svarfrist.toml").unlink()
    for command in (("dispatch", "--once"), ("poll", "--once")):
        completed, state = svarfrist(*command)
        assert state["code"] == 1
        assert (
            completed.stderr.decode()
            == f"{tmp_path / 'svarfrist.toml'}: (file): cannot be read: No such file or directory\n"
        )
