"""Sorting names written in any script (Thai, Devanagari, Chinese, Urdu, Vietnamese…) the way
people expect: the Unicode Collation Algorithm, not code points (which put "Zaid" before "anh")."""

from functools import cache

import pyuca


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # loads the default table once per process


def name_key(name: str | None) -> tuple:
    return _collator().sort_key(name or "")
