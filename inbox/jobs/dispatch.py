"""Sending the outbox: the dispatcher's transactions around the outbox's steps.

The claim is committed before anything is sent; each row is read and that read
ended, sent with no transaction open, and its outcome written and committed in a
short write transaction of its own. A process killed between the send and that
commit sends the row again when its lease has run out (the duplicate window,
:mod:`inbox.outbox.dispatch`). After the round, what each lane's sends said of each
account (the last message sent, the last error) is added to the account's state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from flask import Flask, current_app

from channels.base import Sender, SendResult, SendStatus
from inbox.clock import now
from inbox.database import begin_write, connection_for_many_commits
from inbox.extensions import db
from inbox.models import AccountActivity
from inbox.outbox.dispatch import (
    MAX_ATTEMPTS,
    DispatchReport,
    Lane,
    back_off_account,
    claim,
    claimed_rows,
    lanes,
    outbound,
    record,
    send,
)
from inbox.reports import account_states
from inbox.reports.account_states import Outcome

#: What a lane's sends said of each account it sent through (kind, name).
Outcomes = dict[tuple[str, str], Outcome]


def dispatch_once(
    senders: Mapping[str, Sender], *, batch_size: int = 50, max_attempts: int = MAX_ATTEMPTS
) -> DispatchReport:
    """Send the rows that are due now, at most ``batch_size``; commits the claim (with
    whatever the session holds), then each row's outcome.

    The rows of each adapter (an account of a channel, or one connection of it) are sent
    in a thread of their own, so SMS and Messenger keep flowing while an SMTP server hangs.
    """
    try:
        return _dispatch_round(senders, batch_size, max_attempts)
    finally:
        _close(senders)


def _dispatch_round(
    senders: Mapping[str, Sender], batch_size: int, max_attempts: int
) -> DispatchReport:
    row_ids = claim(batch_size)
    db.session.commit()  # the claim, before anything is sent
    found = lanes(senders, row_ids)
    db.session.commit()
    # The lanes of one account back it off one at a time (their updates overlap).
    locks = {lane.group: threading.Lock() for lane in found}
    if len(found) <= 1:
        results = [_send_lane(lane, locks[lane.group], max_attempts) for lane in found]
    else:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with ThreadPoolExecutor(max_workers=len(found)) as pool:
            futures = [
                pool.submit(_send_lane_in_own_context, app, lane, locks[lane.group], max_attempts)
                for lane in found
            ]
            results = [future.result() for future in futures]
    _record_account_outcomes([outcomes for _report, outcomes in results])
    return sum((report for report, _outcomes in results), DispatchReport())


def _close(senders: Mapping[str, Sender]) -> None:
    for sender in senders.values():
        if hasattr(sender, "close"):
            sender.close()  # adapters may keep a connection open between rows


def _send_lane_in_own_context(
    app: Flask, lane: Lane, backing_off: threading.Lock, max_attempts: int
) -> tuple[DispatchReport, Outcomes]:
    with app.app_context():  # a session and a connection of the thread's own
        try:
            return _send_lane(lane, backing_off, max_attempts)
        finally:
            db.session.remove()


def _send_lane(
    lane: Lane, backing_off: threading.Lock, max_attempts: int
) -> tuple[DispatchReport, Outcomes]:
    """Send one adapter's rows in order; an outage of its server holds back the rest. What
    the sends said of each account is returned, to be added to the account's state."""
    report = DispatchReport()
    outcomes: Outcomes = {}
    settings = current_app.extensions["svarfrist"]
    row_ids = lane.row_ids
    # The claimed rows are this lane's until their lease runs out: read them all at once,
    # with their messages, and kept loaded past the session's commit (not read again; the
    # dict holds them, as the session's identity map does not).
    rows = claimed_rows(row_ids)
    outage_at = None
    with _loaded_past_commits():
        db.session.commit()  # no transaction stays open while the adapter sends
        # A lane holds one database connection at a time: this one while it sends, the
        # session's only before and after (the pool is shared by every lane of the round).
        with connection_for_many_commits() as connection:
            for position, row_id in enumerate(row_ids):
                message = outbound(rows[row_id])
                result = send(lane.sender, message, row_id)
                account = account_states.sending_account(settings, message.channel, message.account)
                if account is not None:
                    _add_outcome(outcomes.setdefault(account, Outcome()), message.channel, result)
                # Lost only with the database server itself, and then sent again: the
                # duplicate window.
                with connection.begin():
                    record(connection, rows[row_id], result, max_attempts, report)
                if result is not None and result.is_outage:
                    outage_at = position
                    break
    if outage_at is not None:
        with backing_off:
            begin_write()
            back_off_account(row_ids[outage_at], row_ids[outage_at + 1 :])
            db.session.commit()
    return report, outcomes


def _record_account_outcomes(each_lane: list[Outcomes]) -> None:
    """The lanes' outcomes added to each account's state, one lane after the other, in one
    transaction (lanes of one account would otherwise update its row side by side)."""
    if not any(each_lane):
        return
    begin_write()
    for outcomes in each_lane:
        for kind, name in sorted(outcomes):
            account_states.record(kind, name, AccountActivity.SEND, outcomes[kind, name])
    db.session.commit()


@contextmanager
def _loaded_past_commits() -> Iterator[None]:
    session = db.session()
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = True


def _add_outcome(outcome: Outcome, channel: str, result: SendResult | None) -> None:
    """A message sent is the account working; one its server refused for the recipient (a
    wrong address) says nothing of the account; anything else is the account failing."""
    if result is None:
        outcome.failure(f"no sender is configured for the channel {channel}", now())
    elif result.status == SendStatus.SENT:
        outcome.success(now())
    elif result.status == SendStatus.REJECTED:
        outcome.tried()
    else:
        outcome.failure(result.error or "failed without a reason", now())


def drain(senders: Mapping[str, Sender], *, batch_size: int = 50) -> DispatchReport:
    """:func:`dispatch_once` batch after batch until a round finds nothing due, on the same
    connections; rows that failed wait for their backoff, so they are not due again in this
    run."""
    try:
        total = report = _dispatch_round(senders, batch_size, MAX_ATTEMPTS)
        while report.claimed:
            report = _dispatch_round(senders, batch_size, MAX_ATTEMPTS)
            total = total + report
    finally:
        _close(senders)
    return total
