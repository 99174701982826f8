"""``[report]``: what the channel report holds against the figures in "what to look at".

``kept_target`` is the share of promises the municipality means to keep (a channel below it
is pointed out); ``volume_change`` the share a channel's turns may move against the same
period a year earlier before it is pointed out. Both are fractions between 0 and 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.config import Problem

#: Keys of ``[report]`` that are shares (fractions between 0 and 1), with their defaults.
SHARE_KEYS = {"kept_target": 0.9, "volume_change": 0.25}


@dataclass(frozen=True)
class ReportSettings:
    """The report's yardsticks (``[report]``)."""

    #: The share of promises the municipality means to keep (by the due time).
    kept_target: float = SHARE_KEYS["kept_target"]
    #: How far a channel's turns may move (up or down, as a share) before it is pointed out.
    volume_change: float = SHARE_KEYS["volume_change"]


def parse_report(section: Any, problems: list[Problem]) -> ReportSettings:
    """``[report]`` validated; every problem is named by its key (the caller adds the file)."""
    if not isinstance(section, dict):
        problems.append(Problem("report", f"expected a table, got {section!r}"))
        return ReportSettings()
    found = len(problems)
    for key, value in section.items():
        if key not in SHARE_KEYS:
            known = ", ".join(SHARE_KEYS)
            problems.append(Problem(f"report.{key}", f"unknown key; expected one of {known}"))
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            problems.append(
                Problem(
                    f"report.{key}",
                    f"expected a share between 0 and 1 (0.9 is 90 %), got {value!r}",
                )
            )
    if len(problems) > found:
        return ReportSettings()
    return ReportSettings(**{key: float(value) for key, value in section.items()})
