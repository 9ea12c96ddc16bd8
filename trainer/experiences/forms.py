"""Forms of shared experiences: a post, a comment, the empty form behind moderation buttons, and the
case library's forms (marking a good case, attaching a case to a chapter of a course)."""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from trainer.content.models import Chapter, Module
from trainer.countries import country_codes
from trainer.courses.models import Course
from trainer.dbtypes import id_or_none
from trainer.experiences.cases import COOPERATION_KINDS
from trainer.forms_common import MultiCheckboxField, country_choices

TITLE_MAX = 200
TEXT_MAX = 20_000
COMMENT_MAX = 5_000

# The goals' short names (UN Res. 70/1, sdgs.un.org/goals): fixed text, so lazy strings are safe here.
SDG_NAMES = {
    1: _l("No Poverty"),
    2: _l("Zero Hunger"),
    3: _l("Good Health and Well-being"),
    4: _l("Quality Education"),
    5: _l("Gender Equality"),
    6: _l("Clean Water and Sanitation"),
    7: _l("Affordable and Clean Energy"),
    8: _l("Decent Work and Economic Growth"),
    9: _l("Industry, Innovation and Infrastructure"),
    10: _l("Reduced Inequalities"),
    11: _l("Sustainable Cities and Communities"),
    12: _l("Responsible Consumption and Production"),
    13: _l("Climate Action"),
    14: _l("Life Below Water"),
    15: _l("Life on Land"),
    16: _l("Peace, Justice and Strong Institutions"),
    17: _l("Partnerships for the Goals"),
}


# Kinds of cooperation of a good case, by stored code (the same keys as cases.COOPERATION_KINDS, which
# a test checks): fixed text, so lazy strings are safe here.
COOPERATION_KIND_NAMES = {
    "city-to-city": _l("City-to-city"),
    "association-to-association": _l("Association-to-association"),
    "south-south": _l("South-South"),
    "triangular": _l("Triangular"),
    "technical-cooperation": _l("Technical cooperation"),
    "knowledge-exchange": _l("Knowledge exchange"),
    "other": _l("Other"),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def chapter_choices(chapters: Iterable[Chapter]) -> list[SelectChoice]:
    return [SelectChoice("", "—"), *(SelectChoice(c.slug, f"{c.number}. {c.short_title}") for c in chapters)]


class SdgField(MultiCheckboxField):
    """Goal numbers 1–17; anything else gets one message a person can act on (not WTForms' own)."""

    def process_formdata(self, valuelist) -> None:
        try:
            self.data = [int(value) for value in valuelist]
        except ValueError:
            self.data = []
            raise ValueError(_l("Choose goals from the list (1 to 17).")) from None

    def pre_validate(self, form) -> None:
        if any(number not in SDG_NAMES for number in self.data or []):
            raise ValidationError(_l("Choose goals from the list (1 to 17)."))


class ExperienceForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give your experience a title.")),
            Length(max=TITLE_MAX, message=_l("Keep the title to 200 characters or fewer.")),
        ],
        filters=[_strip],
    )
    text = TextAreaField(
        _l("Your experience"),
        validators=[
            DataRequired(_l("Describe the experience.")),
            Length(max=TEXT_MAX, message=_l("Keep the text to 20,000 characters or fewer.")),
        ],
        render_kw={"rows": 14},
    )
    # Choices are checked below, with messages that say what to do.
    country = SelectField(_l("Country"), validate_choice=False)
    sdgs = SdgField(_l("SDGs it contributes to"), coerce=int)
    chapter_slug = SelectField(_l("Related chapter"), validate_choice=False)

    def __init__(self, *args, chapters: Iterable[Chapter] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(blank=True)
        # Built per request: formatting a lazy name fixes its language.
        self.sdgs.choices = [SelectChoice(number, f"{number} · {name}") for number, name in SDG_NAMES.items()]
        self.chapter_slug.choices = chapter_choices(chapters)

    def validate_country(self, field) -> None:
        if field.data and field.data not in country_codes():
            raise ValidationError(_l("Choose a country from the list."))

    def validate_chapter_slug(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a chapter from the list."))


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Write your comment first.")),
            Length(max=COMMENT_MAX, message=_l("Keep the comment to 5,000 characters or fewer.")),
        ],
        render_kw={"rows": 5},
    )


class ModerationForm(FlaskForm):
    """A POST that only needs its CSRF token: hide, show, highlight, unmark a good case, give or withdraw consent."""


def cooperation_kind_choices(blank: bool = False) -> list[SelectChoice]:
    # Built per request: formatting a lazy name fixes its language.
    choices = [SelectChoice(code, str(name)) for code, name in COOPERATION_KIND_NAMES.items()]
    return [SelectChoice("", "—"), *choices] if blank else choices


class GoodCaseForm(FlaskForm):
    """A trainer marks a post as a good case for the library, saying what kind of cooperation it shows."""

    cooperation_kind = SelectField(_l("Kind of cooperation"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperation_kind.choices = cooperation_kind_choices(blank=True)

    def validate_cooperation_kind(self, field) -> None:
        if field.data not in COOPERATION_KINDS:
            raise ValidationError(_l("Choose the kind of cooperation from the list."))


class AttachForm(FlaskForm):
    """Attach a library case to a chapter of a course the person teaches.

    Whether they teach the chosen course is a permission (404/403 in the view), and whether the
    chapter belongs to that course's module is checked by the service: neither is a choice list.
    """

    course_id = SelectField(_l("Course"), coerce=id_or_none, validate_choice=False)
    chapter_slug = SelectField(_l("Chapter"), validate_choice=False)

    def __init__(self, *args, courses: Iterable[Course] = (), modules: Iterable[Module] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = [SelectChoice(course.id, course.title) for course in courses]
        modules = list(modules)
        if len(modules) <= 1:
            self.chapter_slug.choices = chapter_choices(modules[0].chapters)[1:] if modules else []
        else:
            # Chapters of several modules: one group per module, as the courses may differ.
            self.chapter_slug.choices = {module.title: chapter_choices(module.chapters)[1:] for module in modules}

    def validate_course_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose a course from the list."))

    def validate_chapter_slug(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a chapter from the list."))


class DetachForm(FlaskForm):
    """The hidden fields of a "detach" button: which course and chapter."""

    course_id = HiddenField(filters=[id_or_none])
    chapter_slug = HiddenField()
