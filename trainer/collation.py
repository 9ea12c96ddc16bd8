"""Sorting names written in any script (Thai, Devanagari, Chinese, Urdu, Vietnamese…) the way
people expect: the Unicode Collation Algorithm, not code points (which put "Zaid" before "anh")."""

from functools import cache, lru_cache

import pyuca


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # loads the default table once per process


# A name's key never changes and costs about 40 µs to compute: a dashboard sorting 5,000 people
# would spend 0.2 s on keys per request. Cached per process (about 350 bytes a name).
@lru_cache(maxsize=50_000)
def name_key(name: str | None) -> tuple:
    return _collator().sort_key(name or "")
