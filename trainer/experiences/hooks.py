"""Library cases shown on a chapter page, through content's reader hooks (content imports no feature)."""

from flask import Flask

from trainer.experiences import cases
from trainer.experiences.forms import COOPERATION_KIND_NAMES
from trainer.permissions import course_roles


def chapter_cases_hook(kind: str, module, chapter, user) -> dict:
    """The library cases attached to this chapter in the reader's courses of this module.

    Include "experiences/_chapter_cases.html" in the chapter template to show them.
    """
    if kind != "chapter" or chapter is None or not user.is_authenticated:
        return {}
    # The header already loaded the reader's (role, module) pairs for this request: someone in no
    # course of this module costs the chapter page no query.
    if not any(module_slug == module.slug for _role, module_slug in course_roles(user)):
        return {}
    return {
        "library_cases": cases.cases_for_reader(user.id, module.slug, chapter.slug),
        "cooperation_kind_names": COOPERATION_KIND_NAMES,
    }


def init_app(app: Flask) -> None:
    hooks = app.extensions.setdefault("content.reader_hooks", [])
    if chapter_cases_hook not in hooks:
        hooks.append(chapter_cases_hook)
