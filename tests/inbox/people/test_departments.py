"""Adding and changing departments (inbox.people.departments), on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inbox.cases import casework
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.handovers.options import handover_options
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Case, Department, Role
from inbox.people.departments import (
    DepartmentError,
    add_department,
    department_summaries,
    departments_by_name,
    slug_for,
    update_department,
)
from tests.factories import make_user
from tests.inbox.intake_helpers import email


@pytest.fixture
def frontline(app):
    department = add_department(
        slug="innbyggjarservice", name="Innbyggjarservice", is_frontline=True
    )
    db.session.commit()
    return department


def refusal(call, *args, **kwargs) -> DepartmentError:
    with pytest.raises(DepartmentError) as raised:
        call(*args, **kwargs)
    db.session.rollback()
    return raised.value


def frontline_slugs() -> list[str]:
    return list(db.session.scalars(select(Department.slug).where(Department.is_frontline)))


def test_a_department_is_added_active_with_its_names_and_audited(frontline):
    admin = make_user(role=Role.ADMIN)
    added = add_department(
        slug="byggesak",
        name=" Byggesak ",
        name_nb="Byggesaker",
        name_en="Building permits",
        email="Byggesak@Alver.no",
        by=admin,
    )
    db.session.commit()
    assert (added.name, added.email, added.is_active, added.is_frontline) == (
        "Byggesak",
        "byggesak@alver.no",
        True,
        False,
    )
    assert [added.name_in(code) for code in ("nn", "nb", "en")] == [
        "Byggesak",
        "Byggesaker",
        "Building permits",
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "department.create"))
    assert [(e.user_id, e.details["slug"]) for e in events] == [
        (None, "innbyggjarservice"),
        (admin.id, "byggesak"),
    ]


def test_names_left_empty_fall_back_to_the_nynorsk_name(frontline):
    added = add_department(slug="plan", name="Plan", name_nb="  ", name_en="")
    assert (added.name_nb, added.name_en) == (None, None)
    assert added.name_in("nb") == added.name_in("en") == "Plan"


@pytest.mark.parametrize(
    "slug",
    ["Byggesak", "bygge sak", "byggesak-", "-plan", "bygg--sak", "skule_1", "båt", "", "a" * 61],
)
def test_a_slug_that_is_not_lower_case_letters_digits_and_dashes_is_refused(frontline, slug):
    error = refusal(add_department, slug=slug, name="Byggesak")
    assert error.field == "slug" and "slug" in str(error)


@pytest.mark.parametrize("slug", ["plan-og-bygg", "nav2", "a" * 60])
def test_lower_case_letters_digits_and_dashes_make_a_slug(frontline, slug):
    assert add_department(slug=slug, name="Plan").slug == slug


def test_a_slug_in_use_is_refused(frontline):
    error = refusal(add_department, slug="innbyggjarservice", name="Servicetorget")
    assert error.field == "slug" and "innbyggjarservice" in str(error)


def test_a_department_needs_its_nynorsk_name_and_a_real_address(frontline):
    assert refusal(add_department, slug="plan", name="  ").field == "name"
    assert refusal(add_department, slug="plan", name="x" * 201).field == "name"
    assert refusal(add_department, slug="plan", name="Plan", name_en="x" * 201).field == "name_en"
    wrong = refusal(add_department, slug="plan", name="Plan", email="plan.alver.no")
    assert wrong.field == "email" and "plan.alver.no" in str(wrong)


def test_the_first_department_must_be_the_frontline_one(app):
    error = refusal(add_department, slug="byggesak", name="Byggesak")
    assert error.field == "is_frontline"
    assert db.session.scalar(select(Department.id)) is None


def test_making_another_department_frontline_moves_the_flag(frontline):
    plan = add_department(slug="plan", name="Plan")
    servicetorg = add_department(slug="servicetorg", name="Servicetorg", is_frontline=True)
    db.session.commit()
    assert frontline_slugs() == ["servicetorg"]
    update_department(plan, is_frontline=True)
    db.session.commit()
    assert frontline_slugs() == ["plan"]
    assert not servicetorg.is_frontline and not frontline.is_frontline


def test_the_frontline_flag_cannot_be_taken_away_leaving_none(frontline):
    error = refusal(update_department, frontline, is_frontline=False)
    assert error.field == "is_frontline"
    assert frontline_slugs() == ["innbyggjarservice"]


def test_the_slug_can_change_until_a_case_uses_the_department(frontline):
    update_department(frontline, slug="servicetorg")
    db.session.commit()
    receive(email())
    db.session.commit()
    error = refusal(update_department, frontline, slug="innbyggjarservice")
    assert error.field == "slug" and "can no longer change" in str(error)
    assert frontline.slug == "servicetorg"
    assert update_department(frontline, slug="servicetorg", name="Servicetorget") == {
        "name": "Servicetorget"
    }


def test_a_handover_once_offered_also_fixes_the_slug(frontline):
    byggesak = add_department(slug="byggesak", name="Byggesak")
    kari = make_user(frontline)
    handover = handovers.propose(receive(email()), byggesak, kari, "Gjeld byggesøknaden")
    handovers.withdraw(handover, kari)
    db.session.commit()
    assert refusal(update_department, byggesak, slug="bygg").field == "slug"


def test_deactivating_a_department_with_open_cases_is_refused_with_the_count(frontline):
    plan = add_department(slug="plan", name="Plan")
    kari = make_user(frontline)
    planner = make_user(plan)
    for _ in range(2):
        handovers.accept(handovers.propose(receive(email()), plan, kari, "Plansak"), planner)
    waiting = handovers.propose(receive(email()), plan, kari, "Plansak")
    db.session.commit()
    error = refusal(update_department, plan, is_active=False)
    assert error.field == "is_active"
    assert "open cases 2, handovers waiting for its answer 1" in str(error)
    assert plan.is_active

    handovers.decline(waiting, planner, "Ikkje vår sak")
    for case in db.session.scalars(select(Case).where(Case.department_id == plan.id)).all():
        casework.close(case, planner)
    assert update_department(plan, is_active=False) == {"is_active": False}
    db.session.commit()
    assert [d.slug for d in departments_by_name()] == ["innbyggjarservice"]


def test_the_frontline_department_cannot_be_deactivated(frontline):
    assert refusal(update_department, frontline, is_active=False).field == "is_active"
    plan = add_department(slug="plan", name="Plan")
    update_department(plan, is_active=False)
    assert refusal(update_department, plan, is_frontline=True).field == "is_frontline"


def test_an_inactive_department_is_offered_no_handovers_and_refuses_them(frontline):
    plan = add_department(slug="plan", name="Plan")
    skule = add_department(slug="skule", name="Skule")
    update_department(plan, is_active=False)
    kari = make_user(frontline)
    case = receive(email())
    options = handover_options(case, [], kari)
    assert [d.slug for d in options.departments] == ["skule"]
    with pytest.raises(handovers.HandoverError, match="no longer active"):
        handovers.propose(case, plan, kari, "Plansak")
    assert handovers.propose(case, skule, kari, "Skulesak").to_department == skule


def test_the_leader_must_be_a_member_of_the_department(frontline):
    plan = add_department(slug="plan", name="Plan")
    outsider = make_user(frontline, email="kari@alver.no")
    member = make_user(plan, email="per@alver.no")
    error = refusal(update_department, plan, leader=outsider)
    assert error.field == "leader" and "kari@alver.no" in str(error)
    assert update_department(plan, leader=member) == {"leader_id": member.id}
    assert plan.leader == member
    assert update_department(plan, leader=None) == {"leader_id": None}


def test_a_refused_change_changes_nothing(frontline):
    error = refusal(update_department, frontline, name="Servicetorget", email="ikkje ei adresse")
    assert error.field == "email"
    db.session.refresh(frontline)
    assert frontline.name == "Innbyggjarservice"


def test_changes_are_audited_with_who_and_what(frontline):
    admin = make_user(role=Role.ADMIN)
    update_department(frontline, by=admin, name_en="Citizen services", is_leader_only=True)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "department.update"))
    assert event.user_id == admin.id
    assert event.details["changes"] == {"name_en": "Citizen services", "is_leader_only": True}
    assert update_department(frontline, name_en="Citizen services") == {}


def test_the_department_column_lets_only_the_leader_accept(frontline):
    byggesak = add_department(slug="byggesak", name="Byggesak")
    kari = make_user(frontline)
    staff = make_user(byggesak)
    leader = make_user(byggesak, role=Role.LEADER)
    update_department(byggesak, leader=leader, is_leader_only=True)
    handover = handovers.propose(receive(email()), byggesak, kari, "Byggesøknad")
    with pytest.raises(handovers.HandoverError, match="only the leader of Byggesak"):
        handovers.accept(handover, staff)
    assert handovers.accept(handover, leader).status.value == "accepted"


def test_summaries_count_open_cases_and_members_per_department(frontline):
    plan = add_department(slug="plan", name="Plan")
    make_user(frontline)
    make_user(frontline, plan)
    receive(email())
    closed = receive(email(sender="per@example.no"))
    casework.close(closed, make_user(frontline))
    counted = {s.department.slug: (s.open_cases, s.members) for s in department_summaries()}
    assert counted == {"innbyggjarservice": (1, 3), "plan": (0, 1)}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Innbyggjarservice", "innbyggjarservice"),
        ("Plan og byggesak", "plan-og-byggesak"),
        ("Skule, barnehage og fritid", "skule-barnehage-og-fritid"),
        ("Helse- og omsorgstenester", "helse-og-omsorgstenester"),
        ("Kultur & idrett / Årdal", "kultur-idrett-ardal"),
        ("Økonomi", "okonomi"),
        ("Sørvis", "sorvis"),
        ("Næring", "naering"),
    ],
)
def test_a_slug_is_suggested_from_the_name(name, slug):
    assert slug_for(name) == slug
