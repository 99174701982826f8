"""The case page: the conversation, the promise, and the work on the case."""

from __future__ import annotations

import json
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
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from inbox.cases import casework
from inbox.cases.access import NotVisible, case_to_change, case_to_see, may_change
from inbox.cases.answer_ways import AnswerWay, Delivery, Route, answer_ways
from inbox.cases.details import answers_since, case_details, deliveries
from inbox.cases.history import case_history
from inbox.cases.joining import JoinError, join, joinable_case, mentioned_case
from inbox.cases.replies import (
    MAX_TEXT_LENGTH,
    ReplyError,
    add_note,
    preliminary_dates,
    promised_date_sentence,
    reply,
    with_promised_date,
)
from inbox.cases.reply_templates import template_text, templates_for
from inbox.cases.signatures import signature_for, with_signature
from inbox.cases.timeleft import Urgency, time_left
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.handovers.options import HandoverOptions, handover_options
from inbox.intake.callbacks import Outcome, record_attempt
from inbox.models import Case, CaseStatus, Message, OutKind
from inbox.people import audit
from inbox.people.departments import department_with_id
from inbox.people.users import user_with_id
from inbox.suggestions.earlier import answer_to_start_from
from inbox.suggestions.suggesting import Suggestions
from inbox.web.citizen_panel import panel_context
from inbox.web.error_texts import error_text
from inbox.web.forms import (
    PREFERRED_TIME_NAMES,
    AcceptHandoverForm,
    AddressForm,
    AssignForm,
    CallbackAttemptForm,
    CaseLanguageForm,
    CloseForm,
    DeclineHandoverForm,
    HandoverForm,
    NoteForm,
    PostForm,
    ReplyForm,
)
from inbox.web.labels import (
    delivery_text,
    department_name,
    list_text,
    long_datetime,
    queued_text,
    text_limit,
    way_label,
)
from inbox.web.offering import offer_case
from inbox.web.suggestion_pages import suggestion_context

blueprint = Blueprint("case", __name__, url_prefix="/cases")
NEW_DATE_CHOICES = 20


def _reply_form(case: Case, moment: datetime, *, submitted: bool = False, **values) -> ReplyForm:
    """The composer, offering the ways an answer can reach this case's citizen now; a new one
    starts on the first (the case's own channel) with the writer's signature at the end of the
    text (none for an answer by phone or at the desk), a ``submitted`` one is the request's."""
    ways = answer_ways(case, moment)
    signature = signature_for(current_user, case)
    if submitted:
        form = ReplyForm()
    else:
        if ways and ways[0].route != Route.SPOKEN:
            values["text"] = with_signature(values.get("text") or "", signature)
        form = ReplyForm(formdata=None, **({"way": ways[0].key} if ways else {}), **values)
    form.way.choices = [SelectChoice(way.key, way_label(way)) for way in ways]
    days = preliminary_dates(NEW_DATE_CHOICES)
    form.new_date.choices = [("", _("Choose a date"))] + [
        (day.isoformat(), format_date(day, "full")) for day in days
    ]
    sentences = {day.isoformat(): promised_date_sentence(case.language, day) for day in days}
    # composer.js puts the chosen date's sentence into the text, and the signature back when
    # the way changes from "by phone" to one that sends.
    form.new_date.render_kw = {"data-sentences": json.dumps(sentences, ensure_ascii=False)}
    form.text.render_kw = {**form.text.render_kw, "data-signature": signature}
    chosen = sentences.get(form.new_date.data or "") if form.kind.data == "preliminary" else None
    form.not_typed = (signature, chosen or "")
    return form


def _zone():
    return current_app.extensions["svarfrist"].rules.calendar.zone


def _assign_form(case: Case, members) -> AssignForm:
    form = AssignForm(assignee=case.assignee_id or 0)
    form.assignee.choices = [(0, _("Nobody"))] + [(m.id, m.name) for m in members]
    return form


def _handover_form(options: HandoverOptions, suggestions: Suggestions | None) -> HandoverForm:
    """The form to offer the case, on the suggested department when there is one."""
    form = HandoverForm()
    form.department.choices = [SelectChoice(d.id, department_name(d)) for d in options.departments]
    offered = {d.id for d in options.departments}
    suggested = [s.department.id for s in suggestions.departments] if suggestions else []
    first = next((i for i in suggested if i in offered), None)
    if form.department.data is None and first is not None:
        form.department.data = first
    return form


@blueprint.route("/<reference:reference>")
@login_required
def show(reference: str):
    try:
        case = case_to_see(current_user, reference)
    except NotVisible as refused:
        # Not this user's to open (or no such case): the refusal is audited as before, and
        # the status line, which anyone may have, is shown instead of "page not found".
        db.session.rollback()
        audit.record_refusal(current_user, refused.target, "not_visible", request.remote_addr)
        db.session.commit()
        return redirect(url_for(".status_of", reference=reference))
    moment = now()
    audit.record("case.view", user=current_user, case=case, ip=request.remote_addr)
    db.session.commit()
    chosen = template_text(case, request.args.get("template"))
    if chosen is not None and chosen.left_as_written:
        flash(
            _(
                "This case has no open promise, so %(placeholders)s is left as written in the "
                "template: replace it before sending.",
                placeholders=list_text(chosen.left_as_written),
            ),
            "warning",
        )
    return render_case_page(
        case,
        reply_form=_reply_form(
            case,
            moment,
            loaded_at=moment.isoformat(),
            text=(chosen and chosen.text) or _start_from(request.args.get("start_from")),
        ),
    )


def _start_from(reference: str | None) -> str | None:
    """The answer of an earlier case the user chose to start from (never sent by itself)."""
    if not reference:
        return None
    text = answer_to_start_from(current_user, reference)
    if text is None:
        flash(_("There is no answer on case %(reference)s to start from.", reference=reference))
    return text


def render_case_page(
    case: Case,
    *,
    reply_form=None,
    address_form=None,
    citizen_forms=None,
    status: int = 200,
    collision=(),
):
    """The case page; a refused form is given back with what was typed and its errors
    (``citizen_forms``: the citizen panel's, see :func:`panel_context`)."""
    moment = now()
    details = case_details(case, current_user, moment)
    options = handover_options(case, details.handovers, current_user)
    can_change = may_change(current_user, case)
    learned = suggestion_context(case, can_change)
    page = render_template(
        "cases/show.html",
        details=details,
        history=case_history(details.events, details.handovers, _zone()),
        can_change=can_change,
        joinable=joinable_case(case, current_user),
        reply_form=reply_form or _reply_form(case, moment, loaded_at=moment.isoformat()),
        address_form=address_form or AddressForm(formdata=None),
        templates=templates_for(case),
        note_form=NoteForm(formdata=None),  # never the refused answer's text
        assign_form=_assign_form(case, details.members),
        language_form=CaseLanguageForm(language=case.language),
        action_form=PostForm(),
        attempt_form=CallbackAttemptForm(),
        preferred_times=PREFERRED_TIME_NAMES,
        handover=options,
        handover_form=_handover_form(options, learned["suggestions"]),
        accept_form=AcceptHandoverForm(),
        decline_form=DeclineHandoverForm(),
        collision=list(collision),
        last_message_id=max((message.id for message in details.messages), default=0),
        **panel_context(case, current_user, citizen_forms),
        **learned,
    )
    return page, status


@blueprint.route("/<reference:reference>/callback-attempt", methods=["POST"])
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


@blueprint.route("/<reference:reference>/reply", methods=["POST"])
@login_required
def answer(reference: str):
    case = case_to_change(current_user, reference)
    moment = now()
    form = _reply_form(case, moment, submitted=True)
    if not form.validate_on_submit():
        flash(_refusal(form), "error")
        return render_case_page(case, reply_form=form, status=422)
    others = _answers_since_load(case, form.loaded_at.data)
    if others and form.confirm.data != "yes":
        # The draft stays in the composer; the page shows what was answered meanwhile and
        # asks before sending this one too ("Send anyway").
        flash(
            _(
                "%(names)s answered the citizen after you opened the case. Your answer is not "
                "sent yet: read theirs below, then send yours anyway or change it.",
                names=list_text(sorted({message.author.name for message in others})),
            ),
            "warning",
        )
        return render_case_page(case, reply_form=form, status=409, collision=others)
    kind = OutKind(form.kind.data)
    # The form offered exactly these ways at this moment; reply() checks again as it answers.
    way = next(way for way in answer_ways(case, moment) if way.key == form.way.data)
    text, added_sentence = form.text.data, None
    try:
        new_date = date.fromisoformat(form.new_date.data) if kind == OutKind.PRELIMINARY else None
        if new_date is not None:
            # Without JavaScript nothing put the date into the text: the server does, and the
            # page says so.
            text = with_promised_date(text, case.language, new_date, form.not_typed[0])
            if text != form.text.data:
                added_sentence = promised_date_sentence(case.language, new_date)
        message = reply(case, current_user, text, kind=kind, new_date=new_date, way=way)
    except (ValueError, ReplyError) as error:
        db.session.rollback()
        reason = (
            error_text(error)
            if isinstance(error, ServiceError)
            else _("Choose a working day after today as the new date.")
        )
        flash(_("The answer was not sent. %(reason)s", reason=reason), "error")
        return render_case_page(case, reply_form=form, status=422)
    db.session.commit()
    flash(*_answered_text(way, message))
    if added_sentence:
        flash(
            _(
                "The answer did not name the new date, so this sentence was added at its end: "
                "%(sentence)s",
                sentence=added_sentence,
            ),
            "warning",
        )
    return redirect(url_for(".show", reference=reference))


def _refusal(form: ReplyForm) -> str:
    """Why the composer's answer was not sent, naming the field to fix."""
    if len(form.text.data or "") > MAX_TEXT_LENGTH:
        return _(
            "The answer was not sent: it is longer than %(limit)s characters.",
            limit=text_limit(),
        )
    if form.way.errors:
        return _("The answer was not sent: choose how it reaches the citizen.")
    if form.new_date.errors:
        return _("The answer was not sent: choose the new date the answer will come.")
    if form.text.data and form.text.data.strip() and form.text.errors:
        return _("The answer was not sent: write a real answer in the field Answer to the citizen.")
    if form.errors and not form.text.errors:
        return _("The page had expired. Send the answer again: your text is kept below.")
    return _("Write the answer before sending it.")


def _answered_text(way: AnswerWay, message: Message) -> tuple[str, str]:
    """What happened to the answer, and nothing more (queued is not sent), and the flash's
    category."""
    if way.route == Route.SPOKEN:
        text = _("The answer is recorded as given by phone or at the desk. Nothing was sent.")
        return text, "success"
    if way.route == Route.LETTER:
        text = _(
            "The letter is ready: print it and post it, then mark it as sent. The promise is "
            "kept only then."
        )
        return text, "success"
    state = deliveries([message])[message.id]
    if state != Delivery.QUEUED:
        return _(
            "The answer was not sent: %(state)s",
            state=delivery_text(state, message.metadata_json or {}),
        ), "error"
    return queued_text(way), "success"


def _answers_since_load(case: Case, loaded_at: str | None):
    try:
        since = datetime.fromisoformat(loaded_at) if loaded_at else None
    except ValueError:
        since = None
    return answers_since(case, since, current_user) if since and since.tzinfo else []


@blueprint.route("/<reference:reference>/note", methods=["POST"])
@login_required
def note(reference: str):
    case = case_to_change(current_user, reference)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(case, current_user, form.text.data)
        db.session.commit()
        flash(_("The note is saved."), "success")
    elif len(form.text.data or "") > MAX_TEXT_LENGTH:
        flash(
            _(
                "The note was not saved: it is longer than %(limit)s characters.",
                limit=text_limit(),
            ),
            "error",
        )
    else:
        flash(_("Write the note before saving it."), "error")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference:reference>/assign", methods=["POST"])
@login_required
def assign(reference: str):
    case = case_to_change(current_user, reference)
    form = AssignForm()
    if form.validate_on_submit():
        chosen = user_with_id(form.assignee.data) if form.assignee.data else None
        if form.assignee.data and chosen is None:
            abort(400)
        try:
            casework.assign(case, chosen, current_user)
        except casework.CaseworkError:
            abort(400)  # not a member of the case's department: the form offers only members
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
            flash(error_text(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference:reference>/claim", methods=["POST"])
@login_required
def claim(reference: str):
    return _simple_action(
        reference,
        lambda case: casework.assign(case, current_user, current_user),
        _("The case is yours."),
    )


@blueprint.route("/<reference:reference>/close", methods=["POST"])
@login_required
def close(reference: str):
    """Close the case: one click when nothing waits for an answer; while the citizen waits, a
    page that says so first and asks why (the reason is kept as an internal note)."""
    case = case_to_change(current_user, reference)
    turn = casework.waiting_turn(case) if case.status != CaseStatus.CLOSED else None
    if turn is None:
        return _simple_action(
            reference, lambda case: casework.close(case, current_user), _("The case is closed.")
        )
    form = CloseForm()
    if not form.validate_on_submit() or form.confirm.data != "yes" or not form.reason.data.strip():
        if form.confirm.data == "yes" and not form.errors:
            form.reason.errors = [_("Write why the case is closed without an answer.")]
        status = 422 if form.reason.errors else 200
        return render_template(
            "cases/close.html", case=case, turn=turn, form=form, unanswered=_unanswered_text(turn)
        ), status
    casework.close(case, current_user, reason=form.reason.data)
    db.session.commit()
    flash(
        _("The case is closed without an answer to the citizen. The reason is kept as a note."),
        "success",
    )
    return redirect(url_for(".show", reference=reference))


def _unanswered_text(turn) -> str:
    """ "The citizen has not been answered; the promise was due … (66 working days ago)"."""
    left = time_left(current_app.extensions["svarfrist"].rules.calendar, now(), turn.due_at)
    due = long_datetime(turn.due_at)
    if left.urgency == Urgency.OVERDUE and left.days_over:
        return ngettext(
            "The citizen has not been answered; the promise was due %(due)s (%(num)d working "
            "day ago).",
            "The citizen has not been answered; the promise was due %(due)s (%(num)d working "
            "days ago).",
            left.days_over,
            due=due,
        )
    if left.urgency == Urgency.OVERDUE:
        return _("The citizen has not been answered; the promise was due %(due)s.", due=due)
    return _("The citizen has not been answered yet; the promise is due %(due)s.", due=due)


@blueprint.route("/<reference:reference>/reopen", methods=["POST"])
@login_required
def reopen(reference: str):
    return _simple_action(
        reference, lambda case: casework.reopen(case, current_user), _("The case is open again.")
    )


@blueprint.route("/<reference:reference>/language", methods=["POST"])
@login_required
def language(reference: str):
    case = case_to_change(current_user, reference)
    form = CaseLanguageForm()
    if form.validate_on_submit():
        casework.set_language(case, form.language.data, current_user)
        db.session.commit()
        flash(_("The language towards the citizen is changed."), "success")
    return redirect(url_for(".show", reference=reference))


@blueprint.route("/<reference:reference>/join", methods=["POST"])
@login_required
def join_mentioned(reference: str):
    """Join the case's message to the case it named (staff know the sender belongs there)."""
    case = case_to_change(current_user, reference)
    if not PostForm().validate_on_submit():
        abort(400)
    named = mentioned_case(case)
    if named is None:
        flash(_("This case names no other case it could be joined to."), "error")
        return redirect(url_for(".show", reference=reference))
    into = case_to_change(current_user, named)
    try:
        join(case, into, current_user)
    except JoinError as error:
        db.session.rollback()
        flash(_("The message was not joined. %(reason)s", reason=error_text(error)), "error")
        return redirect(url_for(".show", reference=reference))
    db.session.commit()
    flash(
        _("The message is joined to this case from case %(reference)s.", reference=reference),
        "success",
    )
    return redirect(url_for(".show", reference=into.reference))


@blueprint.route("/<reference:reference>/handover", methods=["POST"])
@login_required
def propose_handover(reference: str):
    case = case_to_change(current_user, reference)
    form = HandoverForm()
    department = department_with_id(form.department.data or 0)
    if not form.validate_on_submit() or department is None:
        flash(_("Choose a department and write a note for them."), "error")
        return redirect(url_for(".show", reference=reference))
    return offer_case(case, department, form.note.data)
