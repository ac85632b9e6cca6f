"""The search's common-word check (storage.search.all_common): the same answers as counting
every word in full from the FTS5 vocabulary table, which is what it did before it was made
cheap (bounded doclist reads, answers kept while the library is unchanged, no count at all in
a library smaller than the threshold).  A real SQLite library of real PubMed and RIS records."""
from __future__ import annotations

import random

import pytest

from amlref.core.article import Article, Person
from amlref.services.importing import import_paths
from amlref.storage import search as S
from amlref.storage.library import Library
from amlref.storage.search import all_common, parse_query
from tests.conftest import corpus
from tests.search_support import full_count

FILES = [("ris", "vendor-dialects", "baseline_pubmed.ris"),
         ("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib"),
         ("ris", "asreview-demo-data", "baseline.ris")]


@pytest.fixture
def records(lib):
    import_paths(lib, [str(corpus(*f)) for f in FILES])
    assert lib.articles.count() == 225
    S._COUNTS.clear()
    return lib


def queries(lib, n: int = 600) -> list[str]:
    """Words of the library and prefixes of them (typed letter by letter, in order), words with
    accents and underscores, words it does not have, 1-3 words a query."""
    rnd = random.Random(11)
    terms = [r[0] for r in lib.execute("SELECT term FROM articles_fts_vocab ORDER BY doc DESC")]
    pool = terms[:60] + rnd.sample(terms, 120) + ["Leukämie", "naïve", "Myéloïde", "foo_bar",
                                                   "CD-33", "zzzunknown", "t-cell", "2019"]
    out = [" ".join(rnd.choice(pool) for _ in range(rnd.choice((1, 1, 2, 3)))) for _ in range(n)]
    for w in terms[:25]:                       # search as you type
        out += [w[:k] for k in range(3, len(w) + 1)]
    return out


@pytest.mark.parametrize("threshold", [1, 2, 5, 20, 60, 150, 224, 225, 226, 1000])
def test_same_answers_as_counting_in_full(records, threshold):
    lib = records
    qs = queries(lib)
    common = 0
    for q in qs:            # kept answers carry over from query to query, as in a session
        pq = parse_query(q)
        want = full_count(lib, pq, threshold)
        assert all_common(lib, pq, threshold) == want, (q, threshold)
        assert all_common(lib, pq, threshold) == want, (q, threshold)       # kept
        common += want
    S._COUNTS.clear()
    for q in qs[::7]:       # and with nothing kept
        pq = parse_query(q)
        assert all_common(lib, pq, threshold) == full_count(lib, pq, threshold), (q, threshold)
    if threshold <= 20:
        assert common > 0   # the thresholds exercise both answers
    if threshold >= 60:
        assert common < len(qs)


def art(title: str, i: int) -> Article:
    return Article(title=title, issued="2024", doi=f"10.1000/common.{i}",
                   authors=[Person("Rossi", "Maria")])


def test_a_change_in_the_library_is_seen(lib, tmp_path):
    """Kept answers go when this connection writes, or another one commits."""
    for i in range(4):
        lib.articles.add(art(f"Magrolimab in acute myeloid leukemia {i}", i))
    pq = parse_query("magrolimab")
    assert not all_common(lib, pq, 5)
    lib.articles.add(art("Magrolimab and azacitidine", 4))           # this connection
    assert all_common(lib, pq, 5) and full_count(lib, pq, 5)
    assert not all_common(lib, parse_query("sabatolimab"), 1)
    other = Library.open(lib.path)                                    # another connection
    try:
        other.articles.add(art("Sabatolimab in MDS and AML", 5))
    finally:
        other.close()
    assert all_common(lib, parse_query("sabatolimab"), 1)
    assert all_common(lib, parse_query("sabatolimab magrolimab"), 1)
    (gone,) = lib.execute("SELECT id FROM articles WHERE doi = '10.1000/common.4'").fetchone()
    lib.articles.trash([gone])
    assert all_common(lib, pq, 5) == full_count(lib, pq, 5)
    lib.articles.purge([gone])
    assert all_common(lib, pq, 5) is full_count(lib, pq, 5) is False


def test_small_library_asks_no_count_for_a_whole_word(records):
    """Fewer rows than the threshold: a query with one word that is not a prefix is not
    all-common, and no doclist is read for it."""
    lib = records
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        assert not all_common(lib, parse_query("leukemia acute"), 20_000)
        assert not [s for s in seen if "articles_fts_vocab" in s or " MATCH " in s]
    finally:
        lib.conn.set_trace_callback(None)


def test_common_word_reads_its_doclist_only_up_to_the_threshold(records):
    """In a library larger than the threshold, a word is counted by reading its rows up to
    the threshold's (a LIMIT/OFFSET on the FTS5 match), not the vocabulary table's full count."""
    lib = records
    seen: list[str] = []
    word = lib.execute("SELECT term FROM articles_fts_vocab WHERE term GLOB '[a-z][a-z][a-z]"
                       "[a-z]*' ORDER BY doc DESC LIMIT 1").fetchone()[0]
    pq = parse_query(f"{word} {word}")
    assert pq.required == [(word, False), (word, True)]
    lib.conn.set_trace_callback(seen.append)
    try:
        assert all_common(lib, pq, 20)
    finally:
        lib.conn.set_trace_callback(None)
    assert any("OFFSET" in s and "MATCH" in s for s in seen)
    assert not any("articles_fts_vocab" in s for s in seen)


def test_a_very_long_word(records):
    """A pasted 300,000-letter "word" (the server takes request bodies up to 1 MB): the same
    answer, after shorter prefixes of it were asked."""
    lib = records
    long = "leu" + "k" * 300_000
    for q in ("leu", "leuk", "leukk", long):
        pq = parse_query(q)
        assert all_common(lib, pq, 2) == full_count(lib, pq, 2), q[:10]
