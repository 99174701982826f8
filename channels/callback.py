"""Callback requests ("Ring meg opp"): a citizen's wish to be phoned, as an inbound message.

Requests come from Svarfrist's own public page or from a phone system's
"call me back" queue; either way they become an :class:`InboundMessage` on
channel ``callback`` whose sender is the number to call, in E.164.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from channels.base import Identity, IdentityKind, InboundMessage
from channels.text import without_bidi_controls

PREFERRED_TIMES = ("any", "morning", "midday", "afternoon")


def callback_message(
    *,
    name: str,
    phone: str,
    about: str,
    received_at: datetime,
    preferred_time: str = "any",
    department: str | None = None,
    sms_consent: bool = False,
    source: str = "web",
    request_id: str | None = None,
    language: str | None = None,
) -> InboundMessage:
    """The request as a message; ``phone`` must already be in E.164 (:func:`channels.phone.e164`).

    ``request_id`` is the phone system's own id, so the same request sent
    twice is taken in once; the web page's requests get a fresh one. ``language``: the one
    the citizen asked in (the page's), for the case and its acknowledgement.
    """
    if preferred_time not in PREFERRED_TIMES:
        raise ValueError(f"preferred_time must be one of {', '.join(PREFERRED_TIMES)}")
    return InboundMessage(
        channel="callback",
        account=source,
        external_id=f"callback-{request_id or uuid.uuid4()}",
        sender=Identity(IdentityKind.PHONE, phone, without_bidi_controls(name).strip() or None),
        received_at=received_at,
        text=without_bidi_controls(about).strip(),
        metadata={
            "preferred_time": preferred_time,
            "department_wish": department,
            "sms_consent": sms_consent,
            **({"language": language} if language else {}),
        },
    )
