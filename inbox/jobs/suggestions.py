"""The nightly training of the department suggestions.

Several workers may run: the one that finds a model trained in the last hours leaves it, so
the cases are learned from once a night. The training reads only; the write lock is taken
just to store the result.
"""

from __future__ import annotations

from datetime import timedelta

from inbox.clock import now
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.suggestions.training import (
    NotTrained,
    Trained,
    forget_replaced,
    newest_model,
    store,
    train,
)

# Less than a day, so a training that started a little later last night does not skip this one.
FRESH = timedelta(hours=20)


def train_nightly() -> str:
    """Train and store a model unless a fresh one exists; what happened, for the log."""
    newest = newest_model()
    if newest is not None and now() - newest.trained_at < FRESH:
        return f"suggestions: model {newest.id} is fresh"
    db.session.rollback()  # no read transaction held open through minutes of training
    try:
        trained = train()
    except NotTrained as error:
        return f"suggestions: not trained: {error}"
    db.session.rollback()
    return f"suggestions: trained on {store_trained(trained)} cases"


def store_trained(trained: Trained) -> int:
    """Store ``trained`` as the model in use and drop the arrays it replaces (commits)."""
    commit_and_begin_write()
    model = store(trained)
    db.session.commit()
    forget_replaced()
    db.session.commit()
    return model.cases
