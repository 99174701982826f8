"""Sending the outbox in a process of its own while `svarfrist poll` takes mail in.

A poll of a mailbox with a backlog queues an acknowledgement for every new case. Sent
by a later `svarfrist dispatch`, the first citizen would wait for the whole backlog;
sent in the poll's own process, the sending would wait for the reading (one Python
process runs on one core at a time). So the poll forks a dispatcher when it starts:
the child sends what each committed batch queued while the parent reads the next one,
and when the poll ends the child sends what is left and exits before the poll does.

Nothing of the outbox's guarantees changes: the child claims rows as any dispatcher
does (``SKIP LOCKED`` on PostgreSQL), so a worker or a `svarfrist dispatch` running
beside it never sends a row twice, and a row the child could not send waits for its
backoff as before. The child is forked before the poll opens any connection (the
parent's pool is emptied first): the two processes never share a database or mail
server connection.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event

import click
from flask import Flask
from sqlalchemy.engine import URL

from inbox.extensions import db
from inbox.jobs.dispatch import drain
from inbox.outbox.report import DispatchReport
from inbox.outbox.senders import senders_for

#: The longest the dispatcher waits for a wake-up before it looks at the outbox again (rows
#: queued by the web, a retry come due), as often as the worker's dispatch job.
LOOK_AGAIN_SECONDS = 5
#: Told that the caller has committed something the dispatcher may have to send.
Wake = Callable[[], None]


class DispatcherFailed(Exception):
    """The dispatcher beside the poll ended with an error; what it had sent stays sent."""


@contextmanager
def dispatching_alongside(app: Flask, *, each_round: bool, enabled: bool = True) -> Iterator[Wake]:
    """Run a dispatcher beside the caller until the block ends; yields the call that tells
    it something was committed to send. On leaving, the dispatcher sends everything due
    and exits; :class:`DispatcherFailed` if it did not end cleanly.

    ``each_round``: print every round that sent something, not only the total at the end.
    Not ``enabled`` (or no database a child could share): no dispatcher, and the call
    yielded does nothing.
    """
    if not enabled or not can_fork(db.engine.url):
        yield _nothing
        return
    db.session.remove()
    db.engine.dispose()  # the child opens connections of its own
    # What both processes hold from before the fork (the modules, the app) is left out of
    # the collector's passes, so neither writes to those pages and makes them its own: the
    # child's private memory 51 MB to 36 MB (Python's own advice for a fork without exec).
    gc.freeze()
    forking = multiprocessing.get_context("fork")
    wake, done = forking.Event(), forking.Event()
    child = forking.Process(
        target=_dispatch_until_done,
        args=(app, wake, done, each_round, os.getpid()),
        name="svarfrist-dispatch",
        daemon=True,
    )
    child.start()
    try:
        yield wake.set
    finally:
        done.set()
        wake.set()
        child.join()
    if child.exitcode != 0:
        raise DispatcherFailed(
            f"the dispatcher beside the poll ended with status {child.exitcode}; "
            "what it did not send is sent by the next `svarfrist dispatch` or worker"
        )


def _nothing() -> None:
    return None


def can_fork(url: URL) -> bool:
    """A dispatcher process of its own needs a database both processes see: not SQLite's
    in-memory one (the child would write into a copy)."""
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    return hasattr(os, "fork") and not in_memory


def _dispatch_until_done(
    app: Flask, wake: Event, done: Event, each_round: bool, parent: int
) -> None:
    # Ctrl-C reaches the whole process group: the parent's ending tells this one to stop,
    # once what is due is sent, rather than leave a claimed row to its lease.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    senders = senders_for(app)
    total = DispatchReport()
    while True:
        stopping = done.is_set() or os.getppid() != parent
        wake.clear()
        report = drain(senders)
        total = total + report
        if each_round and report:
            click.echo(f"dispatch {report}")
        if stopping:
            break
        wake.wait(LOOK_AGAIN_SECONDS)
    if not each_round:
        click.echo(f"dispatch {total}")
