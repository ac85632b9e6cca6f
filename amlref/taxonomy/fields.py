"""The normalised text of one article as the classifier reads it: title, abstract (abbreviations
in brackets dropped), keywords, MeSH and publication types."""
from __future__ import annotations

import bisect
import re

from amlref.taxonomy.matching import normalize, sentence_starts

_JOIN = "\n.\n"   # between fields scanned together: no term or sentence spans it
FIELD_NAMES = ("title", "keywords", "mesh", "abstract")


# " (" and 2 to 8 ASCII letters, two or more of them capitals, ")" before a space or punctuation
_ABBREV = re.compile(r" \((?=(?:[a-z]*[A-Z]){2})[A-Za-z]{2,8}\)(?=[\s,;:.-])")


# the same, found from its "(": sre then looks for one rare character (its quick search of a
# pattern's first literal) instead of stopping at every space; a match is one character later
_ABBREV_AT = re.compile(r"\((?<= \()(?=(?:[a-z]*[A-Z]){2})[A-Za-z]{2,8}\)(?=[\s,;:.-])")


def _drop_abbreviations(text: str) -> str:
    """"natural killer (NK) cell therapy" -> "natural killer cell therapy", so the full term
    matches; only letter-only abbreviations with two capitals or more ("(CD123)" stays)."""
    return _cut_abbreviations(text)[0]


def _defined_abbreviations(text: str) -> dict[int, str]:
    """Where ``_drop_abbreviations`` took each abbreviation out, in the text it gives: {position
    -> abbreviation}; "gemtuzumab ozogamicin (GO) ..." -> {21: "GO"}."""
    return _cut_abbreviations(text)[1] or {}


def _cut_abbreviations(text: str) -> tuple[str, dict | None]:
    """``_ABBREV.sub("", text)`` and where each abbreviation was (``_defined_abbreviations``)
    in one pass; None: nothing cut.  (0.85 us per aml-dev title or abstract, against 1.08 for
    the sub alone and 2.1 for both.)"""
    m = _ABBREV_AT.search(text)
    if m is None:
        return text, None
    search = _ABBREV_AT.search
    pieces, defs, last, gone = [], {}, 0, 0
    while m is not None:
        e = m.end()
        s = m.start() - 1   # (the space before the bracket goes too)
        pieces.append(text[last:s])
        defs[s - gone] = text[s + 2:e - 1]
        gone += e - s
        last = e
        m = search(text, e)
    pieces.append(text[last:])
    return "".join(pieces), defs


_MESH_SLASH = re.compile(r"\s*/\s*")


def _is_cut(text: str) -> bool:
    """An abstract that stops mid-sentence or in an ellipsis (what an alert delivers)."""
    end = text.rstrip()
    return not end.endswith((".", "!", "?", ".)", ".\"", ".'")) or end.endswith(("...", "\u2026"))


class _Fields:
    """The normalised text of one article."""
    __slots__ = ("title", "abstract", "keywords", "mesh", "pub_types", "_starts", "negated",
                 "_abbreviations", "_low")

    def __init__(self, article):
        self.title = _cut_abbreviations(normalize(getattr(article, "title", "") or ""))[0]
        # the abstract without its abbreviations, and where each was defined (see abbreviations)
        self.abstract, self._abbreviations = _cut_abbreviations(
            normalize(getattr(article, "abstract", "") or ""))
        kw = getattr(article, "keywords", None)
        self.keywords = normalize("; ".join(map(str, kw))) if kw else ""
        mesh = getattr(article, "mesh", None)
        if mesh:
            mesh = "; ".join(map(str, mesh))
            if "/" in mesh:
                mesh = _MESH_SLASH.sub("/", mesh)
            self.mesh = normalize(mesh.replace("*", ""))
        else:
            self.mesh = ""
        pts = getattr(article, "pub_types", None)
        self.pub_types = {str(p).strip().lower() for p in pts} if pts else set()
        self._starts = None
        self._low = None
        self.negated: dict[int, str] = {}   # abstract position -> its negation ("" for none)

    def get(self, name: str) -> str:
        return getattr(self, name)

    @property
    def has_abbreviations(self) -> bool:
        return self._abbreviations is not None

    @property
    def abbreviations(self) -> dict[int, str]:
        """The abstract's abbreviations: where each was defined (right after its long form, in
        ``abstract``) -> the abbreviation."""
        return self._abbreviations or {}

    def low_abstract(self) -> str | None:
        """The abstract lower-cased, when it is ASCII (a slice of it is then the slice lower-cased:
        one ``lower`` per abstract, not one per word's window); None otherwise."""
        if self._low is None:
            self._low = self.abstract.lower() if self.abstract.isascii() else ""
        return self._low or None

    def sentence_of(self, pos: int) -> int:
        if self._starts is None:
            self._starts = sentence_starts(self.abstract)
        return bisect.bisect_right(self._starts, pos) - 1

    def starts(self) -> list[int]:
        """Where the sentences of the abstract start."""
        if self._starts is None:
            self._starts = sentence_starts(self.abstract)
        return self._starts

    def sentence_start(self, idx: int) -> int:
        return self._starts[idx] if self._starts else 0

    def sentence_text(self, idx: int) -> str:
        starts = self._starts or [0]
        end = starts[idx + 1] if idx + 1 < len(starts) else len(self.abstract)
        return self.abstract[starts[idx]:end]
