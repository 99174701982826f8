"""`svarfrist dispatch`: send the outbox."""

from __future__ import annotations

import time

import click
from flask import current_app

from inbox.outbox.dispatch import dispatch_once
from inbox.outbox.senders import senders_for


@click.command("dispatch")
@click.option("--once", is_flag=True, help="Send everything that is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1, 1000))
def dispatch_command(once: bool, interval: float, batch_size: int) -> None:
    """Send due outbox rows through their channels' adapters, with retries and backoff."""
    senders = senders_for(current_app)
    while True:
        report = dispatch_once(senders, batch_size=batch_size)
        if once:
            # Batch after batch until a round finds nothing due; rows that failed
            # wait for their backoff, so they are not due again in this run.
            total = report
            while report.claimed:
                report = dispatch_once(senders, batch_size=batch_size)
                total = total + report
            click.echo(f"dispatch {total}")
            return
        click.echo(f"dispatch {report}")
        time.sleep(interval)
