"""GUI fixtures: a window on a temporary library, offscreen, with its own QSettings file."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6")

from support import CORPORA, ROOT, corpus  # noqa: E402,F401  (same names as tests/conftest.py)


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings
    s = QSettings(str(tmp_path / "amlref-test-settings.ini"), QSettings.IniFormat)
    s.setValue("server/enabled", False)   # (tests of the citation server turn it on)
    return s


@pytest.fixture
def make_window(qtbot, qsettings, lib):
    """make_window(lib) -> MainWindow shown and loaded.  Closed (loader thread stopped) at the
    end, before the test's library closes (closing writes pending auto-exports)."""
    from amlref.gui.main_window import MainWindow
    made = []

    def make(lib, settings=None):
        w = MainWindow(lib, settings if settings is not None else qsettings)
        qtbot.addWidget(w)
        with qtbot.waitSignal(w.view_loaded, timeout=5000):
            w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.runner.wait(10000)
        w.close()


@pytest.fixture
def demo_lib(lib):
    from amlref.gui.demo import load_demo
    load_demo(lib)
    return lib


@pytest.fixture
def window(make_window, lib):
    return make_window(lib)


@pytest.fixture
def demo_window(make_window, demo_lib):
    return make_window(demo_lib)


def wait_view(qtbot, w, action, timeout=5000):
    with qtbot.waitSignal(w.view_loaded, timeout=timeout):
        action()


def wait_job(qtbot, w, action, timeout=30000):
    """Run an action that starts a background job; returns (what, result) of job_finished."""
    with qtbot.waitSignal(w.job_finished, timeout=timeout) as blocker:
        action()
    # the view reload that follows a job
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=timeout)
    qtbot.wait(50)
    return blocker.args


def drop(widget, mime, pos=None):
    """Deliver a real drag-enter + drop with this QMimeData to a widget."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication
    p = pos if pos is not None else widget.rect().center()
    enter = QDragEnterEvent(p, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, enter)
    ev = QDropEvent(QPointF(p), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(widget, ev)
    return enter.isAccepted(), ev.isAccepted()


def article_row_ids(w):
    return list(w.model.ids)


@pytest.fixture(autouse=True)
def _restore_view_settings():
    """A window turns automatic re-classification in views off for its process; other tests
    in the same run expect the default."""
    from amlref.services import views
    saved = views.AUTO_RECLASSIFY
    yield
    views.AUTO_RECLASSIFY = saved


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit():
    """Qt's offscreen platform crashes at interpreter exit while the clipboard holds a
    QMimeData (PySide6 6.11, not on xcb): give it back before the session ends."""
    yield
    from PySide6.QtGui import QGuiApplication
    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
