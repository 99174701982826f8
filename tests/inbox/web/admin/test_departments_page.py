"""`/admin/departments`: an administrator lists, adds and changes departments."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Department, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    people = {
        "kari": make_user(frontline, email="kari@alver.no", name="Kari Haugland"),
        "per": make_user(byggesak, email="per@alver.no", name="Per Byggmeister"),
        "admin": make_user(email="admin@alver.no", role=Role.ADMIN, name="Siri"),
    }
    db.session.commit()
    return {"frontline": frontline, "byggesak": byggesak, **people}


def post(client, path: str, data: dict, form_path: str | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, form_path or path), **data})


def department(slug: str) -> Department:
    db.session.rollback()  # end the test's read, which on SQLite still sees the old rows
    return db.session.scalar(select(Department).where(Department.slug == slug))


def fields(**changed) -> dict:
    """The edit form of Byggesak as the page fills it, with ``changed`` typed over it."""
    return {"name": "Byggesak", "slug": "byggesak", "leader": "0", **changed}


@pytest.mark.parametrize("email_address", ["kari@alver.no", "per@alver.no"])
def test_only_admins_reach_the_departments(client, town, email_address):
    log_in(client, email_address)
    assert client.get("/admin/departments").status_code == 403
    assert post(client, "/admin/departments/new", {"slug": "x"}, form_path="/").status_code == 403


def test_the_list_shows_each_department_in_the_readers_language(client, town):
    town["byggesak"].name_en = "Building permits"
    town["admin"].language = "en"
    receive(email())
    db.session.commit()
    log_in(client, "admin@alver.no")
    page = client.get("/admin/departments").get_data(as_text=True)
    assert '<a href="/admin/departments" aria-current="page">Departments</a>' in page
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    cells = [re.findall(r'data-label="[^"]+">(.*?)</td>', row, re.S) for row in rows]
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells[0]] == [
        "Building permits", "byggesak", "No", "Active", "0", "1", "No leader",
    ]  # fmt: skip
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells[1]][:6] == [
        "Innbyggjarservice", "innbyggjarservice", "Yes", "Active", "1", "1",
    ]  # fmt: skip


def test_an_admin_adds_a_department_and_it_is_audited(client, town):
    log_in(client, "admin@alver.no")
    response = post(
        client,
        "/admin/departments/new",
        {"name": "Plan", "name_nb": "Plan", "name_en": "Planning", "slug": "plan",
         "email": "plan@alver.no"},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/departments"
    added = department("plan")
    assert (added.name_en, added.email, added.is_active) == ("Planning", "plan@alver.no", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "department.create"))
    assert event.user_id == town["admin"].id
    assert "Plan er lagd til." in client.get("/admin/departments").get_data(as_text=True)


def test_a_refused_department_is_shown_again_with_what_was_typed_and_the_error(client, town):
    log_in(client, "admin@alver.no")
    response = post(
        client,
        "/admin/departments/new",
        {"name": "Plan og bygg", "name_en": "Planning", "slug": "Plan og bygg"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Plan og bygg"' in page and 'value="Planning"' in page
    error = re.search(r'<p class="error" id="slug-error">([^<]+)</p>', page)
    assert error and "Kortnamnet" in error[1]
    assert 'aria-describedby="slug-hint slug-error"' in page and 'aria-invalid="true"' in page
    assert department("plan-og-bygg") is None


def test_without_the_csrf_token_nothing_is_added(client, town):
    log_in(client, "admin@alver.no")
    response = client.post("/admin/departments/new", data={"name": "Plan", "slug": "plan"})
    assert response.status_code == 400
    assert department("plan") is None


def test_an_admin_changes_names_address_leader_and_who_accepts(client, town):
    log_in(client, "admin@alver.no")
    path = f"/admin/departments/{town['byggesak'].id}"
    page = client.get(path).get_data(as_text=True)
    assert "Per Byggmeister (per@alver.no)" in page  # a member, shown and offered as leader
    assert f'<option value="{town["kari"].id}"' not in page  # not a member: not offered
    response = post(
        client,
        path,
        fields(name_nb="Byggesaker", email="bygg@alver.no", leader=str(town["per"].id),
               is_leader_only="y"),
    )  # fmt: skip
    assert response.status_code == 303
    changed = department("byggesak")
    assert (changed.name_nb, changed.email, changed.leader_id, changed.is_leader_only) == (
        "Byggesaker",
        "bygg@alver.no",
        town["per"].id,
        True,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "department.update"))
    assert event.user_id == town["admin"].id
    assert event.details["changes"]["leader_id"] == town["per"].id
    again = client.get(path).get_data(as_text=True)
    assert f'<option selected value="{town["per"].id}">Per Byggmeister' in again
    assert re.search(r'<input checked id="is_leader_only"', again)


def test_a_leader_from_outside_the_department_is_refused_beside_the_field(client, town):
    log_in(client, "admin@alver.no")
    path = f"/admin/departments/{town['byggesak'].id}"
    response = post(client, path, fields(name="Byggesak og plan", leader=str(town["kari"].id)))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="leader-error">[^<]*kari@alver.no', page)
    assert 'value="Byggesak og plan"' in page
    assert department("byggesak").name == "Byggesak"


def test_the_slug_is_read_only_once_cases_use_the_department(client, town):
    log_in(client, "admin@alver.no")
    free = client.get(f"/admin/departments/{town['byggesak'].id}").get_data(as_text=True)
    assert "readonly" not in free
    path = f"/admin/departments/{town['frontline'].id}"
    receive(email())
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="slug"[^>]*readonly', page)
    response = post(client, path, {"name": "Servicetorget", "slug": "servicetorg", "leader": "0"})
    assert response.status_code == 303
    assert department("innbyggjarservice").name == "Servicetorget"


def test_making_a_department_frontline_on_its_page_moves_the_flag(client, town):
    log_in(client, "admin@alver.no")
    path = f"/admin/departments/{town['byggesak'].id}"
    assert "Innbyggjarservice sluttar å vere førstelinja." in client.get(path).get_data(
        as_text=True
    )
    assert post(client, path, fields(is_frontline="y")).status_code == 303
    assert department("byggesak").is_frontline
    assert not department("innbyggjarservice").is_frontline
    own = client.get(path).get_data(as_text=True)
    assert 'id="is_frontline"' not in own  # the frontline's own page offers no box to untick


def test_deactivating_is_refused_with_the_count_of_open_cases(client, town):
    case = receive(email())
    case.department = town["byggesak"]
    db.session.commit()
    log_in(client, "admin@alver.no")
    path = f"/admin/departments/{town['byggesak'].id}"
    response = post(client, f"{path}/deactivate", {}, form_path=path)
    assert response.status_code == 303 and response.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert "opne saker 1" in page
    assert department("byggesak").is_active


def test_an_empty_department_is_deactivated_and_activated_again(client, town):
    log_in(client, "admin@alver.no")
    path = f"/admin/departments/{town['byggesak'].id}"
    assert post(client, f"{path}/deactivate", {}, form_path=path).status_code == 303
    assert not department("byggesak").is_active
    listed = client.get("/admin/departments").get_data(as_text=True)
    assert "Byggesak er ikkje lenger aktiv" in listed and "Inaktiv" in listed
    assert post(client, f"{path}/activate", {}, form_path=path).status_code == 303
    assert department("byggesak").is_active


def test_an_inactive_department_is_not_offered_for_handovers_or_registration(client, town):
    make_department("plan", name="Plan")
    town["byggesak"].is_active = False
    case = receive(email())
    db.session.commit()
    log_in(client, "admin@alver.no")
    register = client.get("/cases/new").get_data(as_text=True)
    assert ">Plan</option>" in register and ">Byggesak</option>" not in register
    case_page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert ">Plan</option>" in case_page and ">Byggesak</option>" not in case_page


def test_pages_show_the_department_name_in_the_readers_language(client, town):
    town["frontline"].name_nb = "Innbyggertorget"
    town["frontline"].name_en = "Citizen services"
    town["kari"].language = "en"
    case = receive(email())
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert "Citizen services" in client.get("/").get_data(as_text=True)
    assert "Citizen services" in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    client.post("/language", data={"language": "nb", "csrf_token": csrf_token(client, "/")})
    assert "Innbyggertorget" in client.get(f"/cases/{case.reference}").get_data(as_text=True)
