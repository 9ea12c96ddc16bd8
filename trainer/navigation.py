"""The header: the reader's role label and the main navigation that fits it.

Items name endpoints as strings, so this module imports no feature.
"""

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.courses.models import EnrolmentRole
from trainer.permissions import course_roles

ROLE_LABELS = {
    "coordinator": _l("Coordinator"),
    "association_coordinator": _l("Association coordinator"),
    EnrolmentRole.TRAINER: _l("Trainer"),
    EnrolmentRole.PARTICIPANT: _l("Participant"),
}

# (label, endpoint, who sees it: "coordinator", "trainer", "participant" or "all")
MAIN_NAV: list[tuple[str, str, str]] = [
    (_l("Course material"), "content.index", "all"),
    (_l("Organisations"), "accounts.organisations", "coordinator"),
    (_l("Progress"), "progress.overview", "coordinator"),
    (_l("Reach"), "cascade.reach", "coordinator"),
    (_l("Case library"), "library.index", "enrolled"),
    (_l("Calendar"), "schedule.my_calendar", "all"),
    (_l("Profile"), "accounts.profile", "all"),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def current_roles() -> set[str]:
    """The reader's roles: 'coordinator' and/or the roles they hold in any course."""
    roles: set[str] = {role for role, _ in course_roles(current_user)}
    if current_user.is_authenticated and current_user.is_coordinator:
        roles.add("coordinator" if current_user.coordinator_scope_id is None else "association_coordinator")
    return roles


def current_role_label() -> str:
    roles = current_roles()
    for role in ("coordinator", "association_coordinator", EnrolmentRole.TRAINER, EnrolmentRole.PARTICIPANT):
        if role in roles:
            return str(ROLE_LABELS[role])
    return ""


def main_nav_items() -> list[NavItem]:
    roles = current_roles()
    items = []
    for label, endpoint, audience in MAIN_NAV:
        enrolled = bool(roles & {"coordinator", EnrolmentRole.TRAINER, EnrolmentRole.PARTICIPANT})
        if audience == "all" or audience in roles or (audience == "enrolled" and enrolled):
            items.append(NavItem(str(label), url_for(endpoint), request.endpoint == endpoint))
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_role_label=current_role_label,
        main_nav_items=main_nav_items,
        current_locale_code=lambda: str(get_locale() or "en"),
    )
