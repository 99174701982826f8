"""Words instead of codes: the history in sentences, page views folded, language and status
names, the services' errors in the user's language, lists through Babel."""

from __future__ import annotations

import ast
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.history import HistoryEntry
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import notify_overdue, propose
from inbox.intake.receiving import receive
from inbox.models import Case, CaseStatus
from inbox.people.users import create_api_token
from inbox.web.error_texts import ERROR_TEXTS
from inbox.web.history_text import UNKNOWN, history_text
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

ROOT = Path(__file__).resolve().parents[3]
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    with frozen_at(MONDAY):
        frontline = make_department("innbyggjarservice", is_frontline=True, name="Servicetorget")
        water = make_department("va", name="Vatn og avløp")
        ola = make_user(frontline, email="ola@alver.no", name="Ola Nordmann")
        kari = make_user(frontline, email="kari@alver.no", name="Kari Nordmann")
        anne = make_user(frontline, email="anne@alver.no", name="Anne Aas")
        berit = make_user(frontline, email="berit@alver.no", name="Berit Bø")
        case = receive(email(received_at=MONDAY - timedelta(hours=1)))
        db.session.commit()
    return {"case": case, "ola": ola, "kari": kari, "anne": anne, "berit": berit, "water": water}


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def history(html: str) -> str:
    section = html.split('id="history-heading"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", section)


def test_the_history_says_each_action_as_a_sentence_with_names(client, town):
    case = town["case"]
    with frozen_at(MONDAY):
        reply(
            case,
            town["ola"],
            "Vi ser på det.",
            way=AnswerWay(Route.EMAIL, "kari.nordmann@example.no"),
        )
        propose(case, town["water"], town["ola"], "Gjeld vassleidninga.")
        db.session.commit()
    with frozen_at(TUESDAY + timedelta(hours=6)):  # past the handover's deadline (15:00)
        notify_overdue()
        db.session.commit()
        log_in(client, "kari@alver.no")
        html = page(client, f"/cases/{case.reference}")
    said = history(html)
    assert "Saka vart oppretta frå ein e-post" in said
    assert "Ola Nordmann svarte innbyggjaren på e-post" in said
    assert "Ola Nordmann tilbaud saka til Vatn og avløp" in said
    assert "Overføringa til Vatn og avløp vart eskalert" in said
    for code in ("case.create", "message.reply", "handover.propose", "handover.escalate", "<code>"):
        assert code not in said


def test_page_views_are_one_line_per_person_and_day(client, town):
    reference = town["case"].reference
    log_in(client, "kari@alver.no")
    with frozen_at(MONDAY):
        for _view in range(2):
            page(client, f"/cases/{reference}")
    with frozen_at(TUESDAY):
        for _view in range(8):
            page(client, f"/cases/{reference}")
        said = history(page(client, f"/cases/{reference}"))
    assert "Kari Nordmann opna saka 9 gonger 1. desember 2026" in said
    assert "Kari Nordmann opna saka 2 gonger 30. november 2026" in said
    assert said.count("opna saka") == 2


def test_every_action_recorded_on_a_case_has_a_sentence(app, town):
    actions = recorded_case_actions()
    assert {"case.create", "message.reply", "handover.escalate", "case.view"} <= actions
    # The actions the merged branches brought (merging, the citizen panel, previews).
    assert {
        "case.merge",
        "contact.renamed",
        "contact.address_added",
        "contact.address_changed",
        "contact.address_removed",
        "attachment.preview",
    } <= actions
    with app.test_request_context():
        for action in sorted(actions):
            entry = HistoryEntry(at=MONDAY, action=action, actor=town["kari"], day=MONDAY.date())
            said = {}
            for language in ("nn", "nb", "en"):
                with force_locale(language):
                    text = said[language] = history_text(entry)
                    assert text != str(UNKNOWN) % {"name": town["kari"].name}, action
                    assert action not in text and "%(" not in text, (action, text)
            # Translated, not the English sentence on Norwegian pages.
            assert said["nn"] != said["en"] and said["nb"] != said["en"], (action, said)
    with app.test_request_context(), force_locale("nn"):
        unknown = str(UNKNOWN) % {"name": "Kari"}
        closed = HistoryEntry(MONDAY, "case.close", town["kari"], {"unanswered": True})
        assert history_text(closed).startswith("Kari Nordmann lukka saka medan innbyggjaren ")
        entry = HistoryEntry(at=MONDAY, action="case.something_new", actor=None)
        assert history_text(entry) == unknown.replace("Kari", "Svarfrist")
        assert history_text(entry) == "Svarfrist endra saka"


@pytest.mark.parametrize(
    ("action", "details", "sentence"),
    [
        (
            "case.merge",
            {"merged_case": "2026-000007", "messages": 2},
            "Kari Nordmann slo sak 2026-000007 frå same innbyggjaren saman med denne saka",
        ),
        (
            "case.merge",
            {"merged_into": "2026-000003"},
            "Kari Nordmann slo denne saka inn i sak 2026-000003",
        ),
        ("contact.renamed", {"old": None, "new": "Per"}, "Kari Nordmann endra namnet på "),
        ("contact.renamed", {"old": "Per", "new": None}, "Kari Nordmann fjerna namnet på "),
        ("contact.address_added", {"kind": "phone"}, "Kari Nordmann la til eit mobilnummer"),
        (
            "contact.address_changed",
            {"kind": "email", "old": "a@b.no", "new": "c@b.no"},
            "Kari Nordmann retta ei e-postadresse hos innbyggjaren",
        ),
        (
            "contact.address_removed",
            {"kind": "phone", "old": "+4791234567", "new": None},
            "Kari Nordmann fjerna eit mobilnummer frå innbyggjaren",
        ),
        ("attachment.preview", {"attachment_id": 4}, "Kari Nordmann såg på ei førehandsvising"),
    ],
)
def test_the_new_actions_say_what_happened_without_the_citizens_data(
    app, town, action, details, sentence
):
    with app.test_request_context(), force_locale("nn"):
        text = history_text(HistoryEntry(MONDAY, action, town["kari"], details))
    assert text.startswith(sentence), text
    for value in ("a@b.no", "c@b.no", "+4791234567", "Per"):
        assert value not in text  # addresses and names stay in the panel, not in the history


def recorded_case_actions() -> set[str]:
    """Every action the code passes to ``audit.record`` together with a case, directly or
    through a helper of its module that forwards its first parameter as the action."""
    actions: set[str] = set()
    for path in (ROOT / "inbox").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forwarders = _forwarders(tree)
        for node in ast.walk(tree):
            if _records_with_case(node) or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in forwarders
            ):
                actions |= _literals(node.args[0], path)
    return actions


def _records_with_case(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "audit"
        and any(keyword.arg == "case" for keyword in node.keywords)
    )


def _forwarders(tree: ast.Module) -> set[str]:
    """Names of the module's functions that pass their first parameter to ``audit.record``."""
    names = set()
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or not function.args.args:
            continue
        first = function.args.args[0].arg
        if any(
            _records_with_case(node)
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == first
            for node in ast.walk(function)
        ):
            names.add(function.name)
    return names


def _literals(node: ast.expr, path: Path) -> set[str]:
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, path) | _literals(node.orelse, path)
    if isinstance(node, ast.JoinedStr) and ast.unparse(node) == "f'message.{kind.value}'":
        return {"message.reply", "message.preliminary"}
    if isinstance(node, ast.Name):  # a helper's parameter, e.g. template_admin's _audit
        return set()
    raise AssertionError(f"teach the test the actions of {ast.unparse(node)} in {path}")


def test_the_case_page_names_the_language_and_the_queue_the_status(client, town):
    case = town["case"]
    case.status = CaseStatus.OPEN
    db.session.commit()
    log_in(client, "kari@alver.no")
    with frozen_at(MONDAY):
        html = page(client, f"/cases/{case.reference}")
        queue = page(client, "/")
    assert "<dd>norsk nynorsk<" in html and "<dd>nn<" not in html
    assert "Under arbeid" in queue
    assert not re.search(r">\s*Open\b", queue)


def test_the_case_page_lists_names_through_babel(client, town):
    reference = town["case"].reference
    with frozen_at(MONDAY):
        for person in ("anne@alver.no", "berit@alver.no"):
            log_in(client, person)
            page(client, f"/cases/{reference}")
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        log_in(client, "kari@alver.no")
        html = page(client, f"/cases/{reference}")
    assert "Har òg denne saka open: Anne Aas og Berit Bø" in html


def flashed_after(client, path: str, **data) -> str:
    token = csrf_token(client, "/")
    response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_no_error_flashed_on_a_nynorsk_page_is_the_services_english(client, town):
    case, water = town["case"], town["water"]
    own = db.session.scalar(select(Case.department_id).where(Case.id == case.id))
    log_in(client, "kari@alver.no")
    with frozen_at(MONDAY):
        # The citizen waits for an answer: closing asks why first.
        reason = {"confirm": "yes", "reason": "Svart på telefon."}
        flashed_after(client, f"/cases/{case.reference}/close", **reason)
        closed_again = flashed_after(client, f"/cases/{case.reference}/close", **reason)
        flashed_after(client, f"/cases/{case.reference}/reopen")
        to_itself = flashed_after(
            client, f"/cases/{case.reference}/handover", department=str(own), note="Til oss"
        )
        flashed_after(
            client, f"/cases/{case.reference}/handover", department=str(water.id), note="Til VA"
        )
        twice = flashed_after(
            client, f"/cases/{case.reference}/handover", department=str(water.id), note="Igjen"
        )
    assert f"Sak {case.reference} er alt lukka." in closed_again
    assert f"case {case.reference} is already closed" not in closed_again
    assert "Saka vart ikkje tilboden. Saka høyrer alt til Servicetorget." in to_itself
    assert "already belongs" not in to_itself
    assert f"Sak {case.reference} er alt tilboden Vatn og avløp" in twice
    assert "already has a pending handover" not in twice


def test_the_api_keeps_the_english_message_and_adds_the_code(client, town):
    token = create_api_token(town["kari"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/cases/{town['case'].reference}/close"
    with frozen_at(MONDAY):
        assert client.post(path, headers=headers).status_code == 200
        again = client.post(path, headers=headers)
    assert again.status_code == 409
    problem = again.get_json()
    assert problem["code"] == "casework.already_closed"
    assert problem["detail"] == f"case {town['case'].reference} is already closed"


def test_every_error_code_the_services_raise_has_a_sentence():
    sources = [
        "inbox/cases/casework.py",
        "inbox/cases/replies.py",
        "inbox/cases/joining.py",
        "inbox/handovers/workflow.py",
        "inbox/intake/registration.py",
    ]
    pattern = re.compile(r'"((?:casework|handover|reply|join|registration)\.[a-z_]+)"')
    codes = {code for name in sources for code in pattern.findall((ROOT / name).read_text())}
    codes |= {
        f"handover.already_{status}{by}"
        for status in ("accepted", "declined", "withdrawn")
        for by in ("", "_by")
    }
    codes -= recorded_case_actions()  # the audit's actions are no error codes
    assert len(codes) > 25
    assert codes - ERROR_TEXTS.keys() == set()
