"""The classifier's suggestions in the window: the panel of the detail pane that lists an
article's suggestions with their reasons and an Accept and a Reject button each, and the
wiring of the "Suggested" sidebar nodes (kind ``"suggested"``) to their view.

Accept and Reject are the window's ordinary category edits (add or remove, as the user's
decision: undo.SetCategory), so they stick through re-classification and Undo puts the
suggestion back; once :func:`install` ran, the Edit menu names them "Accept suggestion ..." and
"Reject suggestion ..." (before, the detail pane sends them as ``category_toggled``)."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

NODE_KIND = "suggested"


def reasons_html(reasons) -> str:
    """The reasons as a short phrase: 'CAR-NK (title); NK cells (abstract)'."""
    parts = []
    for r in reasons or []:
        if isinstance(r, dict):
            words = ", ".join(str(w) for w in r.get("words") or []) or str(r.get("rule") or "")
            fld = r.get("field") or ""
            parts.append(f"{words} ({fld})" if fld and words else words)
        else:
            parts.append(str(r))
    return html.escape("; ".join(p for p in parts if p))


class SuggestionsPanel(QFrame):
    """An article's suggestions: the category, why, Accept, Reject.  Hidden when there are
    none.  ``decided(article_id, slug, accept)``."""
    decided = Signal(int, str, int)    # ints, not bools (PySide6 refcount bug)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("suggestions")
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet("#suggestions { background: #fff8e1; border: 1px solid #e6c86e; "
                           "border-radius: 4px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("suggestions_title")
        lay.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        lay.addLayout(self.grid)
        self.article_id: int | None = None
        self.handler = None     # (article_id, slug, accept): set by install(); else `decided`
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.hide()

    def show_suggestions(self, article_id: int | None, suggestions: list[dict], label) -> None:
        """``suggestions``: [{"slug", "kind", "reason"}] (CategoryStore.suggestions);
        ``label(slug)``: the name to show."""
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.buttons = {}
        self.article_id = article_id
        if article_id is None or not suggestions:
            self.hide()
            return
        n = len(suggestions)
        self.title.setText(f"<b>Suggested</b> <span style='color:#6b5a1e'>— the classifier "
                           f"found too little to assign {'this' if n == 1 else 'these'}; "
                           "your choice sticks</span>")
        for row, s in enumerate(suggestions):
            slug = s["slug"]
            why = reasons_html(s.get("reason"))
            text = QLabel(f"<b>{html.escape(label(slug))}</b>"
                          + (f" <span style='color:#555'>{why}</span>" if why else ""))
            text.setTextFormat(Qt.RichText)
            text.setWordWrap(True)
            text.setToolTip(slug)
            accept = QPushButton("Accept")
            accept.setObjectName(f"accept:{slug}")
            accept.setToolTip(f"Put the article in {label(slug)}")
            reject = QPushButton("Reject")
            reject.setObjectName(f"reject:{slug}")
            reject.setToolTip(f"Not {label(slug)}: re-classification will not suggest it again")
            accept.clicked.connect(lambda _=False, s=slug: self._decide(s, 1))
            reject.clicked.connect(lambda _=False, s=slug: self._decide(s, 0))
            self.grid.addWidget(text, row, 0)
            self.grid.addWidget(accept, row, 1, Qt.AlignTop)
            self.grid.addWidget(reject, row, 2, Qt.AlignTop)
            self.buttons[slug] = (accept, reject)
        self.show()

    def _decide(self, slug: str, accept: int) -> None:
        if self.article_id is None:
            return
        if self.handler is not None:
            self.handler(self.article_id, slug, accept)
        else:
            self.decided.emit(self.article_id, slug, accept)


# -- the window ---------------------------------------------------------------------------------
def decide_command(lib, article_id: int, slug: str, accept: bool, on_change):
    """The undoable command of an Accept or a Reject."""
    from amlref.gui.queries import label
    from amlref.gui.undo import SetCategory
    cmd = SetCategory(lib, [article_id], slug, accept, on_change)
    cmd.setText(f"{'Accept' if accept else 'Reject'} suggestion {label(slug)}")
    return cmd


def install(window) -> None:
    """Name Accept / Reject in the window's undo stack and tell the user, once, when the
    user's taxonomy file was not usable.  Called once by the window at start (a second call
    does nothing).  The window maps a "suggested" sidebar node to its view itself."""
    if getattr(window, "_suggestions_installed", False):
        return
    window._suggestions_installed = True

    def decide(article_id: int, slug: str, accept: int) -> None:
        window._push(decide_command(window.lib, article_id, slug, bool(accept), window._changed))
    window.detail.suggestions.handler = decide
    show_taxonomy_problems(window)


def taxonomy_problems() -> list[str]:
    try:
        from amlref.taxonomy import load
        return list(getattr(load(), "problems", []) or [])
    except Exception as exc:   # the window runs without a taxonomy too
        return [f"the taxonomy could not be read: {exc}"]


def show_taxonomy_problems(window) -> None:
    """One message at start when the user's taxonomy file has problems (the app then runs
    on the built-in taxonomy), and the first problem in the status bar."""
    problems = taxonomy_problems()
    if not problems:
        return
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    window.show_message("error", "Taxonomy file", "\n".join(problems) + "\n\nAMLRef uses the "
                        "built-in taxonomy until the file is fixed.")
    window.statusBar().showMessage(f"Taxonomy file: {problems[0]}{more} — using the built-in "
                                   "taxonomy", 30000)
