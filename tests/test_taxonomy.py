"""The taxonomy file: structure, term syntax, the user's copy (extend, override, disable), and
re-classification of a library when the taxonomy changes."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from amlref.core.article import Article
from amlref.taxonomy import descendants, load, taxonomy_hash
from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.matching import TermIndex, compile_terms, term_pattern


def assigned(rows: list) -> list:
    """The assigned rows of ``classify`` (3-tuples; suggestions are 4-tuples)."""
    return [r for r in rows if len(r) == 3]


@pytest.fixture(autouse=True)
def _fresh_cache():
    model.clear_cache()
    yield
    model.clear_cache()


def user_file() -> Path:
    p = model.user_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def write_user(text: str) -> Path:
    p = user_file()
    p.write_text(text, encoding="utf-8")
    model.clear_cache()
    return p


def test_builtin_tree_has_the_seven_slugs_and_sub_categories():
    tax = load(user=False)
    assert [n.slug for n in tax.roots("category")] == list(model.TOP_LEVEL)
    for slug in model.TOP_LEVEL:
        node = tax.get(slug)
        assert node.label and node.kind == "category"
        # every category names its therapy in several ways
        assert sum(len(node.data.get(k) or []) for k in ("terms", "drugs", "synonyms")) >= 5 or \
            any(len(tax.get(c).data.get("terms") or []) for c in node.children)
    act = descendants("adoptive-cell-therapy")
    assert act[0] == "adoptive-cell-therapy"
    assert {"car-t", "car-nk", "nk-cell-therapy", "tcr-t", "cik"} <= set(act)
    assert descendants("car-t") == ["car-t"]
    assert descendants("no-such-slug") == ["no-such-slug"]
    assert tax.ancestors("car-t") == ["adoptive-cell-therapy"]


def test_facets_carry_their_group_as_prefix():
    tax = load(user=False)
    groups = {n.group for n in tax.facets()}
    assert groups == {"target", "study", "setting", "disease"}
    assert all(":" in n.slug for n in tax.facets())
    for slug in ("target:cd33", "target:cd123", "target:cll-1", "target:cd47", "target:tim-3",
                 "target:pd-1", "target:wt1", "target:cd70", "target:flt3", "target:nkg2d",
                 "target:cd7", "target:cd38", "study:review", "study:clinical-trial",
                 "study:preclinical", "study:case-report", "setting:relapsed-refractory",
                 "setting:newly-diagnosed", "setting:post-transplant", "setting:mrd"):
        assert tax.get(slug), slug
    assert tax.kind_of("target:cd33") == "facet" and tax.kind_of("car-t") == "category"


def test_every_term_of_the_file_compiles():
    tax = load(user=False)
    n = 0
    for node in tax.nodes.values():
        for key, terms in node.data.items():
            if isinstance(terms, list) and key not in ("yield_to", "yield_lists"):
                for t in terms:
                    assert term_pattern(t) is not None, (node.slug, t)
                    n += 1
    assert n > 500


@pytest.mark.parametrize("term,text,hit", [
    ("CAR T", "CAR-T cells", True), ("CAR T", "CART cells", True), ("CAR T", "CAR T cells", True),
    ("PD-1", "anti-PD1 therapy", True), ("PD-1", "PD-10", False), ("PD-1", "SPD-1", False),
    ("=STING", "a sting", False), ("=STING", "STING agonists", True),
    ("immunotherap*", "immunotherapeutic", True), ("vaccine", "vaccines", True),
    ("SIRPalpha", "SIRPα", True), ("CLL-1", "CLL", False), ("CD33", "CD333", False),
    ("re:\\bCD3\\s*x\\s*CD\\d+", "CD3 x CD123", True),
])
def test_term_syntax(term, text, hit):
    from amlref.taxonomy.matching import normalize
    rx = compile_terms([term])
    assert bool(rx.search(normalize(text))) is hit
    idx = TermIndex()
    idx.add("o", "g", [term])
    idx.build()
    assert bool(idx.scan(normalize(text))) is hit


def test_user_copy_extends_overrides_and_disables():
    base_hash = load().hash
    write_user("""
[settings]
threshold = 2.0
[category.vaccines]
add_drugs = ["ZX-4711"]
[category.cik]
disabled = true
[category.bispecific-nk]
parent = "t-cell-engagers"
label = "NK engagers (mine)"
terms = ["NK engager*"]
[facet."target:siglec-15"]
label = "Siglec-15"
terms = ["Siglec-15"]
""")
    tax = load()
    assert tax.hash != base_hash and len(tax.sources) == 2 and taxonomy_hash() == tax.hash
    assert "ZX-4711" in tax.get("vaccines").data["drugs"]
    assert "galinpepimut-S" in tax.get("vaccines").data["drugs"]      # extended, not replaced
    assert tax.get("cik") is None and "cik" not in descendants("adoptive-cell-therapy")
    assert "bispecific-nk" in descendants("t-cell-engagers")
    clf = ImmunotherapyClassifier()
    a = Article(title="ZX-4711 in patients with acute myeloid leukemia in remission")
    assert "vaccines" in {s for s, _, _ in assigned(clf.classify(a))}
    b = Article(title="NK engagers against CD33+ AML", abstract="NK engagers in AML.")
    got = {s for s, _, _ in assigned(clf.classify(b))}
    assert {"t-cell-engagers", "bispecific-nk", "target:cd33"} <= got


def test_broken_user_copy_is_ignored_with_a_warning():
    write_user("[category.vaccines\nterms = [")
    tax = load()
    assert tax.warnings and "taxonomy.toml" in tax.warnings[0]
    assert tax.hash == load(user=False).hash
    write_user('[category.vaccines]\nadd_terms = ["re:(unclosed"]\n')
    tax = load()
    assert tax.warnings and "bad pattern" in tax.warnings[0]


def test_unknown_parent_is_an_input_error(tmp_path):
    from amlref.core.errors import InputError
    p = tmp_path / "t.toml"
    p.write_text('[category.x]\nparent = "nope"\n', encoding="utf-8")
    with pytest.raises(InputError):
        load(builtin=p, user=False)


def test_library_is_reclassified_when_the_taxonomy_changes_and_user_decisions_stick(lib):
    from amlref.services.classify import VERSION_KEY, classify_all, ensure_current, is_current
    ids = lib.articles.add_many([
        Article(title="ZX-4711 peptide in acute myeloid leukemia", abstract="A phase 1 study."),
        Article(title="Gemtuzumab ozogamicin in relapsed acute myeloid leukemia"),
        Article(title="Nivolumab after allogeneic transplantation for acute myeloid leukemia"),
    ])
    classify_all(lib)
    assert is_current(lib) and lib.settings.get(VERSION_KEY)
    assert lib.categories.ids_in(["vaccines"]) == []
    assert ids[1] in lib.categories.ids_in(["antibody-therapy"])
    # the user's own decisions
    lib.categories.set_user(ids[1], "antibody-therapy", False)     # remove
    lib.categories.set_user(ids[1], "vaccines", True)              # add
    classify_all(lib)
    assert ids[1] not in lib.categories.ids_in(["antibody-therapy"])
    assert ids[1] in lib.categories.ids_in(["vaccines"])
    # the taxonomy changes: the library is out of date and re-classified once
    write_user('[category.vaccines]\nadd_drugs = ["ZX-4711"]\n')
    assert not is_current(lib)
    assert ensure_current(lib) == 3
    assert ensure_current(lib) == 0
    assert set(lib.categories.ids_in(["vaccines"])) == {ids[0], ids[1]}
    assert ids[1] not in lib.categories.ids_in(["antibody-therapy"])   # still removed
    rows = {r["slug"]: r for r in lib.categories.of(ids[1], include_removed=True)}
    assert rows["antibody-therapy"]["source"] == "user" and rows["antibody-therapy"]["state"] == 0
    # forgetting the decision hands it back to the classifier
    lib.categories.clear_user(ids[1], "antibody-therapy")
    classify_all(lib)
    assert ids[1] in lib.categories.ids_in(["antibody-therapy"])


def test_classification_stores_reasons_as_json(lib):
    from amlref.services.classify import classify_ids
    i = lib.articles.add(Article(title="CD123 CAR T cells for relapsed acute myeloid leukemia"))
    assert classify_ids(lib, [i]) == 1
    rows = {r["slug"]: r for r in lib.categories.of(i)}
    assert {"adoptive-cell-therapy", "car-t", "target:cd123", "disease:aml"} <= set(rows)
    r = rows["car-t"]
    assert r["source"] == "auto" and r["kind"] == "category"
    assert r["reason"][0]["field"] == "title" and r["reason"][0]["words"]
    assert rows["target:cd123"]["kind"] == "facet"


def test_other_disease_policy_can_be_strict():
    a = Article(title="CD19 CAR T-cell therapy in relapsed B-cell acute lymphoblastic leukemia")
    clf = ImmunotherapyClassifier()
    assert "adoptive-cell-therapy" in {s for s, _, _ in assigned(clf.classify(a))}
    write_user('[settings]\nother_disease = "never"\n')
    assert not {s for s, k, _ in assigned(clf.classify(a)) if k == "category"}
    aml = Article(title="CD33 CAR T-cell therapy in relapsed acute myeloid leukemia")
    assert "car-t" in {s for s, _, _ in assigned(clf.classify(aml))}


def test_a_classifier_that_raises_keeps_stored_rows_and_is_disabled(lib):
    from amlref.plugins.registry import registry
    from amlref.services import classify as svc
    ids = lib.articles.add_many([Article(title=f"CD33 CAR T cells in acute myeloid leukemia {i}")
                                 for i in range(30)])
    svc.classify_all(lib)
    assert len(lib.categories.ids_in(["car-t"])) == 30

    class Broken:
        def classify(self, article):
            raise RuntimeError("boom")
    registry.register("amlref.classifiers", "zz-broken", Broken())
    try:
        # the articles it failed on keep what they had; after 20 failures it is disabled
        assert svc.classify_ids(lib, ids) == 10
        assert len(lib.categories.ids_in(["car-t"])) == 30
        assert "zz-broken" in svc._broken
        assert svc.classify_ids(lib, ids) == 30           # the others go on without it
    finally:
        registry.unregister("amlref.classifiers", "zz-broken")
        svc._broken.pop("zz-broken", None)


def test_worker_processes_give_the_same_result(lib, monkeypatch):
    import json as _json
    from amlref.services import classify as svc
    path = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "aml-dev" / "records.jsonl"
    if not path.exists():
        pytest.skip("aml-dev corpus not available")
    recs = [_json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    ids = lib.articles.add_many([Article(title=r["title"] or "x", abstract=r["abstract"],
                                         keywords=r["keywords"], mesh=r["mesh"]) for r in recs])
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    svc.classify_ids(lib, ids)
    before = sorted(lib.execute("SELECT article_id, slug, reason FROM article_categories"))
    lib.execute("DELETE FROM article_categories")
    monkeypatch.setenv("AMLREF_WORKERS", "2")
    monkeypatch.setattr(svc, "PARALLEL_MIN", 10)
    assert svc._workers(len(ids)) == 2
    assert svc.classify_ids(lib, ids) == len(ids)
    after = sorted(lib.execute("SELECT article_id, slug, reason FROM article_categories"))
    assert after == before and len(before) > 100


def test_a_workers_rows_and_json_are_what_this_process_stores(lib):
    """A worker gets the stored rows as read and sends back the reasons' JSON: the same rows as
    classifying the lean articles here (in-process, no workers started)."""
    from amlref.services import classify as svc
    ids = lib.articles.add_many([
        Article(title="CD33 CAR T cells in acute myeloid leukemia", abstract="We review CAR T.",
                keywords=["CAR T", "vaccine"], mesh=["Immunotherapy, Adoptive"],
                pub_types=["Review"]),
        Article(title="Nothing here"), Article(title="Vaccines in AML \u2013 \"WT1\"",
                                               keywords=["dendritic cell vaccine"])])
    rows = svc._lean_rows(lib, ids)
    got, failed = svc._classify_rows(rows)
    want = svc.classify_articles(svc._lean(lib, ids))
    assert not failed and set(got) == set(want) == set(ids)
    assert got == {i: [(s, k, svc.reasons_json(r)) for s, k, r in want[i]] for i in ids}
    assert any(got.values())


# -- the fast scanner against the plain one ------------------------------------------------------
def _term_soup(n: int, seed: int = 3) -> list[str]:
    """Texts made of the taxonomy's own terms, with odd separators, cases, endings and letters
    (a dotless i, a long s, a dotted capital I, non-ASCII letters, line breaks)."""
    import random
    tax = load(user=False)
    terms = [t.lstrip("=").rstrip("*") for d in [n_.data for n_ in tax.nodes.values()] +
             [tax.context] for v in d.values() if isinstance(v, list) for t in v
             if isinstance(t, str) and not t.startswith("re:")]
    terms += ["after allogeneic transplantation the immune escape", "CD3 x CD33", "CAR-T cells",
              "anti-CD33", "TLR7 agonist", "vaccine against AML", "CD123-directed CAR"]
    seps = [" ", "-", "/", "\n", "(", ") ", ", ", ".", "  ", "\u2013", "é", "", "s ", "es ", "\t"]
    odd = ["ı", "ſ", "İ", "K", "µ", "ß"]
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = []
        for _ in range(rnd.randint(2, 20)):
            t = rnd.choice(terms)
            r = rnd.random()
            if r < 0.2:
                t = t.upper()
            elif r < 0.4:
                t = t.lower()
            elif r < 0.55:
                t = t.replace(" ", rnd.choice(seps)).replace("-", rnd.choice(seps))
            elif r < 0.6:
                t = t[:-1]
            elif r < 0.65:
                t += rnd.choice(["s", "es", "ed", "x", "-", "ing"])
            words += [t, rnd.choice(seps + [" "] * 10)]
        text = "".join(words)
        if rnd.random() < 0.05:
            i = rnd.randrange(len(text) + 1)
            text = text[:i] + rnd.choice(odd) + text[i:]
        out.append(text)
    return out


def test_scan_finds_exactly_what_the_reference_scan_finds():
    """TermIndex.scan (a finder over a folded copy of the text, per-place checks, the terms that
    fit what the text begins with) gives the same matches, in the same order, as the plain scan
    it replaced (scan_reference)."""
    from amlref.taxonomy.classifier import rules_for
    rules = rules_for(load(user=False))
    texts = _term_soup(1500)
    hits = 0
    for index in (rules.index, rules.title_index):
        for text in texts:
            got = index.scan(text)
            assert got == index.scan_reference(text), text
            hits += len(got)
    assert hits > 20_000


def test_fallback_terms_are_searched_only_where_they_can_match():
    from amlref.taxonomy.matching import _needles
    assert _needles(r"(?:\b(?:after|post)[\s-]?allo\w*[^.]{0,60}\bimmune (?:escape|evasion))") \
        == {"immune e"}
    assert _needles(r"\bab|cd") is None        # an alternative with too short a literal
    assert _needles(r"(?:foo\d+|barbaz)") == {"foo", "barbaz"}
    idx = TermIndex()
    idx.add("o", "g", [r"re:(?:after|post)\s+transplant\w*[^.]{0,40}\bimmune escape",
                       r"re:[([]xyz\d"])
    idx.build()
    for text in ("Relapse after transplantation by IMMUNE ESCAPE.", "after transplant, no escape",
                 "post transplant ımmune escape", "(xyz1) and [xyz2]", ""):
        assert idx.scan(text) == idx.scan_reference(text)
    assert len(idx.scan("Relapse after transplantation by IMMUNE ESCAPE.")) == 1


def test_negation_regex_for_lower_case_text_finds_the_same():
    import random
    from amlref.taxonomy.matching import compile_terms_lower
    cues = load(user=False).context["negation"]
    full, fast = compile_terms(cues), compile_terms_lower(cues)
    words = ("patients with relapsed or refractory acute myeloid leukemia who were not eligible for "
             "intensive chemotherapy prior to transplant donor nor another minor had received "
             "excluded unfit ineligible failed history previously").split()
    words += [c.lstrip("=").rstrip("*").lower() for c in cues]
    rnd = random.Random(7)
    found = 0
    for _ in range(20_000):
        window = rnd.choice([" ", "-", "", "  ", ", "]).join(
            rnd.choice(words) for _ in range(rnd.randint(0, 10)))[:60]
        a, b = full.search(window), fast.search(window)
        assert (a and (a.span(), a.group(0))) == (b and (b.span(), b.group(0))), window
        found += a is not None
    assert found > 5000
    assert compile_terms_lower(["re:\\bnot\\b"]) is None


def test_sentence_starts_as_defined():
    import random
    from amlref.taxonomy.matching import sentence_starts
    plain = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'0-9])|\n+")   # the definition
    rnd = random.Random(5)
    chars = ".!?\n \tABab1(\"'[x-\u2009\u00a0"
    for _ in range(50_000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 14)))
        assert sentence_starts(text) == [0] + [m.end() for m in plain.finditer(text)], text


def test_stored_reasons_are_the_json_of_the_reasons():
    import json as _json
    from amlref.services.classify import reasons_json
    clf = ImmunotherapyClassifier()
    texts = _term_soup(300, seed=11)
    n = 0
    for i, text in enumerate(texts):
        a = Article(title=texts[i - 1][:150], abstract=text, keywords=["CAR T", "vaccine"])
        for _, _, reasons in assigned(clf.classify(a)):
            assert reasons_json(reasons) == _json.dumps(reasons, ensure_ascii=False)
            n += 1
    assert n > 300
    for odd in ([], [{"rule": "x", "field": "", "words": []}], [{"field": "f", "rule": "r",
                 "words": ["a"]}], [{"rule": "r\u00e9\"\\\n", "field": "f", "words": ["\u2028x"]}],
                [{"rule": 1, "field": "f", "words": []}], [{"rule": "r", "field": "f",
                 "words": ["a", 2]}], [{"rule": "r", "field": "f", "words": [], "x": None}]):
        assert reasons_json(odd) == _json.dumps(odd, ensure_ascii=False)


def test_reclassification_writes_only_what_changed(lib, monkeypatch):
    from amlref.services import classify as svc
    ids = lib.articles.add_many([Article(title=f"CD33 CAR T cells in acute myeloid leukemia {i}")
                                 for i in range(5)])
    lib.categories.set_user(ids[0], "vaccines", True)

    class Fixed:   # what the classifier says, changed between runs below
        rows: dict = {}

        def classify(self, article):
            return Fixed.rows.get(article.id, [])
    monkeypatch.setattr(svc, "_classifiers", lambda: [("fixed", Fixed())])
    Fixed.rows = {ids[0]: [("car-t", "category", [{"rule": "a", "field": "", "words": []}]),
                           ("vaccines", "category", [])],
                  ids[1]: [("car-t", "category", []), ("car-t", "facet", [])],
                  ids[2]: [("car-t", "category", [])]}
    for every in (False, True):
        if every:
            svc.classify_all(lib)
        else:
            svc.classify_ids(lib, ids)
        rows = sorted(lib.execute("SELECT article_id, slug, kind, source, reason "
                                  "FROM article_categories"))
        assert rows == sorted([(ids[0], "car-t", "category", "auto",
                                '[{"rule": "a", "field": "", "words": []}]'),
                               (ids[0], "vaccines", "category", "user", "[]"),
                               (ids[1], "car-t", "category", "auto", "[]"),
                               (ids[2], "car-t", "category", "auto", "[]")])
        Fixed.rows = {ids[0]: [("car-t", "category", [{"rule": "b", "field": "", "words": []}])],
                      ids[2]: [("car-t", "category", [])], ids[3]: [("cik", "category", [])]}
        svc.classify_ids(lib, ids[::-1]) if every else svc.classify_all(lib)
        rows = sorted(lib.execute("SELECT article_id, slug, kind, source, reason "
                                  "FROM article_categories"))
        assert rows == sorted([(ids[0], "car-t", "category", "auto",
                                '[{"rule": "b", "field": "", "words": []}]'),
                               (ids[0], "vaccines", "category", "user", "[]"),
                               (ids[2], "car-t", "category", "auto", "[]"),
                               (ids[3], "cik", "category", "auto", "[]")])
        lib.execute("DELETE FROM article_categories WHERE source = 'auto'")
        Fixed.rows = {ids[0]: [("car-t", "category", [{"rule": "a", "field": "", "words": []}]),
                               ("vaccines", "category", [])],
                      ids[1]: [("car-t", "category", []), ("car-t", "facet", [])],
                      ids[2]: [("car-t", "category", [])]}


def test_worker_count_follows_the_cores(monkeypatch):
    from amlref.services import classify as svc
    monkeypatch.delenv("AMLREF_WORKERS", raising=False)
    for cores, want in ((1, 1), (2, 2), (4, 3), (16, 4)):
        monkeypatch.setattr("os.cpu_count", lambda c=cores: c)
        assert svc._workers(svc.PARALLEL_MIN) == want, cores
        assert svc._workers(svc.PARALLEL_MIN - 1) == 1
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    assert svc._workers(10 * svc.PARALLEL_MIN) == 1


# -- the Aho-Corasick finder ---------------------------------------------------------------------
def _random_terms(rnd, n: int) -> list[str]:
    """Terms from a few syllables (so they share beginnings and meet often in a text): words with
    spaces or hyphens between them, wildcards, case-sensitive terms, Greek letters, digits,
    other characters inside a word."""
    syl = ["ab", "ac", "b", "ca", "cd", "3", "x", "al", "an", "e", "r", "t", "il", "2", "'s", "+",
           ".", "é", "α", "β", "κ"]
    terms = []
    for _ in range(n):
        words = ["".join(rnd.choice(syl) for _ in range(rnd.randint(1, 3)))
                 for _ in range(rnd.randint(1, 3))]
        t = words[0]
        for w in words[1:]:
            t += rnd.choice([" ", "-", " - ", "/", ""]) + w
        r = rnd.random()
        if r < 0.15:
            t += "*"
        elif r < 0.3:
            t = "=" + t.upper()
        elif r < 0.4:
            t = t.capitalize()
        terms.append(t)
    return terms


def _random_text(rnd, terms: list[str]) -> str:
    seps = [" ", " ", " ", "-", "/", "\n", "(", ") ", ", ", ".", "  ", "\u2013", "\u00a0", "é",
            "", "s ", "es ", "\t", "-\n", "α", "ß"]
    words = []
    for _ in range(rnd.randint(0, 12)):
        t = rnd.choice(terms).lstrip("=").rstrip("*")
        r = rnd.random()
        if r < 0.2:
            t = t.upper()
        elif r < 0.4:
            t = t.lower()
        elif r < 0.6:
            t = t.replace(" ", rnd.choice(seps)).replace("-", rnd.choice(seps))
        elif r < 0.65:
            t = t[:-1]
        elif r < 0.75:
            t += rnd.choice(["s", "es", "ed", "x", "-", "ing", "3"])
        words += [t, rnd.choice(seps)]
    return "".join(words[:-1] if rnd.random() < 0.5 else words)   # (a term at the very end)


def test_automaton_scan_matches_the_reference_on_random_terms_and_texts():
    """The automaton finds the same places as the finder regex, and scan gives what
    scan_reference gives, for random term lists (hyphen and space variants, plurals, wildcards,
    case-sensitive terms, Greek letters, non-ASCII text, terms at the text's edges)."""
    import random
    from amlref.taxonomy import matching
    assert matching.ahocorasick is not None
    rnd = random.Random(11)
    hits = 0
    for _ in range(60):
        terms = _random_terms(rnd, rnd.randint(1, 40))
        idx = TermIndex()
        for i in range(0, len(terms), 7):
            idx.add(rnd.choice(["a", "b", "c"]), rnd.choice(["terms", "weak", "exclude"]),
                    terms[i:i + 7])
        idx.build()
        for _ in range(60):
            text = _random_text(rnd, terms)
            got = idx.scan(text)
            assert got == idx.scan_reference(text), (terms, text)
            hits += len(got)
            if idx._places is not None:
                low = text.lower()
                folded = b" " + matching.fold(low)
                assert idx._start_places(low) == [m.start() for m in idx._regex_finder()(folded)]
    assert hits > 2_000


def test_automaton_places_are_the_finder_regex_places_on_term_soups():
    from amlref.taxonomy import matching
    from amlref.taxonomy.classifier import rules_for
    rules = rules_for(load(user=False))
    for index in (rules.index, rules.title_index):
        assert index._places is not None
        for text in _term_soup(400, seed=5):
            low = text.lower()
            places = index._start_places(low)
            assert places == [m.start() for m in
                              index._regex_finder()(b" " + matching.fold(low))]


def test_scan_without_the_automaton_library(monkeypatch):
    """Without pyahocorasick the finder regex finds the places: the same matches."""
    import random
    from amlref.taxonomy import matching
    monkeypatch.setattr(matching, "ahocorasick", None)
    idx = TermIndex()
    idx.add("o", "terms", ["CAR-T cell*", "=AML", "acute myeloid leukemia", "CD33", "β-catenin"])
    idx.add("p", "exclude", ["CAR T", "re:\\bfoo\\d+"])
    idx.build()
    assert idx._places is None and idx._findable
    text = "CAR T-cells in AML and aml: acute myeloid leukaemias, CD33s, foo12, beta catenin"
    assert idx.scan(text) == idx.scan_reference(text)
    assert len(idx.scan(text)) == 6
    rnd = random.Random(2)
    terms = _random_terms(rnd, 30)
    idx = TermIndex()
    idx.add("o", "terms", terms)
    idx.build()
    assert idx._places is None
    for _ in range(200):
        text = _random_text(rnd, terms)
        assert idx.scan(text) == idx.scan_reference(text)


@pytest.mark.parametrize("automaton", [True, False])
def test_suffix_terms_match_words_that_end_so_as_the_reference_does(monkeypatch, automaton):
    """"*tuzumab": a word ending in the suffix (two letters or more before it, a plural s);
    scan (the finder's automaton, or without it the reference's regex) = scan_reference."""
    import random
    from amlref.taxonomy import matching
    if not automaton:
        monkeypatch.setattr(matching, "ahocorasick", None)
    idx = TermIndex()
    idx.add("ab", "drugs", ["*tuzumab", "*tuximab", "*vedotin", "gemtuzumab ozogamicin"])
    idx.add("car", "drugs", ["*cabtagene", "*leucel", "CAR-T"])
    idx.add("x", "exclude", ["alemtuzumab"])
    idx.build()
    assert (idx._places is not None) is automaton
    text = ("Gemtuzumab ozogamicin, inotuzumab and CUSATUZUMABS; tuzumab, xtuzumab, alemtuzumab, "
            "225Ac-lintuzumab, zorbicabtagene autoleucel, brentuximab-vedotin, tuzumabx.")
    got = idx.scan(text)
    assert got == idx.scan_reference(text)
    words = {(o, g, text[s:e]) for o, g, s, e in got}
    assert {w for o, g, w in words if g == "drugs"} == {
        "Gemtuzumab ozogamicin", "Gemtuzumab", "inotuzumab", "CUSATUZUMABS",
        "alemtuzumab", "lintuzumab", "zorbicabtagene", "autoleucel", "brentuximab"}
    # not "tuzumab", "xtuzumab" (fewer than two letters before the suffix), "tuzumabx" (the word
    # goes on), a bare
    # "vedotin" (no letters before it)
    assert ("x", "exclude", "alemtuzumab") in words
    rnd = random.Random(5)
    stems = ["tuzumab", "tuximab", "vedotin", "cabtagene", "leucel"]
    for _ in range(300):
        parts = []
        for _ in range(rnd.randint(1, 12)):
            w = rnd.choice(["ab", "x", "gemtu", "Ino", "A-", "", "225Ac-", "zz9"]) + \
                rnd.choice(stems + ["cell", "tuzuma"]) + rnd.choice(["", "s", "x", "S", "-"])
            parts.append(w)
        text = rnd.choice([" ", ", ", "/", "\n"]).join(parts)
        assert idx.scan(text) == idx.scan_reference(text), text


# -- problems of a user's file: one line each (file, line, problem); the built-in one is used ----
def _problems(text: str) -> tuple[Path, list[str]]:
    p = write_user(text)
    tax = load()
    assert tax.hash == load(user=False).hash   # the built-in taxonomy, unchanged
    return p, tax.problems


def _one_line(p: Path, problems: list[str], line: int, *words: str) -> None:
    assert len(problems) == 1, problems
    msg = problems[0]
    assert "\n" not in msg and msg.startswith(f"{p}:{line}: "), msg
    assert "built-in taxonomy is used" in msg
    for w in words:
        assert w in msg, (w, msg)


def test_user_file_with_a_syntax_error():
    p, problems = _problems('# my taxonomy\n[category.vaccines]\nadd_terms = ["a", "b"\n'
                            'label = "x"\n')
    _one_line(p, problems, 4, "not valid TOML")


def test_user_file_with_an_unknown_parent_slug():
    p, problems = _problems('[category.vaccines]\nadd_terms = ["neoantigen vaccine"]\n\n'
                            '[category.my-car]\nlabel = "My CAR"\nparent = "adoptive-cel-therapy"\n'
                            'terms = ["XYZ CAR"]\n')
    _one_line(p, problems, 6, "unknown parent slug 'adoptive-cel-therapy'", "my-car")


def test_user_file_with_a_regex_that_does_not_compile():
    p, problems = _problems('[category.vaccines]\nadd_terms = [\n  "neoantigen vaccine",\n'
                            '  "re:\\\\bvaccin(e|es",\n]\n')
    _one_line(p, problems, 4, "category.vaccines.add_terms", "bad pattern", "does not compile")


def test_user_file_with_an_empty_term_list():
    p, problems = _problems('[settings]\nthreshold = 2.0\n\n[category.car-t]\nadd_drugs = []\n')
    _one_line(p, problems, 5, "category.car-t.add_drugs is an empty term list")


def test_user_vocabulary_problems_name_their_line():
    p, problems = _problems('[[vocabulary]]\ncategory = "car-t"\nname = "codes:mine"\n'
                            'terms = ["XYZ-1"]\n\n[[vocabulary]]\ncategory = "no-such-category"\n'
                            'name = "codes:other"\nterms = []\n')
    assert len(problems) == 2, problems
    assert problems[0].startswith(f"{p}:7: ") and "unknown category 'no-such-category'" in \
        problems[0]
    assert problems[1].startswith(f"{p}:9: ") and "empty term list" in problems[1]


def test_several_problems_each_on_its_line_and_the_classifier_goes_on():
    p, problems = _problems('[category.vaccines]\nterms = []\n[category.x]\nparent = "nope"\n'
                            'terms = ["re:("]\n')
    assert [m.split(": ", 1)[0] for m in problems] == [f"{p}:2", f"{p}:4", f"{p}:5"]
    got = {r[0] for r in assigned(ImmunotherapyClassifier().classify(
        Article(title="Dendritic cell vaccination in acute myeloid leukemia")))}
    assert "vaccines" in got   # the built-in taxonomy's terms (not the user's empty list)


def test_categories_command_prints_the_problems_to_stderr(cli):
    p = write_user('[category.car-t]\nadd_terms = ["re:CAR[T"]\n')
    r = cli("categories")
    assert r.code == 0, r
    lines = [x for x in r.err.splitlines() if "taxonomy" in x]
    assert len(lines) == 1 and f"{p}:2: " in lines[0] and "built-in taxonomy is used" in lines[0]
    assert "adoptive-cell-therapy" in r.out
