"""Copy as formatted reference / Copy bibliography (plain text and HTML on the real clipboard),
the style chooser in Preferences, and the references of a drag, on the demo library."""
from __future__ import annotations

from amlref.formats import csl


def _clip():
    from PySide6.QtGui import QGuiApplication
    return QGuiApplication.clipboard().mimeData()


def test_copy_as_formatted_reference_puts_plain_text_and_html(demo_window, demo_lib):
    from amlref.gui.copy_formatted import copy_selection
    seed = demo_lib.articles.find("39697225")
    demo_window.select_ids([seed.id])
    msg = copy_selection(demo_lib, demo_window.selected_ids())
    assert msg.startswith("Copied 1 formatted reference") and "Vancouver" in msg
    md = _clip()
    assert md.hasText() and md.hasHtml()
    assert {"text/plain", "text/html"} <= set(md.formats())
    assert md.text() == csl.format_bibliography([seed], numbered=False)
    assert md.text().startswith("Bawek S, Gurusinghe S, Burwinkel M, Przespolewski A. Updates "
                                "in novel immunotherapeutic strategies")
    assert "Front Oncol. 2024" in md.text() and "\n" not in md.text()
    assert '<div class="csl-entry">Bawek S,' in md.html()


def test_copy_bibliography_numbers_the_selection_in_the_chosen_style(demo_window, demo_lib):
    from amlref.gui.copy_formatted import copy_selection
    ids = [a.id for a in list(demo_lib.articles.iter_all())[:3]]
    demo_window.select_ids(ids)
    sel = demo_window.selected_ids()
    assert len(sel) == 3
    copy_selection(demo_lib, sel, bibliography=True)
    lines = _clip().text().splitlines()
    assert [ln[:3] for ln in lines] == ["1. ", "2. ", "3. "]
    assert _clip().html().count('class="csl-entry"') == 3

    demo_lib.settings.set(csl.SETTING, "apa")
    msg = copy_selection(demo_lib, sel, bibliography=True)
    assert "APA" in msg
    arts = demo_lib.articles.get_many(sel)
    assert _clip().text() == csl.format_bibliography(arts, "apa")
    assert "<i>" in _clip().html()       # APA: journal and volume in italics
    assert not _clip().text().startswith("1.")


def test_preferences_chooser_stores_the_style_and_drags_use_it(qtbot, demo_window, demo_lib,
                                                              qsettings):
    from amlref.gui.dialogs import PreferencesDialog
    from amlref.gui.mime import make_mime
    d = PreferencesDialog(demo_window, demo_lib, qsettings)
    qtbot.addWidget(d)
    box = d.citation_style
    assert box.currentData() == "vancouver"            # the default
    assert [box.itemData(i) for i in range(box.count())] == [n for n, _ in csl.styles()]
    box.setCurrentIndex(box.findData("nature"))
    d.save()
    assert demo_lib.settings.get(csl.SETTING) == "nature"

    seed = demo_lib.articles.find("39697225")
    md = make_mime(demo_lib, [seed.id])
    assert "Bawek, S., Gurusinghe, S., Burwinkel, M. &amp; Przespolewski, A." in md.html()
    assert "<i>Front Oncol</i> <b>14</b>, 1374963 (2024)." in md.html()
    assert md.text() == "\\cite{Bawek2024}"           # the drag's text stays the \cite
    d2 = PreferencesDialog(demo_window, demo_lib, qsettings)
    qtbot.addWidget(d2)
    assert d2.citation_style.currentData() == "nature"


def test_a_style_no_longer_there_falls_back_to_vancouver(demo_window, demo_lib):
    from amlref.gui.copy_formatted import copy_selection, current_style, style_chooser
    demo_lib.settings.set(csl.SETTING, "gone-style")
    assert current_style(demo_lib) == "vancouver"
    assert style_chooser(demo_lib).currentData() == "vancouver"
    demo_lib.settings.set(csl.SETTING, "ama")        # an alias is shown under its name
    assert style_chooser(demo_lib).currentData() == "american-medical-association"
    seed = demo_lib.articles.find("39697225")
    assert copy_selection(demo_lib, [seed.id]).startswith("Copied 1")
    assert copy_selection(demo_lib, []) == "Nothing selected"


def test_a_drag_of_very_many_articles_leaves_the_formatted_references_out(demo_lib):
    from amlref.gui import copy_formatted
    arts = list(demo_lib.articles.iter_all())
    assert copy_formatted.reference_entries(demo_lib, arts)
    old = copy_formatted.DRAG_LIMIT
    copy_formatted.DRAG_LIMIT = len(arts) - 1
    try:
        assert copy_formatted.reference_entries(demo_lib, arts) == []
    finally:
        copy_formatted.DRAG_LIMIT = old


def test_the_window_menu_actions_copy_the_selection(demo_window, demo_lib):
    """Edit > Copy as formatted reference and Copy bibliography, and the table's context menu."""
    seed = demo_lib.articles.find("39697225")
    demo_window.select_ids([seed.id])
    demo_window.act_copy_ref.trigger()
    assert _clip().text() == csl.format_bibliography([seed], numbered=False)
    assert "Copied 1 formatted reference" in demo_window.statusBar().currentMessage()
    demo_window.act_copy_bib.trigger()
    assert _clip().text().startswith("1. Bawek S")
    menu = demo_window.table_menu([seed.id])
    texts = [a.text() for a in menu.actions()]
    assert "Copy as &formatted reference" in texts and "Copy &bibliography" in texts
