"""Plain builders for test data. They flush, never commit: the test decides."""

from itertools import count

from trainer.accounts.models import User
from trainer.accounts.services import create_user
from trainer.courses.models import Course, CourseStatus, Enrolment, EnrolmentRole
from trainer.courses.services import create_course, enrol, update_course

PASSWORD = "correct horse battery"
_numbers = count(1)


def make_user(**overrides) -> User:
    n = next(_numbers)
    values = {
        "email": f"person{n}@example.org",
        "name": f"Person {n}",
        "password": PASSWORD,
        "timezone": "Asia/Jakarta",
        "country": "ID",
    }
    values.update(overrides)
    email, name = values.pop("email"), values.pop("name")
    return create_user(email, name, **values)


def make_coordinator(**overrides) -> User:
    return make_user(is_coordinator=True, **overrides)


def make_course(**overrides) -> Course:
    n = next(_numbers)
    values = {
        "title": f"Course {n}",
        "module_slug": "module-4",
        "timezone": "Asia/Jakarta",
        "status": CourseStatus.RUNNING,
    }
    values.update(overrides)
    title, module_slug, timezone = values.pop("title"), values.pop("module_slug"), values.pop("timezone")
    created = {key: values.pop(key) for key in ("description", "status", "contact_email") if key in values}
    return update_course(create_course(title, module_slug, timezone, **created), **values)


def make_enrolment(
    course: Course | None = None, user: User | None = None, role: EnrolmentRole = EnrolmentRole.PARTICIPANT
) -> Enrolment:
    return enrol(course or make_course(), user or make_user(), role)


def make_participant(course: Course, **overrides) -> User:
    user = make_user(**overrides)
    enrol(course, user, EnrolmentRole.PARTICIPANT)
    return user


def make_trainer(course: Course, **overrides) -> User:
    user = make_user(**overrides)
    enrol(course, user, EnrolmentRole.TRAINER)
    return user
