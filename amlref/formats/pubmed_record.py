"""One PubMed XML record (``PubmedArticle``, ``PubmedBookArticle`` or a bare
``MedlineCitation`` element) -> Article and its references.  Structured abstracts become
``LABEL: text`` paragraphs; MeSH ``Heading/Subheading`` with ``*`` on major topics; the
``ReferenceList`` becomes references (``cites`` links to stubs).  The file around the records
(parsing, splitting for workers, the importer): formats/pubmed_xml.py."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from amlref.core.article import Article, Person, Reference
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.core.pages import expand_pages, is_article_number
from amlref.formats.medline import mesh_term, parse_medline_date
from amlref.formats.nlm import split_journal_title

ORIGIN = "pubmed-xml"
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _text(el: ET.Element | None) -> str:
    """All text inside ``el`` (inline markup such as <i>, <sup>, MathML flattened)."""
    if el is None:
        return ""
    if not len(el):       # no inline markup (most elements): its own text only
        t = el.text
        return " ".join(t.split()) if t else ""
    return " ".join("".join(el.itertext()).split())


def _date(el: ET.Element | None) -> str:
    if el is None:
        return ""
    md = el.findtext("MedlineDate")
    if md:
        return parse_medline_date(md)
    y = (el.findtext("Year") or "").strip()
    if not y:
        return ""
    mo = (el.findtext("Month") or "").strip()
    d = (el.findtext("Day") or "").strip()
    m = int(mo) if mo.isdigit() else _MONTHS.get(mo[:3].lower(), 0)
    if not m or not 1 <= m <= 12:
        return y
    if d.isdigit() and 1 <= int(d) <= 31:
        return f"{y}-{m:02d}-{int(d):02d}"
    return f"{y}-{m:02d}"


def _authors(lst: ET.Element | None, extra_aff: list, tag: str = "Author") -> list[Person]:
    out: list[Person] = []
    if lst is None:
        return out
    for au in lst.findall(tag):
        coll = _text(au.find("CollectiveName"))
        if coll:
            out.append(Person(literal=coll))
        else:
            fam = _text(au.find("LastName"))
            given = _text(au.find("ForeName")) or _text(au.find("Initials"))
            suffix = _text(au.find("Suffix"))
            if suffix:
                given = f"{given}, {suffix}" if given else suffix
            if not fam and not given:
                continue
            out.append(Person(family=fam, given=given) if fam else Person(literal=given))
        affs = [_text(a) for a in au.findall("AffiliationInfo/Affiliation")]
        ids = {i.get("Source", "id"): _text(i) for i in au.findall("Identifier")}
        if affs or ids:
            extra_aff.append({"author": out[-1].display(), **({"affiliations": affs} if affs else {}),
                              **({"ids": ids} if ids else {})})
    return out


def _abstract(el: ET.Element | None) -> tuple[str, str]:
    """(text, copyright).  Labelled sections become "LABEL: text" paragraphs."""
    if el is None:
        return "", ""
    parts = []
    for at in el.findall("AbstractText"):
        t = _text(at)
        if not t:
            continue
        label = (at.get("Label") or "").strip()
        parts.append(f"{label}: {t}" if label and label.upper() != "UNLABELLED" else t)
    return "\n\n".join(parts), _text(el.find("CopyrightInformation"))


def _ids(el: ET.Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if el is None:
        return out
    for i in el.findall("ArticleId"):
        kind = (i.get("IdType") or "").lower()
        if kind and kind not in out:
            t = _text(i)
            if t:
                out[kind] = t
    return out


def _mesh(root: ET.Element | None) -> list[str]:
    out: list[str] = []
    if root is None:
        return out
    for mh in root.findall("MeshHeading"):
        d = mh.find("DescriptorName")
        if d is None:
            continue
        subs = [(_text(q), q.get("MajorTopicYN") == "Y") for q in mh.findall("QualifierName")]
        for t in mesh_term(_text(d), d.get("MajorTopicYN") == "Y", subs):
            if t not in out:
                out.append(t)
    return out


def _keywords(parent: ET.Element) -> list[str]:
    out: list[str] = []
    for kl in parent.findall("KeywordList"):
        for k in kl.findall("Keyword"):
            t = _text(k)
            if t and t not in out:
                out.append(t)
    return out


_DOI_IN_CITATION = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/\S+)", re.I)
_YEAR_IN_CITATION = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _references(data: ET.Element | None) -> list[Reference]:
    """The references of a record's ReferenceLists (nested ones too): the citation's text, its
    first identifier of each kind (normalised), a DOI or year found in the text.  (A watch run
    reads ~60 references a record: this loop is written out, ~40% faster than through _text
    and _ids.)"""
    refs: list[Reference] = []
    if data is None:
        return refs
    for rl in data.iter("ReferenceList"):
        for r in rl.findall("Reference"):     # (findall of a plain tag stays in C)
            raw = _text(r.find("Citation"))
            pmid = doi = pmcid = ""
            idl = r.find("ArticleIdList")
            if idl is not None:
                for i in idl:
                    if i.tag != "ArticleId":
                        continue
                    t = _text(i)
                    if not t:
                        continue
                    kind = (i.get("IdType") or "").lower()
                    if kind == "pubmed":
                        if not pmid:
                            pmid = normalize_pmid(t, strict=False) or "-"
                    elif kind == "doi":
                        if not doi:
                            doi = normalize_doi(t, strict=False) or "-"
                    elif kind == "pmc" and not pmcid:
                        pmcid = normalize_pmcid(t, strict=False) or "-"
                # ("-": the first of its kind did not normalise; as _ids, a later one of the
                # same kind is not tried)
                if pmid == "-":
                    pmid = ""
                if doi == "-":
                    doi = ""
                if pmcid == "-":
                    pmcid = ""
            if not doi and raw and "10." in raw:
                m = _DOI_IN_CITATION.search(raw)
                if m:
                    doi = normalize_doi(m.group(1), strict=False)
            y = _YEAR_IN_CITATION.search(raw) if raw else None
            if raw or pmid or doi:
                refs.append(Reference(raw=raw, pmid=pmid, doi=doi, pmcid=pmcid,
                                      year=int(y.group(1)) if y else None))
    return refs


def _apply_ids(a: Article, ids: dict[str, str], extra: dict) -> None:
    a.pmid = a.pmid or normalize_pmid(ids.get("pubmed", ""), strict=False)
    a.doi = a.doi or normalize_doi(ids.get("doi", ""), strict=False)
    a.pmcid = a.pmcid or normalize_pmcid(ids.get("pmc", ""), strict=False)
    other = {k: v for k, v in ids.items() if k not in ("pubmed", "doi", "pmc")}
    if other:   # (a book has two id lists: both are kept)
        extra["ids"] = {**other, **extra.get("ids", {})}
    acc = ids.get("bookaccession", "")
    if acc and not a.url and re.fullmatch(r"NBK\d+", acc):   # the book on NCBI Bookshelf
        a.url = f"https://www.ncbi.nlm.nih.gov/books/{acc}/"


def _elocations(a: Article, parent: ET.Element, extra: dict) -> None:
    """ELocationIDs: the DOI; a ``pii`` that has the shape of an article number (``e42692``,
    ``20200021``) stands for the pages when there are none (a publisher's internal id such
    as ``S0006-4971(20)30123-4`` never does).  Every one is kept in extra."""
    for eloc in parent.findall("ELocationID"):
        kind, value = (eloc.get("EIdType") or "").lower(), _text(eloc)
        if not value:
            continue
        if kind == "doi":
            a.doi = a.doi or normalize_doi(value, strict=False)
            continue
        extra.setdefault("elocation", {})[kind or "id"] = value
        if kind == "pii" and not a.pages and is_article_number(value):
            a.pages = value


def article_from_pubmed(el: ET.Element) -> tuple[Article, list[Reference]]:
    """One ``PubmedArticle`` (or bare ``MedlineCitation``) -> Article and its references."""
    mc = el if el.tag == "MedlineCitation" else el.find("MedlineCitation")
    if mc is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    a = Article(origin=ORIGIN, type="article-journal")
    extra: dict = {}
    pmids = sorted(mc.findall("PMID"), key=lambda e: int(e.get("Version") or 1)
                   if (e.get("Version") or "1").isdigit() else 1)
    a.pmid = normalize_pmid(_text(pmids[-1]), strict=False) if pmids else ""
    art = mc.find("Article")
    if art is not None:
        j = art.find("Journal")
        if j is not None:
            a.container, qualifier = split_journal_title(_text(j.find("Title")))
            if qualifier:   # NLM's place of publication: kept, but not in the title shown
                extra["journal_title"] = _text(j.find("Title"))
            a.container_short = _text(j.find("ISOAbbreviation"))
            issn = j.find("ISSN")
            if issn is not None:
                a.issn = _text(issn)
            ji = j.find("JournalIssue")
            if ji is not None:
                a.volume = _text(ji.find("Volume"))
                a.issue = _text(ji.find("Issue"))
                a.issued = _date(ji.find("PubDate"))
        a.title = _text(art.find("ArticleTitle")) or _text(art.find("VernacularTitle"))
        vt = _text(art.find("VernacularTitle"))
        if vt and vt != a.title:
            extra["vernacular_title"] = vt
        pg = art.find("Pagination")
        if pg is not None:
            a.pages = _text(pg.find("MedlinePgn"))
            if not a.pages:
                sp, ep = _text(pg.find("StartPage")), _text(pg.find("EndPage"))
                a.pages = f"{sp}-{ep}" if sp and ep and ep != sp else sp
            a.pages = expand_pages(a.pages)
        _elocations(a, art, extra)
        a.abstract, cr = _abstract(art.find("Abstract"))
        if cr:
            extra["copyright"] = cr
        aff: list = []
        a.authors = _authors(art.find("AuthorList"), aff)
        if aff:
            extra["affiliations"] = aff
        langs = [_text(x) for x in art.findall("Language") if _text(x)]
        if langs:
            a.language = langs[0]
            if len(langs) > 1:
                extra["languages"] = langs
        a.pub_types = [_text(p) for p in art.findall("PublicationTypeList/PublicationType")
                       if _text(p)]
        ad = art.find("ArticleDate")
        if ad is not None:
            extra["article_date"] = _date(ad)
            if not a.issued:
                a.issued = extra["article_date"]
        grants = [{c.tag: _text(c) for c in g} for g in art.findall("GrantList/Grant")]
        if grants:
            extra["grants"] = grants
        banks: dict[str, list[str]] = {}   # trial registries and sequence banks cited
        for b in art.findall("DataBankList/DataBank"):
            accs = [_text(x) for x in b.findall("AccessionNumberList/AccessionNumber")]
            if _text(b.find("DataBankName")) and any(accs):
                banks.setdefault(_text(b.find("DataBankName")), []).extend(x for x in accs if x)
        if banks:
            extra["databanks"] = banks
    info = mc.find("MedlineJournalInfo")
    if info is not None:
        a.container_short = a.container_short or _text(info.find("MedlineTA"))
        for tag, key in (("Country", "journal_country"), ("NlmUniqueID", "nlm_id"),
                         ("ISSNLinking", "issn_linking")):
            if _text(info.find(tag)):
                extra[key] = _text(info.find(tag))
        if not a.container:
            a.container = _text(info.find("MedlineTA"))
    a.mesh = _mesh(mc.find("MeshHeadingList"))
    a.keywords = _keywords(mc)
    subjects = _authors(mc.find("PersonalNameSubjectList"), [], tag="PersonalNameSubject")
    if subjects:  # people the article is about, not its authors
        extra["personal_name_subjects"] = [p.display() for p in subjects]
    chems = [_text(c.find("NameOfSubstance")) for c in mc.findall("ChemicalList/Chemical")]
    if any(chems):
        extra["chemicals"] = [c for c in chems if c]
    data = el.find("PubmedData")
    _finish(a, data, extra)
    return a, _references(data)


def article_from_book(el: ET.Element) -> tuple[Article, list[Reference]]:
    """One ``PubmedBookArticle`` -> Article (book, or chapter when it has an ArticleTitle)."""
    bd = el.find("BookDocument")
    if bd is None:
        raise ValueError("PubmedBookArticle without BookDocument")
    a = Article(origin=ORIGIN)
    extra: dict = {}
    a.pmid = normalize_pmid(_text(bd.find("PMID")), strict=False)
    book = bd.find("Book")
    book_title = ""
    aff: list = []
    if book is not None:
        book_title = _text(book.find("BookTitle"))
        a.publisher = _text(book.find("Publisher/PublisherName"))
        loc = _text(book.find("Publisher/PublisherLocation"))
        if loc:
            extra["publisher_place"] = loc
        a.issued = _date(book.find("PubDate"))
        a.isbn = _text(book.find("Isbn"))
        coll = _text(book.find("CollectionTitle"))
        if coll:
            extra["collection_title"] = coll
        for al in book.findall("AuthorList"):
            people = _authors(al, aff)
            if al.get("Type") == "editors":
                a.editors.extend(people)
            else:
                a.authors.extend(people)
        a.volume = _text(book.find("Volume"))
        ed = _text(book.find("Edition"))
        if ed:
            extra["edition"] = ed
    a.pages = expand_pages(_text(bd.find("Pagination/MedlinePgn")))
    for parent in (book, bd):
        if parent is not None:
            _elocations(a, parent, extra)
    chapter = _text(bd.find("ArticleTitle"))
    if chapter:
        a.type, a.title, a.container = "chapter", chapter, book_title
        chap_authors = []
        for al in bd.findall("AuthorList"):
            chap_authors.extend(_authors(al, aff))
        if chap_authors:
            if not a.editors:
                a.editors = a.authors
            a.authors = chap_authors
    else:
        a.type, a.title = "book", book_title
        for al in bd.findall("AuthorList"):
            a.authors.extend(_authors(al, aff))
    if aff:
        extra["affiliations"] = aff
    a.language = _text(bd.find("Language"))
    a.pub_types = [_text(p) for p in bd.findall("PublicationType") if _text(p)]
    a.abstract, cr = _abstract(bd.find("Abstract"))
    if cr:
        extra["copyright"] = cr
    a.keywords = _keywords(bd)
    sections = [_text(s.find("SectionTitle")) for s in bd.findall("Sections/Section")]
    if any(sections):
        extra["sections"] = [s for s in sections if s]
    _apply_ids(a, _ids(bd.find("ArticleIdList")), extra)
    data = el.find("PubmedBookData")
    _finish(a, data, extra)
    return a, _references(bd) + _references(data)


def _finish(a: Article, data: ET.Element | None, extra: dict) -> None:
    """A record's PubmedData (or PubmedBookData): its identifiers and publication status; what
    has no field of its own kept in ``extra["pubmed"]``."""
    if data is not None:
        _apply_ids(a, _ids(data.find("ArticleIdList")), extra)
        status = _text(data.find("PublicationStatus"))
        if status:
            extra["publication_status"] = status
    if extra:
        a.extra["pubmed"] = extra
