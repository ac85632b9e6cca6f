"""The sidebar: All articles, the category tree with counts and facets (under a category, a
"Suggested" node when the classifier suggests articles for it), the Inbox of the watches
(gui/inbox.py), articles that need metadata, tags, saved searches, duplicates, trash.  Small,
so a QTreeWidget.  Dropping articles or files on a category or tag node assigns it (the window
does the work; the sidebar only says where)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from amlref.gui import needs_metadata
from amlref.gui.inbox import add_inbox_node
from amlref.gui.mime import IDS_MIME

NODE = Qt.UserRole + 1
SUGGESTED_COLOR = QColor("#8a6d00")

# Top-level categories when the taxonomy module does not give its own tree.
FALLBACK_CATEGORIES = [
    ("checkpoint-inhibitors", "Checkpoint inhibitors"),
    ("adoptive-cell-therapy", "Adoptive cell therapy"),
    ("t-cell-engagers", "T-cell engagers"),
    ("antibody-therapy", "Antibodies / ADCs"),
    ("vaccines", "Vaccines"),
    ("innate-agonists", "Innate agonists (STING ...)"),
    ("allo-hsct-gvl", "Allogeneic HSCT / GVL"),
]


def _label(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").capitalize()


FACET_GROUPS = {"target": "Target", "study": "Study type", "setting": "Setting",
                "disease": "Disease"}


def category_nodes(lib) -> tuple[list[dict], list[dict]]:
    """(categories, facets) as nested dicts {slug, label, count, children}.  Uses the taxonomy
    service when it is there, else the taxonomy model, else what the library holds.  Facets
    come grouped (target, study type, setting) and only those with articles are listed."""
    try:
        from amlref.services import views
        tree_fn = getattr(views, "category_tree", None)
        if tree_fn is not None:
            tree = tree_fn(lib)
            if isinstance(tree, dict):
                cats = [_norm(n) for n in tree.get("categories", [])]
                facets = []
                for group, nodes in (tree.get("facets") or {}).items():
                    kept = [k for k in (_prune(_norm(n)) for n in nodes) if k is not None]
                    if kept:
                        facets.append({"slug": None, "label": FACET_GROUPS.get(
                            group, str(group).capitalize()), "count": None, "children": kept})
                return cats, facets
            nodes = [_norm(n) for n in tree]
            cats = [n for n in nodes if n.get("kind", "category") == "category"]
            facets = [n for n in nodes if n.get("kind") not in (None, "category")]
            return cats, facets
    except Exception:  # a taxonomy still being built must not break the window
        pass
    counts = lib.categories.counts()
    try:
        from amlref.taxonomy import load
        tax = load()
    except Exception:
        tax = None
    if tax is not None:
        def total(slug):
            desc = tax.descendants(slug)
            if len(desc) == 1:
                return counts.get(slug, 0)
            return lib.execute(
                "SELECT count(DISTINCT c.article_id) FROM article_categories c JOIN articles a ON "
                f"a.id = c.article_id WHERE c.state = 1 AND a.deleted_at IS NULL AND c.slug IN "
                f"({','.join('?' * len(desc))})", desc).fetchone()[0]

        def node(n, keep_empty):
            kids = [node(tax.get(c), keep_empty) for c in n.children if tax.get(c)]
            kids = [k for k in kids if k is not None]
            c = total(n.slug)
            if not c and not keep_empty:
                return None
            return {"slug": n.slug, "label": n.label, "count": c, "children": kids}
        cats = [node(n, True) for n in tax.roots("category")]
        groups: dict[str, list] = {}
        for n in tax.roots("facet"):
            d = node(n, False)
            if d is not None:
                groups.setdefault(n.group or "other", []).append(d)
        facets = [{"slug": None, "label": FACET_GROUPS.get(g, g.capitalize()), "count": None,
                   "children": items} for g, items in groups.items()]
        return cats, facets
    kinds = {slug: kind for slug, kind in lib.execute(
        "SELECT DISTINCT slug, kind FROM article_categories WHERE state = 1")}
    cats = [{"slug": s, "label": lbl, "count": counts.get(s, 0), "children": []}
            for s, lbl in FALLBACK_CATEGORIES]
    known = {s for s, _ in FALLBACK_CATEGORIES}
    cats += [{"slug": s, "label": _label(s), "count": counts.get(s, 0), "children": []}
             for s, k in sorted(kinds.items()) if k == "category" and s not in known]
    facets = [{"slug": s, "label": _label(s), "count": counts.get(s, 0), "children": []}
              for s, k in sorted(kinds.items()) if k != "category"]
    return cats, facets


def _prune(n: dict) -> dict | None:
    """Drop facet nodes without articles (the facet lists are long)."""
    n["children"] = [k for k in (_prune(c) for c in n["children"]) if k is not None]
    return n if n["count"] or n["children"] else None


def _norm(n) -> dict:
    if not isinstance(n, dict):
        n = dict(vars(n)) if hasattr(n, "__dict__") else {"slug": str(n)}
    return {"slug": n.get("slug"), "label": n.get("label") or _label(n.get("slug", "")),
            "count": n.get("count", 0) or 0, "kind": n.get("kind", "category"),
            "suggested": n.get("suggested", 0) or 0,
            "children": [_norm(c) for c in n.get("children", []) or []]}


class Sidebar(QTreeWidget):
    node_selected = Signal(object)          # node tuple
    dropped_on = Signal(object, object)     # node tuple, QMimeData

    def __init__(self, parent=None):
        super().__init__(parent)
        self.extra_nodes: list[tuple] = []
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DropOnly)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.setIndentation(14)
        self.setObjectName("sidebar")
        self.itemSelectionChanged.connect(self._selected)
        self._building = False

    # -- content -----------------------------------------------------------------------------
    def rebuild(self, lib, dup_count: int | None = None) -> None:
        current = self.current_node()
        self._building = True
        self.clear()
        bold = QFont()
        bold.setBold(True)
        italic = QFont()
        italic.setItalic(True)

        def add(parent, text, node, count=None, tip=None):
            it = QTreeWidgetItem(parent, [text, "" if count is None else str(count)])
            it.setData(0, NODE, node)
            it.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
            if tip:
                it.setToolTip(0, tip)
            return it

        def header(text):
            it = QTreeWidgetItem(self, [text, ""])
            it.setFont(0, bold)
            it.setFlags(Qt.ItemIsEnabled)
            it.setExpanded(True)
            return it

        add(self, "All articles", ("all", None), lib.articles.count()).setFont(0, bold)
        add_inbox_node(self, lib)           # per watch and per category, unread counts
        tags = lib.tags.counts()
        n = dict(tags).get(needs_metadata.TAG, 0)
        if n or current == needs_metadata.NODE:
            add(self, "Needs metadata", needs_metadata.NODE, n, needs_metadata.TIP).setFont(
                0, italic)
        cats, facets = category_nodes(lib)
        self.categories, self.facets = cats, facets
        h = header("Immunotherapy")

        def add_tree(parent, nodes, kind):
            for n in nodes:
                if n["slug"] is None:  # a facet group heading
                    it = QTreeWidgetItem(parent, [n["label"], ""])
                    it.setFlags(Qt.ItemIsEnabled)
                    add_tree(it, n.get("children", []), kind)
                    it.setExpanded(True)
                    continue
                tip = n["slug"] + (f" · {n['suggested']} suggested" if n.get("suggested") else "")
                it = add(parent, n["label"], (kind, n["slug"]), n["count"], tip)
                if kind == "category":
                    add_suggested(it, n)
                add_tree(it, n.get("children", []), kind)
                it.setExpanded(False)

        def add_suggested(parent, n):
            """A "Suggested" node (its count) under a category the classifier suggests for;
            kept while it is the view shown, even when its last suggestion was decided."""
            node = ("suggested", n["slug"])
            count = n.get("suggested") or 0
            if not count and (current is None or tuple(current) != node):
                return
            it = add(parent, "Suggested", node, count,
                     f"Articles the classifier suggests for {n['label']}: accept or reject "
                     "them in the detail pane")
            it.setFont(0, italic)
            it.setForeground(0, SUGGESTED_COLOR)
            it.setForeground(1, SUGGESTED_COLOR)
        add_tree(h, cats, "category")
        h.setExpanded(True)
        if facets:
            fh = header("Facets")
            add_tree(fh, facets, "facet")
            fh.setExpanded(True)
        th = header("Tags")
        for name, n in tags:
            add(th, name, ("tag", name), n)
        th.setExpanded(True)
        searches = lib.searches.all()
        if searches:
            sh = header("Saved searches")
            for s in searches:
                add(sh, s["name"], ("search", s["name"]), None, s["query"])
            sh.setExpanded(True)
        if self.extra_nodes:   # plugins' views (gui/extensions.py): (label, node, tip)
            ph = header("Plugins")
            for text, node, tip in self.extra_nodes:
                add(ph, text, node, None, tip)
            ph.setExpanded(True)
        add(self, "Duplicates", ("duplicates", None), dup_count)
        trash = len(lib.articles.trashed_ids())
        add(self, "Trash", ("trash", None), trash)
        self._building = False
        self.select_node(current or ("all", None), emit=False)

    # -- selection ---------------------------------------------------------------------------
    def items(self):
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            it = stack.pop(0)
            yield it
            stack[0:0] = [it.child(i) for i in range(it.childCount())]

    def current_node(self):
        it = self.currentItem()
        return it.data(0, NODE) if it is not None else None

    def select_node(self, node, emit: bool = True) -> bool:
        for it in self.items():
            if it.data(0, NODE) == tuple(node):
                if not emit:
                    self.blockSignals(True)
                self.setCurrentItem(it)
                p = it.parent()
                while p is not None:
                    p.setExpanded(True)
                    p = p.parent()
                self.blockSignals(False)
                return True
        return False

    def _selected(self) -> None:
        if self._building:
            return
        node = self.current_node()
        if node is not None:
            self.node_selected.emit(node)

    # -- drops ---------------------------------------------------------------------------------
    def _target(self, event):
        it = self.itemAt(event.position().toPoint())
        node = it.data(0, NODE) if it is not None else None
        if node and node[0] in ("category", "facet", "tag", "trash", "all"):
            return node
        return None

    def dragEnterEvent(self, event):
        md = event.mimeData()
        if md.hasFormat(IDS_MIME) or md.hasUrls() or md.hasText():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):
        if self._target(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event):
        node = self._target(event)
        if node is None:
            event.ignore()
            return
        self.dropped_on.emit(node, event.mimeData())
        event.acceptProposedAction()
