"""What the case page's citizen panel needs: the citizen's data and a form per change."""

from __future__ import annotations

from inbox.cases.citizens import citizen_panel
from inbox.clock import now
from inbox.models import Case, User
from inbox.web.forms import ChangeAddressForm, CitizenNameForm
from inbox.web.labels import language_name, list_text


def address_form_prefix(identity_id: int) -> str:
    """Each address's form has a prefix, so its fields have ids of their own."""
    return f"identity-{identity_id}"


def panel_context(case: Case, viewer: User, given: dict | None = None) -> dict:
    """The panel's template variables; ``given`` holds a refused form (``"name"`` or an
    identity id) to show again with what was typed and its errors."""
    given = given or {}
    panel = citizen_panel(case, viewer, now())
    address_forms = {
        address.identity.id: given.get(address.identity.id)
        or ChangeAddressForm(
            formdata=None,
            prefix=address_form_prefix(address.identity.id),
            address=address.identity.value,
        )
        for address in panel.addresses
        if address.is_editable
    }
    return {
        "citizen": panel,
        "citizen_name_form": given.get("name")
        or CitizenNameForm(formdata=None, citizen_name=panel.contact.name or ""),
        "citizen_address_forms": address_forms,
        # The same names as everywhere else: in the page's language, lists through Babel.
        "language_name": language_name,
        "list_of": list_text,
    }
