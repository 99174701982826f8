"""The citizen panel's changes on the case page: name, addresses, and merging another case of
the same citizen into this one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from inbox.cases.access import case_to_change
from inbox.cases.citizen_addresses import (
    AddressError,
    change_address,
    citizen_identity,
    remove_address,
    rename_citizen,
)
from inbox.cases.merging import MergeError, merge, merge_partner, merge_plan
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.models import Case, ContactIdentity
from inbox.web.case_page import render_case_page
from inbox.web.citizen_panel import address_form_prefix
from inbox.web.forms import ChangeAddressForm, CitizenNameForm, MergeForm, PostForm

blueprint = Blueprint("citizen", __name__, url_prefix="/cases")

CHANGE_ERRORS = {
    "invalid_email": _l("%(value)s is no e-mail address."),
    "invalid_phone": _l("%(value)s is no phone number we can send SMS to."),
    "belongs_to_another": _l("%(value)s belongs to another citizen; it is not added to this one."),
    "message_pending": _l(
        "A message to %(value)s is still waiting to be sent, so the address is kept. Change or "
        "remove it when the message has been sent or has failed."
    ),
    "not_editable": _l("%(value)s comes from Facebook or Instagram and cannot be changed here."),
    "name_too_long": _l("The name is longer than 200 characters."),
}
MERGE_ERRORS = {
    "same_case": _l("A case cannot be merged into itself."),
    "closed": _l("Case %(reference)s is closed; only open cases are merged."),
    "merged": _l("Case %(reference)s was already merged or joined into another case."),
    "handover_pending": _l(
        "Case %(reference)s is offered to another department; merge it after they have decided."
    ),
}


def _identity(case: Case, identity_id: int) -> ContactIdentity:
    identity = citizen_identity(case, identity_id)
    if identity is None:
        raise NotFound()  # another citizen's address is not reached through this case
    return identity


@blueprint.post("/<reference:reference>/citizen/name")
@login_required
def rename(reference: str):
    case = case_to_change(current_user, reference)
    form = CitizenNameForm()
    if not form.validate_on_submit():
        return render_case_page(case, citizen_forms={"name": form}, status=422)
    try:
        changed = rename_citizen(case, form.citizen_name.data or "", current_user)
    except AddressError as error:
        db.session.rollback()
        form.citizen_name.errors = [str(CHANGE_ERRORS[error.code]) % {"value": error.value}]
        return render_case_page(case, citizen_forms={"name": form}, status=422)
    db.session.commit()
    if changed:
        flash(_("The citizen's name is saved."), "success")
    return redirect(url_for("case.show", reference=reference, _anchor="citizen"))


@blueprint.post("/<reference:reference>/citizen/addresses/<id:identity_id>")
@login_required
def change(reference: str, identity_id: int):
    case = case_to_change(current_user, reference)
    identity = _identity(case, identity_id)
    old = identity.value
    form = ChangeAddressForm(prefix=address_form_prefix(identity_id))
    if not form.validate_on_submit():
        return render_case_page(case, citizen_forms={identity_id: form}, status=422)
    try:
        changed = change_address(case, identity, form.address.data, current_user)
    except AddressError as error:
        db.session.rollback()
        form.address.errors = [str(CHANGE_ERRORS[error.code]) % {"value": error.value}]
        return render_case_page(case, citizen_forms={identity_id: form}, status=422)
    db.session.commit()
    if changed.value != old:
        flash(
            _("%(old)s is changed to %(new)s.", old=old, new=changed.value),
            "success",
        )
    return redirect(url_for("case.show", reference=reference, _anchor="citizen"))


@blueprint.post("/<reference:reference>/citizen/addresses/<id:identity_id>/remove")
@login_required
def remove(reference: str, identity_id: int):
    case = case_to_change(current_user, reference)
    identity = _identity(case, identity_id)
    if not PostForm().validate_on_submit():
        flash(_("The page had expired. Remove the address again."), "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    value = identity.value
    try:
        remove_address(case, identity, current_user)
    except AddressError as error:
        db.session.rollback()
        flash(str(CHANGE_ERRORS[error.code]) % {"value": error.value}, "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    db.session.commit()
    flash(_("%(address)s is removed from the citizen.", address=value), "success")
    return redirect(url_for("case.show", reference=reference, _anchor="citizen"))


@blueprint.get("/<reference:reference>/merge")
@login_required
def confirm_merge(reference: str):
    """What merging the chosen case into this one will do, and the button that does it."""
    into = case_to_change(current_user, reference)
    chosen = request.args.get("case", "")
    if not chosen:
        flash(_("Choose the case to merge into this one from the citizen's cases."), "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    other = merge_partner(into, chosen, current_user)
    try:
        plan = merge_plan(other, into)
    except MergeError as error:
        flash(str(MERGE_ERRORS[error.code]) % {"reference": error.reference}, "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    return render_template(
        "cases/merge.html",
        plan=plan,
        form=MergeForm(formdata=None, other=other.reference),
    )


@blueprint.post("/<reference:reference>/merge")
@login_required
def do_merge(reference: str):
    commit_and_begin_write()
    into = case_to_change(current_user, reference)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Choose the case to merge again."), "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    other = merge_partner(into, form.other.data, current_user)
    try:
        merge(other, into, current_user)
    except MergeError as error:
        db.session.rollback()
        flash(str(MERGE_ERRORS[error.code]) % {"reference": error.reference}, "error")
        return redirect(url_for("case.show", reference=reference, _anchor="citizen"))
    db.session.commit()
    flash(
        _(
            "Case %(other)s is merged into this case: its messages are here now, and it is closed.",
            other=other.reference,
        ),
        "success",
    )
    return redirect(url_for("case.show", reference=reference))
