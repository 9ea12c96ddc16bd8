"""Group work's part in the completion rule."""

from flask import Flask

from trainer.groups.work import missing_group_work
from trainer.progress.completion import group_work_checks


def init_app(app: Flask) -> None:
    if missing_group_work not in group_work_checks:
        group_work_checks.append(missing_group_work)
