"""Schemathesis against /api/v1/openapi.json: requests generated from the document.

Every operation gets valid and invalid requests (wrong types, missing fields,
odd strings in the path); no answer may be a 500, and every answer must be
one the document lists, with the documented content type and body schema.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from inbox.clock import now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Role
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email, sms


@pytest.fixture
def token(app) -> str:
    """A frontline worker's token, with a few cases in the queue to act on."""
    frontline = make_department("innbyggjarservice", is_frontline=True)
    make_department("byggesak")
    make_user(role=Role.ADMIN, email="admin@alver.no")
    worker = make_user(frontline, email="kari@alver.no")
    for hours in range(3):
        receive(email(received_at=now() - timedelta(hours=hours), sender=f"p{hours}@example.no"))
    receive(sms(received_at=now() - timedelta(minutes=5)))
    secret = create_api_token(worker)
    db.session.commit()
    return secret


# Not checked: "schema-valid data is accepted". A phone number, a department's slug
# or a case's state are checked by meaning, which JSON Schema cannot say; such a
# request gets a 422 (or 404, 409) naming the field, as the document lists.
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def test_every_operation_answers_as_documented_and_never_500(app, token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures, tried = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=operation.as_strategy())
        def call(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            call()
        except (Exception, BaseExceptionGroup) as error:  # gathered: every operation is tried
            failures[operation.label] = str(error)[:2000]
        tried += 1
    documented = [
        (path, method)
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"} and path != "/openapi.json"
    ]
    assert tried == len(documented) >= 11  # the document itself is not an operation
    assert failures == {}
