"""Form pieces shared by features: time-zone fields and multi-checkbox lists."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.countries import country_codes, country_name
from trainer.timezones import is_valid_zone


class TimeZoneField(StringField):
    """An IANA zone typed with suggestions from a <datalist id="zones"> (see _macros.zone_list)."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"list": "zones", "autocomplete": "off", "spellcheck": "false", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data and not is_valid_zone(self.data.strip()):
            raise ValidationError(_l("Choose a time zone from the list, e.g. Asia/Jakarta."))

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.strip()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def country_choices(blank: bool = False) -> list[SelectChoice]:
    """Every country, by name, for a <select>."""
    choices = sorted((SelectChoice(code, country_name(code)) for code in country_codes()), key=lambda c: c.label)
    return [SelectChoice("", "—"), *choices] if blank else choices
