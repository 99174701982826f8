"""Explaining a reply promise in words, in the municipality's or a chosen language."""

from __future__ import annotations

from datetime import timedelta

from babel.numbers import format_decimal

from inbox.i18n import N_, Language
from rules.calendar import Calendar
from rules.promises import (
    ChannelPromise,
    Hours,
    Promise,
    Rule,
    SameDay,
    WorkingDays,
    WorkingHours,
)

CHANNEL_NAMES = {
    "email": N_("e-mail"),
    "letter": N_("letter"),
    "sms": N_("SMS"),
    "facebook": N_("Facebook"),
    "instagram": N_("Instagram"),
    "callback": N_("callback request"),
    "phone": N_("phone call"),
    "in_person": N_("visit"),
    "web": N_("status page"),
}

# The holidays package names Norwegian holidays in Bokmål ("no") or English.
HOLIDAY_LANGUAGES = {"nn": "no", "nb": "no", "en": "en_US"}


def describe_rule(rule: Rule, language: Language) -> str:
    """One phrase saying how a rule sets its deadline."""
    match rule:
        case WorkingDays(days=days):
            return language.ngettext(
                "within %(num)d working day after the day of receipt, by closing time",
                "within %(num)d working days after the day of receipt, by closing time",
                days,
            )
        case SameDay(cutoff=None):
            return language.gettext(
                "the same day when received on a working day before closing time, "
                "otherwise by the close of the next working day"
            )
        case SameDay(cutoff=cutoff):
            return language.gettext(
                "the same day when received on a working day before %(cutoff)s, "
                "otherwise by the close of the next working day",
                cutoff=f"{cutoff:%H:%M}",
            )
        case WorkingHours(hours=hours):
            return language.ngettext(
                "%(hours)s opening hour after receipt",
                "%(hours)s opening hours after receipt",
                hours,
                hours=format_decimal(hours, locale=language.locale),
            )
        case Hours(hours=hours):
            return language.ngettext(
                "%(hours)s hour after receipt, day and night",
                "%(hours)s hours after receipt, day and night",
                hours,
                hours=format_decimal(hours, locale=language.locale),
            )
    raise TypeError(f"no description for rule {rule!r}")


def closed_days(calendar: Calendar, promise: Promise, language: Language) -> list[str]:
    """Holidays and special closed days between receipt and due, named."""
    named = []
    on = promise.received_at.date() + timedelta(days=1)
    while on <= promise.due_at.date():
        day = calendar.day(on)
        if not day.is_working_day and (day.holiday or day.is_special):
            reason = (
                calendar.holiday_name(on, HOLIDAY_LANGUAGES[language.code])
                if day.holiday
                else language.gettext("closed")
            )
            named.append(
                language.gettext("%(date)s (%(reason)s)", date=language.date(on), reason=reason)
            )
        on += timedelta(days=1)
    return named


def explain(
    channel: str,
    rules: ChannelPromise,
    promise: Promise,
    calendar: Calendar,
    language: Language,
) -> list[str]:
    """Lines explaining a promise: channel, receipt, rule, target, due and closed days."""
    lines = [
        language.gettext("Channel: %(channel)s", channel=language.gettext(CHANNEL_NAMES[channel])),
        language.gettext("Received: %(time)s", time=language.datetime(promise.received_at)),
    ]
    if rules.target is not None:
        preferably = describe_rule(rules.target, language)
        lines.append(language.gettext("Rule, preferably: %(rule)s", rule=preferably))
    lines.append(language.gettext("Rule: %(rule)s", rule=describe_rule(rules.due, language)))
    if promise.target_at != promise.due_at:
        target = language.datetime(promise.target_at)
        lines.append(language.gettext("Answer preferably by: %(time)s", time=target))
    due = language.datetime(promise.due_at)
    lines.append(language.gettext("Answer at the latest by: %(time)s", time=due))
    closed = closed_days(calendar, promise, language)
    if closed:
        lines.append(language.gettext("Closed in between: %(days)s", days=", ".join(closed)))
    return lines
