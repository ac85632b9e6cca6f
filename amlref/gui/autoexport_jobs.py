"""Auto-export (a mixin of the main window): files bound to views are rewritten shortly after
changes, batched, in a background job."""
from __future__ import annotations


class AutoExportMixin:
    def schedule_auto_export(self) -> None:
        """Files bound to views are rewritten shortly after changes (batched), off the GUI
        thread; unchanged content is not rewritten."""
        self.autoexport_timer.start()

    def run_auto_exports(self) -> None:
        try:
            from amlref.services.autoexport import run_all
        except ImportError:
            return
        if not self.lib.execute("SELECT 1 FROM auto_exports LIMIT 1").fetchone():
            return
        if self.runner.busy:
            self.autoexport_timer.start()
            return

        def done(results):
            written = [r for r in results if r.get("written")]
            errors = [r for r in results if r.get("error")]
            if written:
                self.statusBar().showMessage(f"Auto-export: rewrote {len(written)} file(s)", 5000)
            for r in errors:
                self.statusBar().showMessage(f"Auto-export {r['path']}: {r['error']}", 10000)
            self.job_finished.emit("auto-export", results)
        self.runner.start(lambda lib, progress, cancel: run_all(lib), "Auto-export", done,
                          self._job_error("Auto-export failed"), parent=None, progress=False)
