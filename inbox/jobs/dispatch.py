"""Sending the outbox: the dispatcher's transactions around the outbox's steps.

The claim is committed before anything is sent; each row is read and that read
ended, sent with no transaction open, and its outcome written and committed in a
short write transaction of its own. A process killed between the send and that
commit sends the row again when its lease has run out (the duplicate window,
:mod:`inbox.outbox.dispatch`). After each lane, what its sends said of each account
(the last message sent, the last error) is added to the account's state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from flask import Flask, current_app

from channels.base import Sender, SendResult, SendStatus
from inbox.clock import now
from inbox.database import begin_write
from inbox.extensions import db
from inbox.models import AccountActivity
from inbox.outbox.dispatch import (
    MAX_ATTEMPTS,
    DispatchReport,
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


def dispatch_once(
    senders: Mapping[str, Sender], *, batch_size: int = 50, max_attempts: int = MAX_ATTEMPTS
) -> DispatchReport:
    """Send the rows that are due now, at most ``batch_size``; commits the claim (with
    whatever the session holds), then each row's outcome.

    The rows of each adapter (an account of a channel) are sent in a thread of
    their own, so SMS and Messenger keep flowing while an SMTP server hangs.
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
    return sum(reports, DispatchReport())


def _close(senders: Mapping[str, Sender]) -> None:
    for sender in senders.values():
        if hasattr(sender, "close"):
            sender.close()  # adapters may keep a connection open between rows


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
    outcomes: dict[tuple[str, str], Outcome] = {}
    settings = current_app.extensions["svarfrist"]
    # The claimed rows are this lane's until their lease runs out: read them all at once,
    # with their messages, and kept loaded past each outcome's commit (not read again; the
    # dict holds them, as the session's identity map does not).
    rows = claimed_rows(row_ids)
    with _loaded_past_commits():
        db.session.commit()  # no transaction stays open while the adapter sends
        for position, row_id in enumerate(row_ids):
            message = outbound(rows[row_id])
            result = send(senders, message, row_id)
            account = account_states.sending_account(settings, message.channel, message.account)
            if account is not None:
                _add_outcome(outcomes.setdefault(account, Outcome()), message.channel, result)
            begin_write()
            record(row_id, result, max_attempts, report)
            if result is not None and result.is_outage:
                back_off_account(row_id, row_ids[position + 1 :])
                db.session.commit()
                break
            db.session.commit()
    begin_write()
    for kind, name in sorted(outcomes):
        account_states.record(kind, name, AccountActivity.SEND, outcomes[kind, name])
    db.session.commit()
    return report


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
