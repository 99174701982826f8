"""What a user can do about handovers on a case: offer it, or decide on the pending offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from inbox.handovers.workflow import may_decide, may_withdraw
from inbox.models import Case, Department, Handover, HandoverStatus, User
from inbox.people.departments import departments_by_name


class Decision(StrEnum):
    """What can become of a pending handover (:mod:`inbox.handovers.workflow`)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class HandoverOptions:
    #: The handover waiting for a decision, if any.
    pending: Handover | None
    #: ``pending`` is offered to the user's department: accept or decline it.
    may_decide: bool
    #: ``pending`` comes from the user's department: withdraw it.
    may_withdraw: bool
    #: Where the case can be offered: every department but its own, by name.
    departments: list[Department]


def handover_options(case: Case, handovers: Sequence[Handover], user: User) -> HandoverOptions:
    """The options for ``user`` on ``case``, given its ``handovers`` (the case page has them)."""
    pending = next((h for h in handovers if h.status == HandoverStatus.PENDING), None)
    return HandoverOptions(
        pending=pending,
        may_decide=pending is not None and may_decide(user, pending),
        may_withdraw=pending is not None and may_withdraw(user, pending),
        departments=[d for d in departments_by_name() if d.id != case.department_id],
    )
