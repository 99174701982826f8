"""Sending the outbox: the dispatcher's transactions around the outbox's steps.

The claim is committed before anything is sent; each row is read and that read
ended, sent with no transaction open, and its outcome written and committed in a
short write transaction of its own. A process killed between the send and that
commit sends the row again when its lease has run out (the duplicate window,
:mod:`inbox.outbox.dispatch`).
"""

from __future__ import annotations

from collections.abc import Mapping

from channels.base import Sender
from inbox.database import begin_write
from inbox.extensions import db
from inbox.outbox.dispatch import MAX_ATTEMPTS, DispatchReport, claim, outbound_of, record, send


def dispatch_once(
    senders: Mapping[str, Sender], *, batch_size: int = 50, max_attempts: int = MAX_ATTEMPTS
) -> DispatchReport:
    """Send the rows that are due now, at most ``batch_size``; commits the claim (with
    whatever the session holds), then each row's outcome."""
    report = DispatchReport()
    try:
        row_ids = claim(batch_size)
        db.session.commit()  # the claim, before anything is sent
        for row_id in row_ids:
            outbound = outbound_of(row_id)
            db.session.commit()  # no transaction stays open while the adapter sends
            result = send(senders, outbound, row_id)
            begin_write()
            record(row_id, result, max_attempts, report)
            db.session.commit()
    finally:
        for sender in senders.values():
            if hasattr(sender, "close"):
                sender.close()  # adapters may keep a connection open between rows
    return report


def drain(senders: Mapping[str, Sender], *, batch_size: int = 50) -> DispatchReport:
    """:func:`dispatch_once` batch after batch until a round finds nothing due; rows that
    failed wait for their backoff, so they are not due again in this run."""
    total = report = dispatch_once(senders, batch_size=batch_size)
    while report.claimed:
        report = dispatch_once(senders, batch_size=batch_size)
        total = total + report
    return total
