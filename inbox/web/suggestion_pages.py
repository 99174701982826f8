"""The suggestions on the case page: the likely departments with one click to offer the case
to one, and the answers of similar closed cases to start from."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inbox.cases.access import case_to_change
from inbox.models import Case
from inbox.suggestions.earlier import earlier_answers
from inbox.suggestions.suggesting import suggestions_for
from inbox.web.forms import SuggestedHandoverForm
from inbox.web.labels import department_name
from inbox.web.offering import offer_case

blueprint = Blueprint("suggestion", __name__, url_prefix="/cases")


def suggestion_context(case: Case, can_change: bool) -> dict:
    """What the case page shows of the suggestions: only to those who may work on the case
    (the ones who offer it onwards and answer it)."""
    if not can_change:
        return {"suggestions": None, "earlier_answers": [], "suggested_form": None}
    return {
        "suggestions": suggestions_for(case),
        "earlier_answers": earlier_answers(case, current_user),
        "suggested_form": SuggestedHandoverForm(formdata=None),
    }


@blueprint.post("/<reference:reference>/handover/suggested")
@login_required
def offer_suggested(reference: str):
    """Offer the case to a department the suggestion names, with a note saying so."""
    case = case_to_change(current_user, reference)
    form = SuggestedHandoverForm()
    shown = suggestions_for(case).departments
    chosen = next((s for s in shown if str(s.department.id) == form.department.data), None)
    if not form.validate_on_submit() or chosen is None:
        flash(_("That department is no longer suggested for this case: choose one below."), "error")
        return redirect(url_for("case.show", reference=reference))
    note = _(
        "Offered from the suggestion learned from earlier cases: %(department)s (%(percent)s).",
        department=department_name(chosen.department),
        percent=format_percent(chosen.probability),
    )
    return offer_case(case, chosen.department, note)
