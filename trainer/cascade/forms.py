from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from trainer.forms_common import MultiCheckboxField, TimeZoneField


class StartForm(FlaskForm):
    origin_course_id = SelectField(_l("Graduated from"), coerce=int, validate_choice=False)
    title = StringField(
        _l("Title of your course"), validators=[DataRequired(_l("Give your course a title.")), Length(max=200)]
    )
    timezone = TimeZoneField(_l("Your course's time zone"), validators=[DataRequired(_l("Choose the time zone."))])


class RecordForm(FlaskForm):
    graduate_email = StringField(
        _l("Graduate's email"), validators=[DataRequired(_l("Whose training was it?")), Length(max=254)]
    )
    origin_course_id = SelectField(_l("Graduated from"), coerce=int, validate_choice=False)
    held_on = DateField(_l("Date"), validators=[DataRequired(_l("When was it held?"))])
    place = StringField(_l("Place"), validators=[DataRequired(_l("Where was it held?")), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"))
    language = StringField(_l("Language of the training"), default="en", validators=[Length(max=16)])
    people_trained = IntegerField(
        _l("People trained"), validators=[DataRequired(_l("How many people?")), NumberRange(min=1, max=100000)]
    )
    chapters = MultiCheckboxField(_l("Chapters used"))
    attendance_list = TextAreaField(
        _l("Attendance list (optional, one name per line)"), validators=[Optional(), Length(max=20000)]
    )
    evidence_url = URLField(
        _l("Evidence: a link to a report, photos or a news item"), validators=[Optional(), Length(max=500)]
    )

    def validate_evidence_url(self, field) -> None:
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(_l("A link starts with https://"))


class ConfirmForm(FlaskForm):
    pass
