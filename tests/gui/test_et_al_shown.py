"""The window shows "et al." after a name list cut short (decision 0033): the author column of
the table and the detail pane's heading, for a list marked on import of a real BibTeX file
with ``and others`` and for an old library's author "others"; never the word "others"."""
from __future__ import annotations

import json

from amlref.core.article import Article, Person as P
from amlref.services.importing import import_paths
from tests.conftest import corpus

MENDELEY = """@article{Daver2019,
author = {Daver, Naval and Garcia-Manero, Guillermo and others},
title = {{Efficacy, safety, and biomarkers of response to azacitidine and nivolumab}},
journal = {Cancer Discovery},
year = {2019}
}

@article{Whole2019,
author = {Daver, Naval and Garcia-Manero, Guillermo},
title = {{A list that is complete}},
journal = {Cancer Discovery},
year = {2019}
}
"""


def shown(qtbot, w, aid):
    w.jump_to(aid)
    qtbot.waitUntil(lambda: w.current_id() == aid, timeout=5000)
    row = w.model.row_of(aid)
    return w.model.index(row, 0).data(), w.detail.heading.text()


def test_table_and_detail_show_et_al(qtbot, make_window, lib, tmp_path):
    bib = tmp_path / "mendeley.bib"
    bib.write_text(MENDELEY, encoding="utf-8")
    jabref = corpus("bibtex", "jabref-testbib", "testjabref.bib")
    import_paths(lib, [str(bib), str(jabref)])
    # an article of a library imported before decision 0033: an author "others"
    old = lib.articles.add(Article(title="Old import", issued="2018", container="Blood",
                                   authors=[P("Kantarjian", "Hagop"), P(literal="others")]))
    (raw,) = lib.execute("SELECT authors FROM articles WHERE id = ?", (old,)).fetchone()
    assert json.loads(raw)[-1] == {"literal": "others"}
    w = make_window(lib)
    cut, whole = lib.articles.find("Daver2019").id, lib.articles.find("Whole2019").id
    xu, one = lib.articles.find("Xu2020").id, lib.articles.find("Antognini2020").id

    cell, head = shown(qtbot, w, cut)
    assert cell == "Daver N, Garcia-Manero G et al."
    assert "Daver, Naval; Garcia-Manero, Guillermo et al." in head

    cell, head = shown(qtbot, w, whole)
    assert cell == "Daver N, Garcia-Manero G" and "et al." not in head

    cell, head = shown(qtbot, w, one)
    assert cell == "Antognini A et al."
    assert "Antognini, A. et al." in head

    cell, head = shown(qtbot, w, xu)       # ten names and others: three in the table, six here
    assert cell == "Xu Z, Shi L, Wang Y et al."
    assert "Zhang, Chao et al." in head and "Liu" not in head

    cell, head = shown(qtbot, w, old)
    assert cell == "Kantarjian H et al."
    assert "Kantarjian, Hagop et al." in head and "others" not in head.lower()
    # the tooltip says the same as the cell
    idx = w.model.index(w.model.row_of(old), 0)
    from PySide6.QtCore import Qt
    assert idx.data(Qt.ToolTipRole) == "Kantarjian H et al."
