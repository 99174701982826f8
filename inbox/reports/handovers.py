"""The report's handovers: offered, accepted and declined per receiving department, and the
working hours they waited to be accepted."""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import case, or_, select

from inbox.extensions import db
from inbox.models import Department, Handover, HandoverStatus
from inbox.reports.numbers import rounded, share


def handover_figures(settings, start, end, department_ids) -> dict[str, Any]:
    """Offered, accepted, declined and the working hours to acceptance, per receiver."""
    # The two instants only where the time to decide was not stored: reading them for every
    # handover was half the handovers' part of the report.
    not_stored = Handover.decision_seconds.is_(None)
    query = (
        select(
            Department.slug,
            Handover.status,
            Handover.decision_seconds,
            case((not_stored, Handover.proposed_at)),
            case((not_stored, Handover.decided_at)),
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
        if status == HandoverStatus.ACCEPTED and (seconds is not None or decided_at is not None):
            entry["accepted"] += 1
            if seconds is None:  # decided before the time was stored
                seconds = calendar.working_time_between(proposed_at, decided_at).total_seconds()
            entry["hours_to_accept"].append(seconds / 3600)
        elif status == HandoverStatus.DECLINED:
            entry["declined"] += 1
    every = [hours for entry in by_department.values() for hours in entry["hours_to_accept"]]
    summary = {slug: _figures(entry) for slug, entry in sorted(by_department.items())}
    total = {
        "count": sum(e["count"] for e in by_department.values()),
        "accepted": sum(e["accepted"] for e in by_department.values()),
        "declined": sum(e["declined"] for e in by_department.values()),
        "hours_to_accept": every,
    }
    return {**_figures(total), "by_department": summary}


def _figures(entry: dict[str, Any]) -> dict[str, Any]:
    decided = entry["accepted"] + entry["declined"]
    hours = entry["hours_to_accept"]
    return {
        "count": entry["count"],
        "accepted": entry["accepted"],
        "declined": entry["declined"],
        "declined_share": share(entry["declined"], decided),
        "median_hours_to_accept": rounded(statistics.median(hours)) if hours else None,
    }
