"""SMS through Twilio: webhooks in, the REST API out, and listing what the webhook missed.

Uses the ``twilio`` library for everything it does: the REST client (sending,
listing), and ``RequestValidator`` for the ``X-Twilio-Signature`` of
webhooks. ``api_base_url`` points the client elsewhere than
``https://api.twilio.com`` (a regional edge, or a local server in tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from channels.base import (
    Identity,
    IdentityKind,
    InboundAttachment,
    InboundMessage,
    OutboundMessage,
    SendResult,
    SendStatus,
    secret_from_environment,
)
from channels.text import without_bidi_controls

TWILIO_API = "https://api.twilio.com"
# Twilio's own opt-out keywords, and the Norwegian ones citizens write.
STOP_WORDS = frozenset(
    {"stop", "stopp", "stopall", "unsubscribe", "cancel", "end", "quit", "slutt"}
)
START_WORDS = frozenset({"start", "yes", "unstop"})
HELP_WORDS = frozenset({"help", "info", "hjelp"})
# Twilio error codes that will never succeed for this recipient.
PERMANENT_ERRORS = frozenset({21211, 21610, 21612, 21614, 21408})
MEDIA_TIMEOUT_SECONDS = 15
# Twilio's ids: two letters and 32 hexadecimal digits (SM..., MM...); room for variants.
TWILIO_SID = re.compile(r"[A-Z]{2}[0-9a-zA-Z]{1,62}")
TIMEOUT_SECONDS = 30.0  # per request to Twilio's API
# Twilio attaches at most ten pictures to one MMS.
MAX_MEDIA = 10


class SmsCredentialError(Exception):
    """The auth token could not be had; the message names the account and the variable."""


@dataclass(frozen=True)
class TwilioAccount:
    """One configured number or messaging service (``[[channels.sms]]``)."""

    name: str
    account_sid: str
    auth_token_env: str
    #: The public base URL Twilio calls (``https://svarfrist.alver.kommune.no``); the
    #: signature is computed over it, not over what a reverse proxy forwards.
    public_url: str
    from_number: str | None = None
    messaging_service_sid: str | None = None
    api_base_url: str = TWILIO_API
    poll_interval_seconds: int = 300

    def auth_token(self) -> str:
        return secret_from_environment(
            self.auth_token_env, f"SMS account {self.name!r}", "auth_token_env", SmsCredentialError
        )

    def webhook_url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


# twilio (and requests with it) is imported where it is used: the configuration names
# TwilioAccount, and every command, a report or an e-mail poll too, would pay 0.1 s for it.


@cache
def _redirected_http_client() -> type:
    """The library's own HTTP client class, sending to a ``base_url`` instead of
    api.twilio.com (twilio ships no type information, so its classes are Any to mypy)."""
    from twilio.http.http_client import TwilioHttpClient

    class RedirectedHttpClient(TwilioHttpClient):  # type: ignore[misc]
        def __init__(self, base_url: str, timeout: float) -> None:
            super().__init__(timeout=timeout)
            self.base_url = base_url.rstrip("/")

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith(TWILIO_API):
                url = self.base_url + url[len(TWILIO_API) :]
            return super().request(method, url, *args, **kwargs)

    return RedirectedHttpClient


def client_for(account: TwilioAccount, timeout: float = TIMEOUT_SECONDS) -> Any:
    """twilio's REST client for the account, at its ``api_base_url``."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    http_client = (
        _redirected_http_client()(account.api_base_url, timeout)
        if account.api_base_url.rstrip("/") != TWILIO_API
        else TwilioHttpClient(timeout=timeout)
    )
    return Client(account.account_sid, account.auth_token(), http_client=http_client)


def signature_is_valid(
    account: TwilioAccount, url: str, params: Mapping[str, str], signature: str
) -> bool:
    """Whether ``X-Twilio-Signature`` matches ``url`` (as Twilio called it) and the form."""
    from twilio.request_validator import RequestValidator

    if not signature:
        return False
    validator = RequestValidator(account.auth_token())
    is_valid: bool = validator.validate(url, dict(params), signature)
    return is_valid


def keyword(body: str) -> str | None:
    """``stop``, ``start`` or ``help`` when the whole message is such a keyword."""
    word = body.strip().strip(".!").lower()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def inbound_from_webhook(
    account: TwilioAccount, form: Mapping[str, str], received_at: datetime
) -> InboundMessage:
    """An incoming SMS/MMS from the webhook's form; raises ``ValueError`` naming a missing field."""
    for field in ("MessageSid", "From"):
        if not form.get(field):
            raise ValueError(f"the field {field} is missing")
    if not TWILIO_SID.fullmatch(form["MessageSid"]):
        raise ValueError(f"the field MessageSid is not a Twilio id: {form['MessageSid'][:80]!r}")
    try:
        media_count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise ValueError(f"the field NumMedia is not a number: {form.get('NumMedia')!r}") from None
    if not 0 <= media_count <= MAX_MEDIA:
        # Unchecked, a forged count would have us build millions of media entries.
        raise ValueError(f"the field NumMedia is {media_count}, expected 0 to {MAX_MEDIA}")
    media = [
        (form.get(f"MediaUrl{n}", ""), form.get(f"MediaContentType{n}", ""))
        for n in range(media_count)
    ]
    return _inbound(
        account, form["MessageSid"], form["From"], form.get("Body", ""), received_at, media
    )


def _inbound(
    account: TwilioAccount,
    sid: str,
    sender: str,
    body: str,
    received_at: datetime,
    media: list[tuple[str, str]],
) -> InboundMessage:
    return InboundMessage(
        channel="sms",
        account=account.name,
        external_id=sid,
        sender=Identity(IdentityKind.PHONE, sender),
        received_at=received_at,
        text=without_bidi_controls(body),
        metadata={
            "keyword": keyword(body),
            "media": [{"url": url, "content_type": kind} for url, kind in media if url],
        },
    )


def fetch_media(account: TwilioAccount, inbound: InboundMessage, limit: int) -> InboundMessage:
    """The MMS pictures as attachments, fetched with the account's credentials.

    A picture that cannot be fetched (or is over ``limit`` bytes) is named in
    ``media_not_fetched``; the message itself is never lost over it.
    """
    import requests

    attachments, missing = [], []
    for number, item in enumerate(inbound.metadata.get("media", []), start=1):
        try:
            response = requests.get(
                item["url"],
                auth=(account.account_sid, account.auth_token()),
                timeout=MEDIA_TIMEOUT_SECONDS,
            )
            response.raise_for_status()
        except (requests.RequestException, SmsCredentialError) as error:
            missing.append(f"{item['url']}: {error}")
            continue
        if len(response.content) > limit:
            missing.append(f"{item['url']}: larger than {limit} bytes")
            continue
        kind = item["content_type"] or response.headers.get("Content-Type", "")
        extension = kind.partition("/")[2].split(";")[0] or "bin"
        attachments.append(InboundAttachment(f"mms-{number}.{extension}", kind, response.content))
    metadata = {**inbound.metadata}
    if missing:
        metadata["media_not_fetched"] = missing
    return replace(inbound, attachments=tuple(attachments), metadata=metadata)


def list_inbound(account: TwilioAccount, since: datetime, now: datetime) -> list[InboundMessage]:
    """Incoming messages to the account's number sent since ``since``, oldest first.

    One that Twilio lists without a date counts as received ``now``.
    """
    client = client_for(account)
    found = client.messages.list(to=account.from_number, date_sent_after=since)
    messages = []
    for item in found:
        if not str(item.direction or "").startswith("inbound"):
            continue
        sent = item.date_sent or item.date_created or now
        messages.append(_inbound(account, item.sid, item.from_, item.body or "", sent, []))
    return sorted(messages, key=lambda message: message.received_at)


class TwilioSender:
    """Sends through Twilio's Messages API, asking for delivery reports on our webhook."""

    def __init__(self, account: TwilioAccount, timeout: float = TIMEOUT_SECONDS) -> None:
        self.account = account
        self.timeout = timeout

    def send(self, message: OutboundMessage) -> SendResult:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException

        account = self.account
        sender = (
            {"messaging_service_sid": account.messaging_service_sid}
            if account.messaging_service_sid
            else {"from_": account.from_number}
        )
        try:
            created = client_for(account, self.timeout).messages.create(
                to=message.recipient,
                body=message.text,
                status_callback=account.webhook_url("/webhooks/twilio/status"),
                **sender,
            )
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_ERRORS or 400 <= error.status < 500
            status = SendStatus.REJECTED if permanent else SendStatus.FAILED
            return SendResult(
                status,
                error=f"Twilio {error.status} ({error.code}): {error.msg}",
                is_outage=error.status >= 500,
            )
        except (TwilioException, requests.RequestException, SmsCredentialError) as error:
            return SendResult(
                SendStatus.FAILED, error=f"{type(error).__name__}: {error}", is_outage=True
            )
        return SendResult(SendStatus.SENT, external_id=created.sid)
