from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from trainer.content.loader import load_modules
from trainer.content.models import ContentInvalid, Module
from trainer.content.versions import record_versions
from trainer.extensions import db

content_cli = AppGroup("content", help="Course modules (Markdown).")

WORDS = (1200, 2500)
SECTIONS = (3, 6)


def module_warnings(module: Module) -> list[str]:
    """What the authoring guide asks for but a module may still be served without."""
    warnings = []
    for chapter in module.chapters:
        where = f"{chapter.source_path}"
        if not WORDS[0] <= chapter.word_count <= WORDS[1]:
            warnings.append(f"{where}: {chapter.word_count} words (the guide asks for {WORDS[0]}-{WORDS[1]})")
        if not SECTIONS[0] <= len(chapter.sections) <= SECTIONS[1]:
            warnings.append(
                f"{where}: {len(chapter.sections)} sections (the guide asks for {SECTIONS[0]}-{SECTIONS[1]})"
            )
        if not chapter.exercises:
            warnings.append(f"{where}: no exercise")
        if not chapter.case_studies:
            warnings.append(f"{where}: no case study")
        if chapter.notes_html is None:
            warnings.append(f"{where}: no trainer notes")
    return warnings


@content_cli.command("check")
@click.option(
    "--modules-dir", type=click.Path(path_type=Path), default=None, help="The folder to check (default: MODULES_DIR)."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(modules_dir: Path | None, strict: bool) -> None:
    """Validate every module; exit non-zero on errors, naming file and line."""
    root = modules_dir or Path(current_app.config["MODULES_DIR"])
    try:
        modules = load_modules(root)
    except ContentInvalid as invalid:
        for error in invalid.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(invalid.errors)} error(s) in {root}") from None
    warnings = []
    for module in modules.values():
        click.echo(
            f"{module.slug}: {module.title} ({len(module.chapters)} chapters, "
            f"about {module.study_minutes} min of self-study)"
        )
        for chapter in module.chapters:
            click.echo(
                f"  {chapter.number}. {chapter.short_title}: {chapter.word_count} words, "
                f"{len(chapter.sections)} sections, {len(chapter.exercises)} exercises, "
                f"{len(chapter.case_studies)} case studies, version {chapter.version}"
            )
        warnings.extend(module_warnings(module))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if strict and warnings:
        raise click.ClickException(f"{len(warnings)} warning(s) with --strict")
    click.echo("OK")


@content_cli.command("record-versions")
def record_versions_command() -> None:
    """Record each chapter's current version, so its "last changed" date is the deploy date."""
    from trainer.content.registry import get_registry

    chapters = [c for module in get_registry().modules().values() for c in module.chapters]
    new = record_versions(chapters)
    db.session.commit()
    click.echo(f"{new} new chapter version(s) recorded.")
