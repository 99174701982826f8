"""Logging in and out: passwords, throttling, CSRF, redirects, headers, languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.models import AuditEvent
from tests.factories import make_department, make_user
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture
def kari(app):
    user = make_user(make_department("innbyggjarservice", is_frontline=True), email="kari@alver.no")
    db.session.commit()
    return user


def test_the_inbox_needs_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_with_the_right_password_opens_the_inbox(client, kari):
    response = log_in(client, "KARI@alver.no")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Saker" in page.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.login" in actions


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, kari):
    response = log_in(client, "kari@alver.no", "wrong password!")
    assert response.status_code == 401
    assert "Feil e-postadresse eller passord." in response.get_data(as_text=True)
    unknown = log_in(client, "nobody@alver.no", "wrong password!")
    assert unknown.status_code == 401
    assert client.get("/").status_code == 302


def test_guessing_one_account_from_one_address_is_slowed_more_and_more(client, kari):
    for _ in range(3):  # the first failures are free
        assert log_in(client, "kari@alver.no", "guess guess").status_code == 401
    refused = log_in(client, "kari@alver.no")  # even the right password must wait
    assert refused.status_code == 429
    assert "For mange mislukka forsøk. Vent 30 sekund og prøv igjen." in refused.get_data(
        as_text=True
    )
    with frozen_at(now() + timedelta(seconds=31)):
        assert log_in(client, "kari@alver.no", "guess guess").status_code == 401
        assert log_in(client, "kari@alver.no").status_code == 429  # now a minute
    with frozen_at(now() + timedelta(seconds=31 + 61)):
        assert log_in(client, "kari@alver.no").status_code == 302


def test_the_owner_is_not_locked_out_by_someone_elses_guesses(app, client, kari):
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    for _ in range(10):
        log_in(client, "kari@alver.no", "guess guess")
    assert log_in(client, "kari@alver.no").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert log_in(elsewhere, "kari@alver.no").status_code == 302


def test_unknown_accounts_are_limited_per_address_but_a_shared_address_is_not_locked(
    app, client, kari
):
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"  # a town hall's one address (NAT)
    for number in range(20):  # twenty names, none tried often enough to be slowed
        assert log_in(client, f"person{number}@alver.no", "guess guess").status_code == 401
    assert log_in(client, "someone.else@alver.no", "guess guess").status_code == 429
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert log_in(colleague, "kari@alver.no").status_code == 302  # a real account still can
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert log_in(elsewhere, "person99@alver.no", "guess guess").status_code == 401


def test_old_failed_logins_are_forgotten(client, kari):
    from inbox.models import LoginAttempt
    from inbox.people.throttle import forget_old_attempts

    log_in(client, "kari@alver.no", "guess guess")
    with frozen_at(now() + timedelta(minutes=14)):
        assert forget_old_attempts() == 0
    with frozen_at(now() + timedelta(minutes=16)):
        assert forget_old_attempts() == 1
    assert db.session.scalars(select(LoginAttempt)).all() == []


def test_a_post_without_csrf_token_is_refused(client, kari):
    response = client.post("/login", data={"email": "kari@alver.no", "password": "x"})
    assert response.status_code == 400
    log_in(client, "kari@alver.no")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still logged in


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/?channel=email", "/?channel=email"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_redirects_only_to_local_paths(client, kari, target, expected):
    response = log_in(client, "kari@alver.no", next=target)
    assert response.headers["Location"] == expected


def test_logout_ends_the_session(client, kari):
    log_in(client, "kari@alver.no")
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_login_gives_a_new_session(client, kari):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(client, "kari@alver.no")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(kari.id)


def test_every_page_has_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: make run


def test_a_secure_request_is_told_to_stay_on_https(client):
    """Behind the TLS proxy (``svarfrist serve --proxies 1`` reads X-Forwarded-Proto)."""
    response = client.get("/login", base_url="https://svarfrist.alver.kommune.no")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(
    ("language", "text"), [("nn", "Passord"), ("nb", "Bytt språk"), ("en", "Password")]
)
def test_language_can_be_chosen_before_login(client, language, text):
    token = csrf_token(client)
    client.post("/language", data={"language": language, "csrf_token": token})
    page = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert text in page


def test_the_users_language_is_used_after_login(client, app):
    make_user(make_department("byggesak"), email="ola@alver.no", language="en")
    db.session.commit()
    log_in(client, "ola@alver.no")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Cases" in page


def test_a_logged_in_user_changes_their_own_language(client, kari):
    log_in(client, "kari@alver.no")
    token = csrf_token(client, "/")
    client.post("/language", data={"language": "en", "csrf_token": token, "next": "/"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(kari), kari.id).language == "en"
