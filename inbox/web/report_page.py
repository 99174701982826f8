"""`/reports/channels`: the channel report for leaders (their departments) and admins (all).

HTML with charts (SVG images, each with its data table beside it), and the
same report as CSV, XLSX or PDF with ``format=``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required

from inbox.clock import now
from inbox.models import Role
from inbox.reports import document as report_document
from inbox.reports.channel_report import channel_report
from inbox.reports.exports import as_csv, as_xlsx

blueprint = Blueprint("reports", __name__, url_prefix="/reports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# SVG charts carry their own <style>; nothing else is allowed in them.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _report_and_period():
    if current_user.role not in (Role.LEADER, Role.ADMIN):
        abort(403)
    try:
        year = int(request.args.get("year") or now().year)
        month = int(request.args["month"]) if request.args.get("month") else None
    except ValueError:
        abort(400)
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        abort(400)
    departments = None if current_user.role == Role.ADMIN else sorted(current_user.department_ids)
    return channel_report(year, month, departments), year, month


@blueprint.get("/channels")
@login_required
def channels():
    report, year, month = _report_and_period()
    kind = request.args.get("format", "html")
    filename = f"kanalrapport-{year}" + (f"-{month:02d}" if month else "")
    if kind == "csv":
        return Response(
            as_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if kind == "xlsx":
        return Response(
            as_xlsx(report),
            content_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    if kind == "pdf":
        return Response(
            report_document.as_pdf(report, year, month),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
        )
    if kind != "html":
        abort(400)
    return render_template(
        "reports/channels.html",
        chart_url=lambda name: url_for(
            ".chart", name=name, year=year, **({"month": month} if month else {})
        ),
        **report_document.page_values(report, year, month),
    )


@blueprint.get("/channels/chart/<any(months, kept):name>.svg")
@login_required
def chart(name: str):
    report, _year, _month = _report_and_period()
    response = Response(report_document.chart_svg(report, name), content_type="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_POLICY
    return response
