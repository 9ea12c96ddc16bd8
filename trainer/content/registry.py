"""The loaded modules, held once per process and shared by every request.

Loading is cached by the folder's fingerprint (names, sizes, modification times), so several
apps in one process (tests, gunicorn's preload) render the Markdown once. In development the
fingerprint is checked on each use, so edits show on the next page load.
"""

import threading
from pathlib import Path

from flask import Flask, current_app

from trainer.content.loader import load_modules
from trainer.content.models import ContentInvalid, Module

_cache: dict[tuple[Path, tuple], dict[str, Module]] = {}
_cache_lock = threading.Lock()


def fingerprint(root: Path) -> tuple:
    return tuple(
        (str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )


class ContentRegistry:
    def __init__(self, root: Path, auto_reload: bool = False):
        self.root = root
        self.auto_reload = auto_reload
        self._modules: dict[str, Module] | None = None

    def modules(self) -> dict[str, Module]:
        """Every module by slug; raises ContentInvalid when the files have errors."""
        if self._modules is None or self.auto_reload:
            self._modules = _load_cached(self.root)
        return self._modules

    def module(self, slug: str) -> Module | None:
        return self.modules().get(slug)


def _load_cached(root: Path) -> dict[str, Module]:
    key = (root, fingerprint(root) if root.is_dir() else ())
    with _cache_lock:
        if key not in _cache:
            _cache.clear()  # an older version of the files is of no more use
            _cache[key] = load_modules(root)
        return _cache[key]


def get_registry() -> ContentRegistry:
    return current_app.extensions["content"]


def init_app(app: Flask) -> None:
    registry = ContentRegistry(Path(app.config["MODULES_DIR"]), auto_reload=app.debug)
    app.extensions["content"] = registry
    if app.config.get("CONTENT_PRELOAD"):
        # Production refuses to start on an invalid module rather than fail on first view.
        try:
            registry.modules()
        except ContentInvalid as invalid:
            raise ContentInvalid(invalid.errors) from None
