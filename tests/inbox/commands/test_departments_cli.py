"""`svarfrist departments add | list | update`, through the app's own CLI runner."""

from __future__ import annotations

from sqlalchemy import select

from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Department
from inbox.people.departments import department_with_slug
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["departments", *args])
    db.session.expire_all()  # the command committed in its own session's view
    return result


def test_add_creates_a_department_with_its_names_and_address(app):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    result = run(
        app,
        "add",
        "--slug",
        "byggesak",
        "--name",
        "Byggesak",
        "--name-nb",
        "Byggesaker",
        "--name-en",
        "Building permits",
        "--email",
        "byggesak@alver.no",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "added byggesak (Byggesak)\n"
    added = department_with_slug("byggesak")
    assert (added.name_nb, added.name_en, added.email) == (
        "Byggesaker",
        "Building permits",
        "byggesak@alver.no",
    )
    assert db.session.scalar(select(AuditEvent.action)) == "department.create"


def test_add_with_frontline_moves_the_flag(app):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    result = run(app, "add", "--slug", "servicetorg", "--name", "Servicetorg", "--frontline")
    assert result.exit_code == 0, result.output
    assert "added servicetorg (Servicetorg; frontline)" in result.output
    frontline = db.session.scalars(select(Department.slug).where(Department.is_frontline))
    assert list(frontline) == ["servicetorg"]


def test_bad_input_exits_non_zero_naming_the_option(app):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    bad_slug = run(app, "add", "--slug", "Bygge Sak", "--name", "Byggesak")
    assert bad_slug.exit_code == 1
    assert bad_slug.output.startswith("error: --slug: The slug may only hold lower-case letters")
    bad_email = run(app, "add", "--slug", "plan", "--name", "Plan", "--email", "plan")
    assert bad_email.exit_code == 1 and "error: --email: " in bad_email.output
    taken = run(app, "add", "--slug", "innbyggjarservice", "--name", "Igjen")
    assert taken.exit_code == 1 and "error: --slug: Another department" in taken.output
    assert db.session.scalar(select(Department.slug).where(Department.slug == "plan")) is None


def test_the_first_department_must_be_added_as_frontline(app):
    result = run(app, "add", "--slug", "byggesak", "--name", "Byggesak")
    assert result.exit_code == 1
    assert "error: --frontline: No department receives new cases yet" in result.output


def test_list_shows_names_slug_frontline_state_open_cases_and_members(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_department("byggesak", name="Byggesak").name_en = "Building permits"
    leader = make_user(frontline, email="kari@alver.no")
    frontline.leader = leader
    receive(email())
    db.session.commit()
    lines = run(app, "list").output.splitlines()
    assert lines[0].split() == [
        "slug", "name", "(nn)", "nb", "en", "frontline", "active", "open", "cases", "members",
        "leader",
    ]  # fmt: skip
    assert lines[1].split() == ["byggesak", "Byggesak", "-", "Building", "permits", "no", "yes",
                                "0", "0", "-"]  # fmt: skip
    assert lines[2].split() == ["innbyggjarservice", "Innbyggjarservice", "-", "-", "yes", "yes",
                                "1", "1", "kari@alver.no"]  # fmt: skip
    assert lines[1].index("Building") == lines[0].index("en")  # a table: columns line up


def test_list_of_an_empty_database_says_how_to_begin(app):
    assert "svarfrist setup" in run(app, "list").output


def test_update_changes_what_is_given_and_says_what_changed(app):
    make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak", name="Byggesak")
    make_user(byggesak, email="per@alver.no")
    db.session.commit()
    result = run(
        app,
        "update",
        "byggesak",
        "--name-en",
        "Building permits",
        "--leader",
        "Per@Alver.no",
        "--leader-only",
        "--frontline",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "updated byggesak: name_en='Building permits', leader=per@alver.no, "
        "is_leader_only=yes, is_frontline=yes\n"
    )
    changed = department_with_slug("byggesak")
    assert (
        changed.is_frontline and changed.is_leader_only and changed.leader.email == "per@alver.no"
    )
    assert not department_with_slug("innbyggjarservice").is_frontline
    again = run(app, "update", "byggesak", "--anyone-accepts", "--no-leader", "--email", "")
    assert again.output == "updated byggesak: leader=none, is_leader_only=no\n"
    assert run(app, "update", "byggesak").output == "byggesak: nothing changed\n"


def test_update_refuses_deactivating_a_department_with_open_cases(app):
    make_department("innbyggjarservice", is_frontline=True)
    plan = make_department("plan", name="Plan")
    case = receive(email())
    case.department = plan
    db.session.commit()
    result = run(app, "update", "plan", "--deactivate")
    assert result.exit_code == 1
    assert "error: --deactivate/--activate: " in result.output
    assert "open cases 1" in result.output
    assert department_with_slug("plan").is_active
    make_department("skule", name="Skule")
    db.session.commit()
    assert run(app, "update", "skule", "--deactivate").output == "updated skule: is_active=no\n"
    assert run(app, "update", "skule", "--activate").output == "updated skule: is_active=yes\n"


def test_update_names_an_unknown_department_or_leader(app):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    unknown = run(app, "update", "bygg", "--name", "Bygg")
    assert unknown.exit_code == 1
    assert "error: SLUG: no department 'bygg'; known departments: innbyggjarservice" in (
        unknown.output
    )
    nobody = run(app, "update", "innbyggjarservice", "--leader", "ingen@alver.no")
    assert nobody.exit_code == 1 and "error: --leader: no user with e-mail" in nobody.output
    outsider = make_user(email="ola@alver.no")
    db.session.commit()
    not_member = run(app, "update", "innbyggjarservice", "--leader", outsider.email)
    assert not_member.exit_code == 1
    assert "error: --leader: The leader must be a member" in not_member.output
