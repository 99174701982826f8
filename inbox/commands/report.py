"""`svarfrist report channels`: the channel report as JSON or CSV."""

from __future__ import annotations

import json
from pathlib import Path

import click

from inbox.report_exports import as_csv
from inbox.reports import channel_report


@click.group("report")
def report_group() -> None:
    """Reports for leaders."""


@report_group.command("channels")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--month", type=click.IntRange(1, 12))
@click.option(
    "--format", "kind", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: standard output."
)
def channels_command(year: int, month: int | None, kind: str, out: Path | None) -> None:
    """How each channel kept its promises in a year (or a month of it), every department."""
    report = channel_report(year, month)
    text = (
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        if kind == "json"
        else as_csv(report)
    )
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"written to {out}", err=True)
