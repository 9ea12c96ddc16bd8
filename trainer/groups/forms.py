from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError


class AutoForm(FlaskForm):
    groups = IntegerField(_l("Number of groups"), validators=[Optional(), NumberRange(min=1, max=100)])
    size = IntegerField(_l("Or people per group"), validators=[Optional(), NumberRange(min=2, max=50)])
    seed = IntegerField(_l("Shuffle number"), default=1, validators=[Optional(), NumberRange(min=0, max=10**6)])

    def validate_size(self, field) -> None:
        if bool(self.groups.data) == bool(field.data):
            raise ValidationError(_l("Give either a number of groups or a group size."))


class NameForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(_l("Give the group a name.")), Length(max=100)])


class ConfirmForm(FlaskForm):
    pass


class OpenExerciseForm(FlaskForm):
    exercise_id = SelectField(_l("Group exercise"), validators=[DataRequired()])
    session_id = SelectField(_l("For the live session"), coerce=int, validate_choice=False)
    due_day = DateField(_l("Due date (course time)"), validators=[DataRequired(_l("Choose a due date."))])
    due_time = TimeField(_l("Due time (course time)"), validators=[DataRequired(_l("Choose a due time."))])
    instructions = TextAreaField(_l("Extra instructions (optional)"), validators=[Optional(), Length(max=5000)])


class SubmissionForm(FlaskForm):
    text = TextAreaField(_l("Your group's answer (Markdown)"), validators=[Length(max=50_000)])
    base_version = HiddenField()


class AttachmentForm(FlaskForm):
    file = FileField(_l("Attach a file"), validators=[FileRequired(_l("Choose a file."))])


class FeedbackForm(FlaskForm):
    text = TextAreaField(
        _l("Feedback"), id="feedback-text", validators=[DataRequired(_l("Write the feedback.")), Length(max=10_000)]
    )
