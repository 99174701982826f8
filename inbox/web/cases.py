"""The inbox page: the user's cases, soonest due first."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from inbox.queue import MAX_LIMIT, queue_page

blueprint = Blueprint("cases", __name__)


@blueprint.route("/")
@login_required
def index():
    calendar = current_app.extensions["svarfrist"].rules.calendar
    page = queue_page(current_user, calendar, limit=MAX_LIMIT)
    return render_template("cases/list.html", rows=page.rows)
