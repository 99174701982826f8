"""`/admin/users`: staff accounts, their role, departments, password and API tokens.

Every change is audited with who made it (``user``) and to whom (``target_user_id``).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.models import Department, Role, User
from inbox.people import audit
from inbox.people.departments import departments_by_name
from inbox.people.users import (
    MIN_PASSWORD_LENGTH,
    EmailTaken,
    LastAdmin,
    UserError,
    api_tokens_of,
    create_api_token,
    create_user,
    deactivate_user,
    reactivate_user,
    revoke_api_token,
    set_password,
    token_for,
    update_user,
    user_with_id,
    users_with_last_login,
)
from inbox.web.admin import blueprint, section
from inbox.web.admin.user_forms import (
    ROLE_HINTS,
    ROLE_NAMES,
    NewUserForm,
    PasswordForm,
    UserDetailsForm,
)
from inbox.web.auth import keep_session_of
from inbox.web.forms import PostForm

section("users", _l("Users"))

#: The list shows at most this many; the search finds the others.
LIST_LIMIT = 200


@blueprint.get("/users")
def users():
    search = request.args.get("q", "")[:200]
    rows = users_with_last_login(search, limit=LIST_LIMIT + 1)
    return render_template(
        "admin/users/list.html",
        rows=rows[:LIST_LIMIT],
        more=len(rows) > LIST_LIMIT,
        search=search,
        role_names=ROLE_NAMES,
    )


@blueprint.route("/users/new", methods=["GET", "POST"])
def users_new():
    departments = departments_by_name()
    form = NewUserForm(language=_default_language())
    _offer(form, departments)
    if not form.validate_on_submit():
        return render_template("admin/users/new.html", form=form, **_labels()), (
            400 if form.errors else 200
        )
    try:
        user = create_user(
            email=form.email.data,
            name=form.name.data,
            password=form.chosen_password,
            role=Role(form.role.data),
            departments=_chosen(form, departments),
            language=form.language.data,
        )
    except EmailTaken:
        db.session.rollback()
        form.email.errors.append(_("Another user already has this e-mail address."))
        return render_template("admin/users/new.html", form=form, **_labels()), 400
    _audit(
        "user.create",
        user,
        role=user.role.value,
        department_ids=sorted(user.department_ids),
        has_password=user.password_hash is not None,
    )
    db.session.commit()
    flash(_("%(name)s can now use Svarfrist.", name=user.name), "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@blueprint.route("/users/<id:user_id>", methods=["GET", "POST"])
def users_show(user_id: int):
    user = _user_or_404(user_id)
    departments = departments_by_name()
    form = _details_form(user, departments, sent=request.method == "POST")
    if request.method == "GET":
        return _page(user, details=form)
    if not form.validate_on_submit():
        return _page(user, details=form, status=400)
    commit_and_begin_write()  # the check for the last administrator, then the change
    try:
        changed = update_user(
            user,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            departments=_chosen(form, departments),
            language=form.language.data,
        )
    except EmailTaken:
        db.session.rollback()
        form.email.errors.append(_("Another user already has this e-mail address."))
        return _page(user, details=form, status=400)
    except LastAdmin:
        db.session.rollback()
        form.role.errors.append(_last_admin_text(user))
        return _page(user, details=form, status=400)
    if changed:
        _audit(
            "user.update",
            user,
            changed=changed,
            role=user.role.value,
            department_ids=sorted(user.department_ids),
            language=user.language,
        )
        db.session.commit()
        flash(_("Saved the changes to %(name)s.", name=user.name), "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@blueprint.post("/users/<id:user_id>/password")
def users_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm(prefix="password")
    if not form.validate_on_submit():
        return _page(user, password=form, status=400)
    set_password(user, form.chosen_password)
    _audit(
        "user.password_set",
        user,
        has_password=user.password_hash is not None,
    )
    db.session.commit()
    if user.id == current_user.id:
        keep_session_of(user)  # an administrator setting their own stays logged in here
    if user.password_hash is None:
        flash(_("%(name)s now has no password.", name=user.name), "success")
    else:
        flash(_("%(name)s has a new password.", name=user.name), "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@blueprint.post("/users/<id:user_id>/deactivate")
def users_deactivate(user_id: int):
    user = _posted_user(user_id)
    commit_and_begin_write()  # the check for the last administrator, then the change
    if user.is_enabled:
        try:
            revoked = deactivate_user(user)
        except LastAdmin:
            db.session.rollback()
            flash(_last_admin_text(user), "error")
            return _page(user, status=409)
        _audit(
            "user.deactivate",
            user,
            tokens_revoked=revoked,
        )
        db.session.commit()
    flash(
        _("%(name)s is deactivated: logged out everywhere, and has no API tokens.", name=user.name),
        "success",
    )
    return redirect(url_for("admin.users_show", user_id=user.id))


@blueprint.post("/users/<id:user_id>/reactivate")
def users_reactivate(user_id: int):
    user = _posted_user(user_id)
    if not user.is_enabled:
        reactivate_user(user)
        _audit("user.reactivate", user)
        db.session.commit()
    flash(_("%(name)s is active again.", name=user.name), "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@blueprint.post("/users/<id:user_id>/tokens")
def users_token_create(user_id: int):
    user = _posted_user(user_id)
    try:
        token = create_api_token(user)
    except UserError:
        db.session.rollback()
        flash(_("%(name)s is deactivated: reactivate them first.", name=user.name), "error")
        return _page(user, status=409)
    _audit(
        "user.token_create",
        user,
        token_id=token_for(token).id,
    )
    db.session.commit()
    # Shown in this answer only: only the token's hash is stored, and a redirect would have
    # to keep the token somewhere to show it.
    return _page(user, new_token=token)


@blueprint.post("/users/<id:user_id>/tokens/<id:token_id>/revoke")
def users_token_revoke(user_id: int, token_id: int):
    user = _posted_user(user_id)
    if revoke_api_token(user, token_id):
        _audit(
            "user.token_revoke",
            user,
            token_id=token_id,
        )
        db.session.commit()
        flash(_("The token is revoked: it is refused from now on."), "success")
    else:
        flash(_("That token was already revoked."), "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


def _page(
    user: User,
    *,
    details: UserDetailsForm | None = None,
    password: PasswordForm | None = None,
    new_token: str | None = None,
    status: int = 200,
):
    """The user's page; the form that was sent is shown again as it came, the others fresh."""
    return render_template(
        "admin/users/show.html",
        user=user,
        details=details or _details_form(user, departments_by_name(), sent=False),
        password=password or PasswordForm(prefix="password", formdata=None),
        tokens=api_tokens_of(user),
        new_token=new_token,
        post_form=PostForm(formdata=None),
        **_labels(),
    ), status


def _details_form(user: User, departments: list[Department], *, sent: bool) -> UserDetailsForm:
    """The details form: as the request sent it, or filled in from ``user``."""
    form = UserDetailsForm(
        prefix="details",
        formdata=request.form if sent else None,
        name=user.name,
        email=user.email,
        role=user.role.value,
        departments=sorted(user.department_ids),
        language=user.language,
    )
    _offer(form, departments)
    return form


def _labels() -> dict:
    return {
        "role_names": ROLE_NAMES,
        "role_hints": {role.value: hint for role, hint in ROLE_HINTS.items()},
        "min_password_length": MIN_PASSWORD_LENGTH,
    }


def _audit(action: str, target: User, **details) -> None:
    """An audit event of the signed-in administrator's, about ``target``."""
    audit.record(
        action, user=current_user, ip=request.remote_addr, target_user_id=target.id, **details
    )


def _posted_user(user_id: int) -> User:
    """The user a button's POST is about, after its CSRF token is checked."""
    user = _user_or_404(user_id)
    if not PostForm().validate_on_submit():
        abort(400)
    return user


def _user_or_404(user_id: int) -> User:
    user = user_with_id(user_id)
    if user is None:
        abort(404)
    return user


def _offer(form: UserDetailsForm, departments: list[Department]) -> None:
    form.departments.choices = [(department.id, department.name) for department in departments]


def _chosen(form: UserDetailsForm, departments: list[Department]) -> list[Department]:
    chosen = set(form.departments.data or ())
    return [department for department in departments if department.id in chosen]


def _default_language() -> str:
    return current_app.extensions["svarfrist"].rules.municipality.language


def _last_admin_text(user: User) -> str:
    return _(
        "%(name)s is the last active administrator. Make another user an administrator "
        "first, so that someone can still administer Svarfrist.",
        name=user.name,
    )
