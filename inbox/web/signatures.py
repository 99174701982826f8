"""`/signature`: each user's own signature, put at the end of their answers to citizens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inbox.cases.signatures import SignatureError, set_user_signature
from inbox.extensions import db
from inbox.web.auth import safe_next
from inbox.web.forms import SignatureForm

blueprint = Blueprint("signature", __name__)


@blueprint.route("/signature", methods=["GET", "POST"])
@login_required
def edit():
    form = SignatureForm(data={"signature": current_user.signature or ""})
    back = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        try:
            set_user_signature(current_user, form.signature.data or "")
        except SignatureError:
            db.session.rollback()
        else:
            db.session.commit()
            flash(
                _("Your signature is saved.")
                if current_user.signature
                else _("Your signature is removed."),
                "success",
            )
            return redirect(back, 303)
    return render_template(
        "signature.html", form=form, back=back, departments=current_user.departments
    ), (400 if form.errors else 200)
