"""The detail pane of the selected article: editable fields (each edit is undoable; the window
pushes the commands), abstract, identifiers as links, categories with their reasons, tags,
notes, and the Citations tab (references, cited by, similar, missing key papers)."""
from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QMenu, QPlainTextEdit, QPushButton, QScrollArea, QTabWidget, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget)

from amlref.core.article import Person
from amlref.core.identifiers import doi_url
from amlref.formats.et_al import shown

EDIT_FIELDS = [("citekey", "Key"), ("type", "Type"), ("title", "Title"), ("authors", "Authors"),
               ("container", "Journal"), ("container_short", "Journal abbr."),
               ("issued", "Date"), ("volume", "Volume"), ("issue", "Issue"), ("pages", "Pages"),
               ("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"), ("url", "URL"),
               ("publisher", "Publisher"), ("keywords", "Keywords")]
ITEM = Qt.UserRole + 2


def authors_to_text(people) -> str:
    return "; ".join(p.literal or ", ".join(x for x in (p.family, p.given) if x) for p in people)


def text_to_authors(text: str) -> list[Person]:
    out = []
    for part in [x.strip() for x in text.split(";") if x.strip()]:
        if "," in part:
            fam, given = part.split(",", 1)
            out.append(Person(family=fam.strip(), given=given.strip()))
        else:
            out.append(Person(literal=part) if " " in part else Person(family=part))
    return out


def field_text(a, name: str) -> str:
    v = getattr(a, name)
    if name in ("authors", "editors"):
        return authors_to_text(v)
    if name in ("keywords", "mesh"):
        return "; ".join(v)
    return "" if v is None else str(v)


def text_to_value(name: str, text: str):
    if name in ("authors", "editors"):
        return text_to_authors(text)
    if name in ("keywords", "mesh"):
        return [x.strip() for x in text.split(";") if x.strip()]
    return text.strip()


def identifier_links(a) -> str:
    links = []
    if a.doi:
        links.append(f'DOI&nbsp;<a href="{html.escape(doi_url(a.doi))}">{html.escape(a.doi)}</a>')
    if a.pmid:
        links.append(f'PMID&nbsp;<a href="https://pubmed.ncbi.nlm.nih.gov/{a.pmid}/">{a.pmid}</a>')
    if a.pmcid:
        links.append(f'PMCID&nbsp;<a href="https://www.ncbi.nlm.nih.gov/pmc/articles/{a.pmcid}/">'
                     f'{a.pmcid}</a>')
    if a.url and not links:
        links.append(f'<a href="{html.escape(a.url)}">{html.escape(a.url[:60])}</a>')
    return " &nbsp;·&nbsp; ".join(links)


def reason_text(reasons) -> str:
    parts = []
    for r in reasons or []:
        if isinstance(r, dict):
            words = r.get("words") or r.get("matched") or []
            where = r.get("field") or ""
            rule = r.get("rule") or ""
            s = ", ".join(str(w) for w in words) if words else rule
            parts.append(f"{s} ({where})" if where else s)
        else:
            parts.append(str(r))
    return "; ".join(p for p in parts if p)


class DetailPane(QWidget):
    edit_requested = Signal(int, dict)
    category_toggled = Signal(int, str, int)    # ints, not bools (PySide6 refcount bug)
    tag_requested = Signal(int, str, int)
    note_saved = Signal(int, object, str)        # article id, note id or None, text
    jump_requested = Signal(int)
    stub_add_requested = Signal(dict)
    link_activated = Signal(str)
    missing_requested = Signal()
    article_shown = Signal(int)                 # id, -1: none (plugins' tabs follow it)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lib = None
        self.article = None
        self.edits: dict[str, QLineEdit] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.RichText)
        self.heading.setObjectName("heading")
        self.ids_label = QLabel()
        self.ids_label.setTextFormat(Qt.RichText)
        self.ids_label.setOpenExternalLinks(False)
        self.ids_label.setWordWrap(True)
        self.ids_label.linkActivated.connect(self.link_activated)
        self.ids_label.setObjectName("identifiers")
        lay.addWidget(self.heading)
        lay.addWidget(self.ids_label)
        # the classifier's suggestions: Accept / Reject are the user's category decisions
        from amlref.gui.suggestions import SuggestionsPanel
        self.suggestions = SuggestionsPanel()
        self.suggestions.decided.connect(self.category_toggled)
        lay.addWidget(self.suggestions)
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setExpanding(False)
        lay.addWidget(self.tabs, 1)
        from amlref.gui.attachments_pane import AttachmentsPane
        self.files = AttachmentsPane()          # the article's files, below the tabs
        lay.addWidget(self.files)

        # Details: editable fields
        form_host = QWidget()
        form = QFormLayout(form_host)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for name, label in EDIT_FIELDS:
            e = QLineEdit()
            e.setObjectName(f"edit_{name}")
            e.editingFinished.connect(lambda n=name: self._commit(n))
            self.edits[name] = e
            form.addRow(label, e)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.tabs.addTab(scroll, "Details")

        # Abstract
        ab = QWidget()
        abl = QVBoxLayout(ab)
        self.abstract = QPlainTextEdit()
        self.abstract.setObjectName("abstract")
        save_ab = QPushButton("Save abstract")
        save_ab.clicked.connect(self._save_abstract)
        abl.addWidget(self.abstract)
        abl.addWidget(save_ab, 0, Qt.AlignRight)
        self.tabs.addTab(ab, "Abstract")

        # Categories with reasons
        cw = QWidget()
        cl = QVBoxLayout(cw)
        self.categories = QTreeWidget()
        self.categories.setHeaderLabels(["Category", "Source", "Why"])
        self.categories.setObjectName("categories")
        self.categories.itemChanged.connect(self._category_changed)
        row = QHBoxLayout()
        self.category_pick = QComboBox()
        self.category_pick.setEditable(True)
        add_cat = QPushButton("Add category")
        add_cat.clicked.connect(self._add_category)
        row.addWidget(self.category_pick, 1)
        row.addWidget(add_cat)
        cl.addWidget(self.categories)
        cl.addLayout(row)
        hint = QLabel("Unticking removes a category for good: re-classification keeps your "
                      "choice.")
        hint.setWordWrap(True)
        cl.addWidget(hint)
        self.tabs.addTab(cw, "Categories")

        # Tags and notes
        tw = QWidget()
        tl = QVBoxLayout(tw)
        self.tags = QListWidget()
        self.tags.setObjectName("tags")
        self.tags.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tags.customContextMenuRequested.connect(self._tag_menu)
        trow = QHBoxLayout()
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText("new tag")
        self.tag_edit.returnPressed.connect(self._add_tag)
        add_tag = QPushButton("Add tag")
        add_tag.clicked.connect(self._add_tag)
        rm_tag = QPushButton("Remove")
        rm_tag.clicked.connect(self._remove_tag)
        trow.addWidget(self.tag_edit, 1)
        trow.addWidget(add_tag)
        trow.addWidget(rm_tag)
        tl.addWidget(QLabel("Tags"))
        tl.addWidget(self.tags, 1)
        tl.addLayout(trow)
        tl.addWidget(QLabel("Notes"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        save_note = QPushButton("Save note")
        save_note.clicked.connect(self._save_note)
        tl.addWidget(self.notes, 2)
        tl.addWidget(save_note, 0, Qt.AlignRight)
        self.tabs.addTab(tw, "Tags && notes")

        # Citations
        cit = QWidget()
        citl = QVBoxLayout(cit)
        self.citations = QTreeWidget()
        self.citations.setObjectName("citations")
        self.citations.setHeaderLabels(["Work", "Year", "In library"])
        self.citations.header().setStretchLastSection(False)
        self.citations.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.citations.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.citations.header().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.citations.itemActivated.connect(self._citation_activated)
        self.citations.setContextMenuPolicy(Qt.CustomContextMenu)
        self.citations.customContextMenuRequested.connect(self._citation_menu)
        self.missing_button = QPushButton("Missing key papers of this view")
        self.missing_button.clicked.connect(self.missing_requested)
        citl.addWidget(self.citations, 1)
        citl.addWidget(self.missing_button, 0, Qt.AlignRight)
        self.tabs.addTab(cit, "Citations")
        self.show_article(None, None)

    # -- showing -----------------------------------------------------------------------------
    def show_article(self, lib, article_id: int | None) -> None:
        self.lib = lib
        a = None
        if lib is not None and article_id is not None:
            try:
                a = lib.articles.get(article_id)
            except Exception:
                a = None
        self.article = a
        self.setEnabled(a is not None)
        self.files.show_article(lib, a)
        if a is None:
            self.heading.setText("<i>No article selected</i>")
            self.ids_label.setText("")
            for e in self.edits.values():
                e.clear()
            self.abstract.clear()
            self.categories.clear()
            self.tags.clear()
            self.notes.clear()
            self.citations.clear()
            self.suggestions.show_suggestions(None, [], str)
            self.article_shown.emit(-1)
            return
        people, more = shown(a, "author")   # "et al." also for a list cut short (0033)
        who = html.escape(authors_to_text(people[:6])
                          + (" et al." if people and (more or len(people) > 6) else ""))
        where = html.escape(" ".join(x for x in (a.container or a.container_short,
                                                    str(a.year or "")) if x))
        self.heading.setText(f"<b style='font-size:13pt'>{html.escape(a.title) or '(no title)'}</b>"
                             f"<br>{who}<br><i>{where}</i>")
        self.ids_label.setText(identifier_links(a))
        for name, e in self.edits.items():
            e.blockSignals(True)
            e.setText(field_text(a, name))
            e.setCursorPosition(0)
            e.setToolTip("edited by you" if name in a.user_edited else "")
            e.blockSignals(False)
        self.abstract.setPlainText(a.abstract)
        self._fill_categories(lib, a)
        self.tags.clear()
        for name, source in lib.tags.with_sources(a.id):
            it = QListWidgetItem(name)
            it.setToolTip(f"source: {source}")
            self.tags.addItem(it)
        notes = lib.notes.of(a.id)
        self.note_id = notes[0][0] if notes else None
        self.notes.setPlainText("\n\n".join(t for _, t in notes))
        self._fill_citations(lib, a)
        self.article_shown.emit(a.id)

    def _fill_categories(self, lib, a) -> None:
        from amlref.gui.queries import label
        self.suggestions.show_suggestions(a.id, lib.categories.suggestions(a.id), label)
        self.categories.blockSignals(True)
        self.categories.clear()
        for row in lib.categories.of(a.id, include_removed=True):
            if row["state"] not in (0, 1):   # a suggestion: in the panel above the tabs
                continue
            it = QTreeWidgetItem([label(row["slug"]), row["source"] + (" (removed)" if not
                                                                       row["state"] else ""),
                                  reason_text(row["reason"])])
            it.setToolTip(0, row["slug"])
            it.setFlags(it.flags() | Qt.ItemIsUserCheckable)
            it.setCheckState(0, Qt.Checked if row["state"] else Qt.Unchecked)
            it.setData(0, ITEM, (row["slug"], row["kind"]))
            it.setToolTip(2, json.dumps(row["reason"], ensure_ascii=False)[:500])
            self.categories.addTopLevelItem(it)
        self.categories.resizeColumnToContents(0)
        self.categories.resizeColumnToContents(1)
        self.categories.blockSignals(False)

    def set_category_choices(self, cats, facets) -> None:
        """The categories and facets offered by "Add category" (from the sidebar tree)."""
        cur = self.category_pick.currentText()
        self.category_pick.clear()
        stack = list(cats) + list(facets)
        while stack:
            n = stack.pop(0)
            if n.get("slug"):
                self.category_pick.addItem(n["label"], n["slug"])
            stack[0:0] = n.get("children", [])
        self.category_pick.setEditText(cur)

    def _fill_citations(self, lib, a) -> None:
        t = self.citations
        t.clear()
        bold = QFont()
        bold.setBold(True)
        groups = [("References", lib.citations.references(a.id)),
                  ("Cited by (in library)", lib.citations.cited_by(a.id)),
                  ("Similar", lib.citations.similar(a.id))]
        for label, rows in groups:
            g = QTreeWidgetItem(t, [f"{label} ({len(rows)})", "", ""])
            g.setFont(0, bold)
            ids = [r["article_id"] for r in rows if r.get("article_id")]
            arts = {x.id: x for x in lib.articles.get_many(ids)}
            for r in rows:
                aid = r.get("article_id")
                if aid and aid in arts:
                    x = arts[aid]
                    first = x.authors[0].sort_name() if x.authors else ""
                    text = f"{first + ': ' if first else ''}{x.title}"
                    it = QTreeWidgetItem(g, [text, str(x.year or ""), "yes"])
                    it.setData(0, ITEM, ("article", aid))
                    it.setToolTip(0, "Double-click to go to this article")
                elif r.get("stub_id"):
                    s = lib.citations.stub(r["stub_id"])
                    text = s.get("title") or s.get("raw") or s.get("doi") or s.get("pmid")
                    ident = s.get("doi") or (f"PMID {s['pmid']}" if s.get("pmid") else "")
                    it = QTreeWidgetItem(g, [text + (f"  [{ident}]" if ident else ""),
                                             str(s.get("year") or ""), "no (add…)"])
                    it.setData(0, ITEM, ("stub", s))
                    it.setToolTip(0, (s.get("raw") or text) + "\nDouble-click or right-click "
                                  "to add it to the library")
                    it.setForeground(0, Qt.darkGray)
            g.setExpanded(True)

    def show_missing(self, rows: list[dict], note: str = "") -> None:
        """Missing key papers of the current view: [{title, doi, pmid, year, count}]."""
        for i in range(self.citations.topLevelItemCount()):
            if self.citations.topLevelItem(i).text(0).startswith("Missing key papers"):
                self.citations.takeTopLevelItem(i)
                break
        g = QTreeWidgetItem(self.citations, [f"Missing key papers of this view ({len(rows)})"
                                             + (f" — {note}" if note else ""), "", ""])
        f = QFont()
        f.setBold(True)
        g.setFont(0, f)
        for r in rows:
            n = r.get("count") or r.get("cited_by") or ""
            text = r.get("title") or r.get("raw") or r.get("doi") or str(r.get("pmid", ""))
            it = QTreeWidgetItem(g, [f"{text}" + (f"  (cited {n}×)" if n else ""),
                                     str(r.get("year") or ""), "no (add…)"])
            it.setData(0, ITEM, ("stub", r))
        g.setExpanded(True)

    # -- user actions ------------------------------------------------------------------------
    def _commit(self, name: str) -> None:
        a = self.article
        if a is None:
            return
        text = self.edits[name].text()
        if text == field_text(a, name):
            return
        self.edit_requested.emit(a.id, {name: text_to_value(name, text)})

    def _save_abstract(self) -> None:
        if self.article and self.abstract.toPlainText() != self.article.abstract:
            self.edit_requested.emit(self.article.id, {"abstract": self.abstract.toPlainText()})

    def _category_changed(self, item, column) -> None:
        if self.article is None or column != 0:
            return
        slug, _kind = item.data(0, ITEM)
        self.category_toggled.emit(self.article.id, slug, 1 if item.checkState(0) == Qt.Checked else 0)

    def _add_category(self) -> None:
        if self.article is None:
            return
        i = self.category_pick.currentIndex()
        text = self.category_pick.currentText().strip()
        slug = self.category_pick.itemData(i) if i >= 0 and self.category_pick.itemText(i) == text \
            else text
        if slug:
            self.category_toggled.emit(self.article.id, slug, 1)

    def _add_tag(self) -> None:
        name = self.tag_edit.text().strip()
        if self.article is not None and name:
            self.tag_edit.clear()
            self.tag_requested.emit(self.article.id, name, 1)

    def _remove_tag(self) -> None:
        it = self.tags.currentItem()
        if self.article is not None and it is not None:
            self.tag_requested.emit(self.article.id, it.text(), 0)

    def _tag_menu(self, pos) -> None:
        it = self.tags.itemAt(pos)
        if it is None:
            return
        m = QMenu(self)
        m.addAction(f"Remove tag '{it.text()}'",
                    lambda: self.tag_requested.emit(self.article.id, it.text(), 0))
        m.exec(self.tags.mapToGlobal(pos))

    def _save_note(self) -> None:
        if self.article is not None:
            self.note_saved.emit(self.article.id, getattr(self, "note_id", None),
                                 self.notes.toPlainText())

    def _citation_activated(self, item, column=0) -> None:
        data = item.data(0, ITEM)
        if not data:
            return
        kind, value = data
        if kind == "article":
            self.jump_requested.emit(value)
        else:
            self.stub_add_requested.emit(value)

    def _citation_menu(self, pos) -> None:
        it = self.citations.itemAt(pos)
        data = it.data(0, ITEM) if it is not None else None
        if not data:
            return
        m = QMenu(self)
        if data[0] == "article":
            m.addAction("Go to article", lambda: self.jump_requested.emit(data[1]))
        else:
            m.addAction("Add to library (online lookup)",
                        lambda: self.stub_add_requested.emit(data[1]))
        m.exec(self.citations.mapToGlobal(pos))
