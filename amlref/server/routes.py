"""What the GET endpoints answer: cite as you write (``/better-bibtex/cayw``) and pull export
(``/better-bibtex/export/...``).  Each answer is (HTTP status, content type, text); a bad
request is a 4xx with one line saying what is wrong."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from urllib.parse import unquote

from amlref.core.errors import AmlrefError, NotFound
from amlref.server import access, cayw
from amlref.server.cayw import Citation, flag
from amlref.server.formatting import FormattingError, formatted
from amlref.services.exporting import export_articles, export_view
from amlref.services.views import View, saved_view

log = logging.getLogger("amlref.server")

TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass
class Answer:
    status: int
    body: str
    content_type: str = TEXT


@dataclass
class PickRequest:
    """What the window's picker is asked: the citation format (which decides whether the
    picker offers locator, prefix and suffix) and how long the server waits."""
    format: str
    timeout: float


class Host:
    """What a window offers the server.  Every method is called from a server thread; the
    window moves the work to its own thread.  The headless server has no host."""

    def pick(self, request: PickRequest) -> list[Citation] | None:   # None: cancelled
        raise NotImplementedError

    def selected_keys(self) -> list[str]:
        return []

    def select(self, ids: list[int]) -> None:
        pass

    def minimize(self) -> None:
        pass

    def clipboard(self, text: str) -> None:
        pass


class Busy(AmlrefError):
    pass


# -- cite as you write --------------------------------------------------------------------------
class Cayw:
    def __init__(self, libraries: access.ReadOnlyLibraries, host: Host | None,
                 pick_timeout: float):
        self.libraries = libraries
        self.host = host
        self.pick_timeout = pick_timeout
        self._picking = threading.Lock()

    def __call__(self, q: dict[str, str]) -> Answer:
        if "probe" in q and flag(q["probe"]):
            return Answer(200, "ready")
        fmt = q.get("format") or "latex"
        if fmt not in cayw.FORMATS:
            return Answer(400, f"no such format {fmt!r} (one of {', '.join(cayw.FORMATS)})")
        if fmt == "translate" and cayw.exporter_for(q.get("translator")) is None:
            return Answer(400, f"no translator {q.get('translator')!r} (Better BibLaTeX, "
                          "Better BibTeX, Better CSL JSON, RIS)")
        picked = self._picked(q, fmt)
        if isinstance(picked, Answer):
            return picked
        if not picked:                 # cancelled: BBT answers an empty text
            return Answer(200, "")
        with self.libraries.borrow() as lib:
            arts, missing = access.articles_by_keys(lib, [c.citekey for c in picked])
            if missing:
                return Answer(404, f"no article with citation key {', '.join(missing)}")
            by_key = {a.citekey: a for a in arts}
            for c in picked:
                a = by_key[c.citekey]
                c.id, c.item_type = a.id, a.type
                c.title = c.title or a.title
            try:
                text = self._render(fmt, picked, q, by_key)
            except FormattingError as exc:
                return Answer(400, str(exc))
        return self._deliver(text, q, picked)

    def _picked(self, q: dict, fmt: str) -> list[Citation] | Answer:
        keys = q.get("keys")
        if keys is not None:           # named by the request: no picker needed
            return [Citation(k.lstrip("@")) for k in re.split(r"[\s,;]+", keys.strip())
                    if k.lstrip("@")]
        if self.host is None:
            return Answer(503, "no AMLRef window is open to pick citations (amlref serve has no "
                          "picker): name them with keys=KEY1,KEY2")
        if "selected" in q and flag(q["selected"]):
            return [Citation(k) for k in self.host.selected_keys()]
        if not self._picking.acquire(blocking=False):
            return Answer(409, "a citation picker is already open")
        try:
            picked = self.host.pick(PickRequest(fmt, self.pick_timeout))
        except TimeoutError:
            return Answer(504, f"no citation was picked within {self.pick_timeout:g} seconds")
        finally:
            self._picking.release()
        return list(picked or [])

    def _render(self, fmt: str, cits: list[Citation], q: dict, by_key: dict) -> str:
        if fmt in cayw.SIMPLE:
            return cayw.SIMPLE[fmt](cits, q)
        if fmt == "scannable-cite":
            return cayw.scannable(cits, q, by_key)
        arts = [by_key[c.citekey] for c in cits]
        if fmt == "translate":         # exportNotes: AMLRef's exporters never write notes
            return export_articles(arts, cayw.exporter_for(q.get("translator")))
        kind = "citation" if fmt == "formatted-citation" else "bibliography"
        return formatted(arts, kind, q.get("style") or None,
                         html=(q.get("contentType") or "text") == "html")

    def _deliver(self, text: str, q: dict, cits: list[Citation]) -> Answer:
        if flag(q.get("minimize")) and self.host:
            self.host.minimize()
        if "texstudio" in q and flag(q["texstudio"]):
            exe = _texstudio()
            if not exe:
                return Answer(500, "TeXstudio not found")
            # TeXstudio inserts the text at the cursor of its running instance
            subprocess.Popen([exe, "--insert-cite", text], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        if "clipboard" in q and flag(q["clipboard"]):
            if self.host:
                self.host.clipboard(text)
            else:
                log.info("cayw: clipboard=1 ignored (no window, no clipboard)")
        if "select" in q and flag(q["select"]) and self.host:
            self.host.select([c.id for c in cits if c.id is not None])
        return Answer(200, text)


def _texstudio() -> str | None:
    """TeXstudio on the PATH, or where its installers put it (as BBT looks for it)."""
    exe = shutil.which("texstudio")
    if exe:
        return exe
    for folder in ("/Applications/texstudio.app/Contents/MacOS",
                   r"C:\Program Files\texstudio", r"C:\Program Files (x86)\texstudio"):
        exe = shutil.which("texstudio", path=folder)
        if exe:
            return exe
    return None


# -- pull export -------------------------------------------------------------------------------
EXTENSIONS = {"biblatex": "biblatex", "bibtex": "bibtex", "json": "csljson", "csljson": "csljson",
              "ris": "ris"}
_PULL = re.compile(r"^(?:(category|tag|saved)/(.+)|(library))\.([a-z]+)$")


def pull_export(libraries: access.ReadOnlyLibraries, rest: str, q: dict) -> Answer:
    """``category/<slug>.biblatex``, ``tag/<name>.bibtex``, ``saved/<name>.json``,
    ``library.ris``; or BBT's ``item?citationKeys=a,b&translator=biblatex``."""
    if rest == "item":
        fmt = cayw.exporter_for(q.get("translator") or "biblatex")
        keys = [k for k in re.split(r"[\s,]+", q.get("citationKeys", "")) if k]
        if fmt is None:
            return Answer(400, f"no translator {q.get('translator')!r}")
        if not keys:
            return Answer(400, "name the articles with citationKeys=KEY1,KEY2")
        with libraries.borrow() as lib:
            arts, missing = access.articles_by_keys(lib, keys)
            if missing:
                return Answer(404, f"no article with citation key {', '.join(missing)}")
            return Answer(200, export_articles(arts, fmt))
    m = _PULL.match(rest)
    if not m:
        return Answer(404, "no such export (category/SLUG.biblatex, tag/NAME.bibtex, "
                      "saved/NAME.json, library.ris, item?citationKeys=...)")
    kind, name, ext = m.group(1) or "library", unquote(m.group(2) or ""), m.group(4)
    fmt = EXTENSIONS.get(ext)
    if fmt is None:
        return Answer(404, f"no export as .{ext} (.{', .'.join(EXTENSIONS)})")
    with libraries.borrow() as lib:
        if kind == "category":
            if not _category_known(lib, name):
                return Answer(404, f"no category {name!r}")
            view = View(category=name)
        else:
            view = View(tag=name) if kind == "tag" else View()
        try:
            if kind == "saved":
                view = saved_view(lib, name)
            text, _count = export_view(lib, fmt, view)
        except NotFound as exc:
            return Answer(404, str(exc))
    return Answer(200, text, JSON if fmt == "csljson" else TEXT)


def _category_known(lib, slug: str) -> bool:
    from amlref.services.views import expand_slug
    if len(expand_slug(slug)) > 1:
        return True
    from amlref.taxonomy import load
    return load().get(slug) is not None or lib.execute(
        "SELECT 1 FROM article_categories WHERE slug = ? LIMIT 1", (slug,)).fetchone() is not None
