"""References formatted in the chosen CSL style (amlref.formats.csl) on the clipboard and in
drags: "Copy as formatted reference" (each reference on its own, no list numbers), "Copy
bibliography" (the numbered reference list), the references of a drag, and the style chooser
of the Preferences dialog.  Plain text and HTML go on the clipboard together."""
from __future__ import annotations

import html as _html
import logging
import re

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox

from amlref.formats import csl

log = logging.getLogger("amlref.gui")
# a drag formats at most this many (citeproc-py takes 6-17 ms an article, see
# benchmarks/csl_format.py); a copy from the menu formats the whole selection
DRAG_LIMIT = 100


def current_style(lib) -> str:
    """The style chosen in Preferences (library setting ``citation.style``), if still there."""
    try:
        return csl.style_name(lib.settings.get(csl.SETTING) or csl.DEFAULT_STYLE)
    except ValueError:
        return csl.DEFAULT_STYLE


def html_to_text(fragment: str) -> str:
    """The plain text of an HTML reference (tags dropped, entities read)."""
    return _html.unescape(re.sub(r"<[^>]+>", "", fragment))


def formatted(articles, style: str, bibliography: bool) -> tuple[str, str]:
    """(plain text, HTML) of the articles' references: a numbered list for a bibliography,
    else each reference on its own."""
    entries = csl.bibliography_entries(articles, style, html=True, numbered=bibliography)
    text = "\n".join(html_to_text(e) for e in entries)
    body = "".join(f'<div class="csl-entry">{e}</div>' for e in entries)
    return text, f'<div class="csl-bib-body">{body}</div>'


def formatted_mime(articles, style: str, bibliography: bool = False) -> QMimeData:
    text, html = formatted(articles, style, bibliography)
    md = QMimeData()
    md.setText(text)
    md.setHtml(html)
    return md


def copy_selection(lib, ids: list[int], bibliography: bool = False, clipboard=None) -> str:
    """Put the selected articles' references on the clipboard; returns the status message."""
    arts = lib.articles.get_many(ids)
    if not arts:
        return "Nothing selected"
    style = current_style(lib)
    try:
        md = formatted_mime(arts, style, bibliography)
    except Exception as exc:  # a record the processor cannot take must not close the window
        log.warning("formatting in %s failed: %s", style, exc)
        return f"Could not format the references in {style}: {exc}"
    (clipboard or QGuiApplication.clipboard()).setMimeData(md)
    what = "bibliography" if bibliography else "formatted reference(s)"
    return f"Copied {len(arts)} {what} ({csl.style_title(style)})"


def reference_entries(lib, articles) -> list[tuple[str, str]]:
    """(plain text, HTML) of each reference for a drag or copy (mime.make_mime), in the chosen
    style, unnumbered; [] when there are too many to format at once or formatting fails."""
    arts = list(articles)
    if not arts or len(arts) > DRAG_LIMIT:
        return []
    try:
        entries = csl.bibliography_entries(arts, current_style(lib), html=True, numbered=False)
    except Exception as exc:
        log.warning("formatting references failed: %s", exc)
        return []
    return [(html_to_text(e), e) for e in entries]


# -- Preferences ------------------------------------------------------------------------------
def style_chooser(lib) -> QComboBox:
    """A combo box of the styles (title shown, name as data), set to the current one."""
    box = QComboBox()
    box.setObjectName("citation_style")
    for name, title in csl.styles():
        box.addItem(title, name)
    i = box.findData(current_style(lib))
    box.setCurrentIndex(max(i, 0))
    return box


def save_style(lib, box: QComboBox) -> None:
    name = box.currentData()
    if name:
        lib.settings.set(csl.SETTING, name)
