"""`/overview`: the leaders' overview of today, for leaders (the departments they lead) and
administrators (every department); anyone else is refused (403, in the audit log)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import format_date, format_number, format_percent, format_time, format_timedelta
from flask_login import current_user, login_required

from inbox.cases.access import NotChangeable
from inbox.cases.overview import departments_overseen, overview
from inbox.clock import now
from inbox.models import Role

blueprint = Blueprint("overview", __name__)


@blueprint.get("/overview")
@login_required
def show():
    departments = departments_overseen(current_user)
    if departments is None:
        raise NotChangeable("the overview is for leaders and administrators", "page overview")
    calendar = current_app.extensions["svarfrist"].rules.calendar
    figures = overview(current_user, calendar, departments)
    moment = now()
    return render_template(
        "overview/overview.html",
        overview=figures,
        moment_text=f"{format_date(moment, 'full')} {format_time(moment, 'short')}",
        queue_link=_queue_link(departments),
        format_number=format_number,
        percent=lambda share: format_percent(share),
        waited=lambda since: format_timedelta(moment - since),
        day=lambda when: format_date(when, "medium"),
    )


def _queue_link(departments):
    """``link(**filters)``: the queue's address showing the cases a number counts.

    A row of a department names it; the total and the channels' rows are an administrator's
    whole queue, or a leader's one department, or their own departments (``scope=mine``).
    The cases offered to departments (``offered_to=``) belong to others: no scope for them."""
    if current_user.role == Role.ADMIN:
        scope = {}
    elif len(departments) == 1:
        scope = {"department": departments[0].slug}
    else:
        scope = {"scope": "mine"}

    def link(**filters) -> str:
        named = "department" in filters or "offered_to" in filters
        arguments = filters if named else {**scope, **filters}
        return url_for("cases.index", **arguments)

    return link
