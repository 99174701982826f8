"""Users from an identity provider's claims: made at the first sign-in, found again by issuer
and ``sub`` (or e-mail), given role and departments at every sign-in, refused without a
mapped claim (their sessions and API tokens ended)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import ApiToken, AuditEvent, Role, User
from inbox.people.oidc_users import SignInRefused, check_departments, sign_in
from inbox.people.users import create_api_token, deactivate_user
from inbox.settings.auth import Grant, OidcProvider
from rules.config import ConfigError
from tests.factories import make_department, make_user

ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
PROVIDER = OidcProvider(
    name="Entra ID",
    discovery_url=f"{ISSUER}/.well-known/openid-configuration",
    client_id="svarfrist",
    client_secret_env="SECRET",
    roles={
        "Svarfrist.Admin": Grant(Role.ADMIN),
        "Svarfrist.Leiar.Byggesak": Grant(Role.LEADER, ("byggesak",)),
        "Svarfrist.Byggesak": Grant(Role.STAFF, ("byggesak",)),
        "Svarfrist.Skule": Grant(Role.STAFF, ("skule",)),
    },
)


def claims(*roles: str, sub: str = "sub-kari", email: str = "kari@alver.kommune.no", **more):
    return {
        "iss": ISSUER,
        "sub": sub,
        "email": email,
        "name": "Kari Nordmann",
        "roles": list(roles),
        **more,
    }


@pytest.fixture
def departments(app):
    found = {slug: make_department(slug) for slug in ("byggesak", "skule")}
    db.session.commit()
    return found


def test_the_first_sign_in_makes_a_user_without_a_password(departments):
    user = sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    assert (user.email, user.name, user.role) == (
        "kari@alver.kommune.no",
        "Kari Nordmann",
        Role.STAFF,
    )
    assert [d.slug for d in user.departments] == ["byggesak"]
    assert user.password_hash is None
    assert (user.oidc_issuer, user.oidc_subject) == (ISSUER, "sub-kari")


def test_an_existing_user_is_found_by_e_mail_in_any_case_and_keeps_their_password(departments):
    existing = make_user(email="kari@alver.kommune.no")
    user = sign_in(claims("Svarfrist.Byggesak", email="Kari@Alver.Kommune.NO"), PROVIDER)
    assert user.id == existing.id and user.password_hash is not None
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_a_changed_e_mail_address_is_the_same_user(departments):
    first = sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    again = sign_in(claims("Svarfrist.Byggesak", email="kari.nordmann@alver.kommune.no"), PROVIDER)
    assert again.id == first.id and again.email == "kari.nordmann@alver.kommune.no"


def test_every_sign_in_sets_role_and_departments_from_the_claims(departments):
    user = sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    sign_in(claims("Svarfrist.Leiar.Byggesak", "Svarfrist.Skule", "Unmapped.Value"), PROVIDER)
    assert user.role == Role.LEADER
    assert sorted(d.slug for d in user.departments) == ["byggesak", "skule"]
    changes = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "user.oidc_update")
    ).all()
    assert changes == [{"changed": ["role", "departments"]}]
    sign_in(claims("Svarfrist.Admin"), PROVIDER)
    assert user.role == Role.ADMIN and user.departments == []


def test_one_role_claim_as_a_string_is_read(departments):
    user = sign_in({**claims(), "roles": "Svarfrist.Skule"}, PROVIDER)
    assert [d.slug for d in user.departments] == ["skule"]


def test_no_mapped_claim_refuses_and_ends_sessions_and_tokens(departments):
    user = sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    create_api_token(user)
    version = user.session_version
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims("Some.Other.App"), PROVIDER)
    assert refused.value.reason == "no_mapped_claim"
    assert user.session_version == version + 1
    assert db.session.scalar(select(ApiToken.id)) is None
    assert user.is_enabled  # given a role at the provider again, they sign in again


def test_a_person_never_seen_without_a_mapped_claim_gets_no_user(departments):
    with pytest.raises(SignInRefused):
        sign_in(claims(), PROVIDER)
    assert db.session.scalar(select(User.id)) is None


def test_a_deactivated_user_stays_out(departments):
    make_user(role=Role.ADMIN)  # deactivating needs another administrator
    user = sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    deactivate_user(user)
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims("Svarfrist.Byggesak"), PROVIDER)
    assert refused.value.reason == "deactivated"


def test_an_e_mail_address_tied_to_another_identity_is_refused(departments):
    sign_in(claims("Svarfrist.Byggesak", sub="sub-first"), PROVIDER)
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims("Svarfrist.Byggesak", sub="sub-second"), PROVIDER)
    assert refused.value.reason == "email_of_another"


def test_entra_ids_preferred_username_serves_when_there_is_no_email_claim(departments):
    token = claims("Svarfrist.Byggesak", email=None, preferred_username="Ola@Alver.kommune.no")
    assert sign_in(token, PROVIDER).email == "ola@alver.kommune.no"


def test_without_any_e_mail_address_no_user_is_made(departments):
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims("Svarfrist.Byggesak", email=None), PROVIDER)
    assert refused.value.reason == "no_email"


def test_a_configured_department_that_does_not_exist_is_a_config_error(app):
    make_department("byggesak")
    db.session.commit()
    with pytest.raises(ConfigError) as raised:
        check_departments(PROVIDER, "/etc/svarfrist.toml")
    assert str(raised.value) == (
        '/etc/svarfrist.toml: auth.oidc.roles."Svarfrist.Skule".departments: no department '
        "with slug 'skule'; known: byggesak"
    )


def test_a_new_user_gets_the_language_they_signed_in_with(departments):
    assert sign_in(claims("Svarfrist.Byggesak"), PROVIDER, language="nb").language == "nb"
