"""How an answer on Facebook or Instagram will go out, decided before staff write it.

Meta allows a page to answer a direct message freely only within 24 hours
of the citizen's last message; with the HUMAN_AGENT tag (a permission the
page must have) within 7 days; after that not at all. A comment is answered
in its thread. The case page shows the plan, and :mod:`inbox.outbox.outgoing`
follows it.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from channels.meta.sending import COMMENT_HEADER, REPLY_HEADER, reply_kind
from inbox.models import Message
from inbox.settings.config import Settings

META_CHANNELS = frozenset({"facebook", "instagram"})
OUTSIDE_WINDOW = "outside_window"


def planned_reply(replying_to: Message | None, at: datetime) -> str | None:
    """``response``, ``human_agent``, ``comment`` or ``outside_window``; ``None`` off Meta."""
    if replying_to is None or replying_to.channel not in META_CHANNELS:
        return None
    settings: Settings = current_app.extensions["svarfrist"]
    account = next((a for a in settings.meta_accounts if a.name == replying_to.account), None)
    metadata = replying_to.metadata_json or {}
    kind = metadata.get("kind", "message")
    human_agent = account.human_agent_tag if account is not None else False
    # Meta counts its window from its own time of the message, which a late webhook's
    # arrival (the message's created_at) would overstate.
    sent_at = datetime.fromisoformat(metadata["sent_at"]) if "sent_at" in metadata else None
    return reply_kind(kind, sent_at or replying_to.created_at, at, human_agent)


def reply_headers(replying_to: Message, plan: str) -> dict[str, str]:
    """What the Graph sender needs to know to send the planned reply."""
    headers = {REPLY_HEADER: plan}
    if plan == "comment":
        headers[COMMENT_HEADER] = (replying_to.metadata_json or {}).get("comment_id", "")
    return headers
