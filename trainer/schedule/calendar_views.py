"""Calendar downloads and subscriptions: the course .ics, the personal feed and its page."""

import hashlib

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from trainer.courses.services import get_course, list_courses_of
from trainer.extensions import db
from trainer.links import absolute_url
from trainer.permissions import require_course_view
from trainer.schedule.calendars import (
    course_calendar,
    feed_token,
    person_calendar,
    reset_feed_token,
    user_for_feed_token,
)

ICS = "text/calendar; charset=utf-8"


def _conditional(body: bytes, stamp, filename: str | None = None) -> Response:
    """ETag and Last-Modified, so a calendar client that has this version gets a 304."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = stamp
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


@login_required
def course_ics(course_id: int):
    course = get_course(course_id) or abort(404)
    require_course_view(course)
    body, stamp = course_calendar(course)
    return _conditional(body, stamp, f"course-{course.id}.ics")


def feed(token: str):
    """The private subscription feed: no sign-in (calendar apps cannot), the token is the key."""
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    body, stamp = person_calendar(user)
    return _conditional(body, stamp)


class ResetForm(FlaskForm):
    pass


@login_required
def my_calendar():
    form = ResetForm()
    if form.validate_on_submit():
        reset_feed_token(current_user)
        db.session.commit()
        flash(
            _("You have a new calendar link. The old one no longer works: subscribe again with the new one."), "success"
        )
        return redirect(url_for("schedule.my_calendar"))
    token = feed_token(current_user)
    db.session.commit()
    https = absolute_url("schedule.feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    courses = [course for course, _role in list_courses_of(current_user)]
    return render_template("schedule/calendar.html", https=https, webcal=webcal, courses=courses, form=form)
