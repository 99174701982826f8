"""Departments: finding them, and adding and changing them with the checks that keep the
inbox working (a unique slug that stays fixed once cases use it, exactly one active
frontline department, no department deactivated while it still has work).

Changes flush and are audited; the caller commits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update

from inbox.extensions import db
from inbox.i18n import N_
from inbox.models import Case, CaseStatus, Department, Handover, HandoverStatus, User
from inbox.models.people import department_members
from inbox.people import audit
from inbox.routing import MAX_ROW_ID

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_LENGTH = 60
NAME_LENGTH = 200
EMAIL_LENGTH = 320
FOLDED_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class DepartmentError(ValueError):
    """A department cannot be added or changed as asked.

    ``field`` is the department's attribute that was wrong (``slug``, ``name``, ``name_nb``,
    ``name_en``, ``email``, ``is_frontline``, ``leader``, ``is_active``), so a form can show
    the error beside it and the CLI can name its option. ``message`` is English, marked for
    translation, with ``values`` for its placeholders; ``str()`` is the English text.
    """

    def __init__(self, field: str, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.field = field
        self.message = message
        self.values = values


@dataclass(frozen=True)
class DepartmentSummary:
    """A department with what an administrator asks about it first."""

    department: Department
    open_cases: int
    members: int


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: The default of :func:`update_department`'s arguments: leave that attribute as it is.
UNCHANGED: Any = _Unchanged()


def departments_by_name() -> list[Department]:
    """The active departments, by name: those new cases and handovers may go to."""
    return list(
        db.session.scalars(
            select(Department).where(Department.is_active.is_(True)).order_by(Department.name)
        )
    )


def department_with_id(department_id: int) -> Department | None:
    """The department, or ``None``; an id no row can have (from a form) is none, not an error."""
    return db.session.get(Department, department_id) if 0 < department_id <= MAX_ROW_ID else None


def department_with_slug(slug: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.slug == slug))


def frontline_department() -> Department | None:
    """The department new cases land in, or ``None`` before there is one."""
    return db.session.scalar(
        select(Department).where(Department.is_frontline.is_(True)).order_by(Department.id)
    )


def slug_for(name: str) -> str:
    """A slug suggested for a department's name: ``Plan og byggesak`` is ``plan-og-byggesak``
    (æ, ø and å written ae, o and a)."""
    folded = name.lower().translate(FOLDED_LETTERS)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:SLUG_LENGTH].strip("-")


def department_summaries() -> list[DepartmentSummary]:
    """Every department, active or not, by name, with its open cases and members counted in
    SQL."""
    open_cases = (
        select(func.count(Case.id))
        .where(Case.department_id == Department.id, Case.status != CaseStatus.CLOSED)
        .scalar_subquery()
    )
    members = (
        select(func.count())
        .select_from(department_members)
        .where(department_members.c.department_id == Department.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Department, open_cases, members).order_by(Department.name, Department.slug)
    )
    return [DepartmentSummary(department, cases, people) for department, cases, people in rows]


def add_department(
    *,
    slug: str,
    name: str,
    name_nb: str | None = None,
    name_en: str | None = None,
    email: str | None = None,
    is_frontline: bool = False,
    by: User | None = None,
) -> Department:
    """Add an active department (flushed, audited as ``department.create``).

    Made the frontline department, it takes the flag from the one that had it; the first
    department must be the frontline one, so that new cases have somewhere to go.
    """
    slug = _checked_slug(slug, None)
    values = {
        "name": _checked_name("name", name),
        "name_nb": _optional_name("name_nb", name_nb),
        "name_en": _optional_name("name_en", name_en),
        "email": _checked_email(email),
    }
    if not is_frontline and frontline_department() is None:
        raise DepartmentError(
            "is_frontline",
            N_(
                "No department receives new cases yet: the first department must be the "
                "frontline department."
            ),
        )
    if is_frontline:
        _clear_frontline()
    department = Department(slug=slug, is_frontline=is_frontline, is_active=True, **values)
    db.session.add(department)
    db.session.flush()
    audit.record(
        "department.create",
        user=by,
        department_id=department.id,
        slug=slug,
        is_frontline=is_frontline,
    )
    return department


def update_department(
    department: Department,
    *,
    by: User | None = None,
    slug: str = UNCHANGED,
    name: str = UNCHANGED,
    name_nb: str | None = UNCHANGED,
    name_en: str | None = UNCHANGED,
    email: str | None = UNCHANGED,
    is_frontline: bool = UNCHANGED,
    leader: User | None = UNCHANGED,
    is_leader_only: bool = UNCHANGED,
    is_active: bool = UNCHANGED,
) -> dict[str, Any]:
    """Change what is given (flushed, audited as ``department.update``); what changed.

    Every check runs before anything changes, so a refusal leaves the department as it was.
    The result maps each changed column to its new value (the leader as ``leader_id``).
    """
    wanted: dict[str, Any] = {}
    if slug is not UNCHANGED:
        wanted["slug"] = _checked_slug(slug, department)
    if name is not UNCHANGED:
        wanted["name"] = _checked_name("name", name)
    if name_nb is not UNCHANGED:
        wanted["name_nb"] = _optional_name("name_nb", name_nb)
    if name_en is not UNCHANGED:
        wanted["name_en"] = _optional_name("name_en", name_en)
    if email is not UNCHANGED:
        wanted["email"] = _checked_email(email)
    if leader is not UNCHANGED:
        wanted["leader_id"] = _checked_leader(department, leader)
    if is_leader_only is not UNCHANGED:
        wanted["is_leader_only"] = bool(is_leader_only)
    frontline = department.is_frontline if is_frontline is UNCHANGED else bool(is_frontline)
    active = department.is_active if is_active is UNCHANGED else bool(is_active)
    _check_frontline(department, frontline, active)
    if department.is_active and not active:
        _check_no_work_left(department)
    wanted["is_frontline"] = frontline
    wanted["is_active"] = active

    changes = {key: value for key, value in wanted.items() if getattr(department, key) != value}
    if changes.get("is_frontline"):
        _clear_frontline()
    for key, value in changes.items():
        setattr(department, key, value)
    if "leader_id" in changes:
        department.leader = leader
    if changes:
        db.session.flush()
        audit.record("department.update", user=by, department_id=department.id, changes=changes)
    return changes


def _checked_slug(slug: str, department: Department | None) -> str:
    slug = slug.strip()
    if len(slug) > SLUG_LENGTH or not SLUG.fullmatch(slug):
        raise DepartmentError(
            "slug",
            N_(
                "The slug may only hold lower-case letters a to z, digits and dashes between "
                "them, such as byggesak (at most %(length)d characters)."
            ),
            length=SLUG_LENGTH,
        )
    if department is not None:
        if slug == department.slug:
            return slug
        if is_slug_fixed(department):
            raise DepartmentError(
                "slug",
                N_(
                    "The slug can no longer change: cases already belong or were handed over "
                    "to this department, and reports and the configuration name it by its slug."
                ),
            )
    taken = db.session.scalar(select(Department.id).where(Department.slug == slug))
    if taken is not None:
        raise DepartmentError(
            "slug", N_("Another department already has the slug %(slug)s."), slug=slug
        )
    return slug


def is_slug_fixed(department: Department) -> bool:
    """Whether any case belongs to the department or was handed over to or from it."""
    in_cases = select(Case.id).where(Case.department_id == department.id).exists()
    in_handovers = (
        select(Handover.id)
        .where(
            or_(
                Handover.from_department_id == department.id,
                Handover.to_department_id == department.id,
            )
        )
        .exists()
    )
    return bool(db.session.scalar(select(or_(in_cases, in_handovers))))


def _checked_name(field: str, name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DepartmentError(field, N_("Write the department's name in Nynorsk."))
    if len(name) > NAME_LENGTH:
        raise DepartmentError(
            field,
            N_("The name is too long (at most %(length)d characters)."),
            length=NAME_LENGTH,
        )
    return name


def _optional_name(field: str, name: str | None) -> str | None:
    """A name in Bokmål or English; empty is none (the Nynorsk name is shown instead)."""
    return _checked_name(field, name) if name and name.strip() else None


def _checked_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_LENGTH or not EMAIL.fullmatch(email):
        raise DepartmentError(
            "email",
            N_(
                "The shared e-mail address %(email)s is not an e-mail address such as "
                "byggesak@kommune.no."
            ),
            email=email,
        )
    return email


def _checked_leader(department: Department, leader: User | None) -> int | None:
    if leader is None:
        return None
    if department not in leader.departments:
        raise DepartmentError(
            "leader",
            N_("The leader must be a member of the department; %(user)s is not."),
            user=leader.email,
        )
    return leader.id


def _check_frontline(department: Department, frontline: bool, active: bool) -> None:
    if department.is_frontline and not frontline:
        raise DepartmentError(
            "is_frontline",
            N_(
                "This is the frontline department, which receives new cases: make another "
                "department the frontline department instead."
            ),
        )
    if frontline and not active:
        if department.is_frontline:
            raise DepartmentError(
                "is_active",
                N_(
                    "The frontline department receives new cases and cannot be deactivated: "
                    "make another department the frontline department first."
                ),
            )
        raise DepartmentError(
            "is_frontline",
            N_("An inactive department cannot be the frontline department: activate it first."),
        )


def _check_no_work_left(department: Department) -> None:
    open_cases = db.session.scalar(
        select(func.count(Case.id)).where(
            Case.department_id == department.id, Case.status != CaseStatus.CLOSED
        )
    )
    pending = db.session.scalar(
        select(func.count(Handover.id)).where(
            Handover.to_department_id == department.id,
            Handover.status == HandoverStatus.PENDING,
        )
    )
    if open_cases or pending:
        raise DepartmentError(
            "is_active",
            N_(
                "The department still has work and cannot be deactivated: open cases "
                "%(cases)d, handovers waiting for its answer %(handovers)d. Close or hand over "
                "the cases and decide on the handovers first."
            ),
            cases=open_cases,
            handovers=pending,
        )


def _clear_frontline() -> None:
    """Take the frontline flag from whichever department has it (before giving it to one)."""
    db.session.execute(
        update(Department)
        .where(Department.is_frontline.is_(True))
        .values(is_frontline=False)
        .execution_options(synchronize_session="fetch")
    )
