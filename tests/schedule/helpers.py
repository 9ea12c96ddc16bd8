from datetime import date, time

from trainer.courses.models import Course
from trainer.schedule.planning import SessionDraft
from trainer.schedule.services import save_session

CH = [
    "what-is-decentralized-cooperation",
    "why-dc-matters-for-the-global-agenda",
    "how-dc-works-in-practice",
    "designing-dc-with-the-sdgs",
    "who-we-work-with",
    "who-dc-is-for",
]


def make_session(course: Course, day: date, start=time(13), end=time(16), chapters=(), title="Day"):
    return save_session(course, SessionDraft(title, day, start, end, tuple(chapters)))
