"""Web forms; Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
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
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from inbox.cases.replies import (
    MAX_TEXT_LENGTH,
    MIN_ANSWER_CHARACTERS,
    MIN_ANSWER_WORDS,
    is_real_text,
)
from inbox.cases.signatures import MAX_SIGNATURE_LENGTH
from inbox.i18n import LANGUAGES

#: Each language by its own name, as a reader of it looks for it in a list.
LANGUAGE_NAMES = {"nn": "Nynorsk", "nb": "Bokmål", "en": "English", "se": "Davvisámegiella"}
PREFERRED_TIME_NAMES = {
    "any": _l("Any time in our opening hours"),
    "morning": _l("Morning"),
    "midday": _l("Around midday"),
    "afternoon": _l("Afternoon"),
}


class Form(FlaskForm):
    """A form whose hidden inputs (the CSRF token, ``next``, ...) carry no id: a page holds
    many forms, and an id is only worth having where a label or a script points at it."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.type in HIDDEN_TYPES and "id" not in render_kw:
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)


HIDDEN_TYPES = {"HiddenField", "CSRFTokenField"}


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField()


class LanguageForm(Form):
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )
    next = HiddenField()


class PostForm(Form):
    """A form that only carries the CSRF token (logout)."""


class ReplyForm(Form):
    #: How the answer reaches the citizen; the view offers the case's ways (:func:`answer_ways`).
    way = RadioField(
        _l("How the answer reaches the citizen"),
        choices=[],
        validators=[DataRequired(_l("Choose how the answer reaches the citizen."))],
    )
    text = TextAreaField(
        _l("Answer to the citizen"),
        # Browsers send a textarea's lines ending in CR LF; the answer keeps plain LF.
        filters=[lambda text: text.replace("\r\n", "\n") if text else text],
        id="reply-text",
        validators=[DataRequired(_l("Write the answer.")), Length(max=MAX_TEXT_LENGTH)],
        render_kw={"maxlength": MAX_TEXT_LENGTH},
    )
    kind = RadioField(
        _l("Kind of answer"),
        choices=[
            SelectChoice("reply", _l("Answer")),
            SelectChoice("preliminary", _l("Preliminary answer with a new date")),
        ],
        default="reply",
    )
    #: Working days after today, after a first "choose a date" (filled in by the view): staff
    #: choose the new date, it never defaults to one.
    new_date = SelectField(_l("New date for the answer"), choices=[], validate_choice=False)
    #: When the page was loaded, to notice answers given meanwhile.
    loaded_at = HiddenField()
    #: ``yes`` from "Send anyway", after the page showed an answer someone gave meanwhile.
    confirm = HiddenField()

    def validate_new_date(self, field) -> None:
        if self.kind.data == "preliminary" and not field.data:
            raise ValidationError(_l("Choose the new date the answer will come."))

    def validate_text(self, field) -> None:
        typed = field.data or ""
        for added in self.not_typed:
            typed = typed.replace(added.strip(), "") if added.strip() else typed
        # A preliminary answer must say more than its date ("x" is no answer).
        if self.kind.data != "preliminary" or len(typed) > MAX_TEXT_LENGTH:
            return
        if field.data and not is_real_text(typed):
            raise ValidationError(
                _l(
                    "Write a real answer to the citizen: at least %(characters)d characters "
                    "in %(words)d words, besides the new date and the signature.",
                    characters=MIN_ANSWER_CHARACTERS,
                    words=MIN_ANSWER_WORDS,
                )
            )

    #: What Svarfrist put into the text (the signature, the new date's sentence), set by the
    #: view: not counted as the answer.
    not_typed: tuple[str, ...] = ()


class AddressForm(Form):
    """Staff adding an e-mail address or phone number to the case's citizen."""

    address_kind = RadioField(
        _l("Kind of address"),
        choices=[
            SelectChoice("email", _l("E-mail address")),
            SelectChoice("phone", _l("Mobile number")),
        ],
        default="email",
    )
    address = StringField(
        _l("Address or number"),
        validators=[DataRequired(_l("Write the address or number.")), Length(max=320)],
    )


class NoteForm(Form):
    text = TextAreaField(
        _l("Internal note"),
        id="note-text",
        validators=[DataRequired(), Length(max=MAX_TEXT_LENGTH)],
        render_kw={"maxlength": MAX_TEXT_LENGTH},
    )


class AssignForm(Form):
    assignee = SelectField(_l("Assigned to"), coerce=int, choices=[], validate_choice=False)


class CaseLanguageForm(Form):
    """The language towards the citizen: one of ``[municipality] citizen_languages``."""

    language = SelectField(_l("Language towards the citizen"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = current_app.extensions["svarfrist"].rules.municipality.citizen_languages
        self.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in offered]


class RegisterForm(CaseLanguageForm):
    """A letter, call or visit registered by hand, in the language staff choose for it."""

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
    department = SelectField(_l("Department"), coerce=int, choices=[], validate_choice=False)


class CallbackForm(Form):
    """The public "Ring meg opp" form; the service checks the values and names what is wrong."""

    name = StringField(_l("Your name"), validators=[Length(max=400)])
    phone = TelField(_l("Phone number"), validators=[Length(max=40)])
    about = TextAreaField(_l("What is it about?"), validators=[Length(max=4000)])
    department = SelectField(
        _l("Which department (if you know)"), choices=[], validate_choice=False
    )
    preferred_time = SelectField(
        _l("When does it suit you best?"),
        choices=[SelectChoice(code, name) for code, name in PREFERRED_TIME_NAMES.items()],
        default="any",
    )
    sms_consent = BooleanField(_l("Send me an SMS saying when you will call"), default=True)
    #: A honeypot: hidden from people, filled in by robots.
    website = StringField(_l("Leave this field empty"))


class StatusAdditionForm(Form):
    """ "Send oss meir informasjon" on the citizen's status page; intake's limits apply."""

    text = TextAreaField(_l("What would you like to add?"), render_kw={"rows": 6})
    file = FileField(_l("A file (optional)"))


class CallbackAttemptForm(Form):
    outcome = RadioField(
        _l("How did the call go?"),
        choices=[
            SelectChoice("reached", _l("Reached the citizen (the request is answered)")),
            SelectChoice("not-reached", _l("No answer")),
            SelectChoice("wrong-number", _l("Wrong number")),
        ],
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note (optional)"), id="attempt-note", validators=[Length(max=20000)])
    tell_by_sms = BooleanField(_l("Send an SMS saying that we tried to call"))


class HandoverForm(Form):
    department = SelectField(_l("To department"), coerce=int, choices=[], validate_choice=False)
    note = TextAreaField(
        _l("Note to the receiving department"),
        id="handover-note",
        validators=[DataRequired(), Length(max=5000)],
    )


class SuggestedHandoverForm(Form):
    """One click on a suggested department: the case is offered to it (the note says so)."""

    department = HiddenField(validators=[DataRequired()])


class AcceptHandoverForm(Form):
    tell_citizen = BooleanField(_l("Tell the citizen who now handles the case"), default=True)
    assign_to_me = BooleanField(_l("Assign the case to me"))


class DeclineHandoverForm(Form):
    reason = TextAreaField(_l("Why not?"), validators=[DataRequired(), Length(max=5000)])


class SignatureForm(Form):
    signature = TextAreaField(
        _l("Signature"),
        validators=[Length(max=MAX_SIGNATURE_LENGTH)],
        render_kw={"maxlength": MAX_SIGNATURE_LENGTH, "rows": 4},
    )


class CloseForm(Form):
    """Closing a case while the citizen waits for an answer: confirmed, with a reason."""

    reason = TextAreaField(
        _l("Why is the case closed without an answer?"),
        validators=[Length(max=MAX_TEXT_LENGTH)],
        render_kw={"maxlength": MAX_TEXT_LENGTH, "rows": 3},
    )
    confirm = HiddenField()


class CitizenNameForm(Form):
    """Staff giving the case's citizen their name (empty: not known)."""

    citizen_name = StringField(
        _l("Name"),
        validators=[Length(max=200, message=_l("The name is longer than 200 characters."))],
    )


class ChangeAddressForm(Form):
    """Staff correcting one of the citizen's addresses; made with ``prefix`` per address, so
    each has ids of its own."""

    address = StringField(
        _l("New address or number"),
        validators=[
            DataRequired(_l("Write the address or number.")),
            Length(max=320, message=_l("The address is longer than 320 characters.")),
        ],
    )


class MergeForm(Form):
    """Staff merging another case of the same citizen into this one."""

    other = HiddenField(validators=[DataRequired(), Length(max=20)])
