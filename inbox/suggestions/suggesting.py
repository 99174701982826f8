"""Which department a case likely belongs to, from the model in use.

A model is used only while suggestions are switched on, and only the newest one, and only when
it learned from ``[suggestions] min_cases`` cases and its held-out accuracy is at least
``min_accuracy``. Only departments that are still active (and so take handovers) are
suggested, and never a department whose cases are excluded from training.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from inbox.blobs import BlobError, current_store
from inbox.cases.export import iso_time
from inbox.extensions import db
from inbox.models import Case, Department, SuggestionModel
from inbox.settings.suggestions import SuggestionSettings
from inbox.suggestions.classifier import Classifier
from inbox.suggestions.examples import first_inbound, first_message_text
from inbox.suggestions.training import newest_model

SHOWN = 3
# One model is in use at a time; a worker or web process keeps it after the first read, by
# the SHA-256 of its arrays (the same name is the same content).
_loaded: dict[str, Classifier] = {}


@dataclass(frozen=True)
class Unavailable:
    """Why no model is in use: ``code`` for the pages, ``reason`` in English for the API."""

    code: str
    reason: str


@dataclass(frozen=True)
class Suggestion:
    department: Department
    probability: float


@dataclass(frozen=True)
class Suggestions:
    """The likeliest departments (best first), from ``model``; or why there are none."""

    departments: list[Suggestion]
    model: SuggestionModel | None = None
    unavailable: Unavailable | None = None


def model_in_use() -> SuggestionModel | Unavailable:
    """The model suggestions come from now, or why there is none."""
    settings: SuggestionSettings = current_app.extensions["svarfrist"].suggestions
    if not settings.is_enabled:
        return Unavailable(
            "disabled", "suggestions are switched off ([suggestions] enabled = false)"
        )
    model = newest_model()
    if model is None or model.blob_sha256 is None:
        return Unavailable("no_model", "no model is trained yet (svarfrist suggestions train)")
    if model.cases < settings.min_cases:
        return Unavailable(
            "too_few_cases",
            f"the model learned from {model.cases} cases; [suggestions] min_cases is "
            f"{settings.min_cases}",
        )
    if model.accuracy < settings.min_accuracy:
        return Unavailable(
            "too_inaccurate",
            f"the model's held-out accuracy {model.accuracy:.2f} is below [suggestions] "
            f"min_accuracy {settings.min_accuracy:.2f}",
        )
    return model


def suggestions_for(case: Case) -> Suggestions:
    """Up to three departments for ``case``, from its first message; the caller has checked
    that the user may see the case."""
    model = model_in_use()
    if isinstance(model, Unavailable):
        return Suggestions([], unavailable=model)
    try:
        classifier = _classifier(model)
    except BlobError:
        return Suggestions(
            [], unavailable=Unavailable("missing", "the model's arrays are missing from storage")
        )
    first = first_inbound(case)
    text = first_message_text(first.subject, first.text) if first else case.subject
    return Suggestions(_offerable(classifier.ranked(text, len(classifier.labels))), model)


def _offerable(ranked: list[tuple[int, float]]) -> list[Suggestion]:
    excluded = current_app.extensions["svarfrist"].suggestions.exclude_departments
    departments = {
        department.id: department
        for department in db.session.scalars(
            select(Department).where(Department.id.in_([i for i, _ in ranked]))
        )
        if department.is_active and department.slug not in excluded
    }
    offerable = [Suggestion(departments[i], p) for i, p in ranked if i in departments]
    return offerable[:SHOWN]


def _classifier(model: SuggestionModel) -> Classifier:
    key = model.blob_sha256
    if key not in _loaded:
        classifier = Classifier.from_bytes(current_store().get(key))
        _loaded.clear()
        _loaded[key] = classifier
    return _loaded[key]


def as_record(suggestions: Suggestions) -> dict[str, Any]:
    """The API's and the CLI's document: top three by slug and probability, and the model;
    with no model in use, no departments and the reason."""
    if suggestions.model is None:
        reason = suggestions.unavailable.reason if suggestions.unavailable else ""
        return {"departments": [], "model": None, "reason": reason}
    model = suggestions.model
    return {
        "departments": [
            {"slug": s.department.slug, "probability": round(s.probability, 2)}
            for s in suggestions.departments
        ],
        "model": {
            "trained_at": iso_time(model.trained_at),
            "cases": model.cases,
            "accuracy": round(model.accuracy, 3),
        },
    }
