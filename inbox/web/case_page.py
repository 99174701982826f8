"""The case page: the conversation, the promise, and the work on the case."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from inbox.cases import casework
from inbox.cases.access import case_to_change, case_to_see, may_change
from inbox.cases.details import answers_since, case_details
from inbox.cases.replies import ReplyError, add_note, reply
from inbox.clock import now
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.intake.callbacks import Outcome, record_attempt
from inbox.models import (
    Case,
    Department,
    Direction,
    Handover,
    HandoverStatus,
    OutKind,
)
from inbox.outbox.meta_replies import planned_reply
from inbox.people import audit
from inbox.settings.config import ReplyTemplate
from inbox.web.forms import (
    PREFERRED_TIME_NAMES,
    AcceptHandoverForm,
    AssignForm,
    CallbackAttemptForm,
    CaseLanguageForm,
    DeclineHandoverForm,
    HandoverForm,
    NoteForm,
    PostForm,
    ReplyForm,
)

blueprint = Blueprint("case", __name__, url_prefix="/cases")
NEW_DATE_CHOICES = 20


def _settings():
    return current_app.extensions["svarfrist"]


def _reply_form(**values) -> ReplyForm:
    form = ReplyForm(**values)
    calendar = _settings().rules.calendar
    days = calendar.working_days_after(calendar.local_date(now()), NEW_DATE_CHOICES)
    form.new_date.choices = [(day.date.isoformat(), format_date(day.date, "full")) for day in days]
    return form


def _assign_form(case: Case, members) -> AssignForm:
    form = AssignForm(assignee=case.assignee_id or 0)
    form.assignee.choices = [(0, _("Nobody"))] + [(m.id, m.name) for m in members]
    return form


def _templates_for(case: Case) -> list[tuple[int, ReplyTemplate]]:
    """The reply templates for the case's department and language, with their numbers."""
    return [
        (number, template)
        for number, template in enumerate(_settings().templates)
        if template.language == case.language
        and template.department in (None, case.department.slug)
    ]


def _chosen_template(case: Case) -> str | None:
    chosen = request.args.get("template", type=int)
    return next((t.text for number, t in _templates_for(case) if number == chosen), None)


@blueprint.route("/<reference>")
@login_required
def show(reference: str):
    case = case_to_see(current_user, reference)
    moment = now()
    details = case_details(case, current_user, moment)
    audit.record("case.view", user=current_user, case=case, ip=request.remote_addr)
    db.session.commit()
    return render_template(
        "cases/show.html",
        details=details,
        can_change=may_change(current_user, case),
        reply_form=_reply_form(loaded_at=moment.isoformat(), text=_chosen_template(case)),
        templates=_templates_for(case),
        note_form=NoteForm(),
        assign_form=_assign_form(case, details.members),
        language_form=CaseLanguageForm(language=case.language),
        action_form=PostForm(),
        callback=_callback_request(case),
        reply_plan=planned_reply(
            next((m for m in reversed(details.messages) if m.direction == Direction.IN), None),
            moment,
        ),
        attempt_form=CallbackAttemptForm(),
        preferred_times=PREFERRED_TIME_NAMES,
        **_handover_forms(case, details),
    )


def _callback_request(case: Case) -> dict | None:
    """For a callback case: the number to call and what the citizen asked for."""
    if case.channel != "callback":
        return None
    asked = next((m for m in case.messages if m.channel == "callback"), None)
    metadata = asked.metadata_json if asked is not None else {}
    return {
        "phone": asked.address if asked is not None else case.contact.address("phone"),
        "preferred_time": metadata.get("preferred_time", "any"),
        "department_wish": metadata.get("department_wish"),
        "sms_consent": bool(metadata.get("sms_consent")),
    }


@blueprint.route("/<reference>/callback-attempt", methods=["POST"])
@login_required
def callback_attempt(reference: str):
    case = case_to_change(current_user, reference)
    form = CallbackAttemptForm()
    if case.channel != "callback":
        abort(404)
    if form.validate_on_submit():
        record_attempt(
            case,
            current_user,
            Outcome(form.outcome.data),
            form.note.data or "",
            tell_by_sms=bool(form.tell_by_sms.data),
        )
        db.session.commit()
        flash(_("The call is recorded."), "success")
    else:
        flash(_("Choose how the call went."), "error")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference>/reply", methods=["POST"])
@login_required
def answer(reference: str):
    case = case_to_change(current_user, reference)
    form = _reply_form()
    if not form.validate_on_submit():
        flash(_("Write the answer before sending it."), "error")
        return redirect(url_for(".show", reference=reference))
    others = _answers_since_load(case, form.loaded_at.data)
    if others and form.confirm.data != "yes":
        names = ", ".join(sorted({message.author.name for message in others}))
        flash(
            _(
                "%(names)s answered the citizen after you opened the case. Read the answer, "
                "then send yours again if it is still needed.",
                names=names,
            ),
            "warning",
        )
        return redirect(url_for(".show", reference=reference))
    kind = OutKind.PRELIMINARY if form.kind.data == "preliminary" else OutKind.REPLY
    try:
        new_date = date.fromisoformat(form.new_date.data) if kind == OutKind.PRELIMINARY else None
        reply(case, current_user, form.text.data, kind=kind, new_date=new_date)
    except (ValueError, ReplyError) as error:
        db.session.rollback()
        flash(_("The answer was not sent: %(reason)s", reason=str(error)), "error")
        return redirect(url_for(".show", reference=reference))
    db.session.commit()
    flash(_("The answer is on its way to the citizen."), "success")
    return redirect(url_for(".show", reference=reference))


def _answers_since_load(case: Case, loaded_at: str | None):
    try:
        since = datetime.fromisoformat(loaded_at) if loaded_at else None
    except ValueError:
        since = None
    return answers_since(case, since, current_user) if since and since.tzinfo else []


@blueprint.route("/<reference>/note", methods=["POST"])
@login_required
def note(reference: str):
    case = case_to_change(current_user, reference)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(case, current_user, form.text.data)
        db.session.commit()
        flash(_("The note is saved."), "success")
    else:
        flash(_("Write the note before saving it."), "error")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference>/assign", methods=["POST"])
@login_required
def assign(reference: str):
    case = case_to_change(current_user, reference)
    form = AssignForm()
    if form.validate_on_submit():
        members = {member.id: member for member in case.department.members}
        chosen = members.get(form.assignee.data)
        if form.assignee.data and chosen is None:
            abort(400)
        casework.assign(case, chosen, current_user)
        db.session.commit()
        flash(_("The case is assigned."), "success")
    return redirect(url_for(".show", reference=reference))


def _simple_action(reference: str, action, done: str):
    case = case_to_change(current_user, reference)
    if PostForm().validate_on_submit():
        try:
            action(case)
        except casework.CaseworkError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference>/claim", methods=["POST"])
@login_required
def claim(reference: str):
    return _simple_action(
        reference,
        lambda case: casework.assign(case, current_user, current_user),
        _("The case is yours."),
    )


@blueprint.route("/<reference>/close", methods=["POST"])
@login_required
def close(reference: str):
    return _simple_action(
        reference, lambda case: casework.close(case, current_user), _("The case is closed.")
    )


@blueprint.route("/<reference>/reopen", methods=["POST"])
@login_required
def reopen(reference: str):
    return _simple_action(
        reference, lambda case: casework.reopen(case, current_user), _("The case is open again.")
    )


@blueprint.route("/<reference>/language", methods=["POST"])
@login_required
def language(reference: str):
    case = case_to_change(current_user, reference)
    form = CaseLanguageForm()
    if form.validate_on_submit():
        casework.set_language(case, form.language.data, current_user)
        db.session.commit()
        flash(_("The language towards the citizen is changed."), "success")
    return redirect(url_for(".show", reference=reference))


def _pending_handover(details) -> Handover | None:
    return next((h for h in details.handovers if h.status == HandoverStatus.PENDING), None)


def _handover_forms(case: Case, details) -> dict:
    handover_form = HandoverForm()
    handover_form.department.choices = [
        SelectChoice(department.id, department.name)
        for department in db.session.scalars(select(Department).order_by(Department.name))
        if department.id != case.department_id
    ]
    pending = _pending_handover(details)
    return {
        "pending_handover": pending,
        "may_decide": pending is not None and handovers.may_decide(current_user, pending),
        "may_withdraw": pending is not None and handovers.may_withdraw(current_user, pending),
        "handover_form": handover_form,
        "accept_form": AcceptHandoverForm(),
        "decline_form": DeclineHandoverForm(),
    }


@blueprint.route("/<reference>/handover", methods=["POST"])
@login_required
def propose_handover(reference: str):
    case = case_to_change(current_user, reference)
    form = HandoverForm()
    department = db.session.get(Department, form.department.data or 0)
    if not form.validate_on_submit() or department is None:
        flash(_("Choose a department and write a note for them."), "error")
        return redirect(url_for(".show", reference=reference))
    try:
        handovers.propose(case, department, current_user, form.note.data)
    except handovers.HandoverError as error:
        db.session.rollback()
        flash(_("The case was not offered: %(reason)s", reason=str(error)), "error")
    else:
        db.session.commit()
        flash(_("The case is offered to %(department)s.", department=department.name), "success")
    return redirect(url_for(".show", reference=reference))
