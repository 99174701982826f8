"""The channel report: how each channel kept its promises, for a year or a month.

Everything is aggregated in the database. The counts come from the turns'
daily counts (``turn_days``, kept by inbox.reports.turn_days), a few thousand rows a
year; the times (median and 90th percentile) from the Turn rows themselves,
which carry the opening time they were given and the time their answer took,
by way of inbox.reports.percentiles. Keys of the returned dictionary are
stable: `svarfrist report channels --format json` prints it, and the README
documents it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, literal, or_, select, text, union_all

from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Department,
    Turn,
    TurnDay,
    TurnDayChange,
    TurnOrigin,
)
from inbox.reports import turn_days
from inbox.reports.handovers import handover_figures
from inbox.reports.look_at import look_at
from inbox.reports.numbers import change, rounded, share
from inbox.reports.percentiles import percentiles
from inbox.settings.config import Settings

DIGITAL_CHANNELS = ("email", "sms", "facebook", "instagram", "callback")

#: The report's parts (for a progress bar); on PostgreSQL they are counted side by side.
STEPS = ("turns", "open turns", "answer times", "previous year", "handovers")
WORKERS = 2  # the database server's cores: more would only queue
SESSION_SETTINGS = (
    # The grouped counts by the minute fit in memory instead of spilling to disk.
    "work_mem = '64MB'",
    # The parts already keep both cores busy; parallel workers on top only contend.
    "max_parallel_workers_per_gather = 0",
)
#: Every figure is counted per channel and department, then added up for these groups.
ROLLUPS = {
    "channels": lambda key: key[0],
    "departments": lambda key: key[1],
    "total": lambda _key: "all",
}
SHARES = ("by_target", "by_due", "quick", "preliminary")  # each of the citizens' turns


def channel_report(
    year: int,
    month: int | None = None,
    department_ids: list[int] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The report; ``on_step`` is told each of :data:`STEPS` as it is done."""
    step = on_step or (lambda _name: None)
    settings: Settings = current_app.extensions["svarfrist"]
    start, end = _period(settings, year, month)
    moment = now()
    end = min(end, moment)  # a period still running is reported up to now
    previous = _same_days_before(settings, year, month, end)
    months = _months(settings, year, month)
    counts, still_open, answers, before, handovers = _side_by_side(
        lambda: _day_counts(start, end, department_ids, months),
        lambda: _open_at_end(end, moment, department_ids, months),
        lambda: _hours(start, end, department_ids),
        lambda: _totals(*previous, department_ids),
        lambda: handover_figures(settings, start, end, department_ids),
        on_done=step,
    )
    figures = {
        name: _figures(_rolled_up(rollup, counts), _rolled_up(rollup, still_open), answers[name])
        for name, rollup in ROLLUPS.items()
    }
    total = figures["total"].get("all", _empty())
    names = dict(db.session.execute(select(Department.id, Department.slug)).all())
    report = {
        "period": {
            "year": year,
            "month": month,
            "from": start.isoformat(),
            "to": end.isoformat(),
            # The one department the report covers (its slug), or None for more.
            "department": (
                names.get(department_ids[0])
                if department_ids is not None and len(department_ids) == 1
                else None
            ),
        },
        "total": total,
        "channels": dict(sorted(figures["channels"].items())),
        "digital_share": share(
            sum(f["turns"] for c, f in figures["channels"].items() if c in DIGITAL_CHANNELS),
            total["turns"],
        ),
        "previous": {
            "turns": before["turns"],
            "cases": before["cases"],
            "channels": before["channels"],
            "from": previous[0].isoformat(),
            "to": previous[1].isoformat(),
            # A running period is compared with the same days of the year before.
            "same_days": previous[1] != _period(settings, year - 1, month)[1],
        },
        # Only when the earlier period has something to compare with.
        "change": {
            key: change(before[key], total[key]) if before["turns"] or before["cases"] else None
            for key in ("turns", "cases")
        },
        "months": _by_month(months, counts, still_open),
        "departments": {names[key]: value for key, value in sorted(figures["departments"].items())},
        "handovers": handovers,
    }
    report["look_at"] = look_at(report, settings.report)
    return report


def _side_by_side(*parts: Callable[[], Any], on_done: Callable[[str], None]) -> list[Any]:
    """Run the report's independent parts; on PostgreSQL on several connections at once."""
    if db.engine.dialect.name != "postgresql":
        results = []
        for name, part in zip(STEPS, parts, strict=True):
            results.append(part())
            on_done(name)
        return results
    app = current_app._get_current_object()

    def run(part: Callable[[], Any]) -> Any:
        with app.app_context():  # a session of its own
            try:
                for setting in SESSION_SETTINGS:
                    db.session.execute(text(f"SET LOCAL {setting}"))
                return part()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(run, part) for part in parts]
        for name, future in zip(STEPS, futures, strict=True):
            future.result()
            on_done(name)
    return [future.result() for future in futures]


def _period(settings: Settings, year: int, month: int | None) -> tuple[datetime, datetime]:
    zone = settings.rules.calendar.zone
    if month is None:
        return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def _same_days_before(settings, year, month, end) -> tuple[datetime, datetime]:
    """The period a year earlier; for a period still running, only up to the same moment."""
    start, whole_end = _period(settings, year - 1, month)
    zone = settings.rules.calendar.zone
    if end >= _period(settings, year, month)[1]:
        return start, whole_end
    local = end.astimezone(zone)
    try:
        earlier = local.replace(year=year - 1)
    except ValueError:  # 29 February
        earlier = local.replace(year=year - 1, day=28)
    return start, min(max(earlier, start), whole_end)


def _scoped(query, department_ids):
    if department_ids is None:
        return query
    return query.where(Turn.department_id.in_(department_ids))


def _citizens_turns(start, end, department_ids) -> Callable[..., Any]:
    """The select of some columns of the citizens' turns received in [start, end)."""

    def rows_of(*columns):
        query = select(*columns).where(
            Turn.origin == TurnOrigin.CITIZEN, Turn.received_at >= start, Turn.received_at < end
        )
        return _scoped(query, department_ids)

    return rows_of


def _rolled_up(rollup, by_key: dict[tuple, tuple[int, ...]]) -> dict[Any, list[int]]:
    """Figures per (channel, department) added up into the rollup's groups."""
    return turn_days.added_up((rollup(key), values) for key, values in by_key.items())


def _empty() -> dict[str, Any]:
    return {
        "turns": 0,
        "cases": 0,
        "answered": 0,
        "by_target": 0,
        "by_due": 0,
        "by_target_share": None,
        "by_due_share": None,
        "quick": 0,
        "quick_share": None,
        "median_hours": None,
        "p90_hours": None,
        "preliminary": 0,
        "preliminary_share": None,
        "preliminary_dates": 0,
        "preliminary_dates_kept": 0,
        "open_at_end": 0,
        "overdue_at_end": 0,
    }


def _figures(counts, still_open, answers) -> dict[Any, dict[str, Any]]:
    """Each group's figures; a group with nothing received, open or opened is left out."""
    figures = {}
    for group in {*counts, *still_open}:
        entry = {**_empty(), **dict(zip(turn_days.FIELDS, counts.get(group, ()), strict=False))}
        entry["open_at_end"], entry["overdue_at_end"], _waiting = still_open.get(group, (0, 0, 0))
        if not (entry["turns"] or entry["open_at_end"] or entry["cases"]):
            continue
        for key in SHARES:
            entry[f"{key}_share"] = share(entry[key], entry["turns"])
        entry["median_hours"], entry["p90_hours"] = answers.get(group, (None, None))
        figures[group] = entry
    return figures


def _day_counts(start, end, department_ids, months) -> dict[tuple, tuple[int, ...]]:
    """The daily counts (:data:`inbox.reports.turn_days.FIELDS`) of [start, end), added up per
    (channel, department, month)."""
    counts = _counts_of_days(start, end, department_ids)
    month = _month_of(counts.c.day, months)
    query = select(
        counts.c.channel,
        counts.c.department_id,
        month,
        *(func.sum(counts.c[field]) for field in turn_days.FIELDS),
    ).group_by(counts.c.channel, counts.c.department_id, month)
    return {
        (channel, department, number): tuple(int(value or 0) for value in values)
        for channel, department, number, *values in db.session.execute(query)
    }


def _totals(start, end, department_ids) -> dict[str, Any]:
    """Turns and cases in [start, end), and the turns per channel, for the comparison with
    the year before."""
    counts = _counts_of_days(start, end, department_ids)
    query = select(counts.c.channel, func.sum(counts.c.turns), func.sum(counts.c.cases)).group_by(
        counts.c.channel
    )
    rows = [
        (channel, int(turns or 0), int(cases or 0))
        for channel, turns, cases in db.session.execute(query)
    ]
    return {
        "turns": sum(turns for _channel, turns, _cases in rows),
        "cases": sum(cases for _channel, _turns, cases in rows),
        "channels": {channel: turns for channel, turns, _cases in sorted(rows) if turns},
    }


def _counts_of_days(start: datetime, end: datetime, department_ids):
    """The days' counts and the changes not folded into them yet, for the local days of
    [start, end) (``end`` is a midnight or the present moment), scoped."""
    last = (end - timedelta(microseconds=1)).astimezone(start.tzinfo).date()

    def rows_of(model):
        query = select(
            model.day,
            model.channel,
            model.department_id,
            *(getattr(model, field) for field in turn_days.FIELDS),
        ).where(model.day >= start.date(), model.day <= last)
        if department_ids is not None:
            query = query.where(model.department_id.in_(department_ids))
        return query

    return union_all(rows_of(TurnDay), rows_of(TurnDayChange)).subquery("counts")


def _open_at_end(end, moment, department_ids, months) -> dict[tuple, tuple[int, int, int]]:
    """Citizens' turns received before ``end`` and unanswered then: open, of them overdue, and
    of them the ones still unanswered at ``moment`` (now) and not due yet (not broken yet);
    per channel, department and the period's month received (``None``: before the period)."""
    overdue = func.sum(case((Turn.due_at < end, 1), else_=0))
    not_due_yet = and_(Turn.answered_at.is_(None), Turn.due_at >= moment)
    waiting = func.sum(case((not_due_yet, 1), else_=0))
    month = _month_received(Turn.received_at, months)
    query = (
        select(Turn.channel, Turn.department_id, month, func.count(), overdue, waiting)
        .where(
            Turn.origin == TurnOrigin.CITIZEN,
            Turn.received_at < end,
            or_(Turn.answered_at.is_(None), Turn.answered_at >= end),
        )
        .group_by(Turn.channel, Turn.department_id, month)
    )
    rows = db.session.execute(_scoped(query, department_ids))
    return {
        (channel, department, number): (int(count), int(late or 0), int(later or 0))
        for channel, department, number, count, late, later in rows
    }


def _hours(start, end, department_ids) -> dict[str, dict[Any, tuple]]:
    """Median and 90th percentile of the answers' working time, in hours, for every rollup."""
    found = percentiles(
        _citizens_turns(start, end, department_ids),
        Turn.answer_seconds,
        (Turn.channel, Turn.department_id),
        ROLLUPS,
        (0.5, 0.9),
    )
    return {
        name: {
            group: tuple(rounded(value / 3600) for value in values)
            for group, values in groups.items()
        }
        for name, groups in found.items()
    }


def _months(settings, year, month) -> dict[int, datetime]:
    """The period's months and the instant each begins."""
    numbers = [month] if month is not None else range(1, 13)
    return {number: _period(settings, year, number)[0] for number in numbers}


def _month_of(column, months: dict[int, datetime]):
    """The month a day falls in, by comparing it with the months' first days."""
    numbers = list(months)
    later = [(column < months[after].date(), number) for number, after in pairwise(numbers)]
    return case(*later, else_=numbers[-1]) if later else literal(numbers[0])


def _month_received(column, months: dict[int, datetime]):
    """The period's month an instant falls in (``None`` before the period)."""
    later = [(column < months[number], previous) for previous, number in pairwise(months)]
    return case((column < next(iter(months.values())), None), *later, else_=list(months)[-1])


def _by_month(months, counts, still_open) -> list[dict[str, Any]]:
    """Each month's turns (per channel), cases, and broken promises: turns not answered by
    their due time, less those still unanswered whose due time has not come yet."""
    turns = turn_days.FIELDS.index("turns")
    by_due = turn_days.FIELDS.index("by_due")
    not_due_yet = _rolled_up(lambda key: key[2], {k: v[2:] for k, v in still_open.items()})
    by_channel: dict[int, dict[str, int]] = {number: {} for number in months}
    for (channel, _department, number), values in counts.items():
        if values[turns]:
            by_channel[number][channel] = by_channel[number].get(channel, 0) + values[turns]
    opened = _rolled_up(lambda key: key[2], counts)
    cases = turn_days.FIELDS.index("cases")
    return [
        {
            "month": number,
            "turns": sum(by_channel[number].values()),
            "by_channel": dict(sorted(by_channel[number].items())),
            "cases": opened[number][cases] if number in opened else 0,
            "broken": (
                opened[number][turns] - opened[number][by_due] - not_due_yet.get(number, [0])[0]
                if number in opened
                else 0
            ),
        }
        for number in months
    ]
