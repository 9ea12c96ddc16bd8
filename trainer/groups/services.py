"""Breakout groups and their members. Services flush; the caller commits."""

from dataclasses import dataclass, field
from functools import cached_property

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
    groups = {g.id: GroupView(g) for g in _list(course_id)}
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


NO_GROUP = "none"  # the groups page's filter for the people in no group


@dataclass(frozen=True)
class Person:
    """A participant as the groups page lists them: plain values, read in one light statement."""

    id: int
    name: str
    country: str | None
    timezone: str | None
    organisation: str | None
    group_id: int | None  # None: in no group


@dataclass(frozen=True)
class GroupSummary:
    """A group and its make-up, counted over all its members."""

    group: BreakoutGroup
    size: int
    countries: int
    organisations: int


@dataclass(frozen=True)
class Overview:
    """What the trainer's groups page shows: every group with its counts, and the people the filter
    keeps, in group order (then by name), the people in no group last."""

    groups: list[GroupSummary]
    participants: int  # everyone, whatever the filter
    ungrouped: int
    people: list[Person]
    shown: BreakoutGroup | None  # the group the list is filtered to, if any
    only: int | str | None  # the filter in effect: shown's id, NO_GROUP, or None for everyone

    @cached_property
    def names(self) -> dict[int, str]:
        return {summary.group.id: summary.group.name for summary in self.groups}


def _people(course_id: int, group_id: int | None = None) -> list[Person]:
    query = (
        select(User.id, User.name, User.country, User.timezone, Organisation.name, GroupMember.group_id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(GroupMember, (GroupMember.user_id == User.id) & (GroupMember.course_id == course_id))
        .where(Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT)
    )
    if group_id is not None:
        query = query.where(GroupMember.group_id == group_id)
    return [Person(*row) for row in db.session.execute(query)]


def _list(course_id: int) -> list[BreakoutGroup]:
    return list(
        db.session.scalars(
            select(BreakoutGroup)
            .where(BreakoutGroup.course_id == course_id)
            .order_by(BreakoutGroup.position, BreakoutGroup.id)
        )
    )


def overview(course_id: int, only: int | str | None = None) -> Overview:
    """Groups and people for the trainer's page, in two statements whatever the course's size.

    `only` keeps the members of one group (its id) or the people in no group (`NO_GROUP`); anything
    else (None, an id of no group of this course) keeps everyone. Counts are over everyone.
    """
    groups = _list(course_id)
    order = {group.id: number for number, group in enumerate(groups)}
    people = _people(course_id)
    # Ordered by id first so that equal names keep one order from page to page.
    people.sort(key=lambda person: person.id)
    people.sort(key=lambda person: (order.get(person.group_id, len(order)), name_key(person.name)))
    members: dict[int, list[Person]] = {group.id: [] for group in groups}
    for person in people:
        if person.group_id in members:
            members[person.group_id].append(person)
    summaries = [
        GroupSummary(
            group,
            len(members[group.id]),
            len({p.country for p in members[group.id] if p.country}),
            len({p.organisation for p in members[group.id] if p.organisation}),
        )
        for group in groups
    ]
    ungrouped = [person for person in people if person.group_id not in members]
    shown = next((group for group in groups if group.id == only), None)
    if shown is not None:
        kept, only = members[shown.id], shown.id
    elif only == NO_GROUP:
        kept = ungrouped
    else:
        kept, only = people, None
    return Overview(summaries, len(people), len(ungrouped), kept, shown, only)


def group_people(course_id: int, group_id: int) -> list[Person]:
    """One group's members by name (what a participant sees of their group)."""
    people = _people(course_id, group_id)
    people.sort(key=lambda person: (name_key(person.name), person.id))
    return people


def participant_ids(course_id: int, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` who take part in the course (trainers and outsiders are left out)."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.course_id == course_id,
                Enrolment.role == EnrolmentRole.PARTICIPANT,
                Enrolment.user_id.in_(user_ids),
            )
        )
    )


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
    move_people(course, [user_id], group_id)


def move_people(course: Course, user_ids: list[int], group_id: int | None) -> BreakoutGroup | None:
    """Put these participants in a group (or in none) and return it; the caller checked that they take part.

    :raise GroupError: when the group is not one of the course's (nobody is moved).
    """
    group = get_group(course.id, group_id) if group_id is not None else None
    if group_id is not None and group is None:
        raise GroupError(_("That group does not exist in this course."))
    user_ids = list(dict.fromkeys(user_ids))
    db.session.execute(delete(GroupMember).where(GroupMember.course_id == course.id, GroupMember.user_id.in_(user_ids)))
    if group_id is not None:
        db.session.add_all(GroupMember(course_id=course.id, group_id=group_id, user_id=uid) for uid in user_ids)
    db.session.flush()
    return group


def rename(group: BreakoutGroup, name: str) -> None:
    group.name = name.strip()
    db.session.flush()


def zoom_rows(course_id: int) -> list[tuple[str, list[Member]]]:
    views, _ungrouped = list_groups(course_id)
    return [
        (view.group.name, [Member(u.id, u.name, u.country, o.name if o else None, u.email) for u, o in view.members])
        for view in views
    ]
