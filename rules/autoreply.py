"""Loop protection: whether a message may get an automatic acknowledgement.

Robots answering robots fill mailboxes within minutes (an out-of-office reply
to our acknowledgement, acknowledged again, ...). RFC 3834 says what an
automatic responder must not answer; Microsoft's ``X-Auto-Response-Suppress``
and the mailing-list headers say the same in other words. A message that is
not acknowledged still becomes a case; only the automatic reply is held back.

Headers are given as a mapping of lower-case names with ``_`` for ``-``
(``auto_submitted``, ``list_id``), as the e-mail adapter stores them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Hold(StrEnum):
    """Why no acknowledgement is sent."""

    AUTO_SUBMITTED = "auto-submitted"
    BULK = "bulk"
    MAILING_LIST = "mailing-list"
    EMPTY_RETURN_PATH = "empty-return-path"
    ROBOT_SENDER = "robot-sender"
    SUPPRESSED = "suppressed"
    OWN_ADDRESS = "own-address"
    RECENTLY_ACKNOWLEDGED = "recently-acknowledged"
    QUIET_PERIOD = "quiet-period"
    NO_CONSENT = "no-consent"


# Local parts that belong to machines, not people.
ROBOT_LOCAL_PART = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|"
    r"listserv|majordomo|auto[-_.]?reply|notifications?)([+-].*)?$",
    re.IGNORECASE,
)
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
# X-Auto-Response-Suppress values that cover automatic replies (Exchange).
SUPPRESSING = frozenset({"all", "autoreply", "oof"})


@dataclass(frozen=True)
class AcknowledgementLimits:
    """At most one acknowledgement per sender address per ``per_sender``; none for a
    follow-up on a case within ``quiet_period`` of the case's last acknowledgement."""

    per_sender: timedelta = timedelta(hours=24)
    quiet_period: timedelta = timedelta(hours=24)


def hold_for_headers(
    headers: Mapping[str, str], sender: str, own_addresses: Collection[str]
) -> Hold | None:
    """The reason the message's headers or sender forbid an automatic reply, or ``None``."""
    auto_submitted = headers.get("auto_submitted", "").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return Hold.AUTO_SUBMITTED
    if headers.get("x_autoreply"):
        return Hold.AUTO_SUBMITTED
    if headers.get("precedence", "").strip().lower() in BULK_PRECEDENCE:
        return Hold.BULK
    if headers.get("list_id") or headers.get("list_unsubscribe"):
        return Hold.MAILING_LIST
    if "return_path" in headers and headers["return_path"].strip() in ("", "<>"):
        return Hold.EMPTY_RETURN_PATH
    suppress = {v.strip().lower() for v in headers.get("x_auto_response_suppress", "").split(",")}
    if suppress & SUPPRESSING:
        return Hold.SUPPRESSED
    address = sender.strip().lower()
    if address in {own.lower() for own in own_addresses}:
        return Hold.OWN_ADDRESS
    if ROBOT_LOCAL_PART.match(address.partition("@")[0]):
        return Hold.ROBOT_SENDER
    return None


def hold_for_history(
    received_at: datetime,
    limits: AcknowledgementLimits,
    *,
    last_to_sender: datetime | None,
    last_on_case: datetime | None,
) -> Hold | None:
    """The reason earlier acknowledgements forbid another one now, or ``None``.

    ``last_to_sender``: the last acknowledgement to this address, on any case;
    ``last_on_case``: the last one on the case this message continues.
    """
    if last_to_sender is not None and received_at - last_to_sender < limits.per_sender:
        return Hold.RECENTLY_ACKNOWLEDGED
    if last_on_case is not None and received_at - last_on_case < limits.quiet_period:
        return Hold.QUIET_PERIOD
    return None
