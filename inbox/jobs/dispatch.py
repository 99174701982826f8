"""Sending the outbox: the dispatcher's transactions around the outbox's steps.

The claim is committed before anything is sent; each row is read and that read
ended, sent with no transaction open, and its outcome written and committed in a
short write transaction of its own. A process killed between the send and that
commit sends the row again when its lease has run out (the duplicate window,
:mod:`inbox.outbox.dispatch`).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app

from channels.base import Sender
from inbox.database import begin_write
from inbox.extensions import db
from inbox.outbox.dispatch import (
    MAX_ATTEMPTS,
    DispatchReport,
    back_off_account,
    claim,
    lanes,
    outbound_of,
    record,
    send,
)


def dispatch_once(
    senders: Mapping[str, Sender], *, batch_size: int = 50, max_attempts: int = MAX_ATTEMPTS
) -> DispatchReport:
    """Send the rows that are due now, at most ``batch_size``; commits the claim (with
    whatever the session holds), then each row's outcome.

    The rows of each adapter (an account of a channel) are sent in a thread of
    their own, so SMS and Messenger keep flowing while an SMTP server hangs.
    """
    try:
        row_ids = claim(batch_size)
        db.session.commit()  # the claim, before anything is sent
        groups = lanes(senders, row_ids)
        db.session.commit()
        if len(groups) <= 1:
            reports = [_send_lane(senders, group, max_attempts) for group in groups]
        else:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            with ThreadPoolExecutor(max_workers=len(groups)) as pool:
                futures = [
                    pool.submit(_send_lane_in_own_context, app, senders, group, max_attempts)
                    for group in groups
                ]
                reports = [future.result() for future in futures]
    finally:
        for sender in senders.values():
            if hasattr(sender, "close"):
                sender.close()  # adapters may keep a connection open between rows
    return sum(reports, DispatchReport())


def _send_lane_in_own_context(
    app: Flask, senders: Mapping[str, Sender], row_ids: list[int], max_attempts: int
) -> DispatchReport:
    with app.app_context():  # a session and a connection of the thread's own
        try:
            return _send_lane(senders, row_ids, max_attempts)
        finally:
            db.session.remove()


def _send_lane(
    senders: Mapping[str, Sender], row_ids: list[int], max_attempts: int
) -> DispatchReport:
    """Send one adapter's rows in order; an outage of its server holds back the rest."""
    report = DispatchReport()
    for position, row_id in enumerate(row_ids):
        outbound = outbound_of(row_id)
        db.session.commit()  # no transaction stays open while the adapter sends
        result = send(senders, outbound, row_id)
        begin_write()
        record(row_id, result, max_attempts, report)
        if result is not None and result.is_outage:
            back_off_account(row_id, row_ids[position + 1 :])
            db.session.commit()
            break
        db.session.commit()
    return report


def drain(senders: Mapping[str, Sender], *, batch_size: int = 50) -> DispatchReport:
    """:func:`dispatch_once` batch after batch until a round finds nothing due; rows that
    failed wait for their backoff, so they are not due again in this run."""
    total = report = dispatch_once(senders, batch_size=batch_size)
    while report.claimed:
        report = dispatch_once(senders, batch_size=batch_size)
        total = total + report
    return total
