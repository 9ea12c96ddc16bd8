from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from trainer.accounts.models import OrganisationKind
from trainer.accounts.services import get_user_by_email
from trainer.courses.models import CourseStatus
from trainer.dbtypes import to_id
from trainer.forms_common import TimeZoneField, country_choices


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the course a title.")), Length(max=200)])
    module_slug = SelectField(_l("Module"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    timezone = TimeZoneField(_l("Course time zone"), validators=[DataRequired(_l("Choose the course's time zone."))])
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, s.label) for s in CourseStatus])
    # Choices are the site's languages (views set them); "" for not set.
    language = SelectField(_l("Language of the course"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity (places)"), validators=[Optional(), NumberRange(min=1, max=100000)])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[Optional(), Length(max=254), Email(_l("Enter an email address like name@example.org."))],
    )
    join_url = URLField(
        _l("Zoom join link"),
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "https://…zoom.us/j/…"},
    )
    meeting_id = StringField(_l("Meeting ID"), validators=[Optional(), Length(max=50)])
    meeting_passcode = StringField(_l("Passcode"), validators=[Optional(), Length(max=50)])
    dial_in = TextAreaField(_l("Dial-in numbers"), validators=[Optional(), Length(max=2000)])
    self_registration = BooleanField(_l("Focal points may apply on a public page (a coordinator approves each)"))
    trainers = TextAreaField(
        _l("Trainers (one email per line)"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3}
    )

    def validate_join_url(self, field) -> None:
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(_l("A join link starts with https://"))

    def validate_trainers(self, field) -> None:
        emails = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        unknown = [email for email in emails if get_user_by_email(email) is None]
        if unknown:
            # gettext, not lazy_gettext: a lazy string renders as trusted HTML, and this one holds input.
            raise ValidationError(_("No account for: %(emails)s. Register them first.", emails=", ".join(unknown)))

    def trainer_emails(self) -> list[str]:
        return [line.strip() for line in (self.trainers.data or "").splitlines() if line.strip()]


class RegisterPersonForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter the person's email.")),
            Length(max=254),
            Email(_l("Enter an email address like name@example.org.")),
        ],
        filters=[lambda value: value.strip().lower() if value else value],
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        render_kw={"list": "organisations", "autocomplete": "off"},
    )
    organisation_kind = SelectField(
        _l("Kind of organisation"), choices=[SelectChoice(k.value, k.label) for k in OrganisationKind]
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the country."))])
    timezone = TimeZoneField(_l("Time zone"), validators=[Optional()])
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("Not chosen (the course's, else their browser's)")),
            SelectChoice("en", "English"),
            SelectChoice("id", "Bahasa Indonesia"),
        ],
        default="",
    )
    role = SelectField(
        _l("Role in the course"),
        choices=[SelectChoice("participant", _l("Participant")), SelectChoice("trainer", _l("Trainer"))],
    )
    focal_point = BooleanField(_l("The organisation's designated focal point for decentralised cooperation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(blank=True)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmForm(FlaskForm):
    """A POST that only needs its CSRF token: remove, resend, approve, confirm an import."""


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role in the course"),
        choices=[SelectChoice("participant", _l("Participant")), SelectChoice("trainer", _l("Trainer"))],
    )


class ApplicationForm(RegisterPersonForm):
    """A focal point applying on the public page: no role (always participant)."""

    motivation = TextAreaField(
        _l("Why do you want to take part? (optional)"), validators=[Optional(), Length(max=2000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.role


class SeatsForm(FlaskForm):
    association_id = SelectField(_l("Association"), coerce=to_id, validate_choice=False)
    seats = IntegerField(_l("Seats"), validators=[DataRequired(_l("How many seats?")), NumberRange(min=0, max=10000)])
