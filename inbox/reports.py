"""The channel report: how each channel kept its promises, for a year or a month.

Everything is aggregated in the database from the Turn rows (one per reply
promise), which carry the opening time they were given and the time their
answer took, so a year of a million turns is a few grouped queries. Keys of
the returned dictionary are stable: `svarfrist report channels --format json`
prints it, and the README documents it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.dialects import postgresql

from inbox.clock import now
from inbox.config import Settings
from inbox.extensions import db
from inbox.models import Case, Department, Handover, HandoverStatus, Turn, TurnOrigin

DIGITAL_CHANNELS = ("email", "sms", "facebook", "instagram", "callback")
# "What to look at": promises kept less often than this; months this far above the average;
# promises almost always kept with answers this much faster than promised.
KEPT_BELOW = 0.9
PEAK_FACTOR = 1.5
GENEROUS_KEPT = 0.99
GENEROUS_SPEED = 0.25


#: The report's parts (for a progress bar); on PostgreSQL they are counted side by side.
STEPS = ("channels", "hours", "cases", "previous year", "months", "departments", "handovers")
WORKERS = 2  # the database server's cores: more would only queue


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
    end = min(end, now())  # a period still running is reported up to now
    previous = _period(settings, year - 1, month)
    channels, all_hours, cases, before, months, departments, handovers = _side_by_side(
        lambda: _figures_by(Turn.channel, start, end, department_ids),
        lambda: _hours(None, start, end, department_ids).get("all", (None,) * 3),
        lambda: _cases_by_channel(start, end, department_ids),
        lambda: {
            "turns": _turn_count(*previous, department_ids),
            "cases": sum(_cases_by_channel(*previous, department_ids).values()),
        },
        lambda: _months(settings, year, month, department_ids),
        lambda: _by_department(start, end, department_ids),
        lambda: _handovers(settings, start, end, department_ids),
        on_done=step,
    )
    median, p90, promised = all_hours
    total = _summed(channels.values())
    total.update(median_hours=median, p90_hours=p90, median_promised_hours=promised)
    for channel, count in cases.items():
        channels.setdefault(channel, _empty())["cases"] = count
    total["cases"] = sum(cases.values())
    report = {
        "period": {
            "year": year,
            "month": month,
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
        "total": total,
        "channels": dict(sorted(channels.items())),
        "digital_share": _share(
            sum(f["turns"] for c, f in channels.items() if c in DIGITAL_CHANNELS), total["turns"]
        ),
        "previous": {"turns": before["turns"], "cases": before["cases"]},
        "change": {key: _change(before[key], total[key]) for key in ("turns", "cases")},
        "months": months,
        "departments": departments,
        "handovers": handovers,
    }
    report["look_at"] = _look_at(report)
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


def _scoped(query, department_ids):
    if department_ids is None:
        return query
    return query.join(Case, Case.id == Turn.case_id).where(Case.department_id.in_(department_ids))


def _key(column):
    """What a figure is grouped by: a column, or one group ``all``."""
    return column if column is not None else literal("all")


def _grouped(query, column):
    return query.group_by(column) if column is not None else query


def _empty() -> dict[str, Any]:
    return {
        "turns": 0,
        "cases": 0,
        "answered": 0,
        "by_target": 0,
        "by_due": 0,
        "by_target_share": None,
        "by_due_share": None,
        "median_hours": None,
        "p90_hours": None,
        "median_promised_hours": None,
        "preliminary": 0,
        "preliminary_share": None,
        "preliminary_dates": 0,
        "preliminary_dates_kept": 0,
        "open_at_end": 0,
        "overdue_at_end": 0,
    }


def _figures_by(column, start: datetime, end: datetime, department_ids) -> dict[str, dict]:
    """Key figures of the citizens' turns received in [start, end), grouped by ``column``."""
    key = _key(column)
    citizen = Turn.origin == TurnOrigin.CITIZEN
    received = and_(Turn.received_at >= start, Turn.received_at < end)
    count_if = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    query = select(
        key.label("key"),
        count_if(and_(citizen, received)),
        count_if(and_(citizen, received, Turn.answered_at.is_not(None))),
        count_if(and_(citizen, received, Turn.answered_at <= Turn.target_at)),
        count_if(and_(citizen, received, Turn.met.is_(True))),
        count_if(and_(citizen, received, Turn.answer_kind == "preliminary")),
        count_if(and_(~citizen, received)),
        count_if(and_(~citizen, received, Turn.met.is_(True))),
    ).where(received)
    rows = db.session.execute(_grouped(_scoped(query, department_ids), column)).all()
    still_open = _open_at_end(column, end, department_ids)
    figures = {}
    for row in rows:
        name, turns, answered, by_target, by_due, preliminary, dates, dates_kept = (
            row[0],
            *(int(value or 0) for value in row[1:]),
        )
        open_at_end, overdue = still_open.pop(name, (0, 0))
        if not turns and not open_at_end:
            continue
        figures[name] = {
            **_empty(),
            "turns": turns,
            "answered": answered,
            "by_target": by_target,
            "by_due": by_due,
            "by_target_share": _share(by_target, turns),
            "by_due_share": _share(by_due, turns),
            "preliminary": preliminary,
            "preliminary_share": _share(preliminary, turns),
            "preliminary_dates": dates,
            "preliminary_dates_kept": dates_kept,
            "open_at_end": open_at_end,
            "overdue_at_end": overdue,
        }
    for name, (open_at_end, overdue) in still_open.items():  # nothing new, something open
        figures[name] = {**_empty(), "open_at_end": open_at_end, "overdue_at_end": overdue}
    for name, (median, p90, promised) in _hours(column, start, end, department_ids).items():
        if name in figures:
            figures[name].update(median_hours=median, p90_hours=p90, median_promised_hours=promised)
    return figures


def _open_at_end(column, end, department_ids) -> dict[str, tuple[int, int]]:
    """Citizens' turns received before ``end`` and unanswered then (the open-turn index)."""
    key = _key(column)
    overdue = func.sum(case((Turn.due_at < end, 1), else_=0))
    query = select(key, func.count(), overdue).where(
        Turn.origin == TurnOrigin.CITIZEN,
        Turn.received_at < end,
        or_(Turn.answered_at.is_(None), Turn.answered_at >= end),
    )
    rows = db.session.execute(_grouped(_scoped(query, department_ids), column)).all()
    return {name: (int(count), int(late or 0)) for name, count, late in rows}


COUNTS = (
    "turns",
    "answered",
    "by_target",
    "by_due",
    "preliminary",
    "preliminary_dates",
    "preliminary_dates_kept",
    "open_at_end",
    "overdue_at_end",
)


def _summed(parts) -> dict[str, Any]:
    """All channels together: counts added, shares worked out again."""
    parts = list(parts)
    total = {**_empty(), **{key: sum(part[key] for part in parts) for key in COUNTS}}
    for key in ("by_target", "by_due", "preliminary"):
        total[f"{key}_share"] = _share(total[key], total["turns"])
    return total


def _turn_count(start, end, department_ids) -> int:
    query = (
        select(func.count())
        .select_from(Turn)
        .where(Turn.origin == TurnOrigin.CITIZEN, Turn.received_at >= start, Turn.received_at < end)
    )
    return db.session.scalar(_scoped(query, department_ids)) or 0


def _hours(column, start, end, department_ids) -> dict[str, tuple]:
    """Median and 90th percentile of the answer's working hours, and the median promise."""
    key = _key(column)
    where = and_(
        Turn.origin == TurnOrigin.CITIZEN,
        Turn.received_at >= start,
        Turn.received_at < end,
    )
    if db.engine.dialect.name == "postgresql":
        hours = cast(Turn.answer_seconds, Float) / 3600
        promised = cast(Turn.promised_seconds, Float) / 3600
        query = select(
            key,
            func.percentile_cont(0.5).within_group(hours),
            func.percentile_cont(0.9).within_group(hours),
            func.percentile_cont(0.5).within_group(promised),
        ).where(where)
        rows = db.session.execute(_grouped(_scoped(query, department_ids), column)).all()
        return {row[0]: tuple(_round(value) for value in row[1:]) for row in rows}
    # SQLite has no percentile function: the seconds only, grouped here.
    query = select(key, Turn.answer_seconds, Turn.promised_seconds).where(where)
    values: dict[str, tuple[list, list]] = {}
    for name, answer, promise in db.session.execute(_scoped(query, department_ids)):
        answers, promises = values.setdefault(name, ([], []))
        if answer is not None:
            answers.append(answer / 3600)
        if promise is not None:
            promises.append(promise / 3600)
    return {
        name: (
            _round(percentile(answers, 0.5)),
            _round(percentile(answers, 0.9)),
            _round(percentile(promises, 0.5)),
        )
        for name, (answers, promises) in values.items()
    }


def percentile(values: list[float], fraction: float) -> float | None:
    """As PostgreSQL's ``percentile_cont``: linear between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _cases_by_channel(start, end, department_ids) -> dict[str, int]:
    query = select(Case.channel, func.count()).where(
        Case.created_at >= start, Case.created_at < end
    )
    if department_ids is not None:
        query = query.where(Case.department_id.in_(department_ids))
    return dict(db.session.execute(query.group_by(Case.channel)).all())


def _months(settings, year, month, department_ids) -> list[dict[str, Any]]:
    if db.engine.dialect.name == "postgresql":
        return _months_grouped(settings, year, month, department_ids)
    months = [month] if month is not None else range(1, 13)
    result = []
    for number in months:
        start, end = _period(settings, year, number)
        query = (
            select(Turn.channel, func.count())
            .where(
                Turn.origin == TurnOrigin.CITIZEN,
                Turn.received_at >= start,
                Turn.received_at < end,
            )
            .group_by(Turn.channel)
        )
        turns = dict(db.session.execute(_scoped(query, department_ids)).all())
        cases = sum(_cases_by_channel(start, end, department_ids).values())
        result.append(
            {"month": number, "turns": sum(turns.values()), "by_channel": turns, "cases": cases}
        )
    return result


def _months_grouped(settings, year, month, department_ids) -> list[dict[str, Any]]:
    """PostgreSQL: the months of the period in one scan of the turns and one of the cases."""
    start, end = _period(settings, year, month)
    numbers = [month] if month is not None else list(range(1, 13))
    # Month by comparing with the months' first instants: no time zone sum per row.
    edges = postgresql.array([_period(settings, year, n)[0] for n in numbers] + [end])
    turn_month = func.width_bucket(Turn.received_at, edges)
    query = (
        select(turn_month, Turn.channel, func.count())
        .where(
            Turn.origin == TurnOrigin.CITIZEN,
            Turn.received_at >= start,
            Turn.received_at < end,
        )
        .group_by(turn_month, Turn.channel)
    )
    by_month: dict[int, dict[str, int]] = {}
    for bucket, channel, count in db.session.execute(_scoped(query, department_ids)):
        by_month.setdefault(numbers[int(bucket) - 1], {})[channel] = count
    case_month = func.width_bucket(Case.created_at, edges)
    cases_query = (
        select(case_month, func.count())
        .where(Case.created_at >= start, Case.created_at < end)
        .group_by(case_month)
    )
    if department_ids is not None:
        cases_query = cases_query.where(Case.department_id.in_(department_ids))
    cases = {numbers[int(bucket) - 1]: count for bucket, count in db.session.execute(cases_query)}
    return [
        {
            "month": number,
            "turns": sum(by_month.get(number, {}).values()),
            "by_channel": by_month.get(number, {}),
            "cases": cases.get(number, 0),
        }
        for number in numbers
    ]


def _by_department(start, end, department_ids) -> dict[str, dict]:
    figures = _figures_by(Case.department_id, start, end, department_ids or _all_ids())
    names = dict(db.session.execute(select(Department.id, Department.slug)).all())
    return {names[key]: value for key, value in sorted(figures.items())}


def _all_ids() -> list[int]:
    return list(db.session.scalars(select(Department.id)))


def _handovers(settings, start, end, department_ids) -> dict[str, Any]:
    """Offered, accepted, declined and the working hours to acceptance, per receiver."""
    query = (
        select(
            Department.slug,
            Handover.status,
            Handover.decision_seconds,
            Handover.proposed_at,
            Handover.decided_at,
        )
        .join(Department, Department.id == Handover.to_department_id)
        .where(Handover.proposed_at >= start, Handover.proposed_at < end)
    )
    if department_ids is not None:
        query = query.where(
            or_(
                Handover.to_department_id.in_(department_ids),
                Handover.from_department_id.in_(department_ids),
            )
        )
    calendar = settings.rules.calendar
    by_department: dict[str, dict[str, Any]] = {}
    for slug, status, seconds, proposed_at, decided_at in db.session.execute(query):
        entry = by_department.setdefault(
            slug, {"count": 0, "accepted": 0, "declined": 0, "hours_to_accept": []}
        )
        entry["count"] += 1
        if status == HandoverStatus.ACCEPTED and decided_at is not None:
            entry["accepted"] += 1
            if seconds is None:  # decided before the time was stored
                seconds = calendar.working_time_between(proposed_at, decided_at).total_seconds()
            entry["hours_to_accept"].append(seconds / 3600)
        elif status == HandoverStatus.DECLINED:
            entry["declined"] += 1
    every = [hours for entry in by_department.values() for hours in entry["hours_to_accept"]]
    summary = {slug: _handover_figures(entry) for slug, entry in sorted(by_department.items())}
    total = {
        "count": sum(e["count"] for e in by_department.values()),
        "accepted": sum(e["accepted"] for e in by_department.values()),
        "declined": sum(e["declined"] for e in by_department.values()),
        "hours_to_accept": every,
    }
    return {**_handover_figures(total), "by_department": summary}


def _handover_figures(entry: dict[str, Any]) -> dict[str, Any]:
    decided = entry["accepted"] + entry["declined"]
    hours = entry["hours_to_accept"]
    return {
        "count": entry["count"],
        "accepted": entry["accepted"],
        "declined": entry["declined"],
        "declined_share": _share(entry["declined"], decided),
        "median_hours_to_accept": _round(statistics.median(hours)) if hours else None,
    }


def _look_at(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for channel, figures in report["channels"].items():
        kept = figures["by_due_share"]
        if kept is not None and kept < KEPT_BELOW:
            found.append({"kind": "promise_often_broken", "channel": channel, "by_due_share": kept})
        median, promised = figures["median_hours"], figures["median_promised_hours"]
        if (
            kept is not None
            and kept >= GENEROUS_KEPT
            and median is not None
            and promised
            and median <= GENEROUS_SPEED * promised
        ):
            found.append(
                {
                    "kind": "promise_perhaps_too_generous",
                    "channel": channel,
                    "median_hours": median,
                    "median_promised_hours": promised,
                }
            )
    months = [m for m in report["months"] if m["turns"]]
    if len(months) > 2:
        average = sum(m["turns"] for m in months) / len(months)
        for entry in months:
            if entry["turns"] >= PEAK_FACTOR * average:
                found.append(
                    {"kind": "peak_month", "month": entry["month"], "turns": entry["turns"]}
                )
    return found


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _change(before: int, now: int) -> dict[str, Any]:
    return {
        "number": now - before,
        "percent": round((now - before) * 100 / before, 1) if before else None,
    }


def _round(value) -> float | None:
    return round(float(value), 2) if value is not None else None
