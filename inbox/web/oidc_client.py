"""The municipality's OpenID Connect provider as an Authlib Flask client, registered from its
discovery document when ``[auth.oidc]`` is configured (Authorization Code flow, PKCE S256)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session

from inbox.settings.auth import AuthSettings

log = logging.getLogger(__name__)
CLIENT = "oidc"
SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10
#: Session keys: signed in through the provider, and its ID token (the logout's hint).
SIGNED_IN_THERE = "oidc"
ID_TOKEN = "oidc_id_token"
# Longer ID tokens (Entra ID's with many claims) are not kept: the provider then asks which
# account to sign out.
LONGEST_HINT = 2000
#: What talking to the provider can raise: it is down, answers nonsense, or lacks a document.
PROVIDER_ERRORS = (requests.RequestException, ValueError, RuntimeError, AuthlibBaseError)


def init_oidc(app: Flask) -> None:
    """Register the provider's client when ``[auth.oidc]`` is configured.

    One :class:`OAuth` per app, not one in ``inbox.extensions``: Authlib keeps its clients on
    the ``OAuth`` object, and each app may have another provider (the tests build many).
    """
    provider = auth_settings(app).oidc
    if provider is None:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "timeout": TIMEOUT_SECONDS,
        },
    )


def auth_settings(app: Flask | None = None) -> AuthSettings:
    return (app or current_app).extensions["svarfrist"].auth


def client():
    """The registered client (only when ``[auth.oidc]`` is configured)."""
    return current_app.extensions["authlib.integrations.flask_client"].create_client(CLIENT)


def remember_sign_in(id_token: str | None) -> None:
    """Mark the session as signed in at the provider, keeping its ID token as the logout's
    hint when it fits the session cookie (browsers keep at most 4 kB per cookie)."""
    session[SIGNED_IN_THERE] = True
    if id_token and len(id_token) <= LONGEST_HINT:
        session[ID_TOKEN] = id_token


def end_session_url() -> str | None:
    """Where to send the browser at logout when this session signed in at the provider: its
    end-session endpoint (RP-initiated logout) with the ID token as hint, our client id and
    our login page to come back to; ``None`` when it has none (or cannot say)."""
    auth = auth_settings()
    if auth.oidc is None or not session.get(SIGNED_IN_THERE):
        return None
    try:
        result = client().create_logout_url(
            post_logout_redirect_uri=f"{auth.public_url}/login",
            id_token_hint=session.get(ID_TOKEN),
            client_id=auth.oidc.client_id,
        )
    except PROVIDER_ERRORS as error:  # RuntimeError: the provider has no end-session endpoint
        log.info("oidc_no_end_session error=%s", type(error).__name__)
        return None
    return result["url"]


def logout_origin() -> str | None:
    """The origin of the provider's end-session endpoint when this session signed in there.

    The page holding the logout form must allow it in ``form-action``: Chromium checks the
    redirects that follow a form's submission against the policy of the page it was on.
    """
    if auth_settings().oidc is None or not session.get(SIGNED_IN_THERE):
        return None
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint")
    except PROVIDER_ERRORS:
        return None
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"
