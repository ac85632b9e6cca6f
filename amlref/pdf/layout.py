"""What the first page says: the title (largest type near the top), the authors under it, the
abstract after its heading, the year; and whether a stored or fetched title is the printed one."""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from amlref.pdf.cleantext import HYPHEN_MARK, for_reading, squash
from amlref.pdf.ids import REFS_HEADING


@dataclass
class Line:
    text: str
    size: float = 0.0        # font size in points (0 when the library gave none)


def page_lines(text: str, sizes: list[float] | None = None) -> list[Line]:
    """Split a page's text (pdfium: CR LF between lines) into its non-empty lines, with the
    font size of each (``sizes``: one per line of the text, empty lines included)."""
    out = []
    for k, raw_line in enumerate(re.split(r"\r\n|\r|\n", text)):
        if raw_line.strip():
            out.append(Line(raw_line.strip(), sizes[k] if sizes and k < len(sizes) else 0.0))
    return out


# whole words: "issue" is not "tissue", "article" not "nanoparticle", "doi" not "doing"
_NOT_TITLE = re.compile(r"\bdoi\b|https?:|www\.|@|©|\(c\)|\bcopyright|\bjournal|\bvolume\b|"
                        r"\bvol\.|\bissue\b|\breceived\b|\baccepted\b|\bpublished\b|"
                        r"\bdownloaded\b|available online|\blicen[cs]e|\barticles?\b|\bissn\b|"
                        r"\bpages?\s\d|^\s*page|^\d+$|contents lists|homepage|publication date|"
                        r"advance access|\belsevier\b|\bspringer\b|\bwiley\b|\btaylor\b|\barxiv",
                        re.I)
# an affiliation or address line ("Department of Haematology, ...", "Institute for ...")
_AFFIL_LINE = re.compile(r"^[\d\W]*(?:department|dept\.|division|school|faculty|institute|"
                         r"laborator(?:y|ies)|university|centre|center|hospital)\s+(?:of|for)\b",
                         re.I)
_KIND_LINE = re.compile(r"^(?:original|research|review|brief|short|letter|editorial|commentary|"
                        r"perspective|case report|correspondence|clinical trial|regular)\b[\w\s]*$",
                        re.I)


def _titleish(line: str) -> bool:
    words = line.split()
    letters = sum(c.isalpha() for c in line)
    if len(words) < 2 or letters < 8 or letters < len(line) * 0.5:
        return False
    if _NOT_TITLE.search(line) or _KIND_LINE.match(line) or _AFFIL_LINE.match(line):
        return False
    if line.isupper() and len(words) <= 3:
        return False
    return True


def guess_title(lines: list[Line], journal: str = "") -> tuple[str, int]:
    """The title printed on a first page and the index of the line after it; ("", 0) if none.
    With font sizes: the largest type among title-like lines of the top of the page (a group of
    consecutive lines of that size).  Without: the first title-like line of the top."""
    if not lines:
        return "", 0
    top = lines[: max(12, int(len(lines) * 0.6))]
    skip = squash(journal) if len(squash(journal)) >= 4 else None
    squashed = [squash(ln.text) for ln in lines]

    def masthead(i: int) -> bool:
        """The journal's name: the same words begin another line that goes on with a volume,
        year or pages ("Blood Reviews 45 (2021) 100723"), or the metadata names the journal."""
        me = squashed[i]
        if not me or me == skip:
            return bool(me)
        return any(k != i and other.startswith(me) and len(other) - len(me) <= 30
                   and any(c.isdigit() for c in other[len(me):]) for k, other in enumerate(squashed))

    sized = [ln for ln in lines if ln.size]
    body = 0.0
    if sized:
        weights = Counter()
        for ln in sized:
            weights[ln.size] += len(ln.text)
        body = weights.most_common(1)[0][0]
        cands = []
        for k, ln in enumerate(top):
            if ln.size >= body * 1.15 and _titleish(ln.text) and not masthead(k):
                if _marked_authors(top, k):
                    continue
                i, j = _same_size_group(top, k)
                # the title is the large type that the author names follow (a banner or a
                # journal name in larger type is not), then the longer, then the larger
                cands.append((bool(guess_authors(lines, j)), len(ln.text.split()) >= 3, ln.size,
                              -k, i, j))
        if cands:
            *_, i, j = max(cands)
            return tidy_title(_join([ln.text for ln in top[i:j]])), j
    for i, ln in enumerate(top[:15]):
        if (_titleish(ln.text) and 3 <= len(ln.text.split()) <= 40
                and not ln.text.endswith((".", ","))      # a sentence; an address line
                and not masthead(i) and not _names_line(ln.text)
                and not (sized and ln.size < body)):
            group = [ln.text]
            if i + 1 < len(top) and top[i + 1].text[:1].islower() and top[i + 1].size == ln.size:
                group.append(top[i + 1].text)
            return tidy_title(_join(group)), i + len(group)
    return "", 0


def _marked_authors(top: list[Line], k: int) -> bool:
    """Line k is (the end of) an author list in large type, affiliation marks after the names
    ("Maria Rossi,1,* Jonas Berg,2" / "and Aiko Tanaka1"; superscripts split the list)."""
    text = top[k].text
    if not _names_line(text) and not all(_name(p) is not None and _name(p) != ""
                                          for p in _NAME_SPLIT.split(text) if p.strip()):
        return False
    for t in (text, (top[k - 1].text + " " + text) if k else text):
        if _names_line(t) and len(_MARKERS.findall(t)) >= 2:
            return True
    return False


def _same_size_group(top: list[Line], k: int) -> tuple[int, int]:
    """The lines of line k's type size around it: [i, j) (at most six lines); the group may
    start above line k (e.g. a short first line that is not title-like on its own)."""
    size = top[k].size
    i = k
    while i > 0 and abs(top[i - 1].size - size) <= size * 0.05 and not _NOT_TITLE.search(top[i - 1].text):
        i -= 1
    j = i
    while j < len(top) and abs(top[j].size - size) <= size * 0.05 and j - i < 6:
        j += 1
    return i, j


def _join(parts: list[str]) -> str:
    return for_reading("\n".join(parts))


def tidy_title(t: str) -> str:
    t = re.sub("(?<=[a-z])[\\d,*\u2217†‡§¶]+$", "", t.strip())   # footnote markers
    return t.strip().rstrip(".:;,").strip()


def _names_line(text: str) -> bool:
    parts = [p for p in _NAME_SPLIT.split(text) if p.strip()]
    names = [_name(p) for p in parts]
    return sum(1 for n in names if n) >= 2 and all(n is None or n for n in names)


_NAME_SPLIT = re.compile(r",|;|\band\b|&|·|•|\|")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "dos", "ten",
              "ter", "bin", "al", "el", "y"}
_AFFIL = re.compile(r"universit|department|dept\.|hospital|institut|cent(?:er|re)|school|faculty|"
                    r"college|laborator|clinic|@|\bcorrespond|\babstract\b|\bsummary\b|\d{5}|"
                    r"received|doi", re.I)


def guess_authors(lines: list[Line], after: int) -> list[str]:
    """The author names printed under the title (up to three lines), or [] when unsure."""
    names: list[str] = []
    for ln in lines[after: after + 12]:         # one line per name when superscripts split them
        if _AFFIL.search(ln.text):
            break
        parts = _NAME_SPLIT.split(ln.text)
        got = [_name(p) for p in parts if p.strip()]
        got = [g for g in got if g is not None]
        if not got or any(g == "" for g in got):
            break
        names += got
    return names if all(names) else []


# footnote and affiliation marks after a name: digits, asterisks (ASCII, U+2217 as TeX's math
# asterisk extracts, U+204E), daggers, section and pilcrow signs, envelopes, superscript digits
_MARKERS = re.compile("[\\d*\u2217\u204e\u22c6†‡§¶#✉\u00b9\u00b2\u00b3\u2070-\u2079]+")


def _name(part: str) -> str | None:
    """A cleaned author name, "" when the part is not a name, None when it is only a marker."""
    p = _MARKERS.sub(" ", part)
    toks = p.split()
    while toks and len(toks[-1]) == 1 and toks[-1].islower():     # affiliation letters: "Rossi a"
        toks.pop()
    p = " ".join(toks).strip(" .")
    if not p or len(p) <= 2 and p.islower():
        return None
    toks = p.split()
    if not 2 <= len(toks) <= 5:
        return ""
    for t in toks:
        if not (t[0].isupper() or t.lower() in _PARTICLES) or sum(c.isdigit() for c in t):
            return ""
    return p


_ABSTRACT = re.compile(r"^\s*(?:a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\b\s*[:.\u2014\u2013-]?\s*(.*)$",
                       re.I)
_STOP = re.compile(r"^\s*(?:\d+\.?\s+)?(?:introduction|keywords?|key\s+words|abbreviations|"
                   r"correspondence|received|article history|copyright|©|background\s*$|"
                   r"main\s*$|significance\s*$|highlights\s*$|\d{1,4}\s*$)", re.I)


def find_abstract(page_texts: list[str]) -> str:
    """The paragraph after an "Abstract"/"Summary" heading on the first pages, or ""."""
    for text in page_texts:
        lines = [ln.strip() for ln in re.split(r"\r\n|\n|\r", text)]
        for i, ln in enumerate(lines):
            m = _ABSTRACT.match(ln)
            if not m or (not m.group(1) and len(ln) > 20):
                continue
            out, size = [m.group(1)] if m.group(1) else [], len(m.group(1))
            for nxt in lines[i + 1:]:
                if _STOP.match(nxt) or size > 5000:
                    break
                if not nxt and size > 200:
                    break
                out.append(nxt)
                size += len(nxt)
            text_out = for_reading("\n".join(out))
            if len(text_out) >= 80:
                return text_out
    return ""


_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def guess_year(lines: list[Line], xmp_date: str = "") -> str:
    m = _YEAR.search(xmp_date or "")
    if m:
        return m.group(1)
    text = "\n".join(ln.text for ln in lines)
    for pat in (r"(?:published|first published|published online|epub)[^\n]{0,40}?\b((?:19|20)\d\d)\b",
                r"(?:©|\(c\)|copyright)\s*((?:19|20)\d\d)\b"):
        m = re.search(pat, text, re.I)
        if m:
            return m.group(1)
    for ln in lines[:4] + lines[-4:]:
        m = _YEAR.search(ln.text)
        if m:
            return m.group(1)
    return ""


_USELESS = re.compile(r"^(?:untitled\d*|title|no title|paper|article|manuscript|document\d*|"
                      r"draft|layout \d+|proceedings template.*|template|slide \d+|"
                      r"microsoft (?:word|powerpoint).*|pii:.*|doi:.*|10\.\d{4,9}/.*|"
                      r".*\btemplate\b.*|.*\bguidelines? for (?:authors|submission).*|"
                      r"author guidelines.*|.*editorial system.*|.*manuscript draft|"
                      r"title of (?:the |your )?(?:paper|article|manuscript)|"
                      r"untitled (?:document|presentation|project)|(?:the |your )?title(?: here)?|"
                      r".*\.(?:dvi|pdf|docx?|tex|indd|qxd|qxp|ps|eps|rtf|odt|pages|fm|xml|html?|"
                      r"svg|ai|cdr|png|jpe?g|tiff?|gif|bmp|emf|wmf|pptx?|xlsx?))$",
                      re.I)


def useless_meta_title(title: str, path: str = "") -> bool:
    """A document-info/XMP title that says nothing about the article: "paper.dvi", "untitled",
    "Microsoft Word - x.docx", the file name, one word, a journal name in capitals ..."""
    t = " ".join((title or "").split()).strip("()[]<>\"' ")
    if not t or _USELESS.match(t):
        return True
    words = t.split()
    if len(words) < 3 and len(t) < 25:
        return True
    if t.isupper() and len(words) <= 6:
        return True
    if " " not in t:                     # jcm-09-01234, S0006497119301234
        return True
    if path:
        stem = os.path.splitext(os.path.basename(path))[0]
        if squash(stem) and squash(stem) == squash(t):
            return True
    return False


def title_matches(title: str, page_text: str) -> bool:
    """True when ``title`` is (nearly) the title printed in ``page_text``: compared as letters
    and digits only (case, hyphenation, line breaks, ligatures, accents, Greek letters and
    markup do not count), allowing a few characters to differ."""
    t = squash(title)
    if len(t) < 10:
        return False
    p = squash(page_text.replace(HYPHEN_MARK, ""))
    if t in p:
        return True
    main = re.split(r":\s|\?\s|\s[\u2014\u2013-]\s", title or "", maxsplit=1)[0]
    if len(squash(main)) >= 30 and squash(main) != t and title_matches(main, page_text):
        return True         # a subtitle the page does not print (or prints apart)
    if len(t) < 20:
        return False
    n = len(t)
    best = 0.0
    anchors = {t[:8], t[n // 2 - 4: n // 2 + 4], t[-8:]}
    starts = set()
    for a in anchors:
        off = t.find(a)
        pos = p.find(a)
        while pos >= 0 and len(starts) < 200:
            starts.add(max(0, pos - off))
            pos = p.find(a, pos + 1)
    for s in starts:
        window = p[max(0, s - 10): s + n + 10]
        sm = SequenceMatcher(None, t, window, autojunk=False)
        matched = sum(b.size for b in sm.get_matching_blocks())
        best = max(best, matched / n)
        if best >= 0.92:
            return True
    return False


def printed_as_title(title: str, page_title: str, page_text: str) -> bool:
    """``title`` (from the metadata, or fetched online) is the title printed on the page: found
    in its text, and it is the page's title guess (either may be cut or carry a subtitle) or
    printed above it (the guess took a line below the real title) or above the abstract
    heading.  Found only further down, it is another paper's: a reference, a related-article
    box, a "cite this" block."""
    if not title_matches(title, page_text):
        return False
    if len(page_title.split()) < 5:        # no guess to hold it against
        return True
    if title_matches(title, page_title) or title_matches(page_title, title):
        return True
    page = squash(page_text.replace(HYPHEN_MARK, ""))
    at_title, at_guess = page.find(squash(title)[:24]), page.find(squash(page_title)[:24])
    if 0 <= at_title < at_guess:
        return True
    # printed above the abstract heading: with the authors, not in a box lower down (the guess
    # took a banner over the real title)
    lines = re.split(r"\r\n|\r|\n", page_text)
    heading = next((i for i, ln in enumerate(lines) if _ABSTRACT.match(ln)), None)
    return heading is not None and title_matches(title, "\n".join(lines[:heading]))


def meta_title_printed(meta_title: str, page_text: str) -> bool:
    """The metadata's title is printed on the page before its reference list (a title found
    only among the references is a cited paper's: a template reused from another paper)."""
    lines = re.split(r"\r\n|\r|\n", page_text)
    cut = next((i for i, ln in enumerate(lines) if REFS_HEADING.match(ln)), len(lines))
    return title_matches(meta_title, "\n".join(lines[:cut]))


def cut_short(meta_title: str, page_title: str) -> bool:
    """The metadata title is the page's title cut off (a length limit of the producer)."""
    m, p = squash(meta_title), squash(page_title)
    return bool(m) and len(m) < len(p) and p.startswith(m)
