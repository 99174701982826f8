"""`/admin/channels`: each configured channel account and how it is doing, what an
administrator asks first when "mail stopped coming"."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inbox.clock import now
from inbox.health import STALE_AFTER_SECONDS
from inbox.models import AccountActivity
from inbox.reports.channel_health import AccountHealth, State, channel_health
from inbox.web.admin import blueprint, section
from inbox.web.labels import long_datetime

section("channels", _l("Channels"))

KIND_NAMES = {
    "email": _l("E-mail"),
    "sms": _l("SMS (Twilio)"),
    "meta": _l("Facebook and Instagram"),
}
ACTIVITY_NAMES = {
    AccountActivity.POLL: _l("Reading"),
    AccountActivity.WEBHOOK: _l("Webhooks"),
    AccountActivity.SEND: _l("Sending"),
}
LAST_SUCCESS = {
    AccountActivity.POLL: _l("Last read to the end"),
    AccountActivity.WEBHOOK: _l("Arrival of the newest webhook taken in"),
    AccountActivity.SEND: _l("Last message sent"),
}


@blueprint.get("/channels")
def channels():
    settings = current_app.extensions["svarfrist"]
    at = now()
    health = channel_health(settings, at)
    worker_is_running = health.worker_beat_at is not None and (
        at - health.worker_beat_at <= timedelta(seconds=STALE_AFTER_SECONDS)
    )
    return render_template(
        "admin/channels.html",
        health=health,
        worker_is_running=worker_is_running,
        configuration=str(settings.source) if settings.source else None,
        kind_name=lambda kind: str(KIND_NAMES[kind]),
        activity_name=lambda activity: str(ACTIVITY_NAMES[activity]),
        last_success_label=lambda activity: str(LAST_SUCCESS[activity]),
        state_text=state_text,
        when=lambda moment: when(moment, at),
    )


def state_text(account: AccountHealth) -> str:
    """The overall state in words: working, failing since…, not read since…, never read."""
    if account.state == State.FAILING:
        return _("Failing since %(time)s", time=long_datetime(account.state_since))
    if account.state == State.LATE:
        return _("Not read since %(time)s", time=long_datetime(account.state_since))
    if account.state == State.NEVER:
        return _("Never read") if account.account.is_read else _("Nothing sent yet")
    return _("Working")


def when(moment: datetime, at: datetime) -> str:
    """``Tuesday 1 December 2026 at 10:02 (3 minutes ago)``, in the municipality's zone."""
    return _(
        "%(time)s (%(ago)s)",
        time=long_datetime(moment),
        ago=format_timedelta(moment - at, add_direction=True),
    )
