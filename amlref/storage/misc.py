"""Small stores: settings (JSON values) and saved searches."""
from __future__ import annotations

import json
from typing import Any, TYPE_CHECKING

from amlref.core.errors import InputError, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library


class SettingsStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def get(self, key: str, default: Any = None) -> Any:
        row = self.lib.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any) -> None:
        with self.lib.transaction():
            self.lib.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) "
                             "DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    def all(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.lib.execute("SELECT key, value FROM settings")}


class SavedSearchStore:
    """A saved search: a full-text query plus filters (category, facets, tag), shown as a view."""

    def __init__(self, lib: "Library"):
        self.lib = lib

    def save(self, name: str, query: str = "", filters: dict | None = None) -> int:
        if not name.strip():
            raise InputError("a saved search needs a name")
        with self.lib.transaction():
            self.lib.execute("INSERT INTO saved_searches(name, query, filters) VALUES (?, ?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET query = excluded.query, "
                             "filters = excluded.filters", (name, query, json.dumps(filters or {})))
            return self.lib.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()[0]

    def get(self, name: str) -> dict:
        row = self.lib.execute("SELECT id, name, query, filters FROM saved_searches WHERE name = ?",
                               (name,)).fetchone()
        if not row:
            raise NotFound(f"no saved search {name!r}")
        return {"id": row[0], "name": row[1], "query": row[2], "filters": json.loads(row[3])}

    def all(self) -> list[dict]:
        return [{"id": r[0], "name": r[1], "query": r[2], "filters": json.loads(r[3])}
                for r in self.lib.execute("SELECT id, name, query, filters FROM saved_searches ORDER BY name")]

    def delete(self, name: str) -> None:
        with self.lib.transaction():
            self.lib.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
