"""`svarfrist poll` sends the outbox from a process of its own beside it: real fork, real
Dovecot, real SMTP (aiosmtpd), both databases."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inbox.extensions import db
from inbox.jobs import dispatch_alongside
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.dispatch_alongside import DispatcherFailed, can_fork, dispatching_alongside
from inbox.jobs.polling import poll_account
from inbox.models import Case, OutboxMessage, OutboxStatus
from inbox.outbox.senders import senders_for
from tests.conftest import process_running, write_config
from tests.inbox.email_servers import PASSWORD_ENV, append, citizen_mail, email_account_toml

SVARFRIST = "from inbox.cli import cli; cli(prog_name='svarfrist')"


def statuses() -> list[OutboxStatus]:
    db.session.rollback()  # see what the other process committed
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def poll_in_a_process(database_url, dovecot, smtp_server, tmp_path, *options: str):
    """``svarfrist poll --once OPTIONS`` as an administrator runs it: a process of its own."""
    more = '[intake]\nfrontline = "innbyggjarservice"\n\n'
    config = write_config(
        tmp_path, database_url, more + email_account_toml(dovecot, smtp_server.port)
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "SVARFRIST_CONFIG": str(config),
        PASSWORD_ENV: dovecot.password,
    }
    return subprocess.run(
        [sys.executable, "-c", SVARFRIST, "poll", "--once", *options],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_poll_sends_the_acknowledgements_before_it_exits(
    app, account, mailbox, smtp_server, database_url, dovecot, tmp_path
):
    for number in range(3):
        append(mailbox, citizen_mail(sender=f"innbyggjar{number}@example.com"))

    done = poll_in_a_process(database_url, dovecot, smtp_server, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "postmottak/INBOX: 3 new, 0 already stored, 0 failed" in done.stdout
    assert "dispatch sent=3 retried=0 failed=0 skipped=0" in done.stdout
    assert len(smtp_server.messages) == 3  # delivered by the time the poll has ended
    assert statuses() == [OutboxStatus.SENT] * 3
    assert dispatch_once(senders_for(app)).sent == 0


def test_with_no_dispatch_the_acknowledgements_wait_for_the_dispatcher(
    app, account, mailbox, smtp_server, database_url, dovecot, tmp_path
):
    append(mailbox, citizen_mail())

    done = poll_in_a_process(database_url, dovecot, smtp_server, tmp_path, "--no-dispatch")

    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stdout and "dispatch" not in done.stdout
    assert (smtp_server.messages, statuses()) == ([], [OutboxStatus.PENDING])
    assert dispatch_once(senders_for(app)).sent == 1


def test_each_committed_batch_is_sent_while_the_poll_goes_on(app, account, mailbox, smtp_server):
    append(mailbox, citizen_mail())

    with dispatching_alongside(app, each_round=False) as wake:
        report = poll_account(account, on_committed=wake)
        deadline = time.monotonic() + 30
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        sent_during_the_poll = len(smtp_server.messages)

    assert report.new == 1
    assert sent_during_the_poll == 1
    assert statuses() == [OutboxStatus.SENT]
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_a_dispatcher_that_fails_fails_the_poll_and_loses_nothing(
    app, account, mailbox, smtp_server, monkeypatch
):
    def broken(_senders):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(dispatch_alongside, "drain", broken)  # the forked child has it too
    append(mailbox, citizen_mail())

    failing = pytest.raises(DispatcherFailed, match="ended with status 1")
    with failing as failure, dispatching_alongside(app, each_round=False) as wake:
        report = poll_account(account, on_committed=wake)

    assert "the next `svarfrist dispatch` or worker" in str(failure.value)
    assert report.new == 1
    assert statuses() == [OutboxStatus.PENDING]  # waiting for the next dispatcher


ORPHANED = """
import os, sys
from inbox.app import create_app
from inbox.jobs import dispatch_alongside
dispatch_alongside.LOOK_AGAIN_SECONDS = 0.05
app = create_app(lean=True)
with app.app_context(), dispatch_alongside.dispatching_alongside(app, each_round=False):
    import multiprocessing
    print(multiprocessing.active_children()[0].pid, flush=True)
    os._exit(0)  # as SIGKILL would: the child is never told to stop
"""


def test_the_dispatcher_stops_by_itself_when_the_poll_was_killed(database_url, tmp_path):
    config = write_config(tmp_path, database_url)
    environment = {"PATH": "/usr/bin:/bin", "SVARFRIST_CONFIG": str(config)}
    killed = subprocess.run(
        [sys.executable, "-c", ORPHANED],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    # run() returns once the child has closed the output it shares: it had ended
    child, said = killed.stdout.split("\n", 1)
    assert said == "dispatch sent=0 retried=0 failed=0 skipped=0\n"
    deadline = time.monotonic() + 30
    while process_running(int(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_running(int(child))


@pytest.mark.parametrize(
    ("url", "forks"),
    [
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("sqlite:////var/lib/svarfrist/svarfrist.db", True),
        ("postgresql+psycopg://svarfrist@127.0.0.1/svarfrist", True),
    ],
)
def test_an_in_memory_database_is_never_shared_with_a_child(url, forks):
    assert can_fork(sa.make_url(url)) is forks
