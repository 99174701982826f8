"""Which adapter sends each channel's outbox rows.

Built from the configured channel accounts (SMTP for ``[[channels.email]]``, Twilio
for ``[[channels.sms]]``, the Graph API for ``[[channels.meta]]``).
What the app was given in ``app.extensions["svarfrist_senders"]`` takes
precedence: tests and the demo put a :class:`channels.fake.FakeSender` there.
A channel without a sender keeps its rows pending, with the reason on the row.
"""

from __future__ import annotations

from flask import Flask

from channels.base import ByAccount, Sender
from channels.email import SmtpSender
from channels.meta.sending import GraphSender
from channels.sms import TwilioSender
from inbox.clock import now
from inbox.settings.config import Settings

SENDERS_KEY = "svarfrist_senders"


def senders_for(app: Flask) -> dict[str, Sender]:
    settings: Settings = app.extensions["svarfrist"]
    senders: dict[str, Sender] = {}
    if settings.email_accounts:
        senders["email"] = ByAccount(
            "e-mail",
            {account.name: SmtpSender(account.smtp, now) for account in settings.email_accounts},
        )
    if settings.sms_accounts:
        senders["sms"] = ByAccount(
            "SMS", {account.name: TwilioSender(account) for account in settings.sms_accounts}
        )
    if settings.meta_accounts:
        graph = {account.name: GraphSender(account) for account in settings.meta_accounts}
        senders["facebook"] = ByAccount("Facebook", graph)
        senders["instagram"] = ByAccount("Instagram", graph)
    senders.update(app.extensions.get(SENDERS_KEY, {}))
    return senders
