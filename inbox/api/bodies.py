"""JSON request bodies, read against a small schema: what each field holds, and whether it
must be there. A problem names the field it is about (``text: required``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import request

from inbox.api.problems import ApiProblem
from inbox.cases.replies import MAX_TEXT_LENGTH
from inbox.i18n import LANGUAGES
from inbox.outside_json import TooDeep, check_depth

#: Turns a field's JSON value into what the view needs, or raises ``ValueError`` saying
#: what was expected (``expected true or false``).
Reader = Callable[[Any], Any]


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    if "\x00" in value:  # PostgreSQL's text cannot hold it
        raise ValueError("contains a NUL character")
    return value


def written_text(value: Any) -> str:
    """An answer or a note: text of at most :data:`MAX_TEXT_LENGTH` characters."""
    written = text(value)
    if len(written) > MAX_TEXT_LENGTH:
        raise ValueError(f"at most {MAX_TEXT_LENGTH} characters, got {len(written)}")
    return written


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def iso_date(value: Any) -> date:
    written = text(value)
    try:
        return date.fromisoformat(written)
    except ValueError:
        raise ValueError("expected a date as YYYY-MM-DD") from None


def language(value: Any) -> str:
    chosen = text(value)
    if chosen not in LANGUAGES:
        raise ValueError(f"one of {', '.join(LANGUAGES)}")
    return chosen


def email(value: Any) -> str:
    """An e-mail address as given; whether a user has it is the view's question."""
    if not isinstance(value, str):
        raise ValueError("expected an e-mail or null")
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


@dataclass(frozen=True)
class Field:
    read: Reader
    required: bool = False
    #: The value when the field is left out (or null) and not required.
    default: Any = None
    #: Read, and required, only when this earlier field is true.
    when: str | None = None
    #: ``null`` is a value of its own (such as "nobody"); only leaving the field out is missing.
    nullable: bool = False
    #: What the problem says when a required field is missing.
    missing: str = "required"


Schema = Mapping[str, Field]

REPLY: Schema = {
    "text": Field(written_text, required=True),
    "preliminary": Field(flag, default=False),
    "new_due": Field(iso_date, required=True, when="preliminary"),
}
NOTE: Schema = {"text": Field(written_text, required=True)}
ASSIGN: Schema = {
    "assignee": Field(email, required=True, nullable=True, missing="required (an e-mail or null)")
}
CALLBACK: Schema = {
    "name": Field(text, required=True),
    "phone": Field(text, required=True),
    "about": Field(text, required=True),
    "preferred_time": Field(text, default="any"),
    "department": Field(text),
    "sms_consent": Field(flag, default=False),
    "language": Field(language),
    "request_id": Field(text),
}
HANDOVER: Schema = {
    "to_department": Field(text, required=True),
    "note": Field(text, required=True),
}
ACCEPT: Schema = {
    "tell_citizen": Field(flag, default=True),
    "assign_to_me": Field(flag, default=False),
}
DECLINE: Schema = {"reason": Field(text, required=True)}


def read(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object read against ``schema``, field by field in its order.

    ``optional``: a request without a body (or an empty one) has none of the fields.
    """
    try:
        check_depth(request.get_data(cache=True))
    except TooDeep as error:
        raise ApiProblem(400, "Bad Request", f"the body is {error}") from None
    body = request.get_json(silent=True)
    if optional:
        body = body or {}
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", "the body must be a JSON object")
    values: dict[str, Any] = {}
    for name, field in schema.items():
        if field.when is not None and not values[field.when]:
            values[name] = None
            continue
        present = name in body if field.nullable else body.get(name) is not None
        if not present:
            if field.required:
                raise ApiProblem(422, "Unprocessable Content", f"{name}: {field.missing}")
            values[name] = field.default
            continue
        try:
            values[name] = None if body[name] is None else field.read(body[name])
        except ValueError as error:
            raise ApiProblem(422, "Unprocessable Content", f"{name}: {error}") from None
    return values
