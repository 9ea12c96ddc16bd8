import re

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from trainer.compression import gzip_large_html
from trainer.content.models import Chapter, Module
from trainer.content.registry import get_registry
from trainer.content.versions import chapter_changed_at
from trainer.extensions import db
from trainer.permissions import can_see_trainer_notes

bp = Blueprint("content", __name__, url_prefix="/modules", template_folder="templates")
bp.after_request(gzip_large_html)  # the printable module is the one page over 100 KB without it


_ID_ATTRIBUTE = re.compile(r'(?<![\w-])(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]*)"')
_FRAGMENT_LINK = re.compile(r'(?<![\w-])href="#([^"]+)"')


@bp.app_template_filter("scope_ids")
def scope_ids(html: str, scope: str) -> Markup:
    """Prefixes every id in `html`, and the links and references to them, with `scope`: six
    chapters on one page (the printable module) would otherwise repeat ids such as "summary"."""
    html = str(escape(html))  # markup (a rendered block) passes through; plain text is escaped
    html = _ID_ATTRIBUTE.sub(lambda m: f'{m[1]}="' + " ".join(f"{scope}--{i}" for i in m[2].split()) + '"', html)
    scoped = _FRAGMENT_LINK.sub(lambda m: f'href="#{scope}--{m[1]}"', html)
    return Markup(scoped)  # nosec B704 # escaped above; scope is a chapter slug, checked by the loader


def _module_or_404(slug: str) -> Module:
    module = get_registry().module(slug)
    if module is None:
        abort(404)
    return module


# Rendered chapter bodies by (module, chapter, version, locale, with notes): the same for
# every reader, so each process renders one once. Bounded: a few chapters × languages.
_bodies: dict[tuple, Markup] = {}
_MAX_BODIES = 512


def _chapter_body(module: Module, chapter: Chapter, show_notes: bool) -> Markup:
    key = (module.slug, chapter.slug, chapter.version, str(get_locale()), show_notes)
    body = _bodies.get(key)
    if body is None:
        if len(_bodies) >= _MAX_BODIES:
            _bodies.clear()
        previous, following = (
            module.chapter_in(c.slug, reader_language())[0] if c else None for c in module.neighbours(chapter)
        )
        body = Markup(  # nosec B704 # an autoescaped template's output, already safe HTML
            render_template(
                "content/_chapter_body.html",
                chapter_language=_chapter_language(module, chapter),
                module=module,
                chapter=chapter,
                previous=previous,
                following=following,
                show_notes=show_notes,
            )
        )
        _bodies[key] = body
    return body


def _chapter_language(module: Module, chapter: Chapter) -> str:
    for language, chapters in module.translations.items():
        if chapters.get(chapter.slug) is chapter:
            return language
    return module.language


@bp.get("/")
@login_required
def index():
    modules = list(get_registry().modules().values())
    return render_template("content/index.html", modules=modules, language=reader_language())


def reader_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def localized_chapters(module: Module) -> list[Chapter]:
    """The module's chapters in the reader's language where they exist."""
    return [module.chapter_in(chapter.slug, reader_language())[0] for chapter in module.chapters]


def reader_extras(kind: str, module: Module, chapter: Chapter | None = None) -> dict:
    """What features above content add for this reader (progress…), via hooks they register,
    so that content imports none of them."""
    extras: dict = {}
    for hook in current_app.extensions.get("content.reader_hooks", []):
        extras.update(hook(kind, module, chapter, current_user) or {})
    return extras


@bp.get("/<module_slug>/")
@login_required
def module(module_slug: str):
    module = _module_or_404(module_slug)
    return render_template(
        "content/module.html",
        module=module,
        chapters=localized_chapters(module),
        language=reader_language(),
        **reader_extras("module", module),
    )


@bp.get("/<module_slug>/<chapter_slug>")
@login_required
def chapter(module_slug: str, chapter_slug: str):
    module = _module_or_404(module_slug)
    original = module.chapter(chapter_slug)
    if original is None:
        abort(404)
    chapter, fell_back = module.chapter_in(chapter_slug, reader_language())
    changed_at, recorded = chapter_changed_at(chapter)
    if recorded:
        db.session.commit()
    show_notes = can_see_trainer_notes(current_user, module.slug)
    # Progress is per chapter whatever the language read: hooks get the original.
    extras = reader_extras("chapter", module, original)
    return render_template(
        "content/chapter.html",
        module=module,
        chapter=chapter,
        changed_at=changed_at,
        body=_chapter_body(module, chapter, show_notes),
        fell_back=fell_back,
        language=reader_language(),
        **extras,
    )


@bp.get("/<module_slug>/print")
@login_required
def print_module(module_slug: str):
    module = _module_or_404(module_slug)
    with_notes = request.args.get("notes") == "1" and can_see_trainer_notes(current_user, module.slug)
    return render_template(
        "content/print.html",
        module=module,
        chapters=localized_chapters(module),
        language=reader_language(),
        with_notes=with_notes,
    )


def render_invalid_content(invalid):
    """In development the errors show on the page; production never starts with them."""
    if not (current_app.debug or current_app.testing):
        raise invalid
    return render_template("content/invalid.html", errors=invalid.errors), 503
