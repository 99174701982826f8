"""The inbox page: the user's cases, soonest due first, with filters and their counts."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_login import current_user, login_required

from inbox.cases.escalations import escalations
from inbox.cases.queue import DEFAULT_LIMIT, QueueError, QueueFilter, queue_counts, queue_page

blueprint = Blueprint("cases", __name__)
FILTER_KEYS = ("scope", "channel", "status", "due", "assignee", "handover", "q")


def _filters(arguments) -> QueueFilter:
    return QueueFilter(
        mine_only=arguments.get("scope") == "mine",
        channel=arguments.get("channel") or None,
        status=arguments.get("status") or None,
        due=arguments.get("due") or None,
        assignee=arguments.get("assignee") or None,
        handover=arguments.get("handover") or None,
        search=arguments.get("q") or None,
    )


@blueprint.route("/")
@login_required
def index():
    calendar = current_app.extensions["svarfrist"].rules.calendar
    active = {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}
    try:
        page = queue_page(
            current_user,
            calendar,
            _filters(request.args),
            limit=DEFAULT_LIMIT,
            after=request.args.get("after"),
        )
    except QueueError as error:
        # The error page shows flashed messages: the user learns which filter was wrong.
        flash(str(error), "error")
        abort(400)
    return render_template(
        "cases/list.html",
        rows=page.rows,
        next_cursor=page.next_cursor,
        counts=queue_counts(current_user, calendar),
        escalations=escalations(current_user, calendar),
        active=active,
    )
