"""Auto-export: a .bib (or RIS / CSL-JSON) file bound to a view (the whole library, a
category, a tag, a query or a saved search) and rewritten after every change.

Rewrites are batched: the library's "changed" events only mark the library dirty
(:func:`attach`); :func:`flush` (the GUI after a short idle, the CLI once at the end of a
command) rewrites each bound file.  Writes are atomic (temporary file, fsync, rename: never an
empty or half-written file) and skipped when the content hash has not changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import weakref

from amlref.core.errors import InputError, NotFound, UsageError
from amlref.plugins.registry import registry
from amlref.services.exporting import export_view
from amlref.services.files import atomic_write
from amlref.services.views import View, saved_view
from amlref.storage.library import Library, now_iso

# libraries with changes not yet written to their auto-exports (by path, for the CLI)
_dirty: dict[str, bool] = {}
_attached: "weakref.WeakSet[Library]" = weakref.WeakSet()


def _view_of(lib: Library, spec: dict) -> View:
    spec = dict(spec or {})
    saved = spec.pop("saved", None)
    if saved:
        v = saved_view(lib, saved)
        extra = View.from_dict(spec)
        v.category = extra.category or v.category
        v.tag = extra.tag or v.tag
        v.query = extra.query or v.query
        v.facets = list(v.facets) + list(extra.facets)
        return v
    return View.from_dict(spec)


def add(lib: Library, path: str, fmt: str = "biblatex", view: dict | None = None,
        run: bool = True) -> dict:
    """Bind ``path`` to a view (``{"category"|"tag"|"query"|"facets"|"saved": ...}``)."""
    registry.exporter(fmt)  # unknown format: a clear error now, not at the first change
    path = os.path.abspath(os.path.expanduser(path))
    if not os.path.isdir(os.path.dirname(path)):
        raise InputError("folder does not exist", os.path.dirname(path))
    if os.path.isdir(path):
        raise InputError("is a folder, not a file", path)
    spec = {k: v for k, v in (view or {}).items() if v}
    export_view(lib, fmt, _view_of(lib, spec))  # a missing tag / saved search fails here
    with lib.transaction():
        lib.execute("INSERT INTO auto_exports(path, format, view) VALUES (?, ?, ?) "
                    "ON CONFLICT(path) DO UPDATE SET format = excluded.format, view = excluded.view, "
                    "last_hash = NULL", (path, fmt, json.dumps(spec, sort_keys=True)))
    entry = get(lib, path)
    if run:
        entry = run_one(lib, entry, force=True)
    return entry


def get(lib: Library, path_or_id: str | int) -> dict:
    for e in list_all(lib):
        if str(e["id"]) == str(path_or_id) or e["path"] == os.path.abspath(
                os.path.expanduser(str(path_or_id))):
            return e
    raise NotFound(f"no auto-export {path_or_id!r} (see amlref autoexport list)")


def list_all(lib: Library) -> list[dict]:
    rows = lib.execute("SELECT id, path, format, view, last_run, last_hash FROM auto_exports "
                       "ORDER BY id").fetchall()
    return [{"id": r[0], "path": r[1], "format": r[2], "view": json.loads(r[3] or "{}"),
             "last_run": r[4], "last_hash": r[5]} for r in rows]


def remove(lib: Library, path_or_id: str | int) -> dict:
    e = get(lib, path_or_id)
    with lib.transaction():
        lib.execute("DELETE FROM auto_exports WHERE id = ?", (e["id"],))
    return e


def run_one(lib: Library, entry: dict, force: bool = False) -> dict:
    """Rewrite one auto-export if its content changed.  Adds ``written`` and ``count``."""
    text, n = export_view(lib, entry["format"], _view_of(lib, entry["view"]))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = dict(entry, count=n, written=False)
    if not force and digest == entry.get("last_hash") and os.path.exists(entry["path"]):
        return out
    atomic_write(entry["path"], text)
    stamp = now_iso()
    lib.execute("UPDATE auto_exports SET last_run = ?, last_hash = ? WHERE id = ?",
                (stamp, digest, entry["id"]))
    out.update(written=True, last_run=stamp, last_hash=digest)
    return out


def run_all(lib: Library, force: bool = False) -> list[dict]:
    """Rewrite every auto-export whose content changed; errors are reported per file."""
    results = []
    for e in list_all(lib):
        try:
            results.append(run_one(lib, e, force=force))
        except (InputError, NotFound, UsageError) as exc:
            results.append(dict(e, written=False, error=str(exc)))
    _dirty.pop(str(lib.path), None)
    return results


def attach(lib: Library) -> None:
    """Mark the library dirty on every change (cheap); :func:`flush` writes."""
    if lib in _attached:
        return
    key = str(lib.path)

    def on_event(name: str, data: dict) -> None:
        if name == "changed":
            _dirty[key] = True

    lib.events.subscribe(on_event)
    _attached.add(lib)


def is_dirty(lib: Library) -> bool:
    return bool(_dirty.get(str(lib.path)))


def flush(lib: Library) -> list[dict]:
    """Rewrite the auto-exports of ``lib`` if it changed since the last flush."""
    if not is_dirty(lib):
        return []
    return run_all(lib)


def flush_pending() -> list[dict]:
    """For the CLI, after a command: reopen each library that changed and rewrite its
    auto-exports.  Never raises (a failing auto-export must not fail the command)."""
    import logging
    results = []
    for path in list(_dirty):
        _dirty.pop(path, None)
        try:
            lib = Library.open(path, create=False)
        except Exception as exc:  # pragma: no cover - library vanished
            logging.getLogger(__name__).warning("auto-export skipped: %s", exc)
            continue
        try:
            if lib.execute("SELECT count(*) FROM auto_exports").fetchone()[0]:
                for r in run_all(lib):
                    if r.get("error"):
                        logging.getLogger(__name__).warning("auto-export %s: %s", r["path"],
                                                            r["error"])
                    results.append(r)
        except Exception as exc:
            logging.getLogger(__name__).warning("auto-export failed: %s", exc)
        finally:
            lib.close()
    return results
