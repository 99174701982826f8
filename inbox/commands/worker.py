"""`svarfrist worker`: the background jobs (polling, outbox, webhooks, escalation)."""

from __future__ import annotations

import logging

import click
from flask import current_app

from inbox.jobs import worker


@click.command("worker")
@click.option(
    "--dispatch-interval",
    default=worker.DISPATCH_SECONDS,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between outbox rounds.",
)
def worker_command(dispatch_interval: float) -> None:
    """Run the scheduled jobs until stopped (SIGTERM lets running jobs finish)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run
    worker.run(current_app._get_current_object(), dispatch_seconds=dispatch_interval)
