"""The OpenAPI 3.1 document for /api/v1 (tests check real responses against it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from channels.callback import PREFERRED_TIMES
from inbox.cases.queue import (
    ASSIGNEE_FILTERS,
    DUE_FILTERS,
    HANDOVER_FILTERS,
    MAX_LIMIT,
    SCOPES,
    SORTS,
    STATUS_FILTERS,
)
from inbox.cases.replies import ANSWER_KINDS, MAX_TEXT_LENGTH
from inbox.i18n import LANGUAGES
from inbox.models import CaseStatus, Direction, HandoverStatus, OutKind, TurnOrigin
from inbox.routing import MAX_ROW_ID

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
#: An answer or a note.
WRITTEN_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH}


def _enum(values: Iterable[str], *, nullable: bool = False) -> dict[str, Any]:
    """One of ``values`` (the enum or tuple the code checks against), or null."""
    return {"enum": [str(value) for value in values] + ([None] if nullable else [])}


CASE_STATUS = _enum(CaseStatus)
HANDOVER_STATUS = _enum(HandoverStatus)


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Problem": _object(
        {
            "type": STRING,
            "title": STRING,
            "status": {"type": "integer"},
            "detail": STRING,
            "instance": STRING,
            # Why a change was refused, for programs ("casework.already_closed").
            "code": STRING,
        },
        required=["type", "title", "status"],
    ),
    "CaseSummary": _object(
        {
            "reference": {"type": "string", "pattern": r"^\d{4}-\d{6}$"},
            "channel": STRING,
            "subject": STRING,
            "status": CASE_STATUS,
            "department": STRING,
            "assignee": NULLABLE_STRING,
            "citizen": NULLABLE_STRING,
            "language": STRING,
            "created_at": TIME,
            "last_message_at": TIME,
            "target_at": NULLABLE_TIME,
            "due_at": NULLABLE_TIME,
        }
    ),
    "CallbackRequest": _object(
        {
            "name": STRING,
            "phone": {"type": "string", "description": "any format; Norway is the default region"},
            "about": STRING,
            "preferred_time": _enum(PREFERRED_TIMES),
            "department": {"type": "string", "description": "a department's slug"},
            "sms_consent": {"type": "boolean"},
            "language": _enum(LANGUAGES),
            "request_id": {
                "type": "string",
                "description": (
                    "the caller's own id: sent twice, kept once; sent again with other content, 409"
                ),
            },
        },
        required=["name", "phone", "about"],
    ),
    "CallbackCreated": _object(
        {
            "reference": {"type": "string", "pattern": r"^\d{4}-\d{6}$"},
            "target_at": NULLABLE_TIME,
            "due_at": NULLABLE_TIME,
        }
    ),
    "HandoverRequest": _object(
        {"to_department": {"type": "string", "description": "the slug"}, "note": STRING},
        required=["to_department", "note"],
    ),
    "AcceptRequest": _object(
        {"tell_citizen": {"type": "boolean"}, "assign_to_me": {"type": "boolean"}}
    ),
    "DeclineRequest": _object({"reason": STRING}, required=["reason"]),
    "HandoverRecord": _object(
        {
            "id": {"type": "integer"},
            "case": STRING,
            "from": STRING,
            "to": STRING,
            "status": HANDOVER_STATUS,
            "note": STRING,
            "reason": NULLABLE_STRING,
            "proposed_at": TIME,
            "accept_by": TIME,
            "decided_at": NULLABLE_TIME,
        }
    ),
    "CaseList": _object(
        {"items": {"type": "array", "items": _ref("CaseSummary")}, "next": NULLABLE_STRING}
    ),
    "Attachment": _object(
        {"filename": STRING, "content_type": STRING, "size": {"type": "integer"}, "sha256": STRING}
    ),
    "Message": _object(
        {
            "direction": _enum(Direction),
            "kind": _enum(OutKind, nullable=True),
            "channel": STRING,
            "account": STRING,
            "external_id": NULLABLE_STRING,
            "address": NULLABLE_STRING,
            "created_at": TIME,
            "subject": STRING,
            "text": STRING,
            "html": NULLABLE_STRING,
            "raw_sha256": NULLABLE_STRING,
            "attachments": {"type": "array", "items": _ref("Attachment")},
        }
    ),
    "Turn": _object(
        {
            "channel": STRING,
            "origin": _enum(TurnOrigin),
            "received_at": TIME,
            "target_at": TIME,
            "due_at": TIME,
            "answered_at": NULLABLE_TIME,
            "answer_kind": _enum(ANSWER_KINDS, nullable=True),
            "met": {"type": ["boolean", "null"]},
        }
    ),
    "Handover": _object(
        {
            "from": STRING,
            "to": STRING,
            "status": HANDOVER_STATUS,
            "proposed_at": TIME,
            "decided_at": NULLABLE_TIME,
            "note": STRING,
            "reason": NULLABLE_STRING,
        }
    ),
    "CaseDetail": _object(
        {
            "reference": STRING,
            "channel": STRING,
            "subject": STRING,
            "status": CASE_STATUS,
            "department": STRING,
            "assignee": NULLABLE_STRING,
            "language": STRING,
            "is_unreadable": {"type": "boolean"},
            "created_at": TIME,
            "closed_at": NULLABLE_TIME,
            "contact": _object(
                {
                    "name": NULLABLE_STRING,
                    "language": NULLABLE_STRING,
                    "identities": {
                        "type": "array",
                        "items": _object({"kind": STRING, "value": STRING}),
                    },
                }
            ),
            "messages": {"type": "array", "items": _ref("Message")},
            "turns": {"type": "array", "items": _ref("Turn")},
            "handovers": {"type": "array", "items": _ref("Handover")},
            "target_at": NULLABLE_TIME,
            "due_at": NULLABLE_TIME,
        }
    ),
    "CaseSuggestions": _object(
        {
            "departments": {
                "type": "array",
                "maxItems": 3,
                "items": _object(
                    {"slug": STRING, "probability": {"type": "number", "minimum": 0, "maximum": 1}}
                ),
                "description": "likeliest first; empty when no model is in use",
            },
            "model": {
                "oneOf": [
                    _object(
                        {
                            "trained_at": TIME,
                            "cases": {"type": "integer"},
                            "accuracy": {"type": "number", "minimum": 0, "maximum": 1},
                        }
                    ),
                    {"type": "null"},
                ]
            },
            "reason": {"type": "string", "description": "why no model is in use"},
        },
        required=["departments", "model"],
    ),
    "SentMessage": _object(
        {
            "direction": _enum([Direction.OUT, Direction.NOTE]),
            "kind": _enum(ANSWER_KINDS, nullable=True),
            "channel": STRING,
            "created_at": TIME,
            "text": STRING,
        }
    ),
    "ReplyRequest": _object(
        {
            "text": WRITTEN_TEXT,
            "preliminary": {"type": "boolean", "default": False},
            "new_due": {
                "type": "string",
                "format": "date",
                "description": "with preliminary: a working day after today",
            },
        },
        required=["text"],
    ),
    "NoteRequest": _object({"text": WRITTEN_TEXT}),
    "AssignRequest": _object(
        {"assignee": {"type": ["string", "null"], "description": "a user's e-mail, or null"}}
    ),
}


def _problems(*codes: int) -> dict[str, Any]:
    content = {"application/problem+json": {"schema": _ref("Problem")}}
    return {str(code): {"description": "problem", "content": content} for code in codes}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}


REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": r"^\d{4}-\d{6}$"},
}


HANDOVER_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
}


def _decision_path(summary: str, body: str | None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [HANDOVER_ID],
        "responses": {
            "200": _json("HandoverRecord", "decided"),
            **_problems(400, 401, 403, 404, 409, 422),
        },
    }
    if body is not None:
        operation["requestBody"] = _body(body)
    return {"post": operation}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Svarfrist API",
            "version": "1",
            "description": "Cases, answers and notes. Authenticate with "
            "`Authorization: Bearer <token>` from `svarfrist users token`. "
            "Errors are RFC 9457 problem details.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/cases": {
                "get": {
                    "summary": "The queue: cases you may see, soonest due first unless sorted",
                    "parameters": [
                        _query("scope", _enum(SCOPES), "mine: your departments"),
                        _query("channel", STRING, "only this channel"),
                        _query(
                            "status",
                            _enum(STATUS_FILTERS),
                            "active (the default): every status but closed; all: every status "
                            "(the default with `q`, open cases first)",
                        ),
                        _query("due", _enum(DUE_FILTERS), ""),
                        _query("assignee", _enum(ASSIGNEE_FILTERS), ""),
                        _query("handover", _enum(HANDOVER_FILTERS), ""),
                        _query("department", STRING, "a department's slug"),
                        _query(
                            "offered_to",
                            STRING,
                            "a pending handover offered to this department (its slug), or to "
                            "any of several (slugs separated by commas)",
                        ),
                        _query(
                            "q",
                            {"type": "string", "maxLength": 200},
                            "words in messages, subject, citizen's name or address, in any "
                            "Norwegian word form; or a reference (exactly, any status)",
                        ),
                        _query(
                            "sort",
                            _enum(SORTS),
                            "due (the default), received or activity (the latest message from "
                            "the citizen); a leading - turns the order round",
                        ),
                        _query(
                            "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, ""
                        ),
                        _query("after", STRING, "the `next` cursor of the previous page"),
                    ],
                    "responses": {
                        "200": _json("CaseList", "a page"),
                        **_problems(400, 401, 422),
                    },
                }
            },
            "/cases/{reference}": {
                "get": {
                    "summary": "A case with its messages, turns and handovers",
                    "parameters": [REFERENCE],
                    "responses": {"200": _json("CaseDetail", "the case"), **_problems(401, 404)},
                }
            },
            "/cases/{reference}/suggestions": {
                "get": {
                    "summary": "The departments the case likely belongs to, learned from the "
                    "municipality's own cases (a suggestion: it moves nothing)",
                    "parameters": [REFERENCE],
                    "responses": {
                        "200": _json("CaseSuggestions", "the top three, or why there are none"),
                        **_problems(401, 404),
                    },
                }
            },
            "/cases/{reference}/reply": {
                "post": {
                    "summary": "Answer the citizen (or give a preliminary answer with a new date)",
                    "parameters": [REFERENCE],
                    "requestBody": _body("ReplyRequest"),
                    "responses": {
                        "201": {
                            "description": "sent to the outbox",
                            "content": {
                                "application/json": {
                                    "schema": _object(
                                        {"message": _ref("SentMessage"), "case": _ref("CaseDetail")}
                                    )
                                }
                            },
                        },
                        **_problems(400, 401, 403, 404, 422),
                    },
                }
            },
            "/cases/{reference}/notes": {
                "post": {
                    "summary": "Add an internal note",
                    "parameters": [REFERENCE],
                    "requestBody": _body("NoteRequest"),
                    "responses": {
                        "201": {
                            "description": "saved",
                            "content": {
                                "application/json": {
                                    "schema": _object({"message": _ref("SentMessage")})
                                }
                            },
                        },
                        **_problems(400, 401, 403, 404, 422),
                    },
                }
            },
            "/cases/{reference}/assign": {
                "post": {
                    "summary": "Assign the case to a member of its department, or to nobody",
                    "parameters": [REFERENCE],
                    "requestBody": _body("AssignRequest"),
                    "responses": {
                        "200": _json("CaseDetail", "assigned"),
                        **_problems(400, 401, 403, 404, 422),
                    },
                }
            },
            "/cases/{reference}/close": {
                "post": {
                    "summary": "Close the case",
                    "parameters": [REFERENCE],
                    "responses": {
                        "200": _json("CaseDetail", "closed"),
                        **_problems(401, 403, 404, 409),
                    },
                }
            },
            "/cases/{reference}/handovers": {
                "post": {
                    "summary": "Offer the case to another department (it moves when they accept)",
                    "parameters": [REFERENCE],
                    "requestBody": _body("HandoverRequest"),
                    "responses": {
                        "201": _json("HandoverRecord", "proposed"),
                        **_problems(400, 401, 403, 404, 422),
                    },
                }
            },
            "/handovers/{id}/accept": _decision_path(
                "Accept (receiving department)", "AcceptRequest"
            ),
            "/handovers/{id}/decline": _decision_path(
                "Decline with a reason (receiving department)", "DeclineRequest"
            ),
            "/handovers/{id}/withdraw": _decision_path("Withdraw (sending department)", None),
            "/callbacks": {
                "post": {
                    "summary": "Ask for a callback (from a phone system's queue)",
                    "requestBody": _body("CallbackRequest"),
                    "responses": {
                        "201": _json("CallbackCreated", "taken in (or already taken in)"),
                        **_problems(400, 401, 409, 422, 429),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "the OpenAPI document"}},
                }
            },
        },
    }
