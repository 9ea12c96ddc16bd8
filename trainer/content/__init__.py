"""Course material: modules of Markdown chapters, loaded once into an immutable registry.

This package has no database and imports no other feature; the database refers to chapters
by slug and to exercises by id.
"""
