"""The article model shared by every layer.

An :class:`Article` is a plain record.  Field names follow the database columns; ``type`` uses
CSL item types (``article-journal``, ``book``, ``chapter`` ...).  Anything an importer reads that
has no field here goes into ``extra`` (a JSON-able dict) so that nothing is ever dropped.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, fields, asdict
from typing import Any

CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)

# Scalar text fields of an article, in display order.  ``container`` is the journal / book
# title, ``container_short`` its abbreviation (MEDLINE ``TA``, RIS ``J2``).
TEXT_FIELDS = (
    "title", "container", "container_short", "volume", "issue", "pages", "issued",
    "doi", "pmid", "pmcid", "isbn", "issn", "url", "abstract", "language", "publisher",
)
LIST_FIELDS = ("authors", "editors", "keywords", "mesh", "pub_types")


@dataclass
class Person:
    """An author or editor.  Either ``family``/``given`` or, for a corporate name, ``literal``."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def display(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.family}, {self.given}" if self.given else self.family

    def sort_name(self) -> str:
        return self.literal or self.family

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("family", self.family), ("given", self.given),
                                  ("literal", self.literal)) if v}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Person":
        return cls(family=d.get("family", "") or "", given=d.get("given", "") or "",
                   literal=d.get("literal", "") or "")


@dataclass
class Article:
    id: int | None = None
    citekey: str | None = None
    type: str = "article-journal"
    title: str = ""
    container: str = ""
    container_short: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    issued: str = ""          # ISO 8601, partial allowed: "2024", "2024-09", "2024-09-15"
    doi: str = ""             # normalised: lower case, no resolver prefix
    pmid: str = ""            # digits
    pmcid: str = ""           # "PMC" + digits
    isbn: str = ""
    issn: str = ""
    url: str = ""
    abstract: str = ""
    language: str = ""
    publisher: str = ""
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)        # MeSH headings, "Heading/Subheading"
    pub_types: list[str] = field(default_factory=list)   # PubMed publication types etc.
    extra: dict[str, Any] = field(default_factory=dict)  # everything else, never dropped
    origin: str = ""          # format or source this record first came from ("bibtex", "ris" ...)
    added: str = ""
    modified: str = ""
    deleted_at: str | None = None
    user_edited: list[str] = field(default_factory=list)  # fields the user changed by hand
    # Not stored on the article row: set by importers, consumed by the import service.
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None   # line in the source file where the record starts

    @property
    def year(self) -> int | None:
        y = (self.issued or "")[:4]
        return int(y) if len(y) == 4 and y.isdigit() else None

    @property
    def first_author_family(self) -> str:
        if not self.authors:
            return ""
        return self.authors[0].sort_name()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["authors"] = [p.to_dict() for p in self.authors]
        d["editors"] = [p.to_dict() for p in self.editors]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        kw["authors"] = [p if isinstance(p, Person) else Person.from_dict(p)
                         for p in d.get("authors") or []]
        kw["editors"] = [p if isinstance(p, Person) else Person.from_dict(p)
                         for p in d.get("editors") or []]
        return cls(**kw)


@dataclass
class Reference:
    """A cited (or related) work known only by description: becomes a reference stub."""

    raw: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    title: str = ""
    year: int | None = None
    authors: str = ""
    container: str = ""


@dataclass
class Link:
    """A relation found by an importer.  ``source``/``target`` are indexes into
    ``ParseResult.articles``; ``target`` may instead be a :class:`Reference` (a stub).
    ``kind`` is ``cites`` (source cites target) or ``similar``."""

    source: int
    target: "int | Reference"
    kind: str = "cites"
    origin: str = ""


@dataclass
class Problem:
    """A record that could not be read: reported with file and line, the rest still imports."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class ParseResult:
    articles: list[Article] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    format: str = ""
    warnings: list[str] = field(default_factory=list)


_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"<[^>]+>|[{}\\]")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _no_marks(m: re.Match) -> str:
    return "".join(c for c in m.group() if not unicodedata.combining(c))


def _separators() -> re.Pattern:
    """Non-ASCII characters that a title key reads as a word break whatever surrounds them
    (no decomposition, not a combining mark, no ASCII letter or digit in lower case: dashes,
    quotes, bullets, Greek letters ...), as one character class: a citation with an en dash in
    its pages, made spaces, then takes the ASCII path (same key)."""
    cps = [cp for cp in range(0x80, 0x3040)
           if unicodedata.normalize("NFKD", chr(cp)) == chr(cp)
           and not unicodedata.combining(chr(cp))
           and not any(ch.isascii() and ch.isalnum() for ch in chr(cp).lower())]
    ranges, start = [], cps[0]
    for a, b in zip(cps, cps[1:] + [None]):
        if b != a + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(a)) if a > start else ""))
            start = b
    return re.compile("[" + "".join(ranges) + "]+")


_SEPARATORS: re.Pattern | None = None     # (made on the first non-ASCII title: ~15 ms)


@functools.lru_cache(maxsize=131072)   # an import asks for each title's key three times
def title_key(title: str) -> str:
    """A normalised title for duplicate detection: ASCII letters/digits only, lower case."""
    if not title:
        return ""
    if not title.isascii():
        global _SEPARATORS
        if _SEPARATORS is None:
            _SEPARATORS = _separators()
        title = _SEPARATORS.sub(" ", title)
    if title.isascii():   # fast path (same result): nothing to decompose
        t = title.lower()
    else:   # combining marks dropped (only non-ASCII characters are looked at: a few a title)
        t = _NON_ASCII.sub(_no_marks, unicodedata.normalize("NFKD", title)).lower()
    if "<" in t or "{" in t or "\\" in t or "}" in t:
        t = _MARKUP.sub("", t)
    return " ".join(_WORD.findall(t))
