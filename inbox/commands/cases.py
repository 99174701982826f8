"""`svarfrist cases ...`: working with cases from the command line."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from inbox.cases.export import case_records
from inbox.extensions import db
from inbox.models import User
from inbox.people import audit

cases_group = AppGroup("cases", help="Export cases.")


@cases_group.command("export")
@click.option(
    "--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True
)
@click.option(
    "--user",
    "user_email",
    metavar="EMAIL",
    help="Export only what this user may see (default: every case).",
)
@click.option(
    "--output", type=click.File("w", encoding="utf-8"), default="-", help="File (default: stdout)."
)
def export_command(output_format: str, user_email: str | None, output) -> None:
    """Write cases with their messages, turns and handovers, one JSON object per line."""
    user = None
    if user_email is not None:
        user = db.session.scalar(select(User).where(User.email == user_email.strip().lower()))
        if user is None:
            raise click.BadParameter(f"no user with e-mail {user_email}", param_hint="--user")
    exported = 0
    for record in case_records(user):
        output.write(json.dumps(record, ensure_ascii=False) + "\n")
        exported += 1
    audit.record("cases.export", user=user, count=exported, format=output_format)
    db.session.commit()
    click.echo(f"exported {exported} cases", err=True)
