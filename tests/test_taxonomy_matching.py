"""The term matcher's quick paths give what the plain ones give: scan = scan_reference on terms
longer than the trie's prefix and with punctuation inside (the head filter), and contains_any =
any(map(text.__contains__, ...)) with and without the automaton library."""
from __future__ import annotations

import random

import pytest

from test_taxonomy import _random_terms, _random_text


def _long_and_punctuated(rnd, terms: list[str]) -> list[str]:
    """Terms past PREFIX_LEN letters (sharing their first 16 letters with others), and terms
    with ",", "(", "&", "'", "." or "+" inside, as MeSH headings have them."""
    plain = [t.lstrip("=").rstrip("*") for t in terms]
    out = [t + rnd.choice([",", " (", "&", "'", ".", "+", ", "]) + rnd.choice(plain)
           for t in plain[:6]]
    out += ["".join(rnd.choice(plain) for _ in range(rnd.randint(3, 6))) for _ in range(6)]
    stem = "transplantation"
    out += [stem, stem + " of nk cells", stem + ", homologous", "transplant-related"]
    return out


def test_scan_equals_the_reference_with_long_and_punctuated_terms():
    from amlref.taxonomy.matching import PREFIX_LEN, TermIndex
    assert PREFIX_LEN >= 16
    rnd = random.Random(20261203)
    hits = 0
    for _ in range(40):
        terms = _random_terms(rnd, rnd.randint(1, 30))
        terms += _long_and_punctuated(rnd, terms)
        idx = TermIndex()
        for i in range(0, len(terms), 7):
            idx.add(rnd.choice("abc"), rnd.choice(["terms", "weak", "exclude"]), terms[i:i + 7])
        idx.build()
        for _ in range(40):
            text = _random_text(rnd, terms)
            if rnd.random() < 0.3:
                text += " Transplantation, Homologous; transplantation of NK cells, transplanted"
            got = idx.scan(text)
            assert got == idx.scan_reference(text), (terms, text)
            hits += len(got)
    assert hits > 5_000


def test_a_punctuated_term_is_not_tried_where_the_text_went_another_way():
    """"Antibodies, Bispecific" is not among the regexes tried at "antifungal" (the trie's head
    there is "anti"), but still matches where it stands."""
    from amlref.taxonomy.matching import TermIndex
    idx = TermIndex()
    idx.add("engagers", "mesh", ["Antibodies, Bispecific"])
    idx.add("other", "terms", ["anti"])
    idx.build()
    text = "anti fungal prophylaxis; Antibodies, Bispecific/therapeutic use"
    got = idx.scan(text)
    assert got == idx.scan_reference(text)
    assert [(o, text[s:e]) for o, g, s, e in got] == [
        ("other", "anti"), ("engagers", "Antibodies, Bispecific")]
    assert [o for o, _ in idx._by_head["anti "]] == ["other"]


@pytest.mark.parametrize("automaton", [True, False])
def test_contains_any_is_any_substring(monkeypatch, automaton):
    from amlref.taxonomy import matching
    if not automaton:
        monkeypatch.setattr(matching, "ahocorasick", None)
    rnd = random.Random(7)
    alphabet = "abcde fgh-é.ı"
    for _ in range(200):
        needles = tuple({"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 5)))
                         for _ in range(rnd.randint(1, 25))})
        test = matching.contains_any(needles)
        assert matching.contains_any(needles) is test   # (kept per tuple)
        for _ in range(30):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
            assert test(text) == any(map(text.__contains__, needles)), (needles, text)


def test_negation_cues_are_found_as_before():
    """The classifier's quick test of a window for negation cues, on real cue lists: the same
    answer as the plain substring test for every window of every aml-dev abstract."""
    import json

    from amlref.taxonomy.classifier import rules_for
    from amlref.taxonomy.matching import contains_any
    from amlref.taxonomy.model import load
    from support import corpus
    R = rules_for(load(user=False))
    assert len(R.negation_quick) >= 4
    test = contains_any(R.negation_quick)
    n = found = 0
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        text = (json.loads(line)["abstract"] or "").lower() if line.strip() else ""
        for start in range(0, len(text), 7):
            window = text[max(0, start - 60):start]
            want = any(map(window.__contains__, R.negation_quick))
            assert test(window) == want, window
            n += 1
            found += want
    assert n > 10_000 and 0 < found < n


def test_abbreviations_cut_in_one_pass_as_the_regex_does():
    """_cut_abbreviations (str.find, then the regex where " (" is): the text the regex's sub
    gives and the places its finditer gives, on random texts with brackets and on every aml-dev
    title and abstract."""
    import json

    from amlref.taxonomy.fields import _ABBREV, _cut_abbreviations
    from support import corpus

    def by_regex(text):
        defs, cut = {}, 0
        for m in _ABBREV.finditer(text):
            s, e = m.span()
            defs[s - cut] = text[s + 2:e - 1]
            cut += e - s
        return _ABBREV.sub("", text), defs

    rnd = random.Random(12)
    chars = " (ABCabc)XYZxyz,;:.-\n\tNK9é"
    texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 24))) for _ in range(30_000)]
    texts += ["natural killer (NK) cells (NK) (CD123) and (AML) (aml).", "a ((GO) b", " (GO)"]
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            texts += [r["title"] or "", r["abstract"] or ""]
    n = 0
    for text in texts:
        got, defs = _cut_abbreviations(text)
        want, want_defs = by_regex(text)
        assert (got, defs or {}) == (want, want_defs), text
        assert (defs is None) == (got == text)   # (None: nothing cut)
        n += bool(defs)
    assert n > 100
    assert _cut_abbreviations(texts[30_000]) == (
        "natural killer cells (CD123) and (aml).", {14: "NK", 20: "NK", 32: "AML"})


def test_negation_from_the_abstract_lower_cased_once():
    """The negation of a word read from a slice of the abstract lower-cased once (ASCII) is the
    one read from its window lower-cased: every word start of every aml-dev abstract."""
    import json
    import re

    from amlref.core.article import Article
    from amlref.taxonomy.classifier import ImmunotherapyClassifier, rules_for
    from amlref.taxonomy.fields import _Fields
    from amlref.taxonomy.model import load
    from support import corpus
    R = rules_for(load(user=False))
    neg = ImmunotherapyClassifier._negation
    n = negated = 0
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        f = _Fields(Article(abstract=json.loads(line)["abstract"] or ""))
        low = f.low_abstract()
        assert (low is None) == (not f.abstract or not f.abstract.isascii())
        starts = f.starts()
        for m in re.finditer(r"\b\w", f.abstract):
            sent = f.sentence_of(m.start())
            want = neg(R, f.abstract, starts[sent], m.start())
            assert neg(R, f.abstract, starts[sent], m.start(), low) == want
            n += 1
            negated += bool(want)
    assert n > 10_000 and negated > 300


def test_the_possessive_trie_matches_as_the_plain_one():
    """The scanner's trie without backtracking states gives the head the plain trie gives, at
    every word start of every aml-dev record (the taxonomy's own prefixes) and of random texts
    with random terms; a word with a separator character keeps the plain trie."""
    import json
    import re

    from amlref.taxonomy.classifier import rules_for
    from amlref.taxonomy.finder import _trie, possessive_ok
    from amlref.taxonomy.model import load
    from support import corpus
    R = rules_for(load(user=False))
    prefixes = sorted(R.index._prefixes)
    assert possessive_ok(prefixes) and not possessive_ok(["anti-cd33", "cd33"])
    texts = []
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            texts += [(r["title"] or "").lower(), (r["abstract"] or "").lower()]
    rnd = random.Random(5)
    words = ["t cell", "tcell", "t-cells", "nk", "nkg2d", "car", "car-t", "cart", "cd3", "cd33"]
    small = sorted({w.replace(" ", "").replace("-", "") for w in words})
    texts_r = ["".join(rnd.choice(["t", "cell", " ", "-", "/", "nk", "g2d", "car", "cd", "3", "s"])
                       for _ in range(rnd.randint(1, 12))) for _ in range(5000)]
    n = 0
    for pats, cases in ((prefixes, texts), (small, texts_r)):
        plain, fast = re.compile(_trie(pats)).match, re.compile(_trie(pats, True)).match
        for text in cases:
            for m in re.finditer(r"(?<![a-z0-9])[a-z0-9]", text):
                a, b = plain(text, m.start()), fast(text, m.start())
                assert (a and a.group()) == (b and b.group()), (text, m.start())
                n += a is not None
    assert n > 3_000


def test_sentence_starts_as_the_general_pattern():
    """Sentence starts of a text without line breaks, "!" or "?" (found by the "." pattern) are
    the ones the general pattern finds: random texts of the characters that matter, and every
    aml-dev abstract (also with a line break added, which takes the general pattern)."""
    import json
    import re

    from amlref.taxonomy.texts import _SENT, sentence_starts
    from support import corpus

    def general(text):
        return [0] + [m.end() for m in _SENT.finditer(text)]

    rnd = random.Random(7)
    pieces = [".", ". ", ".  ", "!", "?", "\n", "\t", " ", "A", "a", "(", "[", '"', "'", "0", ".5"]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(20_000)]
    for line in corpus("aml-dev", "records.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            abstract = json.loads(line)["abstract"] or ""
            texts += [abstract, abstract.replace(". ", ".\n", 1)]
    n = 0
    for text in texts:
        assert sentence_starts(text) == general(text), text
        n += len(general(text)) > 3 and not re.search(r"[\n!?]", text)
    assert n > 100
