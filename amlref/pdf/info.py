"""What a PDF tells about the article it holds."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PdfInfo:
    path: str
    pages: int
    doi: str = ""            # the article's own DOI (normalised lower-case 10.xxx/...), "" if none
    pmid: str = ""
    pmcid: str = ""          # "PMC1234567"
    arxiv: str = ""
    id_source: str = ""      # where the identifier was found: "xmp", "info", "page 1" ...
    title: str = ""          # best title guess (first page preferred; metadata when it agrees)
    authors: list[str] = field(default_factory=list)   # as printed, best effort
    year: str = ""
    abstract: str = ""       # abstract text found on the first pages
    meta_title: str = ""     # document info / XMP title as stored (for display)
    text_layer: bool = True  # False for a scan with no text
    encrypted: bool = False
    other_dois: list[str] = field(default_factory=list)  # DOIs seen but judged not the paper's own
    first_page: str = ""     # page 1's text (cleaned, at most 20,000 characters): for
                             # title_matches(fetched_title, info.first_page) without a second read
