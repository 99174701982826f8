"""The case history's lines as sentences in the user's language, never the audit codes.

Each action the code records on a case (``audit.record(..., case=...)``) has a sentence here;
an action this module does not know yet still reads as a sentence (:data:`UNKNOWN`).
"""

from __future__ import annotations

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inbox.cases.history import HistoryEntry
from inbox.web.labels import channel_name, department_name, language_name

#: The case was created from a message on each channel.
CREATED = {
    "email": _l("The case was created from an e-mail"),
    "sms": _l("The case was created from an SMS"),
    "facebook": _l("The case was created from a Facebook message"),
    "instagram": _l("The case was created from an Instagram message"),
    "callback": _l("The case was created from a callback request"),
    "letter": _l("The case was created from a letter"),
    "phone": _l("The case was created from a phone call"),
    "in_person": _l("The case was created from a visit"),
}
CREATED_ELSE = _l("The case was created from a message (%(channel)s)")
RECEIVED = {
    "email": _l("The citizen wrote again by e-mail"),
    "sms": _l("The citizen wrote again by SMS"),
    "facebook": _l("The citizen wrote again on Facebook"),
    "instagram": _l("The citizen wrote again on Instagram"),
    "callback": _l("The citizen asked again to be called back"),
}
RECEIVED_ELSE = _l("A new message came from the citizen (%(channel)s)")
REGISTERED = {
    "letter": _l("%(name)s registered the case from a letter"),
    "phone": _l("%(name)s registered the case from a phone call"),
    "in_person": _l("%(name)s registered the case from a visit"),
}
REGISTERED_ELSE = _l("%(name)s registered the case")
ANSWERED = {
    ("reply", "email"): _l("%(name)s answered the citizen by e-mail"),
    ("reply", "sms"): _l("%(name)s answered the citizen by SMS"),
    ("reply", "facebook"): _l("%(name)s answered the citizen on Facebook"),
    ("reply", "instagram"): _l("%(name)s answered the citizen on Instagram"),
    ("reply", "spoken"): _l("%(name)s answered the citizen by phone or at the desk"),
    ("reply", "letter"): _l("%(name)s wrote the answer to the citizen as a letter"),
    ("preliminary", "email"): _l("%(name)s sent the citizen a preliminary answer by e-mail"),
    ("preliminary", "sms"): _l("%(name)s sent the citizen a preliminary answer by SMS"),
    ("preliminary", "facebook"): _l("%(name)s sent the citizen a preliminary answer on Facebook"),
    ("preliminary", "instagram"): _l("%(name)s sent the citizen a preliminary answer on Instagram"),
    ("preliminary", "spoken"): _l(
        "%(name)s gave the citizen a preliminary answer by phone or at the desk"
    ),
    ("preliminary", "letter"): _l("%(name)s wrote a preliminary answer to the citizen as a letter"),
}
ANSWERED_ELSE = {
    "reply": _l("%(name)s answered the citizen"),
    "preliminary": _l("%(name)s gave the citizen a preliminary answer"),
}
CALLED = {
    "reached": _l("%(name)s called the citizen and reached them"),
    "not-reached": _l("%(name)s called the citizen, who did not answer"),
    "wrong-number": _l("%(name)s called the citizen: the number was wrong"),
}
ADDRESS_ADDED = {
    "email": _l("%(name)s added an e-mail address to the citizen"),
    "phone": _l("%(name)s added a mobile number to the citizen"),
}
ADDRESS_CHANGED = {
    "email": _l("%(name)s corrected an e-mail address of the citizen"),
    "phone": _l("%(name)s corrected a mobile number of the citizen"),
}
ADDRESS_REMOVED = {
    "email": _l("%(name)s removed an e-mail address from the citizen"),
    "phone": _l("%(name)s removed a mobile number from the citizen"),
}
HANDOVERS = {
    "handover.propose": _l("%(name)s offered the case to %(department)s"),
    "handover.accept": _l("%(name)s accepted the handover to %(department)s"),
    "handover.decline": _l("%(name)s declined the handover to %(department)s"),
    "handover.withdraw": _l("%(name)s withdrew the offer to %(department)s"),
    "handover.escalate": _l(
        "The handover to %(department)s was escalated: nobody had accepted it in time"
    ),
}
HANDOVERS_ELSE = {
    "handover.propose": _l("%(name)s offered the case to another department"),
    "handover.accept": _l("%(name)s accepted a handover of the case"),
    "handover.decline": _l("%(name)s declined a handover of the case"),
    "handover.withdraw": _l("%(name)s withdrew an offer of the case"),
    "handover.escalate": _l("A handover of the case was escalated: nobody had accepted it in time"),
}
SIMPLE = {
    "case.close": _l("%(name)s closed the case"),
    "case.reopen": _l("%(name)s reopened the case"),
    "case.anonymize": _l("The case was anonymised under the retention rules"),
    "message.note": _l("%(name)s wrote an internal note"),
    "contact.address_added": _l("%(name)s added an address to the citizen"),
    "contact.address_changed": _l("%(name)s corrected an address of the citizen"),
    "contact.address_removed": _l("%(name)s removed an address from the citizen"),
    "contact.renamed": _l("%(name)s changed the citizen's name"),
    "case.merge": _l("%(name)s merged this case with another case of the same citizen"),
    "attachment.preview": _l("%(name)s looked at an attachment's preview"),
    "message.bounce": _l("An e-mail to the citizen came back undelivered"),
    "letter.sent": _l("%(name)s marked the letter to the citizen as sent"),
    "attachment.download": _l("%(name)s downloaded an attachment"),
    "callback.create": _l("%(name)s passed on the callback request through the API"),
    "callback.attempt": _l("%(name)s called the citizen"),
}
UNKNOWN = _l("%(name)s changed the case")
SYSTEM = _l("Svarfrist")


def history_text(entry: HistoryEntry) -> str:
    """The line's sentence, with names (people, departments, channels, languages), not codes."""
    name = entry.actor.name if entry.actor is not None else str(SYSTEM)
    details = entry.details
    action = entry.action
    if action == "case.view":
        return ngettext(
            "%(name)s opened the case on %(date)s",
            "%(name)s opened the case %(num)d times on %(date)s",
            entry.count,
            name=name,
            date=format_date(entry.day or entry.at, "long"),
        )
    if action == "case.create":
        channel = details.get("channel", "")
        sentence = CREATED.get(channel, CREATED_ELSE)
        return str(sentence) % {"channel": channel_name(channel)}
    if action == "message.receive":
        channel = details.get("channel", "")
        return str(RECEIVED.get(channel, RECEIVED_ELSE)) % {"channel": channel_name(channel)}
    if action == "case.register":
        return str(REGISTERED.get(details.get("channel"), REGISTERED_ELSE)) % {"name": name}
    if action == "case.close" and details.get("unanswered"):
        return _(
            "%(name)s closed the case while the citizen waited for an answer; the reason is "
            "in an internal note",
            name=name,
        )
    if action == "case.assign":
        return _assigned(name, entry)
    if action == "case.language":
        return _(
            "%(name)s set the language towards the citizen to %(language)s",
            name=name,
            language=language_name(details.get("language", "")),
        )
    if action == "case.join":
        return _(
            "%(name)s joined the message of case %(reference)s to this case",
            name=name,
            reference=details.get("joined_case", ""),
        )
    if action == "case.merge" and details.get("merged_case"):
        return _(
            "%(name)s merged case %(reference)s of the same citizen into this case",
            name=name,
            reference=details["merged_case"],
        )
    if action == "case.merge" and details.get("merged_into"):
        return _(
            "%(name)s merged this case into case %(reference)s",
            name=name,
            reference=details["merged_into"],
        )
    if action == "contact.renamed" and details.get("new") is None and details.get("old"):
        return _("%(name)s removed the citizen's name", name=name)
    if action.startswith("message.") and action[len("message.") :] in ANSWERED_ELSE:
        kind = action[len("message.") :]
        sentence = ANSWERED.get((kind, details.get("way")), ANSWERED_ELSE[kind])
        return str(sentence) % {"name": name}
    if action == "callback.attempt" and details.get("outcome") in CALLED:
        return str(CALLED[details["outcome"]]) % {"name": name}
    by_kind = {
        "contact.address_added": ADDRESS_ADDED,
        "contact.address_changed": ADDRESS_CHANGED,
        "contact.address_removed": ADDRESS_REMOVED,
    }.get(action, {})
    if details.get("kind") in by_kind:
        return str(by_kind[details["kind"]]) % {"name": name}
    if action in HANDOVERS:
        handover = entry.handover
        if handover is None:
            return str(HANDOVERS_ELSE[action]) % {"name": name}
        return str(HANDOVERS[action]) % {
            "name": name,
            "department": department_name(handover.to_department),
        }
    return str(SIMPLE.get(action, UNKNOWN)) % {"name": name}


def _assigned(name: str, entry: HistoryEntry) -> str:
    assignee = entry.assignee
    if entry.details.get("assignee_id") is None:
        return _("%(name)s took the case off the person it was assigned to", name=name)
    if assignee is None:  # a user who is no longer there
        return _("%(name)s assigned the case to someone", name=name)
    if entry.actor is not None and assignee.id == entry.actor.id:
        return _("%(name)s took the case", name=name)
    return _("%(name)s assigned the case to %(assignee)s", name=name, assignee=assignee.name)
