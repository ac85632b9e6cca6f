"""Suggestions in the window: the "Suggested" node under a category lists them, the detail
pane shows them with their reasons, Accept and Reject are one click each, stick, and undo."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from amlref.core.article import Article
from amlref.plugins.registry import registry
from tests.gui.conftest import wait_view
from tests.test_suggestions import _plugin_class


@pytest.fixture
def sugg_lib(demo_lib):
    """The demo library with three articles the word classifier (tests/test_suggestions.py)
    suggests categories for, classified."""
    from amlref.services.classify import classify_all
    registry.register("amlref.classifiers", "words", _plugin_class()())
    demo_lib.articles.add_many([
        Article(title="Marrow samples after induction suggest-blix", citekey="sugg1"),
        Article(title="Marrow samples at relapse suggest-blix suggest-zant", citekey="sugg2"),
        Article(title="Marrow samples at diagnosis", citekey="sugg3")])
    classify_all(demo_lib)
    yield demo_lib
    registry.unregister("amlref.classifiers", "words")


def _items(w):
    return {tuple(it.data(0, Qt.UserRole + 1) or ()): it for it in w.sidebar.items()}


def _window(make_window, lib):
    from amlref.gui.suggestions import install
    w = make_window(lib)
    install(w)     # (the window has called it at start: a second call does nothing)
    return w


def _user_rows(lib, aid):
    return sorted(lib.execute("SELECT slug, source, state FROM article_categories WHERE "
                              "article_id = ? AND slug IN ('vaccines', 'car-nk')", (aid,)))


def test_accept_and_reject_from_the_suggested_node(qtbot, make_window, sugg_lib):
    lib = sugg_lib
    a1, a2 = lib.articles.find("sugg1").id, lib.articles.find("sugg2").id
    vaccines_before = len(lib.categories.ids_in(["vaccines"]))
    w = _window(make_window, lib)
    items = _items(w)
    # a Suggested node under Vaccines (2), under Adoptive cell therapy and its CAR-NK (1);
    # none under a category without suggestions
    assert items[("suggested", "vaccines")].text(1) == "2"
    assert items[("suggested", "vaccines")].parent() is items[("category", "vaccines")]
    assert items[("suggested", "adoptive-cell-therapy")].text(1) == "1"
    assert items[("suggested", "car-nk")].text(1) == "1"
    assert ("suggested", "t-cell-engagers") not in items
    assert items[("category", "vaccines")].text(1) == str(vaccines_before)   # assigned only

    wait_view(qtbot, w, lambda: w.sidebar.select_node(("suggested", "vaccines")))
    assert sorted(w.model.ids) == [a1, a2]
    assert "Suggested in Vaccines" in w.count_label.text()

    # the detail pane: the suggestions with their reasons, Accept and Reject
    w.select_ids([a2])
    qtbot.waitUntil(lambda: w.detail.article is not None and w.detail.article.id == a2)
    panel = w.detail.suggestions
    assert panel.isVisible() and set(panel.buttons) == {"vaccines", "car-nk"}
    why = panel.grid.itemAtPosition(_row(panel, "vaccines"), 0).widget().text()
    assert "<b>Vaccines</b>" in why and "suggest-blix (title)" in why
    assert "Vaccines" not in [w.detail.categories.topLevelItem(i).text(0)
                              for i in range(w.detail.categories.topLevelItemCount())]

    accept = panel.buttons["vaccines"][0]
    wait_view(qtbot, w, lambda: qtbot.mouseClick(accept, Qt.LeftButton))
    assert _user_rows(lib, a2) == [("car-nk", "auto", 2), ("vaccines", "user", 1)]
    assert w.undo_stack.undoText() == "Accept suggestion Vaccines"
    assert w.model.ids == [a1]                       # it left the Suggested list
    items = _items(w)
    assert items[("suggested", "vaccines")].text(1) == "1"
    assert items[("category", "vaccines")].text(1) == str(vaccines_before + 1)

    w.select_ids([a1])
    qtbot.waitUntil(lambda: w.detail.article is not None and w.detail.article.id == a1)
    reject = w.detail.suggestions.buttons["vaccines"][1]
    wait_view(qtbot, w, lambda: qtbot.mouseClick(reject, Qt.LeftButton))
    assert _user_rows(lib, a1) == [("vaccines", "user", 0)]
    assert w.undo_stack.undoText() == "Reject suggestion Vaccines"
    assert w.model.ids == []
    items = _items(w)
    assert items[("suggested", "vaccines")].text(1) == "0"   # shown while it is the view
    assert items[("category", "vaccines")].text(1) == str(vaccines_before + 1)

    # the decisions stick through re-classification; elsewhere the node goes away
    from amlref.services.classify import classify_all
    classify_all(lib)
    assert _user_rows(lib, a1) == [("vaccines", "user", 0)]
    assert ("vaccines", "user", 1) in _user_rows(lib, a2)
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("category", "vaccines")))
    w.refresh()
    qtbot.waitUntil(lambda: ("suggested", "vaccines") not in _items(w))
    assert a2 in w.model.ids and a1 not in w.model.ids

    # undo: the rejection, then the acceptance; both suggestions are back
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert _user_rows(lib, a1) == [("vaccines", "auto", 2)]
    assert _user_rows(lib, a2) == [("car-nk", "auto", 2), ("vaccines", "auto", 2)]
    qtbot.waitUntil(lambda: ("suggested", "vaccines") in _items(w))
    assert _items(w)[("suggested", "vaccines")].text(1) == "2"
    assert _items(w)[("category", "vaccines")].text(1) == str(vaccines_before)


def _row(panel, slug):
    for r in range(panel.grid.rowCount()):
        it = panel.grid.itemAtPosition(r, 1)
        if it is not None and it.widget() is panel.buttons[slug][0]:
            return r
    raise AssertionError(slug)


def test_an_article_without_suggestions_shows_no_panel(qtbot, make_window, sugg_lib):
    w = _window(make_window, sugg_lib)
    aid = sugg_lib.articles.find("sugg3").id
    w.jump_to(aid)
    qtbot.waitUntil(lambda: w.detail.article is not None and w.detail.article.id == aid)
    assert not w.detail.suggestions.isVisible() and w.detail.suggestions.buttons == {}


def test_a_bad_taxonomy_file_is_said_once_at_start(qtbot, make_window, lib, monkeypatch):
    """The loaded taxonomy carries ``problems`` (one line each) when the user's file was not
    usable; the window says so at start, in a message and the status bar."""
    from amlref.taxonomy import load
    tax = load()
    monkeypatch.setattr(tax, "problems", ["taxonomy.toml:3: unknown parent 'car-tt' of 'my-car'"],
                        raising=False)
    w = _window(make_window, lib)
    assert [k for k, t in w.messages if "unknown parent 'car-tt'" in t] == ["error"]
    assert "built-in taxonomy" in w.statusBar().currentMessage()
    from amlref.gui.suggestions import install
    install(w)
    assert len(w.messages) == 1


def test_accept_reject_are_undoable_user_decisions(qtbot, make_window, sugg_lib):
    """Accept / Reject in the detail pane make an undoable user decision."""
    w = make_window(sugg_lib)
    aid = sugg_lib.articles.find("sugg2").id
    w.jump_to(aid)
    qtbot.waitUntil(lambda: w.detail.article is not None and w.detail.article.id == aid)
    qtbot.mouseClick(w.detail.suggestions.buttons["car-nk"][1], Qt.LeftButton)
    assert ("car-nk", "user", 0) in _user_rows(sugg_lib, aid)
    w.undo_stack.undo()
    assert ("car-nk", "auto", 2) in _user_rows(sugg_lib, aid)
