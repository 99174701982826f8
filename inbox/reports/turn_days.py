"""Keeping the turns' daily counts (``turn_days``) in step with the turns.

Every change that the channel report counts goes through here: a case opens
(:func:`count_case`), a turn starts (:func:`count`) or ends (:func:`changing`),
a case moves to another department with its turns (:func:`moving`), or is
deleted (:func:`forget`, :func:`forget_turn`). Each is a row inserted into ``turn_day_changes`` in
the same transaction as the change. Inserting never waits on another writer;
adding to the day's row directly made every intake, reply and handover of a
day and channel queue on that one row, and deadlock under load. The worker
folds the changes into ``turn_days`` (:func:`fold`); the report adds both.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, select

from inbox.database import insert_or_merge
from inbox.extensions import db
from inbox.models import Case, OutKind, Turn, TurnDay, TurnDayChange, TurnOrigin

FIELDS = (
    "turns",
    "answered",
    "by_target",
    "by_due",
    "quick",
    "preliminary",
    "preliminary_dates",
    "preliminary_dates_kept",
    "cases",
)
#: "Quick": answered within this share of the promised opening time.
QUICK = 0.25
FOLD_LOCK = 7_302_025  # PostgreSQL advisory lock key: one folder at a time
_COLLECTED = "svarfrist.turn_day_changes"  # in the session's info: see collected()

Key = tuple[date, str, int]


def counts_of(turn: Turn) -> dict[str, int]:
    """What this turn adds to its day's counts, as it stands now."""
    if turn.origin != TurnOrigin.CITIZEN:
        return {"preliminary_dates": 1, "preliminary_dates_kept": int(bool(turn.met))}
    answered = turn.answered_at is not None
    return {
        "turns": 1,
        "answered": int(answered),
        "by_target": int(answered and turn.answered_at <= turn.target_at),
        "by_due": int(bool(turn.met)),
        "quick": int(
            answered
            and turn.answer_seconds is not None
            and turn.promised_seconds is not None
            and turn.answer_seconds <= QUICK * turn.promised_seconds
        ),
        "preliminary": int(turn.answer_kind == OutKind.PRELIMINARY),
    }


def day_of(turn: Turn) -> Key:
    return _local_day(turn.received_at), turn.channel, turn.department_id


def case_day_of(case: Case) -> Key:
    return _local_day(case.created_at), case.channel, case.department.id


def _local_day(moment: datetime) -> date:
    return moment.astimezone(current_app.extensions["svarfrist"].rules.calendar.zone).date()


def count_case(case: Case) -> None:
    """A new case (flushed)."""
    _add(case_day_of(case), {"cases": 1})


def count(turn: Turn) -> None:
    """A new turn (flushed, so it has its department)."""
    _add(day_of(turn), counts_of(turn))


def forget(case: Case) -> None:
    """A case about to be deleted, with its turns (or no longer a case of its own)."""
    if case.joined_into_id is None:  # a case joined into another was forgotten then
        _add(case_day_of(case), {"cases": -1})
    for turn in case.turns:
        forget_turn(turn)


def forget_turn(turn: Turn) -> None:
    """A turn about to be deleted."""
    _add(day_of(turn), {field: -value for field, value in counts_of(turn).items()})


@contextmanager
def moving(case: Case) -> Iterator[None]:
    """The case and its turns change department inside the block."""
    before = case_day_of(case)
    with changing(case.turns):
        yield
    _add(before, {"cases": -1})
    _add(case_day_of(case), {"cases": 1})


@contextmanager
def changing(turns: Iterable[Turn]) -> Iterator[None]:
    """Turns changed inside the block are counted again afterwards."""
    before = [(turn, day_of(turn), counts_of(turn)) for turn in turns]
    yield
    for turn, key, counts in before:
        after_key, after = day_of(turn), counts_of(turn)
        if after_key == key:
            _add(key, {field: after.get(field, 0) - counts.get(field, 0) for field in FIELDS})
        else:
            _add(key, {field: -value for field, value in counts.items()})
            _add(after_key, after)


@contextmanager
def collected() -> Iterator[None]:
    """Inside the block, the changes are added up per day, channel and department, and
    inserted when it ends, one row each in one statement (a batch's intake: one INSERT, not
    two per message). When the block raises, nothing is inserted: the caller rolls back the
    changes counted."""
    sums: dict[Key, list[int]] = {}
    db.session.info[_COLLECTED] = sums
    try:
        yield
    finally:
        del db.session.info[_COLLECTED]
    if sums:
        db.session.execute(
            insert(TurnDayChange),
            [
                {"day": day, "channel": channel, "department_id": department_id}
                | dict(zip(FIELDS, values, strict=True))
                for (day, channel, department_id), values in sums.items()
            ],
        )


def _add(key: Key, counts: dict[str, int]) -> None:
    if not any(counts.values()):
        return
    collecting = db.session.info.get(_COLLECTED)
    if collecting is not None:
        total = collecting.setdefault(key, [0] * len(FIELDS))
        for index, field in enumerate(FIELDS):
            total[index] += counts.get(field, 0)
        return
    day, channel, department_id = key
    values = {field: counts.get(field, 0) for field in FIELDS}
    db.session.execute(
        insert(TurnDayChange).values(
            day=day, channel=channel, department_id=department_id, **values
        )
    )


def fold() -> int:
    """Move the committed changes into ``turn_days``; how many. In the caller's write
    transaction, which the caller commits. One process at a time: on PostgreSQL an advisory
    lock held until that commit (another worker folds nothing), on SQLite the write lock."""
    if not _exclusive():
        return 0
    # DELETE ... RETURNING: exactly the rows removed are the rows added, whatever
    # commits meanwhile.
    removed = db.session.execute(
        delete(TurnDayChange).returning(
            TurnDayChange.day,
            TurnDayChange.channel,
            TurnDayChange.department_id,
            *(getattr(TurnDayChange, field) for field in FIELDS),
        )
    ).all()
    sums = added_up(
        ((day, channel, department_id), values) for day, channel, department_id, *values in removed
    )
    rows = [
        {
            "day": day,
            "channel": channel,
            "department_id": department_id,
            **dict(zip(FIELDS, values, strict=True)),
        }
        for (day, channel, department_id), values in sorted(sums.items())
    ]
    if not rows:
        return 0
    # One statement for all of them (executemany): a backlog (a restored database, the demo's
    # two years) folds in a fraction of a second instead of holding the write lock for one
    # compiled statement per day.
    days = TurnDay.__table__
    upsert = insert_or_merge(days)
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=["day", "channel", "department_id"],
            set_={field: days.c[field] + upsert.excluded[field] for field in FIELDS},
        ),
        rows,
    )
    return len(removed)


def added_up(pairs: Iterable[tuple[Hashable, Sequence[int]]]) -> dict[Any, list[int]]:
    """Counts added up per key, field by field."""
    sums: dict[Any, list[int]] = {}
    for key, values in pairs:
        total = sums.setdefault(key, [0] * len(values))
        for index, value in enumerate(values):
            total[index] += value
    return sums


def _exclusive() -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(FOLD_LOCK))))
