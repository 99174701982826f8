"""Training the department classifier on the municipality's cases, and keeping the result.

The cases are split by time: the model is measured on the newest fifth after learning from
the older four fifths (as it will be used: on cases newer than any it learned from), then
learns from all of them; the stored accuracy is the held-out one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import select

from inbox.blobs import current_store
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.models import SuggestionModel
from inbox.settings.suggestions import SuggestionSettings
from inbox.suggestions import classifier
from inbox.suggestions.examples import Examples, examples, since

log = logging.getLogger(__name__)
HELD_OUT = 0.2
#: The model learns from at most the newest this many cases of ``[suggestions] months``: the
#: linear SVM copies its input (liblinear's own structures), so memory grows with the cases,
#: and accuracy stops growing long before (bench/suggestions.py: about 91 % from 20,000 on).
#: It keeps training on 200,000 cases within 1 GB.
MAX_TRAINING_CASES = 40_000


class NotTrained(ServiceError):
    """No model was trained; the message says why."""


@dataclass(frozen=True)
class Measured:
    """A classifier and how it did on the newer cases it never saw."""

    classifier: classifier.Classifier
    accuracy: float
    top3_accuracy: float


def split_by_time(size: int) -> int:
    """The index where the held-out newest part of ``size`` cases (oldest first) begins."""
    return size - max(1, round(size * HELD_OUT))


def measure(data: Examples) -> tuple[Measured, object]:
    """Learn from the older part, measure on the newer; also gives the counts of every case."""
    matrix = classifier.counts(data.texts)
    labels = np.asarray(data.departments)
    cut = split_by_time(len(data))
    older = classifier.train(matrix[:cut], labels[:cut])
    newer, truth = matrix[cut:], labels[cut:]
    return (
        Measured(
            older,
            float(classifier.top_k_hits(older, newer, truth, 1).mean()),
            float(classifier.top_k_hits(older, newer, truth, 3).mean()),
        ),
        matrix,
    )


@dataclass(frozen=True)
class Trained:
    """A model trained and measured, not stored yet."""

    classifier: classifier.Classifier
    cases: int
    accuracy: float
    top3_accuracy: float
    seconds: float


def train() -> Trained:
    """Train on ``[suggestions] months`` of handled cases; reads only, so it holds no write
    lock while it works. :class:`NotTrained` when switched off or there are too few cases."""
    settings: SuggestionSettings = current_app.extensions["svarfrist"].suggestions
    if not settings.is_enabled:
        raise NotTrained(
            "suggestions.disabled", "suggestions are switched off ([suggestions] enabled = false)"
        )
    started = time.perf_counter()
    found = examples(since(now(), settings.months), settings.exclude_departments)
    data = found.newest(MAX_TRAINING_CASES)
    del found  # the older texts are not needed while the model learns
    if len(data) < settings.min_cases:
        raise NotTrained(
            "suggestions.too_few_cases",
            "only %(cases)s handled cases in the last %(months)s months; "
            "[suggestions] min_cases is %(least)s",
            cases=len(data),
            months=settings.months,
            least=settings.min_cases,
        )
    try:
        measured, matrix = measure(data)
        final = classifier.train(matrix, data.departments)
    except classifier.TrainingError as error:
        raise NotTrained("suggestions.cannot_train", str(error)) from None
    return Trained(
        final,
        len(data),
        measured.accuracy,
        measured.top3_accuracy,
        round(time.perf_counter() - started, 1),
    )


def store(trained: Trained) -> SuggestionModel:
    """Keep ``trained``: its arrays in the blob store, its figures in a row (flushed); from
    the commit on it is the model in use."""
    model = SuggestionModel(
        trained_at=now(),
        cases=trained.cases,
        accuracy=trained.accuracy,
        top3_accuracy=trained.top3_accuracy,
        blob_sha256=current_store().put(trained.classifier.to_bytes()),
        training_seconds=trained.seconds,
    )
    db.session.add(model)
    db.session.flush()
    log.info(
        "suggestions_trained model=%s cases=%s accuracy=%.3f seconds=%s",
        model.id,
        model.cases,
        model.accuracy,
        model.training_seconds,
    )
    return model


def newest_model() -> SuggestionModel | None:
    return db.session.scalar(select(SuggestionModel).order_by(SuggestionModel.id.desc()))


def forget_replaced() -> int:
    """Remove the arrays of every model but the newest (their figures stay); call after the
    newest is committed, then commit. Returns how many were removed."""
    models = list(
        db.session.scalars(
            select(SuggestionModel)
            .where(SuggestionModel.blob_sha256.is_not(None))
            .order_by(SuggestionModel.id.desc())
        )
    )
    for model in models[1:]:
        # The store keeps content once: a retraining on the same cases may have written the
        # very same arrays, which the newest still needs.
        if model.blob_sha256 != models[0].blob_sha256:
            current_store().delete(model.blob_sha256)
        model.blob_sha256 = None
    return len(models[1:])
