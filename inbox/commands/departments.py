"""`svarfrist departments add | list | update`: departments for scripts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from inbox.extensions import db
from inbox.people.departments import (
    DepartmentError,
    add_department,
    department_summaries,
    department_with_slug,
    update_department,
)
from inbox.people.users import user_with_email

departments_group = AppGroup("departments", help="Departments (avdelingar).")

#: The option that gives each of a department's attributes, to name it in errors.
OPTIONS = {
    "slug": "--slug",
    "name": "--name",
    "name_nb": "--name-nb",
    "name_en": "--name-en",
    "email": "--email",
    "is_frontline": "--frontline",
    "leader": "--leader",
    "is_active": "--deactivate/--activate",
}


def fail(option: str, message: str) -> None:
    db.session.rollback()
    click.echo(f"error: {option}: {message}", err=True)
    sys.exit(1)


@departments_group.command("add")
@click.option("--slug", required=True, help="Short name for URLs and configuration: byggesak.")
@click.option("--name", required=True, help="The name in Nynorsk.")
@click.option("--name-nb", help="The name in Bokmål (default: the Nynorsk name).")
@click.option("--name-en", help="The name in English (default: the Nynorsk name).")
@click.option("--email", help="The department's shared e-mail address.")
@click.option(
    "--frontline", is_flag=True, help="New cases land here (takes the flag from the other)."
)
def add_command(
    slug: str,
    name: str,
    name_nb: str | None,
    name_en: str | None,
    email: str | None,
    frontline: bool,
) -> None:
    """Add a department."""
    try:
        department = add_department(
            slug=slug,
            name=name,
            name_nb=name_nb,
            name_en=name_en,
            email=email,
            is_frontline=frontline,
        )
    except DepartmentError as error:
        fail(OPTIONS[error.field], str(error))
    db.session.commit()
    role = "; frontline" if department.is_frontline else ""
    click.echo(f"added {department.slug} ({department.name}{role})")


@departments_group.command("list")
def list_command() -> None:
    """List every department: slug, names, frontline, active, open cases, members, leader."""
    header = (
        "slug",
        "name (nn)",
        "nb",
        "en",
        "frontline",
        "active",
        "open cases",
        "members",
        "leader",
    )
    rows = [
        (
            summary.department.slug,
            summary.department.name,
            summary.department.name_nb or "-",
            summary.department.name_en or "-",
            "yes" if summary.department.is_frontline else "no",
            "yes" if summary.department.is_active else "no",
            str(summary.open_cases),
            str(summary.members),
            summary.department.leader.email if summary.department.leader else "-",
        )
        for summary in department_summaries()
    ]
    if not rows:
        click.echo(
            "no departments yet; add one with `svarfrist departments add` or `svarfrist setup`"
        )
        return
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@departments_group.command("update")
@click.argument("slug")
@click.option("--slug", "new_slug", help="A new slug (only while no case uses the department).")
@click.option("--name", help="The name in Nynorsk.")
@click.option("--name-nb", help='The name in Bokmål ("" for none).')
@click.option("--name-en", help='The name in English ("" for none).')
@click.option("--email", help='The shared e-mail address ("" for none).')
@click.option("--frontline", is_flag=True, help="Make this the frontline department.")
@click.option("--leader", metavar="EMAIL", help="The leader: a member of the department.")
@click.option("--no-leader", is_flag=True, help="The department has no leader.")
@click.option(
    "--leader-only/--anyone-accepts",
    default=None,
    help="Whether only the leader may accept handovers to the department.",
)
@click.option(
    "--deactivate/--activate",
    default=None,
    help="An inactive department takes no new cases or handovers.",
)
def update_command(
    slug: str,
    new_slug: str | None,
    name: str | None,
    name_nb: str | None,
    name_en: str | None,
    email: str | None,
    frontline: bool,
    leader: str | None,
    no_leader: bool,
    leader_only: bool | None,
    deactivate: bool | None,
) -> None:
    """Change the department SLUG; what is not given stays as it is."""
    department = department_with_slug(slug)
    if department is None:
        known = ", ".join(summary.department.slug for summary in department_summaries())
        fail("SLUG", f"no department {slug!r}; known departments: {known or 'none'}")
    if leader is not None and no_leader:
        fail("--leader", "give either --leader or --no-leader, not both")
    changes = {
        key: value
        for key, value in {
            "slug": new_slug,
            "name": name,
            "name_nb": name_nb,
            "name_en": name_en,
            "email": email,
            "is_frontline": True if frontline else None,
            "is_leader_only": leader_only,
            "is_active": None if deactivate is None else not deactivate,
        }.items()
        if value is not None
    }
    if leader is not None:
        changes["leader"] = user_with_email(leader)
        if changes["leader"] is None:
            fail("--leader", f"no user with e-mail {leader}")
    if no_leader:
        changes["leader"] = None
    try:
        changed = update_department(department, **changes)
    except DepartmentError as error:
        fail(OPTIONS[error.field], str(error))
    db.session.commit()
    if not changed:
        click.echo(f"{department.slug}: nothing changed")
        return
    click.echo(f"updated {department.slug}: {', '.join(_described(department, changed))}")


def _described(department, changed: dict) -> list[str]:
    """``name='Byggesak'``, ``is_active=no``, ``leader=per@alver.no`` for each change."""
    described = []
    for key, value in changed.items():
        if key == "leader_id":
            described.append(f"leader={department.leader.email if department.leader else 'none'}")
        elif isinstance(value, bool):
            described.append(f"{key}={'yes' if value else 'no'}")
        else:
            described.append(f"{key}={value!r}" if value is not None else f"{key}=none")
    return described
