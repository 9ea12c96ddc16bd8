import pytest

from tests.content.fixtures import chapter_text, default_body, write_module
from trainer.content.loader import load_module, load_modules
from trainer.content.models import CaseStudy, ContentInvalid, Exercise, HtmlPart, Tip


def errors_of(folder):
    with pytest.raises(ContentInvalid) as caught:
        load_module(folder)
    return [(error.path.name, error.line, error.message) for error in caught.value.errors]


def test_a_valid_module_loads_into_chapters_parts_and_blocks(tmp_path):
    module = load_module(write_module(tmp_path))
    assert module.slug == "small" and [c.slug for c in module.chapters] == ["one", "two"]
    one = module.chapters[0]
    assert [s.id for s in one.sections] == ["first", "second", "third"]
    kinds = [type(part) for part in one.parts]
    assert kinds == [HtmlPart, Tip, HtmlPart, Exercise, HtmlPart, CaseStudy, HtmlPart]
    exercise = one.exercises[0]
    assert (exercise.id, exercise.mode, exercise.setting, exercise.minutes) == ("ex-1", "group", "live", 20)
    assert one.case_studies[0].sdgs == (11, 17)
    html = " ".join(part.html for part in one.parts)
    assert "<table>" in html
    assert 'id="c1-fn-1"' in html  # footnotes, with ids unique across the module
    assert 'id="first"' in html and 'class="headerlink"' in html
    assert module.exercise("ex-2").chapter_slug == "two"
    assert module.neighbours(one) == (None, module.chapters[1])


def test_chapter_version_changes_when_its_text_changes(tmp_path):
    folder = write_module(tmp_path)
    before = load_module(folder).chapters[0].version
    (folder / "01-one.md").write_text(chapter_text(1, "one", default_body(1) + "\nMore text.\n"))
    after = load_module(folder)
    assert after.chapters[0].version != before
    assert after.chapters[1].version == load_module(folder).chapters[1].version


def test_links_between_chapters_become_page_links(tmp_path):
    body = default_body(1) + "\nSee [part two](02-two.md#second) and [chapter two](02-two.md).\n"
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one", body), "02-two.md": chapter_text(2, "two")}
    )
    html = " ".join(p.html for p in load_module(folder).chapters[0].parts)
    assert 'href="two#second"' in html and 'href="two"' in html


def test_missing_chapter_number(tmp_path):
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one"), "03-three.md": chapter_text(3, "three")}
    )
    assert ("03-three.md", 2, "chapter number(s) 2 missing before chapter 3") in errors_of(folder)


def test_duplicate_chapter_number(tmp_path):
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one"), "01-uno.md": chapter_text(1, "uno", default_body(9))}
    )
    assert ("01-uno.md", 2, "chapter number 1 is also used by 01-one.md") in errors_of(folder)


def test_duplicate_slug(tmp_path):
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one"), "02-one.md": chapter_text(2, "one", default_body(2))}
    )
    assert ("02-one.md", 3, "slug 'one' is also used by 01-one.md") in errors_of(folder)


def test_duplicate_exercise_id_across_chapters(tmp_path):
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one"), "02-two.md": chapter_text(2, "two", default_body(1))}
    )
    errors = errors_of(folder)
    assert any(
        name == "02-two.md" and "id 'ex-1' is already used in 01-one.md" in message for name, _, message in errors
    )


def test_unknown_front_matter_key_names_its_line(tmp_path):
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", extra_front="colour: blue\n")})
    assert ("01-one.md", 15, "the front matter has an unknown key 'colour'") in errors_of(folder)


def test_missing_front_matter_key(tmp_path):
    text = chapter_text(1, "one").replace("study_minutes: 30\n", "")
    folder = write_module(tmp_path, chapters={"01-one.md": text})
    assert ("01-one.md", 1, "the front matter is missing the key 'study_minutes'") in errors_of(folder)


def test_invalid_yaml_names_its_line(tmp_path):
    text = chapter_text(1, "one").replace("summary: Chapter 1", "summary: [unclosed")
    folder = write_module(tmp_path, chapters={"01-one.md": text})
    errors = errors_of(folder)
    assert errors[0][0] == "01-one.md" and errors[0][2].startswith("invalid YAML")
    assert 6 <= errors[0][1] <= 8


def test_broken_link_to_a_missing_chapter_and_a_missing_anchor(tmp_path):
    body = default_body(1) + "\nSee [nothing](05-nothing.md) and [a gap](02-two.md#nowhere).\n"
    folder = write_module(
        tmp_path, chapters={"01-one.md": chapter_text(1, "one", body), "02-two.md": chapter_text(2, "two")}
    )
    errors = errors_of(folder)
    line = (
        chapter_text(1, "one", body).split("\n").index("See [nothing](05-nothing.md) and [a gap](02-two.md#nowhere).")
        + 1
    )
    assert ("01-one.md", line, "link to '05-nothing.md', which is not a chapter of this module") in errors
    assert ("01-one.md", line, "link to '02-two.md#nowhere': that chapter has no 'nowhere'") in errors


def test_empty_section(tmp_path):
    body = "\n## Empty {#empty}\n\n## Full {#full}\n\nText.\n"
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})
    assert ("01-one.md", 17, "this section is empty") in errors_of(folder)


def test_empty_last_section(tmp_path):
    body = "\n## Full {#full}\n\nText.\n\n## Empty at the end {#end}\n"
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})
    assert ("01-one.md", 21, "this section is empty") in errors_of(folder)


def test_duplicate_section_id(tmp_path):
    body = "\n## One {#same}\n\nText.\n\n## Two {#same}\n\nText.\n"
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})
    assert ("01-one.md", 21, "section id 'same' is already used on line 17") in errors_of(folder)


def test_h1_heading_is_refused(tmp_path):
    body = "\n# A title\n\n## Part {#part}\n\nText.\n"
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})
    assert (
        "01-one.md",
        17,
        "no '#' heading in a chapter: its title comes from the front matter",
    ) in errors_of(folder)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (":::exercise\nid: x\n---\nText.\n", "block ':::exercise' is never closed with ':::'"),
        (
            ":::quiz\ntitle: t\n---\nText.\n:::\n",
            "unknown block ':::quiz' (known: case-study, exercise, tip)",
        ),
        (":::tip\ntitle: t\nText.\n:::\n", "block ':::tip' needs a '---' line after its metadata"),
        (
            ":::exercise\nid: x\ntitle: t\nmode: solo\nsetting: live\nminutes: 5\noutput: o\n---\nDo.\n:::\n",
            "':::exercise': mode is one of group, individual",
        ),
        (
            ":::exercise\nid: x\ntitle: t\nmode: group\nsetting: live\nminutes: soon\noutput: o\n---\nDo.\n:::\n",
            "':::exercise': minutes is a whole number above 0",
        ),
        (
            ":::case-study\nid: x\ntitle: t\nplace: p\nsdgs: [18]\n---\nStory.\n:::\n",
            "':::case-study': sdgs is a list of SDG numbers from 1 to 17, e.g. [11, 17]",
        ),
        (":::tip\ntitle: t\ncolour: red\n---\nTip.\n:::\n", "':::tip' has unknown key 'colour'"),
        (":::exercise\ntitle: t\n---\nDo.\n:::\n", "':::exercise' is missing 'id'"),
        (":::tip\ntitle: t\n---\n:::tip\n:::\n", "a block cannot open inside another block"),
        ("Text.\n:::\n", "':::' closes no block"),
    ],
)
def test_block_errors(tmp_path, block, message):
    body = "\n## Part {#part}\n\nText.\n\n" + block
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})
    errors = errors_of(folder)
    assert message in [m for _, _, m in errors], errors
    assert all(name == "01-one.md" and line >= 16 for name, line, _ in errors)


def test_file_name_and_front_matter_must_agree(tmp_path):
    folder = write_module(tmp_path, chapters={"01-one.md": chapter_text(2, "uno")})
    errors = errors_of(folder)
    assert ("01-one.md", 2, "number 2 does not match the file name's 01") in errors
    assert ("01-one.md", 3, "slug 'uno' does not match the file name's 'one'") in errors


def test_module_yml_problems(tmp_path):
    folder = write_module(
        tmp_path,
        module_yml='slug: other\ntitle: "T"\nsummary: s\nversion: "1"\n'
        "language: en\nauthors: []\nsources: []\nextra: 1\n",
    )
    errors = errors_of(folder)
    assert ("module.yml", 8, "module.yml has an unknown key 'extra'") in errors


def test_module_slug_must_be_the_folder_name(tmp_path):
    folder = write_module(
        tmp_path,
        module_yml='slug: other\ntitle: "T"\nsummary: s\nversion: "1"\nlanguage: en\nauthors: []\nsources: []\n',
    )
    assert ("module.yml", 1, "slug 'other' must be the folder's name 'small'") in errors_of(folder)


def test_missing_module_yml_and_stray_files(tmp_path):
    folder = write_module(tmp_path)
    (folder / "module.yml").unlink()
    (folder / "notes.md").write_text("x")
    (folder / "07-seven.notes.md").write_text("## Notes\n")
    errors = errors_of(folder)
    assert ("module.yml", 0, "every module folder needs a module.yml") in errors
    assert ("notes.md", 0, "not a chapter file: name it NN-slug.md (or NN-slug.notes.md)") in errors
    assert ("07-seven.notes.md", 0, "trainer notes for chapter 7, which does not exist") in errors


def test_front_matter_must_open_and_close(tmp_path):
    folder = write_module(tmp_path, chapters={"01-one.md": "## No front matter\n", "02-two.md": "---\nnumber: 2\n"})
    errors = errors_of(folder)
    assert ("01-one.md", 1, "a chapter starts with '---' and its YAML front matter") in errors
    assert ("02-two.md", 1, "the front matter is never closed with '---'") in errors


def test_trainer_notes_are_rendered_apart_from_the_chapter(tmp_path):
    folder = write_module(tmp_path)
    (folder / "01-one.notes.md").write_text("## Timing\n\nSpend 20 minutes on `ex-1`.\n")
    one = load_module(folder).chapters[0]
    assert "Spend 20 minutes" in one.notes_html
    assert all("Spend 20 minutes" not in getattr(part, "html", "") for part in one.parts)


def test_load_modules_reports_errors_from_every_module(tmp_path):
    write_module(tmp_path, slug="good")
    write_module(tmp_path, slug="bad", chapters={"01-one.md": chapter_text(1, "one", extra_front="x: 1\n")})
    write_module(tmp_path, slug="worse", chapters={"02-two.md": chapter_text(2, "two")})
    with pytest.raises(ContentInvalid) as caught:
        load_modules(tmp_path)
    folders = {error.path.parent.name for error in caught.value.errors}
    assert folders == {"bad", "worse"}


def test_the_real_module_four_loads_with_six_question_chapters(app):
    from pathlib import Path

    module = load_modules(Path(app.config["MODULES_DIR"]))["module-4"]
    assert [c.number for c in module.chapters] == [1, 2, 3, 4, 5, 6]
    assert module.chapters[0].title == "What is Decentralized Cooperation?"
    assert module.chapters[3].title.startswith("How can we design Decentralized Cooperation in line with the SDGs?")
    for chapter in module.chapters:
        assert 1200 <= chapter.word_count <= 2500, chapter.slug
        assert 3 <= len(chapter.sections) <= 6 and chapter.exercises and chapter.case_studies
        assert chapter.notes_html and chapter.sources_html
        assert any(isinstance(p, Tip) for p in chapter.parts)
