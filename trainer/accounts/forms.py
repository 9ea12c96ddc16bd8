from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from trainer.forms_common import TimeZoneField


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            # Only the shape here: a stricter rule could lock out an account that already exists.
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an email address like name@example.org.")),
        ],
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=128, message=_l("A password has at most 128 characters.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Signing out changes state, so it is a POST with a CSRF token."""


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    timezone = TimeZoneField(_l("Your time zone"), validators=[Optional()])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("en", "English"), SelectChoice("id", "Bahasa Indonesia")]
    )


class AcceptInvitationForm(FlaskForm):
    password = PasswordField(
        _l("Choose a password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=10, max=128, message=_l("Between 10 and 128 characters, please.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[DataRequired(_l("Type the password again.")), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = TimeZoneField(_l("Your time zone"), validators=[DataRequired(_l("Choose your time zone."))])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("en", "English"), SelectChoice("id", "Bahasa Indonesia")]
    )
