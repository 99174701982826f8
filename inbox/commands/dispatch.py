"""`svarfrist dispatch`: send the outbox."""

from __future__ import annotations

import time

import click
from flask import current_app

from inbox.jobs.dispatch import dispatch_once, drain
from inbox.outbox.senders import senders_for


@click.command("dispatch")
@click.option("--once", is_flag=True, help="Send everything that is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1, 1000))
def dispatch_command(once: bool, interval: float, batch_size: int) -> None:
    """Send due outbox rows through their channels' adapters, with retries and backoff."""
    senders = senders_for(current_app)
    if once:
        click.echo(f"dispatch {drain(senders, batch_size=batch_size)}")
        return
    while True:
        click.echo(f"dispatch {dispatch_once(senders, batch_size=batch_size)}")
        time.sleep(interval)
