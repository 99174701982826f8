"""`/admin/users`: listing, adding and changing users, passwords, deactivation and API tokens,
through the real forms (CSRF included), as an administrator's browser would."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from inbox.extensions import db
from inbox.models import AuditEvent, Role, User
from inbox.people.users import authenticate, create_api_token, token_for, user_with_email
from tests.conftest import FreshContextClient
from tests.factories import PASSWORD, make_department, make_user
from tests.inbox.web_helpers import log_in

FORM_TOKEN = re.compile(r'<form method="post" action="([^"]+)"[^>]*>\s*<input[^>]*value="([^"]+)"')
NEW_PASSWORD = "eit heilt nytt passord"


@pytest.fixture
def town(app):
    skule = make_department("skule", name="Skule og barnehage")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(skule, email="kari@alver.no", name="Kari Sæle")
    admin = make_user(role=Role.ADMIN, email="admin@alver.no", name="Svein Admin")
    db.session.commit()
    return {"skule": skule, "byggesak": byggesak, "kari": kari, "admin": admin}


@pytest.fixture
def admin_client(client, town):
    log_in(client, "admin@alver.no")
    return client


def tokens_of(client, path: str) -> dict[str, str]:
    """The CSRF token of every form on the page at ``path``, by the form's action."""
    return dict(FORM_TOKEN.findall(client.get(path).get_data(as_text=True)))


def post(client, page: str, action: str, **fields):
    return client.post(action, data={**fields, "csrf_token": tokens_of(client, page)[action]})


def post_details(client, user: User, **changes):
    page = f"/admin/users/{user.id}"
    fields = {
        "details-name": user.name,
        "details-email": user.email,
        "details-role": user.role.value,
        "details-departments": [str(d.id) for d in user.departments],
        "details-language": user.language,
    }
    fields.update({f"details-{key}": value for key, value in changes.items()})
    csrf = tokens_of(client, page)[page]
    return client.post(page, data={**fields, "details-csrf_token": csrf})


def post_password(client, user: User, **fields):
    page, action = f"/admin/users/{user.id}", f"/admin/users/{user.id}/password"
    csrf = tokens_of(client, page)[action]
    data = {f"password-{key}": value for key, value in fields.items()}
    return client.post(action, data={**data, "password-csrf_token": csrf})


def add_user(client, **fields):
    csrf = tokens_of(client, "/admin/users/new")["/admin/users/new"]
    return client.post("/admin/users/new", data={**fields, "csrf_token": csrf})


def fresh() -> None:
    """See what the requests committed: end the test's own transaction and forget its rows."""
    db.session.rollback()


def row_of(page: str, user: User) -> str:
    start = page.index(f'<a href="/admin/users/{user.id}">')
    return page[start:].split("</tr>")[0]


def audited(action: str) -> list[AuditEvent]:
    fresh()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_list_shows_names_roles_departments_state_and_last_login(admin_client, town):
    eirik = make_user(town["byggesak"], email="eirik@alver.no", name="Eirik", role=Role.LEADER)
    db.session.commit()
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "<h1>Brukarar</h1>" in page and 'aria-current="page">Brukarar</a>' in page
    row = row_of(page, town["kari"])
    assert "kari@alver.no" in row and "Sakshandsamar" in row and "Skule og barnehage" in row
    assert "Aktiv" in row and "Ikkje kjend" in row  # never logged in
    admin_row = row_of(page, town["admin"])
    assert "Administrator" in admin_row and "<time" in admin_row  # logged in just now
    leader_row = row_of(page, eirik)
    assert "Leiar" in leader_row and "Byggesak" in leader_row
    found = admin_client.get("/admin/users?q=SÆLE").get_data(as_text=True)
    assert "Kari Sæle" in found and "Eirik" not in found
    assert "1 brukar har «SÆLE» i namnet eller adressa." in found


def test_staff_cannot_reach_the_user_pages_nor_change_anyone(client, town):
    log_in(client, "kari@alver.no")
    assert client.get("/admin/users").status_code == 403
    csrf = tokens_of(client, "/")["/logout"]
    response = client.post(f"/admin/users/{town['admin'].id}/deactivate", data={"csrf_token": csrf})
    assert response.status_code == 403
    fresh()
    assert user_with_email("admin@alver.no").is_enabled


def test_an_admin_adds_a_leader_in_two_departments_with_a_password(admin_client, town):
    response = add_user(
        admin_client,
        name="Siri Haukeland",
        email="Siri@Alver.no",
        role="leader",
        departments=[str(town["skule"].id), str(town["byggesak"].id)],
        language="nb",
        sign_in="password",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )
    assert response.status_code == 302
    fresh()
    siri = authenticate("siri@alver.no", NEW_PASSWORD)
    assert siri is not None and siri.role == Role.LEADER and siri.language == "nb"
    assert siri.department_ids == {town["skule"].id, town["byggesak"].id}
    (event,) = audited("user.create")
    assert event.user_id == town["admin"].id and event.details["target_user_id"] == siri.id
    assert NEW_PASSWORD not in str(event.details)
    shown = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Siri Haukeland kan no bruke Svarfrist." in shown
    for department in ("skule", "byggesak"):
        assert re.search(rf'checked[^>]*value="{town[department].id}"', shown), department
    assert re.search(r'checked[^>]*value="leader"', shown)
    assert '<option selected value="nb">' in shown


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        (
            {"email": "kari@alver.no"},
            "email",
            "Ein annan brukar har alt denne e-postadressa.",
        ),
        ({"password": "kort", "password_again": "kort"}, "password", "minst 10 teikn"),
        (
            {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"},
            "password_again",
            "Dei to passorda er ulike",
        ),
        ({"email": "siri alver.no"}, "email", "Skriv ei e-postadresse"),
        ({"name": ""}, "name", "Skriv namnet til personen."),
    ],
)
def test_a_refused_new_user_is_shown_again_with_what_was_typed_but_the_password(
    admin_client, town, fields, field, error
):
    typed = {
        "name": "Siri Haukeland",
        "email": "siri@alver.no",
        "role": "leader",
        "departments": [str(town["byggesak"].id)],
        "language": "nb",
        "sign_in": "password",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **fields,
    }
    response = add_user(admin_client, **typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">' in page and error in page
    assert re.search(rf'aria-describedby="[^"]*{field}-error"', page)
    assert 'role="alert"' in page
    if typed["name"]:
        assert 'value="Siri Haukeland"' in page
    assert f'value="{typed["email"]}"' in page
    assert f'value="{town["byggesak"].id}" checked' in page or re.search(
        rf'checked[^>]*value="{town["byggesak"].id}"', page
    )
    assert NEW_PASSWORD not in page
    assert db.session.scalar(select(User).where(User.name == "Siri Haukeland")) is None


@pytest.mark.parametrize("password", ["", PASSWORD, "any password at all"])
def test_a_user_added_without_a_password_can_never_log_in_with_one(
    admin_client, client, town, password
):
    response = add_user(
        admin_client,
        name="Ida Idp",
        email="ida@alver.no",
        role="staff",
        language="nn",
        sign_in="none",
    )
    assert response.status_code == 302
    fresh()
    assert user_with_email("ida@alver.no").password_hash is None
    admin_client.post("/logout", data={"csrf_token": tokens_of(admin_client, "/")["/logout"]})
    refused = log_in(client, "ida@alver.no", password)
    assert refused.status_code in (400, 401)
    assert client.get("/").status_code == 302  # still not logged in


def test_choosing_no_password_and_typing_one_is_refused(admin_client, town):
    response = add_user(
        admin_client,
        name="Ida Idp",
        email="ida@alver.no",
        role="staff",
        language="nn",
        sign_in="none",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )
    assert response.status_code == 400
    assert "Du valde inkje passord" in response.get_data(as_text=True)
    fresh()
    assert user_with_email("ida@alver.no") is None


def test_an_admin_changes_name_address_role_departments_and_language(admin_client, town):
    kari = town["kari"]
    response = post_details(
        admin_client,
        kari,
        name="Kari Sæle Berg",
        email="kari.berg@alver.no",
        role="leader",
        departments=[str(town["byggesak"].id)],
        language="en",
    )
    assert response.status_code == 302
    fresh()
    kari = user_with_email("kari.berg@alver.no")
    assert (kari.name, kari.role, kari.language) == ("Kari Sæle Berg", Role.LEADER, "en")
    assert kari.department_ids == {town["byggesak"].id}
    (event,) = audited("user.update")
    assert event.user_id == town["admin"].id and event.details["target_user_id"] == kari.id
    assert event.details["changed"] == ["email", "name", "role", "language", "departments"]


def test_a_refused_change_keeps_what_was_typed(admin_client, town):
    make_user(email="eirik@alver.no")
    db.session.commit()
    response = post_details(admin_client, town["kari"], name="Kari Ny", email="eirik@alver.no")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Kari Ny"' in page and 'value="eirik@alver.no"' in page
    assert "Ein annan brukar har alt denne e-postadressa." in page
    fresh()
    assert user_with_email("kari@alver.no").name == "Kari Sæle"


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(admin_client, town):
    admin = town["admin"]
    demoted = post_details(admin_client, admin, role="staff")
    assert demoted.status_code == 400
    assert "Svein Admin er den siste aktive administratoren" in demoted.get_data(as_text=True)
    page = f"/admin/users/{admin.id}"
    deactivated = post(admin_client, page, f"{page}/deactivate")
    assert deactivated.status_code == 409
    assert "den siste aktive administratoren" in deactivated.get_data(as_text=True)
    fresh()
    admin = user_with_email("admin@alver.no")
    assert admin.role == Role.ADMIN and admin.is_enabled
    assert audited("user.update") == [] and audited("user.deactivate") == []


def test_with_another_admin_an_admin_may_step_down(admin_client, town):
    make_user(role=Role.ADMIN, email="other@alver.no")
    db.session.commit()
    assert post_details(admin_client, town["admin"], role="staff").status_code == 302
    fresh()
    assert user_with_email("admin@alver.no").role == Role.STAFF
    assert admin_client.get("/admin/users").status_code == 403


def test_deactivation_ends_the_users_browser_session_and_token_at_once(app, admin_client, town):
    kari_browser = app.test_client()
    log_in(kari_browser, "kari@alver.no")
    assert kari_browser.get("/").status_code == 200
    token = create_api_token(town["kari"])
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert kari_browser.get("/api/v1/cases", headers=bearer).status_code == 200

    page = f"/admin/users/{town['kari'].id}"
    assert post(admin_client, page, f"{page}/deactivate").status_code == 302

    refused = kari_browser.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert app.test_client().get("/api/v1/cases", headers=bearer).status_code == 401
    (event,) = audited("user.deactivate")
    assert event.user_id == town["admin"].id
    assert event.details == {"target_user_id": town["kari"].id, "tokens_revoked": 1}
    shown = admin_client.get(page).get_data(as_text=True)
    assert "Deaktivert: kan ikkje logge inn" in shown and "Ingen API-nøklar." in shown

    # Reactivated, the old session and the old token stay ended; a new login works.
    assert post(admin_client, page, f"{page}/reactivate").status_code == 302
    assert kari_browser.get("/").status_code == 302
    assert app.test_client().get("/api/v1/cases", headers=bearer).status_code == 401
    log_in(kari_browser, "kari@alver.no")
    assert kari_browser.get("/").status_code == 200
    assert len(audited("user.reactivate")) == 1


def test_a_new_password_works_and_ends_the_users_sessions(app, admin_client, town):
    kari_browser = app.test_client()
    log_in(kari_browser, "kari@alver.no")
    response = post_password(
        admin_client,
        town["kari"],
        sign_in="password",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )
    assert response.status_code == 302
    assert kari_browser.get("/").status_code == 302
    fresh()
    assert authenticate("kari@alver.no", PASSWORD) is None
    assert authenticate("kari@alver.no", NEW_PASSWORD) is not None
    (event,) = audited("user.password_set")
    assert event.details == {"target_user_id": town["kari"].id, "has_password": True}


def test_an_admin_setting_their_own_password_stays_logged_in(admin_client, town):
    response = post_password(
        admin_client,
        town["admin"],
        sign_in="password",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )
    assert response.status_code == 302
    assert admin_client.get("/admin/users").status_code == 200
    fresh()
    assert authenticate("admin@alver.no", NEW_PASSWORD) is not None


def test_a_refused_password_changes_nothing_and_is_not_shown(admin_client, town):
    response = post_password(
        admin_client, town["kari"], sign_in="password", password="kort", password_again="kort"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="password-password-error"' in page and "minst 10 teikn" in page
    assert 'value="kort"' not in page
    fresh()
    assert authenticate("kari@alver.no", PASSWORD) is not None


def test_removing_the_password_leaves_no_way_to_log_in_with_one(admin_client, client, town):
    assert post_password(admin_client, town["kari"], sign_in="none").status_code == 302
    fresh()
    assert authenticate("kari@alver.no", PASSWORD) is None
    assert user_with_email("kari@alver.no").password_hash is None
    shown = admin_client.get(f"/admin/users/{town['kari'].id}").get_data(as_text=True)
    assert "Har ikkje passord, og kan derfor ikkje logge inn med eit." in shown


def test_a_token_is_shown_once_listed_with_its_use_and_revoked_at_once(app, admin_client, town):
    page = f"/admin/users/{town['kari'].id}"
    created = post(admin_client, page, f"{page}/tokens")
    shown = created.get_data(as_text=True)
    assert created.status_code == 200
    token = re.search(r'<code class="token" id="new-token">(svf_[^<]+)</code>', shown)[1]
    assert "Kopier nøkkelen no: han blir ikkje vist igjen." in shown
    assert created.headers["Cache-Control"] == "no-store"
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/cases", headers=bearer).status_code == 200

    listed = admin_client.get(page).get_data(as_text=True)
    fresh()
    assert token not in listed
    assert "1 nøkkel, nyaste først" in listed and "Aldri" not in listed  # used just now
    token_id = token_for(token).id
    (event,) = audited("user.token_create")
    assert event.user_id == town["admin"].id
    assert event.details == {"target_user_id": town["kari"].id, "token_id": token_id}

    revoked = post(admin_client, page, f"{page}/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert app.test_client().get("/api/v1/cases", headers=bearer).status_code == 401
    assert "Ingen API-nøklar." in admin_client.get(page).get_data(as_text=True)
    (event,) = audited("user.token_revoke")
    assert event.details == {"target_user_id": town["kari"].id, "token_id": token_id}


def test_another_users_token_cannot_be_revoked_through_this_users_page(admin_client, town):
    token = create_api_token(town["admin"])
    db.session.commit()
    page = f"/admin/users/{town['kari'].id}"
    action = f"{page}/tokens/{token_for(token).id}/revoke"
    response = admin_client.post(action, data={"csrf_token": tokens_of(admin_client, page)[page]})
    assert response.status_code == 302
    fresh()
    assert token_for(token) is not None and audited("user.token_revoke") == []


def test_a_change_without_the_csrf_token_is_refused(admin_client, town):
    page = f"/admin/users/{town['kari'].id}"
    assert admin_client.post(f"{page}/deactivate", data={}).status_code == 400
    assert admin_client.post(f"{page}/tokens", data={}).status_code == 400
    response = admin_client.post(
        page,
        data={"details-name": "X", "details-email": "x@alver.no", "details-role": "admin"},
    )
    assert response.status_code == 400
    fresh()
    kari = user_with_email("kari@alver.no")
    assert kari.is_enabled and kari.role == Role.STAFF and kari.name == "Kari Sæle"


def test_an_unknown_user_is_not_found(admin_client, town):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert admin_client.get("/admin/users/99999999999999999999").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "role"),
    [("nb", "Brukere", "Saksbehandler"), ("en", "Users", "Staff")],
)
def test_the_pages_speak_bokmal_and_english(client, town, language, heading, role):
    admin = user_with_email("admin@alver.no")
    admin.language = language
    db.session.commit()
    log_in(client, "admin@alver.no")
    listed = client.get("/admin/users").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in listed and role in listed
    assert client.get(f"/admin/users/{town['kari'].id}").status_code == 200
    assert client.get("/admin/users/new").status_code == 200


def test_two_admins_demoting_themselves_at_once_leave_one_admin(app, town):
    second = make_user(role=Role.ADMIN, email="other@alver.no", name="Olav Admin")
    db.session.commit()
    admins = [town["admin"], second]
    app.test_client_class = FreshContextClient
    clients = []
    for admin in admins:
        browser = app.test_client()
        log_in(browser, admin.email)
        clients.append((browser, admin))
    posts = []
    for browser, admin in clients:
        path = f"/admin/users/{admin.id}"
        data = {
            "details-name": admin.name,
            "details-email": admin.email,
            "details-role": "staff",
            "details-language": "nn",
            "details-csrf_token": tokens_of(browser, path)[path],
        }
        posts.append((browser, path, data))
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []

    def demote(browser, path, data) -> None:
        barrier.wait(timeout=30)
        statuses.append(browser.post(path, data=data).status_code)

    threads = [threading.Thread(target=demote, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 400]
    fresh()
    assert db.session.scalar(select(func.count()).where(User.role == Role.ADMIN)) == 1
