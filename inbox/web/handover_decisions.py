"""Deciding on a handover: the receiving department accepts or declines, the sender withdraws."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from inbox.cases.access import may_see
from inbox.database import commit_and_begin_write
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.handovers.options import Decision
from inbox.models import Handover
from inbox.web.error_texts import error_text
from inbox.web.forms import AcceptHandoverForm, DeclineHandoverForm, PostForm

blueprint = Blueprint("handover", __name__, url_prefix="/handovers")


class _Unfinished(Exception):
    """The form is missing what the decision needs; the message tells the user what."""


def _accept(handover: Handover) -> None:
    form = AcceptHandoverForm()
    if not form.validate_on_submit():
        abort(400)
    handovers.accept(
        handover,
        current_user,
        tell_citizen=bool(form.tell_citizen.data),
        assign_to_me=bool(form.assign_to_me.data),
    )


def _decline(handover: Handover) -> None:
    form = DeclineHandoverForm()
    if not form.validate_on_submit():
        raise _Unfinished(_("Write why the case is declined."))
    handovers.decline(handover, current_user, form.reason.data)


def _withdraw(handover: Handover) -> None:
    if not PostForm().validate_on_submit():
        abort(400)
    handovers.withdraw(handover, current_user)


DECISIONS = {
    Decision.ACCEPT: (_accept, _l("You have taken over the case.")),
    Decision.DECLINE: (_decline, _l("The handover is declined; the sending department is told.")),
    Decision.WITHDRAW: (_withdraw, _l("The handover is withdrawn.")),
}


@blueprint.route(f"/<id:handover_id>/<any({', '.join(Decision)}):action>", methods=["POST"])
@login_required
def decide(handover_id: int, action: str):
    commit_and_begin_write()
    handover = handovers.locked(handover_id)
    if handover is None or not may_see(current_user, handover.case):
        abort(404)
    reference = handover.case.reference
    apply, done = DECISIONS[Decision(action)]
    try:
        apply(handover)
    except (handovers.HandoverError, _Unfinished) as error:
        db.session.rollback()
        flash(error_text(error) if isinstance(error, ServiceError) else str(error), "error")
        return redirect(url_for("case.show", reference=reference))
    db.session.commit()
    flash(str(done), "success")
    # Whoever accepted may see the case; a decline or withdrawal may leave it out of sight.
    if may_see(current_user, handover.case):
        return redirect(url_for("case.show", reference=reference))
    return redirect(url_for("cases.index"))
