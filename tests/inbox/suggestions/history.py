"""A small municipality with a handled history to learn from: three departments, cases
closed where they belong (with the answer sent), and staff to look at them."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, CaseStatus, Direction, Message, OutKind
from inbox.settings.suggestions import SuggestionSettings
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)
WORDS = {
    "byggesak": ("byggesøknad", "garasje", "tilbygg", "byggjeløyve", "teikningar", "carport"),
    "barnehage": ("barnehageplass", "opptak", "foreldrebetaling", "barnehagen", "plass"),
    "vatn-og-avlop": ("vasslekkasje", "kloakk", "kokevarsel", "vatnet", "leidningen"),
}
ANSWERS = {
    "byggesak": "Søknaden din er komplett og vert handsama innan fristen.",
    "barnehage": "Hovudopptaket vert sendt ut i slutten av mars.",
    "vatn-og-avlop": "Driftsavdelinga har stengt leidningen og reparerer han i morgon.",
}
PER_DEPARTMENT = 15


def learning_settings(app, **changes) -> None:
    """Suggestions used from a small history (the defaults need 500 cases)."""
    settings = app.extensions["svarfrist"]
    values = {"min_cases": 30, "min_accuracy": 0.3, **changes}
    app.extensions["svarfrist"] = replace(settings, suggestions=SuggestionSettings(**values))


def handled_history(per_department: int = PER_DEPARTMENT) -> dict:
    """Departments, Kari at the frontline, Eirik in byggesak, and the closed cases of the last
    weeks."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    departments = {slug: make_department(slug, name=slug.title()) for slug in WORDS}
    serial = itertools.count()
    closed = []
    for slug, words in WORDS.items():
        for n in range(per_department):
            number = next(serial)
            received_at = NOW - timedelta(days=60) + timedelta(hours=number * 7)
            text = f"Hei, eg lurer på {words[n % len(words)]} og {words[(n + 2) % len(words)]}."
            case = close_in(departments[slug], received_at, words[n % len(words)], text)
            closed.append(case)
    kari = make_user(frontline, email="kari@alver.no")
    eirik = make_user(departments["byggesak"], email="eirik@alver.no")
    db.session.commit()
    return {
        "frontline": frontline,
        "departments": departments,
        "closed": closed,
        "kari": kari,
        "eirik": eirik,
    }


def close_in(
    department, received_at: datetime, subject: str, text: str, answer: str | None = None
) -> Case:
    """A case that came in, was answered (by default as in :data:`ANSWERS`) and closed by
    ``department``."""
    with frozen_at(received_at):
        case = receive(email(received_at=received_at, subject=subject, text=text))
    case.department_id = department.id
    case.status = CaseStatus.CLOSED
    case.closed_at = received_at + timedelta(days=1)
    db.session.add(
        Message(
            case_id=case.id,
            direction=Direction.OUT,
            kind=OutKind.REPLY,
            channel="email",
            text=answer or ANSWERS[department.slug],
            created_at=received_at + timedelta(hours=5),
        )
    )
    db.session.flush()
    return case


def new_case(subject: str, text: str) -> Case:
    """A case just in, at the frontline."""
    case = receive(email(received_at=NOW, subject=subject, text=text, sender="ny@example.no"))
    db.session.commit()
    return case
