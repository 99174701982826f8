"""`/cases/<reference>/live`: what the open case page learns by polling (case_live.js) —
who else has the case open, and messages that came after the page was loaded."""

from __future__ import annotations

from babel.lists import format_list
from flask import Blueprint, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inbox.cases.access import case_to_see
from inbox.cases.live import live_state
from inbox.clock import now
from inbox.extensions import db
from inbox.models import Direction, Message

blueprint = Blueprint("case_live", __name__, url_prefix="/cases")


@blueprint.get("/<reference:reference>/live")
@login_required
def live(reference: str):
    """JSON: ``viewing`` (the "also has this case open" sentence, or ``""``) and ``messages``
    after ``?after=<message id>``, each with a sentence and a link to show it."""
    case = case_to_see(current_user, reference)
    after = request.args.get("after", "0")
    state = live_state(
        case, current_user, int(after) if after.isdigit() else 0, now(), request.remote_addr
    )
    db.session.commit()
    names = [user.name for user in state.others_viewing]
    body = {
        "viewing": _(
            "Also has this case open: %(names)s", names=format_list(names, locale=get_locale())
        )
        if names
        else "",
        "messages": [
            {
                "id": message.id,
                "text": _news(message),
                "url": url_for(
                    "case.show",
                    reference=case.reference,
                    new=message.id,
                    _anchor=f"message-{message.id}",
                ),
            }
            for message in state.new_messages
        ],
    }
    return jsonify(body)


def _news(message: Message) -> str:
    """One sentence on a message that came while the page was open."""
    if message.direction == Direction.IN:
        return _("New message from the citizen.")
    name = message.author.name if message.author else _("Svarfrist")
    if message.direction == Direction.NOTE:
        return _("New internal note from %(name)s.", name=name)
    return _("%(name)s answered the citizen.", name=name)
