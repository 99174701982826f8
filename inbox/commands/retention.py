"""`svarfrist retention`: anonymize or delete closed cases past the configured age."""

from __future__ import annotations

import click

from inbox.jobs import retention


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be done; change nothing.")
def retention_command(dry_run: bool) -> None:
    """Apply [retention] now (the worker also does it every night)."""
    report = retention.apply(dry_run=dry_run)
    if report is None:
        click.echo("No retention is configured ([retention] closed_months): nothing is done.")
        return
    click.echo(str(report))
