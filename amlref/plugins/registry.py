"""Entry-point discovery.  Built-in formats and sources are declared in the project's own
``pyproject.toml`` exactly as a third-party package would declare them.  A plugin that fails to
load or to instantiate is disabled and listed in :attr:`Registry.problems`; it never takes the
app down."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)

GROUPS = ("amlref.importers", "amlref.exporters", "amlref.sources", "amlref.classifiers")


@dataclass
class PluginInfo:
    group: str
    name: str
    value: str          # "module:attr"
    dist: str           # distribution that declared it
    ok: bool
    error: str = ""


class Registry:
    def __init__(self) -> None:
        self._loaded: dict[str, dict[str, Any]] = {}
        self.info: list[PluginInfo] = []
        self._extra: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}

    # -- discovery -------------------------------------------------------------------------
    def _load(self, group: str) -> dict[str, Any]:
        if group in self._loaded:
            return self._loaded[group]
        found: dict[str, Any] = {}
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            dist = getattr(getattr(ep, "dist", None), "name", "") or ""
            try:
                obj = ep.load()
                inst = obj() if isinstance(obj, type) else obj
                found[ep.name] = inst
                self.info.append(PluginInfo(group, ep.name, ep.value, dist, True))
            except Exception as exc:  # a broken plugin is disabled and reported
                msg = f"{type(exc).__name__}: {exc}"
                log.warning("plugin %s/%s disabled: %s", group, ep.name, msg)
                self.info.append(PluginInfo(group, ep.name, ep.value, dist, False, msg))
        found.update(self._extra[group])
        self._loaded[group] = found
        return found

    def register(self, group: str, name: str, plugin: Any) -> None:
        """Register an object at run time (tests, scripts)."""
        self._extra[group][name] = plugin
        if group in self._loaded:
            self._loaded[group][name] = plugin

    def unregister(self, group: str, name: str) -> None:
        self._extra[group].pop(name, None)
        if group in self._loaded:
            self._loaded[group].pop(name, None)

    def reset(self) -> None:
        self._loaded.clear()
        self.info.clear()

    def load_all(self) -> list[PluginInfo]:
        for g in GROUPS:
            self._load(g)
        return list(self.info)

    @property
    def problems(self) -> list[PluginInfo]:
        self.load_all()
        return [i for i in self.info if not i.ok]

    # -- typed access ----------------------------------------------------------------------
    def importers(self) -> dict[str, Any]:
        return self._load("amlref.importers")

    def exporters(self) -> dict[str, Any]:
        return self._load("amlref.exporters")

    def sources(self) -> dict[str, Any]:
        return self._load("amlref.sources")

    def classifiers(self) -> dict[str, Any]:
        return self._load("amlref.classifiers")

    def importer(self, name: str):
        from amlref.core.errors import UsageError
        imps = self.importers()
        if name not in imps:
            raise UsageError(f"unknown import format {name!r}; supported: {', '.join(sorted(imps))}")
        return imps[name]

    def exporter(self, name: str):
        from amlref.core.errors import UsageError
        exps = self.exporters()
        if name not in exps:
            raise UsageError(f"unknown export format {name!r}; supported: {', '.join(sorted(exps))}")
        return exps[name]


registry = Registry()
