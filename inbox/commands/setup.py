"""`svarfrist setup`: what a new installation needs before its first message."""

from __future__ import annotations

import sys

import click
from flask import current_app

from inbox.extensions import db
from inbox.models import Department, Role
from inbox.people import audit
from inbox.people.departments import (
    DepartmentError,
    add_department,
    frontline_department,
    slug_for,
)
from inbox.people.users import MIN_PASSWORD_LENGTH, UserError, create_user, user_count

#: The option that gives each of the frontline department's attributes, to name it in errors.
OPTIONS = {"slug": "--frontline-slug", "name": "--frontline-name"}
ALREADY_SET_UP = (
    "this database already has users ({count}), so it is set up already. Add departments with "
    "`svarfrist departments add` and users with `svarfrist users add`, or as an administrator "
    "on the administration pages (/admin)."
)


def _fail(message: str) -> None:
    db.session.rollback()  # a department already added stays out of the database
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("setup")
@click.option("--frontline-name", help="The frontline department's name in Nynorsk.")
@click.option("--frontline-slug", help="Its short name for URLs and configuration.")
@click.option("--admin-email", help="The first administrator's e-mail address (the login).")
@click.option("--admin-name", help="The first administrator's name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the administrator's password from standard input."
)
def setup_command(
    frontline_name: str | None,
    frontline_slug: str | None,
    admin_email: str | None,
    admin_name: str | None,
    password_stdin: bool,
) -> None:
    """Create the frontline department and the first administrator in a new database.

    Asks for whatever the options do not give; the password from a hidden prompt (asked
    twice) or one line on standard input.
    """
    if not db.inspect(db.engine).has_table("users"):
        _fail("the database has no tables yet; run `svarfrist db upgrade` first")
    users = user_count()
    if users:
        _fail(ALREADY_SET_UP.format(count=users))
    frontline = frontline_department()
    if frontline is not None and frontline_name is None and frontline_slug is None:
        click.echo(f"frontline department: {frontline.name} ({frontline.slug}), already there")
    else:
        frontline = _new_frontline(frontline_name, frontline_slug)
        click.echo(f"frontline department: {frontline.name} ({frontline.slug})")
    if admin_email is None:
        admin_email = click.prompt("Administrator's e-mail address")
    if admin_name is None:
        admin_name = click.prompt("Administrator's name")
    if not admin_name.strip():
        _fail("--admin-name: give the administrator's name")
    password = _password(password_stdin)
    try:
        admin = create_user(
            email=admin_email,
            name=admin_name,
            password=password,
            role=Role.ADMIN,
            language=current_app.extensions["svarfrist"].rules.municipality.language,
        )
    except UserError as error:  # the password is checked above, the database has no users
        _fail(f"--admin-email: {error}")
    audit.record("user.create", user_id_created=admin.id, role=Role.ADMIN.value, via="setup")
    db.session.commit()
    click.echo(f"administrator: {admin.email} ({admin.name})")
    click.echo(
        "Log in with that address; add departments on /admin/departments or with "
        "`svarfrist departments add`, and staff with `svarfrist users add`."
    )


def _new_frontline(name: str | None, slug: str | None) -> Department:
    if name is None:
        name = click.prompt("Frontline department's name (Nynorsk)", default="Innbyggjarservice")
    if slug is None:
        slug = click.prompt("Its slug", default=slug_for(name))
    try:
        return add_department(slug=slug, name=name, is_frontline=True)
    except DepartmentError as error:
        _fail(f"{OPTIONS[error.field]}: {error}")


def _password(from_stdin: bool) -> str:
    """One line of standard input, or a hidden prompt asked twice until it is long enough."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < MIN_PASSWORD_LENGTH:
            _fail(
                f"--password-stdin: the password must be at least {MIN_PASSWORD_LENGTH} "
                "characters long"
            )
        return password
    while True:
        password = click.prompt(
            "Administrator's password", hide_input=True, confirmation_prompt=True
        )
        if len(password) >= MIN_PASSWORD_LENGTH:
            return password
        click.echo(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
