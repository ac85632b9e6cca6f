"""NLM conventions shared by the MEDLINE-format and PubMed XML readers (and by the MEDLINE-style
exports of other databases: ERIC, Ovid, PsycINFO, EBSCO).

- Journal titles: NLM tells identical titles apart by a parenthesised qualifier at the end,
  usually the place of publication ("Lancet (London, England)", "Journal of immunology
  (Baltimore, Md. : 1950)") or the medium ("(Online)", "(Print)").  :func:`split_journal_title`
  takes off a place or medium qualifier only; a qualifier that names a corporate body
  ("Proceedings (Baylor University. Medical Center)") or an edition ("BMJ (Clinical research
  ed.)", "(Chinese edition)") is part of what the title means and stays.
- Names: MEDLINE's ``AU - Griffin DK`` (family, initials) and other databases' ``AU - Griffin,
  Darren K.`` / ``AU - Werner, S. M. [Author, Reprint Author]``.
- ISSNs in their many written forms: ``1234-5678 (Print)``, ``EISSN-2375-5636``,
  ``0378-1127 (ISSN print)``.
- Publication types (NLM's, ERIC's, PsycINFO's, Ovid's) -> CSL item types.
- The citation line (``SO``) of PubMed, Ovid and ERIC, for records that lack JT/VI/IP/PG."""
from __future__ import annotations

import re

from amlref.core.article import Person

# ---------------------------------------------------------------- journal title qualifiers

_MEDIUM = {"online", "print", "internet", "electronic", "cd-rom", "online edition",
           "print edition", "e-only"}
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "la", "le", "les", "am", "an",
              "der", "upon", "on", "sur", "en", "di", "y", "i", "im", "bei", "and"}
_TRAILING_QUALIFIER = re.compile(r"^(?P<title>.*\S)\s*\((?P<q>[^()]+)\)\s*$")
_YEAR_SUFFIX = re.compile(r"\s*:\s*(?:1[5-9]|20)\d\d\s*$")


def _place_words(text: str) -> bool:
    """"London", "Hoboken", "N.J.", "Frankfurt am Main", "St. Louis", "Sao Paulo", "Md."."""
    words = text.split()
    if not words:
        return False
    for w in words:
        if w in _PARTICLES:
            continue
        if not (w[0].isupper() and all(c.isalpha() or c in ".'’-" for c in w)):
            return False
    return True


def is_place_qualifier(q: str) -> bool:
    """Whether a title qualifier is a place of publication (optionally with the year NLM adds
    for a title that was reused: "Baltimore, Md. : 1950") or a medium ("Online")."""
    q = " ".join(q.split())
    if q.lower() in _MEDIUM:
        return True
    dated = _YEAR_SUFFIX.search(q)
    core = q[:dated.start()] if dated else q
    parts = [p.strip() for p in core.split(",")]
    if len(parts) == 2:          # "City, State/Country": NLM's form for a place
        return all(_place_words(p) for p in parts)
    if len(parts) == 1 and dated:   # "Paris : 1983"
        return _place_words(parts[0])
    return False


def split_journal_title(title: str) -> tuple[str, str]:
    """``("Arthritis & rheumatology (Hoboken, N.J.)")`` -> ``("Arthritis & rheumatology",
    "Hoboken, N.J.")``; a title without a place/medium qualifier -> ``(title, "")``."""
    m = _TRAILING_QUALIFIER.match(title or "")
    if not m or not is_place_qualifier(m.group("q")):
        return title, ""
    return m.group("title").rstrip(" .:"), m.group("q").strip()


# ------------------------------------------------------------------------------ names

_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "V", "2nd", "3rd", "4th"}
_ROLE = re.compile(r"\s*\[[^\]]*\]?\s*$")           # Ovid: "Werner, S. M. [Author, ...]"
_INITIALS = re.compile(r"^[A-Z]{1,4}$")


def parse_author(value: str) -> Person:
    """One author line: ``Griffin DK`` (MEDLINE), ``Griffin, Darren K.`` or ``Werner, S. M.
    [Author, Reprint Author]`` (ERIC, Ovid, PsycINFO), ``van Raaij MJ``, ``Smith JA Jr``;
    anything else (a group name) as a literal name."""
    v = _ROLE.sub("", value or "").strip().rstrip(",;*").strip()
    if not v:
        return Person()
    if "," in v:
        fam, _, given = v.partition(",")
        fam, given = fam.strip(), given.strip()
        if fam and not any(c.isdigit() for c in fam):
            return Person(family=fam, given=given)
        return Person(literal=v)
    words = v.split()
    suffix = ""
    if len(words) > 2 and words[-1] in _SUFFIXES:
        suffix = words.pop()
    if len(words) >= 2 and _INITIALS.match(words[-1]):
        given = words[-1] + (f", {suffix}" if suffix else "")
        return Person(family=" ".join(words[:-1]), given=given)
    if len(words) == 1:
        return Person(family=v)
    return Person(literal=v)


def parse_full_name(value: str) -> Person:
    """``FAU - Griffin, Darren K`` (family, given) -> Person; ``Costa, Paul T Jr`` keeps its
    suffix after a comma (``Paul T, Jr``), as the other readers do."""
    v = _ROLE.sub("", value or "").strip()
    fam, _, given = v.partition(",")
    given = given.strip()
    words = given.rsplit(" ", 1)
    if len(words) == 2 and words[1] in _SUFFIXES and words[1] != "V":   # (V: an initial)
        given = f"{words[0].rstrip(',')}, {words[1]}"
    return Person(family=fam.strip(), given=given)


# ------------------------------------------------------------------------------ ISSN, ISBN

_ISSN = re.compile(r"(?<!\d)(\d{4})-?(\d{3}[\dXx])(?![\dXx])")


def read_issn(value: str) -> tuple[str, str]:
    """(ISSN, kind) from ``1234-5678 (Print)``, ``EISSN-2375-5636``, ``ISSN-0013-1725``,
    ``0378-1127 (ISSN print)``, ``12345678``; kind is ``print``, ``electronic``, ``linking``
    or ``""``.  ("", "") when there is no ISSN in it."""
    m = _ISSN.search(value or "")
    if not m:
        return "", ""
    low = value.lower()
    if "linking" in low:
        kind = "linking"
    elif "eissn" in low or "electronic" in low or "online" in low:
        kind = "electronic"
    elif "print" in low:
        kind = "print"
    else:
        kind = ""
    return f"{m.group(1)}-{m.group(2).upper()}", kind


def read_isbn(value: str) -> str:
    """``ISBN-978-0-8077-5678-9`` / ``9780807756789 (pbk.)`` -> the ISBN as written, without
    the label and the qualifier."""
    v = re.sub(r"^\s*ISBN[-:\s]*", "", value or "", flags=re.I)
    m = re.match(r"^([\dXx][\dXx -]{8,16}[\dXx])", v.strip())
    return m.group(1).strip() if m else v.strip()


# ------------------------------------------------------------------- publication types

# checked in order; the first that a record's publication types match gives its type
_TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"^preprints?$", "article"),
    (r"^(?:book chapters?|chapter|book section)$", "chapter"),
    (r"^(?:journal articles?|journal article \(.*\)|article|review article|"
     r"peer reviewed journal|journal)$", "article-journal"),
    (r"^(?:books?|edited book|authored book|monograph|book/monograph)$", "book"),
    (r"dissertation|thes[ie]s", "thesis"),
    (r"^newspaper article", "article-newspaper"),
    (r"^magazine article", "article-magazine"),
    (r"^(?:congress|conference proceedings?|conference papers?|speeches/meeting papers|"
     r"collected works - proceedings|proceedings paper|meeting abstract)$", "paper-conference"),
    (r"^(?:technical report|reports?\b.*|government publication|guides\b.*)", "report"),
    (r"^legal case", "legal_case"),
    (r"^(?:legislation|legal/legislative/regulatory materials)", "legislation"),
    (r"^patents?$", "patent"),
    (r"^(?:dataset|numerical/quantitative data)$", "dataset"),
    (r"^video-audio media|^non-print media", "motion_picture"),
    (r"^(?:webcast|web page|websites?)$", "webpage"),
)
_TYPE_RES = tuple((re.compile(p, re.I), t) for p, t in _TYPE_RULES)


def csl_type(pub_types: list[str], default: str = "article-journal") -> str:
    """The CSL type for a record's publication types (NLM: "Journal Article", "Preprint",
    "Technical Report", "Congress"; ERIC: "Journal Articles", "Reports - Research",
    "Books", "Dissertations/Theses - Doctoral Dissertations", "Speeches/Meeting Papers";
    PsycINFO/Ovid: "Journal Article", "Chapter", "Dissertation Abstract").  A type that
    does not name the kind of document (Review, Case Reports, Clinical Trial) gives none."""
    # one line may list several ("Journal Articles, Reports - Descriptive"; "Journal;
    # Peer Reviewed Journal"): each is looked at
    pts = [p.strip() for pt in pub_types for p in re.split(r"[,;]\s+(?=[A-Z])", pt)]
    for rx, t in _TYPE_RES:
        if any(rx.search(p) for p in pts):
            return t
    return default


# ------------------------------------------------------------------------- the SO line

_SO_PUBMED = re.compile(    # "Blood. 2020 Jan 2;135(1):12-20. doi: ..."
    r"^(?P<j>.+?)\.\s+(?P<d>(?:1[6-9]|20)\d\d[^;:]*?)\s*(?:;\s*(?P<v>[^(:;]+)?"
    r"(?:\((?P<i>[^)]*)\))?)?(?::\s*(?P<p>[^\s;]+?))?\s*(?:\.\s|\.?$|;)")
_SO_OVID = re.compile(      # "Forest Ecology & Management. 201(2-3):327-334, November 15, 2004."
    r"^(?P<j>.+?)\.\s+(?P<v>[\w-]+)(?:\((?P<i>[^)]*)\))?(?::(?P<p>[\w.-]+))?,\s*(?P<d>.*?)\.?$")
_SO_PSYC = re.compile(      # "J Neurodev Disord. Vol.13(1), 2021, pp. 100-110." / "ArtID 22."
    r"^(?P<j>.+?)\.\s+Vol\.?\s*(?P<v>[^(,]+?)(?:\((?P<i>[^)]*)\))?,\s*(?P<d>[^,]+?)"
    r"(?:,\s*(?:pp\.?\s*(?P<p>[\w.-]+)|ArtID:?\s*(?P<a>[\w.-]+)))?\.?$", re.I)
_SO_ERIC = re.compile(r"(?:^|\s)([vnp])(\S+)")
# what pages look like (a range, a page, an article number): not an ahead-of-print line's
# publisher id ("Blood. 2020 Jan 2:blood.2019003456.", "J Neurointerv Surg. 2020:neurintsurg-...")
_PAGE = r"[A-Za-z]{0,2}\d+[A-Za-z]?(?:\.e\d+)?"
_PAGES = re.compile(rf"^{_PAGE}(?:\s*[-\u2013]\s*{_PAGE})?$")


def parse_source(so: str) -> dict[str, str]:
    """The parts of a citation line: journal, volume, issue, pages, date (those present).
    PubMed ``Blood. 2020 Jan 2;135(1):12-20.``; Ovid ``Forest Ecology & Management.
    201(2-3):327-334, November 15, 2004.``; PsycINFO ``Journal of Pediatric Psychology.
    Vol.45(3), 2020, pp. 310-321.``; ERIC ``v21 n1 p12-24 2020``."""
    s = " ".join((so or "").split())
    out: dict[str, str] = {}
    if not s:
        return out
    eric = dict((k, v) for k, v in _SO_ERIC.findall(s))
    if re.match(r"^v\S+\s", s) and eric:
        for k, fld in (("v", "volume"), ("n", "issue"), ("p", "pages")):
            if eric.get(k):
                out[fld] = eric[k]
        y = re.search(r"\b((?:1[6-9]|20)\d\d)\b\s*$", s)
        if y:
            out["date"] = y.group(1)
        return out
    m = _SO_PSYC.match(s) or _SO_PUBMED.match(s) or _SO_OVID.match(s)
    if m:
        groups = m.groupdict()
        if groups.get("a") and not groups.get("p"):
            groups["p"] = groups["a"]      # PsycINFO's article number
        for k, fld in (("j", "journal"), ("v", "volume"), ("i", "issue"), ("p", "pages"),
                       ("d", "date")):
            if groups.get(k) and groups[k].strip(" ."):
                out[fld] = groups[k].strip().rstrip(".") if fld == "pages" else groups[k].strip()
    if "pages" in out and not _PAGES.match(out["pages"]):
        del out["pages"]
    return out
