"""The services' errors (:class:`inbox.errors.ServiceError`) said in the user's language.

One sentence per code; the parameters are filled after translation, departments and
channels by their names in the page's language. A code this module does not know yet reads
as a general sentence, never as the service's English.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from inbox.errors import ServiceError
from inbox.models import Department, User
from inbox.web.labels import channel_name, department_name, language_name, list_text

ERROR_TEXTS = {
    "casework.not_member": _l("%(assignee)s is not a member of %(department)s."),
    "casework.already_closed": _l("Case %(reference)s is already closed."),
    "casework.not_closed": _l("Case %(reference)s is not closed."),
    "casework.unknown_language": _l(
        "Svarfrist does not write in that language; choose %(languages)s."
    ),
    "handover.no_note": _l("A handover needs a note for the receiving department."),
    "handover.same_department": _l("The case already belongs to %(department)s."),
    "handover.inactive_department": _l(
        "%(department)s is no longer active and takes no handovers."
    ),
    "handover.already_pending": _l(
        "Case %(reference)s is already offered to %(department)s; that offer must be decided "
        "or withdrawn first."
    ),
    "handover.only_receiver_accepts": _l("Only %(department)s can accept this handover."),
    "handover.only_leader_accepts": _l(
        "Only the leader of %(department)s can accept this handover."
    ),
    "handover.only_receiver_declines": _l("Only %(department)s can decline this handover."),
    "handover.only_sender_withdraws": _l("Only %(department)s can withdraw this handover."),
    "handover.no_reason": _l("Declining needs a reason for the sending department."),
    "handover.already_accepted": _l("The handover was already accepted."),
    "handover.already_declined": _l("The handover was already declined."),
    "handover.already_withdrawn": _l("The handover was already withdrawn."),
    "handover.already_accepted_by": _l("%(by)s already accepted the handover."),
    "handover.already_declined_by": _l("%(by)s already declined the handover."),
    "handover.already_withdrawn_by": _l("%(by)s already withdrew the handover."),
    "reply.kind": _l("An answer is either an answer or a preliminary answer."),
    "reply.no_text": _l("The answer has no text."),
    "reply.text": _l("The answer has no text."),
    "reply.channel_closed": _l("The citizen cannot be answered by %(channel)s now."),
    "reply.way_not_offered": _l(
        "The answer cannot reach the citizen that way on this case; choose another way."
    ),
    "reply.way": _l(
        "The answer cannot reach the citizen that way on this case; choose another way."
    ),
    "reply.no_unsent_letter": _l("This is no unsent letter on this case."),
    "reply.note_no_text": _l("The note has no text."),
    "reply.no_new_date": _l("A preliminary answer needs the new date the answer will come."),
    "reply.new_date": _l("Choose a working day after today as the new date."),
    "reply.new_date_not_working_day": _l("Choose a working day after today as the new date."),
    "join.not_named": _l("Case %(reference)s did not name case %(into)s."),
    "join.handover_pending": _l("Case %(reference)s is offered to another department."),
    "registration.channel": _l("Choose how it came in: %(channels)s."),
    "registration.future": _l("The time it was received is in the future."),
    "registration.inactive_department": _l(
        "%(department)s is no longer active and takes no cases."
    ),
    "registration.no_address": _l(
        "Give an e-mail address or a phone number, so the answer can reach the citizen."
    ),
    "bulk.cases": _l("Choose at least one case first: tick the box in front of it."),
    "bulk.too_many": _l("Choose at most one page of cases at once."),
    "bulk.assignee": _l("Choose the person to assign the cases to."),
    "bulk.reason": _l("Write why the cases are closed: it is kept as a note on each case."),
    "bulk.department": _l("Choose the department to offer the cases to."),
    "bulk.note": _l("Write a note for the receiving department."),
    "bulk.action": _l("This cannot be done to several cases at once."),
}
UNKNOWN = _l("This could not be done as asked.")


def error_text(error: ServiceError) -> str:
    """The error as a sentence in the page's language."""
    sentence = ERROR_TEXTS.get(error.code)
    if sentence is None:
        return str(UNKNOWN)
    return str(sentence) % {name: _said(name, value) for name, value in error.params.items()}


def _said(name: str, value) -> str:
    """A parameter as the page's language says it."""
    if name == "channel":
        return channel_name(value)
    if name == "channels":
        return list_text(channel_name(channel) for channel in value)
    if name == "languages":
        return list_text(language_name(language) for language in value)
    if isinstance(value, Department):
        return department_name(value)
    if isinstance(value, User):
        return value.name
    if isinstance(value, date):
        return format_date(value, "long")
    return str(value)
