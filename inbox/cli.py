"""The ``svarfrist`` command line: a Flask CLI group.

Commands that only need the configuration (``config check``, ``promise``) run
without building the app or touching a database, so they also work on a
machine where only the configuration file exists.
"""

from __future__ import annotations

import atexit
import gc
import json
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo

from inbox.clock import now
from inbox.commands import APP_WHEN_NEEDED, LEAN_COMMANDS, LEAN_KEY, load_command
from inbox.i18n import LANGUAGES, Language
from inbox.paths import MissingFilesError
from inbox.settings.config import Settings, config_path, load_settings
from inbox.settings.promise_text import explain
from rules.config import ConfigError
from rules.promises import CHANNELS


def _create_app():
    """The app for the commands that need one; a file missing from the install (a compiled
    catalog, the templates) or a configuration with problems ends the command with the
    message and status 1.

    The lean commands' app is built without the pages and the API, and without Flask's
    plugin commands (Flask-Migrate's Alembic), so a poll that finds nothing new costs little
    more than its round trips and a report little more than its counting. The app module is
    imported here, not with this one: `svarfrist dispatch --once` with nothing to send
    never needs it."""
    from inbox.app import create_app

    info = click.get_current_context().ensure_object(ScriptInfo)
    try:
        return create_app(lean=info.data.get(LEAN_KEY, False))
    except MissingFilesError as error:
        raise click.ClickException(str(error)) from error
    except ConfigError as error:  # every problem of the file, without a traceback
        click.echo(str(error), err=True)
        sys.exit(1)


class _Group(FlaskGroup):
    def __init__(self, **extra) -> None:
        super().__init__(load_dotenv=False, **extra)
        # The environment comes from systemd's EnvironmentFile or the shell, never from a .env
        # file in whatever directory the command runs in; Flask's --env-file would import
        # python-dotenv for every command (40 ms) to offer that.
        self.params = [param for param in self.params if param.name != "env_file"]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in LEAN_COMMANDS:
            return super().get_command(ctx, name)
        info = ctx.ensure_object(ScriptInfo)
        info.data[LEAN_KEY] = True
        if name in APP_WHEN_NEEDED:
            return load_command(name)
        app = info.load_app()
        if not current_app or current_app._get_current_object() is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)


cli = _Group(
    name="svarfrist",
    create_app=_create_app,
    add_default_commands=True,
    help="Svarfrist: one inbox for every channel, with a reply promise for every message.",
)


def main() -> None:
    """The ``svarfrist`` console script: :data:`cli`, and an exit that does not sweep the heap.

    While the interpreter tears its modules down at exit, its collector walks every object
    again and again: 0.4 s after a poll of 1,000 e-mails, longer than the poll's start-up
    takes to import SQLAlchemy. Frozen objects are left out of those walks. Nothing is lost
    by it: the commands close what they opened (database sessions, IMAP and SMTP
    connections, their child processes) before they return, every other exit handler still
    runs, and the system takes the memory back."""
    atexit.register(gc.freeze)
    cli(prog_name="svarfrist")


def settings_or_exit(path: str | None = None) -> Settings:
    """Load the configuration, or print every problem and exit with status 1."""
    try:
        return load_settings(path)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(1)


@cli.group("config")
def config_group() -> None:
    """Check the configuration file."""


@config_group.command("check", with_appcontext=False)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def config_check(path: str | None) -> None:
    """Validate PATH (default: $SVARFRIST_CONFIG) and say "ok" or list every problem."""
    settings_or_exit(path)
    source = config_path(path)
    click.echo(f"ok: {source}" if source else "ok: built-in defaults (SVARFRIST_CONFIG is not set)")


class AwareDateTime(click.ParamType):
    """An ISO 8601 date and time with a UTC offset."""

    name = "datetime"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2027-03-24T16:00:00+01:00")
        if parsed.tzinfo is None:
            self.fail(f"{value!r} has no UTC offset; write it like 2027-03-24T16:00:00+01:00")
        return parsed


@cli.command("promise", with_appcontext=False)
@click.option("--channel", required=True, type=click.Choice(CHANNELS), help="The channel.")
@click.option(
    "--received",
    type=AwareDateTime(),
    help="When the message came, ISO 8601 with offset (default: now).",
)
@click.option(
    "--lang", type=click.Choice(LANGUAGES), help="Language (default: the municipality's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def promise_command(
    channel: str, received: datetime | None, lang: str | None, as_json: bool
) -> None:
    """Explain the reply promise for a message on CHANNEL received at a given time."""
    rules = settings_or_exit().rules
    calendar = rules.calendar
    received = received or now().astimezone(calendar.zone)
    channel_rules = rules.promises[channel]
    promise = channel_rules.promise(calendar, received)
    if as_json:
        record = {
            "channel": channel,
            "received": promise.received_at.isoformat(),
            "target": promise.target_at.isoformat(),
            "due": promise.due_at.isoformat(),
            "rule": channel_rules.to_config(),
        }
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    try:
        language = Language.load(lang or rules.municipality.language)
    except MissingFilesError as error:
        raise click.ClickException(str(error)) from error
    for line in explain(channel, channel_rules, promise, calendar, language):
        click.echo(line)
