"""Which adapter sends each channel's outbox rows.

The channel issues register real adapters here (SMTP, Twilio, Meta) from the
configured channel accounts. Until then the registry holds what the app was
given in ``app.extensions["svarfrist_senders"]``: tests and the demo put a
:class:`channels.fake.FakeSender` there. A channel without a sender keeps its
rows pending, with the reason on the row.
"""

from __future__ import annotations

from flask import Flask

from channels.base import Sender

SENDERS_KEY = "svarfrist_senders"


def senders_for(app: Flask) -> dict[str, Sender]:
    return dict(app.extensions.get(SENDERS_KEY, {}))
