"""Pages of a long list: every list that grows with a course's people stays under the page budget.

Lists are filtered and sorted in full (names sort by the Unicode Collation Algorithm in Python,
which no database here has), then cut: the query count stays the same whatever the number of
rows, and a page holds at most `PER_PAGE` of them. Templates show the links with the `pager`
macro (templates/_macros.html), which keeps the filters of the query string.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, request, url_for

from trainer.dbtypes import id_or_none

T = TypeVar("T")
PER_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # from 1
    pages: int  # at least 1, even for an empty list
    total: int  # rows in the whole list
    per_page: int

    @property
    def first(self) -> int:
        """The position of the first row shown, from 1 (0 when there is none)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(rows: Sequence[T], number: int, per_page: int = PER_PAGE) -> Page[T]:
    """The `number`th page of `rows`; a number out of range gives the nearest page, never an error."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return Page(list(rows[start : start + per_page]), number, pages, len(rows), per_page)


def requested_page(name: str = "page") -> int:
    """The page number in the query string: 1 when absent or not a whole number."""
    return id_or_none(request.args.get(name, "1")) or 1


def page_url(number: int, anchor: str | None = None) -> str:
    """This page's address with another page number, every other query parameter kept (repeated
    ones too); the route's own arguments win over a query parameter of the same name."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for(request.endpoint, **{**args, **(request.view_args or {})}, _anchor=anchor)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_url"] = page_url
