"""Whether staff followed the suggestion: recorded when a case with one is offered onwards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case, Department, SuggestionChoice
from inbox.suggestions.suggesting import suggestions_for


@dataclass(frozen=True)
class FollowedShare:
    """Of the handovers offered where a suggestion was shown, how many went to the first."""

    followed: int
    offered: int

    @property
    def share(self) -> float | None:
        return self.followed / self.offered if self.offered else None


def record_choice(case: Case, chosen: Department) -> SuggestionChoice | None:
    """Record that ``case`` was offered to ``chosen`` and whether the suggestion said so
    (flushed); nothing when no suggestion was shown."""
    shown = suggestions_for(case)
    if not shown.departments:
        return None
    first = shown.departments[0].department
    choice = SuggestionChoice(
        case_id=case.id,
        model_id=shown.model.id if shown.model else None,
        suggested_department_id=first.id,
        chosen_department_id=chosen.id,
        is_followed=first.id == chosen.id,
        chosen_at=now(),
    )
    db.session.add(choice)
    db.session.flush()
    return choice


def followed_share() -> FollowedShare:
    followed = func.count().filter(SuggestionChoice.is_followed.is_(True))
    row = db.session.execute(select(followed, func.count()).select_from(SuggestionChoice)).one()
    return FollowedShare(followed=row[0], offered=row[1])
