"""Status lines: where a case is and who has it, for anyone at the municipality who has its
reference, and the front line's list of the cases it handed over."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inbox.cases.access import NotVisible
from inbox.cases.status_lines import handed_over_by, status_line
from inbox.extensions import db
from inbox.people import audit
from inbox.web import case_page

blueprint = Blueprint("status", __name__)
#: How a case reference is written: the year, a dash and the number (``2026-000123``).
REFERENCE = re.compile(r"\d{4}-\d{6,}")


@case_page.blueprint.get("/<reference:reference>/status")
@login_required
def status_of(reference: str):
    """One case's status line; the whole case is linked for those who may open it."""
    try:
        line = status_line(current_user, reference)
    except NotVisible:
        db.session.rollback()
        return render_template("cases/status.html", line=None, reference=reference), 404
    audit.record("case.status_view", user=current_user, reference=reference, ip=request.remote_addr)
    db.session.commit()
    return render_template("cases/status.html", line=line, reference=reference)


@blueprint.get("/handed-over")
@login_required
def handed_over():
    """The cases the user's departments handed over, and a status look-up by reference."""
    wanted = (request.args.get("reference") or "").strip()
    if wanted:
        if REFERENCE.fullmatch(wanted):
            return redirect(url_for("case.status_of", reference=wanted))
        flash(
            _(
                "%(reference)s is no case reference: it is written like 2026-000123.",
                reference=wanted,
            ),
            "error",
        )
    return render_template(
        "cases/handed_over.html", lines=handed_over_by(current_user), wanted=wanted
    )
