"""`GET /healthz`: whether the database answers and the worker is alive, for load balancers;
and for the pages, whether anything is being sent.

No login and no personal data: the database's state, and the age of the
newest worker heartbeat. 503 when either is wrong, so a monitor alerts.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from inbox.clock import now
from inbox.extensions import db
from inbox.models.heartbeats import HEARTBEAT_SECONDS, WorkerHeartbeat

blueprint = Blueprint("health", __name__)
#: A heartbeat older than this means no worker is running (or all are stuck).
STALE_AFTER_SECONDS = 6 * HEARTBEAT_SECONDS
#: The pages warn "nothing is being sent" when no worker has beaten for this long.
SILENT_WORKER = timedelta(minutes=1)


def worker_is_silent() -> bool:
    """Whether no worker has beaten for :data:`SILENT_WORKER` (or none ever ran), so the outbox
    is not being sent. ``False`` when the database does not answer: the page says that."""
    try:
        newest = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return newest is None or now() - newest > SILENT_WORKER


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        newest = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        body = {"database": f"unreachable ({type(error).__name__})", "worker": None}
        return jsonify(body), 503
    age = round((now() - newest).total_seconds()) if newest is not None else None
    worker_ok = age is not None and age <= STALE_AFTER_SECONDS
    body = {
        "database": "ok",
        "worker": {
            "heartbeat_age_seconds": age,
            "stale_after_seconds": STALE_AFTER_SECONDS,
            "ok": worker_ok,
        },
    }
    return jsonify(body), 200 if worker_ok else 503
