"""CSL item types by the names other metadata gives them (Crossref, DataCite, Zotero): one table
for the CSL-JSON reader and the Crossref source."""
from __future__ import annotations

from amlref.core.article import CSL_TYPES

# the type names of Crossref's and DataCite's metadata and of Zotero's item types, which CSL-JSON
# files made from them carry, -> the CSL type (CSL 1.0.2 type list; Crossref's own mapping)
TYPE_ALIASES = {
    "journal-article": "article-journal", "journalarticle": "article-journal",
    "book-chapter": "chapter", "book-section": "chapter", "book-part": "chapter",
    "book-track": "chapter", "booksection": "chapter", "proceedings-article": "paper-conference",
    "conferencepaper": "paper-conference", "conference-paper": "paper-conference",
    "posted-content": "article", "preprint": "article", "dissertation": "thesis",
    "monograph": "book", "edited-book": "book", "reference-book": "book", "book-set": "book",
    "book-series": "book", "proceedings": "book", "reference-entry": "entry-encyclopedia",
    "encyclopediaarticle": "entry-encyclopedia", "dictionaryentry": "entry-dictionary",
    "report-series": "report", "report-component": "report", "component": "article",
    "peer-review": "review", "journal-issue": "periodical", "journal-volume": "periodical",
    "journal": "periodical", "magazinearticle": "article-magazine",
    "newspaperarticle": "article-newspaper", "blogpost": "post-weblog", "forumpost": "post",
    "computerprogram": "software", "audiorecording": "song", "videorecording": "motion_picture",
    "film": "motion_picture", "presentation": "speech", "email": "personal_communication",
    "letter": "personal_communication", "statute": "legislation", "case": "legal_case",
    "journal_article": "article-journal", "text": "article", "other": "document",
}


def csl_type(value) -> str | None:
    """The CSL type a type name stands for, or None when it is none that is known."""
    v = str(value).strip()
    if v in CSL_TYPES:
        return v
    low = v.lower()
    if low in CSL_TYPES:
        return low
    t = TYPE_ALIASES.get(low) or TYPE_ALIASES.get(low.replace("_", "-").replace(" ", "-"))
    return t if t in CSL_TYPES else None
