"""`/auth/oidc`: signing staff in through the municipality's OpenID Connect provider.

Authlib keeps ``state``, ``nonce`` and the PKCE verifier in the session per sign-in attempt
and checks them at the callback, with the ID token's signature (the provider's JWKS),
issuer, audience and expiry. Everything refused is audited as ``auth.oidc_refused`` with its
reason and shown on a page that says what happened; nothing reaches a person as a 500.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Blueprint, abort, redirect, render_template, request, session
from flask_babel import get_locale
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
)

from inbox.extensions import db
from inbox.people import audit, oidc_users
from inbox.settings.auth import CALLBACK_PATH
from inbox.web.auth import safe_next, start_session
from inbox.web.oidc_client import PROVIDER_ERRORS, auth_settings, client, remember_sign_in

log = logging.getLogger(__name__)
PREFIX = "/auth/oidc"
blueprint = Blueprint("oidc", __name__, url_prefix=PREFIX)
# Where to go after signing in, kept across the trip to the provider.
NEXT = "oidc_next"


@blueprint.before_request
def _configured_only() -> None:
    if auth_settings().oidc is None:
        abort(404)


@blueprint.get("/login")
def login():
    """Send the browser to the provider (the login page's button)."""
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return client().authorize_redirect(auth_settings().redirect_uri)
    except PROVIDER_ERRORS as error:  # no discovery document: the provider is down, or the URL
        log.warning("oidc_unreachable step=discovery error=%s", type(error).__name__)
        return _refused("provider_unreachable", 502)


@blueprint.get(CALLBACK_PATH.removeprefix(PREFIX))
def callback():
    """The provider's redirect back: check everything, then sign the person in."""
    if request.args.get("error"):
        error = request.args["error"][:100]
        description = request.args.get("error_description", "")[:500]
        log.warning("oidc_provider_error error=%r description=%r", error, description)
        return _refused("provider_error", 401, error=error, description=description)
    try:
        token = client().authorize_access_token(claims_options=_id_token_checks())
    except MismatchingStateError:  # no sign-in of this browser started with this state
        return _refused("state_mismatch", 400)
    except OAuthError as error:  # the token endpoint refused the code
        log.warning("oidc_token_refused error=%r", error.error)
        return _refused("token_refused", 401, error=error.error, description=error.description)
    except ExpiredTokenError:
        return _refused("expired", 401)
    except ClaimError as error:  # iss, aud, nonce, ...
        return _refused("invalid_claim", 401, claim=error.claim)
    except BadSignatureError:
        return _refused("bad_signature", 401)
    except JoseError as error:
        return _refused("invalid_token", 401, error=error.error)
    except PROVIDER_ERRORS as error:
        log.warning("oidc_unreachable step=token error=%s", type(error).__name__)
        return _refused("provider_unreachable", 502)
    claims = token.get("userinfo")
    if not claims:  # Authlib checks an ID token only when there is one
        return _refused("no_id_token", 401)
    try:
        # A new user's pages are in the language the login page was in.
        user = oidc_users.sign_in(claims, auth_settings().oidc, language=str(get_locale()))
    except oidc_users.SignInRefused as refusal:
        log.info("oidc_sign_in_refused reason=%s detail=%r", refusal.reason, str(refusal))
        return _refused(refusal.reason, 403, keep=True)
    target = session.get(NEXT)
    start_session(user)
    remember_sign_in(token.get("id_token"))
    audit.record("user.login", user=user, ip=request.remote_addr, method="oidc")
    db.session.commit()
    return redirect(safe_next(target))


def _id_token_checks() -> dict:
    """The issuer must be the discovery document's and the audience must include our client
    id. Authlib's own default checks the issuer only: an ID token minted for another
    application with ``azp`` set to ours would pass it."""
    issuer = client().load_server_metadata()["issuer"]
    client_id = auth_settings().oidc.client_id
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
    }


def _refused(reason: str, status: int, *, keep: bool = False, **details: str | None):
    """The refusal page, after the audit event (``auth.oidc_refused``) is committed. ``keep``:
    what the service did stays (ended sessions and tokens); else nothing of the attempt."""
    if not keep:
        db.session.rollback()
    audit.record("auth.oidc_refused", ip=request.remote_addr, reason=reason, **details)
    db.session.commit()
    auth = auth_settings()
    page = render_template(
        "auth/oidc_refused.html",
        reason=reason,
        details=details,
        provider_name=auth.oidc.name,
        contact=auth.contact,
    )
    return page, status
