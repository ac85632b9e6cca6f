"""Import fidelity field by field against other tools' EXPECTED outputs (decision 0073, round 2).

Usage: bench_fidelity.py FOLDER [--show] [--json OUT]

FOLDER holds test cases taken from other tools' own tests (never committed here):

* ``*.json``: a Zotero translator test case, ``{"source": ..., "input": TEXT or "input_file":
  NAME, "items": [Zotero items as the translator's testCases give them]}``;
* ``NAME.<ext>`` with ``NAME.bib`` beside it: a JabRef importer test (input + expected BibTeX).

Each input is parsed by AMLRef's importers and exported through its CSL-JSON exporter (the
common ground: everything an article keeps, columns and kept fields, comes out there); the
expected records are mapped to the same CSL variables; then every variable the expected record
has is compared, normalised for what is convention rather than content: case and spacing of
titles, a trailing full stop, initials written with or without points, the precision of the
expected date, en dash or hyphen and abbreviated page ranges (454-81 = 454-481), DOI case and
resolver prefix, language names or codes, ISSN/ISBN hyphens, the order of keywords, a MeSH
heading's '*'.  A journal given in full where the expected record has its abbreviation (or the
other way round) counts as right when the article has both.  Prints per source: cases, fields
compared, fields wrong; per variable the errors; with --show every wrong field.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amlref.formats.csljson import article_to_item  # noqa: E402
from amlref.services.importing import parse_data  # noqa: E402

# ---------------------------------------------------------------- expected: Zotero items
ZOTERO_TYPES = {
    "journalArticle": "article-journal", "bookSection": "chapter", "book": "book",
    "conferencePaper": "paper-conference", "report": "report", "thesis": "thesis",
    "webpage": "webpage", "manuscript": "manuscript", "document": "document",
    "magazineArticle": "article-magazine", "newspaperArticle": "article-newspaper",
    "patent": "patent", "dataset": "dataset", "case": "legal_case", "statute": "legislation",
    "bill": "bill", "preprint": "article", "blogPost": "post-weblog", "letter":
    "personal_communication", "encyclopediaArticle": "entry-encyclopedia",
    "dictionaryEntry": "entry-dictionary", "film": "motion_picture", "map": "map",
    "computerProgram": "software", "presentation": "speech", "hearing": "hearing",
    "artwork": "graphic", "videoRecording": "motion_picture", "audioRecording": "song",
    "interview": "interview", "email": "personal_communication", "forumPost": "post",
}
ZOTERO_FIELDS = {
    "title": "title", "publicationTitle": "container-title", "bookTitle": "container-title",
    "proceedingsTitle": "container-title", "websiteTitle": "container-title",
    "journalAbbreviation": "container-title-short", "volume": "volume", "issue": "issue",
    "pages": "page", "DOI": "DOI", "ISSN": "ISSN", "ISBN": "ISBN", "publisher": "publisher",
    "institution": "publisher", "university": "publisher", "place": "publisher-place",
    "edition": "edition", "url": "URL", "language": "language",
    "abstractNote": "abstract", "series": "collection-title", "seriesNumber":
    "collection-number", "numPages": "number-of-pages", "date": "issued",
    "issueDate": "issued", "dateDecided": "issued", "dateEnacted": "issued",
}
EDITORS = {"editor", "seriesEditor"}


def from_zotero(item: dict) -> dict:
    out: dict = {"type": ZOTERO_TYPES.get(item.get("itemType", ""), item.get("itemType"))}
    for k, var in ZOTERO_FIELDS.items():
        v = item.get(k)
        if v and var not in out:
            out[var] = v
    for c in item.get("creators") or []:
        role = "editor" if c.get("creatorType") in EDITORS else \
            "author" if c.get("creatorType") in ("author", "inventor", "programmer",
                                                  "artist", "director") else None
        if role:
            out.setdefault(role, []).append(
                {"literal": c["name"]} if c.get("name") else
                {"literal": c["lastName"]} if c.get("fieldMode") == 1 or "firstName" not in c
                else {"family": c.get("lastName", ""), "given": c.get("firstName", "")})
    tags = [t["tag"] if isinstance(t, dict) else t for t in item.get("tags") or []]
    if tags:
        out["keyword"] = tags
    extra = item.get("extra") or ""
    for line in (extra if isinstance(extra, list) else extra.splitlines()):
        m = re.match(r"\s*(PMID|PMCID|DOI):\s*(\S+)", line)
        if m:
            out.setdefault(m.group(1), m.group(2))
        m = re.match(r"\s*(event-place|number-of-pages|original-date|event-title):\s*(.+)",
                     line)     # CSL variables Zotero has no field for, as its Extra holds them
        if m:
            out.setdefault(m.group(1), m.group(2).strip())
    return out


# ---------------------------------------------------------------- expected: CSL-JSON
def from_csl(item: dict) -> dict:
    """CSL-JSON as citation.js's tests give it (keyword as one string; no id)."""
    out = {k: v for k, v in item.items() if k not in ("id", "citation-key", "note")}
    if isinstance(out.get("keyword"), str):
        out["keyword"] = [k for k in re.split(r"\s*[;,]\s*", out["keyword"]) if k]
    return out


# ---------------------------------------------------------------- expected: JabRef .bib
BIB_TYPES = {"article": "article-journal", "incollection": "chapter", "inbook": "chapter",
             "book": "book", "inproceedings": "paper-conference", "phdthesis": "thesis",
             "mastersthesis": "thesis", "techreport": "report", "misc": None}
BIB_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "journal-abbreviation": "container-title-short",
    "volume": "volume", "number": "issue", "issue": "issue", "pages": "page", "doi": "DOI",
    "issn": "ISSN", "isbn": "ISBN", "publisher": "publisher", "address": "publisher-place",
    "publocation": "publisher-place", "location": "publisher-place", "url": "URL",
    "language": "language", "abstract": "abstract", "series": "collection-title",
    "edition": "edition", "pmid": "PMID", "pmcid": "PMCID",
}
MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def read_bib(text: str) -> list[dict]:
    """The entries of a small, well-formed .bib (JabRef's expected files), as CSL variables."""
    out = []
    for m in re.finditer(r"@(\w+)\s*\{[^,\n]*,(.*?)\n\}", text, re.S):
        kind = m.group(1).lower()
        if kind == "comment":
            continue
        fields = {}
        for f in re.finditer(r"(?m)^\s*([\w-]+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\w+)\s*,?",
                             m.group(2)):
            v = f.group(2)
            fields[f.group(1).lower()] = v[1:-1] if v.startswith("{") else v
        rec: dict = {}
        if BIB_TYPES.get(kind):
            rec["type"] = BIB_TYPES[kind]
        for k, var in BIB_FIELDS.items():
            if fields.get(k) and var not in rec:
                rec[var] = fields[k]
        for role in ("author", "editor"):
            if fields.get(role):
                rec[role] = [bib_name(n) for n in re.split(r"\s+and\s+", fields[role])]
        if fields.get("year"):
            y = fields["year"]
            mo = MONTHS.get(fields.get("month", "")[:3].lower())
            rec["issued"] = f"{y}-{mo:02d}" if mo else y
        if fields.get("keywords"):
            sep = ";" if ";" in fields["keywords"] else ","
            rec["keyword"] = [k.strip() for k in fields["keywords"].split(sep) if k.strip()]
        out.append(rec)
    return out


def bib_name(n: str) -> dict:
    """A BibTeX name: "Last, First" or "First Last" (the last word the family name)."""
    if "," in n:
        fam, giv = n.split(",", 1)
        return {"family": fam.strip(), "given": giv.strip()}
    if n.strip().startswith("{"):
        return {"literal": n.strip()}
    *giv, fam = n.split()
    return {"family": fam, "given": " ".join(giv)} if giv else {"literal": fam}


# ---------------------------------------------------------------- normalising
LANG = {"eng": "en", "english": "en", "ger": "de", "deu": "de", "german": "de", "fre": "fr",
        "fra": "fr", "french": "fr", "spa": "es", "spanish": "es", "ita": "it", "jpn": "ja",
        "chi": "zh", "zho": "zh", "dut": "nl", "nld": "nl", "por": "pt", "rus": "ru",
        "portuguese": "pt", "italian": "it", "dutch": "nl", "japanese": "ja", "chinese": "zh"}


_TEX_SCRIPT = re.compile(r"\$[_^]\{?([^${}]*)\}?\$")   # LiNbO$_3$ (JabRef) = LiNbO₃


def _fold(s: str) -> str:
    s = _TEX_SCRIPT.sub(r"\1", str(s)) if "$" in str(s) else str(s)
    s = unicodedata.normalize("NFKC", s).replace("{", "").replace("}", "")
    s = s.replace("\u223c", "~")           # Zotero writes a lone tilde as the operator
    if "<" in s:                              # rich text (<i>, <span class="nocase">)
        s = re.sub(r"</?(?:i|b|sup|sub|sc|span)(?:\s[^>]*)?>", "", s)
    return " ".join(s.split()).casefold()


def norm_text(s) -> str:
    return _fold(s).rstrip(".").strip()


def norm_given(s: str) -> str:
    return re.sub(r"[.\s-]", "", _fold(s))


_SUFFIX = re.compile(r",?\s+(?:jr|sr|ii|iii|iv|2nd|3rd)\.?$", re.I)


def norm_names(v) -> list[str]:
    """family|given, initials without points; a suffix (Jr, III) left out: Zotero keeps it in
    the family name, JabRef drops it, CSL (and AMLRef) keep it apart."""
    out = []
    for p in v or []:
        if p.get("literal"):
            out.append(_fold(p["literal"]))
        else:
            fam = _SUFFIX.sub("", _fold(p.get("family", "")))
            given = norm_given(_SUFFIX.sub("", p.get("given", "")))
            out.append(fam + "|" + given if given else fam)   # one word: family or literal
    return out


def norm_date(v) -> str:
    if isinstance(v, dict):
        parts = (v.get("date-parts") or [[]])[0]
        return "-".join(f"{int(x):02d}" if i else str(x) for i, x in enumerate(parts))
    s = str(v).strip()
    m = re.match(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", s)
    if m:
        return "-".join(f"{int(x):02d}" if i else x for i, x in enumerate(m.groups()) if x)
    m = re.match(r"^(\d{4})\s+([A-Za-z]{3})[a-z]*\.?(?:\s+(\d{1,2}))?", s)
    if m and m.group(2).lower() in MONTHS:
        d = f"{m.group(1)}-{MONTHS[m.group(2).lower()]:02d}"
        return d + (f"-{int(m.group(3)):02d}" if m.group(3) else "")
    m = re.search(r"\b(\d{4})\b", s)
    return m.group(1) if m else s


def norm_pages(s: str) -> str:
    s = re.sub(r"\s*(?:--|[\u2013\u2014\u2012-])\s*", "-", str(s).strip())
    m = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", s)
    if m and len(m.group(4)) < len(m.group(2)):   # 454-81 is 454-481 (MEDLINE's short form)
        s = f"{m.group(1)}{m.group(2)}-{m.group(3) or m.group(1)}" \
            f"{m.group(2)[:len(m.group(2)) - len(m.group(4))]}{m.group(4)}"
    elif m and not m.group(3) and m.group(1):
        s = f"{m.group(1)}{m.group(2)}-{m.group(1)}{m.group(4)}"
    return s.lower()


def norm_doi(s: str) -> str:
    s = str(s).strip().lower()
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", s)


def norm_ids(v) -> set[str]:
    vals = v if isinstance(v, list) else re.split(r"[\s,;]+", str(v))
    return {re.sub(r"[^0-9x]", "", x.lower()) for x in vals if re.search(r"\d", x)}


def norm_keywords(v) -> set[str]:
    """Keywords as a set of words-groups; a comma also parts them (JabRef joins keywords with
    commas, so a MeSH heading "History, 20th Century" comes back as two); a MEDLINE heading with
    several qualifiers ("A/*b/c") is one heading per qualifier ("A/b", "A/c"), as AMLRef keeps
    MeSH."""
    vals = v if isinstance(v, list) else re.split(r"\s*[;\n]\s*", str(v))
    out = set()
    for x in vals:
        for y in (x or "").split(","):
            y = _fold(y).replace("*", "").strip()
            if not y:
                continue
            head, *quals = y.split("/")
            out.update([f"{head}/{q.strip()}" for q in quals] if quals else [head])
    return out


def norm_lang(s: str) -> str:
    s = _fold(s)
    return LANG.get(s, s[:2] if len(s) == 2 else s)


def compare(var: str, want, got: dict) -> bool:
    have = got.get(var)
    if var in ("author", "editor"):
        return norm_names(want) == norm_names(have)
    if var in ("issued", "accessed"):
        w = norm_date(want)
        return bool(have) and norm_date(have)[:len(w)] == w
    if var == "page":
        return bool(have) and norm_pages(want) == norm_pages(have)
    if var == "DOI":
        return bool(have) and norm_doi(want) == norm_doi(have)
    if var in ("ISSN", "ISBN"):
        pool = norm_ids(got.get("ISSN") or []) | norm_ids(got.get("ISBN") or [])
        return norm_ids(want) <= pool
    if var == "keyword":
        pool = norm_keywords(got.get("keyword") or []) | norm_keywords(got.get("_mesh") or [])
        return norm_keywords(want) <= pool
    if var == "language":
        return bool(have) and norm_lang(want) == norm_lang(have)
    if var in ("container-title", "container-title-short"):
        # full title or abbreviation; an abbreviation with or without full stops (ISO/MEDLINE)
        pool = {norm_text(got.get(k) or "").replace(".", "") for k in (
            "container-title", "container-title-short")}
        return norm_text(want).replace(".", "") in pool
    if var == "type":
        return want == have
    if var == "URL":
        return bool(have) and re.sub(r"^https?://", "", str(want).strip()) == \
            re.sub(r"^https?://", "", str(have).strip())
    if have is None:
        return False
    return norm_text(want) == norm_text(have)


# ---------------------------------------------------------------- differences of convention
# A difference is counted apart (not as wrong) when the tools themselves disagree on it, or the
# expected output is the other tool's own convention; each rule says why.
CONVENTIONS = [
    ("type", lambda w, h, c: w == "article-journal" and h == "document",
     "RIS GEN (generic): Zotero's default type is journalArticle; CSL's generic type is document"),
    ("type", lambda w, h, c: w == "article-journal" and h == "book" and c.startswith("Medline"),
     "JabRef reads a PubMed book (PubmedBookArticle) as @article"),
    ("type", lambda w, h, c: w == "paper-conference" and c.startswith("MedlinePlain"),
     "JabRef takes a MEDLINE record with JT and no journal type for a conference paper"),
    ("type", lambda w, h, c: w == "article" and h == "manuscript",
     "EndNote's 'Unpublished Work': citation.js article, CSL manuscript"),
    ("publisher-place", lambda w, h, c: c.startswith("MedlinePlain") and not h,
     "MEDLINE PL of a journal article is the journal's country, not a place of publication"),
    ("issue", lambda w, h, c: w == "0" and c.startswith("RisImporterTest3"),
     "RIS M1 '0' of a chapter (JabRef reads M1 as number)"),
    ("PMID", lambda w, h, c: set(str(w)) == {"0"} or not str(w).isdigit(),
     "a PMID of zeros or not a number is no PMID"),
    ("URL", lambda w, h, c: "pubmed.ncbi.nlm.nih.gov" in str(w) and c.startswith("Medline"),
     "ArticleId IdType='url' is not an ArticleId type of the PubMed DTD"),
    ("author", lambda w, h, c: c == "literal",
     "a RIS name without a comma: Zotero and JabRef split it, citation.js keeps it whole"),
    ("accessed", lambda w, h, c: isinstance(h, dict) and "raw" in h,
     "EndNote %[ 12/7/2023: day/month order unknown, kept as written"),
    ("ISSN", lambda w, h, c: len(norm_ids(w)) > 1 and bool(h),
     "AMLRef keeps one ISSN in its column, the others in the record's MEDLINE fields"),
    ("title", lambda w, h, c: str(w).count("$") % 2 == 1, "the expected value keeps a stray $ "
     "(the other tool's LaTeX math conversion)"),
    ("container-title", lambda w, h, c: str(w).count("$") % 2 == 1, "the expected value keeps "
     "a stray $ (the other tool's LaTeX math conversion)"),
    ("type", lambda w, h, c: w == "book" and h == "document",
     "BibTeX @misc: Zotero's book, CSL's document"),
    ("author", lambda w, h, c: _same_words(w, h),
     "a lowercase particle (von, de, at) put with the given name or with the family name"),
]


def _same_words(want, have) -> bool:
    """The same names word for word, a particle only put in another part."""
    def words(v):
        return [" ".join(_fold(f"{p.get('given', '')} {p.get('family', '')} "
                               f"{p.get('literal', '')}").split()) for p in v or []]
    return bool(have) and words(want) == words(have)


def convention(var: str, want, have, case: str) -> str | None:
    for v, rule, why in CONVENTIONS:
        if v == var and rule(want, have, case):
            return why
    return None


# ---------------------------------------------------------------- AMLRef's side
def amlref_records(name: str, data: bytes) -> list[dict]:
    result = parse_data(data, name)
    out = []
    for a in result.articles:
        item = article_to_item(a)
        if a.mesh:
            item["_mesh"] = list(a.mesh)
        out.append(item)
    return out


def cases(folder: Path):
    """(source, case name, input file name, input bytes, expected records)"""
    for p in sorted(folder.rglob("*")):
        if p.suffix == ".json" and p.is_file():
            case = json.loads(p.read_text(encoding="utf-8"))
            if "input_file" in case:
                name = case["input_file"]
                data = (p.parent / name).read_bytes()
            else:
                name = case.get("name", p.stem + ".txt")
                data = case["input"].encode("utf-8")
            expected = [from_csl(i) for i in case["csl"]] if "csl" in case else \
                [from_zotero(i) for i in case["items"]]
            yield case.get("source", "zotero"), p.stem, name, data, expected
        elif p.suffix != ".bib" and p.with_suffix(".bib").exists() and p.is_file():
            yield "jabref", p.stem, p.name, p.read_bytes(), \
                read_bib(p.with_suffix(".bib").read_text(encoding="utf-8"))


def run(folder: Path, show: bool = False) -> dict:
    per_source = defaultdict(Counter)
    per_field = defaultdict(Counter)
    wrong_list = []
    for source, cname, name, data, expected in cases(folder):
        try:
            got = amlref_records(name, data)
        except Exception as exc:   # noqa: BLE001  an input AMLRef refuses: every field wrong
            got = []
            wrong_list.append(("refused", source, cname, "*", "", "", str(exc)))
        per_source[source]["cases"] += 1
        per_source[source]["records"] += len(expected)
        if len(got) != len(expected):
            per_source[source]["record count wrong"] += 1
        for i, want in enumerate(expected):
            have = got[i] if i < len(got) else {}
            for var, v in want.items():
                if v in (None, "", []):
                    continue
                per_source[source]["fields"] += 1
                per_field[var]["compared"] += 1
                if not compare(var, v, have):
                    why = convention(var, v, have.get(var), cname)
                    kind = "convention" if why else "wrong"
                    if not have:
                        kind, why = "refused", "record not imported (no title, author or DOI)"
                    per_source[source][kind] += 1
                    per_field[var][kind] += 1
                    wrong_list.append((kind, source, f"{cname}#{i}", var, v,
                                       have.get(var) if var != "keyword" else
                                       [have.get("keyword"), have.get("_mesh")], why or ""))
    head = f"{'cases':>5} {'records':>7} {'fields':>6} {'wrong':>5} {'convention':>10} " \
        f"{'refused':>7}"
    print(f"{'source':<12} {head}")
    total = Counter()
    for s, c in sorted(per_source.items()):
        total.update(c)
        print(f"{s:<12} {c['cases']:>5} {c['records']:>7} {c['fields']:>6} {c['wrong']:>5} "
              f"{c['convention']:>10} {c['refused']:>7}")
    print(f"{'all':<12} {total['cases']:>5} {total['records']:>7} {total['fields']:>6} "
          f"{total['wrong']:>5} {total['convention']:>10} {total['refused']:>7}")
    print(f"\n{'variable':<22} {'compared':>8} {'wrong':>5} {'convention':>10} {'refused':>7}")
    for var, c in sorted(per_field.items(), key=lambda kv: (-kv[1]["wrong"], kv[0])):
        print(f"{var:<22} {c['compared']:>8} {c['wrong']:>5} {c['convention']:>10} "
              f"{c['refused']:>7}")
    if show:
        print()
        for w in wrong_list:
            print(" | ".join(str(x)[:160] for x in w))
    return {"sources": {k: dict(v) for k, v in per_source.items()},
            "fields": {k: dict(v) for k, v in per_field.items()},
            "wrong": [list(map(str, w)) for w in wrong_list]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--show", action="store_true", help="list every wrong field")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args(argv)
    res = run(args.folder, args.show)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
