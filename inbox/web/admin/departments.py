"""`/admin/departments`: the departments, added and changed by an administrator.

Members are shown, not changed, here: who belongs where is set per user.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from inbox.cases.signatures import SignatureError, set_department_signature
from inbox.extensions import db
from inbox.models import Department, User
from inbox.people.departments import (
    EMAIL_LENGTH,
    NAME_LENGTH,
    SLUG_LENGTH,
    DepartmentError,
    add_department,
    department_summaries,
    department_with_id,
    frontline_department,
    is_slug_fixed,
    update_department,
)
from inbox.people.users import user_with_id
from inbox.web.admin import blueprint, section
from inbox.web.forms import Form, PostForm, SignatureForm
from inbox.web.labels import department_name

section("departments", _l("Departments"))


class DepartmentForm(Form):
    """The department's names, slug, address and frontline flag; the service checks them.

    A field left out of the request is empty (``""``), so the service names it as missing."""

    name = StringField(_l("Name in Nynorsk"), validators=[Length(max=NAME_LENGTH)], default="")
    name_nb = StringField(
        _l("Name in Bokmål (optional)"), validators=[Length(max=NAME_LENGTH)], default=""
    )
    name_en = StringField(
        _l("Name in English (optional)"), validators=[Length(max=NAME_LENGTH)], default=""
    )
    slug = StringField(_l("Slug"), validators=[Length(max=SLUG_LENGTH)], default="")
    email = EmailField(
        _l("Shared e-mail address (optional)"), validators=[Length(max=EMAIL_LENGTH)], default=""
    )
    is_frontline = BooleanField(_l("Frontline department: new cases land here"))


class DepartmentEditForm(DepartmentForm):
    """Adds what only an existing department has: a leader from its members."""

    leader = SelectField(_l("Leader"), coerce=int, choices=[], validate_choice=False)
    is_leader_only = BooleanField(_l("Only the leader may accept handovers to the department"))


@blueprint.get("/departments")
def departments():
    return render_template(
        "admin/departments/list.html", summaries=department_summaries(), post_form=PostForm()
    )


@blueprint.route("/departments/new", methods=["GET", "POST"])
def department_new():
    form = DepartmentForm()
    saved, status = _saved(
        form,
        lambda: add_department(
            slug=form.slug.data,
            name=form.name.data,
            name_nb=form.name_nb.data,
            name_en=form.name_en.data,
            email=form.email.data,
            is_frontline=form.is_frontline.data,
            by=current_user,
        ),
        lambda added: _("%(department)s is added.", department=department_name(added)),
    )
    if saved is not None:
        return saved
    return render_template(
        "admin/departments/form.html",
        form=form,
        department=None,
        frontline=frontline_department(),
        slug_fixed=False,
    ), status


@blueprint.route("/departments/<id:department_id>", methods=["GET", "POST"])
def department_edit(department_id: int):
    department = department_with_id(department_id) or abort(404)
    form = DepartmentEditForm(data=_filled_in(department))
    form.leader.choices = [SelectChoice(0, _("No leader"))] + [
        SelectChoice(member.id, f"{member.name} ({member.email})")
        for member in sorted(department.members, key=lambda member: member.name)
    ]
    slug_fixed = is_slug_fixed(department)
    saved, status = _saved(
        form,
        lambda: _updated(department, form, slug_fixed),
        lambda changed: _("%(department)s is saved.", department=department_name(changed)),
    )
    if saved is not None:
        return saved
    return render_template(
        "admin/departments/form.html",
        form=form,
        department=department,
        frontline=frontline_department(),
        slug_fixed=slug_fixed,
        leader_only_configured=department.slug
        in current_app.extensions["svarfrist"].handover_leader_only,
        state_form=PostForm(),
        signature_form=SignatureForm(formdata=None, signature=department.signature or ""),
    ), status


@blueprint.post("/departments/<id:department_id>/<any(deactivate, activate):action>")
def department_state(department_id: int, action: str):
    department = department_with_id(department_id) or abort(404)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        update_department(department, by=current_user, is_active=action == "activate")
    except DepartmentError as error:
        db.session.rollback()
        flash(_(error.message, **error.values), "error")
        return redirect(url_for(".department_edit", department_id=department_id), 303)
    db.session.commit()
    done = (
        _("%(department)s is active again.", department=department_name(department))
        if department.is_active
        else _(
            "%(department)s is deactivated: it takes no new cases or handovers.",
            department=department_name(department),
        )
    )
    flash(done, "success")
    return redirect(url_for(".departments"), 303)


def _filled_in(department: Department) -> dict:
    """The edit form's values before anything is typed."""
    names = ("name", "name_nb", "name_en", "slug", "email", "is_frontline", "is_leader_only")
    return {name: getattr(department, name) for name in names} | {
        "leader": department.leader_id or 0
    }


def _chosen_leader(user_id: int) -> User | None:
    """The user chosen as leader (0: none); the service refuses one outside the department."""
    if not user_id:
        return None
    return user_with_id(user_id) or abort(400)  # the form offers only existing members


def _saved(form, change, done):
    """Make the change a valid form asks for: the redirect to the list with ``done``'s text, or
    ``None`` and the status to show the form again with (400 with the error beside its field)."""
    if not form.validate_on_submit():
        return None, 400 if form.errors else 200
    try:
        department = change()
    except DepartmentError as error:
        db.session.rollback()
        _show_beside_field(form, error)
        return None, 400
    db.session.commit()
    flash(done(department), "success")
    return redirect(url_for(".departments"), 303), 303


def _updated(department: Department, form: DepartmentEditForm, slug_fixed: bool) -> Department:
    update_department(
        department,
        by=current_user,
        slug=department.slug if slug_fixed else form.slug.data,
        name=form.name.data,
        name_nb=form.name_nb.data,
        name_en=form.name_en.data,
        email=form.email.data,
        # The frontline department shows no box: moving the flag is done from another.
        is_frontline=department.is_frontline or form.is_frontline.data,
        leader=_chosen_leader(form.leader.data),
        is_leader_only=form.is_leader_only.data,
    )
    return department


def _show_beside_field(form: Form, error: DepartmentError) -> None:
    """The service's refusal, translated, as an error of the field it names."""
    field = form[error.field]
    field.errors = [*field.errors, _(error.message, **error.values)]


@blueprint.post("/departments/<id:department_id>/signature")
def department_signature(department_id: int):
    """The department's signature, put below each writer's own at the end of answers."""
    department = department_with_id(department_id) or abort(404)
    form = SignatureForm()
    if not form.validate_on_submit():
        flash(_("The signature was not saved: it is too long, or the page had expired."), "error")
        return redirect(url_for(".department_edit", department_id=department_id), 303)
    try:
        set_department_signature(department, form.signature.data or "", current_user)
    except SignatureError:
        db.session.rollback()
        flash(_("The signature was not saved: it is too long, or the page had expired."), "error")
        return redirect(url_for(".department_edit", department_id=department_id), 303)
    db.session.commit()
    flash(
        _("The signature of %(department)s is saved.", department=department_name(department)),
        "success",
    )
    return redirect(url_for(".department_edit", department_id=department_id), 303)
