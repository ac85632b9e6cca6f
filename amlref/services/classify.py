"""Run the classifier plugins over articles and store their assignments (with reasons).
User decisions are stored apart (source 'user') and never touched here."""
from __future__ import annotations

from typing import Iterable

from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.plugins.registry import registry
from amlref.storage.library import Library


def classify_ids(lib: Library, ids: Iterable[int], progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> int:
    """Classify these articles; returns how many were classified."""
    progress = progress or no_progress
    ids = list(ids)
    classifiers = list(registry.classifiers().values())
    if not classifiers:
        return 0
    n = 0
    with lib.transaction():
        for start in range(0, len(ids), 1000):
            check(cancel)
            progress(start, len(ids), "classifying")
            for art in lib.articles.get_many(ids[start:start + 1000]):
                rows = []
                for clf in classifiers:
                    for slug, kind, reason in clf.classify(art):
                        rows.append((slug, kind, reason))
                lib.categories.set_auto(art.id, rows)
                n += 1
    return n


def classify_all(lib: Library, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> int:
    return classify_ids(lib, lib.articles.ids(), progress=progress, cancel=cancel)
