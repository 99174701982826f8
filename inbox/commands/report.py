"""`svarfrist report channels`: the channel report as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from inbox.reports import channel_report

FIGURE_COLUMNS = (
    "turns",
    "cases",
    "answered",
    "by_target",
    "by_due",
    "by_target_share",
    "by_due_share",
    "median_hours",
    "p90_hours",
    "preliminary",
    "preliminary_share",
    "open_at_end",
    "overdue_at_end",
)


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
        json.dumps(report, indent=2, ensure_ascii=False) + "\n" if kind == "json" else _csv(report)
    )
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"written to {out}", err=True)


def _csv(report) -> str:
    """One row per channel, then the total: the figures a spreadsheet needs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["channel", *FIGURE_COLUMNS])
    rows = [*report["channels"].items(), ("total", report["total"])]
    for name, figures in rows:
        writer.writerow([name, *(figures[column] for column in FIGURE_COLUMNS)])
    return buffer.getvalue()
