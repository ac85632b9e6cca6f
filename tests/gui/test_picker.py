"""The quick citation picker, raised by a real HTTP request to the window's server (sent from
another thread) and driven with the keyboard: type, choose, Enter; Esc; the category filter;
the window's clipboard and selection; the port setting."""
from __future__ import annotations

import socket
import threading

import pytest
import requests
from PySide6.QtCore import Qt

from test_server_support import fill


@pytest.fixture
def running(make_window, lib, qsettings):
    fill(lib)
    qsettings.setValue("server/enabled", True)
    qsettings.setValue("server/port", 0)          # a free port
    w = make_window(lib)                          # (the window starts its server)
    ws = w.cite_server
    assert ws is not None and ws.port
    yield w, ws
    ws.stop()


class Asker:
    """A request from another thread, as an editor sends it while the window runs."""

    def __init__(self, port: int, **params):
        self.response = None
        self.thread = threading.Thread(target=self._run, args=(port, params), daemon=True)
        self.thread.start()

    def _run(self, port, params):
        self.response = requests.get(f"http://127.0.0.1:{port}/better-bibtex/cayw",
                                     params=params, timeout=60)

    def answer(self, qtbot):
        qtbot.waitUntil(lambda: self.response is not None, timeout=10000)
        return self.response


def _picker(qtbot, ws):
    qtbot.waitUntil(lambda: ws.host.bridge.current is not None and
                    ws.host.bridge.current.isVisible(), timeout=10000)
    return ws.host.bridge.current


def _type(qtbot, dlg, text):
    qtbot.keyClicks(dlg.field, text)
    qtbot.waitUntil(lambda: dlg.results.count() > 0, timeout=5000)


def _keys(dlg):
    return [dlg.results.item(i).data(Qt.UserRole)["citekey"] for i in range(dlg.results.count())]


def test_type_choose_enter_with_a_locator_then_finish(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="pandoc", brackets="1")
    dlg = _picker(qtbot, ws)
    assert dlg.windowFlags() & Qt.WindowStaysOnTopHint and dlg.windowFlags() & Qt.FramelessWindowHint
    assert not dlg.locator.isHidden()                 # pandoc citations take locators
    _type(qtbot, dlg, "Bawek")
    assert _keys(dlg)[0] == "Bawek2024"
    qtbot.keyClicks(dlg.locator, "p. 12")
    qtbot.keyClick(dlg.locator, Qt.Key_Return)       # Enter adds the chosen result
    assert [c.citekey for c in dlg.chosen] == ["Bawek2024"] and dlg.field.text() == ""
    _type(qtbot, dlg, "Dohner")
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClick(dlg.field, Qt.Key_Return)         # Enter on empty input finishes
    r = ask.answer(qtbot)
    assert (r.status_code, r.text) == (200, "[@Bawek2024, p. 12; @Dohner2010]")
    assert ws.host.bridge.current is None


def test_details_after_adding_change_the_last_citation(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="pandoc", brackets="1")
    dlg = _picker(qtbot, ws)
    _type(qtbot, dlg, "Bawek")
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClicks(dlg.prefix, "see")
    qtbot.keyClicks(dlg.suffix, "for a review")
    qtbot.keyClick(dlg.suffix, Qt.Key_Return)        # empty search: details go to the last one
    assert not dlg.result() and "see, for a review" in dlg.chosen_label.text()
    _type(qtbot, dlg, "Dohner2010")
    dlg.year_only.setChecked(True)                    # Alt+A in the dialog
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    assert ask.answer(qtbot).text == "[see @Bawek2024 for a review; -@Dohner2010]"


def test_arrows_choose_and_results_follow_typing(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="latex")
    dlg = _picker(qtbot, ws)
    assert dlg.locator.isHidden() is False
    _type(qtbot, dlg, "relapsed")
    keys = _keys(dlg)
    assert len(keys) >= 3
    qtbot.keyClick(dlg.field, Qt.Key_Down)
    qtbot.keyClick(dlg.field, Qt.Key_Down)
    qtbot.keyClick(dlg.field, Qt.Key_Up)
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClicks(dlg.field, "xq")                  # more typing narrows to nothing
    qtbot.waitUntil(lambda: dlg.results.count() == 0, timeout=5000)
    qtbot.keyClick(dlg.field, Qt.Key_Return)          # nothing chosen: nothing added
    dlg.field.clear()
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    assert ask.answer(qtbot).text == "\\cite{" + keys[1] + "}"


def test_escape_cancels_with_an_empty_answer(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="pandoc")
    dlg = _picker(qtbot, ws)
    _type(qtbot, dlg, "Bawek")
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClick(dlg.field, Qt.Key_Escape)
    r = ask.answer(qtbot)
    assert (r.status_code, r.text) == (200, "")


def test_backspace_on_empty_input_takes_the_last_citation_back(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="mmd")
    dlg = _picker(qtbot, ws)
    assert dlg.locator.isHidden() and not dlg.prefix.isHidden()   # mmd: a prefix only
    for name in ("Bawek", "Dohner"):
        _type(qtbot, dlg, name)
        qtbot.keyClick(dlg.field, Qt.Key_Return)
    qtbot.keyClick(dlg.field, Qt.Key_Backspace)
    qtbot.keyClick(dlg.field, Qt.Key_Return)
    assert ask.answer(qtbot).text == "[#Bawek2024][]"


def test_the_current_category_filters_the_search(qtbot, running):
    w, ws = running
    w.select_node(("category", "car-t"))
    ask = Asker(ws.port, format="pandoc")
    dlg = _picker(qtbot, ws)
    assert dlg.only.isVisible() and dlg.only.isChecked() and "CAR-T" in dlg.only.text()
    _type(qtbot, dlg, "leukemia")
    inside = set(_keys(dlg))
    assert inside and inside <= {"Bawek2024", "CarTRayOfHope2021"}
    dlg.only.setChecked(False)
    qtbot.waitUntil(lambda: len(_keys(dlg)) > len(inside), timeout=5000)
    qtbot.keyClick(dlg.only, Qt.Key_Escape)
    assert ask.answer(qtbot).text == ""


def test_window_keeps_running_while_a_picker_is_open(qtbot, running):
    w, ws = running
    ask = Asker(ws.port, format="pandoc")
    dlg = _picker(qtbot, ws)
    # the GUI thread is free: other requests are served, the window repaints
    r = requests.get(f"http://127.0.0.1:{ws.port}/better-bibtex/cayw?probe=1", timeout=10)
    assert r.text == "ready"
    r = requests.get(f"http://127.0.0.1:{ws.port}/better-bibtex/cayw?format=pandoc", timeout=10)
    assert r.status_code == 409
    w.repaint()
    dlg.reject()
    assert ask.answer(qtbot).text == ""


def test_clipboard_and_select_go_to_the_window(qtbot, running, lib):
    from PySide6.QtGui import QGuiApplication
    w, ws = running
    ask = Asker(ws.port, format="biblatex", keys="Dohner2010", clipboard="1", select="1")
    assert ask.answer(qtbot).text == r"\autocite{Dohner2010}"
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == r"\autocite{Dohner2010}",
                    timeout=5000)
    did = lib.articles.find("Dohner2010").id
    qtbot.waitUntil(lambda: w.selected_ids() == [did], timeout=5000)
    r = Asker(ws.port, format="pandoc", selected="1").answer(qtbot)
    assert r.text == "@Dohner2010"


def test_server_off_by_setting_or_when_the_port_is_taken(make_window, lib, qsettings, qtbot):
    from amlref.gui.picker import start_server_for_window
    fill(lib)
    qsettings.setValue("server/enabled", False)
    w = make_window(lib)
    assert w.cite_server is None and start_server_for_window(w) is None
    qsettings.setValue("server/enabled", True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        qsettings.setValue("server/port", taken.getsockname()[1])
        assert start_server_for_window(w) is None
        assert "in use" in w.statusBar().currentMessage()
