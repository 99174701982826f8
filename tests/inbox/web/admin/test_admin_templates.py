"""/admin/templates through the Flask client: list, add, preview, change, deactivate and
delete stored templates; the configuration file's listed read-only."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from inbox.cases.template_admin import TemplateFields, add_template
from inbox.extensions import db
from inbox.models import AuditEvent, Role, StoredTemplate
from inbox.settings.config import ReplyTemplate
from tests.factories import make_department, make_user
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    admin = make_user(role=Role.ADMIN, email="admin@alver.no", name="Ada Admin")
    make_user(frontline, email="kari@alver.no")
    db.session.commit()
    return {"frontline": frontline, "byggesak": byggesak, "admin": admin}


@pytest.fixture
def admin_client(client, town):
    log_in(client, "admin@alver.no")
    return client


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/admin/templates"), **data})


def _stored() -> list[StoredTemplate]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(select(StoredTemplate).order_by(StoredTemplate.id)))


def test_staff_cannot_reach_the_templates(client, town):
    log_in(client, "kari@alver.no")
    assert client.get("/admin/templates").status_code == 403
    assert client.get("/admin/templates/new").status_code == 403


def test_an_admin_adds_a_template_and_it_is_listed_and_audited(admin_client, town):
    response = _post(
        admin_client,
        "/admin/templates/new",
        title="Søknaden er motteken",
        department=str(town["byggesak"].id),
        language="nn",
        text="Takk for søknaden. Saka har nummer {reference}.",
        action="save",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/templates"
    (made,) = _stored()
    assert (made.title, made.department.slug, made.language, made.is_active) == (
        "Søknaden er motteken",
        "byggesak",
        "nn",
        True,
    )
    assert made.created_by.email == "admin@alver.no"
    page = admin_client.get("/admin/templates").get_data(as_text=True)
    assert "«Søknaden er motteken» er lagra." in page
    assert "<h3>Søknaden er motteken</h3>" in page and "<dd>Byggesak</dd>" in page
    assert "Saka har nummer 2026-000123." in page  # the preview with example values
    assert f'href="/admin/templates/{made.id}"' in page
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reply_template.create")
    )
    assert event.user.email == "admin@alver.no" and event.details["template"] == made.id


def test_an_unknown_placeholder_is_refused_on_the_text_field_with_the_input_kept(admin_client):
    response = _post(
        admin_client,
        "/admin/templates/new",
        title="Takk",
        department="0",
        language="nb",
        text="Hei {navn}, takk.",
        action="save",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and _stored() == []
    assert (
        '<p class="error" id="text-error">Teksten bruker {navn}, som ikkje er ein plasshaldar.'
        in page
    )
    assert 'aria-describedby="text-hint text-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Takk"' in page and "\nHei {navn}, takk.</textarea>" in page
    assert '<option selected value="nb">Bokmål</option>' in page


def test_an_empty_title_is_refused_with_the_text_kept(admin_client):
    response = _post(
        admin_client,
        "/admin/templates/new",
        title="",
        department="0",
        language="nn",
        text="Takk.",
        action="save",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and _stored() == []
    assert '<p class="error" id="title-error">Skriv ein tittel.</p>' in page
    assert "\nTakk.</textarea>" in page


def test_a_preview_fills_in_example_values_in_the_templates_language_and_saves_nothing(
    admin_client,
):
    response = _post(
        admin_client,
        "/admin/templates/new",
        title="Frist",
        department="0",
        language="en",
        text="<b>Case</b> {reference}: by {due}.",
        action="preview",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _stored() == []
    assert "Førehandsvising på English, med dømeverdiar (ikkje lagra enno)" in page
    assert (
        '<div class="preview-text">&lt;b&gt;Case&lt;/b&gt; 2026-000123: by Friday, '
        "27 November 2026 at 15:00.</div>" in page
    )
    assert "<b>Case</b>" not in page


def test_an_admin_changes_a_template_and_the_page_says_who_made_and_changed_it(admin_client, town):
    made = add_template(TemplateFields("Takk", None, "nn", "Takk."), town["admin"])
    db.session.commit()
    path = f"/admin/templates/{made.id}"
    form = admin_client.get(path).get_data(as_text=True)
    assert 'value="Takk"' in form and "Ada Admin" in form
    response = _post(
        admin_client,
        path,
        title="Takk for meldinga",
        department=str(town["frontline"].id),
        language="nn",
        text="Takk for meldinga.",
        action="save",
    )
    assert response.status_code == 302
    (changed,) = _stored()
    assert (changed.title, changed.department.slug, changed.text) == (
        "Takk for meldinga",
        "innbyggjarservice",
        "Takk for meldinga.",
    )
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("reply%")))
    assert list(actions) == ["reply_template.create", "reply_template.update"]


def test_deactivating_keeps_the_template_and_says_so(admin_client, town):
    made = add_template(TemplateFields("Takk", None, "nn", "Takk."), town["admin"])
    db.session.commit()
    response = _post(admin_client, f"/admin/templates/{made.id}/active", active="no")
    assert response.status_code == 302
    (kept,) = _stored()
    assert not kept.is_active
    page = admin_client.get("/admin/templates").get_data(as_text=True)
    assert "«Takk» er deaktivert: teken vare på, men ikkje tilboden." in page
    assert "Deaktivert: blir ikkje tilboden" in page and "Aktiver «Takk»" in page
    _post(admin_client, f"/admin/templates/{made.id}/active", active="yes")
    assert _stored()[0].is_active


def test_deleting_needs_the_box_ticked(admin_client, town):
    made = add_template(TemplateFields("Takk", None, "nn", "Takk."), town["admin"])
    db.session.commit()
    form = f"/admin/templates/{made.id}"
    refused = _post(admin_client, f"{form}/delete")
    assert refused.headers["Location"] == form and len(_stored()) == 1
    assert "kryss av for «Ja, slett denne malen» først" in admin_client.get(form).get_data(
        as_text=True
    )
    deleted = _post(admin_client, f"{form}/delete", confirm="y")
    assert deleted.headers["Location"] == "/admin/templates" and _stored() == []
    assert "«Takk» er sletta." in admin_client.get("/admin/templates").get_data(as_text=True)
    assert admin_client.get(form).status_code == 404


def test_a_change_without_the_csrf_token_is_refused(admin_client, town):
    made = add_template(TemplateFields("Takk", None, "nn", "Takk."), town["admin"])
    db.session.commit()
    for path, data in [
        (f"/admin/templates/{made.id}/delete", {"confirm": "y"}),
        (f"/admin/templates/{made.id}/active", {"active": "no"}),
        (f"/admin/templates/{made.id}", {"title": "x", "department": "0", "language": "nn"}),
        ("/admin/templates/new", {"title": "x", "department": "0", "language": "nn"}),
    ]:
        forged = admin_client.post(path, data={**data, "text": "x", "action": "save"})
        assert forged.status_code == 400, path
    (kept,) = _stored()
    assert (kept.title, kept.is_active) == ("Takk", True)


def test_configuration_templates_are_listed_read_only_with_their_key_and_file(
    admin_client, app, town
):
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"],
        source=Path("/etc/svarfrist/svarfrist.toml"),
        templates=(
            ReplyTemplate("Frå fila", "Takk, {municipality}.", "nn", None),
            ReplyTemplate("Ukjend avdeling", "Hei.", "nn", "finst-ikkje"),
        ),
    )
    add_template(TemplateFields("Lagra", None, "nn", "Lagra."), town["admin"])
    db.session.commit()
    page = admin_client.get("/admin/templates").get_data(as_text=True)
    items = re.findall(r'<li class="template-item">(.*?)</li>', page, re.S)
    from_file = next(item for item in items if "<h3>Frå fila</h3>" in item)
    assert "Frå konfigurasjonsfila" in from_file and "Takk, Alver kommune." in from_file
    assert (
        "endre han under [[templates]] (templates[0]) i /etc/svarfrist/svarfrist.toml" in from_file
    )
    assert "/admin/templates/" not in from_file  # no change button, no deactivate form
    unknown = next(item for item in items if "Ukjend avdeling" in item)
    assert "«finst-ikkje»: ingen avdeling har dette kortnamnet" in unknown


def test_the_list_filters_by_department_and_language(admin_client, town):
    add_template(TemplateFields("For alle", None, "nn", "x"), town["admin"])
    add_template(TemplateFields("For bygg", town["byggesak"], "nn", "x"), town["admin"])
    add_template(TemplateFields("Bokmål for front", town["frontline"], "nb", "x"), town["admin"])
    db.session.commit()
    byggesak = admin_client.get(f"/admin/templates?department={town['byggesak'].id}")
    titles = re.findall(r"<h3>(.*?)</h3>", byggesak.get_data(as_text=True))
    assert titles == ["For alle", "For bygg"]
    bokmal = admin_client.get("/admin/templates?language=nb").get_data(as_text=True)
    assert re.findall(r"<h3>(.*?)</h3>", bokmal) == ["Bokmål for front"]
    assert '<option selected value="nb">Bokmål</option>' in bokmal
    none = admin_client.get(f"/admin/templates?department={town['byggesak'].id}&language=en")
    assert "Ingen mal passar med valet ovanfor." in none.get_data(as_text=True)


def test_the_placeholders_are_listed_with_what_each_becomes(admin_client):
    page = admin_client.get("/admin/templates/new").get_data(as_text=True)
    assert "<code>{reference}</code>" in page and "saksnummeret" in page
    assert "<code>{due_date}</code>" in page and "fredag 27. november 2026" in page
    assert "Alver kommune" in page
