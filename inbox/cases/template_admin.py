"""Administering reply templates: the stored ones made, changed, deactivated and deleted
(each audited), and the list of every template, the configuration file's included."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from inbox.cases.replies import MAX_TEXT_LENGTH
from inbox.clock import now
from inbox.extensions import db
from inbox.i18n import LANGUAGES
from inbox.models import Department, StoredTemplate, User
from inbox.people import audit
from inbox.settings import placeholders

MAX_TITLE_LENGTH = 200


class TemplateError(ValueError):
    """A template cannot be saved; ``field`` names the form field that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TemplateFields:
    """What an administrator writes; ``department`` ``None`` is every department."""

    title: str
    department: Department | None
    language: str
    text: str


@dataclass(frozen=True)
class ListedTemplate:
    """One row of the list: a stored template (``stored``) or the configuration file's
    ``[[templates]]`` number ``config_index``. ``department_slug`` without
    ``department`` is a slug in the configuration file that no department has."""

    title: str
    language: str
    text: str
    department: Department | None
    department_slug: str | None
    stored: StoredTemplate | None = None
    config_index: int | None = None


def stored_template(template_id: int) -> StoredTemplate | None:
    return db.session.get(StoredTemplate, template_id)


def add_template(fields: TemplateFields, by: User, ip: str | None = None) -> StoredTemplate:
    """Store a new active template; :class:`TemplateError` or
    :class:`~inbox.settings.placeholders.PlaceholderError` when it cannot be used."""
    _check(fields)
    moment = now()
    template = StoredTemplate(
        is_active=True, created_at=moment, created_by_id=by.id, updated_at=moment
    )
    _apply(template, fields, by)
    db.session.add(template)
    db.session.flush()
    _audit("reply_template.create", template, by, ip)
    return template


def change_template(
    template: StoredTemplate, fields: TemplateFields, by: User, ip: str | None = None
) -> None:
    """Change a stored template's title, department, language and text (checked as by
    :func:`add_template`)."""
    _check(fields)
    _apply(template, fields, by)
    db.session.flush()
    _audit("reply_template.update", template, by, ip)


def set_active(template: StoredTemplate, is_active: bool, by: User, ip: str | None = None) -> None:
    """Offer the template on the case page again, or stop offering it (it is kept)."""
    template.is_active = is_active
    template.updated_at, template.updated_by_id = now(), by.id
    db.session.flush()
    action = "reply_template.activate" if is_active else "reply_template.deactivate"
    _audit(action, template, by, ip)


def delete_template(template: StoredTemplate, by: User, ip: str | None = None) -> None:
    """Remove the template for good; answers started from it keep their text."""
    _audit("reply_template.delete", template, by, ip)
    db.session.delete(template)
    db.session.flush()


def listed_templates(
    department: Department | None = None, language: str | None = None
) -> list[ListedTemplate]:
    """Every template offered in ``department`` (its own and every department's) and
    ``language``, or all of them: the stored ones by title, then the configuration file's."""
    query = select(StoredTemplate).order_by(StoredTemplate.title, StoredTemplate.id)
    if department is not None:
        query = query.where(
            (StoredTemplate.department_id.is_(None))
            | (StoredTemplate.department_id == department.id)
        )
    if language is not None:
        query = query.where(StoredTemplate.language == language)
    stored = [
        ListedTemplate(
            t.title,
            t.language,
            t.text,
            t.department,
            t.department.slug if t.department else None,
            stored=t,
        )
        for t in db.session.scalars(query)
    ]
    configured = current_app.extensions["svarfrist"].templates
    slugs = {t.department for t in configured if t.department}
    named = {
        d.slug: d for d in db.session.scalars(select(Department).where(Department.slug.in_(slugs)))
    }
    return stored + [
        ListedTemplate(
            t.name, t.language, t.text, named.get(t.department), t.department, config_index=number
        )
        for number, t in enumerate(configured)
        if (language is None or t.language == language)
        and (department is None or t.department in (None, department.slug))
    ]


def _check(fields: TemplateFields) -> None:
    if not fields.title.strip():
        raise TemplateError("title", "the template has no title")
    if len(fields.title) > MAX_TITLE_LENGTH:
        raise TemplateError("title", f"the title is longer than {MAX_TITLE_LENGTH} characters")
    if fields.language not in LANGUAGES:
        raise TemplateError("language", f"expected one of {', '.join(LANGUAGES)}")
    if not fields.text.strip():
        raise TemplateError("text", "the template has no text")
    if len(fields.text) > MAX_TEXT_LENGTH:
        raise TemplateError("text", f"the text is longer than {MAX_TEXT_LENGTH} characters")
    placeholders.check(fields.text)


def _apply(template: StoredTemplate, fields: TemplateFields, by: User) -> None:
    template.title = fields.title.strip()
    template.department = fields.department
    template.language = fields.language
    template.text = fields.text
    template.updated_at, template.updated_by_id = now(), by.id


def _audit(action: str, template: StoredTemplate, by: User, ip: str | None) -> None:
    audit.record(
        action,
        user=by,
        ip=ip,
        template=template.id,
        title=template.title,
        department=template.department.slug if template.department else None,
        language=template.language,
    )
