"""Articles made from a PDF alone ("needs metadata", issue 14) in the window: their sidebar node
(kind ``"needs-metadata"``, the view of the tag that services/pdf_import.py gives them) and
"Fetch metadata" for all of them, in the background with progress (the window's
``fetch_metadata``, gui/drops.py)."""
from __future__ import annotations

# services.pdf_import.NEEDS_METADATA, written out: importing that module costs ~50 ms at the
# window's start (tests/gui/test_watch_window.py checks that the two are the same)
TAG = "needs metadata"
NODE = ("needs-metadata", None)
TIP = ("Articles made from a PDF alone (offline, or no identifier found): select them and "
       "use Fetch metadata online, or add an identifier and fetch")


def view_fields(_value) -> dict:
    """The View of the node (the window's ``node_views``)."""
    return {"tag": TAG}


def ids(lib) -> list[int]:
    return lib.tags.ids_with(TAG)


def fetch_all(window) -> None:
    """Fetch metadata online for every article that needs it."""
    todo = ids(window.lib)
    if not todo:
        window.statusBar().showMessage("No article needs metadata", 5000)
        return
    window.fetch_metadata(todo)
