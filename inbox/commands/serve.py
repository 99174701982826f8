"""`svarfrist serve`: the production web server (gunicorn), behind a TLS-terminating proxy."""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import click
from flask import current_app
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from prometheus_client import multiprocess
from werkzeug.middleware.proxy_fix import ProxyFix

from inbox.logs import loggable_path
from inbox.people.oidc_users import check_departments
from inbox.reports.metrics import MULTIPROCESS_ENV
from inbox.settings.config import Settings
from rules.config import ConfigError


class _Server(BaseApplication):
    def __init__(self, application, options: dict) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class _AccessLog(Logger):
    """Gunicorn's log, with query strings cut down to their parameters' names (``/?q&status``)
    in the request line and the referrer: their values are search words (citizens' names and
    numbers) and Meta's ``hub.verify_token``; and without the token of a status page's path
    (``/sak/…``), which opens a citizen's case to whoever has it."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        target = _without_values(environ["RAW_URI"])
        atoms["r"] = f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = _without_values("?" + environ.get("QUERY_STRING", ""))[1:]
        atoms["f"] = _without_values(environ.get("HTTP_REFERER", "-"))
        return atoms


def _without_values(address: str) -> str:
    path, mark, query = address.partition("?")
    names = (pair.partition("=")[0] for pair in query.split("&") if pair)
    return loggable_path(path) + mark + "&".join(names)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests each worker answers at once.",
)
@click.option(
    "--proxies",
    default=1,
    show_default=True,
    type=click.IntRange(0, 5),
    help="Reverse proxies in front whose X-Forwarded-* headers are trusted.",
)
def serve_command(host: str, port: int, workers: int, threads: int, proxies: int) -> None:
    """Serve Svarfrist with gunicorn (session cookies are Secure: put TLS in front)."""
    application = current_app._get_current_object()
    settings = application.extensions["svarfrist"]
    try:  # [auth.oidc.roles] names departments, which only the database knows
        check_departments(settings.auth.oidc, str(settings.source or "the configuration"))
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    metrics_hooks = _metrics_across_workers(application.extensions["svarfrist"], workers)
    if proxies:
        application.wsgi_app = ProxyFix(
            application.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threaded workers watch idle connections instead of sitting on them: with gunicorn's
        # default (sync) worker one browser's unused pre-connection, or anyone's open socket,
        # held the whole worker until its timeout, and the login page hung for a minute.
        "worker_class": "gthread",
        "threads": threads,
        "accesslog": "-",
        "logger_class": _AccessLog,
        "timeout": 60,
        "preload_app": False,
        **metrics_hooks,
    }
    # Outside the command's application context: gunicorn's workers are forked from here,
    # and a request inherits an active context instead of pushing its own, so every request
    # in a worker would share ``g`` (the logged-in user, the CSRF token, the database session).
    contextvars.Context().run(_Server(application, options).run)


def _metrics_across_workers(settings: Settings, workers: int) -> dict:
    """Gunicorn settings for /metrics to count every worker's requests: prometheus-client's
    multiprocess mode, when ``PROMETHEUS_MULTIPROC_DIR`` is set. Its directory is emptied
    first (the library's files of an earlier run would be added in) and a worker's files
    are let go when it exits. Several workers without it would each answer only their own
    figures, so that is refused."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if not directory:
        if workers > 1 and settings.metrics.is_on:
            raise click.UsageError(
                f"--workers {workers} with [metrics] on in {settings.source or 'the configuration'}"
                f": set {MULTIPROCESS_ENV} to an empty directory this user may write (for "
                f"example /run/svarfrist/metrics), so /metrics counts every worker's "
                f"requests; or serve with --workers 1"
            )
        return {}
    path = Path(directory)
    if not path.is_dir() or not os.access(path, os.W_OK):
        raise click.UsageError(
            f"{MULTIPROCESS_ENV}={directory} is not a directory this user may write; "
            "create it (empty) or unset the variable"
        )
    for leftover in path.glob("*.db"):
        leftover.unlink()
    return {"child_exit": _worker_exited}


def _worker_exited(_server, worker) -> None:
    multiprocess.mark_process_dead(worker.pid)
