from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from trainer.forms_common import MultiCheckboxField
from trainer.schedule.planning import Pattern

EMPTY_AGENDA_ROWS = 3


class PatternForm(FlaskForm):
    pattern = SelectField(
        _l("Shape"),
        choices=[
            SelectChoice(
                Pattern.THREE_DAYS.value, _l("Three live days: day 1, weeks of self-study, then two days in a row")
            ),
            SelectChoice(Pattern.WEEKLY.value, _l("Weekly sessions")),
            SelectChoice(Pattern.SINGLE_DAY.value, _l("One intensive day")),
        ],
    )
    first_day = DateField(_l("First live day"), validators=[DataRequired(_l("Choose the date of the first day."))])
    start = TimeField(_l("Daily start (course time)"), validators=[DataRequired(_l("Choose a start time."))])
    end = TimeField(_l("Daily end (course time)"), validators=[DataRequired(_l("Choose an end time."))])
    weeks_between = IntegerField(
        _l("Weeks of self-study after day 1"), default=3, validators=[Optional(), NumberRange(min=1, max=12)]
    )
    sessions = IntegerField(
        _l("Number of weekly sessions"), default=6, validators=[Optional(), NumberRange(min=2, max=20)]
    )

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))


class AgendaItemForm(Form):
    """One agenda row; a row with no title is ignored, so blank rows can always be offered."""

    title = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    minutes = IntegerField(_l("Minutes"), validators=[Optional()])
    trainer_id = SelectField(_l("Led by"), coerce=int, validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        # Checked as a row: minutes are required only when the row has an item.
        ok = super().validate(extra_validators)
        if self.title.data and self.title.data.strip():
            if self.minutes.data is None:
                self.minutes.errors = [*self.minutes.errors, _l("How many minutes?")]
                ok = False
            elif not 1 <= self.minutes.data <= 600:
                self.minutes.errors = [*self.minutes.errors, _l("Between 1 and 600 minutes.")]
                ok = False
        return ok


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the session a title.")), Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    start = TimeField(_l("Start (course time)"), validators=[DataRequired(_l("Choose a start time."))])
    end = TimeField(_l("End (course time)"), validators=[DataRequired(_l("Choose an end time."))])
    chapters = MultiCheckboxField(_l("Chapters covered"))
    exercises = MultiCheckboxField(_l("Exercises"))
    join_url = URLField(_l("Own join link (optional)"), validators=[Optional(), Length(max=500)])
    agenda = FieldList(FormField(AgendaItemForm), min_entries=1)

    def validate_join_url(self, field) -> None:
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(_l("A join link starts with https://"))

    def validate_trainer_choices(self, trainer_ids: set[int]) -> bool:
        ok = True
        for row in self.agenda:
            if (row.trainer_id.data or 0) not in trainer_ids | {0}:
                row.trainer_id.errors = [*row.trainer_id.errors, _l("Choose one of the course's trainers.")]
                ok = False
        return ok
