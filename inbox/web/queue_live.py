"""The queue's news, for the open queue page to say by itself: new cases and the filters' counts.

The page polls ``GET /queue/live`` with its own filters and the moment it was rendered
(``since``); the answer is a count and the newest references, never the page's rows, so
a poll stays cheap. The filters are read and applied by the queue page's own code, so
the news never counts a case the page would not show.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func

from inbox.cases import queue
from inbox.cases.access import visible_cases
from inbox.cases.queue import QueueError, queue_counts
from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case
from inbox.web import cases as queue_page_view

blueprint = Blueprint("queue_live", __name__, url_prefix="/queue")
#: How many of the new cases are named in the answer (the rest are counted).
NEWEST = 5
#: Seconds between polls; ``QUEUE_POLL_SECONDS`` in the app's config overrides it.
POLL_SECONDS = 15


@blueprint.app_context_processor
def _live_queue_globals():
    return {"live_queue_url": live_queue_url, "queue_poll_seconds": _poll_seconds}


def live_queue_url(active: dict) -> str:
    """The news address for a queue page with these filters, rendered now."""
    return url_for("queue_live.changes", since=now().isoformat(), **active)


def _poll_seconds() -> int:
    return int(current_app.config.get("QUEUE_POLL_SECONDS", POLL_SECONDS))


@blueprint.route("/live")
@login_required
def changes():
    """New cases under the page's filters since ``since``, and the counts beside the filters."""
    calendar = current_app.extensions["svarfrist"].rules.calendar
    try:
        since = datetime.fromisoformat(request.args.get("since", ""))
    except ValueError:
        return jsonify(error="since: an ISO 8601 time is needed"), 400
    if since.utcoffset() is None:
        return jsonify(error="since: the time needs its offset from UTC"), 400
    try:
        filters = queue_page_view._filters(request.args)
        # The page's own filter code: the news counts exactly the cases the page shows.
        matching = queue._filtered(visible_cases(current_user), current_user, calendar, filters)
    except QueueError as error:
        return jsonify(error=str(error)), 400
    new = matching.where(Case.created_at > since)
    count = db.session.scalar(new.with_only_columns(func.count()).order_by(None))
    newest = list(
        db.session.scalars(
            new.with_only_columns(Case.reference).order_by(Case.id.desc()).limit(NEWEST)
        )
    )
    return jsonify(
        new=count,
        text=ngettext("%(num)d new case", "%(num)d new cases", count) if count else "",
        newest=[
            {"reference": reference, "url": url_for("case.show", reference=reference)}
            for reference in newest
        ],
        counts=queue_counts(current_user, calendar, filters),
    )
