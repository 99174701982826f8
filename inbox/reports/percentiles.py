"""Exact percentiles of a column of seconds over many groups, without sorting the rows.

A year holds a million turns; sorting them once per group and percentile is
what made the report slow. Instead one grouped count by the minute (a hash
aggregate) tells, for every group, which minutes hold the ranks a percentile
needs, and a second one counts the exact values within those minutes only. The result
equals PostgreSQL's ``percentile_cont``: linear between the two nearest ranks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from sqlalchemy import func

from inbox.extensions import db

BUCKET = 60  # seconds per histogram bucket

Rollup = Callable[[tuple], Hashable]  # the finest key → the group it counts towards
Counted = dict[int, int]  # value (or minute) → how many


def percentiles(
    rows_of: Callable[..., Any],
    value,
    keys: tuple,
    rollups: dict[str, Rollup],
    fractions: tuple[float, ...],
) -> dict[str, dict[Hashable, tuple[float, ...]]]:
    """Percentiles of ``value`` per group of every rollup.

    ``rows_of(*columns)`` is the filtered select of ``columns``; ``keys`` are the
    finest grouping columns, which each rollup maps to its own groups.
    """
    minute = value // BUCKET
    by_minute = _counted(rows_of, keys, minute, rollups, value.is_not(None))
    # For each group and fraction the two ranks around it, as (minute, index within it).
    wanted = {
        group: [_locate(counted, rank) for rank in _ranks(sum(counted.values()), fractions)]
        for group, counted in by_minute.items()
    }
    minutes = sorted({found for ranks in wanted.values() for found, _index in ranks})
    # The second query counts the exact values within those minutes only: sixty at most.
    by_second = _counted(rows_of, keys, value, rollups, minute.in_(minutes)) if minutes else {}
    result: dict[str, dict[Hashable, tuple[float, ...]]] = {name: {} for name in rollups}
    for (name, group), ranks in wanted.items():
        seconds = by_second[name, group]
        at = [_locate(_only_minute(seconds, m), index)[0] for m, index in ranks]
        positions = _positions(sum(by_minute[name, group].values()), fractions)
        result[name][group] = tuple(
            _between(at[2 * n], at[2 * n + 1], position) for n, position in enumerate(positions)
        )
    return result


def _counted(rows_of, keys: tuple, measure, rollups, condition) -> dict[tuple, Counted]:
    """How often each value of ``measure`` occurs per (rollup, group), in one grouped query."""
    counts: dict[tuple, Counted] = defaultdict(lambda: defaultdict(int))
    query = rows_of(*keys, measure, func.count()).where(condition).group_by(*keys, measure)
    for *key, measured, count in db.session.execute(query):
        for name, rollup in rollups.items():
            counts[name, rollup(tuple(key))][measured] += count
    return counts


def _only_minute(by_second: Counted, minute: int) -> Counted:
    return {second: n for second, n in by_second.items() if second // BUCKET == minute}


def _locate(counted: Counted, rank: int) -> tuple[int, int]:
    """The value holding ``rank`` (from 0) among the sorted values, and the rank's index
    among that value's occurrences."""
    passed = 0
    for value in sorted(counted):
        if rank < passed + counted[value]:
            return value, rank - passed
        passed += counted[value]
    raise IndexError(rank)


def _positions(total: int, fractions: Iterable[float]) -> list[float]:
    return [fraction * (total - 1) for fraction in fractions]


def _ranks(total: int, fractions) -> list[int]:
    """For each fraction the two ranks around its position."""
    ranks = []
    for position in _positions(total, fractions):
        low = int(position)
        ranks += [low, min(low + 1, total - 1)]
    return ranks


def _between(low: int, high: int, position: float) -> float:
    return low + (high - low) * (position - int(position))
