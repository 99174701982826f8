"""`svarfrist suggestions ...`: train the department suggestions, and ask them about a case."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from inbox.extensions import db
from inbox.jobs.suggestions import store_trained
from inbox.models import Case
from inbox.suggestions.suggesting import as_record, suggestions_for
from inbox.suggestions.training import NotTrained, train

suggestions_group = AppGroup(
    "suggestions", help="Department suggestions learned from the municipality's own cases."
)


@suggestions_group.command("train")
def train_command() -> None:
    """Train on the last [suggestions] months of handled cases (the worker does it nightly)."""
    try:
        trained = train()
    except NotTrained as error:
        raise click.ClickException(f"no model was trained: {error}") from None
    db.session.rollback()
    store_trained(trained)
    click.echo(
        f"trained on {trained.cases} cases in {trained.seconds} s: held-out accuracy "
        f"{trained.accuracy:.1%} (top 3: {trained.top3_accuracy:.1%})"
    )


@suggestions_group.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="The API's document instead of text.")
def show_command(reference: str, as_json: bool) -> None:
    """The departments suggested for case REFERENCE."""
    case = db.session.scalar(select(Case).where(Case.reference == reference.strip()))
    if case is None:
        raise click.BadParameter(f"no case {reference}", param_hint="REFERENCE")
    record = as_record(suggestions_for(case))
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    if not record["departments"]:
        click.echo(f"no suggestion for {case.reference}: {record['reason']}")
        return
    for place, department in enumerate(record["departments"], start=1):
        click.echo(f"{place}. {department['slug']} {department['probability']:.0%}")
    model = record["model"]
    click.echo(
        f"model trained {model['trained_at']} on {model['cases']} cases, "
        f"held-out accuracy {model['accuracy']:.1%}"
    )
