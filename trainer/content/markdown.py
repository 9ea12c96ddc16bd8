"""Markdown to safe HTML: one renderer, one sanitiser allow-list.

Chapter HTML is rendered once when a module loads; user text (submissions, experiences) goes
through `render_user_markdown`, with a narrower allow-list. See docs/architecture.md for why
chapter content is trusted as much as it is.
"""

import re

import markdown
import nh3
from markupsafe import Markup

# What Markdown, tables, footnotes, attr_list and toc produce, and nothing that runs.
_COMMON_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
CHAPTER_TAGS = _COMMON_TAGS | {"section", "aside", "figure", "figcaption", "details", "summary"}
CHAPTER_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
USER_TAGS = _COMMON_TAGS - {"div"}
USER_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

CHAPTER_EXTENSIONS = ["tables", "footnotes", "attr_list", "sane_lists", "toc", "def_list", "abbr"]
CHAPTER_EXTENSION_CONFIGS = {
    "toc": {"permalink": "#", "permalink_title": "Link to this section", "toc_depth": "2-3"},
    "footnotes": {"BACKLINK_TITLE": "Back to the text"},
}

_CHAPTER_LINK = re.compile(r'href="\d+-([a-z0-9-]+)\.md(#[^"]*)?"')


def sanitise_chapter_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=CHAPTER_TAGS,
        attributes=CHAPTER_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


def new_chapter_renderer() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=CHAPTER_EXTENSIONS, extension_configs=CHAPTER_EXTENSION_CONFIGS, output_format="html"
    )


def rewrite_chapter_links(html: str) -> str:
    """`02-why.md#x` (a file link authors can follow on disk) becomes `why#x`, a sibling page."""
    return _CHAPTER_LINK.sub(lambda m: f'href="{m.group(1)}{m.group(2) or ""}"', html)


def render_inline(text: str) -> str:
    """One line of Markdown (a source, an objective) without the surrounding paragraph."""
    html = markdown.markdown(text, output_format="html")
    html = re.sub(r"^<p>(.*)</p>$", r"\1", html.strip(), flags=re.DOTALL)
    return sanitise_chapter_html(html)


def render_block_body(text: str) -> str:
    renderer = markdown.Markdown(extensions=["tables", "attr_list", "sane_lists"], output_format="html")
    return sanitise_chapter_html(rewrite_chapter_links(renderer.convert(text)))


def render_user_markdown(text: str) -> Markup:
    """Markdown written by a user, rendered and sanitised: no raw HTML, no script, no styles."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return Markup(  # nosec B704 # nh3's allow-list has just cleaned this HTML: the one sanitiser
        nh3.clean(
            html,
            tags=USER_TAGS,
            attributes=USER_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )
