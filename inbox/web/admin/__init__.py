"""`/admin`: the administration pages, for users with the role admin only.

Each section is a module here that adds its routes to :data:`blueprint` and names itself
in :data:`SECTIONS` (endpoint, label), which the navigation of every admin page lists.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from inbox.models import Role

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

#: (endpoint, label) of each section, in the order the navigation shows them.
SECTIONS: list[tuple[str, object]] = []


@blueprint.before_request
@login_required
def _admins_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(403)


@blueprint.context_processor
def _navigation() -> dict:
    return {"admin_sections": SECTIONS}


@blueprint.get("/")
def index():
    return render_template("admin/index.html")


def section(endpoint: str, label) -> None:
    """Name a section in the navigation (call once, from the section's module)."""
    SECTIONS.append((f"admin.{endpoint}", label))


# Each section's module adds its routes to the blueprint when imported, in the order the
# navigation shows them (hence not sorted).
from inbox.web.admin import (  # noqa: E402, F401, I001
    departments,
    users,
    reply_templates,
    channels,
    promises,
    sign_in,
    suggestions,
)
