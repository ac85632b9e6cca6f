"""The RIS reference types and what each tag means in each of them.

From the RIS specification (Research Information Systems' "RIS Format Specifications", the
2011 RefMan type list with one field table per type) and the readings Zotero's RIS translator
and JabRef's RisImporter give the same tags.  Each type maps to the nearest CSL type; where
the specification gives a tag a different meaning in some types (``A2`` is the sponsor of a
bill, ``VL`` its bill number, ``T2`` a book's series title), the table says so.

A tag's target is an Article field, ``csl:<variable>`` (a CSL variable with no Article column,
kept in ``extra['csl']`` so that the CSL-JSON export writes it), or ``None``: the values stay in
``extra['ris']`` under their own tag and are written back as they came."""
from __future__ import annotations

# RIS type -> CSL type.  The specification's 56 types, then the ones tools write besides them
# (EndNote: WEB, GRNT, UNPD, PRESS, INTV, POD).
TYPE_MAP = {
    "ABST": "article-journal",      # abstract
    "ADVS": "motion_picture",       # audiovisual material
    "AGGR": "dataset",              # aggregated database
    "ANCIENT": "classic",           # ancient text
    "ART": "graphic",               # art work
    "BILL": "bill",
    "BLOG": "post-weblog",
    "BOOK": "book",
    "CASE": "legal_case",
    "CHAP": "chapter",
    "CHART": "graphic",
    "CLSWK": "classic",             # classical work
    "COMP": "software",
    "CONF": "paper-conference",     # conference proceeding
    "CPAPER": "paper-conference",
    "CTLG": "book",                 # catalogue
    "DATA": "dataset",
    "DBASE": "dataset",             # online database
    "DICT": "entry-dictionary",
    "EBOOK": "book",
    "ECHAP": "chapter",
    "EDBOOK": "book",
    "EJOUR": "article-journal",
    "ELEC": "webpage",
    "ENCYC": "entry-encyclopedia",
    "EQUA": "document",             # equation
    "FIGURE": "figure",
    "GEN": "document",              # generic
    "GOVDOC": "report",
    "GRANT": "document",
    "HEAR": "hearing",
    "ICOMM": "personal_communication",
    "INPR": "article-journal",      # in press
    "JFULL": "periodical",          # a whole journal
    "JOUR": "article-journal",
    "LEGAL": "regulation",          # legal rule or regulation
    "MANSCPT": "manuscript",
    "MAP": "map",
    "MGZN": "article-magazine",
    "MPCT": "motion_picture",
    "MULTI": "motion_picture",      # online multimedia
    "MUSIC": "musical_score",
    "NEWS": "article-newspaper",
    "PAMP": "pamphlet",
    "PAT": "patent",
    "PCOMM": "personal_communication",
    "RPRT": "report",
    "SER": "periodical",            # serial publication
    "SLIDE": "speech",
    "SOUND": "song",
    "STAND": "standard",
    "STAT": "legislation",          # statute
    "THES": "thesis",
    "UNBILL": "bill",               # unenacted bill
    "UNPB": "manuscript",
    "VIDEO": "motion_picture",
    # outside the specification
    "WEB": "webpage", "GRNT": "document", "UNPD": "manuscript", "PRESS": "report",
    "INTV": "interview", "POD": "song",
}
UNKNOWN_TYPE = "document"

# CSL type -> the RIS type written on export (a record keeps its own RIS type when it maps
# to the same CSL type: an EJOUR goes out as EJOUR).
OUT_TYPES = {
    "article-journal": "JOUR", "article": "GEN", "document": "GEN", "article-magazine": "MGZN",
    "article-newspaper": "NEWS", "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER",
    "thesis": "THES", "report": "RPRT", "webpage": "ELEC", "post-weblog": "BLOG",
    "post": "BLOG", "dataset": "DATA", "software": "COMP", "patent": "PAT",
    "legislation": "STAT", "regulation": "LEGAL", "bill": "BILL", "legal_case": "CASE",
    "hearing": "HEAR", "map": "MAP", "motion_picture": "MPCT", "broadcast": "MPCT",
    "song": "SOUND", "musical_score": "MUSIC", "personal_communication": "PCOMM",
    "interview": "PCOMM", "manuscript": "UNPB", "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT", "entry": "GEN", "standard": "STAND", "graphic": "ART",
    "figure": "FIGURE", "pamphlet": "PAMP", "classic": "CLSWK", "periodical": "JFULL",
    "collection": "EDBOOK", "speech": "SLIDE", "review": "JOUR", "review-book": "JOUR",
    "event": "GEN", "performance": "GEN", "treaty": "LEGAL",
}

# Whole works: BT is their title, T2 their series, SP (alone) their number of pages.
WHOLE = frozenset(("BOOK", "EBOOK", "EDBOOK", "CLSWK", "ANCIENT", "CTLG", "SER", "MANSCPT",
                   "UNPB", "UNPD", "THES", "PAMP"))
# Parts of a whole: BT (or T2) is the book / proceedings / dictionary they are in.
PARTS = frozenset(("CHAP", "ECHAP", "CONF", "CPAPER", "ENCYC", "DICT"))
# Types whose T2 is a series title rather than the container.
T2_SERIES = WHOLE | {"RPRT", "GOVDOC", "MAP", "COMP", "STAND"}
# Types where M1 (EndNote's "Number") is the issue of a periodical.
M1_ISSUE = frozenset(("JOUR", "EJOUR", "ABST", "INPR", "JFULL", "MGZN", "NEWS", "GEN", "CONF",
                      "CPAPER", ""))
# Journal articles: C7 is the article number, the page when there is no other
ARTICLE_NUMBER = frozenset(("JOUR", "EJOUR", "ABST", "INPR", "MGZN", "NEWS", "GEN", ""))
# EndNote writes a web page's access year in VL: not a volume, kept as it is
VL_KEPT = frozenset(("ELEC", "WEB", "PAT"))   # (a patent's VL: its version number)
NUMBER_OF_PAGES = frozenset(("BOOK", "EBOOK", "EDBOOK", "CLSWK", "THES", "MANSCPT", "UNPB",
                             "UNPD", "PAMP", "CTLG"))

_EDITED = ("BOOK", "EBOOK", "EDBOOK", "CLSWK", "SER", "CTLG")
EDITED_BOOKS = frozenset(_EDITED)
_FILMS = ("MPCT", "VIDEO", "ADVS", "MULTI")
# Name tags (AU/A1 authors everywhere; A1 lines are read as AU lines, in line order).
# role "author"/"editor" fill the Article's lists, other roles are CSL name variables.
NAME_ROLES = {"AU": "author", "A2": "editor", "ED": "editor", "A3": "collection-editor",
              "A4": "translator"}
NAME_ROLE_BY_TYPE = {
    "AU": {"EDBOOK": "editor"},   # an edited book's authors are its editors
    # EndNote's table (and Zotero): a book's secondary author is the series editor and its
    # tertiary author the editor.  Scopus writes a book's editors as A2 with no A3: a book's
    # A2 is read as its editors when the record has no A3 (ris_record.py)
    "A2": {**{t: "collection-editor" for t in _EDITED},
           "BILL": None, "UNBILL": None, "CASE": None, "PAT": None, "STAT": None,  # sponsor,
           "PCOMM": "recipient", "ICOMM": "recipient",                  # reporter, authority
           "SOUND": "performer", "MUSIC": "performer", "SLIDE": None},
    "A3": {**{t: "editor" for t in _EDITED}, **{t: "producer" for t in _FILMS},
           "THES": "contributor",
           "BILL": None, "UNBILL": None},
    "A4": {"CASE": None, "CONF": "contributor", "CPAPER": "contributor",
           **{t: "contributor" for t in _FILMS}},
}

# Tags read into extra['csl'] (a CSL variable) by default, and per type.
CSL_TAGS = {
    "CY": "publisher-place", "ET": "edition", "NV": "number-of-volumes", "ST": "title-short",
    "CN": "call-number", "DB": "archive", "DP": "source", "SE": "section", "Y2": "accessed",
    "M3": "genre", "OP": "original-title", "RI": "reviewed-title", "T3": "collection-title",
}
_CONFS = ("CONF", "CPAPER")
CSL_TAGS_BY_TYPE = {   # (EndNote's per-type field table, which Zotero's translator follows)
    "ET": {"BILL": None, "UNBILL": None, "HEAR": None, "STAT": None, "COMP": "version",
           "DATA": "version"},
    "SE": {"CASE": None, "CHAP": "chapter-number", "ECHAP": "chapter-number", "BOOK": None,
           "EJOUR": None},
    "OP": {t: None for t in ("BILL", "UNBILL", "CASE", "HEAR", "STAT", "PAT")},
    "M1": {"STAT": "number", "HEAR": "number", "RPRT": "number", "GOVDOC": "number",
           "BILL": "number", "UNBILL": "number", "COMP": "medium",
           "CHAP": "number-of-volumes", **{t: "collection-number" for t in _EDITED},
           "ECHAP": "collection-number"},
    "SV": {"CHAP": "collection-number"},
    # the bill number is in M1 (EndNote, Zotero); a bill without M1 has it in VL
    "VL": {"BILL": "number", "UNBILL": "number"},
    "IS": {"PAT": "number"},   # the patent number
    "T3": {"BILL": "authority", "UNBILL": "authority", "HEAR": "authority"},
    "NV": {"CASE": None, "DATA": None, "EJOUR": None, "EBOOK": "version"},
    # a conference: CY is where it was held, C1 where the proceedings were published
    "CY": {t: "event-place" for t in _CONFS},
    "C1": {t: "publisher-place" for t in _CONFS},
}
# Which tag a CSL variable goes out as, when the type does not say otherwise.
CSL_OUT = {v: t for t, v in CSL_TAGS.items()}
CSL_OUT.update({"collection-title": "T3", "number-of-pages": "SP", "number": "M1",
                "collection-number": "M1",
                "authority": "T3", "version": "ET", "medium": "M1"})
NAME_OUT = {"author": "AU", "editor": "A2", "collection-editor": "A3", "translator": "A4",
            "recipient": "A2", "performer": "A2", "producer": "A3", "contributor": "A4"}


def csl_type(ty: str) -> str:
    return TYPE_MAP.get(ty, UNKNOWN_TYPE)


def name_role(ty: str, tag: str) -> str | None:
    by_type = NAME_ROLE_BY_TYPE.get(tag)
    if by_type is not None and ty in by_type:
        return by_type[ty]
    return NAME_ROLES.get(tag)


def csl_var(ty: str, tag: str) -> str | None:
    by_type = CSL_TAGS_BY_TYPE.get(tag)
    if by_type is not None and ty in by_type:
        return by_type[ty]
    return CSL_TAGS.get(tag)


def name_tag(ty: str, role: str) -> str | None:
    """The tag a name role goes out as in type ``ty`` (the inverse of :func:`name_role`)."""
    for tag in ("AU", "A2", "A3", "A4"):
        if name_role(ty, tag) == role:
            return tag
    if role == "editor":
        return "ED"
    return None


def csl_tag(ty: str, var: str) -> str | None:
    """The tag a CSL variable from ``extra['csl']`` goes out as in type ``ty``."""
    if var == "collection-title":
        return "T2" if ty in T2_SERIES else "T3"
    if var == "number-of-pages":
        return "SP" if ty in NUMBER_OF_PAGES else None
    for tag, by_type in CSL_TAGS_BY_TYPE.items():
        if by_type.get(ty) == var:
            return tag
    tag = CSL_OUT.get(var)
    if tag and csl_var(ty, tag) == var:
        return tag
    return None


_VARS: dict[str, dict[str, str | None]] = {}
_ROLES: dict[str, dict[str, str | None]] = {}


def csl_vars(ty: str) -> dict[str, str | None]:
    """{tag: CSL variable} for every tag that has one in type ``ty`` (made once per type)."""
    got = _VARS.get(ty)
    if got is None:
        tags = set(CSL_TAGS) | set(CSL_TAGS_BY_TYPE)
        got = _VARS[ty] = {t: csl_var(ty, t) for t in tags}
    return got


def name_roles(ty: str) -> dict[str, str | None]:
    """{name tag: role} in type ``ty`` (made once per type)."""
    got = _ROLES.get(ty)
    if got is None:
        got = _ROLES[ty] = {t: name_role(ty, t) for t in ("AU", "A2", "ED", "A3", "A4")}
    return got
