"""`svarfrist dispatch`: send the outbox."""

from __future__ import annotations

import time
from contextlib import nullcontext

import click
from flask import current_app
from flask.cli import ScriptInfo

from inbox.clock import now
from inbox.commands import LEAN_KEY
from inbox.outbox.due import anything_due
from inbox.outbox.report import DispatchReport
from inbox.settings.config import load_settings
from rules.config import ConfigError


@click.command("dispatch")
@click.option("--once", is_flag=True, help="Send everything that is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1, 1000))
def dispatch_command(once: bool, interval: float, batch_size: int) -> None:
    """Send due outbox rows through their channels' adapters, with retries and backoff."""
    info = click.get_current_context().ensure_object(ScriptInfo)
    # LEAN_KEY: run from the command line, where no app is built yet (not a test's runner)
    if once and info.data.get(LEAN_KEY) and _nothing_due():
        click.echo(f"dispatch {DispatchReport()}")  # one query; the app was never needed
        return
    with nullcontext() if current_app else info.load_app().app_context():
        _dispatch(once, interval, batch_size)


def _nothing_due() -> bool:
    """Asked of the database without building the app; anything uncertain (a configuration
    error, a database that does not answer) is left to the whole way, which reports it."""
    try:
        settings = load_settings()
    except ConfigError:
        return False
    return anything_due(settings.database_url, now()) is False


def _dispatch(once: bool, interval: float, batch_size: int) -> None:
    from inbox.jobs.dispatch import dispatch_once, drain  # the outbox's machinery, SQLAlchemy
    from inbox.outbox.senders import senders_for

    senders = senders_for(current_app)
    if once:
        click.echo(f"dispatch {drain(senders, batch_size=batch_size)}")
        return
    while True:
        click.echo(f"dispatch {dispatch_once(senders, batch_size=batch_size)}")
        time.sleep(interval)
