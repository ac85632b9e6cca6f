"""The frozen build's windowed entry point, ``amlref-gui`` (no console window on Windows, the
macOS .app's executable).  A windowed program has no stdout/stderr: what AMLRef would write
there goes to amlref-gui.log in the user log folder."""
import multiprocessing
import os
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--amlref-pdf-child"]:      # amlref.pdf.isolate.child_command
        from amlref.pdf.child import main as pdf_child
        sys.argv = sys.argv[:1] + sys.argv[2:]
        sys.exit(pdf_child())
    if sys.stderr is None or sys.stdout is None:
        import platformdirs
        folder = platformdirs.user_log_dir("amlref", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        log = open(os.path.join(folder, "amlref-gui.log"), "a", encoding="utf-8", buffering=1)
        sys.stdout = sys.stdout or log
        sys.stderr = sys.stderr or log
    from amlref.gui.app import run
    sys.exit(run(None, [a for a in sys.argv[1:] if not a.startswith("-psn_")]))
