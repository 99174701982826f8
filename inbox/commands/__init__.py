"""Commands of the `svarfrist` CLI, one module per group, imported when one is run.

A command's module brings what the command uses (the senders bring requests and twilio, the
worker a scheduler, serve gunicorn); a report or a poll need not pay for the others. The
app's command group (:class:`Commands`) imports a command's module when the command is
looked up, as click's documentation suggests for large command lines.
"""

from __future__ import annotations

from importlib import import_module

import click
from flask.cli import AppGroup

#: The commands a lean app (``create_app(lean=True)``) has: they take in, send, or count, and
#: need neither the pages nor the API nor the migrations.
LEAN_COMMANDS = ("poll", "dispatch", "report")
#: Set in the CLI's :class:`~flask.cli.ScriptInfo` data when a lean command runs from the
#: command line (not through a test's runner): its app is to be built lean.
LEAN_KEY = "svarfrist.lean"
#: Lean commands that build the app themselves, only when they find they need it.
APP_WHEN_NEEDED = ("dispatch",)

#: Every command that needs the app: its name and where it lives (module:attribute).
COMMANDS = {
    "cases": "inbox.commands.cases:cases_group",
    "demo": "inbox.commands.demo:demo_command",
    "departments": "inbox.commands.departments:departments_group",
    "dispatch": "inbox.commands.dispatch:dispatch_command",
    "poll": "inbox.commands.poll:poll_command",
    "report": "inbox.commands.report:report_group",
    "retention": "inbox.commands.retention:retention_command",
    "serve": "inbox.commands.serve:serve_command",
    "setup": "inbox.commands.setup:setup_command",
    "suggestions": "inbox.commands.suggestions:suggestions_group",
    "users": "inbox.commands.users:users_group",
    "worker": "inbox.commands.worker:worker_command",
}


class Commands(AppGroup):
    """The app's commands (``app.cli``): ``names`` of :data:`COMMANDS`, each imported on
    first use, beside any added the usual way."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self._lazy = {name: COMMANDS[name] for name in names}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self._lazy:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


def load_command(name: str) -> click.Command:
    """The command ``name`` of :data:`COMMANDS`, its module imported now."""
    module, attribute = COMMANDS[name].split(":")
    return getattr(import_module(module), attribute)
