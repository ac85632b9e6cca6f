"""The text of a PubMed abstract page, pasted or dropped (what a browser gives for "select all,
copy" or "save as text").

The main article: PMID, PMCID, DOI, title, authors, journal line, abstract (structured sections
kept as paragraphs), keywords, publication types, MeSH terms.  Then its lists, each entry an
article of its own, linked to the main one:

- "Similar articles": ``Link(main, entry, "similar")``
- "Cited by": ``Link(entry, main, "cites")`` (the entry cites the main article)
- "References": ``Link(main, entry, "cites")``

Entries are separated by ``-`` bullet lines when the copy has them; otherwise a docsum ends at
its ``PMID:`` line and a reference is one line.  Both the one-line docsum ("Title.Journal.
2021 Aug 20;12(1):465. doi: ... Journal. 2021. PMID: n") and the three-line one (title, authors,
citation) are read."""
from __future__ import annotations

import re

from amlref.core.article import Article, Link, ParseResult, Person, Problem
from amlref.core.errors import InputError
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.formats.medline import mesh_term, parse_medline_date
from amlref.formats.ris import parse_name
from amlref.plugins.base import Importer

ORIGIN = "pubmed-page"
LIST_SECTIONS = {"similar articles": "similar", "cited by": "cited_by", "references": "references"}
OTHER_SECTIONS = (
    "abstract", "figures", "conflict of interest statement", "publication types", "mesh terms",
    "substances", "grants and funding", "linkout - more resources", "full text sources",
    "research materials", "medical", "miscellaneous", "comment in", "comment on",
    "supplementary info", "associated data", "related information", "full text links",
    "erratum in", "update of", "update in", "trial registration", "page navigation", "actions",
    "share", "cite", "similar articles", "cited by", "references", "other literature sources",
    "chemicals", "keywords", "affiliations", "expand", "supplementary concepts", "grant support",
    "proceedings", "personal name as subject", "retraction in", "retraction of", "publication types",
)
_SECTION_RE = re.compile(r"^(?:" + "|".join(re.escape(s) for s in sorted(
    set(OTHER_SECTIONS), key=len, reverse=True)) + r")\s*(?:\(\d+\))?\s*$", re.I)
_NOISE = {"full text links", "actions", "cite", "share", "page navigation", "affiliations",
          "expand", "display options"}
_PMID = re.compile(r"\bPMID:\s*(\d{1,9})\b")
_PMCID = re.compile(r"\bPMCID:\s*(PMC\d+)\b", re.I)
_DOI = re.compile(r"\b(?:doi|DOI):\s*(10\.\d{4,9}/\S+)")
_CITE = re.compile(  # "Stem Cell Res Ther. 2021 Aug 20;12(1):465." (journal, date, rest)
    r"^(?P<j>[A-Z][^.;]{0,120}?)\.\s*(?P<d>(?:1[89]|20)\d\d(?:\s[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?)?"
    r"(?:\s\d{1,2})?)(?P<rest>[;:.][^\n]*)?")
_TAIL = re.compile(r"([A-Z][^.]{0,120}?)\.\s*((?:1[89]|20)\d\d)\.\s*PMID:\s*\d+")
_PUB_TYPES = (r"Review|Systematic Review|Meta-Analysis|Clinical Trial(?:, Phase [IV]+)?|"
              r"Randomized Controlled Trial|Case Reports|Editorial|Comment|Letter|"
              r"Observational Study|Practice Guideline|Guideline|Multicenter Study")
_PUBTYPE_LINE = re.compile(r"^(?:" + _PUB_TYPES + r")\.?$")
_BULLET = re.compile(r"^\s*[-–•*]\s*$")
_SKIP_LINE = re.compile(r"^(see all|show all|show more|show less|load more|free (pmc )?article|"
                        r"full text|item in clipboard|cite|display options|expand|collapse)\b",
                        re.I)


def _clean_doi(v: str) -> str:
    return normalize_doi(v.rstrip(".,;)"), strict=False)


def _heading(line: str) -> str | None:
    """Section name of a heading line ("Cited by", "Cited by 12 articles", "References (45)")."""
    if len(line) > 60:
        return None
    s = re.sub(r"\s*(?:\(\d+\)|\d+\s+articles?)$", "", line.strip().rstrip(":"), flags=re.I)
    if _SECTION_RE.match(s):
        return s.lower()
    return None


def _parse_citation(rest: str, a: Article) -> None:
    """Volume, issue, pages from ";12(1):465." / ":14:1374963." / ";183:225-254."."""
    m = re.match(r"^[;:]\s*(?P<v>[^():;.]+)?\s*(?:\((?P<i>[^)]*)\))?\s*(?::\s*(?P<p>[^\s.;]+))?",
                 rest or "")
    if not m:
        return
    a.volume = a.volume or (m.group("v") or "").strip()
    a.issue = a.issue or (m.group("i") or "").strip()
    a.pages = a.pages or (m.group("p") or "").strip()


def _authors(line: str) -> list[Person]:
    line = re.sub(r"\bet al\.?", "", line).strip(" .;")
    out = []
    for part in line.split(","):
        part = re.sub(r"(\s+\d+)+$", "", part.strip()).strip(" .")
        part = re.sub(r"[\d*†‡#]+$", "", part).strip()
        if part:
            p = parse_name(part)
            if p:
                out.append(p)
    return out


def _looks_like_authors(line: str) -> bool:
    s = line.strip().rstrip(".")
    if not s or len(s) > 4000:
        return False
    parts = [p.strip() for p in re.sub(r"\bet al\b", "", s).split(",") if p.strip()]
    if not parts:
        return False
    ok = 0
    for p in parts:
        words = re.sub(r"(\s+\d+)+$", "", p).split()
        if 1 <= len(words) <= 5 and all(w[:1].isupper() or w[:1] in "'(" or w.islower() and
                                        w in ("van", "de", "der", "von", "da", "dos", "del", "di",
                                              "la", "le") for w in words):
            ok += 1
    return ok == len(parts) and (len(parts) >= 2 or bool(re.search(r"\s[A-Z]{1,3}$", s)))


def parse_docsum(lines: list[str]) -> Article:
    """A "Similar articles" / "Cited by" entry (one line or title/authors/citation lines)."""
    a = Article(origin=ORIGIN)
    text = " ".join(line.strip() for line in lines)
    m = _PMID.search(text)
    if m:
        a.pmid = normalize_pmid(m.group(1), strict=False)
    m = _DOI.search(text)
    if m:
        a.doi = _clean_doi(m.group(1))
    m = _PMCID.search(text)
    if m:
        a.pmcid = normalize_pmcid(m.group(1), strict=False)
    pm = _PMID.search(text)
    after = text[pm.end():] if pm else ""
    tags = re.findall(r"\b(" + _PUB_TYPES + r")\.", after + ".")
    if tags:
        a.pub_types = list(dict.fromkeys(tags))
    cite_line = ""
    if len(lines) >= 2:
        a.title = lines[0].strip()
        idx = next((i for i in range(1, len(lines)) if _CITE.match(lines[i].strip())), None)
        if idx is not None:
            if idx > 1 and _looks_like_authors(" ".join(lines[1:idx])):
                a.authors = _authors(" ".join(lines[1:idx]))
            cite_line = " ".join(x.strip() for x in lines[idx:])
        else:
            cite_line = " ".join(x.strip() for x in lines[1:])
    else:
        tail = _TAIL.search(text)
        if tail:
            journal = tail.group(1).strip()
            key = f"{journal}. "
            pos = text.find(key)
            if pos > 0:
                a.title = text[:pos].strip()
                cite_line = text[pos:]
        if not a.title:
            m = re.match(r"^(.+?[.?!])\s*(?=[A-Z][^.]{0,120}\.\s*(?:1[89]|20)\d\d)", text)
            if m:
                a.title, cite_line = m.group(1).strip(), text[m.end():]
            else:
                a.title = re.split(r"\s*\b(?:doi|PMID):", text)[0].strip()
    m = _CITE.match(cite_line.strip())
    if m:
        a.container_short = m.group("j").strip()
        a.container = a.container_short
        a.issued = parse_medline_date(m.group("d"))
        _parse_citation(m.group("rest") or "", a)
    else:
        tail = _TAIL.search(text)
        if tail:
            a.container = a.container_short = tail.group(1).strip()
            a.issued = tail.group(2)
    return a


def _sentences(text: str) -> list[str]:
    """Split at ". " (or "? ", "! ") but not after an initial ("Smith J. ")."""
    out, start = [], 0
    for m in re.finditer(r"[.?!]\s+", text):
        word = text[start:m.start()].rsplit(" ", 1)[-1]
        if re.fullmatch(r"[A-Z]", word):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def parse_reference(text: str) -> Article:
    """A "References" entry: "Authors. Title. Journal. (2010) 115:453-74. doi: x - DOI - PubMed"."""
    a = Article(origin=ORIGIN)
    t = re.sub(r"^\s*[-–•*]\s*", "", text.strip())
    links = re.findall(r"\s-\s(DOI|PubMed|PMC|Free PMC article|Free article)\b", t)
    t = re.sub(r"(\s-\s(?:DOI|PubMed|PMC|Free PMC article|Free article))+\s*$", "", t).strip()
    if links:
        a.extra["pubmed_page_links"] = links
    a.extra["citation"] = t
    m = _PMID.search(t)
    if m:
        a.pmid = normalize_pmid(m.group(1), strict=False)
    m = _PMCID.search(t) or re.search(r"\b(PMC\d{4,})\b", t)
    if m:
        a.pmcid = normalize_pmcid(m.group(1), strict=False)
    m = re.search(r"\b(?:doi|DOI):?\s*(10\.\d{4,9}/\S+)", t) or \
        re.search(r"(?:https?://)?(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)", t)
    if m:
        a.doi = _clean_doi(m.group(1))
    body = re.split(r"\s*\b(?:doi|DOI):?\s*10\.|\s*\bPMID:|\s*https?://", t)[0].strip()
    # authors: "Dohner H, Estey E, ..., et al. ." up to the first ". " after them
    m = re.match(r"^((?:[^.,;]{1,60}?\s[A-Z]{1,4},\s*)*[^.,;]{1,60}?\s[A-Z]{1,4}"
                 r"(?:,?\s*et al)?)\s*\.(?:\s*\.)?\s+", body)
    rest = body
    if m:
        a.authors = _authors(m.group(1))
        rest = body[m.end():]
    segs = _sentences(rest)
    year_re = r"\((?:1[89]|20)\d\d\)|\b(?:1[89]|20)\d\d\b"
    ym = re.search(year_re, " ".join(segs[1:])) or re.search(year_re, rest)
    if ym:
        a.issued = re.sub(r"\D", "", ym.group(0))
    if segs:
        a.title = segs[0].rstrip(".")
        if segs[0].endswith(("?", "!")):
            a.title = segs[0]
        if len(segs) > 1:
            j = segs[1]
            jm = re.match(r"^([^()\d;:]+?)\.?\s*(?:\(?(?:1[89]|20)\d\d|$)", j)
            if jm and not re.match(r"^\(?(?:1[89]|20)\d\d", j):
                a.container = jm.group(1).strip(" .")
                after = " ".join(segs[1:])
                cm = re.search(r"(?:1[89]|20)\d\d\)?(?:\s[A-Z][a-z]{2})?(?:\s\d{1,2})?[;:\s]\s*"
                               r"(\d[^\s.;]*(?:\([^)]*\))?(?::[^\s.;]+)?)", after)
                if cm:
                    _parse_citation(";" + cm.group(1), a)
    if not a.title:
        a.title = body[:300]
    return a


def _split_entries(lines: list[tuple[int, str]], kind: str) -> list[tuple[int, list[str]]]:
    """Entries of a list section: by bullet lines when present, else by PMID lines
    (docsums) or one per line (references)."""
    lines = [(n, s) for n, s in lines if s.strip() and not _SKIP_LINE.match(s.strip())]
    entries: list[tuple[int, list[str]]] = []
    if any(_BULLET.match(s) for _, s in lines):
        cur: list[str] = []
        start = 0
        for n, s in lines:
            if _BULLET.match(s):
                if cur:
                    entries.append((start, cur))
                cur, start = [], 0
                continue
            if not cur:
                start = n
            cur.append(s)
        if cur:
            entries.append((start, cur))
        return entries
    if kind == "references":
        return [(n, [s]) for n, s in lines]
    cur, start = [], 0
    for n, s in lines:
        if not cur and entries and _PUBTYPE_LINE.match(s.strip()):
            entries[-1][1].append(s)  # "Review." on its own line after the PMID line
            continue
        if not cur:
            start = n
        cur.append(s)
        if _PMID.search(s):
            entries.append((start, cur))
            cur = []
    if cur:
        entries.append((start, cur))
    return entries


def _mesh_line(line: str) -> list[str]:
    parts = [p.strip() for p in line.split("/")]
    head = parts[0]
    return mesh_term(head.rstrip("*").strip(), head.endswith("*"),
                     [(p.rstrip("*").strip(), p.endswith("*")) for p in parts[1:]])


def parse_main(lines: list[tuple[int, str]], sections: dict[str, list[tuple[int, str]]]) -> Article:
    a = Article(origin=ORIGIN, line=lines[0][0] if lines else 1)
    header = [s.strip() for _, s in lines if s.strip()]
    text = "\n".join(header)
    m = _PMID.search(text)
    if m:
        a.pmid = normalize_pmid(m.group(1), strict=False)
    m = _PMCID.search(text)
    if m:
        a.pmcid = normalize_pmcid(m.group(1), strict=False)
    m = _DOI.search(text)
    if m:
        a.doi = _clean_doi(m.group(1))
    # journal line: "Front Oncol. 2024 Dec 4;14:1374963." or "Front Oncol" + ". 2024 Dec 4:14:..."
    for i, s in enumerate(header):
        s2 = s
        if re.match(r"^\.\s*(?:1[89]|20)\d\d", s) and i > 0:
            s2 = header[i - 1] + s
        cm = _CITE.match(s2)
        if cm and not _PMID.search(s2) and len(cm.group("j")) < 80:
            a.container = a.container_short = cm.group("j").strip()
            a.issued = parse_medline_date(cm.group("d"))
            rest = (cm.group("rest") or "").strip()
            if rest.startswith(":"):
                rest = ";" + rest[1:]
            _parse_citation(rest, a)
            break
    # title: a line given twice, else the line before the authors, else the longest line
    meta = re.compile(r"^(?:-\s*)?(?:PMID|PMCID|DOI|doi|Epub|eCollection|Free|Review|"
                      r"Affiliations|expand|Comment|Erratum|Editorial|Clinical Trial)\b|^\.|"
                      r"^\W*$", re.I)
    cands = [s for s in header if not meta.match(s) and not _CITE.match(s)]
    title = ""
    seen: set[str] = set()
    for s in cands:
        if s in seen and len(s) > 15:
            title = s
            break
        seen.add(s)
    author_idx = next((i for i, s in enumerate(header) if _looks_like_authors(s)
                       and re.search(r"\d", s) or (i + 1 < len(header) and
                       header[i + 1].lower() == "affiliations" and _looks_like_authors(s))),
                      None)
    if not title and author_idx:
        prev = header[author_idx - 1]
        if prev in cands:
            title = prev
    if not title and cands:
        title = max((s for s in cands if not _looks_like_authors(s)), key=len, default="")
    a.title = title
    if author_idx is not None:
        a.authors = _authors(header[author_idx])
    # abstract, keywords, copyright
    abstract, keywords = [], []
    for n, s in sections.get("abstract", []):
        s = s.strip()
        if not s:
            continue
        if s.lower().startswith("keywords:"):
            kw = s.split(":", 1)[1].strip().rstrip(".")
            keywords.extend(k.strip() for k in re.split(r";\s*", kw) if k.strip())
            continue
        if re.match(r"^(copyright\s*)?©|^copyright\b", s, re.I):
            a.extra["copyright"] = s
            continue
        if keywords or a.extra.get("copyright"):
            a.extra.setdefault("after_abstract", []).append(s)
            continue
        abstract.append(s)
    for n, s in sections.get("keywords", []):
        if s.strip():
            keywords.extend(k.strip() for k in re.split(r";\s*", s.strip().rstrip(".")) if k.strip())
    a.abstract = "\n".join(abstract)
    a.keywords = list(dict.fromkeys(keywords))
    _from_copyright(a)
    a.pub_types = [s.strip() for _, s in sections.get("publication types", [])
                   if s.strip() and not _SKIP_LINE.match(s.strip())]
    if not a.pub_types:  # the label above the journal line ("Review", "Clinical Trial")
        a.pub_types = [h.rstrip(".") for h in header[:8] if _PUBTYPE_LINE.match(h)][:1]
    for _, s in sections.get("mesh terms", []):
        if s.strip() and not _SKIP_LINE.match(s.strip()):
            for t in _mesh_line(s.strip()):
                if t not in a.mesh:
                    a.mesh.append(t)
    for name in ("substances", "grants and funding", "conflict of interest statement"):
        vals = [s.strip() for _, s in sections.get(name, []) if s.strip()]
        if vals:
            a.extra[name.replace(" ", "_")] = vals
    return a


_COPYRIGHT = re.compile(r"^(?:copyright\s*)?(?:©|\(c\))?\s*(?:copyright\s*)?(?:©\s*)?"
                        r"((?:19|20)\d\d)\s+(.+?)\.?$", re.I)
_SURNAME = re.compile(r"^[A-ZÀ-Þ][\w'’\-]+(?:\s+[A-ZÀ-Þ][\w'’\-]+)?$")


def _from_copyright(a: Article) -> None:
    """A page copied without its author line still has the CC-BY copyright line,
    "Copyright © 2024 Bawek, Gurusinghe, Burwinkel and Przespolewski.": the year, and the
    authors' family names when the holders are people (not "The Author(s)", a publisher ...)."""
    m = _COPYRIGHT.match(a.extra.get("copyright", "").strip())
    if not m:
        return
    if not a.issued:
        a.issued = m.group(1)
    if a.authors:
        return
    holders = re.sub(r"\s+et al\.?$", "", m.group(2).strip())
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s*&\s*", holders) if n.strip()]
    if names and all(_SURNAME.match(n) for n in names) and not re.search(
            r"\b(?:authors?|society|press|publishing|elsevier|springer|wiley|ltd|inc|llc|"
            r"university|foundation|association|journal)\b", holders, re.I):
        a.authors = [Person(family=n) for n in names]
        a.extra["authors_from"] = "copyright line"


def parse_pubmed_page(text: str, filename: str = "<pubmed page>") -> ParseResult:
    """A PubMed abstract page (or a PubMed "Summary (text)" list of docsums)."""
    res = ParseResult(format="pubmed-page")
    raw = text.lstrip("\ufeff").splitlines()
    header: list[tuple[int, str]] = []
    sections: dict[str, list[tuple[int, str]]] = {}
    current = None
    heads = [(_heading(line.strip()) if line.strip() else None) for line in raw]
    nonempty = [i for i, line in enumerate(raw) if line.strip()]
    nav: set[int] = set()  # a run of headings with nothing between: the page's navigation list
    run: list[int] = []
    for i in nonempty + [-1]:
        if i >= 0 and (heads[i] or raw[i].strip().lower() in ("title & authors", "title and authors")):
            run.append(i)
            continue
        if len(run) >= 3:
            nav.update(run)
        run = []
    for n, line in enumerate(raw, 1):
        s = line.strip()
        h = heads[n - 1]
        if n - 1 in nav:
            continue
        if h in _NOISE and current in (None,) + tuple(_NOISE):
            continue
        if s.lower().startswith("keywords:") and current in (None, "abstract"):
            sections.setdefault("abstract", []).append((n, s))
            continue
        if h:
            current = h
            sections.setdefault(h, [])
            continue
        if current is None:
            header.append((n, line))
        else:
            sections[current].append((n, line))
    if not sections and _NUMBERED.search(text):
        return parse_summary_list(raw, filename)
    if not _PMID.search("\n".join(s for _, s in header)) and not header:
        raise InputError("not a PubMed page (no PMID line before the abstract)", filename)
    main = parse_main(header, sections)
    if not (main.pmid or main.title):
        raise InputError("not a PubMed page: no PMID or title found", filename)
    res.articles.append(main)
    for name, kind in LIST_SECTIONS.items():
        for start, entry in _split_entries(sections.get(name, []), kind):
            try:
                if kind == "references":
                    a = parse_reference(" ".join(x.strip() for x in entry))
                else:
                    a = parse_docsum(entry)
            except Exception as exc:  # one odd entry never stops the rest
                res.problems.append(Problem(filename, start, f"cannot read {name} entry: {exc}"))
                continue
            if not (a.title or a.pmid or a.doi):
                res.problems.append(Problem(filename, start, f"empty {name} entry"))
                continue
            a.line = start
            idx = len(res.articles)
            res.articles.append(a)
            if kind == "similar":
                res.links.append(Link(source=0, target=idx, kind="similar", origin=ORIGIN))
            elif kind == "cited_by":
                res.links.append(Link(source=idx, target=0, kind="cites", origin=ORIGIN))
            else:
                res.links.append(Link(source=0, target=idx, kind="cites", origin=ORIGIN))
    return res


_NUMBERED = re.compile(r"^1\.\s+\S.*\n(?:.*\n){1,6}?.*\bPMID:\s*\d+", re.M)


def parse_summary_list(raw: list[str], filename: str) -> ParseResult:
    """PubMed "Save > Summary (text)": numbered docsums ("1. Title" / authors / citation /
    "PMID: n"), no main article and no links."""
    res = ParseResult(format="pubmed-page")
    entries: list[tuple[int, list[str]]] = []
    for n, line in enumerate(raw, 1):
        m = re.match(r"^(\d+)\.\s+(\S.*)$", line)
        if m and (not entries or int(m.group(1)) == len(entries) + 1):
            entries.append((n, [m.group(2).strip()]))
        elif entries and line.strip():
            entries[-1][1].append(line.strip())
    for start, lines in entries:
        try:
            a = parse_docsum(lines)
        except Exception as exc:  # one odd entry never stops the rest
            res.problems.append(Problem(filename, start, f"cannot read entry: {exc}"))
            continue
        a.line = start
        res.articles.append(a)
    return res


class PubmedPageImporter(Importer):
    name = "pubmed-page"
    label = "PubMed page text (pasted or saved)"
    extensions = (".txt",)

    def sniff(self, head: str) -> float:
        if re.search(r"^PMID- ", head, re.M) or re.search(r"^\s{0,3}TY\s{1,4}-", head, re.M):
            return 0.0
        if head.lstrip().startswith(("<", "{", "[", "@")):
            return 0.0
        if not _PMID.search(head):
            return 0.0
        score = 0.5
        for marker in (r"^Abstract\s*$", r"^Similar articles", r"^Cited by", r"PMCID:\s*PMC",
                       r"^References\s*$", r"^Keywords:", r"^Affiliations\s*$"):
            if re.search(marker, head, re.M):
                score += 0.1
        if _NUMBERED.search(head):
            score += 0.2  # PubMed "Summary (text)" export
        return min(score, 0.9)

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        return parse_pubmed_page(text, filename)
