"""`/admin/sign-in`: how staff sign in (the identity provider, passwords on or off), the
break-glass administrators, and every break-glass sign-in."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from inbox.people.users import break_glass_sign_ins
from inbox.web.admin import blueprint, section
from inbox.web.oidc_client import auth_settings

section("sign_in", _l("Sign-in"))
SHOWN = 100


@blueprint.context_processor
def _identity_provider() -> dict:
    """The provider's name for the users pages' hint about users without a password."""
    provider = auth_settings().oidc
    return {"identity_provider_name": provider.name if provider else None}


@blueprint.get("/sign-in")
def sign_in():
    admins, sign_ins = break_glass_sign_ins(limit=SHOWN)
    return render_template(
        "admin/sign_in.html", auth=auth_settings(), admins=admins, sign_ins=sign_ins, shown=SHOWN
    )
