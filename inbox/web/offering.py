"""Offering a case to another department from the case page, by the form or a suggestion."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inbox.extensions import db
from inbox.handovers.workflow import HandoverError, propose
from inbox.models import Case, Department
from inbox.suggestions.choices import record_choice
from inbox.web.error_texts import error_text
from inbox.web.labels import department_name


def offer_case(case: Case, department: Department, note: str):
    """Offer ``case`` to ``department`` (recording whether the suggestion said so), commit,
    and go back to the case page with what happened."""
    try:
        propose(case, department, current_user, note)
        record_choice(case, department)
    except HandoverError as error:
        db.session.rollback()
        flash(_("The case was not offered. %(reason)s", reason=error_text(error)), "error")
    else:
        db.session.commit()
        flash(
            _("The case is offered to %(department)s.", department=department_name(department)),
            "success",
        )
    return redirect(url_for("case.show", reference=case.reference))
