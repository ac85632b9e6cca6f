"""The demo library (resources/demo): the seed review and its related articles."""
from __future__ import annotations

import json
from pathlib import Path

from amlref.core.article import Reference
from amlref.core.errors import NotFound
from amlref.core.resources import resource_path

DEMO_DIR = resource_path("demo")


def demo_dir() -> Path:
    return DEMO_DIR


def _find(lib, key: str) -> int | None:
    try:
        return lib.articles.find(key.split(":", 1)[1]).id
    except NotFound:
        return None


def load_demo(lib, progress=None, cancel=None):
    """Import the demo articles, then their relations, tags and notes.  Returns the report."""
    from amlref.services.importing import import_paths
    report = import_paths(lib, [str(DEMO_DIR / "demo-library.json")], fmt="csljson",
                          progress=progress, cancel=cancel)
    extras = json.loads((DEMO_DIR / "extras.json").read_text(encoding="utf-8"))
    with lib.transaction():
        for link in extras.get("links", []):
            a, b = _find(lib, link["citing"]), _find(lib, link["cited"])
            if a and b:
                lib.citations.add(a, b, kind=link.get("kind", "cites"), origin="demo")
        for stub in extras.get("stubs", []):
            a = _find(lib, stub["citing"])
            if a:
                ref = Reference(raw=stub.get("raw", ""), title=stub.get("title", ""),
                                year=stub.get("year"), authors=stub.get("authors", ""))
                lib.citations.add(a, ref, kind=stub.get("kind", "cites"), origin="demo")
        for key, tags in extras.get("tags", {}).items():
            a = _find(lib, key)
            for t in tags if a else ():
                lib.tags.add([a], t)
        for key, text in extras.get("notes", {}).items():
            a = _find(lib, key)
            if a and text not in [t for _, t in lib.notes.of(a)]:
                lib.notes.add(a, text)
    return report
