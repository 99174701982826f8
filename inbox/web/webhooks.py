"""Webhooks under ``/webhooks``: Twilio's incoming SMS and delivery reports, and Meta's
page events (Messenger, Instagram, comments).

A verified, well-formed request is stored (:mod:`inbox.intake.webhook_events`) and
answered at once; the poller takes it in.

Twilio's requests are checked against ``X-Twilio-Signature`` with the URL
Twilio called, rebuilt from the account's configured ``public_url`` (behind a
reverse proxy the URL Flask sees is not the one Twilio signed). A bad or
missing signature is refused with 403 and a log line that names the URL that
was validated, so an administrator can see a wrong ``public_url`` at once.
Meta's are checked with ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body
with the app secret). No session, no CSRF token: the signature is the
authentication.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select

from channels.meta.account import MetaAccount, MetaCredentialError
from channels.meta.webhooks import parse_webhook, subscription_challenge
from channels.meta.webhooks import signature_is_valid as meta_signature_is_valid
from channels.sms import (
    SmsCredentialError,
    TwilioAccount,
    inbound_from_webhook,
    signature_is_valid,
)
from inbox import outside_json
from inbox.clock import now
from inbox.database import begin_write
from inbox.extensions import csrf, db
from inbox.intake import webhook_events
from inbox.logs import describe
from inbox.models import OutboxMessage
from inbox.settings.config import Settings

log = logging.getLogger(__name__)
blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(blueprint)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FAILED_STATUSES = frozenset({"failed", "undelivered"})


def _settings() -> Settings:
    return current_app.extensions["svarfrist"]


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status, content_type="text/plain; charset=utf-8")


def _account_for(form) -> TwilioAccount | None:
    """The account the message was sent to: by number, else by messaging service."""
    accounts = _settings().sms_accounts
    for account in accounts:
        if account.from_number and account.from_number == form.get("To"):
            return account
        if account.messaging_service_sid and (
            account.messaging_service_sid == form.get("MessagingServiceSid")
        ):
            return account
    return accounts[0] if len(accounts) == 1 else None


def _verified_account() -> tuple[TwilioAccount | None, Response | None]:
    account = _account_for(request.form)
    if account is None:
        log.warning("twilio_webhook_refused reason=no_account to=%s", request.form.get("To"))
        return None, _plain("No SMS account is configured for this number.", 403)
    url = account.webhook_url(request.full_path.rstrip("?"))
    signature = request.headers.get("X-Twilio-Signature", "")
    try:
        valid = signature_is_valid(account, url, request.form, signature)
    except SmsCredentialError as error:
        log.error("twilio_webhook_refused reason=credentials error=%s", describe(error))
        return None, _plain("The SMS account's auth token is not configured.", 403)
    if not valid:
        log.warning(
            "twilio_webhook_refused reason=%s account=%s validated_url=%s "
            "(Twilio signs the URL it calls; check public_url)",
            "bad_signature" if signature else "no_signature",
            account.name,
            url,
        )
        return None, _plain("Invalid X-Twilio-Signature.", 403)
    return account, None


@blueprint.post("/twilio/sms")
def twilio_sms():
    account, refusal = _verified_account()
    if refusal is not None:
        return refusal
    try:
        inbound_from_webhook(account, request.form, now())  # the shape, checked before storing
    except ValueError as error:
        log.warning("twilio_webhook_malformed account=%s reason=%s", account.name, error)
        return _plain(f"Malformed Twilio request: {error}.", 400)
    webhook_events.store(
        webhook_events.TWILIO_SMS,
        account.name,
        request.form.to_dict(),
        external_id=request.form["MessageSid"],
    )
    db.session.commit()
    return Response(EMPTY_TWIML, 200, content_type="text/xml")


@blueprint.post("/twilio/status")
def twilio_status():
    """Delivery reports: ``delivered`` or ``failed``/``undelivered`` on our message."""
    account, refusal = _verified_account()
    if refusal is not None:
        return refusal
    sid, status = request.form.get("MessageSid"), request.form.get("MessageStatus")
    if not sid or not status:
        missing = "MessageSid" if not sid else "MessageStatus"
        log.warning("twilio_status_malformed account=%s missing=%s", account.name, missing)
        return _plain(f"Malformed Twilio request: the field {missing} is missing.", 400)
    begin_write()
    row = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.external_id == sid
        )
    )
    if row is not None and row.message is not None and status in ({"delivered"} | FAILED_STATUSES):
        error = request.form.get("ErrorCode")
        row.message.metadata_json = {
            **(row.message.metadata_json or {}),
            "delivery": "delivered" if status == "delivered" else "failed",
            "delivery_error": f"Twilio {status} (error {error})" if error else None,
        }
    db.session.commit()
    return Response(EMPTY_TWIML, 200, content_type="text/xml")


def _meta_accounts():
    return _settings().meta_accounts


@blueprint.get("/meta")
def meta_subscription():
    """Meta's subscription check: echo ``hub.challenge`` when the verify token is ours."""
    for account in _meta_accounts():
        try:
            challenge = subscription_challenge(account, request.args)
        except MetaCredentialError as error:
            log.error("meta_subscription_refused reason=credentials error=%s", describe(error))
            continue
        if challenge is not None:
            return _plain(challenge, 200)
    log.warning(
        "meta_subscription_refused reason=verify_token mode=%s", request.args.get("hub.mode")
    )
    return _plain("The verify token does not match.", 403)


@blueprint.post("/meta")
def meta_events():
    raw = request.get_data(cache=False)
    header = request.headers.get("X-Hub-Signature-256")
    account = next((a for a in _meta_accounts() if _meta_signature_valid(a, raw, header)), None)
    if account is None:
        log.warning("meta_webhook_refused reason=%s", "bad_signature" if header else "no_signature")
        return _plain("Invalid X-Hub-Signature-256.", 403)
    try:
        payload = outside_json.loads(raw, parse_constant=_not_json)
        parse_webhook(account, payload, now())  # the shape, checked before storing
    except (ValueError, UnicodeDecodeError) as error:
        log.warning("meta_webhook_malformed account=%s reason=%s", account.name, error)
        return _plain(f"Malformed Meta event: {error}.", 400)
    webhook_events.store(webhook_events.META, account.name, payload)
    db.session.commit()
    return _plain("EVENT_RECEIVED", 200)


def _not_json(name: str):
    # Python reads NaN and Infinity; JSON (and PostgreSQL's json type, where we store it) does not.
    raise ValueError(f"{name} is not valid JSON")


def _meta_signature_valid(account: MetaAccount, raw: bytes, header: str | None) -> bool:
    try:
        return meta_signature_is_valid(account, raw, header)
    except MetaCredentialError as error:
        log.error("meta_webhook_refused reason=credentials error=%s", describe(error))
        return False
