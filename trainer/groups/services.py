"""Breakout groups and their members. Services flush; the caller commits."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from trainer.accounts.models import Organisation, User
from trainer.collation import name_key
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.extensions import db
from trainer.groups.forming import Member, form_groups
from trainer.groups.models import BreakoutGroup, GroupMember, Submission


class GroupError(ValueError):
    """A change to groups that cannot be made; the message is for the trainer."""


@dataclass
class GroupView:
    group: BreakoutGroup
    members: list[tuple[User, Organisation | None]] = field(default_factory=list)


def list_groups(course_id: int) -> tuple[list[GroupView], list[tuple[User, Organisation | None]]]:
    """The course's groups with their members, and the participants in no group: two queries."""
    groups = {
        g.id: GroupView(g)
        for g in db.session.scalars(
            select(BreakoutGroup)
            .where(BreakoutGroup.course_id == course_id)
            .order_by(BreakoutGroup.position, BreakoutGroup.id)
        )
    }
    ungrouped = []
    rows = db.session.execute(
        select(User, Organisation, GroupMember.group_id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(GroupMember, (GroupMember.user_id == User.id) & (GroupMember.course_id == course_id))
        .where(Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT)
        .order_by(User.name, User.id)
    )
    for user, organisation, group_id in rows:
        (groups[group_id].members if group_id in groups else ungrouped).append((user, organisation))
    for view in groups.values():
        view.members.sort(key=lambda member: name_key(member[0].name))
    ungrouped.sort(key=lambda member: name_key(member[0].name))
    return list(groups.values()), ungrouped


def get_group(course_id: int, group_id: int) -> BreakoutGroup | None:
    return db.session.scalar(
        select(BreakoutGroup).where(BreakoutGroup.course_id == course_id, BreakoutGroup.id == group_id)
    )


def group_of(course_id: int, user_id: int) -> BreakoutGroup | None:
    return db.session.scalar(
        select(BreakoutGroup)
        .join(GroupMember, GroupMember.group_id == BreakoutGroup.id)
        .where(GroupMember.course_id == course_id, GroupMember.user_id == user_id)
    )


def member_ids(group_id: int) -> list[int]:
    return list(db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group_id)))


def create_group(course: Course, name: str) -> BreakoutGroup:
    position = db.session.scalar(select(func.count(BreakoutGroup.id)).where(BreakoutGroup.course_id == course.id))
    group = BreakoutGroup(course_id=course.id, name=name.strip(), position=position or 0)
    db.session.add(group)
    db.session.flush()
    return group


def _has_work(course_id: int) -> bool:
    return (
        db.session.scalar(
            select(func.count(Submission.id))
            .join(BreakoutGroup, BreakoutGroup.id == Submission.group_id)
            .where(BreakoutGroup.course_id == course_id, Submission.version > 0)
        )
        > 0
    )


def auto_form(course: Course, *, groups: int | None = None, size: int | None = None, seed: int = 0) -> list:
    """Replace the course's groups with balanced ones (countries and organisations mixed).

    :raise GroupError: when groups already hold submitted work (move people by hand instead).
    """
    if _has_work(course.id):
        raise GroupError(_("The groups already have submitted work: move people by hand instead."))
    views, ungrouped = list_groups(course.id)
    people = [member for view in views for member in view.members] + ungrouped
    members = [Member(u.id, u.name, u.country, o.name if o else None, u.email) for u, o in people]
    try:
        formed = form_groups(members, groups=groups, size=size, seed=seed)
    except ValueError as error:
        raise GroupError(str(error)) from error
    db.session.execute(delete(GroupMember).where(GroupMember.course_id == course.id))
    db.session.execute(delete(BreakoutGroup).where(BreakoutGroup.course_id == course.id))
    created = []
    for number, group_members in enumerate(formed, start=1):
        group = BreakoutGroup(course_id=course.id, name=_("Group %(n)d", n=number), position=number)
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMember(course_id=course.id, group_id=group.id, user_id=m.id) for m in group_members)
        created.append(group)
    db.session.flush()
    return created


def move(course: Course, user_id: int, group_id: int | None) -> None:
    """Put a participant in a group (or in none)."""
    db.session.execute(delete(GroupMember).where(GroupMember.course_id == course.id, GroupMember.user_id == user_id))
    if group_id is not None:
        if get_group(course.id, group_id) is None:
            raise GroupError(_("That group does not exist in this course."))
        db.session.add(GroupMember(course_id=course.id, group_id=group_id, user_id=user_id))
    db.session.flush()


def rename(group: BreakoutGroup, name: str) -> None:
    group.name = name.strip()
    db.session.flush()


def zoom_rows(course_id: int) -> list[tuple[str, list[Member]]]:
    views, _ungrouped = list_groups(course_id)
    return [
        (view.group.name, [Member(u.id, u.name, u.country, o.name if o else None, u.email) for u, o in view.members])
        for view in views
    ]
