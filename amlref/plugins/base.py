"""What a plugin provides.  A plugin is a class registered under an entry-point group; the
registry instantiates it with no arguments.

- ``amlref.importers``: :class:`Importer`
- ``amlref.exporters``: :class:`Exporter`
- ``amlref.sources``: :class:`Source` (online metadata / citations)
- ``amlref.classifiers``: :class:`Classifier`

The window's groups (actions, detail tabs, columns, sidebar nodes) are in
:mod:`amlref.plugins.api`, the one module a plugin imports.
"""
from __future__ import annotations

from typing import Callable, Iterable, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.core.article import Article, ParseResult


class Importer:
    name: str = ""                 # short id used by --format, e.g. "ris"
    label: str = ""                # human name, e.g. "RIS (EndNote, Zotero, Scopus ...)"
    extensions: tuple[str, ...] = ()  # lower case, with dot

    def sniff(self, head: str) -> float:
        """Confidence 0..1 that ``head`` (the first few KB of decoded text) is this format."""
        return 0.0

    def parse(self, text: str, filename: str = "<text>") -> "ParseResult":
        """Parse decoded text.  Broken records become ``Problem`` entries (file, line, message);
        the good ones still come back.  Must never raise for bad content, except
        ``InputError`` when nothing at all can be read."""
        raise NotImplementedError

    def split(self, text: str, size: int) -> "list[tuple[str, int]] | None":
        """Optional, for big files: ``text`` cut into parts of about ``size`` characters at
        record boundaries, as (part, number of its first line), such that
        ``parse_part`` of each part, one after the other, reads exactly what :meth:`parse`
        of the whole reads (the import then parses the parts in worker processes).
        None: cannot be split (the default)."""
        return None

    def parse_part(self, text: str, filename: str, first_line: int) -> "ParseResult":
        """Parse one part made by :meth:`split` (line numbers counted from ``first_line``)."""
        raise NotImplementedError

    def parse_bytes(self, data: bytes, filename: str = "<bytes>") -> "ParseResult":
        """Default: decode (BOM / UTF-8 / UTF-16 / windows-1252) then :meth:`parse`."""
        from amlref.core.text import decode_bytes
        text, enc = decode_bytes(data)
        result = self.parse(text, filename)
        result.encoding = result.encoding or enc
        return result


def parts_at(text: str, size: int, next_cut: Callable[[str, int], "int | None"],
             lines: Callable[[str], int] = lambda part: part.count("\n")
             ) -> "list[tuple[str, int]] | None":
    """For :meth:`Importer.split`: ``text`` cut about every ``size`` characters where
    ``next_cut(text, at)`` says (the first place a part may begin at or after ``at``, or
    None), as (part, number of its first line; ``lines`` counts a part's lines as the reader
    does); None when it is not worth cutting (no cut, or the text is small)."""
    cuts = [0]
    while len(text) - cuts[-1] > size * 3 // 2:
        cut = next_cut(text, cuts[-1] + size)
        if cut is None:
            break
        cuts.append(cut)
    if len(cuts) < 2:
        return None
    cuts.append(len(text))
    parts, line = [], 1
    for a, b in zip(cuts, cuts[1:]):
        part = text[a:b]
        parts.append((part, line))
        line += lines(part)
    return parts


class Exporter:
    name: str = ""
    label: str = ""
    extension: str = ""
    with_categories: bool = False   # True: each article's category slugs in extra["categories"]

    def export(self, articles: Iterable["Article"], **options) -> str:
        raise NotImplementedError


class Source:
    name: str = ""
    label: str = ""


class Classifier:
    name: str = ""

    def classify(self, article: "Article") -> list:
        """The categories and facets of an article: assigned ones as ``(slug, kind, reasons)``,
        suggested ones (evidence too weak to assign; the user accepts or rejects them) as
        ``(slug, kind, reasons, "suggested")``; never both for one slug.  ``kind`` is "category"
        or "facet"; ``reasons`` a list of ``{"rule", "field", "words"}``."""
        raise NotImplementedError
