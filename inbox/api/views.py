"""The REST API under /api/v1: cases, answers, notes, assignment, closing, callback requests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from inbox.api import bodies
from inbox.api.auth import api_user, authenticate_request
from inbox.api.openapi import openapi_document
from inbox.api.problems import ApiProblem, from_api_problem, from_http_exception, problem_response
from inbox.cases import casework
from inbox.cases.access import NotChangeable, NotVisible, Refused, case_to_change, case_to_see
from inbox.cases.export import case_fields, iso_time, one_case_record
from inbox.cases.queue import DEFAULT_SORT, SCOPES, QueueError, QueueFilter, queue_page
from inbox.cases.replies import ReplyError, add_note, reply
from inbox.database import commit_and_begin_write
from inbox.extensions import csrf, db
from inbox.handovers import workflow as handovers
from inbox.intake.callbacks import (
    CallbackError,
    CallbackRequest,
    RequestIdReused,
    TooManyRequests,
    request_callback,
)
from inbox.models import Case, Handover, Message, OutKind
from inbox.people import audit
from inbox.people.departments import department_with_slug
from inbox.people.users import user_with_email
from inbox.suggestions.suggesting import as_record, suggestions_for

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
# The fields of the service's errors, as the API's bodies name them.
REPLY_FIELDS = {"new_date": "new_due"}
csrf.exempt(blueprint)  # bearer tokens, no cookies: nothing for a forged form to ride on
blueprint.register_error_handler(ApiProblem, from_api_problem)
blueprint.register_error_handler(HTTPException, from_http_exception)
blueprint.register_error_handler(NotVisible, lambda error: _refused(error, 404, "Not Found"))
blueprint.register_error_handler(NotChangeable, lambda error: _refused(error, 403, "Forbidden"))


def _refused(error: Refused, status: int, title: str):
    """The problem response, after the refusal is in the audit log."""
    db.session.rollback()
    refusal = "not_visible" if isinstance(error, NotVisible) else "not_changeable"
    audit.record_refusal(api_user(), error.target, refusal, request.remote_addr)
    db.session.commit()
    return problem_response(status, title, str(error))


@blueprint.before_request
def _authenticate() -> None:
    if request.endpoint != "api.openapi":
        authenticate_request()


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _summary(case: Case) -> dict[str, Any]:
    return {
        **case_fields(case),
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
    scope = arguments.get("scope", "all")
    if scope not in SCOPES:
        raise ApiProblem(
            422, "Unprocessable Content", f"scope: one of {', '.join(SCOPES)}, got {scope!r}"
        )
    filters = QueueFilter(
        mine_only=scope == "mine",
        channel=arguments.get("channel"),
        status=arguments.get("status"),
        due=arguments.get("due"),
        assignee=arguments.get("assignee"),
        handover=arguments.get("handover"),
        department=arguments.get("department"),
        offered_to=arguments.get("offered_to"),
        search=arguments.get("q"),
    )
    calendar = current_app.extensions["svarfrist"].rules.calendar
    try:
        page = queue_page(
            api_user(),
            calendar,
            filters,
            limit=limit,
            after=arguments.get("after"),
            sort=arguments.get("sort") or DEFAULT_SORT,
        )
    except QueueError as error:
        raise ApiProblem(400, "Bad Request", str(error)) from None
    return jsonify({"items": [_summary(case) for case in page.rows], "next": page.next_cursor})


def _detail(case: Case) -> dict[str, Any]:
    return {
        **one_case_record(case),
        "target_at": iso_time(case.target_at),
        "due_at": iso_time(case.due_at),
    }


@blueprint.get("/cases/<reference:reference>")
def get_case(reference: str):
    case = case_to_see(api_user(), reference)
    audit.record("case.view", user=api_user(), case=case, ip=request.remote_addr, via="api")
    db.session.commit()
    return jsonify(_detail(case))


def _message(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction.value,
        "kind": message.kind.value if message.kind else None,
        "channel": message.channel,
        "created_at": iso_time(message.created_at),
        "text": message.text,
    }


@blueprint.post("/cases/<reference:reference>/reply")
def reply_to_case(reference: str):
    case = case_to_change(api_user(), reference)
    body = bodies.read(bodies.REPLY)
    kind = OutKind.PRELIMINARY if body["preliminary"] else OutKind.REPLY
    try:
        message = reply(case, api_user(), body["text"], kind=kind, new_date=body["new_due"])
    except ReplyError as error:
        db.session.rollback()
        field = REPLY_FIELDS.get(error.field, error.field)
        raise ApiProblem(422, "Unprocessable Content", f"{field}: {error}", error.code) from None
    db.session.commit()
    return jsonify({"message": _message(message), "case": _detail(case)}), 201


@blueprint.post("/cases/<reference:reference>/notes")
def note_on_case(reference: str):
    case = case_to_change(api_user(), reference)
    note = add_note(case, api_user(), bodies.read(bodies.NOTE)["text"])
    db.session.commit()
    return jsonify({"message": _message(note)}), 201


@blueprint.post("/cases/<reference:reference>/assign")
def assign_case(reference: str):
    case = case_to_change(api_user(), reference)
    email = bodies.read(bodies.ASSIGN)["assignee"]
    assignee = None
    if email is not None:
        assignee = user_with_email(email)
        if assignee is None:
            raise ApiProblem(422, "Unprocessable Content", f"assignee: no user {email}")
    try:
        casework.assign(case, assignee, api_user())
    except casework.CaseworkError as error:
        raise ApiProblem(422, "Unprocessable Content", f"assignee: {error}", error.code) from None
    db.session.commit()
    return jsonify(_detail(case))


@blueprint.post("/cases/<reference:reference>/close")
def close_case(reference: str):
    case = case_to_change(api_user(), reference)
    try:
        casework.close(case, api_user())
    except casework.CaseworkError as error:
        raise ApiProblem(409, "Conflict", str(error), error.code) from None
    db.session.commit()
    return jsonify(_detail(case))


@blueprint.post("/callbacks")
def create_callback():
    """A "call me back" request from a phone system's queue; ``request_id`` makes it idempotent."""
    body = bodies.read(bodies.CALLBACK)
    if body["language"] is None:
        body["language"] = current_app.extensions["svarfrist"].rules.municipality.language
    wanted = CallbackRequest(**body)
    commit_and_begin_write()
    try:
        case = request_callback(wanted, source="api", requester=api_user())
    except RequestIdReused as error:
        db.session.rollback()
        raise ApiProblem(409, "Conflict", f"request_id: {error}") from None
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


@blueprint.get("/cases/<reference:reference>/suggestions")
def case_suggestions(reference: str):
    """The three likeliest departments for the case; 404 where the case itself would be."""
    case = case_to_see(api_user(), reference)
    return jsonify(as_record(suggestions_for(case)))


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


@blueprint.post("/cases/<reference:reference>/handovers")
def propose_handover(reference: str):
    case = case_to_change(api_user(), reference)
    body = bodies.read(bodies.HANDOVER)
    slug = body["to_department"]
    department = department_with_slug(slug)
    if department is None:
        raise ApiProblem(422, "Unprocessable Content", f"to_department: no department {slug!r}")
    try:
        handover = handovers.propose(case, department, api_user(), body["note"])
    except handovers.HandoverError as error:
        db.session.rollback()
        raise ApiProblem(422, "Unprocessable Content", str(error), error.code) from None
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
        raise ApiProblem(409, "Conflict", str(error), error.code) from None
    except handovers.HandoverError as error:
        db.session.rollback()
        raise ApiProblem(403, "Forbidden", str(error), error.code) from None
    db.session.commit()
    return jsonify(_handover_json(handover))


@blueprint.post("/handovers/<id:handover_id>/accept")
def accept_handover(handover_id: int):
    body = bodies.read(bodies.ACCEPT, optional=True)
    return _decision(
        handover_id,
        lambda handover, user: handovers.accept(
            handover, user, tell_citizen=body["tell_citizen"], assign_to_me=body["assign_to_me"]
        ),
    )


@blueprint.post("/handovers/<id:handover_id>/decline")
def decline_handover(handover_id: int):
    reason = bodies.read(bodies.DECLINE)["reason"]
    return _decision(handover_id, lambda handover, user: handovers.decline(handover, user, reason))


@blueprint.post("/handovers/<id:handover_id>/withdraw")
def withdraw_handover(handover_id: int):
    return _decision(handover_id, handovers.withdraw)
