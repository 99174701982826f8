"""The inbox page: the user's cases with combined filters, their counts, sorts and saved views."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from inbox.cases.escalations import escalations
from inbox.cases.queue import (
    DEFAULT_LIMIT,
    DEFAULT_SORT,
    MAX_SEARCH_LENGTH,
    QueueError,
    QueueFilter,
    case_by_reference,
    departments_named,
    queue_counts,
    queue_page,
)
from inbox.cases.saved_views import (
    MAX_NAME_LENGTH,
    MAX_VIEWS,
    VIEW_KEYS,
    NoSuchView,
    SavedViewError,
    delete_view,
    save_view,
    view_query,
    views_of,
)
from inbox.extensions import db
from inbox.web.forms import Form, PostForm

blueprint = Blueprint("cases", __name__)
#: The query parameters the queue reads (besides ``after``, the page cursor).
FILTER_KEYS = VIEW_KEYS
SORT_NAMES = {
    "due": _l("Due, soonest first"),
    "-due": _l("Due, latest first"),
    "received": _l("Received, oldest first"),
    "-received": _l("Received, newest first"),
    "activity": _l("Latest message, oldest first"),
    "-activity": _l("Latest message, newest first"),
}


class SavedViewForm(Form):
    name = StringField(
        _l("Name of the view"), validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)]
    )
    #: The queue's filters and sort, as the page shows them.
    query = HiddenField()


def _filters(arguments) -> QueueFilter:
    return QueueFilter(
        mine_only=arguments.get("scope") == "mine",
        channel=arguments.get("channel") or None,
        status=arguments.get("status") or None,
        due=arguments.get("due") or None,
        assignee=arguments.get("assignee") or None,
        handover=arguments.get("handover") or None,
        department=arguments.get("department") or None,
        offered_to=arguments.get("offered_to") or None,
        search=arguments.get("q") or None,
    )


def _link(active: dict[str, str]):
    """``link(key, value)``: the queue's URL with one filter set (or lifted, when it is
    already set to ``value``), the other filters and the sort kept."""

    def link(key: str, value: str) -> str:
        arguments = {name: given for name, given in active.items() if name != key}
        if active.get(key) != value:
            arguments[key] = value
        return url_for("cases.index", **arguments)

    return link


@blueprint.route("/")
@login_required
def index():
    calendar = current_app.extensions["svarfrist"].rules.calendar
    active = {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}
    filters = _filters(request.args)
    sort = request.args.get("sort") or DEFAULT_SORT
    found = (
        case_by_reference(current_user, filters.words) if not request.args.get("after") else None
    )
    if found is not None:
        # A reference typed exactly names one case: go there, whatever its status.
        return redirect(url_for("case.show", reference=found.reference))
    try:
        page = queue_page(
            current_user,
            calendar,
            filters,
            limit=DEFAULT_LIMIT,
            after=request.args.get("after"),
            sort=sort,
        )
        counts = queue_counts(current_user, calendar, filters)
    except QueueError as error:
        # The error page shows flashed messages: the user learns which filter was wrong.
        flash(str(error), "error")
        abort(400)
    slugs = sorted({key[11:] for key in counts if key.startswith("department=")})
    channels = sorted({key[8:] for key in counts if key.startswith("channel=")})
    if filters.channel and filters.channel not in channels:
        channels.append(filters.channel)
    view_form = SavedViewForm(formdata=None, query=view_query(active))
    return render_template(
        "cases/list.html",
        rows=page.rows,
        next_cursor=page.next_cursor,
        counts=counts,
        escalations=escalations(current_user, calendar),
        active=active,
        filters=filters,
        status_filter=filters.effective_status,
        sort=sort,
        sort_names=SORT_NAMES,
        departments=departments_named([*slugs, filters.department or ""]),
        offered_to=departments_named((filters.offered_to or "").split(",")),
        channels=channels,
        filter_link=_link(active),
        max_search_length=MAX_SEARCH_LENGTH,
        views=views_of(current_user),
        view_form=view_form,
        delete_form=PostForm(),
    )


@blueprint.post("/views")
@login_required
def save_queue_view():
    form = SavedViewForm()
    query = view_query(form.query.data or "")
    back = url_for("cases.index") + ("?" + query if query else "")
    if not form.validate_on_submit():
        flash(
            _(
                "Give the view a name of at most %(count)d characters.",
                count=MAX_NAME_LENGTH,
            ),
            "error",
        )
        return redirect(back)
    try:
        view = save_view(current_user, form.name.data, query)
    except SavedViewError as error:
        db.session.rollback()
        if error.code == "too_many":
            flash(
                _(
                    "You have %(count)d saved views, the most there may be. Delete one first.",
                    count=MAX_VIEWS,
                ),
                "error",
            )
        else:
            flash(
                _("Give the view a name of at most %(count)d characters.", count=MAX_NAME_LENGTH),
                "error",
            )
        return redirect(back)
    db.session.commit()
    flash(_("Saved the view “%(name)s”.", name=view.name), "success")
    return redirect(back)


@blueprint.post("/views/<id:view_id>/delete")
@login_required
def delete_queue_view(view_id: int):
    try:
        view = delete_view(current_user, view_id)
    except NoSuchView:
        abort(404)
    db.session.commit()
    flash(_("Deleted the view “%(name)s”.", name=view.name), "success")
    return redirect(url_for("cases.index"))
