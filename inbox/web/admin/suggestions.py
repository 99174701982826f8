"""`/admin/suggestions`, read-only: the department suggestions' model, and how often staff
offered a case to the department it put first."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from inbox.suggestions.choices import followed_share
from inbox.suggestions.suggesting import Unavailable, model_in_use
from inbox.suggestions.training import newest_model
from inbox.web.admin import blueprint, section

section("suggestions", _l("Suggestions"))

#: Why no model is in use (:class:`Unavailable`'s codes), as the page says it.
UNAVAILABLE_TEXTS = {
    "disabled": _l("Suggestions are switched off in the configuration ([suggestions] enabled)."),
    "no_model": _l(
        "No model is trained yet: run “svarfrist suggestions train”, or wait for "
        "the worker's nightly training."
    ),
    "too_few_cases": _l(
        "The newest model learned from fewer cases than [suggestions] min_cases asks for."
    ),
    "too_inaccurate": _l(
        "The newest model's accuracy on cases it had not seen is below [suggestions] min_accuracy."
    ),
}


@blueprint.get("/suggestions")
def suggestions():
    in_use = model_in_use()
    return render_template(
        "admin/suggestions.html",
        settings=current_app.extensions["svarfrist"].suggestions,
        model=newest_model(),
        unavailable=UNAVAILABLE_TEXTS.get(in_use.code) if isinstance(in_use, Unavailable) else None,
        followed=followed_share(),
    )
