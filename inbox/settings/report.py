"""``[report]``: what the channel report holds against the figures in "what to look at".

``kept_target`` is the share of promises the municipality means to keep (a channel below it
is pointed out); ``volume_change`` the share a channel's turns may move against the same
period a year earlier before it is pointed out. Both are fractions between 0 and 1.
``monthly_mail`` (true or false, default false) has the worker send each leader the report of
the month just ended on the first working day of the month (inbox.jobs.monthly_report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.config import Problem

#: Keys of ``[report]`` that are shares (fractions between 0 and 1), with their defaults.
SHARE_KEYS = {"kept_target": 0.9, "volume_change": 0.25}
#: Keys of ``[report]`` that are switches (true or false), with their defaults.
SWITCH_KEYS = {"monthly_mail": False}


@dataclass(frozen=True)
class ReportSettings:
    """The report's yardsticks (``[report]``)."""

    #: The share of promises the municipality means to keep (by the due time).
    kept_target: float = SHARE_KEYS["kept_target"]
    #: How far a channel's turns may move (up or down, as a share) before it is pointed out.
    volume_change: float = SHARE_KEYS["volume_change"]
    #: Whether the worker mails each leader the monthly report (``monthly_mail``).
    monthly_mail: bool = SWITCH_KEYS["monthly_mail"]


def parse_report(section: Any, problems: list[Problem]) -> ReportSettings:
    """``[report]`` validated; every problem is named by its key (the caller adds the file)."""
    if not isinstance(section, dict):
        problems.append(Problem("report", f"expected a table, got {section!r}"))
        return ReportSettings()
    found = len(problems)
    for key, value in section.items():
        if key in SWITCH_KEYS:
            if not isinstance(value, bool):
                problems.append(Problem(f"report.{key}", f"expected true or false, got {value!r}"))
        elif key not in SHARE_KEYS:
            known = ", ".join((*SHARE_KEYS, *SWITCH_KEYS))
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
    return ReportSettings(
        **{key: value if key in SWITCH_KEYS else float(value) for key, value in section.items()}
    )
