"""'What to look at': the few things in a report a leader should see first, judged against what
the municipality promised (``[report]``, :class:`inbox.settings.report.ReportSettings`).

At most :data:`MOST` points, the most important first: channels that kept fewer promises than
the target (the furthest below it in promises first), the month with the most broken promises,
the department where accepted handovers waited longest, and channels whose volume moved more
than the configured share against the same days a year earlier (the largest move first). Of
the channels, at most :data:`PER_KIND` of each kind, so that one kind (every channel a little
below the target) does not crowd out the others; the channel table has them all.
"""

from __future__ import annotations

import math
from typing import Any

from inbox.settings.report import ReportSettings

MOST = 5
PER_KIND = 2


def look_at(report: dict[str, Any], yardsticks: ReportSettings) -> list[dict[str, Any]]:
    """The points, each a machine ``kind`` with its figures (the README lists them)."""
    points = [
        *_below_target(report, yardsticks.kept_target),
        *_most_broken_month(report),
        *_slowest_handovers(report),
        *_volume_moved(report, yardsticks.volume_change),
    ]
    return points[:MOST]


def _below_target(report: dict[str, Any], target: float) -> list[dict[str, Any]]:
    """Channels kept below the target; ``short_by`` is how many more kept promises it would
    have taken to reach it."""
    points = []
    for channel, figures in report["channels"].items():
        kept = figures["by_due_share"]
        if kept is not None and kept < target:
            points.append(
                {
                    "kind": "kept_below_target",
                    "channel": channel,
                    "by_due_share": kept,
                    "kept_target": target,
                    "turns": figures["turns"],
                    "short_by": math.ceil(target * figures["turns"]) - figures["by_due"],
                }
            )
    points.sort(key=lambda point: -point["short_by"])
    return points[:PER_KIND]


def _most_broken_month(report: dict[str, Any]) -> list[dict[str, Any]]:
    """In a report of more than one month, the month with the most broken promises."""
    months = report["months"]
    worst = max(months, key=lambda entry: entry["broken"], default=None)
    if len(months) < 2 or worst is None or not worst["broken"]:
        return []
    return [{"kind": "most_broken_month", "month": worst["month"], "broken": worst["broken"]}]


def _slowest_handovers(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The receiving department whose accepted handovers waited longest (the median, in
    opening hours, as the report's handover table has it)."""
    waits = [
        (figures["median_hours_to_accept"], slug, figures["accepted"])
        for slug, figures in report["handovers"]["by_department"].items()
        if figures["median_hours_to_accept"] is not None
    ]
    if not waits:
        return []
    # The first of equal waits: the departments come in the order of their slugs.
    hours, slug, accepted = max(waits, key=lambda wait: wait[0])
    return [
        {
            "kind": "handovers_wait_longest",
            "department": slug,
            "median_hours_to_accept": hours,
            "accepted": accepted,
        }
    ]


def _volume_moved(report: dict[str, Any], allowed: float) -> list[dict[str, Any]]:
    """Channels whose turns moved more than ``allowed`` (a share) against the same period a
    year earlier; only when that period has data, and only channels it had turns on."""
    if report["change"]["turns"] is None:
        return []
    points = []
    for channel, before in report["previous"]["channels"].items():
        turns = report["channels"].get(channel, {}).get("turns", 0)
        moved = (turns - before) / before
        if abs(moved) > allowed:
            points.append(
                {
                    "kind": "volume_moved",
                    "channel": channel,
                    "turns": turns,
                    "previous_turns": before,
                    "change_share": round(moved, 4),
                    "volume_change": allowed,
                }
            )
    points.sort(key=lambda point: -abs(point["turns"] - point["previous_turns"]))
    return points[:PER_KIND]
