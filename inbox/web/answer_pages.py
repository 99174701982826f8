"""How answers reach the citizen, on the case page: their live state, letters to print and
mark sent, and the citizen's addresses staff add."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from channels.base import IdentityKind
from inbox.cases.access import case_to_change, case_to_see
from inbox.cases.answer_ways import Delivery
from inbox.cases.citizen_addresses import AddressError, add_address
from inbox.cases.details import deliveries
from inbox.cases.replies import ReplyError, mark_letter_sent
from inbox.clock import now
from inbox.extensions import db
from inbox.health import worker_is_silent
from inbox.models import Case, Direction, Message
from inbox.web.case_page import blueprint, render_case_page
from inbox.web.forms import AddressForm, PostForm
from inbox.web.labels import delivery_text

ADDRESS_ERRORS = {
    "invalid_email": _l("%(value)s is no e-mail address."),
    "invalid_phone": _l("%(value)s is no phone number we can send SMS to."),
    "belongs_to_another": _l("%(value)s belongs to another citizen; it is not added to this one."),
}


@blueprint.get("/<reference:reference>/deliveries")
@login_required
def delivery_states(reference: str):
    """What became of each outgoing message of the case, for the page to update itself."""
    case = case_to_see(current_user, reference)
    outgoing = db.session.scalars(
        select(Message).where(Message.case_id == case.id, Message.direction == Direction.OUT)
    ).all()
    states = deliveries(outgoing)
    body = {
        "worker_silent": worker_is_silent(),
        "messages": [
            {
                "id": message.id,
                "state": states[message.id].value,
                "text": delivery_text(states[message.id], message.metadata_json or {}),
            }
            for message in outgoing
        ],
    }
    return jsonify(body)


def _letter(case: Case, message_id: int) -> Message:
    letter = db.session.get(Message, message_id)
    if letter is None or letter.case_id != case.id or letter.channel != "letter":
        raise NotFound()
    if letter.direction != Direction.OUT:
        raise NotFound()
    return letter


@blueprint.get("/<reference:reference>/letters/<id:message_id>.pdf")
@login_required
def letter_pdf(reference: str, message_id: int):
    """The letter as an A4 PDF to print, in the case's language."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    case = case_to_see(current_user, reference)
    letter = _letter(case, message_id)
    municipality = current_app.extensions["svarfrist"].rules.municipality.name
    with force_locale(case.language):
        html = render_template(
            "cases/letter.html", case=case, letter=letter, municipality=municipality, today=now()
        )
    pdf = HTML(string=html).write_pdf()
    filename = f"brev-{case.reference}-{letter.id}.pdf"
    return pdf, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{filename}"',
    }


@blueprint.post("/<reference:reference>/letters/<id:message_id>/sent")
@login_required
def letter_sent(reference: str, message_id: int):
    case = case_to_change(current_user, reference)
    letter = _letter(case, message_id)
    if not PostForm().validate_on_submit():
        flash(_("The page had expired. Mark the letter as sent again."), "error")
        return redirect(url_for(".show", reference=reference))
    if (letter.metadata_json or {}).get("delivery") != Delivery.LETTER_UNSENT:
        flash(_("This letter was already marked as sent."), "warning")
        return redirect(url_for(".show", reference=reference))
    try:
        mark_letter_sent(case, letter, current_user)
    except ReplyError:
        db.session.rollback()
        raise NotFound() from None
    db.session.commit()
    flash(_("The letter is marked as sent. The promise is kept."), "success")
    return redirect(url_for(".show", reference=reference))


@blueprint.post("/<reference:reference>/addresses")
@login_required
def add_citizen_address(reference: str):
    """Staff give the citizen an e-mail address or number an answer can be sent to."""
    case = case_to_change(current_user, reference)
    form = AddressForm()
    if not form.validate_on_submit():
        return render_case_page(case, address_form=form, status=422)
    kind = IdentityKind(form.address_kind.data)
    try:
        identity = add_address(case, kind, form.address.data, current_user)
    except AddressError as error:
        db.session.rollback()
        form.address.errors = [str(ADDRESS_ERRORS[error.code]) % {"value": error.value}]
        return render_case_page(case, address_form=form, status=422)
    db.session.commit()
    flash(
        _("%(address)s is added to the citizen. Answers can now go there.", address=identity.value),
        "success",
    )
    return redirect(url_for(".show", reference=reference))
