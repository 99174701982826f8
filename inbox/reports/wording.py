"""The report's words in the reader's language: the channels' names, each "what to look at"
point with its figures, and the definitions a leader needs to defend the figures (page, PDF,
spreadsheets and JSON say the same)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from inbox.reports.formats import (
    count_text,
    department_names,
    format_date,
    format_percent,
    hours_text,
    percent_pattern,
    share_text,
)
from inbox.reports.turn_days import QUICK
from inbox.settings.promise_text import CHANNEL_NAMES

#: Each term and what it means (``%(quick)s`` is the share of the promise that is quick).
DEFINITIONS = (
    (
        _l("Turn"),
        _l(
            "One promise to a citizen. A turn starts when a citizen writes and nothing they "
            "sent on the case is waiting for an answer, and ends at the first answer from staff "
            "that the citizen gets: a real answer or a preliminary answer. The automatic "
            "acknowledgement and internal notes do not end it, and a handover does not restart "
            "it. A turn is counted in the period it came in, under its case's department now."
        ),
    ),
    (
        _l("Target and due time"),
        _l(
            "Each promise has a target (when we would like to answer) and a due time (the "
            "latest we promised), worked out from the moment the message came in by the "
            "channel's rule and the working-day calendar."
        ),
    ),
    (
        _l("Kept"),
        _l(
            "A promise is kept when the first answer came by the due time. A preliminary "
            "answer in time keeps it; the new date it gives is a promise of its own, counted "
            "apart. A broken promise was answered after its due time, or is still unanswered "
            "with its due time passed."
        ),
    ),
    (
        _l("Quick"),
        _l(
            "An answer is quick when it came within %(quick)s of the opening hours the promise "
            "gave."
        ),
    ),
    (
        _l("Median and 90th percentile"),
        _l(
            "The time to the first answer, in opening hours only: evenings, weekends and "
            "holidays do not count. The median is the middle answer: half came faster, half "
            "slower. The 90th percentile: nine answers in ten came within that time, one in ten "
            "took longer."
        ),
    ),
    (
        _l("Open and overdue at the end"),
        _l(
            "Turns still unanswered when the period ended (for a period still running: now), "
            "whenever they came in. Overdue are those of them past their due time."
        ),
    ),
    (
        _l("Time to accept a handover"),
        _l(
            "The opening hours from when a department was offered a case until it accepted it; "
            "the median of the handovers it accepted."
        ),
    ),
)


def channel_names(report: dict[str, Any]) -> dict[str, str]:
    channels = {*report["channels"], *(c for m in report["months"] for c in m["by_channel"])}
    return {channel: channel_name(channel) for channel in channels}


def channel_name(channel: str) -> str:
    name = _(CHANNEL_NAMES[channel]) if channel in CHANNEL_NAMES else channel
    return name[:1].upper() + name[1:]


def definitions() -> list[tuple[str, str]]:
    """The definitions as (term, what it means), in the reader's language."""
    quick = format_percent(QUICK, percent_pattern(0))
    return [(str(term), str(meaning) % {"quick": quick}) for term, meaning in DEFINITIONS]


def look_at_texts(report: dict[str, Any]) -> list[str]:
    """Each "what to look at" point as a sentence with its figures."""
    departments = department_names()
    return [_sentence(point, report, departments) for point in report["look_at"]]


def _sentence(point: dict[str, Any], report: dict[str, Any], departments: dict) -> str:
    kind = point["kind"]
    # ngettext chooses the form by the bare number; the sentence shows it formatted ("1 279").
    if kind == "kept_below_target":
        return ngettext(
            "%(channel)s: %(share)s of %(turns)s promise kept, below the target of %(target)s.",
            "%(channel)s: %(share)s of %(turns)s promises kept, below the target of %(target)s.",
            point["turns"],
            turns=count_text(point["turns"]),
            channel=channel_name(point["channel"]),
            share=share_text(point["by_due_share"]),
            target=format_percent(point["kept_target"], percent_pattern(0)),
        )
    if kind == "most_broken_month":
        month = format_date(date(report["period"]["year"], point["month"], 1), "LLLL")
        return _(
            "%(month)s had the most broken promises: %(count)s.",
            month=month.capitalize(),
            count=count_text(point["broken"]),
        )
    if kind == "handovers_wait_longest":
        slug = point["department"]
        return _(
            "Handovers to %(department)s waited longest to be accepted: a median of %(hours)s "
            "opening hours (%(accepted)s accepted).",
            department=departments.get(slug, slug),
            hours=hours_text(point["median_hours_to_accept"]),
            accepted=count_text(point["accepted"]),
        )
    return ngettext(
        "%(channel)s: %(turns)s turn against %(previous)s a year earlier (%(change)s).",
        "%(channel)s: %(turns)s turns against %(previous)s a year earlier (%(change)s).",
        point["turns"],
        turns=count_text(point["turns"]),
        channel=channel_name(point["channel"]),
        previous=count_text(point["previous_turns"]),
        change=format_percent(point["change_share"], percent_pattern(0, signed=True)),
    )


def worded(report: dict[str, Any]) -> dict[str, Any]:
    """The report with each "what to look at" point's sentence (``text``) beside its figures."""
    texts = look_at_texts(report)
    return {
        **report,
        "look_at": [
            {**point, "text": text} for point, text in zip(report["look_at"], texts, strict=True)
        ],
    }
