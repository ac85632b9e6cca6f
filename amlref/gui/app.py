"""Start the window.  Gives a clear message (not a Qt abort) when no display or Qt platform
plugin is available, shows errors as readable messages (never tracebacks), and offers the demo
library on the first run with an empty default library.

On Debian/Ubuntu, Qt 6.5+ on X11 needs: libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1
libfontconfig1 libdbus-1-3 (and libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
libxcb-randr0 libxcb-render-util0 libxcb-image0 on minimal systems)."""
from __future__ import annotations

import os
import sys
import traceback

QT_PACKAGES = ("libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 "
               "libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libegl1 libgl1 "
               "libfontconfig1 libdbus-1-3")


def _display_problem() -> str | None:
    plat = os.environ.get("QT_QPA_PLATFORM", "")
    if plat in ("offscreen", "minimal", "vnc") or sys.platform in ("win32", "darwin"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY/WAYLAND_DISPLAY not set); run on a desktop, or use "
                "xvfb-run amlref, or QT_QPA_PLATFORM=offscreen")
    return None


def debian_package(soname: str) -> str:
    """``libxcb-icccm.so.4`` -> ``libxcb-icccm4`` (Debian's naming of shared-library packages)."""
    import re
    m = re.match(r"^(lib[\w.+-]+?)\.so\.(\d+)", soname)
    if not m:
        return soname
    name, ver = m.group(1).lower(), m.group(2)
    return f"{name}-{ver}" if name[-1].isdigit() else f"{name}{ver}"


def _platform_problem() -> str | None:
    """Qt aborts the whole process when the xcb platform plugin cannot load.  Load the plugin
    library ourselves first: if the system lacks one of its libraries, say which one."""
    plat = os.environ.get("QT_QPA_PLATFORM", "")
    if sys.platform != "linux" or plat not in ("", "xcb") or not os.environ.get("DISPLAY"):
        return None
    if os.environ.get("WAYLAND_DISPLAY") and not plat:
        return None
    import ctypes
    import re
    try:
        import PySide6
    except ImportError:
        return None
    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms",
                          "libqxcb.so")
    if not os.path.exists(plugin):
        return None
    try:
        ctypes.CDLL(plugin)
    except OSError as exc:
        m = re.search(r"(lib[^\s:]+\.so[.\d]*)", str(exc).replace(plugin, ""))
        missing = m.group(1) if m else str(exc)
        return (f"the Qt X11 platform plugin cannot load: {missing} is missing; on "
                f"Debian/Ubuntu: sudo apt-get install {debian_package(missing)} (all Qt needs: "
                f"{QT_PACKAGES}); or run with QT_QPA_PLATFORM=offscreen")
    return None


def _binding_problem() -> str | None:
    """PySide6 6.12 on Python < 3.12 corrupts the reference counts of None and True (each call
    of a void method drops one), and the process aborts after a few thousand calls."""
    try:
        import PySide6
    except ImportError as exc:
        return f"cannot load Qt (PySide6): {exc}"
    version = tuple(int(x) for x in PySide6.__version__.split(".")[:2] if x.isdigit())
    if version >= (6, 12) and sys.version_info < (3, 12):
        return (f"PySide6 {PySide6.__version__} does not work with Python "
                f"{sys.version_info[0]}.{sys.version_info[1]} (it aborts after a while); "
                "install 'PySide6-Essentials>=6.5,<6.12' or use Python 3.12+")
    return None


def readable(exc: BaseException) -> str:
    from amlref.core.errors import AmlrefError
    if isinstance(exc, AmlrefError):
        return str(exc)
    return f"Something went wrong: {type(exc).__name__}: {exc}"


def install_excepthook(parent_getter=lambda: None):
    """Unexpected errors in slots show a message box (and go to stderr for a bug report) instead
    of a traceback in the user's face or a silent abort."""
    def hook(etype, value, tb):
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        traceback.print_exception(etype, value, tb, file=sys.stderr)
        hook.last = readable(value)
        try:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QApplication, QMessageBox
            if QApplication.instance() is not None:
                box = QMessageBox(QMessageBox.Warning, "AMLRef", hook.last, QMessageBox.Ok,
                                  parent_getter())
                box.setAttribute(Qt.WA_DeleteOnClose)
                box.open()
        except Exception:  # never let the error display itself fail loudly
            pass
    hook.last = None
    sys.excepthook = hook
    return hook


def offer_demo(window, is_default: bool) -> bool:
    """First run with an empty default library: offer the demo library.  True when loading."""
    from PySide6.QtWidgets import QMessageBox
    s = window.settings
    if not is_default or window.lib.articles.count(include_deleted=True) > 0:
        return False
    if s.value("demo_offered", False, type=bool):
        return False
    s.setValue("demo_offered", True)
    answer = QMessageBox.question(
        window, "Welcome to AMLRef",
        "Your library is empty.  Load a small demo library (the review “Updates in novel "
        "immunotherapeutic strategies for relapsed/refractory AML” and its related articles)?\n\n"
        "You can also drop BibTeX, RIS, PubMed files or DOIs on the window at any time.")
    if answer == QMessageBox.Yes:
        window.load_demo()
        return True
    return False


def _smoke_test(window) -> None:
    """Say when the event loop first runs, then close once the window's work (an import of
    the files given) is done."""
    from PySide6.QtCore import QTimer

    def close():
        if window.runner.busy:
            QTimer.singleShot(100, close)
        else:
            window.close()

    def shown():
        sys.stderr.write("amlref: window shown\n")
        sys.stderr.flush()
        close()
    QTimer.singleShot(0, shown)


def run(library: str | None = None, files: list[str] | tuple = ()) -> int:
    problem = _display_problem() or _binding_problem() or _platform_problem()
    if problem:
        sys.stderr.write(f"amlref: error: {problem}\n")
        return 2
    from amlref.core.errors import AmlrefError
    from amlref.storage.library import Library, default_library_path
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError as exc:
        sys.stderr.write(f"amlref: error: cannot load Qt (PySide6): {exc}\n")
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AMLRef")
    app.setOrganizationName("AMLRef")
    app.setDesktopFileName("io.github.amlref.AMLRef")     # resources/linux/ (Wayland app id)
    from PySide6.QtGui import QIcon
    from amlref.core.resources import resource_path
    app.setWindowIcon(QIcon(str(resource_path("icons/amlref.svg"))))
    settings = QSettings("AMLRef", "AMLRef")
    path = library or settings.value("library_path", "") or None
    is_default = path is None
    try:
        lib = Library.open(path or default_library_path())
    except AmlrefError as exc:
        QMessageBox.critical(None, "AMLRef", f"Cannot open the library:\n{exc}")
        sys.stderr.write(f"amlref: error: {exc}\n")
        return 2
    from amlref.gui.main_window import MainWindow
    window = MainWindow(lib, settings)
    install_excepthook(lambda: window)
    window.show()
    from amlref.gui.open_files import install_file_open_handler, open_files
    install_file_open_handler(app, window)      # macOS: files opened from Finder
    if files:                    # amlref FILE... ("Open with AMLRef"): imported as if dropped
        open_files(window, files)
    elif not os.environ.get("AMLREF_SMOKE_TEST"):      # (a smoke test asks nothing)
        if not offer_demo(window, is_default):    # a new empty library: default watches
            from amlref.gui.watch_dialogs import offer_defaults
            offer_defaults(window)
    if os.environ.get("AMLREF_SMOKE_TEST"):   # packaging/smoke_test_frozen.sh: up, then close
        _smoke_test(window)
    if app.platformName() == "offscreen":
        # Qt's offscreen platform crashes at exit while the clipboard holds a QMimeData
        app.aboutToQuit.connect(lambda: app.clipboard().clear())
    try:
        return app.exec()
    finally:
        lib.close()


def main() -> int:
    return run(None)
