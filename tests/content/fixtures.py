"""Small fixture modules, written to a temporary folder and changed one detail at a time."""

from pathlib import Path

MODULE_YML = """\
slug: {slug}
title: "A small module"
summary: A module for tests.
version: "1"
language: en
authors: ["Tests"]
sources: ["A source. <https://example.org/>"]
"""


def chapter_text(number: int, slug: str, body: str | None = None, extra_front: str = "") -> str:
    return f"""---
number: {number}
slug: {slug}
title: "Question {number}?"
short_title: "Q{number}"
summary: Chapter {number} of the small module.
study_minutes: 30
objectives:
  - Learn thing {number}.
key_terms:
  - term: Term {number}
    definition: What term {number} means.
sources:
  - "Source {number}. <https://example.org/{number}>"
{extra_front}---
{body if body is not None else default_body(number)}"""


def default_body(number: int) -> str:
    return f"""
## First part {{#first}}

Some text with a footnote.[^1]

| a | b |
|---|---|
| 1 | 2 |

:::tip
title: "Know-how: a tip"
---
Tip text.
:::

## Second part {{#second}}

:::exercise
id: ex-{number}
title: An exercise
mode: group
setting: live
minutes: 20
output: A list.
---
Do the exercise.
:::

## Third part {{#third}}

:::case-study
id: case-{number}
title: A case
place: Surabaya (Indonesia)
sdgs: [11, 17]
---
The story.
:::

[^1]: The footnote.
"""


def write_module(
    root: Path, slug: str = "small", chapters: dict[str, str] | None = None, module_yml: str | None = None
) -> Path:
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "module.yml").write_text(module_yml if module_yml is not None else MODULE_YML.format(slug=slug))
    if chapters is None:
        chapters = {"01-one.md": chapter_text(1, "one"), "02-two.md": chapter_text(2, "two")}
    for name, text in chapters.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
