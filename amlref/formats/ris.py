"""RIS in and out, tolerant of the vendors' dialects: the importer and exporter registered as
``amlref.formats.ris:RisImporter`` / ``RisExporter``.

- ris_read.py: the line reader; ris_record.py: one record -> Article; ris_ids.py: identifiers;
- ris_types.py: the RIS reference types, their CSL types and what each tag means per type;
- ris_values.py: dates, names, ISSN/ISBN;
- ris_write.py: one Article -> RIS lines;
- ris_wos.py: Web of Science plain text, which users save as .ris/.txt."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Problem
from amlref.formats.ris_read import SNIFF_TAG, TY_LINE, iter_records, tags_before_ty
from amlref.formats.ris_record import record_to_article
from amlref.formats.ris_types import OUT_TYPES, TYPE_MAP
from amlref.formats.ris_values import parse_date, parse_name
from amlref.formats.ris_wos import is_wos, parse_wos
from amlref.formats.ris_write import article_to_lines
from amlref.plugins.base import Exporter, Importer, parts_at

__all__ = ["RisImporter", "RisExporter", "iter_records", "record_to_article", "article_to_lines",
           "parse_date", "parse_name", "is_wos", "parse_wos", "TYPE_MAP", "OUT_TYPES"]


class RisImporter(Importer):
    name = "ris"
    label = "RIS (EndNote, Zotero, Mendeley, Scopus, Web of Science, Embase ...)"
    extensions = (".ris", ".txt", ".enw")

    def sniff(self, head: str) -> float:
        h = head.lstrip("\ufeff")
        if is_wos(h):
            return 0.9  # Web of Science plain-text export, read by this importer too
        tags = SNIFF_TAG.findall(h)
        if not tags:
            return 0.0
        if re.search(r"^PMID- ", h, re.M):
            return 0.2  # MEDLINE
        if re.search(r"^\s{0,3}TY\s{1,4}-", h, re.M):
            return 0.95
        return 0.5 if len(tags) >= 3 else 0.2

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        if is_wos(text[:4096]) and not re.search(r"^\s{0,3}TY\s{1,4}-", text[:4096], re.M):
            return parse_wos(text, filename)
        res = ParseResult(format=self.name)
        # the records hold no reference cycles: pausing the cycle collector while some
        # 100,000 objects are made saves a third of the time
        with gcpause.paused():
            self._parse_into(res, text, filename)
        if not res.articles and not res.problems and text.strip():
            from amlref.core.errors import InputError
            raise InputError("no RIS records found (expected lines like 'TY  - JOUR')", filename)
        return res

    def split(self, text: str, size: int) -> list[tuple[str, int]] | None:
        """Cut before a ``TY`` line about every ``size`` characters: a record ends at ``ER``
        or at the next ``TY``, so each part reads as it would in the whole."""
        head = text[:20000]
        if ("\r" in head and "\n" not in head) or is_wos(head.lstrip("\ufeff")[:4096]) \
                or tags_before_ty(head):     # (a record's tags begin before its TY)
            return None
        return parts_at(text, size, lambda t, at: (m := TY_LINE.search(t, at)) and m.start())

    def parse_part(self, text: str, filename: str, first_line: int) -> ParseResult:
        res = ParseResult(format=self.name)
        with gcpause.paused():
            self._parse_into(res, text, filename, first_line)
        return res

    def _parse_into(self, res: ParseResult, text: str, filename: str,
                    first_line: int = 1) -> None:
        for line, fields, warns in iter_records(text, first_line):
            for w in warns:
                res.warnings.append(f"{filename}: {w}")
            try:
                a = record_to_article(fields, line)
            except Exception as exc:  # one broken record never stops the rest
                res.problems.append(Problem(filename, line, f"cannot read RIS record: {exc}"))
                continue
            if not any(any(vs) for t, vs in fields.items() if t != "TY"):
                res.problems.append(Problem(filename, line, "empty RIS record (no fields)"))
                continue
            if not (a.title or a.doi or a.pmid or a.authors or a.abstract or a.container):
                res.warnings.append(f"{filename}:{line}: RIS record has no title, author, "
                                    "journal or identifier")
            res.articles.append(a)


class RisExporter(Exporter):
    name = "ris"
    label = "RIS"
    extension = ".ris"

    def export(self, articles: Iterable[Article], **options) -> str:
        out: list[str] = []
        for a in articles:
            out.extend(article_to_lines(a))
            out.append("")
        return "\n".join(out)
