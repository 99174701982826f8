"""`/admin/promises`, read-only: what the loaded configuration file makes of the reply
promises and the calendar, so an administrator can check it says what they meant."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from inbox.clock import now
from inbox.i18n import Language
from inbox.settings import overview
from inbox.settings.config import CONFIG_ENV
from inbox.web.admin import blueprint, section

section("promises", _l("Promises and calendar"))


@blueprint.get("/promises")
def promises():
    settings = current_app.extensions["svarfrist"]
    rules = settings.rules
    language = Language.load(str(get_locale() or "nn"))
    moment = now()
    return render_template(
        "admin/promises.html",
        config_file=settings.source,
        config_env=CONFIG_ENV,
        municipality=rules.municipality,
        country=language.locale.territories.get(rules.calendar.country, rules.calendar.country),
        channels=overview.channel_rules(rules, moment, language),
        weekly=overview.weekly_hours(rules.calendar.weekly, language),
        periods=overview.periods(rules.calendar, language),
        special_days=overview.special_days(
            rules.calendar, rules.calendar.local_date(moment), language
        ),
        days_ahead=overview.DAYS_AHEAD,
    )
