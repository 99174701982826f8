"""Web forms; Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from inbox.i18n import LANGUAGES

LANGUAGE_NAMES = {"nn": "Nynorsk", "nb": "Bokmål", "en": "English"}


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )
    next = HiddenField()


class PostForm(FlaskForm):
    """A form that only carries the CSRF token (logout)."""


class ReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Answer to the citizen"), validators=[DataRequired(), Length(max=20000)]
    )
    kind = RadioField(
        _l("Kind of answer"),
        choices=[
            SelectChoice("reply", _l("Answer")),
            SelectChoice("preliminary", _l("Preliminary answer with a new date")),
        ],
        default="reply",
    )
    #: Only working days after today are offered (filled in by the view).
    new_date = SelectField(_l("New date for the answer"), choices=[], validate_choice=False)
    #: When the page was loaded, to notice answers given meanwhile.
    loaded_at = HiddenField()
    confirm = HiddenField()


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=20000)])


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assigned to"), coerce=int, choices=[], validate_choice=False)


class CaseLanguageForm(FlaskForm):
    language = SelectField(
        _l("Language towards the citizen"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )


class RegisterForm(FlaskForm):
    channel = RadioField(
        _l("How did it come in?"),
        choices=[
            SelectChoice("letter", _l("Letter")),
            SelectChoice("phone", _l("Phone call")),
            SelectChoice("in_person", _l("Visit")),
        ],
        default="phone",
    )
    received = DateTimeLocalField(
        _l("Received"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    name = StringField(_l("Citizen's name"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=320)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("What is it about?"), validators=[DataRequired(), Length(max=20000)])
    language = SelectField(
        _l("Language towards the citizen"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )
    department = SelectField(_l("Department"), coerce=int, choices=[], validate_choice=False)
