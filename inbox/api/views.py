"""The REST API under /api/v1: cases, answers, notes, assignment, closing, callback requests."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from inbox.api.auth import api_user, authenticate_request
from inbox.api.openapi import openapi_document
from inbox.api.problems import ApiProblem, from_api_problem, from_http_exception, problem_response
from inbox.cases import casework
from inbox.cases.access import NotChangeable, NotVisible, case_to_change, case_to_see
from inbox.cases.export import case_record, iso_time
from inbox.cases.queue import QueueError, QueueFilter, queue_page
from inbox.cases.replies import ReplyError, add_note, reply
from inbox.database import commit_and_begin_write
from inbox.extensions import csrf, db
from inbox.handovers import workflow as handovers
from inbox.i18n import LANGUAGES
from inbox.intake.callbacks import CallbackError, CallbackRequest, TooManyRequests, request_callback
from inbox.models import Case, Department, Handover, Message, OutKind, User
from inbox.people import audit

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)  # bearer tokens, no cookies: nothing for a forged form to ride on
blueprint.register_error_handler(ApiProblem, from_api_problem)
blueprint.register_error_handler(HTTPException, from_http_exception)
blueprint.register_error_handler(
    NotVisible, lambda error: problem_response(404, "Not Found", str(error))
)
blueprint.register_error_handler(
    NotChangeable, lambda error: problem_response(403, "Forbidden", str(error))
)


@blueprint.before_request
def _authenticate() -> None:
    if request.endpoint != "api.openapi":
        authenticate_request()


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _summary(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "channel": case.channel,
        "subject": case.subject,
        "status": case.status.value,
        "department": case.department.slug,
        "assignee": case.assignee.email if case.assignee else None,
        "citizen": case.contact.name,
        "language": case.language,
        "created_at": iso_time(case.created_at),
        "last_message_at": iso_time(case.last_message_at),
        "target_at": iso_time(case.target_at),
        "due_at": iso_time(case.due_at),
    }


@blueprint.get("/cases")
def list_cases():
    arguments = request.args
    try:
        limit = int(arguments.get("limit", 50))
    except ValueError:
        raise ApiProblem(400, "Bad Request", "limit: expected a whole number") from None
    filters = QueueFilter(
        mine_only=arguments.get("scope") == "mine",
        channel=arguments.get("channel"),
        status=arguments.get("status"),
        due=arguments.get("due"),
        assignee=arguments.get("assignee"),
        handover=arguments.get("handover"),
        department=arguments.get("department"),
        search=arguments.get("q"),
    )
    calendar = current_app.extensions["svarfrist"].rules.calendar
    try:
        page = queue_page(api_user(), calendar, filters, limit=limit, after=arguments.get("after"))
    except QueueError as error:
        raise ApiProblem(400, "Bad Request", str(error)) from None
    return jsonify({"items": [_summary(case) for case in page.rows], "next": page.next_cursor})


def _detail(case: Case) -> dict[str, Any]:
    handovers = db.session.scalars(
        select(Handover).where(Handover.case_id == case.id).order_by(Handover.proposed_at)
    ).all()
    return {
        **case_record(case, list(handovers)),
        "target_at": iso_time(case.target_at),
        "due_at": iso_time(case.due_at),
    }


@blueprint.get("/cases/<reference>")
def get_case(reference: str):
    case = case_to_see(api_user(), reference)
    audit.record("case.view", user=api_user(), case=case, ip=request.remote_addr, via="api")
    db.session.commit()
    return jsonify(_detail(case))


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", "the body must be a JSON object")
    return body


def _field(body: dict[str, Any], name: str, kind: type, *, required: bool = True):
    value = body.get(name)
    if value is None:
        if required:
            raise ApiProblem(422, "Unprocessable Content", f"{name}: required")
        return None
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        expected = {str: "a non-empty string", bool: "true or false"}[kind]
        raise ApiProblem(422, "Unprocessable Content", f"{name}: expected {expected}")
    if kind is str and "\x00" in value:  # PostgreSQL's text cannot hold it
        raise ApiProblem(422, "Unprocessable Content", f"{name}: contains a NUL character")
    return value


def _message(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction.value,
        "kind": message.kind.value if message.kind else None,
        "channel": message.channel,
        "created_at": iso_time(message.created_at),
        "text": message.text,
    }


@blueprint.post("/cases/<reference>/reply")
def reply_to_case(reference: str):
    case = case_to_change(api_user(), reference)
    body = _body()
    text = _field(body, "text", str)
    preliminary = _field(body, "preliminary", bool, required=False) or False
    new_due = None
    if preliminary:
        raw = _field(body, "new_due", str)
        try:
            new_due = date.fromisoformat(raw)
        except ValueError:
            raise ApiProblem(
                422, "Unprocessable Content", "new_due: expected a date as YYYY-MM-DD"
            ) from None
    kind = OutKind.PRELIMINARY if preliminary else OutKind.REPLY
    try:
        message = reply(case, api_user(), text, kind=kind, new_date=new_due)
    except ReplyError as error:
        db.session.rollback()
        field = "new_due" if preliminary and "date" in str(error) else "text"
        raise ApiProblem(422, "Unprocessable Content", f"{field}: {error}") from None
    db.session.commit()
    return jsonify({"message": _message(message), "case": _detail(case)}), 201


@blueprint.post("/cases/<reference>/notes")
def note_on_case(reference: str):
    case = case_to_change(api_user(), reference)
    note = add_note(case, api_user(), _field(_body(), "text", str))
    db.session.commit()
    return jsonify({"message": _message(note)}), 201


@blueprint.post("/cases/<reference>/assign")
def assign_case(reference: str):
    case = case_to_change(api_user(), reference)
    body = _body()
    if "assignee" not in body:
        raise ApiProblem(422, "Unprocessable Content", "assignee: required (an e-mail or null)")
    email = body["assignee"]
    assignee = None
    if email is not None:
        if not isinstance(email, str):
            raise ApiProblem(422, "Unprocessable Content", "assignee: expected an e-mail or null")
        assignee = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if assignee is None:
            raise ApiProblem(422, "Unprocessable Content", f"assignee: no user {email}")
    try:
        casework.assign(case, assignee, api_user())
    except casework.CaseworkError as error:
        raise ApiProblem(422, "Unprocessable Content", f"assignee: {error}") from None
    db.session.commit()
    return jsonify(_detail(case))


@blueprint.post("/cases/<reference>/close")
def close_case(reference: str):
    case = case_to_change(api_user(), reference)
    try:
        casework.close(case, api_user())
    except casework.CaseworkError as error:
        raise ApiProblem(409, "Conflict", str(error)) from None
    db.session.commit()
    return jsonify(_detail(case))


@blueprint.post("/callbacks")
def create_callback():
    """A "call me back" request from a phone system's queue; ``request_id`` makes it idempotent."""
    body = _body()
    wanted = CallbackRequest(
        name=_field(body, "name", str),
        phone=_field(body, "phone", str),
        about=_field(body, "about", str),
        preferred_time=_field(body, "preferred_time", str, required=False) or "any",
        department=_field(body, "department", str, required=False),
        sms_consent=_field(body, "sms_consent", bool, required=False) or False,
        language=_field(body, "language", str, required=False)
        or current_app.extensions["svarfrist"].rules.municipality.language,
        request_id=_field(body, "request_id", str, required=False),
    )
    if wanted.language not in LANGUAGES:
        raise ApiProblem(422, "Unprocessable Content", f"language: one of {', '.join(LANGUAGES)}")
    commit_and_begin_write()
    try:
        case = request_callback(wanted, source="api")
    except CallbackError as error:
        db.session.rollback()
        raise ApiProblem(422, "Unprocessable Content", f"{error.field}: {error}") from None
    except TooManyRequests:
        db.session.rollback()
        raise ApiProblem(
            429, "Too Many Requests", "phone: this number has asked too often today"
        ) from None
    audit.record("callback.create", user=api_user(), case=case, via="api")
    db.session.commit()
    return jsonify(
        {
            "reference": case.reference,
            "target_at": iso_time(case.target_at),
            "due_at": iso_time(case.due_at),
        }
    ), 201


def _handover_json(handover: Handover) -> dict[str, Any]:
    return {
        "id": handover.id,
        "case": handover.case.reference,
        "from": handover.from_department.slug,
        "to": handover.to_department.slug,
        "status": handover.status.value,
        "note": handover.note,
        "reason": handover.reason,
        "proposed_at": iso_time(handover.proposed_at),
        "accept_by": iso_time(handover.accept_by),
        "decided_at": iso_time(handover.decided_at),
    }


@blueprint.post("/cases/<reference>/handovers")
def propose_handover(reference: str):
    case = case_to_change(api_user(), reference)
    body = _body()
    slug = _field(body, "to_department", str)
    department = db.session.scalar(select(Department).where(Department.slug == slug))
    if department is None:
        raise ApiProblem(422, "Unprocessable Content", f"to_department: no department {slug!r}")
    try:
        handover = handovers.propose(case, department, api_user(), _field(body, "note", str))
    except handovers.HandoverError as error:
        db.session.rollback()
        raise ApiProblem(422, "Unprocessable Content", str(error)) from None
    db.session.commit()
    return jsonify(_handover_json(handover)), 201


def _decision(handover_id: int, decide):
    commit_and_begin_write()
    handover = handovers.locked(handover_id)
    user = api_user()
    if handover is None or not (
        handovers.may_decide(user, handover) or handovers.may_withdraw(user, handover)
    ):
        db.session.rollback()
        raise ApiProblem(404, "Not Found", f"no handover {handover_id}")
    try:
        decide(handover, user)
    except handovers.HandoverConflict as error:
        db.session.rollback()
        raise ApiProblem(409, "Conflict", str(error)) from None
    except handovers.HandoverError as error:
        db.session.rollback()
        raise ApiProblem(403, "Forbidden", str(error)) from None
    db.session.commit()
    return jsonify(_handover_json(handover))


@blueprint.post("/handovers/<id:handover_id>/accept")
def accept_handover(handover_id: int):
    body = request.get_json(silent=True) or {}
    tell = _field(body, "tell_citizen", bool, required=False)
    assign_to_me = _field(body, "assign_to_me", bool, required=False) or False
    return _decision(
        handover_id,
        lambda handover, user: handovers.accept(
            handover, user, tell_citizen=tell is not False, assign_to_me=assign_to_me
        ),
    )


@blueprint.post("/handovers/<id:handover_id>/decline")
def decline_handover(handover_id: int):
    reason = _field(_body(), "reason", str)
    return _decision(handover_id, lambda handover, user: handovers.decline(handover, user, reason))


@blueprint.post("/handovers/<id:handover_id>/withdraw")
def withdraw_handover(handover_id: int):
    return _decision(handover_id, handovers.withdraw)
