"""`svarfrist users add | token | list`."""

from __future__ import annotations

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import ApiToken, Role, User
from inbox.people.users import authenticate, token_for
from tests.factories import make_department, make_user


def run(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_add_creates_a_user_in_departments_with_a_password_from_stdin(app):
    make_department("byggesak")
    make_department("skule")
    db.session.commit()
    result = run(
        app,
        "add",
        "--email",
        "Siri@Alver.kommune.no",
        "--name",
        "Siri Haukeland",
        "--role",
        "leader",
        "--department",
        "byggesak",
        "--department",
        "skule",
        "--password-stdin",
        input="eit langt passord\n",
    )
    assert result.exit_code == 0, result.output
    assert "added siri@alver.kommune.no (leader; byggesak, skule)" in result.output
    user = authenticate("siri@alver.kommune.no", "eit langt passord")
    assert user.role == Role.LEADER
    assert sorted(d.slug for d in user.departments) == ["byggesak", "skule"]


def test_add_with_an_unknown_department_names_it_and_lists_the_known_ones(app):
    make_department("byggesak")
    db.session.commit()
    result = run(
        app,
        "add",
        "--email",
        "a@alver.no",
        "--name",
        "A",
        "--department",
        "bygg",
        "--password-stdin",
        input="eit langt passord\n",
    )
    assert result.exit_code == 1
    assert "unknown department bygg; known departments: byggesak" in result.output
    assert db.session.scalar(select(User)) is None


def test_add_refuses_a_duplicate_and_a_short_password(app):
    args = ["add", "--email", "a@alver.no", "--name", "A", "--password-stdin"]
    assert run(app, *args, input="eit langt passord\n").exit_code == 0
    duplicate = run(app, *args, input="eit langt passord\n")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    short = run(app, "add", "--email", "b@alver.no", "--name", "B", "--password-stdin", input="x\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_add_prompts_for_the_password_twice(app):
    result = run(
        app,
        "add",
        "--email",
        "c@alver.no",
        "--name",
        "C",
        input="eit langt passord\neit langt passord\n",
    )
    assert result.exit_code == 0, result.output
    assert authenticate("c@alver.no", "eit langt passord") is not None


def test_token_prints_a_token_that_is_stored_only_as_a_hash(app):
    run(
        app,
        "add",
        "--email",
        "d@alver.no",
        "--name",
        "D",
        "--password-stdin",
        input="eit langt passord\n",
    )
    result = run(app, "token", "--email", "d@alver.no")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("svf_")
    stored = db.session.scalar(select(ApiToken.token_hash))
    assert token not in stored
    assert token_for(token).user.email == "d@alver.no"
    assert token_for(token + "x") is None


def test_token_for_an_unknown_user_fails(app):
    result = run(app, "token", "--email", "nobody@alver.no")
    assert result.exit_code == 1 and "no user with e-mail nobody@alver.no" in result.output


def test_list_shows_users_with_role_and_departments(app):
    make_department("byggesak")
    db.session.commit()
    run(
        app,
        "add",
        "--email",
        "e@alver.no",
        "--name",
        "Eli",
        "--department",
        "byggesak",
        "--password-stdin",
        input="eit langt passord\n",
    )
    result = run(app, "list")
    assert result.output.strip() == "e@alver.no\tstaff\tbyggesak\tEli"


def test_add_with_no_password_makes_a_user_who_cannot_log_in_with_one(app):
    result = run(app, "add", "--email", "ida@alver.no", "--name", "Ida", "--no-password")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ida@alver.no"))
    assert user.password_hash is None
    assert authenticate("ida@alver.no", "") is None
    both = run(
        app,
        "add",
        "--email",
        "jo@alver.no",
        "--name",
        "Jo",
        "--no-password",
        "--password-stdin",
        input="eit langt passord\n",
    )
    assert both.exit_code == 1
    assert "--no-password and --password-stdin exclude each other" in both.output


def test_token_for_a_deactivated_user_is_refused(app):
    user = make_user(email="kari@alver.no")
    user.is_enabled = False
    db.session.commit()
    result = run(app, "token", "--email", "kari@alver.no")
    assert result.exit_code == 1
    assert "kari@alver.no is deactivated; reactivate the user first" in result.output
    assert db.session.scalar(select(ApiToken)) is None


def test_add_break_glass_makes_an_administrator_who_may_use_a_password(app):
    result = run(
        app,
        *("add", "--email", "naud@alver.kommune.no", "--name", "Naudtilgang"),
        *("--role", "admin", "--break-glass", "--password-stdin"),
        input="eit langt naudpassord\n",
    )
    assert result.exit_code == 0, result.output
    assert "added naud@alver.kommune.no (admin; no department; break-glass)" in result.output
    user = authenticate("naud@alver.kommune.no", "eit langt naudpassord")
    assert user.is_break_glass and user.role == Role.ADMIN


def test_break_glass_is_refused_for_other_roles_and_without_a_password(app):
    staff = run(app, "add", "--email", "a@alver.no", "--name", "A", "--break-glass",
                "--password-stdin", input="eit langt passord\n")  # fmt: skip
    assert staff.exit_code == 1
    assert "--break-glass is for administrators: give --role admin, not --role staff" in (
        staff.output
    )
    none = run(app, "add", "--email", "b@alver.no", "--name", "B", "--role", "admin",
               "--break-glass", "--no-password")  # fmt: skip
    assert none.exit_code == 1 and "--break-glass needs a password" in none.output
    assert db.session.scalar(select(User.id)) is None
