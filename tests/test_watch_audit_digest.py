"""Issue 17 audit: `amlref digest --since ...` as Markdown and HTML, on a real library (real
PubMed records brought by a watch from the local server), and what each form of --since does."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from amlref.core.article import Article
from amlref.services.digest import parse_since
from amlref.storage.library import Library
from test_sources_support import FakeApi
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, start", [
    ("7d", NOW - timedelta(days=7)), ("7 days", NOW - timedelta(days=7)),
    ("2w", NOW - timedelta(weeks=2)), ("3 weeks", NOW - timedelta(weeks=3)),
    ("12h", NOW - timedelta(hours=12)), ("1m", NOW - timedelta(days=30)),
    ("2026-11-01", datetime(2026, 11, 1, tzinfo=timezone.utc)),
    ("2026-12-03", datetime(2026, 12, 3, tzinfo=timezone.utc)),       # today: since midnight
])
def test_since_forms(text, start):
    iso, label = parse_since(text, NOW)
    assert iso.startswith(start.strftime("%Y-%m-%dT%H:%M:%S"))
    assert label.startswith(start.strftime("%Y-%m-%d"))


@pytest.mark.parametrize("text, words", [
    ("0d", "a period of 0"), ("2026-12-04", "in the future"), ("7", "give a period"),
    ("last week", "give a period"), ("2026-13-01", "give a period"), ("", "give a period"),
    ("99999999999999w", "too long a period"),
])
def test_bad_since_is_one_line(cli, text, words):
    with pytest.raises(Exception) as exc:
        parse_since(text, NOW)
    assert words in str(exc.value) and "\n" not in str(exc.value)
    r = cli("digest", "--since=" + text) if not text.startswith("2026-12-04") else \
        cli("digest", "--since", (datetime.now(timezone.utc) + timedelta(days=1))
            .strftime("%Y-%m-%d"))
    assert r.code == 2 and r.err.count("\n") == 1 and "Traceback" not in r.err, r


def test_digest_of_a_watch_run_by_category_with_keys_titles_and_links(
        httpserver, cli, lib_path, tmp_path):
    api = FakeApi(httpserver)
    configure(cli, api, tmp_path)
    classified = ["32306807", "38704912", "38738473"]   # (records the classifier files)
    pmids = [p for p in metapub_pmids() if p not in classified][:6] + classified
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "AML watch", "AML[tiab]")
    assert cli("watch", "run", "AML watch").code == 0
    lib = Library.open(lib_path)
    try:   # one more, by hand, with markup characters and a DOI with brackets
        odd = lib.articles.add(Article(title="CD8*_T cells [review] <b>`x`</b> #1 | 2",
                                       doi="10.1016/S0140-6736(20)30183-5", issued="2026",
                                       container="Lancet"))
        odd_key = lib.articles.get(odd).citekey
        arts = [lib.articles.find(p) for p in pmids]
        cats = {a.citekey: [c["slug"] for c in lib.categories.of(a.id)
                            if c.get("kind") == "category"] for a in arts}
    finally:
        lib.close()
    md = cli("digest", "--since", "1d")
    assert md.code == 0, md
    assert md.out.startswith("# New articles since ") and "(the last 1d)" in md.out
    assert "10 article(s)." in md.out
    for a in arts:
        line = next(ln for ln in md.out.splitlines() if f"`{a.citekey}`" in ln)
        assert f"(https://pubmed.ncbi.nlm.nih.gov/{a.pmid}/)" in line
        assert "(watch: AML watch)" in line
    # each under its categories' headings, the rest under "(no category)"
    sections = re.split(r"^## ", md.out, flags=re.M)[1:]
    from amlref.taxonomy.model import load
    tax = load()

    def top(slug):
        return ([slug] + list(tax.ancestors(slug)))[-1]
    for a in arts:
        holding = {s.splitlines()[0].rsplit(" (", 1)[0] for s in sections
                   if f"`{a.citekey}`" in s}
        want = {tax.get(top(c)).label for c in cats[a.citekey]} or {"(no category)"}
        assert holding == want, a.citekey
    assert any(cats.values())                     # (some of them are in a category)
    assert any(s.startswith("(no category)") and odd_key in s for s in sections)
    line = next(ln for ln in md.out.splitlines() if odd_key in ln)
    assert r"CD8\*\_T cells \[review\] \<b\>\`x\`\</b\> \#1 \| 2" in line
    assert "(https://doi.org/10.1016/s0140-6736%2820%2930183-5)" in line
    out = tmp_path / "digest.html"
    assert cli("digest", "--since", "2w", "--html", "-o", out).code == 0
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")

    class Links(HTMLParser):
        hrefs: list = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.hrefs.append(dict(attrs)["href"])
    p = Links()
    p.feed(html)
    assert set(p.hrefs) == {f"https://pubmed.ncbi.nlm.nih.gov/{a.pmid}/" for a in arts} | {
        "https://doi.org/10.1016/s0140-6736(20)30183-5"}
    assert "&lt;b&gt;" in html and "<b>`x`</b>" not in html
    # the last hour: all of them (they came a moment ago)
    r = cli("digest", "--since", "1h")
    assert r.code == 0 and "10 article(s)." in r.out


def test_a_sici_doi_links_with_its_brackets_encoded():
    from amlref.services.digest import link_of
    doi = "10.1002/(sici)1097-4636(199606)31:2<213::aid-jbm9>3.0.co;2-k"
    link = link_of("", doi, "", "")
    assert link.startswith("https://doi.org/10.1002/")
    assert "<" not in link and ">" not in link and "%3C213" in link and "%3E3.0" in link
