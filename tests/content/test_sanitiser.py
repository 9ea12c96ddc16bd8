import pytest

from tests.content.fixtures import chapter_text, write_module
from trainer.content.loader import load_module
from trainer.content.markdown import render_user_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<iframe src='https://evil.example'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<form action='https://evil.example'><input></form>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_chapter_html_goes_through_the_allow_list(tmp_path, payload):
    body = f"\n## Part {{#part}}\n\nText.\n\n{payload}\n"
    chapter = load_module(write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", body)})).chapters[0]
    html = " ".join(part.html for part in chapter.parts).lower()
    for bad in ("<script", "onerror", "javascript:", "style=", "<iframe", "onload", "<form", "<input"):
        assert bad not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_markdown_keeps_text_and_drops_code(payload):
    html = str(render_user_markdown("Hello **world**\n\n" + payload)).lower()
    assert "<strong>world</strong>" in html
    for bad in (
        "<script",
        "onerror",
        "javascript:",
        "style=",
        "<iframe",
        "onload",
        "<form",
        "<input",
        "<div",
    ):
        assert bad not in html
