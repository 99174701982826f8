"""The forms of `/admin/users`; the services check the same rules again (the CLI uses them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from inbox.i18n import LANGUAGES
from inbox.models import Role
from inbox.people.users import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    is_email_address,
    normalise_email,
)
from inbox.web.forms import LANGUAGE_NAMES, Form

ROLE_NAMES = {
    Role.STAFF: _l("Staff"),
    Role.LEADER: _l("Leader"),
    Role.ADMIN: _l("Administrator"),
}
ROLE_HINTS = {
    Role.STAFF: _l("works on the cases of their departments"),
    Role.LEADER: _l("like staff, and also sees the channel report"),
    Role.ADMIN: _l("works on every case and administers Svarfrist"),
}
#: How a user signs in: with a password, or through the identity provider (no password).
WITH_PASSWORD, WITHOUT_PASSWORD = "password", "none"


class CheckboxesField(SelectMultipleField):
    """A choice of several, as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _an_email_address(_form, field) -> None:
    if field.data and not is_email_address(normalise_email(field.data)):
        raise ValidationError(_l("Write an e-mail address such as kari@kommune.no."))


class UserDetailsForm(Form):
    """Who the user is and what they may do."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Write the person's name.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Write the e-mail address the person logs in with.")),
            Length(max=320),
            _an_email_address,
        ],
        render_kw={"autocomplete": "off"},
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, ROLE_NAMES[role]) for role in Role],
        default=Role.STAFF.value,
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    #: The departments' ids and names (filled in by the view).
    departments = CheckboxesField(_l("Departments"), coerce=int, choices=[])
    language = SelectField(
        _l("Language of the pages"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )


class PasswordForm(Form):
    """A password typed twice, or none (sign-in through the identity provider)."""

    sign_in = RadioField(
        _l("How does the person log in?"),
        choices=[
            SelectChoice(WITH_PASSWORD, _l("With a password")),
            SelectChoice(
                WITHOUT_PASSWORD, _l("Through the municipality's identity provider, no password")
            ),
        ],
        default=WITH_PASSWORD,
    )
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},
    )
    password_again = PasswordField(
        _l("The same password again"),
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},
    )

    def validate_password(self, field) -> None:
        if self.sign_in.data == WITHOUT_PASSWORD:
            if field.data or self.password_again.data:
                raise ValidationError(
                    _l("You chose no password: leave both password fields empty.")
                )
            return
        if not field.data:
            raise ValidationError(_l("Write a password, or choose no password."))
        if len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                _l("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
            )
        if len(field.data) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _l("The password can have at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
            )

    def validate_password_again(self, field) -> None:
        typed = self.sign_in.data == WITH_PASSWORD and self.password.data
        if typed and field.data != self.password.data:
            raise ValidationError(_l("The two passwords differ; write the same one twice."))

    @property
    def chosen_password(self) -> str | None:
        """The password to set, or ``None`` for none."""
        return self.password.data if self.sign_in.data == WITH_PASSWORD else None


class NewUserForm(UserDetailsForm, PasswordForm):
    """A new user: details and how they log in."""
