"""Forged and replayed callbacks of the OpenID Connect sign-in, against a provider the test
controls (tests.oidc.AttackerProvider): its own key, discovery document, JWKS and token
endpoint, minting the ID tokens a real provider never would. Each is refused with a page
that says what happened and an ``auth.oidc_refused`` audit event; nobody is signed in."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import AuditEvent, User
from tests.conftest import FreshContextClient, emptied_after
from tests.factories import make_department
from tests.oidc import SECRET, SECRET_ENV, AttackerProvider, build_app, write_config

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def attacker():
    provider = AttackerProvider()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_app(database_url, tmp_path, monkeypatch, attacker):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    config = write_config(
        tmp_path, discovery_url=attacker.discovery_url, public_url="http://svarfrist.test"
    )
    with emptied_after(build_app(database_url, config, tmp_path / "data")) as application:
        make_department("byggesak", is_frontline=True)
        db.session.commit()
        yield application


@pytest.fixture
def client(oidc_app):
    oidc_app.test_client_class = FreshContextClient
    return oidc_app.test_client()


def start(client, attacker) -> dict[str, str]:
    """Press the button: the redirect to the provider, with its state and nonce."""
    response = client.get("/auth/oidc/login", headers=ENGLISH)
    assert response.status_code == 302
    assert response.location.startswith(f"{attacker.issuer}/authorize?")
    query = {
        name: values[0] for name, values in parse_qs(urlsplit(response.location).query).items()
    }
    attacker.nonce = query["nonce"]  # what the provider's /authorize would remember
    return query


def come_back(client, query):
    return client.get(
        "/auth/oidc/callback",
        query_string={"code": "attacker-code", "state": query["state"]},
        headers=ENGLISH,
    )


def refusals() -> list[dict]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "auth.oidc_refused")
        )
    )


def signed_in(client) -> bool:
    return client.get("/", headers=ENGLISH).status_code == 200


def test_the_attackers_provider_signs_in_when_every_claim_is_right(client, attacker):
    """The control: the refusals below come from the one claim each changes."""
    query = start(client, attacker)
    assert "code_challenge" in query and query["code_challenge_method"] == "S256"
    response = come_back(client, query)
    assert response.status_code == 302, response.text
    assert signed_in(client)
    assert refusals() == []


@pytest.mark.parametrize(
    ("overrides", "claim"),
    [
        ({"aud": "another-application"}, "aud"),
        # Authlib alone lets this one through: the audience is checked only through azp.
        ({"aud": "another-application", "azp": "svarfrist"}, "aud"),
        ({"aud": ["another-application", "a-third"]}, "aud"),
        ({"iss": "https://login.evil.example"}, "iss"),
    ],
    ids=["wrong audience", "wrong audience, our azp", "wrong audiences", "wrong issuer"],
)
def test_a_token_for_another_audience_or_from_another_issuer_is_refused(
    client, attacker, overrides, claim
):
    attacker.overrides = overrides
    response = come_back(client, start(client, attacker))
    assert response.status_code == 401
    assert "could not be verified" in response.text and "Nobody was signed in" in response.text
    assert refusals() == [{"reason": "invalid_claim", "claim": claim}]
    assert not signed_in(client)
    assert db.session.scalar(select(User.id)) is None


def test_an_expired_token_is_refused(client, attacker):
    hour_ago = int(time.time()) - 3600
    attacker.overrides = {"iat": hour_ago - 300, "exp": hour_ago}
    response = come_back(client, start(client, attacker))
    assert response.status_code == 401
    assert "has expired" in response.text
    assert refusals() == [{"reason": "expired"}]
    assert not signed_in(client)


def test_a_token_with_the_nonce_of_an_earlier_sign_in_is_refused(client, attacker):
    earlier = start(client, attacker)
    assert come_back(client, earlier).status_code == 302
    client.post("/logout", data={})  # CSRF is on: the session stays, which does not matter
    query = start(client, attacker)
    attacker.nonce = earlier["nonce"]  # the provider replays the first sign-in's ID token
    response = come_back(client, query)
    assert response.status_code == 401
    assert refusals() == [{"reason": "invalid_claim", "claim": "nonce"}]


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, attacker):
    attacker.signing_key = RSAKey.generate_key(2048, parameters={"kid": attacker.key.kid})
    response = come_back(client, start(client, attacker))
    assert response.status_code == 401
    assert refusals() == [{"reason": "bad_signature"}]
    assert not signed_in(client)


def test_a_callback_with_a_state_this_browser_never_started_is_refused(client, attacker):
    start(client, attacker)
    response = come_back(client, {"state": "forged-state"})
    assert response.status_code == 400
    assert "does not belong to a sign-in started in this browser" in response.text
    assert refusals() == [{"reason": "state_mismatch"}]
    assert not signed_in(client)


def test_a_replayed_callback_is_refused(client, attacker):
    query = start(client, attacker)
    assert come_back(client, query).status_code == 302
    replayed = come_back(client, query)
    assert replayed.status_code == 400
    assert refusals() == [{"reason": "state_mismatch"}]


def test_the_providers_error_is_shown_escaped_and_audited(client, attacker, caplog):
    query = start(client, attacker)
    response = client.get(
        "/auth/oidc/callback",
        query_string={
            "state": query["state"],
            "error": "access_denied",
            "error_description": "<script>alert(1)</script> the user said no",
        },
        headers=ENGLISH,
    )
    assert response.status_code == 401
    assert "access_denied" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; the user said no" in response.text
    assert "<script>alert" not in response.text
    assert "Traceback" not in response.text
    assert refusals() == [
        {
            "reason": "provider_error",
            "error": "access_denied",
            "description": "<script>alert(1)</script> the user said no",
        }
    ]
    assert "oidc_provider_error error='access_denied'" in caplog.text


def test_a_provider_that_does_not_answer_gets_a_page_not_a_500(client, attacker):
    attacker.stop()
    response = client.get("/auth/oidc/login", headers=ENGLISH)
    assert response.status_code == 502
    assert "could not reach Alver kommune (test)" in response.text
    assert refusals() == [{"reason": "provider_unreachable"}]


def test_an_answer_without_an_id_token_is_refused(client, attacker):
    attacker.sends_id_token = False
    response = come_back(client, start(client, attacker))
    assert response.status_code == 401
    assert refusals() == [{"reason": "no_id_token"}]
    assert not signed_in(client)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.mark.parametrize("long_token", [False, True], ids=["short ID token", "long ID token"])
def test_logout_goes_to_the_providers_end_session_endpoint(client, attacker, long_token):
    if long_token:  # Entra ID's with many claims: too long for the session cookie
        attacker.overrides = {"padding": "x" * 3000}
    assert come_back(client, start(client, attacker)).status_code == 302
    inbox = client.get("/", headers=ENGLISH)
    # The logout form's page lets the form's redirect go to the provider.
    assert f"form-action 'self' {attacker.issuer};" in inbox.headers["Content-Security-Policy"]
    response = client.post("/logout", data={"csrf_token": CSRF.search(inbox.text)[1]})
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{attacker.issuer}/logout"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://svarfrist.test/login"]
    assert query["client_id"] == ["svarfrist"]
    assert ("id_token_hint" in query) is not long_token
    assert not signed_in(client)
    after = client.get("/login", headers=ENGLISH)
    assert "form-action 'self';" in after.headers["Content-Security-Policy"]
