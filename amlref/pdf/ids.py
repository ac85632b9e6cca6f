"""Identifiers in a PDF's text and metadata, and which DOI is the paper's own.

The DOIs of cited works must never win: a DOI counts when metadata and page agree, when it is in
the header or footer of the first pages, when it is printed on every page (a download stamp),
in a "Cite this article" block, or on the first pages before a References heading.  DOIs after
the References heading, and on the last pages outside such blocks, are other papers'."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from amlref.core.identifiers import SICI_SEGMENT, normalize_doi, normalize_pmcid, normalize_pmid
from amlref.pdf.cleantext import for_ids

_CHAR = r"[^\s\"<>{}|\\^`]"
# a SICI's "<...>" belongs to the DOI (10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>3.0.CO;2-K)
_DOI = re.compile(r"10\.\d{4,9}/(?:" + _CHAR + "|" + SICI_SEGMENT + ")+", re.I)
_BROKEN_PREFIX = re.compile(r"(?:(?:doi\.org/|doi\s*:?\s*)10(?:\.\d{0,9})?|\b10\.\d{4,9}/?)\s*$", re.I)
_STAMP = re.compile(r"downloaded (?:from|by|via)|download date|this article is protected by copyright|"
                    r"for personal use only|preprint doi|the copyright holder for this", re.I)
_CONTINUES = re.compile(r"^(?:" + _CHAR + "|" + SICI_SEGMENT + ")+", re.I)
# a line ending inside a SICI ("...31:2<213::AID-", "...<213::AID-JBM9>"): the DOI goes on
_OPEN_SICI = re.compile(r"10\.\d{4,9}/" + _CHAR + r"*<[^\s\"<>{}|\\^`]*>?$", re.I)
_OPEN_TAIL = re.compile(r"<[^\s\"<>{}|\\^`]*>?")
_SICI_CHECK_HASH = re.compile(r">\d\.\d\.[a-z]{2};\d-#$", re.I)   # a SICI's check character "#"
_MARKER = re.compile(r"(?:doi|DOI|Doi)\s*:?\s*$|doi\.org/$|/doi/(?:abs/|full/|pdf/|epdf/)?$")
_QUERY = re.compile(r"[?#&](?:[a-z_]+=|$).*$", re.I)
_COMPONENT = re.compile(r"\.(?:[gts]\d{3}|sd\d{3})$")       # PLOS figure/table/supplement DOIs
REFS_HEADING = _REFS = re.compile(r"^\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(?:references?(?: and notes)?|bibliography|"
                   r"literature cited|works cited|cited literature|literatur|références)\s*:?\s*$",
                   re.I)
_CITE = re.compile(r"cite this (?:article|paper|chapter)|to cite this|how to cite|please cite "
                   r"this|^\s*citation\s*:|recommended citation|cite as\s*:", re.I | re.M)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b")
_PMCID = re.compile(r"\bPMCID\s*:?\s*(PMC\s?\d{4,10})\b|\b(PMC\d{5,10})\b")
_ARXIV = re.compile(r"\barXiv\s*:\s*(\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7})(v\d+)?", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$")
ARCHIVE_PREFIXES = ("10.2307/",)      # JSTOR: the archive's DOI beside the publisher's


def clean_doi(raw: str) -> str:
    """A DOI as matched in text, with what extraction glued to it taken off; "" if invalid."""
    d = raw if _SICI_CHECK_HASH.search(raw) else _QUERY.sub("", raw)
    for _ in range(4):
        d = d.rstrip(".,;:'\u2019\u201d*")
        for op, cl in ("()", "[]", "{}"):
            while d.endswith(cl) and d.count(op) < d.count(cl):
                d = d[:-1]
    if d.lower().endswith((".pdf", ".html", ".htm", ".full", ".abstract")):
        d = d.rsplit(".", 1)[0]
    d = normalize_doi(d, strict=False)
    return "" if d and placeholder_doi(d) else d


_FILLER = re.compile(r"^(?:x{3,}|n{3,})$", re.I)          # "nnnnnnn", "xxxx"


def placeholder_doi(doi: str) -> bool:
    """A template's stand-in that a preprint kept (acmart "10.1145/nnnnnnn.nnnnnnn", Elsevier's
    "10.1016/j.xxx.2024.xx.xxx", "10.1000/xxxxx"): a part of the suffix is only x or n, three
    or more of them."""
    suffix = doi.split("/", 1)[1] if "/" in doi else ""
    return any(_FILLER.match(part) for part in re.split(r"[^0-9a-z]+", suffix, flags=re.I))


@dataclass
class Hit:
    doi: str
    line: int            # line number on its page
    marked: bool         # "doi:", "DOI ", "doi.org/" just before it
    stamp: bool = False  # on a "Downloaded from ..." line


def dois_in_lines(lines: list[str]) -> list[Hit]:
    """Every DOI in the lines of one page, joining a DOI broken over two or three lines (a SICI
    is long: "10.1002/(SICI)1097-" / "4636(199606)31:2" / "<213::AID-JBM9>3.0.CO;2-K")."""
    hits = []
    for i, line in enumerate(lines):
        after = i + 1                      # the first line a DOI at the end may go on to
        nxt_line = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if nxt_line and _BROKEN_PREFIX.search(line):
            nxt = _CONTINUES.match(nxt_line)
            if nxt:
                line = line.rstrip() + nxt.group(0)
                after = i + 2
        for m in _DOI.finditer(line):
            raw, rest = m.group(0), line[m.end():].strip()
            if not rest or _OPEN_TAIL.fullmatch(rest):    # the DOI ends the line (maybe in a SICI)
                raw = _continued(raw + rest, lines, after, one_token=after == i + 1)
            doi = clean_doi(raw)
            if doi and len(doi.split("/", 1)[1]) >= 2:
                hits.append(Hit(doi, i, bool(_MARKER.search(line[max(0, m.start() - 40):m.start()])),
                                bool(_STAMP.search(line))))
    return hits


def _continued(raw: str, lines: list[str], j: int, one_token: bool = True) -> str:
    """A DOI ending a line, with what the next lines add to it: joined when it is cut at "/",
    "-" or "_", inside a SICI's "<...>", or when the next line starts with a SICI's "<" or
    (``one_token``: the DOI did not need joining already) is one token; a full stop there ends
    a sentence ("doi:10.1/x.").  At most two more lines."""
    for k in range(j, min(j + 2, len(lines))):
        nxt_line = lines[k].strip()
        if not nxt_line:
            break
        token = nxt_line.split()[0]
        if not (raw.endswith(("/", "-", "_")) or _OPEN_SICI.search(raw) or token.startswith("<")
                or (k == j and one_token and _single_token(nxt_line))) or _DOI.match(token):
            break
        joined = raw + token
        m = _DOI.match(joined)
        if m is None or m.end() <= len(_DOI.match(raw).group(0)):
            break
        raw, tail = m.group(0), joined[m.end():]
        if token != nxt_line or (tail and not _OPEN_TAIL.fullmatch(tail)):
            break                           # the DOI ends on that line
        raw = joined                        # (a SICI's "<..." may go on to the next line)
    m = _DOI.match(raw)
    return m.group(0) if m else raw


def _single_token(line: str) -> bool:
    s = line.strip()
    if s.isdigit() and len(s) < 5:          # a page number under the last line
        return False
    return (bool(s) and " " not in s and len(s) < 60
            and any(c.isdigit() or c in "./-_;()" for c in s))


@dataclass
class PageIds:
    """What one page offers."""
    number: int                       # 1-based page number
    header: list[str] = field(default_factory=list)     # DOIs in the first/last lines
    body: list[str] = field(default_factory=list)       # DOIs elsewhere before References
    marked: list[str] = field(default_factory=list)     # those of them marked "doi:", doi.org/
    refs: list[str] = field(default_factory=list)       # DOIs after a References heading
    cite: list[str] = field(default_factory=list)       # DOIs in a "Cite this article" block
    all: set[str] = field(default_factory=set)
    pmid: str = ""
    pmcid: str = ""
    arxiv: str = ""
    in_refs_after: bool = False       # the page ends inside the reference list


def scan_page(text: str, number: int, in_refs: bool, tail: bool = False,
              edge_lines: set[int] | frozenset = frozenset()) -> PageIds:
    """The identifiers on one page.  ``in_refs``: the reference list began on an earlier page;
    ``tail``: a last page read without the pages before it (its DOIs count only in a cite block,
    a stamp or the page's margin); ``edge_lines``: numbers of the lines that lie in the page's
    top or bottom margin (running header, footer), when the library gives positions."""
    lines = for_ids(text).split("\n")
    page = PageIds(number)
    refs_from = 0 if (in_refs or tail) else None
    for i, line in enumerate(lines):
        if refs_from is None and _REFS.match(line):
            refs_from = i
    page.in_refs_after = refs_from is not None
    cite_spans = []
    joined = "\n".join(lines)
    for m in _CITE.finditer(joined):
        start_line = joined.count("\n", 0, m.start())
        cite_spans.append((start_line, start_line + 8))
    n = len(lines)
    for hit in dois_in_lines(lines):
        page.all.add(hit.doi)
        in_cite = any(a <= hit.line <= b for a, b in cite_spans)
        edge = hit.line < 6 or hit.line >= n - 4
        if hit.stamp or hit.line in edge_lines:
            page.header.append(hit.doi)
        elif in_cite:
            page.cite.append(hit.doi)
        elif refs_from is not None and hit.line >= refs_from:
            page.refs.append(hit.doi)     # a running header there counts only as a stamp
        elif edge:
            page.header.append(hit.doi)
        else:
            page.body.append(hit.doi)
            if hit.marked:
                page.marked.append(hit.doi)
    front = "\n".join(lines[:refs_from] if refs_from is not None else lines)
    if not tail:
        m = _PMID.search(front)
        page.pmid = normalize_pmid(m.group(1), strict=False) if m else ""
        m = _PMCID.search(front)
        if m:
            page.pmcid = normalize_pmcid((m.group(1) or m.group(2)).replace(" ", ""), strict=False)
        m = _ARXIV.search(front)
        page.arxiv = m.group(1) if m else ""
    return page


@dataclass
class Choice:
    doi: str = ""
    source: str = ""
    others: list[str] = field(default_factory=list)


def choose_doi(meta: list[tuple[str, str]], pages: list[PageIds], all_pages_read: bool) -> Choice:
    """The paper's own DOI.  ``meta``: (doi, "xmp"|"info") from the metadata, in order of trust;
    ``pages``: the pages read, in page order (first pages, then maybe the last ones)."""
    seen_text = set().union(*(p.all for p in pages)) if pages else set()
    own_text = set()
    for p in pages:
        own_text.update(p.header, p.body, p.cite)
    everything = seen_text | {d for d, _ in meta}

    def done(doi: str, source: str) -> Choice:
        doi = _parent(doi, everything)
        return Choice(doi, source, sorted(everything - {doi}))

    # 1. metadata the pages confirm (anywhere but inside a reference list), or that completes a
    #    DOI the page prints cut short
    for doi, src in meta:
        if doi in own_text or _stamped(doi, pages):
            where = _first_page_with(doi, pages)
            return done(doi, f"{src} and page {where}" if where else src)
        if any(len(d) >= 12 and doi.startswith(d) for d in own_text):
            return done(doi, src)
    # 2. the same DOI on every page read (a download stamp or running header)
    if len(pages) >= 2:
        common = set.intersection(*(p.all for p in pages))
        if common:
            doi = _pick(sorted(common, key=lambda d: _order(d, pages)))
            return done(doi, "page 1 (on every page)")
    # 3. the header or footer, then a DOI marked "doi:"/doi.org in the text before the references,
    #    of the first pages in order; an archive's DOI (a JSTOR cover page) only when no page
    #    prints the publisher's
    marked = [(d, p.number) for p in pages
              for group in (p.header, p.marked if _front_matter(p) else []) for d in group]
    if marked:
        doi, number = next((m for m in marked if not m[0].startswith(ARCHIVE_PREFIXES)), marked[0])
        return done(doi, f"page {number}")
    # 4. a "Cite this article" block
    for p in pages:
        if p.cite:
            return done(_pick(p.cite), f"page {p.number} (cite this block)")
    # 5. metadata alone
    if meta:
        return done(meta[0][0], meta[0][1])
    # 6. a bare DOI in the text of page 1 (on later pages a bare DOI, unmarked and outside the
    #    header and footer, is a cited work's: an in-text or footnote citation, a listing)
    for p in pages:
        if p.body and p.number == 1:
            return done(_pick(p.body), f"page {p.number}")
    return Choice("", "", sorted(everything))


def _front_matter(p: PageIds) -> bool:
    """Page 1, or a later page that does not look like a reference list without its heading
    (three or more DOIs)."""
    return p.number == 1 or len(p.all) <= 2


def settled(first: PageIds, meta: list[tuple[str, str]]) -> bool:
    """Page 1 alone decides: a DOI in its header/footer or marked in its text (not only an
    archive's: the publisher's may follow on the next page), or the metadata's DOI printed on
    it."""
    own = [d for d in first.header + first.marked if not d.startswith(ARCHIVE_PREFIXES)]
    return bool(own or any(d in first.all for d, _ in meta))


def _pick(group: list[str]) -> str:
    """The first of a group, passing over an archive's DOI (JSTOR) when the publisher's is there."""
    for doi in group:
        if not doi.startswith(ARCHIVE_PREFIXES):
            return doi
    return group[0]


def _parent(doi: str, known: set[str]) -> str:
    m = _COMPONENT.search(doi)
    return doi[:m.start()] if m and doi[:m.start()] in known else doi


def _stamped(doi: str, pages: list[PageIds]) -> bool:
    return len(pages) >= 2 and all(doi in p.all for p in pages)


def _first_page_with(doi: str, pages: list[PageIds]) -> int:
    for p in pages:
        if doi in p.all:
            return p.number
    return 0


def _order(doi: str, pages: list[PageIds]) -> int:
    first = pages[0]
    for i, d in enumerate(first.header + first.body + first.refs + first.cite):
        if d == doi:
            return i
    return 999


def arxiv_from_doi(doi: str) -> str:
    m = _ARXIV_DOI.match(doi or "")
    return m.group(1) if m else ""


def dois_in_value(value: str) -> list[str]:
    """DOIs in a metadata value ("doi:10...", "https://doi.org/10...", "info:doi/10...")."""
    out = []
    for m in _DOI.finditer(for_ids(value or "")):
        d = clean_doi(m.group(0))
        if d and d not in out:
            out.append(d)
    return out
