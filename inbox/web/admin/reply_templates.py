"""`/admin/templates`: the reply templates staff start answers from. Stored templates are
listed, made, changed, previewed, deactivated and deleted here; the configuration file's
``[[templates]]`` are listed beside them, read-only."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from inbox.cases.replies import MAX_TEXT_LENGTH
from inbox.cases.template_admin import (
    MAX_TITLE_LENGTH,
    TemplateError,
    TemplateFields,
    add_template,
    change_template,
    delete_template,
    listed_templates,
    set_active,
    stored_template,
)
from inbox.extensions import db
from inbox.i18n import LANGUAGES, Language
from inbox.models import StoredTemplate
from inbox.people.departments import department_with_id, departments_by_name
from inbox.settings import placeholders
from inbox.web.admin import blueprint, section
from inbox.web.forms import LANGUAGE_NAMES, Form
from inbox.web.labels import list_text, text_limit

section("templates", _l("Reply templates"))


class TemplateForm(Form):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Write a title.")),
            Length(max=MAX_TITLE_LENGTH, message=_l("The title is too long.")),
        ],
        render_kw={"maxlength": MAX_TITLE_LENGTH},
    )
    department = SelectField(_l("Department"), coerce=int)
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )
    text = TextAreaField(
        _l("Text"),
        validators=[
            DataRequired(message=_l("Write the template's text.")),
            Length(max=MAX_TEXT_LENGTH, message=_l("The text is too long.")),
        ],
        render_kw={"maxlength": MAX_TEXT_LENGTH, "rows": 8},
    )


class FilterForm(Form):
    class Meta:
        csrf = False  # a GET form that only chooses what the list shows

    department = SelectField(_l("Offered in"))
    language = SelectField(_l("Language"))


class DeleteForm(Form):
    confirm = BooleanField(_l("Yes, delete this template"))


@blueprint.get("/templates")
def templates():
    departments = departments_by_name()
    filters = FilterForm(request.args)
    filters.department.choices = [SelectChoice("", _("Every department"))] + [
        SelectChoice(str(d.id), d.name) for d in departments
    ]
    filters.language.choices = [SelectChoice("", _("Every language"))] + [
        SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES
    ]
    department_id = filters.department.data or ""
    department = department_with_id(int(department_id)) if department_id.isdigit() else None
    language = filters.language.data if filters.language.data in LANGUAGES else None
    rows = listed_templates(department, language)
    examples = {code: _examples(code) for code in LANGUAGES}
    return render_template(
        "admin/templates/list.html",
        filters=filters,
        rows=[(row, placeholders.fill(row.text, examples[row.language])) for row in rows],
        is_filtered=department is not None or language is not None,
        config_file=current_app.extensions["svarfrist"].source,
        language_names=LANGUAGE_NAMES,
        action_form=Form(formdata=None),
        **_placeholder_help(),
    )


@blueprint.route("/templates/new", methods=["GET", "POST"])
def template_new():
    form = _template_form(language=current_app.extensions["svarfrist"].rules.municipality.language)
    return _edit(form, None)


@blueprint.route("/templates/<id:template_id>", methods=["GET", "POST"])
def template_edit(template_id: int):
    template = _stored_or_404(template_id)
    form = _template_form(obj=template, department=template.department_id or 0)
    return _edit(form, template)


@blueprint.post("/templates/<id:template_id>/active")
def template_active(template_id: int):
    template = _stored_or_404(template_id)
    if Form().validate_on_submit():
        is_active = request.form.get("active") == "yes"
        set_active(template, is_active, current_user, request.remote_addr)
        db.session.commit()
        if is_active:
            flash(
                _("“%(title)s” is offered on the case page again.", title=template.title),
                "success",
            )
        else:
            flash(
                _("“%(title)s” is deactivated: kept, but not offered.", title=template.title),
                "success",
            )
    return redirect(url_for(".templates"))


@blueprint.post("/templates/<id:template_id>/delete")
def template_delete(template_id: int):
    template = _stored_or_404(template_id)
    form = DeleteForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash(_("The template was not deleted: tick “Yes, delete this template” first."), "error")
        return redirect(url_for(".template_edit", template_id=template_id))
    title = template.title
    delete_template(template, current_user, request.remote_addr)
    db.session.commit()
    flash(_("“%(title)s” is deleted.", title=title), "success")
    return redirect(url_for(".templates"))


def _edit(form: TemplateForm, template: StoredTemplate | None):
    """Show the form; on a POST preview it or save it (a refused form keeps what was written)."""
    preview = None
    status = 200
    if form.validate_on_submit():
        fields = TemplateFields(
            form.title.data,
            department_with_id(form.department.data) if form.department.data else None,
            form.language.data,
            form.text.data,
        )
        try:
            placeholders.check(fields.text)
            if request.form.get("action") == "preview":
                preview = placeholders.fill(fields.text, _examples(fields.language))
            elif template is None:
                template = add_template(fields, current_user, request.remote_addr)
            else:
                change_template(template, fields, current_user, request.remote_addr)
        except placeholders.PlaceholderError as error:
            form.text.errors.append(_placeholder_error(error))
            status = 400
        except TemplateError as error:
            getattr(form, error.field).errors.append(str(error))
            status = 400
        else:
            if preview is None:
                db.session.commit()
                flash(_("“%(title)s” is saved.", title=template.title), "success")
                return redirect(url_for(".templates"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "admin/templates/form.html",
        form=form,
        template=template,
        preview=preview,
        preview_language=LANGUAGE_NAMES[form.language.data or "nn"],
        delete_form=DeleteForm(formdata=None),
        action_form=Form(formdata=None),
        text_limit=text_limit(),
        **_placeholder_help(),
    ), status


def _template_form(**values) -> TemplateForm:
    form = TemplateForm(**values)
    form.department.choices = [SelectChoice(0, _("All departments"))] + [
        SelectChoice(d.id, d.name) for d in departments_by_name()
    ]
    return form


def _stored_or_404(template_id: int) -> StoredTemplate:
    template = stored_template(template_id)
    if template is None:
        raise NotFound()
    return template


def _examples(language: str) -> dict[str, str]:
    municipality = current_app.extensions["svarfrist"].rules.municipality.name
    return placeholders.example_values(municipality, Language.load(language))


def _placeholder_help() -> dict:
    """The placeholders, what each becomes and an example, in the page's language."""
    examples = _examples(str(get_locale() or "nn"))
    return {
        "placeholders": [
            ("{" + name + "}", _(meaning), examples[name])
            for name, meaning in placeholders.PLACEHOLDERS.items()
        ]
    }


def _placeholder_error(error: placeholders.PlaceholderError) -> str:
    known = list_text("{" + name + "}" for name in placeholders.PLACEHOLDERS)
    if error.is_lone_brace:
        return _(
            "The text has a lone %(brace)s. Write {{ or }} for a brace; the placeholders "
            "are %(known)s.",
            brace=error.placeholder,
            known=known,
        )
    return _(
        "The text uses %(placeholder)s, which is not a placeholder. The placeholders are "
        "%(known)s.",
        placeholder=error.placeholder,
        known=known,
    )
