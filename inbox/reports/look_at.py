"""'What to look at': the few things in a report a leader should see first."""

from __future__ import annotations

from typing import Any

# Promises kept less often than this; months this far above the average; promises almost
# always kept, and mostly answered in a quarter of the promised time.
KEPT_BELOW = 0.9
PEAK_FACTOR = 1.5
GENEROUS_KEPT = 0.99
GENEROUS_QUICK = 0.5


def look_at(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for channel, figures in report["channels"].items():
        kept = figures["by_due_share"]
        if kept is not None and kept < KEPT_BELOW:
            found.append({"kind": "promise_often_broken", "channel": channel, "by_due_share": kept})
        quick = figures["quick_share"]
        if (
            kept is not None
            and kept >= GENEROUS_KEPT
            and quick is not None
            and quick >= GENEROUS_QUICK
        ):
            found.append(
                {"kind": "promise_perhaps_too_generous", "channel": channel, "quick_share": quick}
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
