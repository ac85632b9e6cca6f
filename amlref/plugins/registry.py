"""Entry-point discovery.  Built-in formats, sources and window contributions are declared in the
project's own ``pyproject.toml`` exactly as a third-party package would declare them.  A plugin
that fails to load or to instantiate, that needs another plugin API version
(:func:`amlref.plugins.api.compatible`), or that raises in a hook (:meth:`Registry.fail`) is
disabled and listed in :attr:`Registry.problems`; it never takes the app down.  The user can
switch a plugin off by its distribution or entry-point name (:mod:`amlref.plugins.state`)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)

DATA_GROUPS = ("amlref.importers", "amlref.exporters", "amlref.sources", "amlref.classifiers")
WINDOW_GROUPS = ("amlref.actions", "amlref.detail_tabs", "amlref.columns", "amlref.sidebar_nodes")
GROUPS = DATA_GROUPS + WINDOW_GROUPS
BUILTIN_DIST = "amlref"


@dataclass
class PluginInfo:
    group: str
    name: str
    value: str          # "module:attr"
    dist: str           # distribution that declared it
    ok: bool
    error: str = ""
    version: str = ""   # of the distribution
    disabled: bool = False   # switched off by the user (not an error)

    @property
    def kind(self) -> str:
        return self.group.split(".", 1)[1].rstrip("s").replace("_", " ")

    @property
    def state(self) -> str:
        if self.disabled:
            return "disabled"
        return "ok" if self.ok else f"DISABLED: {self.error}"


class Registry:
    def __init__(self) -> None:
        self._loaded: dict[str, dict[str, Any]] = {}
        self.info: list[PluginInfo] = []
        self._extra: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}
        self._disabled: set[str] | None = None

    # -- discovery -------------------------------------------------------------------------
    def _user_disabled(self) -> set[str]:
        if self._disabled is None:
            from amlref.plugins.state import disabled_names
            self._disabled = disabled_names()
        return self._disabled

    def _load(self, group: str) -> dict[str, Any]:
        if group in self._loaded:
            return self._loaded[group]
        from amlref.plugins.api import compatible
        found: dict[str, Any] = {}
        off = self._user_disabled()
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            d = getattr(ep, "dist", None)
            dist = getattr(d, "name", "") or ""
            version = getattr(d, "version", "") or ""
            info = PluginInfo(group, ep.name, ep.value, dist, True, version=version)
            self.info.append(info)
            if (dist in off and dist != BUILTIN_DIST) or ep.name in off \
                    or f"{group}/{ep.name}" in off:
                info.disabled = True
                continue
            try:
                obj = ep.load()
                why = compatible(getattr(obj, "api_version", None))
                if why:
                    raise _Incompatible(why)
                inst = obj() if isinstance(obj, type) else obj
                if group in WINDOW_GROUPS and not getattr(inst, "name", ""):
                    inst.name = ep.name
                found[ep.name] = inst
            except Exception as exc:  # a broken plugin is disabled and reported
                info.ok = False
                info.error = str(exc) if isinstance(exc, _Incompatible) else \
                    f"{type(exc).__name__}: {exc}"
                log.warning("plugin %s/%s disabled: %s", group, ep.name, info.error)
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
        self._disabled = None

    def load_all(self) -> list[PluginInfo]:
        for g in GROUPS:
            self._load(g)
        return list(self.info)

    @property
    def problems(self) -> list[PluginInfo]:
        self.load_all()
        return [i for i in self.info if not i.ok]

    def fail(self, group: str, name: str, exc: BaseException, hook: str = "") -> PluginInfo:
        """A hook raised: the contribution is disabled for this session and reported."""
        self._load(group)
        self._loaded[group].pop(name, None)
        where = f" in {hook}()" if hook else ""
        msg = f"raised{where}: {type(exc).__name__}: {exc}"
        log.warning("plugin %s/%s disabled: %s", group, name, msg)
        for i in self.info:
            if i.group == group and i.name == name:
                i.ok, i.error = False, msg
                return i
        i = PluginInfo(group, name, type(exc).__module__, "", False, msg)
        self.info.append(i)
        return i

    def names(self) -> set[str]:
        """Distribution and entry-point names known (for enable/disable)."""
        self.load_all()
        return {i.dist for i in self.info if i.dist} | {i.name for i in self.info}

    # -- typed access ----------------------------------------------------------------------
    def importers(self) -> dict[str, Any]:
        return self._load("amlref.importers")

    def exporters(self) -> dict[str, Any]:
        return self._load("amlref.exporters")

    def sources(self) -> dict[str, Any]:
        return self._load("amlref.sources")

    def classifiers(self) -> dict[str, Any]:
        return self._load("amlref.classifiers")

    def actions(self) -> dict[str, Any]:
        return self._load("amlref.actions")

    def detail_tabs(self) -> dict[str, Any]:
        return self._load("amlref.detail_tabs")

    def columns(self) -> dict[str, Any]:
        return self._load("amlref.columns")

    def sidebar_nodes(self) -> dict[str, Any]:
        return self._load("amlref.sidebar_nodes")

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


class _Incompatible(Exception):
    pass


def plugin_error(group: str, name: str, exc: BaseException, hook: str):
    """A third-party hook raised: disable it (:meth:`Registry.fail`) and return the one-line
    error for the user; ``None`` for AMLRef's own entries (a bug of ours: not hidden)."""
    from amlref.core.errors import AmlrefError
    if isinstance(exc, AmlrefError):
        return None
    info = registry.fail(group, name, exc, hook)
    if info.dist == BUILTIN_DIST:
        return None
    return PluginError(f"{info.kind} {name!r} of plugin {info.dist or '?'} {info.error}; "
                       "it is disabled until AMLRef starts again")


def _plugin_error_class():
    from amlref.core.errors import AmlrefError

    class PluginError(AmlrefError):
        """A plugin failed; the message names it."""
    return PluginError


PluginError = _plugin_error_class()


registry = Registry()
