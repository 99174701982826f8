"""Errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """An error to answer with; ``detail`` tells the caller what to fix, ``code`` (a
    service error's, :class:`inbox.errors.ServiceError`) names the reason for programs."""

    def __init__(self, status: int, title: str, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.code = status, title, detail, code


def problem_response(
    status: int, title: str, detail: str | None = None, code: str | None = None
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    if code:
        body["code"] = code
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="svarfrist"'
    return response


def from_api_problem(error: ApiProblem) -> Response:
    return problem_response(error.status, error.title, error.detail, error.code)


def from_http_exception(error: HTTPException) -> Response:
    return problem_response(error.code or 500, error.name, error.description)
