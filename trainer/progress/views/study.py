"""A reader marks sections as studied and answers individual exercises (with or without JavaScript)."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from trainer.content.registry import get_registry
from trainer.extensions import db
from trainer.progress import study


class MarkForm(FlaskForm):
    """Only the CSRF token: the section and the new state are in the URL and a field."""


def _chapter(module_slug: str, chapter_slug: str):
    module = get_registry().module(module_slug) or abort(404)
    return module.chapter(chapter_slug) or abort(404)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@login_required
def mark_section(module_slug: str, chapter_slug: str, section_id: str):
    chapter = _chapter(module_slug, chapter_slug)
    if section_id not in {section.id for section in chapter.sections}:
        abort(404)
    if MarkForm().validate_on_submit():
        study.mark_section(current_user.id, chapter, section_id, request.form.get("done") == "1")
        db.session.commit()
    state = study.reader_state(current_user.id, module_slug, [chapter])[chapter.slug]
    if _wants_json():
        return jsonify(done=section_id in state.sections, percent=state.percent, complete=state.complete)
    return redirect(url_for("content.chapter", module_slug=module_slug, chapter_slug=chapter_slug) + f"#{section_id}")


@login_required
def answer(module_slug: str, chapter_slug: str, exercise_id: str):
    chapter = _chapter(module_slug, chapter_slug)
    if exercise_id not in {e.id for e in study.individual_exercises(chapter)}:
        abort(404)
    if MarkForm().validate_on_submit():
        text = request.form.get("answer", "")
        if len(text) > study.MAX_ANSWER:
            flash(_("Answers are limited to %(n)d characters; yours was shortened.", n=study.MAX_ANSWER), "error")
        study.save_answer(current_user.id, chapter, exercise_id, text)
        db.session.commit()
        flash(_("Your answer is saved."), "success")
    return redirect(
        url_for("content.chapter", module_slug=module_slug, chapter_slug=chapter_slug) + f"#answer-{exercise_id}"
    )
