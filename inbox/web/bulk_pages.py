"""Bulk actions from the queue: take, assign, close with a reason, offer to a department.

The queue's rows carry a checkbox each; the queue posts the chosen references and the
action here. Taking needs nothing more and is done at once; the other actions first show
the chosen cases with what the action needs (a person, a reason, a department and a note),
and are done when that is confirmed. The answer names every case and what became of it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from inbox.cases.bulk import (
    BulkAction,
    BulkError,
    apply,
    assignable_people,
    casework_change,
    offer_needs,
    selected_references,
    visible_selection,
)
from inbox.cases.replies import MAX_TEXT_LENGTH
from inbox.extensions import db
from inbox.handovers.workflow import HandoverError, propose
from inbox.people.departments import department_with_id, departments_by_name
from inbox.people.users import user_with_id
from inbox.web.error_texts import UNKNOWN, error_text
from inbox.web.forms import Form
from inbox.web.labels import department_name

blueprint = Blueprint("bulk", __name__, url_prefix="/queue")
#: The actions that ask for something before they are done.
ASKING = (BulkAction.ASSIGN, BulkAction.CLOSE, BulkAction.OFFER)


class BulkForm(Form):
    assignee = SelectField(_l("Assign to"), coerce=int, choices=[], validate_choice=False)
    reason = TextAreaField(_l("Why are the cases closed?"), validators=[Length(max=2000)])
    department = SelectField(_l("Department"), coerce=int, choices=[], validate_choice=False)
    note = TextAreaField(
        _l("Note for the receiving department"), validators=[Length(max=MAX_TEXT_LENGTH)]
    )
    next = HiddenField()


def _back(target: str | None) -> str:
    """The queue page the request came from, if it is one of ours, else the queue."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("cases.index")


@blueprint.route("/bulk", methods=["POST"])
@login_required
def run():
    form = BulkForm()
    back = _back(form.next.data)
    try:
        action = BulkAction(request.form.get("action", ""))
    except ValueError:
        abort(400)
    try:
        references = selected_references(request.form.getlist("case"))
    except BulkError as error:
        flash(error_text(error), "error")
        return redirect(back)
    if not form.validate_on_submit():
        # Only a length can be wrong here (the CSRF token is checked before the view):
        # the text comes back to be shortened, not lost.
        too_long = next(iter(form.errors), "reason")
        return _ask(form, action, references, back, missing=too_long, status=400)
    if action in ASKING and not request.form.get("confirm"):
        return _ask(form, action, references, back)
    department = department_with_id(form.department.data) if form.department.data else None
    try:
        if action == BulkAction.OFFER:
            note = form.note.data or ""
            offer_needs(department, note)
            outcomes = apply(
                current_user,
                references,
                lambda case: propose(case, department, current_user, note),
                service_errors=(HandoverError,),
                ip=request.remote_addr,
            )
        else:
            assignee = user_with_id(form.assignee.data) if form.assignee.data else None
            change = casework_change(
                current_user,
                action,
                # Only people who can sign in are offered; a deactivated one is no choice.
                assignee=assignee if assignee is not None and assignee.is_enabled else None,
                reason=form.reason.data or "",
            )
            outcomes = apply(current_user, references, change, ip=request.remote_addr)
    except BulkError as error:
        db.session.rollback()
        return _ask(form, action, references, back, missing=error.field, refusal=error, status=400)
    db.session.commit()
    done = sum(outcome.is_done for outcome in outcomes)
    return render_template(
        "cases/bulk_result.html",
        action=action.value,
        outcomes=outcomes,
        # The services' refusals in the user's language, never their English.
        reasons={
            outcome.reference: error_text(outcome.error) if outcome.error else str(UNKNOWN)
            for outcome in outcomes
            if outcome.problem == "error"
        },
        done=done,
        back=back,
        department=department,
    )


def _ask(
    form: BulkForm,
    action: BulkAction,
    references,
    back,
    *,
    missing=None,
    refusal: BulkError | None = None,
    status=200,
):
    cases = {case.reference: case for case in visible_selection(current_user, references)}
    people = assignable_people(list(cases.values()))
    form.assignee.choices = [SelectChoice(0, _("Choose a person"))] + [
        SelectChoice(person.id, person.name) for person in people
    ]
    form.department.choices = [SelectChoice(0, _("Choose a department"))] + [
        SelectChoice(department.id, department_name(department))
        for department in departments_by_name()
    ]
    errors = {refusal.field: error_text(refusal)} if refusal is not None else {}
    if form.errors:
        errors = dict.fromkeys(form.errors, _("The text is too long: shorten it and try again."))
    return render_template(
        "cases/bulk.html",
        form=form,
        action=action.value,
        selected=[(reference, cases.get(reference)) for reference in references],
        error=errors.get(missing) if missing else None,
        missing=missing,
        back=back,
        heading=_heading(action, len(references)),
    ), status


def _heading(action: BulkAction, count: int) -> str:
    if action == BulkAction.ASSIGN:
        return ngettext("Assign %(num)d case", "Assign %(num)d cases", count)
    if action == BulkAction.CLOSE:
        return ngettext("Close %(num)d case", "Close %(num)d cases", count)
    return ngettext(
        "Offer %(num)d case to a department", "Offer %(num)d cases to a department", count
    )
