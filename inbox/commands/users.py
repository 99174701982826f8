"""`svarfrist users ...`: staff accounts and API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from inbox.extensions import db
from inbox.i18n import LANGUAGES
from inbox.models import Department, Role, User
from inbox.people import audit
from inbox.people.users import UserError, create_api_token, create_user, normalise_email

users_group = AppGroup("users", help="Staff accounts and API tokens.")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@users_group.command("add")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default="staff")
@click.option(
    "--department", "slugs", multiple=True, metavar="SLUG", help="Repeat for several departments."
)
@click.option("--language", type=click.Choice(LANGUAGES), default="nn", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--no-password",
    is_flag=True,
    help="No password: the user signs in through the municipality's identity provider only.",
)
@click.option(
    "--break-glass",
    is_flag=True,
    help="An administrator who may sign in with the password even with "
    "[auth] local_passwords = false (when the identity provider is down).",
)
def add_command(
    email: str,
    name: str,
    role: str,
    slugs: tuple[str, ...],
    language: str,
    password_stdin: bool,
    no_password: bool,
    break_glass: bool,
) -> None:
    """Add a user; the password comes from a hidden prompt or --password-stdin, or the user
    has none (--no-password)."""
    if no_password and password_stdin:
        _fail("--no-password and --password-stdin exclude each other; give one of them")
    if break_glass and role != Role.ADMIN:
        _fail(f"--break-glass is for administrators: give --role admin, not --role {role}")
    if break_glass and no_password:
        _fail("--break-glass needs a password: leave out --no-password")
    departments = list(db.session.scalars(select(Department).where(Department.slug.in_(slugs))))
    unknown = sorted(set(slugs) - {department.slug for department in departments})
    if unknown:
        known = ", ".join(db.session.scalars(select(Department.slug).order_by(Department.slug)))
        _fail(f"unknown department {', '.join(unknown)}; known departments: {known or 'none'}")
    if no_password:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email=email,
            name=name,
            password=password,
            role=Role(role),
            departments=departments,
            language=language,
            is_break_glass=break_glass,
        )
    except UserError as error:
        _fail(str(error))
    audit.record("user.create", user_id_created=user.id, role=role, break_glass=break_glass)
    db.session.commit()
    kind = "; break-glass" if break_glass else ""
    click.echo(f"added {user.email} ({role}; {', '.join(slugs) or 'no department'}{kind})")


@users_group.command("token")
@click.option("--email", required=True)
def token_command(email: str) -> None:
    """Print a new API token for a user (shown once; only its hash is stored)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        _fail(f"no user with e-mail {email}")
    try:
        token = create_api_token(user)
    except UserError as error:
        _fail(str(error))
    audit.record("user.token_create", user=user)
    db.session.commit()
    click.echo(token)


@users_group.command("list")
def list_command() -> None:
    """List users with role and departments."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        departments = ", ".join(sorted(d.slug for d in user.departments)) or "-"
        state = "" if user.is_enabled else " (disabled)"
        click.echo(f"{user.email}\t{user.role.value}\t{departments}\t{user.name}{state}")
