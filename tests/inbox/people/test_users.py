"""The user services behind `/admin/users`: changes, passwords, deactivation and tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import ApiToken, Role
from inbox.people import audit
from inbox.people.users import (
    EmailTaken,
    LastAdmin,
    UserError,
    api_tokens_of,
    authenticate,
    create_api_token,
    create_user,
    deactivate_user,
    reactivate_user,
    revoke_api_token,
    set_password,
    token_for,
    update_user,
    users_with_last_login,
)
from tests.factories import PASSWORD, make_department, make_user


def _no_password_user():
    return create_user(email="ida@alver.no", name="Ida Idp", password=None)


@pytest.mark.parametrize("password", ["", "no such user", PASSWORD, "x" * 12])
def test_a_user_without_a_password_never_logs_in_with_one(app, password):
    user = _no_password_user()
    db.session.commit()
    assert user.password_hash is None
    assert authenticate("ida@alver.no", password) is None


def test_removing_a_password_stops_the_old_one_from_working(app):
    user = make_user(email="kari@alver.no")
    assert authenticate("kari@alver.no", PASSWORD) is user
    set_password(user, None)
    assert authenticate("kari@alver.no", PASSWORD) is None


def test_a_new_password_replaces_the_old_and_ends_the_sessions(app):
    user = make_user(email="kari@alver.no")
    version = user.session_version
    set_password(user, "eit heilt nytt passord")
    assert authenticate("kari@alver.no", "eit heilt nytt passord") is user
    assert authenticate("kari@alver.no", PASSWORD) is None
    assert user.session_version == version + 1


@pytest.mark.parametrize(
    ("password", "words"), [("kort", "at least 10"), ("x" * 1001, "at most 1000")]
)
def test_a_password_outside_the_length_rules_is_refused(app, password, words):
    user = make_user(email="kari@alver.no")
    with pytest.raises(UserError, match=words):
        set_password(user, password)
    assert authenticate("kari@alver.no", PASSWORD) is user


def test_update_changes_the_fields_and_says_which(app):
    skule, byggesak = make_department("skule"), make_department("byggesak")
    user = make_user(skule, email="kari@alver.no", name="Kari")
    changed = update_user(
        user,
        email=" Kari.Sole@Alver.no ",
        name="Kari Sole",
        role=Role.LEADER,
        departments=[byggesak],
        language="nb",
    )
    assert changed == ["email", "name", "role", "language", "departments"]
    assert (user.email, user.name, user.role, user.language) == (
        "kari.sole@alver.no",
        "Kari Sole",
        Role.LEADER,
        "nb",
    )
    assert user.department_ids == {byggesak.id}
    same = update_user(
        user,
        email=user.email,
        name=user.name,
        role=user.role,
        departments=[byggesak],
        language="nb",
    )
    assert same == []


def test_update_refuses_another_users_address_and_an_unknown_language(app):
    make_user(email="eirik@alver.no")
    user = make_user(email="kari@alver.no")
    fields = {"name": "Kari", "role": Role.STAFF, "departments": [], "language": "nn"}
    with pytest.raises(EmailTaken, match=re.escape("eirik@alver.no already exists")):
        update_user(user, email="EIRIK@alver.no", **fields)
    with pytest.raises(UserError, match="'de' is not one of nn, nb, en"):
        update_user(user, email="kari@alver.no", **{**fields, "language": "de"})
    with pytest.raises(UserError, match="not an e-mail address"):
        update_user(user, email="kari alver.no", **fields)


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app):
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    fields = {"email": admin.email, "name": admin.name, "departments": [], "language": "nn"}
    with pytest.raises(LastAdmin, match=re.escape("admin@alver.no is the last active")):
        update_user(admin, role=Role.LEADER, **fields)
    with pytest.raises(LastAdmin):
        deactivate_user(admin)
    assert admin.role == Role.ADMIN and admin.is_enabled


def test_a_deactivated_admin_does_not_count_as_another_admin(app):
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    other = make_user(role=Role.ADMIN, email="other@alver.no")
    deactivate_user(other)
    with pytest.raises(LastAdmin):
        deactivate_user(admin)
    reactivate_user(other)
    deactivate_user(admin)
    assert not admin.is_enabled


def test_an_admin_may_step_down_when_another_is_active(app):
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    make_user(role=Role.ADMIN, email="other@alver.no")
    fields = {"email": admin.email, "name": admin.name, "departments": [], "language": "nn"}
    assert update_user(admin, role=Role.STAFF, **fields) == ["role"]


def test_deactivation_revokes_every_token_and_reactivation_brings_none_back(app):
    user = make_user(email="kari@alver.no")
    tokens = [create_api_token(user), create_api_token(user)]
    version = user.session_version
    assert deactivate_user(user) == 2
    assert user.session_version == version + 1
    assert all(token_for(token) is None for token in tokens)
    assert authenticate("kari@alver.no", PASSWORD) is None
    with pytest.raises(UserError, match=re.escape("kari@alver.no is deactivated")):
        create_api_token(user)
    reactivate_user(user)
    assert all(token_for(token) is None for token in tokens)
    assert authenticate("kari@alver.no", PASSWORD) is user


def test_a_revoked_token_is_refused_and_only_its_owner_can_lose_it(app):
    kari, eirik = make_user(email="kari@alver.no"), make_user(email="eirik@alver.no")
    kept, revoked = create_api_token(kari), create_api_token(kari)
    revoked_id = token_for(revoked).id
    assert not revoke_api_token(eirik, revoked_id)
    assert token_for(revoked) is not None
    assert revoke_api_token(kari, revoked_id)
    assert token_for(revoked) is None and token_for(kept) is not None
    assert [token.id for token in api_tokens_of(kari)] == [token_for(kept).id]
    assert not revoke_api_token(kari, revoked_id)


def test_the_list_has_the_last_login_and_searches_name_and_address(app):
    kari = make_user(email="kari@alver.no", name="Kari Sæle")
    eirik = make_user(email="eirik_100%@alver.no", name="Eirik Dale")
    make_user(email="anne@alver.no", name="anne Berg")
    oystein = make_user(email="oystein@alver.no", name="Øystein Å")
    for at in (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)):
        audit.record("user.login", user=kari).at = at
    audit.record("user.logout", user=eirik).at = datetime(2026, 11, 25, tzinfo=UTC)
    db.session.flush()
    rows = users_with_last_login(limit=10)
    assert [(user.email, at) for user, at in rows] == [
        ("anne@alver.no", None),
        ("eirik_100%@alver.no", None),
        ("kari@alver.no", datetime(2026, 11, 20, tzinfo=UTC)),
        ("oystein@alver.no", None),
    ]
    assert [user for user, _ in users_with_last_login("øYSTEIN", limit=10)] == [oystein]
    assert [user for user, _ in users_with_last_login("SÆLE", limit=10)] == [kari]
    assert [user for user, _ in users_with_last_login("_100%", limit=10)] == [eirik]
    assert users_with_last_login("%", limit=10) == [(eirik, None)]
    assert users_with_last_login("_", limit=10) == [(eirik, None)]
    assert len(users_with_last_login(limit=2)) == 2


def test_tokens_are_listed_newest_first(app):
    user = make_user(email="kari@alver.no")
    first, second = create_api_token(user), create_api_token(user)
    token_for(first).created_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.flush()
    assert [token.id for token in api_tokens_of(user)] == [
        token_for(second).id,
        token_for(first).id,
    ]
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.user_id != user.id)) is None
