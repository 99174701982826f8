"""Merging two cases of the same citizen into one.

A citizen who writes about one matter twice (an e-mail, then an SMS a day later) gets two
cases. Staff who may change both merge the second into the first: its messages and turns
move, it is closed and points to the case it was merged into, and both cases' notes and
histories say so. The moved turns are counted as :mod:`inbox.cases.joining` counts a joined
message's: one unanswered turn per case, the earliest promise standing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from inbox.cases import status_links
from inbox.cases.access import NotVisible, may_change
from inbox.cases.joining import (
    add_staff_note,
    has_pending_handover,
    move_contents,
    municipality_language,
)
from inbox.extensions import db
from inbox.models import Case, CaseParticipant, CaseStatus, Turn, User
from inbox.people import audit


class MergeError(ValueError):
    """The merge cannot be made; ``code`` says why (``same_case``, ``closed``, ``merged``,
    ``handover_pending``), ``reference`` names the case it is about."""

    def __init__(self, code: str, reference: str) -> None:
        super().__init__(f"{code}: case {reference}")
        self.code = code
        self.reference = reference


@dataclass(frozen=True)
class MergePlan:
    """What a merge of ``other`` into ``into`` will do, for the confirmation step."""

    into: Case
    other: Case
    messages: int
    turns: int
    #: The promise that stands after the merge: the earliest unanswered turn of the two.
    standing_due_at: datetime | None
    #: Unanswered turns the merge drops (both cases waited: only the earliest stays).
    dropped_turns: int


def merge_partner(into: Case, reference: str, user: User) -> Case:
    """The case ``reference`` that ``user`` may merge into ``into``: the same citizen's, and
    one they may change; anything else is :class:`NotVisible` (no case is named to someone
    who may not have it)."""
    other = db.session.scalar(select(Case).where(Case.reference == reference))
    if (
        other is None
        or other.contact_id != into.contact_id
        or not may_change(user, other)
        or not may_change(user, into)
    ):
        raise NotVisible(
            f"no case {reference} of this citizen that you may change", f"case {reference}"
        )
    return other


def check_mergeable(other: Case, into: Case) -> None:
    """Raise :class:`MergeError` when ``other`` cannot be merged into ``into`` now."""
    if other.id == into.id:
        raise MergeError("same_case", other.reference)
    for case in (other, into):
        if case.joined_into_id is not None:
            raise MergeError("merged", case.reference)
    if other.status == CaseStatus.CLOSED:
        raise MergeError("closed", other.reference)
    for case in (other, into):
        if has_pending_handover(case):
            raise MergeError("handover_pending", case.reference)


def is_mergeable(other: Case, into: Case) -> bool:
    try:
        check_mergeable(other, into)
    except MergeError:
        return False
    return True


def merge_plan(other: Case, into: Case) -> MergePlan:
    """What merging ``other`` into ``into`` will move, and which promise will stand."""
    check_mergeable(other, into)
    waiting = [
        turn
        for turn in db.session.scalars(
            select(Turn).where(Turn.case_id.in_((other.id, into.id)), Turn.answered_at.is_(None))
        )
    ]
    standing = min(waiting, key=lambda turn: (turn.received_at, turn.id), default=None)
    return MergePlan(
        into=into,
        other=other,
        messages=len(other.messages),
        turns=len(other.turns),
        standing_due_at=standing.due_at if standing is not None else None,
        dropped_turns=max(len(waiting) - 1, 0),
    )


def merge(other: Case, into: Case, by: User) -> None:
    """Move ``other``'s messages and turns to ``into`` and close ``other`` pointing there.

    The caller found ``other`` through :func:`merge_partner` (same citizen, ``by`` may change
    both), in a write transaction (:func:`inbox.database.commit_and_begin_write`): the two
    cases are locked and read again, so two people merging them crosswise at the same moment
    cannot make each point to the other.
    """
    _lock(other, into)
    if other.contact_id != into.contact_id:
        raise NotVisible(f"case {other.reference} is another citizen's", f"case {other.reference}")
    check_mergeable(other, into)
    moved = move_contents(other, into)
    status_links.revoke(other)  # a merged case is no case of its own any more
    for participant in db.session.scalars(
        select(CaseParticipant).where(CaseParticipant.case_id == other.id)
    ):
        if db.session.get(
            CaseParticipant, {"case_id": into.id, "contact_id": participant.contact_id}
        ):
            continue
        db.session.add(
            CaseParticipant(
                case_id=into.id,
                contact_id=participant.contact_id,
                added_by_id=participant.added_by_id,
                added_at=participant.added_at,
            )
        )
    language = municipality_language()
    add_staff_note(
        other,
        by,
        language.gettext(
            "Merged into case %(reference)s by %(name)s; its messages are there now.",
            reference=into.reference,
            name=by.name,
        ),
    )
    add_staff_note(
        into,
        by,
        language.gettext(
            "%(name)s merged case %(reference)s of the same citizen into this case; its "
            "messages and promises are here now.",
            name=by.name,
            reference=other.reference,
        ),
    )
    db.session.flush()
    audit.record(
        "case.merge",
        user=by,
        case=into,
        merged_case=other.reference,
        messages=len(moved),
    )
    audit.record("case.merge", user=by, case=other, merged_into=into.reference)


def _lock(*cases: Case) -> None:
    """Lock the cases' rows (PostgreSQL; on SQLite the writer's lock does it) and read them
    again, in id order so two merges never wait for each other."""
    query = select(Case).where(Case.id.in_([case.id for case in cases])).order_by(Case.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    db.session.scalars(query.execution_options(populate_existing=True)).all()
