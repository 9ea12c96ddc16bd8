from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from trainer.accounts import organisation_views, services
from trainer.accounts.forms import AcceptInvitationForm, LoginForm, LogoutForm, ProfileForm
from trainer.accounts.invitations import accept_invitation as accept
from trainer.accounts.invitations import find_invitation
from trainer.extensions import db, limiter
from trainer.i18n import LANGUAGE_COOKIE, mail_language
from trainer.permissions import courses_language
from trainer.security import is_safe_next

bp = Blueprint("accounts", __name__, url_prefix="/accounts", template_folder="templates")

BAD_CREDENTIALS = 401


def _only_failures(response) -> bool:
    # A person who signs in successfully is never throttled; failed attempts are counted.
    return response.status_code == BAD_CREDENTIALS


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_only_failures)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_only_failures,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("accounts/login.html", form=form), status
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        # One message whatever failed, so the form does not reveal which emails exist.
        form.form_errors.append(_("The email or password is not right. Please try again."))
        return render_template("accounts/login.html", form=form), BAD_CREDENTIALS
    db.session.commit()
    login_user(user, remember=form.remember.data)
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("home.index"))


@bp.errorhandler(429)
def login_throttled(error):
    form = LoginForm(next=request.form.get("next", ""))
    form.email.data = request.form.get("email", "")[:254]
    form.form_errors.append(_("Too many failed sign-in attempts. Please wait a few minutes before trying again."))
    return render_template("accounts/login.html", form=form), 429


@bp.post("/logout")
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.timezone.data or None, form.locale.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    extras: dict = {}
    for hook in current_app.extensions.get("accounts.profile_hooks", []):
        extras.update(hook(current_user) or {})
    return render_template("accounts/profile.html", form=form, **extras), 422 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def accept_invitation(token: str):
    invitation = find_invitation(token)
    if invitation is None:
        return render_template("accounts/invitation_invalid.html"), 404
    user = services.get_user(invitation.user_id)
    # The language their invitation was written in: theirs, else their course's.
    form = AcceptInvitationForm(timezone=user.timezone, locale=mail_language(user, courses_language(user)))
    if form.validate_on_submit():
        if current_user.is_authenticated:
            logout_user()
        accept(invitation, form.password.data, form.timezone.data, form.locale.data)
        db.session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/invitation.html", form=form, user=user), 422 if form.errors else 200


bp.add_url_rule("/organisations/", view_func=organisation_views.organisations)
bp.add_url_rule(
    "/organisations/new",
    view_func=organisation_views.edit_organisation,
    methods=["GET", "POST"],
    endpoint="new_organisation",
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>", view_func=organisation_views.edit_organisation, methods=["GET", "POST"]
)


@bp.post("/language")
def change_language():
    """The header's language switcher: for visitors a cookie, for people signed in their profile too."""
    language = request.form.get("language", "")
    target = request.form.get("next", "")
    response = redirect(target if is_safe_next(target) else url_for("home.index"))
    if language in current_app.config["LANGUAGES"] and LogoutForm().validate_on_submit():
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return response
