"""The plugin API: the one module a plugin imports.

A plugin is a Python distribution that declares classes under AMLRef's entry-point groups (see
docs/plugins.md).  Data groups: ``amlref.importers``, ``amlref.exporters``, ``amlref.sources``,
``amlref.classifiers``.  Window groups (anchors: napari's npe2 contributions, calibre's
``InterfaceAction``):

- ``amlref.actions``: :class:`Action`, run on the selected articles (menu, context menu, toolbar)
- ``amlref.detail_tabs``: :class:`DetailTab`, a tab in the detail pane
- ``amlref.columns``: :class:`Column`, a column in the article table
- ``amlref.sidebar_nodes``: :class:`SidebarNode`, a view in the sidebar with its own query

Every class may say which API it was written for with ``api_version = "MAJOR.MINOR"``; the
registry disables a plugin whose major differs from :data:`API_VERSION`'s or whose minor is newer.
A plugin gets an :class:`AppAPI` (the Library facade, the selection, background work with
progress, messages), never the window's internals.  Hooks may be called from a worker thread
(:meth:`Column.value`, :meth:`DetailTab.render`, :meth:`SidebarNode.article_ids`): they must
only read the article or the library they are given.  A hook that raises disables its plugin
for the session; the app goes on and the plugin manager shows the error.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, TYPE_CHECKING

from amlref.plugins.base import Classifier, Exporter, Importer, Source  # noqa: F401 (re-export)

if TYPE_CHECKING:  # pragma: no cover
    from amlref.core.article import Article

API_VERSION = "1.0"

__all__ = ["API_VERSION", "AppAPI", "Action", "Column", "DetailTab", "SidebarNode", "Importer",
           "Exporter", "Source", "Classifier", "compatible"]


def _parse(version: str) -> tuple[int, int]:
    parts = str(version).strip().split(".")
    major = int(parts[0])
    minor = int(parts[1]) if len(parts) > 1 and parts[1] else 0
    return major, minor


def compatible(wanted: str | None) -> str:
    """"" when a plugin asking for API ``wanted`` runs here, else why not (one sentence).
    ``None`` (not declared) is taken as this version."""
    if wanted is None:
        return ""
    try:
        major, minor = _parse(wanted)
    except ValueError:
        return f"api_version {wanted!r} is not MAJOR.MINOR"
    have_major, have_minor = _parse(API_VERSION)
    if major != have_major or minor > have_minor:
        return (f"needs plugin API {wanted}, AMLRef {_app_version()} provides {API_VERSION}")
    return ""


def _app_version() -> str:
    try:
        from amlref import __version__
        return __version__
    except ImportError:  # pragma: no cover
        return "?"


class AppAPI:
    """What a plugin may use of the running app.  The window gives one backed by its widgets;
    the command line a headless one (work runs at once, messages go to stderr).

    - :attr:`library`: the Library facade (``library.articles.get(id)``,
      ``library.categories.of(id)``, ``library.tags``, ``library.execute(sql)`` ...)
    - :meth:`selection`: ids of the selected articles, in table order
    - :meth:`run_in_background`: ``fn(library, progress, cancel)`` in a worker with its own
      library connection; ``progress(done, total, message)``; ``done(result)`` back in the app
    - :meth:`show_message`: a message to the user ("info" or "error")
    - :meth:`open_url`: open a link in the browser
    - :meth:`refresh`: show changes the plugin made to the library
    """

    def __init__(self, library: Any):
        self.library = library
        self.messages: list[tuple[str, str]] = []

    def selection(self) -> list[int]:
        return []

    def selected_articles(self) -> list["Article"]:
        return self.library.articles.get_many(self.selection())

    def categories_of(self, article_id: int) -> list[str]:
        """Slugs of the categories assigned to an article (not the suggestions)."""
        return [c["slug"] for c in self.library.categories.of(article_id)
                if c.get("kind", "category") == "category"]

    def run_in_background(self, fn: Callable, title: str = "",
                          done: Callable[[Any], None] | None = None) -> None:
        from amlref.core.progress import CancelToken
        result = fn(self.library, lambda *a: None, CancelToken())
        if done is not None:
            done(result)

    def show_message(self, text: str, kind: str = "info") -> None:
        import sys
        self.messages.append((kind, text))
        print(text, file=sys.stderr)

    def open_url(self, url: str) -> None:
        self.show_message(url)

    def refresh(self) -> None:
        pass


class _Contribution:
    name: str = ""                 # set by the registry from the entry-point name when empty
    api_version: str | None = None


class Action(_Contribution):
    """A command on the selected articles.  ``places``: any of "menu" (under Plugins),
    "context" (the table's context menu), "toolbar"."""
    label: str = ""
    tooltip: str = ""
    shortcut: str = ""
    places: tuple[str, ...] = ("menu", "context")
    needs_selection: bool = True

    def run(self, api: AppAPI) -> None:
        raise NotImplementedError


class DetailTab(_Contribution):
    """A tab of the detail pane.  :meth:`render` returns HTML for one article (links open in the
    browser); it runs in a worker thread, so it may be slow without freezing the window."""
    label: str = ""

    def render(self, article: "Article", categories: list[str]) -> str:
        raise NotImplementedError


class Column(_Contribution):
    """A column of the article table.  :meth:`value` runs in a worker thread for the rows on
    screen; the results are cached until the article changes."""
    header: str = ""
    width: int = 100
    tooltip: str = ""

    def value(self, article: "Article") -> str:
        raise NotImplementedError


class SidebarNode(_Contribution):
    """A view in the sidebar (under "Plugins").  Either ``query`` (AMLRef's search syntax) or
    :meth:`article_ids` (run in a worker with its own library connection)."""
    label: str = ""
    tooltip: str = ""
    query: str = ""

    def article_ids(self, library: Any) -> Iterable[int]:
        raise NotImplementedError
