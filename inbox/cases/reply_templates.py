"""Reply templates ("malar"): the ready answers a case's answer may start from."""

from __future__ import annotations

from flask import current_app

from inbox.models import Case
from inbox.settings.config import ReplyTemplate


def templates_for(case: Case) -> list[tuple[int, ReplyTemplate]]:
    """The reply templates for the case's department and language, with their numbers."""
    return [
        (number, template)
        for number, template in enumerate(current_app.extensions["svarfrist"].templates)
        if template.language == case.language
        and template.department in (None, case.department.slug)
    ]


def template_text(case: Case, number: int | None) -> str | None:
    """The text of template ``number``, if it is one of the case's (:func:`templates_for`)."""
    return next((t.text for found, t in templates_for(case) if found == number), None)
