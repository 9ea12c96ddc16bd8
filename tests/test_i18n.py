"""Every string shown to people is marked for translation, and the catalogs are complete."""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "trainer").glob("**/templates/**/*.html")) + sorted(
    (ROOT / "trainer").glob("**/templates/**/*.txt")
)

# Words that are the same in every language: product names, formats, codes.
NOT_WORDS = {
    "trainer",
    "Zoom",
    "Google",
    "Calendar",
    "Outlook",
    "Apple",
    "CSV",
    "PDF",
    "ics",
    "https",
    "webcal",
    "SDGs",
    "English",
    "Bahasa",
    "Indonesia",
    "min",
    "KB",
    "MB",
    "Ch",
    "SVG",
    "iPhone",
    "iPad",
    "Mac",
    "Windows",
    "Outlook.com",
}
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
TAGS = re.compile(r"<[^>]*>", re.DOTALL)
ENTITIES = re.compile(r"&[a-z#0-9]+;")
WORD = re.compile(r"[^\W\d_][^\W\d_'’-]+", re.UNICODE)
ATTRIBUTE = re.compile(r'\b(aria-label|title|placeholder|alt)="([^"]*)"')


def visible_words(source: str) -> list[str]:
    text = ENTITIES.sub(" ", TAGS.sub(" ", JINJA.sub(" ", source)))
    return [w for w in WORD.findall(text) if w not in NOT_WORDS and not w.startswith(("http", "www"))]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(template):
    source = template.read_text(encoding="utf-8")
    assert visible_words(source) == [], f"{template}: text outside _() or {{% trans %}}"
    for name, value in ATTRIBUTE.findall(source):
        assert not WORD.search(JINJA.sub("", value)) or "{{" in value, f'{template}: {name}="{value}" untranslated'


# Calls whose message reaches people, with the message's position (None: keyword only): a bare
# string literal there is untranslated.
SINKS = {
    "flash": 0,
    "ValidationError": 0,
    "RegistrationError": 0,
    "WorkError": 0,
    "GroupError": 0,
    "AccountError": 0,
    "ZoomReportError": 0,
    "FormingError": 0,
    "DataRequired": 0,
    "Email": 0,
    "FileRequired": 0,
    "EqualTo": 1,
    "Regexp": 1,
    "Length": None,
    "NumberRange": None,
}
MESSAGE_KEYWORDS = {"message"}


def untranslated_calls(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in SINKS:
            continue
        position = SINKS[name]
        positional = [node.args[position]] if position is not None and len(node.args) > position else []
        arguments = positional + [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
        for argument in arguments:
            if isinstance(argument, ast.Constant | ast.JoinedStr) and (
                not isinstance(argument, ast.Constant) or isinstance(argument.value, str)
            ):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(…)")
    return problems


def test_messages_in_python_are_marked_for_translation():
    problems = []
    for path in sorted((ROOT / "trainer").glob("**/*.py")):
        if path.name != "cli.py":  # command-line output is for administrators, in English
            problems += untranslated_calls(path)
    assert problems == []


def test_the_checker_catches_what_it_should(tmp_path):
    assert visible_words("<p>{{ _('Hello') }}</p>") == []
    assert visible_words("<p>Hello {{ name }}</p>") == ["Hello"]
    sample = tmp_path / "x.py"
    sample.write_text('flash("Saved.")\nflash(_("Saved."))\nraise ValidationError(f"Bad {x}")\n')
    assert len(untranslated_calls_relative(sample)) == 2


def untranslated_calls_relative(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in SINKS:
            if node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
                problems.append(node.lineno)
    return problems


CATALOGS = sorted((ROOT / "trainer" / "translations").glob("*/LC_MESSAGES/messages.po"))


def test_there_is_a_catalog_for_every_configured_language(app):
    languages = {path.parts[-3] for path in CATALOGS}
    assert languages == set(app.config["LANGUAGES"]) - {"en"}


@pytest.mark.parametrize("catalog_path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalogs_translate_everything_english_has(catalog_path):
    with (ROOT / "trainer" / "translations" / "messages.pot").open("rb") as source:
        template = read_po(source)
    with catalog_path.open("rb") as source:
        catalog = read_po(source)
    missing = [m.id for m in template if m.id and (catalog.get(m.id) is None or not _translated(catalog.get(m.id)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == [], f"{len(missing)} missing, {len(fuzzy)} fuzzy: {missing[:5]}"


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)
