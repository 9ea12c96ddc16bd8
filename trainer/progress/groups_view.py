"""What the dashboards need to know of breakout groups: their names and members (read only).

progress and groups are siblings under schedule; the dashboard reads group membership straight
from the table rather than importing the groups feature, which itself hooks into completion."""

from sqlalchemy import select

from trainer.extensions import db
from trainer.groups.models import BreakoutGroup, GroupMember


def list_groups(course_id: int) -> list[BreakoutGroup]:
    return list(
        db.session.scalars(
            select(BreakoutGroup)
            .where(BreakoutGroup.course_id == course_id)
            .order_by(BreakoutGroup.position, BreakoutGroup.id)
        )
    )


def group_members(course_id: int, group_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(GroupMember.user_id).where(GroupMember.course_id == course_id, GroupMember.group_id == group_id)
        )
    )
