"""Reply templates: stored ones made, changed, deactivated and deleted (audited); the case
page's picker merges them with the configuration file's, for the case's department and
language, with the placeholders filled in."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from inbox.cases.replies import reply
from inbox.cases.reply_templates import template_text, templates_for
from inbox.cases.template_admin import (
    TemplateError,
    TemplateFields,
    add_template,
    change_template,
    delete_template,
    listed_templates,
    set_active,
)
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Role, StoredTemplate
from inbox.settings.config import ReplyTemplate
from inbox.settings.placeholders import PlaceholderError
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    kari = make_user(frontline, email="kari@alver.no")
    case = receive(email(received_at=datetime(2026, 11, 23, 11, 0, tzinfo=OSLO)))
    db.session.commit()
    return {
        "frontline": frontline,
        "byggesak": byggesak,
        "admin": admin,
        "kari": kari,
        "case": case,
    }


def _configured(app, *templates: ReplyTemplate) -> None:
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], templates=templates)


def _actions() -> list[tuple[str, dict]]:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, e.details) for e in events if e.action.startswith("reply_template.")]


def test_a_template_is_made_changed_deactivated_and_deleted_each_audited(town):
    admin = town["admin"]
    made = add_template(
        TemplateFields("  Takk  ", town["byggesak"], "nn", "Takk, {reference}."), admin, "10.0.0.1"
    )
    assert (made.title, made.department, made.is_active) == ("Takk", town["byggesak"], True)
    assert made.created_at == made.updated_at == NOW and made.created_by == admin
    change_template(made, TemplateFields("Takk", None, "nb", "Takk for meldingen."), admin)
    set_active(made, False, admin)
    set_active(made, True, admin)
    template_id = made.id
    delete_template(made, admin)
    db.session.commit()
    assert db.session.get(StoredTemplate, template_id) is None
    assert _actions() == [
        (
            "reply_template.create",
            {"template": template_id, "title": "Takk", "department": "byggesak", "language": "nn"},
        ),
        (
            "reply_template.update",
            {"template": template_id, "title": "Takk", "department": None, "language": "nb"},
        ),
        *[
            (
                action,
                {"template": template_id, "title": "Takk", "department": None, "language": "nb"},
            )
            for action in (
                "reply_template.deactivate",
                "reply_template.activate",
                "reply_template.delete",
            )
        ],
    ]


def test_an_unknown_placeholder_is_refused_by_name_and_nothing_is_stored(town):
    with pytest.raises(PlaceholderError) as refused:
        add_template(TemplateFields("Takk", None, "nn", "Hei {namn}!"), town["admin"])
    assert refused.value.placeholder == "{namn}"
    assert db.session.scalars(select(StoredTemplate)).all() == [] and _actions() == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (TemplateFields(" ", None, "nn", "x"), "title"),
        (TemplateFields("x" * 201, None, "nn", "x"), "title"),
        (TemplateFields("Takk", None, "de", "x"), "language"),
        (TemplateFields("Takk", None, "nn", "  \n"), "text"),
    ],
)
def test_a_template_without_what_it_needs_is_refused_naming_the_field(town, fields, field):
    with pytest.raises(TemplateError) as refused:
        add_template(fields, town["admin"])
    assert refused.value.field == field


def test_the_picker_offers_stored_then_configured_templates_for_the_case(town, app):
    admin, case = town["admin"], town["case"]
    _configured(
        app,
        ReplyTemplate("Frå fila", "Takk frå fila.", "nn", None),
        ReplyTemplate("Bygg i fila", "Byggesak.", "nn", "byggesak"),
        ReplyTemplate("Bokmål i fila", "Takk.", "nb", None),
    )
    for title, department, language in [
        ("Øvst i alfabetet", None, "nn"),
        ("Alle", None, "nn"),
        ("Eiga avdeling", town["frontline"], "nn"),
        ("Byggesak", town["byggesak"], "nn"),
        ("Bokmål", None, "nb"),
    ]:
        add_template(TemplateFields(title, department, language, f"{title}."), admin)
    inactive = add_template(TemplateFields("Gammal", None, "nn", "Gammal."), admin)
    set_active(inactive, False, admin)
    db.session.commit()
    offered = [(t.title, t.is_from_config) for t in templates_for(case)]
    assert offered == [
        ("Alle", False),
        ("Eiga avdeling", False),
        ("Øvst i alfabetet", False),
        ("Frå fila", True),
    ]
    case.language = "nb"
    assert [t.title for t in templates_for(case)] == ["Bokmål", "Bokmål i fila"]


def test_a_picked_template_is_filled_in_with_the_case_values(town, app):
    case = town["case"]
    made = add_template(
        TemplateFields(
            "Frist", None, "nn", "Sak {reference} hos {municipality}: svar innan {due}."
        ),
        town["admin"],
    )
    _configured(app, ReplyTemplate("Fil", "Innan {due_date}.", "nn", None))
    db.session.commit()
    filled = template_text(case, str(made.id))
    assert filled.text == (
        f"Sak {case.reference} hos Alver kommune: svar innan måndag 30. november 2026 kl. 15:00."
    )
    assert filled.left_as_written == ()
    assert template_text(case, "config-0").text == "Innan måndag 30. november 2026."
    assert template_text(case, "config-1") is None
    assert template_text(case, "999") is None and template_text(case, None) is None


def test_without_an_open_promise_the_due_time_is_left_as_written_and_named(town):
    case = town["case"]
    made = add_template(TemplateFields("Frist", None, "nn", "{reference}: {due}"), town["admin"])
    reply(case, town["kari"], "Svar.")
    db.session.commit()
    filled = template_text(case, str(made.id))
    assert filled.text == f"{case.reference}: {{due}}" and filled.left_as_written == ("{due}",)


def test_a_template_for_another_department_or_inactive_is_not_picked(town):
    admin, case = town["admin"], town["case"]
    other = add_template(TemplateFields("Bygg", town["byggesak"], "nn", "Bygg."), admin)
    old = add_template(TemplateFields("Gammal", None, "nn", "Gammal."), admin)
    set_active(old, False, admin)
    db.session.commit()
    assert template_text(case, str(other.id)) is None and template_text(case, str(old.id)) is None


def test_the_list_has_every_template_and_filters_by_department_and_language(town, app):
    admin = town["admin"]
    _configured(
        app,
        ReplyTemplate("Fil for bygg", "x", "nn", "byggesak"),
        ReplyTemplate("Fil for ukjend", "x", "en", "finst-ikkje"),
    )
    add_template(TemplateFields("Alle", None, "nn", "x"), admin)
    add_template(TemplateFields("Bygg", town["byggesak"], "nn", "x"), admin)
    add_template(TemplateFields("Front", town["frontline"], "nb", "x"), admin)
    db.session.commit()
    every = listed_templates()
    assert [(t.title, t.config_index) for t in every] == [
        ("Alle", None),
        ("Bygg", None),
        ("Front", None),
        ("Fil for bygg", 0),
        ("Fil for ukjend", 1),
    ]
    unknown = every[-1]
    assert unknown.department is None and unknown.department_slug == "finst-ikkje"
    assert every[-2].department == town["byggesak"]
    in_byggesak = [t.title for t in listed_templates(town["byggesak"])]
    assert in_byggesak == ["Alle", "Bygg", "Fil for bygg"]
    assert [t.title for t in listed_templates(language="nb")] == ["Front"]
    assert [t.title for t in listed_templates(town["frontline"], "nn")] == ["Alle"]
