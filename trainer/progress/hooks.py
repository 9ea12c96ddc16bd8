"""Progress shown where people read: the chapter page and the module page."""

from flask import Flask, g
from flask_babel import gettext as _

from trainer.extensions import db
from trainer.progress import study


def reader_progress(kind: str, module, chapter, user) -> dict:
    if not user.is_authenticated:
        return {}
    if kind == "module":
        return {"progress_by_chapter": study.reader_state(user.id, module.slug, list(module.chapters))}
    state = study.reader_state(user.id, module.slug, [chapter])[chapter.slug]
    if state.opened_at is None:
        # The first visit is recorded once; later views read only.
        study.record_opened(user.id, chapter)
        db.session.commit()
    # The page's forms carry only the CSRF token (chapter.html renders it): no form object needed.
    return {"progress": state, "individual_exercises": study.individual_exercises(chapter)}


def profile_certificates(user) -> dict:
    from trainer.progress.completion import trained_trainer

    return {"certificates": trained_trainer(user.id)}


def cell_labels() -> dict[str, str]:
    """The words of the progress matrix's cells (progress/_cells.html), translated once per request:
    a dashboard page draws 450 cells, and translating each cell's label again cost a fifth of the page."""
    if "progress_cell_labels" not in g:
        from trainer.progress.models import AttendanceStatus

        g.progress_cell_labels = {
            "done": _("done"),
            "in_progress": _("in progress"),
            "not_started": _("not started"),
            "not_recorded": _("not recorded"),
            **{status.value: status.label for status in AttendanceStatus},
        }
    return g.progress_cell_labels


def init_app(app: Flask) -> None:
    app.jinja_env.globals["progress_cell_labels"] = cell_labels
    for key, hook in (("content.reader_hooks", reader_progress), ("accounts.profile_hooks", profile_certificates)):
        hooks = app.extensions.setdefault(key, [])
        if hook not in hooks:
            hooks.append(hook)
