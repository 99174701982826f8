"""Training on the municipality's cases and suggesting from the model: the CLI, the API, the
case page's one click, the share followed, and what is never suggested."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from inbox.blobs import current_store
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.jobs.suggestions import train_nightly
from inbox.jobs.worker import build_scheduler
from inbox.models import (
    Handover,
    HandoverStatus,
    Role,
    SuggestionChoice,
    SuggestionModel,
)
from inbox.people.users import create_api_token
from tests.conftest import FreshContextClient
from tests.factories import make_user
from tests.inbox.api.test_api import conforms
from tests.inbox.suggestions.history import NOW, handled_history, learning_settings, new_case
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


def train(app) -> str:
    result = app.test_cli_runner().invoke(args=["suggestions", "train"])
    assert result.exit_code == 0, result.output
    return result.output


def api(client, path: str, token: str):
    """GET ``path``, checked against the OpenAPI document (status and body)."""
    response = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    conforms(client.get("/api/v1/openapi.json").get_json(), "GET", path, response)
    return response


def test_training_stores_the_model_with_its_date_size_and_held_out_accuracy(app):
    learning_settings(app)
    handled_history()
    output = train(app)
    model = db.session.scalars(select(SuggestionModel)).one()
    assert model.cases == 45 and model.trained_at == NOW
    assert 0 <= model.accuracy <= model.top3_accuracy <= 1
    assert "trained on 45 cases" in output and "held-out accuracy" in output
    # The arrays are in the blob store, under the name the row gives.
    assert current_store().get(model.blob_sha256)[:2] == b"PK"  # a NumPy .npz (zip)


def test_too_few_cases_train_no_model_and_say_which_setting(app):
    learning_settings(app, min_cases=500)
    handled_history()
    result = app.test_cli_runner().invoke(args=["suggestions", "train"])
    assert result.exit_code == 1
    assert "only 45 handled cases in the last 24 months; [suggestions] min_cases is 500" in (
        result.output
    )
    assert db.session.scalar(select(func.count()).select_from(SuggestionModel)) == 0


def test_the_api_gives_the_top_three_and_the_model(app, client):
    learning_settings(app)
    town = handled_history()
    train(app)
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for ein garasje?")
    token = create_api_token(town["kari"])
    db.session.commit()
    body = api(client, f"/cases/{case.reference}/suggestions", token).get_json()
    assert body["departments"][0]["slug"] == "byggesak"
    assert len(body["departments"]) == 3
    assert body["departments"][0]["probability"] >= body["departments"][1]["probability"]
    assert set(body["model"]) == {"trained_at", "cases", "accuracy"}
    assert body["model"]["cases"] == 45


def test_the_api_answers_404_outside_the_users_departments(app, client):
    learning_settings(app)
    town = handled_history()
    train(app)
    case = new_case("Garasje", "Må eg søkje om garasje?")
    token = create_api_token(town["eirik"])  # the case is still at the frontline
    db.session.commit()
    response = api(client, f"/cases/{case.reference}/suggestions", token)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_without_a_model_the_api_says_why(app, client):
    learning_settings(app)
    town = handled_history()
    case = new_case("Garasje", "Må eg søkje om garasje?")
    token = create_api_token(town["kari"])
    db.session.commit()
    body = api(client, f"/cases/{case.reference}/suggestions", token).get_json()
    assert body["departments"] == [] and body["model"] is None
    assert "svarfrist suggestions train" in body["reason"]


def test_a_model_below_the_accuracy_threshold_is_not_used(app, client):
    learning_settings(app)
    town = handled_history()
    train(app)
    learning_settings(app, min_accuracy=0.6)
    db.session.execute(SuggestionModel.__table__.update().values(accuracy=0.5))
    case = new_case("Garasje", "Må eg søkje om garasje?")
    token = create_api_token(town["kari"])
    db.session.commit()
    body = api(client, f"/cases/{case.reference}/suggestions", token).get_json()
    assert body["departments"] == []
    assert "below [suggestions] min_accuracy" in body["reason"]


def test_an_inactive_department_is_never_suggested(app):
    learning_settings(app)
    town = handled_history()
    train(app)
    town["departments"]["byggesak"].is_active = False
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for garasje og tilbygg?")
    result = app.test_cli_runner().invoke(args=["suggestions", "show", case.reference])
    assert result.exit_code == 0, result.output
    assert "byggesak" not in result.output
    assert result.output.startswith("1. ")


def test_an_excluded_departments_cases_are_not_learned_from(app):
    learning_settings(app, exclude_departments=frozenset({"barnehage"}))
    handled_history()
    output = train(app)
    assert "trained on 30 cases" in output
    case = new_case("Barnehage", "Når kjem svaret på barnehageplass og opptak?")
    result = app.test_cli_runner().invoke(args=["suggestions", "show", case.reference, "--json"])
    assert '"barnehage"' not in result.output


def test_one_click_offers_the_case_and_records_that_the_suggestion_was_followed(app):
    learning_settings(app)
    town = handled_history()
    train(app)
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for ein garasje?")
    app.test_client_class = FreshContextClient
    client = app.test_client()
    log_in(client, "kari@alver.no")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert re.search(r"Forslag: Byggesak \(\d+\s%\)", page), page
    byggesak = town["departments"]["byggesak"]
    response = client.post(
        f"/cases/{case.reference}/handover/suggested",
        data={
            "csrf_token": csrf_token(client, f"/cases/{case.reference}"),
            "department": byggesak.id,
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    handover = db.session.scalars(select(Handover)).one()
    # Offered, not moved: the receiving department still accepts.
    assert handover.status == HandoverStatus.PENDING and handover.to_department_id == byggesak.id
    assert handover.case.department_id == town["frontline"].id
    choice = db.session.scalars(select(SuggestionChoice)).one()
    assert choice.is_followed and choice.chosen_department_id == byggesak.id
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    db.session.commit()
    other = app.test_client()
    log_in(other, admin.email)
    share = other.get("/admin/suggestions").get_data(as_text=True)
    assert re.search(r"Av 1 saker .* 1 til avdelinga som vart foreslått først \(100\s%\)", share)


def test_offering_elsewhere_records_that_the_suggestion_was_not_followed(app):
    learning_settings(app)
    town = handled_history()
    train(app)
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for ein garasje?")
    app.test_client_class = FreshContextClient
    client = app.test_client()
    log_in(client, "kari@alver.no")
    other = town["departments"]["barnehage"]
    client.post(
        f"/cases/{case.reference}/handover",
        data={
            "csrf_token": csrf_token(client, f"/cases/{case.reference}"),
            "department": other.id,
            "note": "Eg trur dette er noko anna",
        },
    )
    db.session.rollback()
    choice = db.session.scalars(select(SuggestionChoice)).one()
    assert not choice.is_followed
    assert choice.chosen_department_id == other.id


def test_a_department_that_is_not_suggested_cannot_be_offered_by_the_one_click_route(app):
    learning_settings(app)
    handled_history()
    train(app)
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for ein garasje?")
    app.test_client_class = FreshContextClient
    client = app.test_client()
    log_in(client, "kari@alver.no")
    response = client.post(
        f"/cases/{case.reference}/handover/suggested",
        data={"csrf_token": csrf_token(client, f"/cases/{case.reference}"), "department": 99999},
        follow_redirects=True,
    )
    assert "er ikkje lenger foreslått" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Handover)) == 0


def test_the_nightly_training_leaves_a_fresh_model_and_drops_replaced_arrays(app):
    learning_settings(app)
    handled_history()
    assert "trained on 45 cases" in train_nightly()
    assert "is fresh" in train_nightly()
    first_blob = db.session.scalars(select(SuggestionModel)).one().blob_sha256
    # A newer model replaces it: its arrays go, its figures stay.
    db.session.execute(SuggestionModel.__table__.update().values(trained_at=NOW.replace(year=2025)))
    db.session.commit()
    assert "trained" in train_nightly()
    models = db.session.scalars(select(SuggestionModel).order_by(SuggestionModel.id)).all()
    assert len(models) == 2 and models[0].blob_sha256 is None
    assert models[1].blob_sha256 != first_blob
    assert not current_store().exists(first_blob)
    assert current_store().exists(models[1].blob_sha256)


def test_the_worker_trains_the_suggestions_every_night(app):
    job = build_scheduler(app).get_job("suggestions")
    assert "hour='3', minute='15'" in str(job.trigger)
