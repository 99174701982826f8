"""`svarfrist setup`: a new database gets its frontline department and first administrator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import AuditEvent, Department, Role, User
from inbox.people.users import authenticate
from tests.factories import make_department, make_user

SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))
SCRIPTED = [
    "setup", "--frontline-name", "Innbyggjarservice", "--frontline-slug", "innbyggjarservice",
    "--admin-email", "Siri@Alver.kommune.no", "--admin-name", "Siri Systemansvarleg",
    "--password-stdin",
]  # fmt: skip


def run(app, *args: str, input: str | None = None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    db.session.expire_all()
    return result


def test_setup_for_scripts_creates_the_frontline_department_and_an_administrator(app):
    result = run(app, *SCRIPTED, input="eit langt passord\n")
    assert result.exit_code == 0, result.output
    assert "frontline department: Innbyggjarservice (innbyggjarservice)" in result.output
    assert "administrator: siri@alver.kommune.no (Siri Systemansvarleg)" in result.output
    frontline = db.session.scalar(select(Department))
    assert (frontline.slug, frontline.is_frontline, frontline.is_active) == (
        "innbyggjarservice",
        True,
        True,
    )
    admin = authenticate("siri@alver.kommune.no", "eit langt passord")
    assert admin.role == Role.ADMIN and admin.language == "nn"
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["department.create", "user.create"]


def test_setup_asks_for_what_is_missing_with_the_password_hidden_and_confirmed(app):
    answers = "\n".join(
        [
            "Servicetorget",  # the name
            "",  # the slug: the suggested one
            "siri@alver.no",
            "Siri",
            "kort",  # too short: asked again
            "kort",
            "eit langt passord",
            "eit anna passord",  # does not match: asked again
            "eit langt passord",
            "eit langt passord",
        ]
    )
    result = run(app, "setup", input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "Its slug [servicetorget]:" in result.output
    assert "The password must be at least 10 characters long." in result.output
    assert "eit langt passord" not in result.output  # hidden
    assert db.session.scalar(select(Department.slug)) == "servicetorget"
    assert authenticate("siri@alver.no", "eit langt passord") is not None


def test_setup_refuses_a_database_with_users_and_says_what_to_do(app):
    make_user(make_department("innbyggjarservice", is_frontline=True))
    db.session.commit()
    result = run(app, *SCRIPTED, input="eit langt passord\n")
    assert result.exit_code == 1
    assert "this database already has users (1)" in result.output
    assert "svarfrist departments add" in result.output and "/admin" in result.output
    assert db.session.scalar(select(User).where(User.email == "siri@alver.kommune.no")) is None


def test_setup_names_the_option_that_was_wrong_and_leaves_nothing_behind(app):
    bad_slug = run(app, *[a if a != "innbyggjarservice" else "Innbyggjar S" for a in SCRIPTED],
                   input="eit langt passord\n")  # fmt: skip
    assert bad_slug.exit_code == 1
    assert "error: --frontline-slug: The slug may only hold" in bad_slug.output
    short = run(app, *SCRIPTED, input="kort\n")
    assert short.exit_code == 1
    assert "error: --password-stdin: the password must be at least 10" in short.output
    no_address = run(app, *[a if a != "Siri@Alver.kommune.no" else "siri" for a in SCRIPTED],
                     input="eit langt passord\n")  # fmt: skip
    assert no_address.exit_code == 1 and "error: --admin-email: " in no_address.output
    assert db.session.scalar(select(Department.id)) is None
    assert db.session.scalar(select(User.id)) is None


def test_setup_keeps_a_frontline_department_that_is_already_there(app):
    make_department("servicetorg", is_frontline=True, name="Servicetorg")
    db.session.commit()
    result = run(
        app,
        *[a for a in SCRIPTED if not a.startswith("--frontline") and a != "Innbyggjarservice"
          and a != "innbyggjarservice"],
        input="eit langt passord\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "frontline department: Servicetorg (servicetorg), already there" in result.output
    assert list(db.session.scalars(select(Department.slug))) == ["servicetorg"]


def test_the_installed_command_sets_up_a_freshly_migrated_database(tmp_path):
    env = {**os.environ, "SVARFRIST_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    env.pop("SVARFRIST_CONFIG", None)
    before = subprocess.run([SVARFRIST, *SCRIPTED], env=env, input="eit langt passord\n",
                            text=True, capture_output=True)  # fmt: skip
    assert before.returncode == 1
    assert "run `svarfrist db upgrade` first" in before.stderr
    subprocess.run([SVARFRIST, "db", "upgrade"], env=env, check=True, capture_output=True)
    done = subprocess.run([SVARFRIST, *SCRIPTED], env=env, input="eit langt passord\n",
                          text=True, capture_output=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([SVARFRIST, "departments", "list"], env=env, text=True,
                            capture_output=True, check=True)  # fmt: skip
    assert listed.stdout.splitlines()[1].split()[:2] == ["innbyggjarservice", "Innbyggjarservice"]
