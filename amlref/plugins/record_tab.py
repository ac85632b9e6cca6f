"""A built-in detail-pane tab, declared as an entry point (``amlref.detail_tabs``: record) the
way a plugin declares one: the record as stored -- where it came from, every field, and what the
import kept beyond AMLRef's own fields (``extra``: PubMed's DataBank list, MEDLINE tags, BibTeX
fields ...)."""
from __future__ import annotations

import html
import json

from amlref.plugins.api import API_VERSION, DetailTab

FIELDS = ("citekey", "type", "title", "container", "container_short", "volume", "issue",
          "pages", "issued", "doi", "pmid", "pmcid", "isbn", "issn", "url", "language",
          "publisher", "origin", "added", "modified")
MAX_VALUE = 400


def _value(v) -> str:
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v)
    return s if len(s) <= MAX_VALUE else s[:MAX_VALUE] + "…"


def _rows(items) -> str:
    return "".join(f"<tr><td valign='top'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(_value(v))}</td></tr>" for k, v in items)


class RecordTab(DetailTab):
    api_version = API_VERSION
    label = "Record"

    def render(self, article, categories) -> str:
        a = article
        fields = [(f, getattr(a, f)) for f in FIELDS if getattr(a, f, None)]
        if a.authors:
            fields.append(("authors", "; ".join(p.display() for p in a.authors)))
        for f in ("keywords", "mesh", "pub_types", "user_edited"):
            if getattr(a, f):
                fields.append((f, "; ".join(getattr(a, f))))
        if categories:
            fields.append(("categories", "; ".join(categories)))
        extra = []
        for key, val in sorted((a.extra or {}).items()):
            if isinstance(val, dict):
                extra += [(f"{key}.{k}", v) for k, v in val.items()]
            else:
                extra.append((key, val))
        out = f"<table cellspacing='0' cellpadding='3'>{_rows(fields)}</table>"
        if extra:
            out += ("<p><b>Kept from the source</b></p>"
                    f"<table cellspacing='0' cellpadding='3'>{_rows(extra)}</table>")
        return out
