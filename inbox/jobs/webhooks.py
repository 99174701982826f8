"""Taking in the stored webhook events, one committed batch at a time.

A batch is claimed (``SKIP LOCKED`` on PostgreSQL, so two workers take different
events) and taken in within one write transaction; an event whose intake fails
keeps its error and waits for the next round.
"""

from __future__ import annotations

from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.intake.webhook_events import EventReport, take_in_next

BATCH = 100


def take_in_pending(limit: int = 10_000) -> EventReport:
    """Take in stored events, oldest first, at most ``limit``; commits per batch, starting with
    whatever the session holds."""
    report = EventReport()
    while report.taken_in + report.failed < limit:
        commit_and_begin_write()
        found = take_in_next(min(BATCH, limit - report.taken_in - report.failed), report)
        db.session.commit()
        if not found or (report.failed and report.taken_in == 0):
            break  # nothing left, or nothing goes through (database or disk trouble)
    return report
