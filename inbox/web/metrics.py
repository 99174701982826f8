"""`GET /metrics`: Prometheus' text format, for the monitoring municipal IT already runs.

Not public: ``[metrics] token_env`` names the variable holding a bearer token the
scraper must send, and/or ``loopback_only = true`` answers only the machine itself;
with neither, ``/metrics`` is a 404 like any unknown address.

The figures that live in the database are read from it at each scrape
(:class:`inbox.reports.metrics.DatabaseFigures`), so every process and machine
answers the same. Request latency is measured per process: with
``PROMETHEUS_MULTIPROC_DIR`` set (``svarfrist serve`` with several workers needs it),
prometheus-client's multiprocess mode adds up every worker's files; without it the
figures are this process's own.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from inbox.clock import now
from inbox.reports.metrics import MULTIPROCESS_ENV, DatabaseFigures
from inbox.settings.config import Settings

log = logging.getLogger(__name__)

blueprint = Blueprint("metrics", __name__)
#: This process's own metrics (in multiprocess mode their values go to its files instead).
PROCESS_REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "svarfrist_request_duration_seconds",
    "Time from a request's arrival to its response, per Flask endpoint.",
    ["endpoint"],
    registry=PROCESS_REGISTRY,
)


def init_metrics(app: Flask) -> None:
    """Time every request, and serve ``/metrics``."""
    app.before_request(_start_clock)
    app.after_request(_observe)
    app.register_blueprint(blueprint)


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        # The endpoint's name, never the path: a path holds case references and ids.
        endpoint = request.endpoint or "none"
        REQUEST_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
    return response


@blueprint.get("/metrics")
def metrics():
    settings: Settings = current_app.extensions["svarfrist"]
    access = settings.metrics
    if not access.is_on:
        abort(404)
    if access.loopback_only and not _from_loopback():
        return _refused(403, "/metrics answers only this machine ([metrics] loopback_only).")
    if access.token_env is not None:
        expected = os.environ.get(access.token_env, "")
        if not expected:
            log.error("metrics_token_missing variable=%s", access.token_env)
            return _refused(
                503,
                f"[metrics] token_env names the environment variable {access.token_env}, "
                "which is not set for Svarfrist.",
            )
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            return _refused(401, "Send the token as 'Authorization: Bearer <token>'.")
        if not hmac.compare_digest(given.strip().encode(), expected.encode()):
            return _refused(403, "The bearer token is not the one Svarfrist expects.")
    registry = CollectorRegistry()
    registry.register(DatabaseFigures(settings, now()))
    if os.environ.get(MULTIPROCESS_ENV):
        MultiProcessCollector(registry)
    else:
        registry.register(PROCESS_REGISTRY)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)


def _from_loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _refused(status: int, reason: str) -> Response:
    response = Response(f"{status} {reason}\n", status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="svarfrist-metrics"'
    return response
