"""The citizen's status page ("Send oss meir informasjon"): what they add, as an inbound message.

The page belongs to Svarfrist itself; a message from it is on channel ``web``, from the
address the case's acknowledgement went to, with the case's reference in its subject, so
intake joins it to that case the way it joins an answer by e-mail.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from channels.base import Identity, InboundAttachment, InboundMessage
from channels.filenames import safe_filename
from channels.text import without_bidi_controls

ACCOUNT = "status-page"


def status_page_message(
    *,
    reference: str,
    sender: Identity,
    text: str,
    received_at: datetime,
    attachments: tuple[InboundAttachment, ...] = (),
) -> InboundMessage:
    """The citizen's addition to case ``reference``, with the files' names made safe."""
    return InboundMessage(
        channel="web",
        account=ACCOUNT,
        external_id=f"web-{uuid.uuid4()}",
        sender=sender,
        received_at=received_at,
        subject=f"[Sak {reference}]",
        text=without_bidi_controls(text).strip(),
        attachments=tuple(
            InboundAttachment(
                safe_filename(attachment.filename),
                attachment.content_type or "application/octet-stream",
                attachment.content,
            )
            for attachment in attachments
        ),
    )
