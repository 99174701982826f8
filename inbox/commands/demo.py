"""`svarfrist demo`: load the demo municipality."""

from __future__ import annotations

import time
from datetime import datetime

import click

from inbox.clock import now
from inbox.demo import load_demo
from inbox.demo.people import DEMO_PASSWORD
from inbox.extensions import db
from inbox.people.users import user_count


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--cases", default=150, show_default=True, type=click.IntRange(0, 100_000))
@click.option(
    "--volume",
    default=1.0,
    show_default=True,
    # Up to 40 for bench/suggestions.py's 200,000 cases (volume 34).
    type=click.FloatRange(0, 40),
    help="Scale of the two years of settled history (1: about 3,000 cases a year; 0: none).",
)
@click.option("--seed", default=2026, show_default=True, help="Same seed, same municipality.")
@click.option(
    "--now",
    "at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="Pretend it is this time (ISO 8601 with offset); default: now.",
)
def demo_command(if_empty: bool, cases: int, volume: float, seed: int, at: datetime | None) -> None:
    """Load a demo municipality (Alver kommune) with departments, staff and two years of cases."""
    if user_count():
        if if_empty:
            click.echo("The database already has users; the demo was not loaded.")
            return
        raise click.ClickException(
            "the database already has users; load the demo only into an empty database"
        )
    if at is not None and at.tzinfo is None:
        raise click.BadParameter(
            "give a UTC offset, e.g. 2026-11-24T10:00:00+01:00", param_hint="--now"
        )
    started = time.perf_counter()
    summary = load_demo(at or now(), cases=cases, seed=seed, volume=volume)
    db.session.commit()
    click.echo(
        f"Loaded the demo in {time.perf_counter() - started:.1f} s: "
        f"{summary.departments} departments, {summary.users} users, {summary.cases} cases "
        f"({summary.archived} of them settled history since 1 January last year), "
        f"{summary.open_turns} open turns ({summary.overdue} overdue, {summary.due_today} due "
        f"today), {summary.pending_handovers} handovers waiting for acceptance."
    )
    if summary.showcase:
        click.echo(
            f"A citizen with several cases: open case {summary.showcase['declined']} (declined "
            f"by Byggesak, with attachments) and merge {summary.showcase['sms']} into it."
        )
    click.echo("")
    click.echo("WARNING: demo accounts with a shared password. Never use them in production.")
    click.echo(f"Password for every demo login: {DEMO_PASSWORD}")
    click.echo("")
    width = max(len(department) for _, department, _ in summary.logins)
    for role, department, email in summary.logins:
        click.echo(f"  {role:<7} {department:<{width}}  {email}")
