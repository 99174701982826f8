"""Registering a letter, a phone call or a visit by hand."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inbox.clock import now
from inbox.extensions import db
from inbox.intake.registration import Registration, RegistrationError, register
from inbox.models import Department, Role
from inbox.people.departments import departments_by_name
from inbox.web.error_texts import error_text
from inbox.web.forms import RegisterForm
from inbox.web.labels import department_name

blueprint = Blueprint("register", __name__)


def _departments() -> list[Department]:
    if current_user.role == Role.ADMIN:
        return departments_by_name()
    active = [department for department in current_user.departments if department.is_active]
    return sorted(active, key=department_name)


@blueprint.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    departments = _departments()
    if not departments:
        abort(403)
    zone = current_app.extensions["svarfrist"].rules.calendar.zone
    form = RegisterForm(
        received=now().astimezone(zone).replace(second=0, microsecond=0, tzinfo=None),
        language=current_app.extensions["svarfrist"].rules.municipality.language,
    )
    form.department.choices = [
        (department.id, department_name(department)) for department in departments
    ]
    status = 200
    if form.validate_on_submit():
        chosen = {department.id: department for department in departments}.get(form.department.data)
        if chosen is None:
            abort(400)
        try:
            case = register(
                Registration(
                    channel=form.channel.data,
                    received_at=form.received.data.replace(tzinfo=zone),
                    name=form.name.data or "",
                    email=form.email.data or "",
                    phone=form.phone.data or "",
                    subject=form.subject.data,
                    text=form.text.data,
                    language=form.language.data,
                    department=chosen,
                ),
                current_user,
            )
        except RegistrationError as error:
            db.session.rollback()
            flash(_("The case was not registered. %(reason)s", reason=error_text(error)), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("Registered as case %(reference)s.", reference=case.reference), "success")
            return redirect(url_for("case.show", reference=case.reference))
    elif form.errors:
        status = 400
    return render_template("cases/new.html", form=form), status
