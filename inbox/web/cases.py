"""The inbox page: the user's cases, soonest due first."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.queue import queue_for

blueprint = Blueprint("cases", __name__)


@blueprint.route("/")
@login_required
def index():
    return render_template("cases/list.html", rows=queue_for(current_user))
