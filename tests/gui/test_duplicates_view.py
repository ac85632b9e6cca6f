"""The Duplicates view lists the look-alike records of one file that the import kept apart."""
from __future__ import annotations

from tests.gui.conftest import wait_job, wait_view
from tests.test_dedup import LOOKALIKES


def test_lookalikes_of_an_imported_file_are_in_the_duplicates_view(qtbot, window, lib,
                                                                    tmp_path):
    path = tmp_path / "venetoclax.ris"
    path.write_text(LOOKALIKES, encoding="utf-8")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    what, report = wait_job(qtbot, window, lambda: window.import_files([str(path)]))
    assert what == "import" and len(report.added) == 5 and len(report.apart) == 3
    kind, text = window.messages[-1][:2]
    assert kind == "info" and "3 kept apart from a look-alike record of the same file" in text
    wait_view(qtbot, window, lambda: window.sidebar.select_node(("duplicates", None)))
    assert sorted(window.model.ids) == sorted(report.added[:4])
