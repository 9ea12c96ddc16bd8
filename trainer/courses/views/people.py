"""The people of a course: the roster, registering one by one or from CSV, roles, invitations."""

import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from trainer.accounts.invitations import queue_invitation
from trainer.accounts.models import Organisation, OrganisationKind, User
from trainer.accounts.organisations import member_ids, search_organisations
from trainer.countries import country_name, suggested_zone
from trainer.courses.forms import ConfirmForm, ImportForm, RegisterPersonForm, RoleForm, SeatsForm
from trainer.courses.models import AssociationSeats, Course, EnrolmentRole, PendingImport
from trainer.courses.registration import Registration, RegistrationError, register, register_many, seats_taken
from trainer.courses.registration_csv import parse_registrations, template_csv
from trainer.courses.roster import RosterFilters, list_roster, remove_from_course, roster_counts, roster_csv
from trainer.courses.services import enrol, get_course
from trainer.extensions import db
from trainer.pagination import paginate, requested_page
from trainer.permissions import (
    association_seats,
    can_manage_people,
    coordinator_required,
    course_role,
    is_coordinator,
    is_scoped_coordinator,
    require_people_management,
    require_roster_read,
)
from trainer.security import is_safe_next

MAX_UPLOAD = 2 * 1024 * 1024


def _course(course_id: int) -> Course:
    course = get_course(course_id) or abort(404)
    require_people_management(course)
    return course


def _scope() -> int | None:
    return current_user.coordinator_scope_id if is_scoped_coordinator(current_user) else None


def _person_in_reach(course: Course, user_id: int) -> User:
    """A person enrolled in the course whom the current coordinator may change."""
    user = db.session.get(User, user_id)
    if user is None or course_role(user, course.id) is None:
        abort(404)
    scope = _scope()
    if scope is not None and user.organisation_id not in set(db.session.scalars(member_ids(scope))):
        abort(404)
    return user


@login_required
def roster(course_id: int):
    course = get_course(course_id) or abort(404)
    require_roster_read(course)
    filters = RosterFilters(
        country=request.args.get("country") or None,
        organisation_id=request.args.get("organisation", type=int),
        role=request.args.get("role") or None,
        status=request.args.get("status") or None,
    )
    everyone = list_roster(course.id, scope=_scope())
    page = paginate([e for e in everyone if _matches(e, filters)], requested_page())
    seats = association_seats(current_user, course.id)
    return render_template(
        "courses/roster.html",
        course=course,
        page=page,
        back=_roster_url(course.id, filters, page.number),
        counts=roster_counts(everyone),
        filters=filters,
        countries=sorted({e.user.country for e in everyone if e.user.country}, key=country_name),
        organisations=sorted({e.organisation for e in everyone if e.organisation}, key=lambda o: o.name),
        manage=can_manage_people(current_user, course),
        seats=seats,
        seats_taken=seats_taken(course.id, _scope()) if seats is not None else None,
        seats_form=_seats_form() if is_coordinator(current_user) else None,
        seat_rows=_seat_rows(course.id) if is_coordinator(current_user) else [],
    )


def _roster_url(course_id: int, filters: RosterFilters, page: int) -> str:
    """The roster as the reader sees it (filters and page), where a row's action brings them back.

    Built from the known parameters only, so that whatever else the query string holds is not
    repeated in every row's form."""
    args = {
        "country": filters.country,
        "organisation": filters.organisation_id,
        "role": filters.role,
        "status": filters.status,
        "page": page if page > 1 else None,
    }
    return url_for("courses.roster", course_id=course_id, **{k: v for k, v in args.items() if v})


def _back_url(course: Course) -> str:
    """The roster page (and filters) a row's action started from, or the first page.

    The `next` parameter is in the query string of the confirmation pages (their forms post to
    their own address, so it comes back with the POST) and in the resend form's fields."""
    target = request.values.get("next")
    return target if is_safe_next(target) else url_for("courses.roster", course_id=course.id)


def _seats_form() -> SeatsForm:
    form = SeatsForm()
    associations = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.ASSOCIATION).order_by(Organisation.name)
    )
    form.association_id.choices = [SelectChoice(a.id, f"{a.name} ({a.country})") for a in associations]
    return form


def _seat_rows(course_id: int) -> list[tuple[Organisation, int, int]]:
    rows = db.session.execute(
        select(Organisation, AssociationSeats.seats)
        .join(AssociationSeats, AssociationSeats.association_id == Organisation.id)
        .where(AssociationSeats.course_id == course_id)
        .order_by(Organisation.name)
    ).all()
    return [(organisation, seats, seats_taken(course_id, organisation.id)) for organisation, seats in rows]


@coordinator_required
def set_seats(course_id: int):
    course = get_course(course_id) or abort(404)
    form = _seats_form()
    if form.validate_on_submit() and db.session.get(Organisation, form.association_id.data):
        row = db.session.scalar(
            select(AssociationSeats).where(
                AssociationSeats.course_id == course.id, AssociationSeats.association_id == form.association_id.data
            )
        )
        if row is None:
            row = AssociationSeats(course_id=course.id, association_id=form.association_id.data, seats=0)
            db.session.add(row)
        row.seats = form.seats.data
        db.session.commit()
        flash(_("Seats saved."), "success")
    else:
        flash(_("Choose an association and a number of seats."), "error")
    return redirect(_back_url(course))


def _matches(entry, filters: RosterFilters) -> bool:
    return (
        (not filters.country or entry.user.country == filters.country)
        and (not filters.organisation_id or entry.user.organisation_id == filters.organisation_id)
        and (not filters.role or entry.role.value == filters.role)
        and (not filters.status or entry.status == filters.status)
    )


@login_required
def export_csv(course_id: int):
    course = _course(course_id)
    body = roster_csv(list_roster(course.id, scope=_scope()))
    filename = f"course-{course.id}-people.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@login_required
def template(course_id: int):
    _course(course_id)
    headers = {"Content-Disposition": 'attachment; filename="trainer-registration-template.csv"'}
    return Response(template_csv(), mimetype="text/csv", headers=headers)


@login_required
def register_one(course_id: int):
    course = _course(course_id)
    form = RegisterPersonForm()
    if form.validate_on_submit():
        registration = Registration(
            name=form.name.data.strip(),
            email=form.email.data,
            organisation=(form.organisation.data or "").strip(),
            organisation_kind=form.organisation_kind.data,
            position=(form.position.data or "").strip(),
            country=form.country.data,
            timezone=form.timezone.data or suggested_zone(form.country.data) or course.timezone,
            language=form.language.data,
            role=form.role.data,
            focal_point=form.focal_point.data,
        )
        try:
            outcome = register(course, registration, by=current_user)
        except RegistrationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            if outcome.created:
                flash(_("%(name)s is registered; an invitation is on its way.", name=outcome.user.name), "success")
            else:
                flash(
                    _("%(email)s already had an account: it is now enrolled in this course.", email=outcome.user.email),
                    "success",
                )
            return redirect(url_for("courses.roster", course_id=course.id))
    status = 422 if form.is_submitted() else 200
    organisations = search_organisations(limit=300)
    return render_template("courses/register.html", course=course, form=form, organisations=organisations), status


@login_required
def upload(course_id: int):
    course = _course(course_id)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            form.file.errors = [_("The file is larger than 2 MB. Split it into smaller files.")]
        else:
            pending = PendingImport(
                course_id=course.id,
                created_by_id=current_user.id,
                token=secrets.token_urlsafe(24),
                filename=(form.file.data.filename or "upload.csv")[:200],
                data=data,
            )
            db.session.add(pending)
            db.session.commit()
            return redirect(url_for("courses.confirm_import", course_id=course.id, token=pending.token))
    return render_template("courses/import.html", course=course, form=form), 422 if form.errors else 200


@login_required
def confirm_import(course_id: int, token: str):
    course = _course(course_id)
    pending = db.session.scalar(
        select(PendingImport).where(
            PendingImport.course_id == course.id,
            PendingImport.token == token,
            PendingImport.created_by_id == current_user.id,
        )
    ) or abort(404)
    preview = parse_registrations(pending.data, set(db.session.scalars(select(User.email))))
    registrations = [(row.line, _registration(row.values, course)) for row in preview.rows if row.values]
    reach_errors = _dry_run(course, registrations) if _scope() is not None and preview.ok else {}
    form = ConfirmForm()
    if form.validate_on_submit() and preview.ok and not reach_errors:
        try:
            outcomes = register_many(course, registrations, by=current_user)
        except RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.delete(pending)
            db.session.commit()
            created = sum(outcome.created for outcome in outcomes)
            flash(
                _(
                    "%(created)d people registered and invited, %(linked)d existing accounts enrolled.",
                    created=created,
                    linked=len(outcomes) - created,
                ),
                "success",
            )
            return redirect(url_for("courses.roster", course_id=course.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "courses/preview.html", course=course, preview=preview, pending=pending, form=form, reach_errors=reach_errors
    ), status


def _registration(values, course: Course) -> Registration:
    return Registration(
        values.name,
        values.email,
        values.organisation,
        values.organisation_kind or "other",
        values.position,
        values.country,
        values.timezone or course.timezone,
        values.language,
        values.role,
        values.focal_point,
    )


def _dry_run(course: Course, registrations: list[tuple[int, Registration]]) -> dict[int, str]:
    """What a scoped coordinator's confirmation would refuse, found by trying it and undoing it."""
    errors: dict[int, str] = {}
    savepoint = db.session.begin_nested()
    for line, registration in registrations:
        try:
            with db.session.begin_nested():
                register(course, registration, by=current_user)
        except RegistrationError as error:
            errors[line] = str(error)
    savepoint.rollback()
    return errors


@login_required
def resend(course_id: int, user_id: int):
    course = _course(course_id)
    user = _person_in_reach(course, user_id)
    if ConfirmForm().validate_on_submit():
        if user.joined_at is not None:
            flash(_("%(name)s has already joined.", name=user.name), "info")
        else:
            queue_invitation(user, course.title, course.id, current_user.name, course_language=course.language)
            db.session.commit()
            flash(
                _("A new invitation is on its way to %(email)s; earlier links no longer work.", email=user.email),
                "success",
            )
    return redirect(_back_url(course))


@login_required
def change_role(course_id: int, user_id: int):
    course = _course(course_id)
    user = _person_in_reach(course, user_id)
    form = RoleForm(role=course_role(user, course.id).value)
    if form.validate_on_submit() and form.role.data == EnrolmentRole.TRAINER and _scope() is not None:
        form.role.errors = [_("Trainers are assigned by the secretariat's coordinators.")]
    elif form.validate_on_submit():
        enrol(course, user, EnrolmentRole(form.role.data))
        db.session.commit()
        flash(_("%(name)s is now a %(role)s in this course.", name=user.name, role=_(form.role.data)), "success")
        return redirect(_back_url(course))
    return render_template(
        "courses/confirm.html", course=course, person=user, form=form, action="role", back=_back_url(course)
    )


@login_required
def remove(course_id: int, user_id: int):
    course = _course(course_id)
    user = _person_in_reach(course, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_from_course(course.id, user.id)
        db.session.commit()
        flash(_("%(name)s is no longer in this course. Their account stays.", name=user.name), "success")
        return redirect(_back_url(course))
    return render_template(
        "courses/confirm.html", course=course, person=user, form=form, action="remove", back=_back_url(course)
    )
