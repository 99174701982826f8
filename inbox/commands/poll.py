"""`svarfrist poll`: pull the configured mailboxes into the inbox."""

from __future__ import annotations

import time

import click
from flask import current_app

from inbox.intake.polling import PollReport
from inbox.jobs.dispatch_alongside import DispatcherFailed, Wake, dispatching_alongside
from inbox.jobs.polling import poll_account, poll_meta_account, poll_sms_account
from inbox.jobs.webhooks import take_in_pending
from inbox.settings.config import Settings

# Below this many messages a progress bar is more noise than help.
PROGRESS_FROM = 50


@click.command("poll")
@click.option("--account", "account_name", help="Only this account (its `name`).")
@click.option("--once", is_flag=True, help="Poll once, then exit (default: keep polling).")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    help="Seconds between rounds; default: each account's poll_interval_seconds.",
)
@click.option(
    "--dispatch/--no-dispatch",
    "alongside",
    default=True,
    show_default=True,
    help="Send the outbox (the acknowledgements) from a process beside the poll as each "
    "batch is committed; --no-dispatch leaves it to `svarfrist dispatch` or the worker.",
)
def poll_command(
    account_name: str | None, once: bool, interval: float | None, alongside: bool
) -> None:
    """Take in stored webhooks, then read new messages from the e-mail, SMS and Meta
    accounts; prints what each step did, and what the dispatcher beside it sent.

    Exits with status 1 when an account could not be read (after --once) or the
    dispatcher beside the poll failed.
    """
    settings: Settings = current_app.extensions["svarfrist"]
    pollers = [(a, _poll_with_progress) for a in settings.email_accounts if a.imap is not None]
    pollers += [(a, _reporting(poll_sms_account)) for a in settings.sms_accounts]
    pollers += [(a, _reporting(poll_meta_account)) for a in settings.meta_accounts]
    if account_name is not None:
        pollers = [(a, poll) for a, poll in pollers if a.name == account_name]
        if not pollers:
            every = (*settings.email_accounts, *settings.sms_accounts, *settings.meta_accounts)
            names = ", ".join(a.name for a in every)
            raise click.BadParameter(
                f"no e-mail account (with imap_host), SMS or Meta account named "
                f"{account_name!r} in {settings.source or 'the configuration'} "
                f"(configured: {names or 'none'})",
                param_hint="--account",
            )
    if not pollers:
        click.echo(
            "Nothing to poll: no [[channels.email]] account with imap_host, and no "
            "[[channels.sms]] or [[channels.meta]] account is configured."
        )
        return
    pause = interval or min(a.poll_interval_seconds for a, _poll in pollers)
    takes_webhooks = bool(settings.sms_accounts or settings.meta_accounts)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        with dispatching_alongside(app, each_round=not once, enabled=alongside) as wake:
            _poll_rounds(pollers, once, pause, takes_webhooks, wake)
    except DispatcherFailed as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from error


def _poll_rounds(pollers, once: bool, pause: float, takes_webhooks: bool, wake: Wake) -> None:
    while True:
        if takes_webhooks:
            click.echo(str(take_in_pending()))
            wake()
        reports = [poll(account, wake) for account, poll in pollers]
        if once:
            if any(report.errors for report in reports):
                raise SystemExit(1)
            return
        time.sleep(pause)


def _reporting(poll):
    def poll_and_print(account, wake: Wake) -> PollReport:
        report = poll(account)  # one commit at its end
        wake()
        click.echo(str(report), err=bool(report.errors))
        return report

    return poll_and_print


def _poll_with_progress(account, wake: Wake) -> PollReport:
    bar = None

    def on_total(count: int) -> None:
        nonlocal bar
        if count >= PROGRESS_FROM:
            bar = click.progressbar(length=count, label=f"{account.name}: reading", file=None)
            bar.__enter__()

    def on_message(count: int) -> None:
        if bar is not None:
            bar.update(count)

    try:
        report = poll_account(
            account, on_total=on_total, on_message=on_message, on_committed=wake, read_ahead=True
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(str(report), err=bool(report.errors))
    return report
