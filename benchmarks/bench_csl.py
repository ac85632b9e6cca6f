"""Formatted references (amlref.formats.csl) on real PubMed records, each style.

For N articles (the 164 metapub PubMed XML records of the corpora, repeated to N):
  - format_bibliography(articles, style, html=True)        what Copy bibliography does
        baseline 1: bare citeproc-py on the same CSL-JSON items and style file, without this
                    module's fixes (page ranges, dates, numbers, year suffixes, escaping):
                    the ratio is this module's own cost (target about 1.0x)
        baseline 2: csljson.article_to_item + json.dumps of the same articles (the CSL-JSON
                    export the processor starts from)
  - one reference alone (a drag of one article, the server's formatted-citation), median

    .venv/bin/python benchmarks/bench_csl.py [--n 200] [--styles vancouver,apa]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amlref.formats import csl  # noqa: E402
from amlref.formats.csljson import article_to_item  # noqa: E402
from amlref.formats.pubmed_xml import PubmedXmlImporter  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "pubmed" / "metapub-pmid-xml"


def articles(n: int):
    arts = []
    for f in sorted(CORPUS.glob("*.xml")):
        arts += PubmedXmlImporter().parse(f.read_text(encoding="utf-8"), f.name).articles
    if not arts:
        sys.exit(f"no records in {CORPUS}")
    return (arts * (n // len(arts) + 1))[:n]


def bare_citeproc(arts, style: str) -> list[str]:
    from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                          CitationStylesStyle, formatter)
    from citeproc.source.json import CiteProcJSON
    path = csl._style_file(style)
    info = csl._info(str(path))
    if not info["independent"]:
        path = csl._parent_file(info, path)
    items = []
    for i, a in enumerate(arts):
        it = {k: v for k, v in article_to_item(a).items() if not isinstance(v, (list, dict))
              or k in ("author", "editor", "issued")}
        it["id"] = f"i{i}"
        items.append(it)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = CitationStylesStyle(str(path), validate=False)
        bib = CitationStylesBibliography(st, CiteProcJSON(items), formatter.html)
        bib.register(Citation([CitationItem(it["id"]) for it in items]))
        bib.sort()
        return [str(e) for e in bib.bibliography()]


def clock(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--styles", default=",".join(n for n, _ in csl.styles()))
    args = ap.parse_args()
    arts = articles(args.n)
    base2 = clock(lambda: json.dumps([article_to_item(a) for a in arts]))
    print(f"{len(arts)} PubMed records; CSL-JSON export {base2 * 1000:.1f} ms")
    for style in args.styles.split(","):
        ours, bare = [], []
        for _ in range(3):  # interleaved, best of 3 (the machine is shared)
            bare.append(clock(lambda: bare_citeproc(arts, style)))
            ours.append(clock(lambda: csl.format_bibliography(arts, style, html=True)))
        ours, bare = min(ours), min(bare)
        one = statistics.median(clock(lambda a=a: csl.format_bibliography([a], style))
                                for a in arts[:30])
        print(f"{style:30s} {ours:6.2f} s ({ours / len(arts) * 1000:5.1f} ms/article)  "
              f"bare citeproc-py {bare:6.2f} s -> {ours / bare:4.2f}x  "
              f"vs CSL-JSON export {ours / base2:6.0f}x  one reference {one * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
