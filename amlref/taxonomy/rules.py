"""A taxonomy compiled for classification: the term index of every list (the taxonomy's own and
the vocabulary's), the settings and weights, and the category tree in the order the classifier
decides it."""
from __future__ import annotations

from amlref.taxonomy.matching import (TermIndex, compile_terms, compile_terms_lower,
                                      contains_any)
from amlref.taxonomy.model import Node, Taxonomy, load

STRONG_LISTS = ("drugs", "synonyms", "terms", "mesh")


class _Rule:
    """The settings of one category or facet (its terms live in the shared TermIndex)."""

    def __init__(self, node: Node):
        self.node = node
        self.slug = node.slug
        self.group = node.group
        d = node.data
        self.computed = bool(d.get("computed"))
        self.pub_types = {p.lower() for p in d.get("pub_types") or []}
        self.yield_to = list(d.get("yield_to") or [])
        self.yield_lists = tuple(d.get("yield_lists") or STRONG_LISTS)
        self.weak_title = bool(d.get("weak_title"))
        self.combine_weak = bool(d.get("combine_weak"))
        self.combine_weight = float(d.get("combine_weight", 0.75))
        self.min_score = float(d.get("min_score", 2.0))


class Rules:
    """A taxonomy compiled for classification (regexes built once)."""

    def __init__(self, tax: Taxonomy):
        self.tax = tax
        s, w, c = tax.settings, tax.weights, tax.context
        self.threshold = float(s.get("threshold", 2.0))
        self.other_disease = str(s.get("other_disease", "title"))
        self.strong_alone = bool(s.get("strong_alone", True))
        self.w = {"title": float(w.get("title", 3.0)), "keywords": float(w.get("keywords", 2.0)),
                  "mesh": float(w.get("mesh", 2.0)), "abstract": float(w.get("abstract", 1.0))}
        self.cap = float(w.get("abstract_cap", 4.0))
        # an abstract shorter than this (none, or cut by an alert) says nothing of the disease
        self.short_abstract = int(s.get("short_abstract", 400))
        # strong words in this many abstract sentences make a suggestion (see _suggest)
        self.suggest_sentences = int(s.get("suggest_sentences", 2))
        # the factor of abstract words when the abstract is short (cut)
        self.short_factor = float(w.get("short_abstract", 1.0))
        self.weak = float(w.get("weak", 0.5))
        self.focus_factor = float(w.get("focus", 2.0))
        self.negation = compile_terms(c.get("negation") or [])
        # the same for the (usual) ASCII windows, ten times faster
        self.negation_lower = compile_terms_lower(c.get("negation") or []) \
            if self.negation is not None else None
        # plain substrings of the cues: a cheap test before the regex
        self.negation_cues = tuple({t.lstrip("=").split("*")[0].strip().lower()[:6]
                                    for t in c.get("negation") or []
                                    if isinstance(t, str) and not t.startswith("re:")})
        self.not_negation = tuple(t.lower() for t in c.get("not_negation") or []
                                  if isinstance(t, str) and t)
        if any(isinstance(t, str) and t.startswith("re:") for t in c.get("negation") or []):
            self.negation_cues = ()   # a regex cue: always ask the regex
        # the window is searched only when it has one of the cues (or there are none to test)
        self.negation_quick = tuple(c for c in self.negation_cues if c)
        self.negation_always = not self.negation_quick
        # (the test itself, made once: an Aho-Corasick automaton of the cues)
        self.negation_test = contains_any(self.negation_quick) if self.negation_quick else None
        # (slug, group) -> (rule, strong) of its hits
        self.hit_kinds: dict[tuple, tuple] = {}
        # one index for all fields (scanned once over them joined), and a small one for the
        # lists that apply to titles only; groups of one owner that may match at the same place
        # need owners of their own
        body, title = TermIndex(), TermIndex()
        for group in ("aml", "not_aml"):
            body.add("context", group, c.get(group))
        # a term of a category's own list that a vocabulary list of it holds too is left to the
        # vocabulary (its groups are tried first: the copy would never match; weak terms only
        # when the vocabulary has them weak too)
        in_vocab: dict[tuple, set] = {}
        for v in tax.vocabulary:
            in_vocab.setdefault((v["category"], v.get("kind") == "weak"), set()).update(
                t for t in v.get("terms") or [] if isinstance(t, str))
        for node in tax.nodes.values():
            strong_v = in_vocab.get((node.slug, False), ())
            weak_v = in_vocab.get((node.slug, True), ())
            for group in STRONG_LISTS + ("weak", "exclude"):
                terms = node.data.get(group)
                if terms and group != "exclude" and (strong_v or weak_v):
                    terms = [t for t in terms if t not in strong_v
                             and not (group == "weak" and t in weak_v)]
                body.add(node.slug, group, terms)
            body.add(node.slug + "#abstract", "study_abstract", node.data.get("abstract"))
            title.add(node.slug + "#title", "study_title", node.data.get("title"))
        # the vocabulary's lists: a group each ("v<n>", "weak_v<n>": weak groups try last)
        self.list_kind: dict[str, str] = {}   # rule -> the kind of list it is
        self.drug_groups = {"drugs"}
        self.counting = set(STRONG_LISTS) | {"weak"}
        vocab_kinds = {}
        # lists of kind "title": strong in the title of an article with AML words ("T-cell
        # therapies for AML"), nowhere else (the same words are weak in an abstract)
        self.title_rules: set[str] = set()
        for i, v in enumerate(tax.vocabulary):
            kind = v.get("kind", "terms")
            rule = f"{v['category']}/{v['name']}"
            if kind == "title":
                group = f"t{i}"
                title.add(v["category"], group, v.get("terms"))
                self.title_rules.add(rule)
            else:
                group = f"weak_v{i}" if kind == "weak" else f"v{i}"
                body.add(v["category"], group, v.get("terms"))
            vocab_kinds[v["category"], group] = (rule, kind != "weak")
            self.list_kind[rule] = kind
            self.counting.add(group)
            if kind == "drugs":
                self.drug_groups.add(group)
        title.add("context:focus", "focus", c.get("focus"))
        title.add("context:survey", "focus_survey", c.get("focus_survey"))
        body.add("context:survey", "survey_abstract", c.get("survey_abstract"))
        self.survey_needed = bool(c.get("focus_survey"))
        title.add("context:therapy", "therapy_title", c.get("therapy_title"))
        self.title_index = title.build()
        self.index = body.build()
        self.categories = [_Rule(n) for n in tax.categories()]
        self.cat_rules = {r.node.slug: r for r in self.categories}
        self.facets = [_Rule(n) for n in tax.facets()]
        # which facet rules an owner found in the text concerns (by position in self.facets)
        self.facet_by_owner: dict[str, int] = {}
        self.facets_always: list[int] = []
        self.facet_pos = {r.slug: i for i, r in enumerate(self.facets)}
        self.node_parent = {slug: n.parent for slug, n in tax.nodes.items()}
        for i, r in enumerate(self.facets):
            for owner in (r.slug, r.slug + "#title", r.slug + "#abstract"):
                self.facet_by_owner[owner] = i
            if r.computed or r.pub_types:
                self.facets_always.append(i)
        # children before parents, so a parent sees its children's hits
        depth = {n.slug: len(tax.ancestors(n.slug)) for n in tax.categories()}
        self.order = sorted(self.cat_rules, key=lambda s: -depth[s])
        self.cat_order = [n.slug for n in tax.categories()]
        self.cat_slugs = set(self.cat_order)
        self.parent = {s: tax.get(s).parent for s in self.cat_order if tax.get(s).parent}
        self.ancestors = {s: tax.ancestors(s) for s in self.cat_order}
        self.descendants = {s: set(tax.descendants(s)) for s in self.cat_order}
        self.top = {s: (a[-1] if a else s) for s, a in self.ancestors.items()}
        for slug in tax.nodes:
            for group in STRONG_LISTS + ("weak", "exclude", "study_abstract", "study_title"):
                self.hit_kinds[slug, group] = (f"{slug}/{group}",
                                               group not in ("weak", "study_abstract"))
        self.hit_kinds.update(vocab_kinds)


_rules_cache: dict = {}


def rules_for(tax: Taxonomy | None = None) -> Rules:
    tax = tax or load()
    hit = _rules_cache.get("rules")
    if hit is not None and (hit.tax is tax or hit.tax.hash == tax.hash):
        return hit
    r = Rules(tax)
    _rules_cache["rules"] = r
    return r
