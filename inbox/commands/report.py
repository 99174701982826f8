"""`svarfrist report channels`: the channel report as JSON, CSV, XLSX, HTML or PDF;
`svarfrist report mail`: the monthly report mail to the leaders, now."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from inbox.extensions import db
from inbox.i18n import LANGUAGES
from inbox.jobs import monthly_report
from inbox.models import User
from inbox.people.users import normalise_email
from inbox.reports import document as report_document
from inbox.reports.channel_report import STEPS, channel_report
from inbox.reports.exports import as_csv, as_xlsx
from inbox.reports.wording import worded


@click.group("report")
def report_group() -> None:
    """Reports for leaders."""


@report_group.command("channels")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--month", type=click.IntRange(1, 12))
@click.option(
    "--format",
    "kind",
    type=click.Choice(["json", "csv", "xlsx", "html", "pdf"]),
    default="json",
    show_default=True,
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: standard output."
)
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    help="The names, headers and sentences' language. Default: the municipality's.",
)
def channels_command(
    year: int, month: int | None, kind: str, out: Path | None, language: str | None
) -> None:
    """How each channel kept its promises in a year (or a month of it), every department."""
    with click.progressbar(
        length=len(STEPS) + 1,
        label="Counting",
        file=sys.stderr,
        item_show_func=lambda name: name,
    ) as bar:
        report = channel_report(year, month, on_step=lambda name: bar.update(1, name))
        with current_app.test_request_context(), force_locale(language or _default_language()):
            content = _render(report, year, month, kind)
        bar.update(1, kind)
    if out is None:
        if isinstance(content, bytes):
            raise click.UsageError(f"--format {kind} is binary: give --out FILE")
        click.echo(content, nl=False)
    else:
        out.write_bytes(content if isinstance(content, bytes) else content.encode())
        click.echo(f"written to {out}", err=True)


def _default_language() -> str:
    return current_app.extensions["svarfrist"].rules.municipality.language


@report_group.command("mail")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--month", type=click.IntRange(1, 12), required=True)
@click.option("--leader", "email", help="Only this leader (their e-mail address).")
def mail_command(year: int, month: int, email: str | None) -> None:
    """Queue the monthly report of a month for each leader who has not had it yet.

    What the worker does on the first working day of the month (whether or not
    [report] monthly_mail is on); `svarfrist dispatch` or the worker sends the mails.
    """
    leaders = monthly_report.leaders()
    if email is not None:
        address = normalise_email(email)
        leaders = [leader for leader in leaders if leader.email == address]
        if not leaders:
            known = db.session.scalar(select(User.id).where(User.email == address))
            why = "leads no active department" if known else "is no user"
            raise click.BadParameter(f"{email} {why}", param_hint="--leader")
    queued = {leader.id for leader in monthly_report.queue_month(year, month, leaders)}
    for leader in leaders:
        state = "queued" if leader.id in queued else "sent before"
        click.echo(f"{year}-{month:02d} {leader.email}: {state}")


def _render(report, year: int, month: int | None, kind: str) -> str | bytes:
    if kind == "json":
        return json.dumps(worded(report), indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        return as_csv(report)
    if kind == "xlsx":
        return as_xlsx(report)
    if kind == "html":
        return report_document.as_html(report, year, month)
    return report_document.as_pdf(report, year, month)
