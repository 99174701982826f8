"""Reply templates ("malar"): the ready answers a case's answer may start from.

They come from two places: the database (made on /admin/templates, see
:mod:`inbox.cases.template_admin`) and the configuration file's ``[[templates]]``. The case
page offers the active ones for the case's department and language, the stored ones first.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from inbox.extensions import db
from inbox.i18n import Language
from inbox.models import Case, StoredTemplate
from inbox.settings import placeholders

CONFIG_KEY = "config-"


@dataclass(frozen=True)
class TemplateChoice:
    """A template the case page offers; ``key`` is ``"12"`` for stored template 12 and
    ``"config-0"`` for the configuration file's first ``[[templates]]``."""

    key: str
    title: str
    text: str
    is_from_config: bool


@dataclass(frozen=True)
class FilledTemplate:
    """A template's text with the case's values; ``left_as_written`` names the placeholders
    the case has no value for (``{due}`` on a case with no open promise)."""

    text: str
    left_as_written: tuple[str, ...]


def templates_for(case: Case) -> list[TemplateChoice]:
    """The active reply templates for the case's department and language."""
    stored = db.session.scalars(
        select(StoredTemplate)
        .where(
            StoredTemplate.is_active,
            StoredTemplate.language == case.language,
            or_(
                StoredTemplate.department_id.is_(None),
                StoredTemplate.department_id == case.department_id,
            ),
        )
        .order_by(StoredTemplate.title, StoredTemplate.id)
    )
    configured = current_app.extensions["svarfrist"].templates
    return [
        *(TemplateChoice(str(t.id), t.title, t.text, False) for t in stored),
        *(
            TemplateChoice(f"{CONFIG_KEY}{number}", t.name, t.text, True)
            for number, t in enumerate(configured)
            if t.language == case.language and t.department in (None, case.department.slug)
        ),
    ]


def template_text(case: Case, key: str | None) -> FilledTemplate | None:
    """Template ``key`` filled in for the case, if it is one of the case's
    (:func:`templates_for`)."""
    chosen = next((t for t in templates_for(case) if t.key == key), None) if key else None
    if chosen is None:
        return None
    values = case_values(case)
    return FilledTemplate(
        placeholders.fill(chosen.text, values),
        tuple("{" + name + "}" for name in placeholders.used_in(chosen.text) if name not in values),
    )


def case_values(case: Case) -> dict[str, str]:
    """What the placeholders become on this case, in its language; without an open promise,
    no ``due`` or ``due_date``."""
    settings = current_app.extensions["svarfrist"]
    values = {"municipality": settings.rules.municipality.name, "reference": case.reference}
    if case.due_at is not None:
        language = Language.load(case.language)
        due = case.due_at.astimezone(settings.rules.calendar.zone)
        values.update(due=language.datetime(due), due_date=language.date(due))
    return values
