"""Organisations: a searchable list for coordinators, with create and edit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from trainer.accounts.models import Organisation, OrganisationKind
from trainer.accounts.organisations import get_organisation, normalise_name, search_organisations
from trainer.dbtypes import id_or_none
from trainer.extensions import db
from trainer.forms_common import country_choices
from trainer.permissions import coordinator_required


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in OrganisationKind])
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the country."))])
    parent_id = SelectField(_l("Member of the association"), coerce=id_or_none, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        associations = db.session.scalars(
            select(Organisation).where(Organisation.kind == OrganisationKind.ASSOCIATION).order_by(Organisation.name)
        )
        self.parent_id.choices = [SelectChoice(0, "—")] + [SelectChoice(a.id, a.name) for a in associations]

    def validate_parent_id(self, field) -> None:
        # Sent and not one of the associations listed (absent means no change to the parent).
        if field.raw_data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose an association from the list."))


@coordinator_required
def organisations():
    query = request.args.get("q", "").strip()[:200]
    country = request.args.get("country") or None
    found = search_organisations(query, country, limit=200)
    return render_template("accounts/organisations.html", organisations=found, query=query, country=country)


@coordinator_required
def edit_organisation(organisation_id: int | None = None):
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET" and organisation is not None:
        form.kind.data, form.parent_id.data = organisation.kind.value, organisation.parent_id or 0
    if form.validate_on_submit():
        same = get_organisation(form.name.data, form.country.data)
        if same is not None and same is not organisation:
            form.name.errors = [_("%(name)s in this country already exists.", name=same.name)]
        elif organisation is not None and form.parent_id.data == organisation.id:
            form.parent_id.errors = [_("An organisation cannot be a member of itself.")]
        else:
            organisation = organisation or Organisation()
            organisation.name, organisation.normalised_name = form.name.data.strip(), normalise_name(form.name.data)
            organisation.kind, organisation.country = OrganisationKind(form.kind.data), form.country.data
            organisation.parent_id = form.parent_id.data or None
            db.session.add(organisation)
            db.session.commit()
            flash(_("%(name)s saved.", name=organisation.name), "success")
            return redirect(url_for("accounts.organisations"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/organisation_form.html", form=form, organisation=organisation), status
