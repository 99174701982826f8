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


Histogram = dict[tuple[str, Hashable], dict[int, int]]  # (rollup, group) → minute → count


def percentiles(
    rows_of: Callable[..., Any],
    value,
    keys: tuple,
    rollups: dict[str, Rollup],
    fractions: tuple[float, ...],
) -> dict[str, dict[Hashable, tuple[float | None, ...]]]:
    """Percentiles of ``value`` per group of every rollup.

    ``rows_of(*columns)`` is the filtered select of ``columns``; ``keys`` are the
    finest grouping columns, which each rollup maps to its own groups.
    """
    counted = histogram(rows_of, value, keys, rollups)
    return resolve(rows_of, value, keys, rollups, fractions, counted)


def histogram(rows_of, value, keys: tuple, rollups: dict[str, Rollup]) -> Histogram:
    """The first query: how many values fall in each minute, per group."""
    bucket = value // BUCKET
    rows = db.session.execute(
        rows_of(*keys, bucket, func.count()).where(value.is_not(None)).group_by(*keys, bucket)
    ).all()
    counts: Histogram = defaultdict(lambda: defaultdict(int))
    for *key, minute, count in rows:
        for name, rollup in rollups.items():
            counts[name, rollup(tuple(key))][minute] += count
    return counts


def resolve(
    rows_of, value, keys: tuple, rollups: dict[str, Rollup], fractions, counts: Histogram
) -> dict[str, dict[Hashable, tuple[float | None, ...]]]:
    """The second query: the exact values within the minutes that hold the wanted ranks
    (sixty distinct values a minute at most), and from them the percentiles."""
    bucket = value // BUCKET
    wanted = {group: _ranks(by_minute, fractions) for group, by_minute in counts.items()}
    minutes = {minute for ranks in wanted.values() for _rank, minute, _at in ranks}
    seconds_in: dict[tuple[str, Hashable, int], dict[int, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    if minutes:
        for *key, seconds, count in db.session.execute(
            rows_of(*keys, value, func.count())
            .where(value.is_not(None), bucket.in_(sorted(minutes)))
            .group_by(*keys, value)
        ):
            for name, rollup in rollups.items():
                seconds_in[name, rollup(tuple(key)), seconds // BUCKET][seconds] += count
    result: dict[str, dict[Hashable, tuple[float | None, ...]]] = {name: {} for name in rollups}
    for (name, group), ranks in wanted.items():
        at = [_nth(seconds_in[name, group, minute], index) for _rank, minute, index in ranks]
        result[name][group] = tuple(
            _between(at[2 * i], at[2 * i + 1], position)
            for i, position in enumerate(_positions(sum(counts[name, group].values()), fractions))
        )
    return result


def _nth(counted: dict[int, int], index: int) -> int:
    """The value at ``index`` (from 0) of the sorted values, given how often each occurs."""
    passed = 0
    for value in sorted(counted):
        passed += counted[value]
        if index < passed:
            return value
    raise IndexError(index)


def _positions(total: int, fractions: Iterable[float]) -> list[float]:
    return [fraction * (total - 1) for fraction in fractions]


def _ranks(by_minute: dict[int, int], fractions) -> list[tuple[int, int, int]]:
    """For each fraction the two ranks around it: (rank, its minute, index within the minute)."""
    total = sum(by_minute.values())
    ranks = []
    for position in _positions(total, fractions):
        low = int(position)
        ranks += [low, min(low + 1, total - 1)]
    located = []
    ordered = sorted(by_minute)
    for rank in ranks:
        passed = 0
        for minute in ordered:
            if rank < passed + by_minute[minute]:
                located.append((rank, minute, rank - passed))
                break
            passed += by_minute[minute]
    return located


def _between(low: int, high: int, position: float) -> float:
    return low + (high - low) * (position - int(position))
