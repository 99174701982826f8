"""Taking in the stored webhook events, one committed batch at a time.

A batch is claimed (``SKIP LOCKED`` on PostgreSQL, so two workers take different
events) and taken in within one write transaction; an event whose intake fails
keeps its error and waits for the next round. After each batch, what it did to each
account (the newest webhook taken in, the last error) is added to the account's state
in a short transaction of its own.
"""

from __future__ import annotations

from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.intake.webhook_events import EventReport, take_in_next
from inbox.models import AccountActivity
from inbox.reports import account_states

BATCH = 100


def take_in_pending(limit: int = 10_000) -> EventReport:
    """Take in stored events, oldest first, at most ``limit``; commits per batch, starting with
    whatever the session holds."""
    report = EventReport()
    last_claimed = 0
    while report.taken_in + report.failed < limit:
        commit_and_begin_write()
        size = min(BATCH, limit - report.taken_in - report.failed)
        last = take_in_next(size, report, after=last_claimed)
        db.session.commit()
        _note_states(report)
        if last is None or (report.failed and report.taken_in == 0):
            break  # nothing left, or nothing goes through (database or disk trouble)
        last_claimed = last  # failed events wait for the next round
    return report


def _note_states(report: EventReport) -> None:
    """Add the batch's outcomes to the accounts' states (apart from the batch, so workers
    taking in batches side by side do not wait on each other for it), then forget them."""
    commit_and_begin_write()
    for kind, account in sorted(report.outcomes):
        outcome = report.outcomes[kind, account]
        account_states.record(kind, account, AccountActivity.WEBHOOK, outcome)
    db.session.commit()
    report.outcomes.clear()
