"""Building inbound messages for intake tests."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from channels.base import Identity, IdentityKind, InboundAttachment, InboundMessage

OSLO = ZoneInfo("Europe/Oslo")
_serial = itertools.count(1)


def email(
    *,
    sender: str = "kari.nordmann@example.no",
    name: str | None = "Kari Nordmann",
    received_at: datetime = datetime(2026, 11, 20, 10, 0, tzinfo=OSLO),
    subject: str = "Spørsmål om byggesøknad",
    text: str = "Hei! Når kan eg vente svar på byggesøknaden min?",
    html: str | None = None,
    external_id: str | None = None,
    attachments: tuple[InboundAttachment, ...] = (),
    raw: bytes | None = None,
    **metadata,
) -> InboundMessage:
    serial = next(_serial)
    message_id = metadata.pop("message_id", f"<citizen-{serial}@example.no>")
    return InboundMessage(
        channel="email",
        account="postmottak",
        external_id=external_id or message_id,
        sender=Identity(IdentityKind.EMAIL, sender, name),
        received_at=received_at,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        metadata={"message_id": message_id, **metadata},
        raw=raw,
    )


def sms(
    *,
    sender: str = "+4791234567",
    received_at: datetime = datetime(2026, 11, 24, 11, 0, tzinfo=OSLO),
    text: str = "Hei, når blir vegen brøytt?",
    external_id: str | None = None,
    channel: str = "sms",
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        account="+4755000000",
        external_id=external_id or f"SM{next(_serial):032d}",
        sender=Identity(IdentityKind.PHONE, sender),
        received_at=received_at,
        text=text,
    )


def in_country(app: Flask, country: str) -> None:
    """The app's settings with ``[calendar] country`` set to ``country``."""
    settings = app.extensions["svarfrist"]
    calendar = replace(settings.rules.calendar, country=country)
    app.extensions["svarfrist"] = replace(
        settings, rules=replace(settings.rules, calendar=calendar)
    )


def with_municipality(app: Flask, **keys: object) -> None:
    """The app's settings with these keys of ``[municipality]`` changed."""
    settings = app.extensions["svarfrist"]
    municipality = replace(settings.rules.municipality, **keys)
    app.extensions["svarfrist"] = replace(
        settings, rules=replace(settings.rules, municipality=municipality)
    )


def offering(app: Flask, *languages: str) -> None:
    """The app's settings with ``[municipality] citizen_languages`` set to ``languages``."""
    with_municipality(app, citizen_languages=languages)
