"""The built-in immunotherapy classifier: categories and facets from title, abstract, keywords and
MeSH, each with its reasons.

How a category is decided (weights and lists live in resources/taxonomy.toml):

- every term hit counts once per field: title x3, keywords x2, MeSH x2, and once per abstract
  sentence x1 (at most ``abstract_cap``); weak terms (a bare "PD-1", "NK cells") count half and
  never make a category alone unless they stand in the title;
- a hit preceded in its sentence by a negation cue ("not eligible for", "prior", "excluded") or in
  a sentence with an exclusion phrase ("COVID-19" for vaccines, "cell cycle checkpoint") does not
  count;
- a sub-category's hits count for its parent;
- when the title is about immunotherapy in general (a review of several modalities) abstract hits
  count double (``focus``);
- an article with no AML/myeloid context gets a category only from its title, keywords or MeSH
  (``other_disease = "title"``), never from its abstract;
- ``yield_to``: a category (antibodies) that yields to others (checkpoint inhibitors, T-cell
  engagers) needs a named drug when one of those is assigned;
- ``combine_weak``: the weak terms of allo-HSCT/GVL ("relapse after transplant") count only when
  the article is in another immunotherapy category.
"""
from __future__ import annotations

import bisect

from amlref.plugins.base import Classifier
from amlref.taxonomy.decisions import Decision, Hit, _copy_hit, _kind, _scores
from amlref.taxonomy.facets import FacetRules
from amlref.taxonomy.fields import _JOIN, FIELD_NAMES, _drop_abbreviations, _Fields, _is_cut
from amlref.taxonomy.model import Taxonomy
from amlref.taxonomy.rules import STRONG_LISTS, Rules, _Rule, _rules_cache, rules_for
from amlref.taxonomy.spans import inside, strong_spans

# (the names below were defined here before the module was split: kept for their users)
__all__ = ["VERSION", "ImmunotherapyClassifier", "Decision", "Hit", "Rules", "rules_for",
           "STRONG_LISTS", "FIELD_NAMES", "_Fields", "_rules_cache", "_scores",
           "_drop_abbreviations"]

VERSION = "11"  # bump when the rules below change: stored assignments are recomputed



def _place(m: tuple) -> tuple:
    """A match's place: its start, the longer match first (then the order they came in)."""
    return m[1], -m[2]


class ImmunotherapyClassifier(FacetRules, Classifier):
    name = "immunotherapy"
    label = "AML immunotherapy taxonomy"

    def __init__(self, taxonomy: Taxonomy | None = None):
        self._taxonomy = taxonomy
        self._rules: Rules | None = None
        self._checked = 0.0

    @property
    def version(self) -> str:
        return f"{VERSION}:{self.rules.tax.hash}"

    @property
    def rules(self) -> Rules:
        """The compiled taxonomy (recompiled when the files change; see ``model.load``)."""
        if self._taxonomy is not None:
            if self._rules is None:
                self._rules = rules_for(self._taxonomy)
            return self._rules
        return rules_for()

    def classify(self, article) -> list:
        """The assigned categories and facets as ``(slug, kind, reasons)``, and the suggested
        ones (evidence too weak to assign) as ``(slug, kind, reasons, "suggested")``."""
        out = []
        for d in self.analyse(article):
            if d.assigned:
                out.append((d.slug, d.kind, d.reasons()))
            elif d.suggested:
                out.append((d.slug, d.kind, d.reasons(), "suggested"))
        return out

    # -- the work -------------------------------------------------------------------------------
    def analyse(self, article) -> list[Decision]:
        """The categories and facets this article has evidence for, each with its score, hits
        (also the ones that did not count, and why) and whether it is assigned.  ``classify``
        keeps the assigned ones."""
        R = self.rules
        f = _Fields(article)
        found = self._scan(R, f)
        owners = {o for o, _ in found}
        if owners & R.cat_slugs:
            aml_words = self._aml_context(found)
            # a missing or cut abstract cannot tell that the article is about another disease
            unknown = R.other_disease == "title" and (
                not f.abstract or (len(f.abstract) < R.short_abstract and _is_cut(f.abstract)))
            decisions = self._categories(R, f, found, owners, bool(aml_words) or unknown,
                                         bool(aml_words))
            result = [decisions[s] for s in R.cat_order if s in decisions]
        elif f.pub_types or not owners.isdisjoint(R.facet_by_owner):
            aml_words, decisions, result = [], {}, []   # (the AML words matter to categories only)
        else:
            return []   # no word of any category or facet (most articles of a large library)
        result += self._facets(R, f, found, owners, decisions, aml_words,
                               not f.abstract or (len(f.abstract) < R.short_abstract
                                                  and _is_cut(f.abstract)))
        return result

    def _categories(self, R: Rules, f: _Fields, found: dict, owners: set,
                    has_aml: bool, aml_words: bool = True) -> dict[str, Decision]:
        decisions: dict[str, Decision] = {}
        # a cut abstract (an alert's first few hundred characters, ending mid-sentence or in
        # "..."): its sentences count more; a complete short abstract counts as it is
        short = 0 < len(f.abstract) < R.short_abstract and _is_cut(f.abstract)
        outer = strong_spans(R, found, owners)
        for slug in R.order:   # children first
            if slug in owners:
                decisions[slug] = Decision(slug, "category",
                                           hits=self._hits(R, slug, f, found, outer))
        if R.title_rules and not aml_words:   # a title list's words need AML words
            for d in decisions.values():
                for h in d.hits:
                    if h.rule in R.title_rules and not h.dropped:
                        h.dropped = "no AML words: a title list counts for AML articles only"
        for slug in list(decisions):   # ancestors of a category with hits are considered too
            for anc in R.ancestors[slug]:
                if anc not in decisions:
                    decisions[anc] = Decision(anc, "category")
        focus = self._is_focus(R, f, found, decisions)
        # a weak term ("TIM-3", "STING") in a title that speaks of therapy is the subject
        if found.get(("context:therapy", "title")):
            for slug, d in decisions.items():
                if R.cat_rules[slug].weak_title:
                    for h in d.hits:
                        if h.field == "title" and not h.strong:
                            h.value = 1.0
        # children's hits go to their parents (children first)
        for slug in R.order:
            parent = R.parent.get(slug)
            if parent and slug in decisions:
                decisions[parent].hits.extend(decisions[slug].hits)
        deferred = []
        for slug in R.order:
            if slug not in decisions:
                continue
            rule = R.cat_rules[slug]
            if rule.combine_weak or rule.yield_to:
                deferred.append(slug)
                continue
            self._decide(R, rule, decisions[slug], has_aml, focus, short=short)
        for slug in deferred:
            below = R.descendants[slug]
            others = [s for s, d in decisions.items() if d.assigned and s not in below
                      and s not in R.parent]
            self._decide(R, R.cat_rules[slug], decisions[slug], has_aml, focus, others=others,
                         short=short)
        if focus:
            for d in decisions.values():
                if d.assigned and any(h.field == "abstract" for h in d.hits if not h.dropped):
                    d.note = "; ".join(filter(None, [d.note, "the title is about immunotherapy "
                                                     "in general: abstract words count double"]))
        # a sub-category only with its parent
        for slug, d in decisions.items():
            parent = R.parent.get(slug)
            if parent and d.assigned and not decisions[parent].assigned:
                d.assigned = False
                d.suggested = True
        for d in decisions.values():
            if not d.assigned and not d.suggested:
                d.suggested = self._suggest(R, d, short)
        for slug, d in decisions.items():   # a suggested sub-category suggests its parent
            parent = R.parent.get(slug)
            if parent and d.suggested and not decisions[parent].assigned:
                decisions[parent].suggested = True
        return decisions

    @staticmethod
    def _suggest(R: Rules, d: Decision, short: bool = False) -> bool:
        """Evidence too weak to assign that is still worth a look (the rule was chosen on one
        half of aml-dev and measured on the other; see docs/decisions/0020): a strong word in
        the title, keywords or MeSH that did not count, or strong words in two sentences; words
        that did not count for a reason (negation, exclusion, no AML context) suggest nothing."""
        if d.note.startswith("yields to"):   # (its words are the other category's)
            return False
        strong_fields, sentences = set(), set()
        for h in d.hits:
            if not h.strong:
                continue
            if h.dropped:   # (also "no AML context": another disease's abstract suggests nothing)
                continue
            if h.field == "abstract":
                sentences.add(h.sentence)
            else:
                strong_fields.add(h.field)
        return bool(strong_fields) or len(sentences) >= (1 if short else R.suggest_sentences)

    @staticmethod
    def _scan(R: Rules, f: _Fields) -> dict:
        """{(owner, field): [(group, start, end), ...]}: the fields joined and scanned in one
        pass (positions given back per field), the title once more for its own lists."""
        found: dict = {}
        parts, starts, pos = [], [], 0
        for name in FIELD_NAMES:
            text = f.get(name)
            if text:
                parts.append(text)
                starts.append((pos, name))
                pos += len(text) + len(_JOIN)
        if not parts:
            return found
        if len(parts) == 1:
            name = starts[0][1]
            for owner, group, start, end in R.index.scan(parts[0]):
                ms = found.get((owner, name))
                if ms is None:
                    found[owner, name] = [(group, start, end)]
                else:
                    ms.append((group, start, end))
        else:
            offsets = [p for p, _ in starts]
            offsets.append(pos)
            base, name, nxt = 0, starts[0][1], offsets[1]
            for owner, group, start, end in R.index.scan(_JOIN.join(parts)):
                if start >= nxt or start < base:   # (matches come in text order: seldom)
                    i = bisect.bisect_right(offsets, start) - 1
                    base, name = starts[i]
                    nxt = offsets[i + 1]
                ms = found.get((owner, name))
                if ms is None:
                    found[owner, name] = [(group, start - base, end - base)]
                else:
                    ms.append((group, start - base, end - base))
        if f.title:
            titled: dict = {}
            for owner, group, start, end in R.title_index.scan(f.title):
                if owner in R.cat_slugs:   # (a title list of a category: merged below)
                    titled.setdefault((owner, "title"), []).append((group, start, end))
                else:
                    found.setdefault((owner, "title"), []).append((group, start, end))
            for key, ms in titled.items():
                # in text order; at one place the longest words first ("CAR-transduced" before the
                # title list's bare "CAR", which needs AML words), a title list's hit first
                found[key] = sorted(ms + found[key], key=_place) if key in found else ms
        return found

    @staticmethod
    def _aml_context(found: dict) -> list[str]:
        words = []
        for name in FIELD_NAMES:
            ms = found.get(("context", name))
            if not ms:
                continue
            masks = [(s, e) for g, s, e in ms if g == "not_aml"]
            last_end = -1
            for g, s, e in ms:
                if g != "aml" or s < last_end or any(ms_ <= s < me for ms_, me in masks):
                    continue
                last_end = e
                words.append((name, s, e))
        return words

    @staticmethod
    def _is_focus(R: Rules, f: _Fields, found: dict, decisions: dict[str, Decision]) -> bool:
        """A title about immunotherapy in general (no category named in it)."""
        if not found.get(("context:focus", "title")):
            return False
        if R.survey_needed and not (
                found.get(("context:survey", "title")) or found.get(("context:survey", "abstract"))
                or "review" in f.pub_types):
            return False
        return not any(h.field == "title" and h.strong and not h.dropped
                       for d in decisions.values() for h in d.hits)

    def _hits(self, R: Rules, slug: str, f: _Fields, found: dict,
              outer: dict | None = None) -> list[Hit]:
        hits = []
        top = R.top.get(slug, slug)
        groups, drugs = R.counting, R.drug_groups
        append = hits.append
        kinds = R.hit_kinds
        # an exclusion in the title (a COVID-19 vaccine paper) rules out the article's other
        # words for this category (not a named drug)
        # (an exclusion inside the longer words of a hit describes it and cancels nothing: "relapse
        # after reduced-intensity conditioning allogeneic transplantation")
        ms = found.get((slug, "title"))
        own = [(s, e) for g, s, e in ms if g != "exclude" and g in groups] if ms else ()
        title_ex = [f.title[s:e] for g, s, e in ms if g == "exclude"
                    and not any(a <= s and e <= b and e - s < b - a for a, b in own)] if ms else ()
        for name in FIELD_NAMES:
            ms = found.get((slug, name))
            if not ms:
                continue
            text = getattr(f, name)
            spans = outer.get(name) if outer else None
            excludes = [(s, e) for g, s, e in ms if g == "exclude"]
            last_end, last_strong = -1, True
            if name == "abstract":
                starts = f.starts()
                negated = f.negated
                low = f.low_abstract()
                abbrevs = None if f.has_abbreviations else {}
                defined = []
                for group, start, end in ms:
                    if group not in groups or start < last_end and last_strong:
                        continue
                    rule, strong = kinds.get((slug, group)) or _kind(slug, group)
                    # inside the words of the hit before: only a strong one in a weak one's
                    # ("WT1 peptide" weak, "peptide-based immunotherapy" strong)
                    if start < last_end and not strong:
                        continue
                    last_end, last_strong = end, strong
                    h = Hit(slug, rule, name, text[start:end], strong)
                    h.sentence = sent = bisect.bisect_right(starts, start) - 1
                    if spans and inside(spans, start, end, top, text, h):
                        append(h)
                        continue
                    neg = negated.get(start)   # (other categories' words at the same place)
                    if neg is None:
                        neg = negated[start] = self._negation(R, text, starts[sent], start, low)
                    if neg:
                        h.dropped = neg
                    elif excludes and group not in drugs:   # a named drug is never excluded
                        for es, ee in excludes:
                            if bisect.bisect_right(starts, es) - 1 == sent and not (
                                    start <= es and ee <= end and ee - es < end - start):   # (see above)
                                h.dropped = f"excluded: {text[es:ee]}"
                                break
                    if title_ex and not h.dropped and group not in drugs:   # a drug stays
                        h.dropped = f"excluded by the title: {title_ex[0]}"
                    append(h)
                    if strong and abbrevs is None:
                        abbrevs = f.abbreviations
                    if abbrevs and strong and end in abbrevs and not h.dropped:
                        abbr = abbrevs[end]   # (of the whole words: "NK" is not short for
                        if abbr[0].lower() == h.words[0].lower():   # "expanded natural killer")
                            defined.append((abbr, rule, group, end))
                if defined:
                    self._abbreviated(R, slug, f, defined, excludes, title_ex, hits)
                continue
            for group, start, end in ms:
                if group not in groups or start < last_end and last_strong:
                    continue
                rule, strong = kinds.get((slug, group)) or _kind(slug, group)
                if start < last_end and not strong:
                    continue
                last_end, last_strong = end, strong
                h = Hit(slug, rule, name, text[start:end], strong)
                if spans and inside(spans, start, end, top, text, h):
                    append(h)
                    continue
                out = [(s, e) for s, e in excludes
                       if not (start <= s and e <= end and e - s < end - start)]
                if out and group not in drugs:
                    h.dropped = f"excluded: {text[out[0][0]:out[0][1]]}"
                if title_ex and not h.dropped and group not in drugs:   # a named drug stays
                    h.dropped = f"excluded by the title: {title_ex[0]}"
                append(h)
        return hits

    def _abbreviated(self, R: Rules, slug: str, f: _Fields, defined: list, excludes: list,
                     title_ex, hits: list[Hit]) -> None:
        """The later uses of an abbreviation the abstract defines right after a strong word
        ("gemtuzumab ozogamicin (GO) ... patients given GO") count as that word."""
        text, starts, low = f.abstract, f.starts(), f.low_abstract()
        taken = {h.sentence for h in hits if h.strong}
        for abbr, rule, group, pos in defined:
            n = len(abbr)
            start = text.find(abbr, pos)
            while start >= 0:
                end = start + n
                if text[end:end + 1] == "s":   # (a plural: "DLIs")
                    end += 1
                at, start = start, text.find(abbr, end)
                if text[at - 1:at].isalnum() or text[end:end + 1].isalnum():
                    continue   # (inside a word)
                sent = bisect.bisect_right(starts, at) - 1
                if sent in taken:
                    continue
                h = Hit(slug, rule, "abstract", text[at:end], True, sent)
                h.dropped = self._negation(R, text, starts[sent], at, low)
                if not h.dropped and group not in R.drug_groups:
                    if any(bisect.bisect_right(starts, es) - 1 == sent for es, _ in excludes):
                        h.dropped = "excluded"
                    elif title_ex:
                        h.dropped = f"excluded by the title: {title_ex[0]}"
                if not h.dropped:
                    taken.add(sent)
                hits.append(h)

    @staticmethod
    def _negation(R: Rules, text: str, sent_start: int, start: int, low: str | None = None) -> str:
        """Why a word of the abstract at ``start`` does not count: a negation cue before it in
        its sentence (at most 60 characters back), or "".  ``low``: the text lower-cased, when
        a slice of it is the slice lower-cased (an ASCII text: see ``_Fields.low_abstract``)."""
        if R.negation is None:
            return ""
        a = max(sent_start, start - 60)
        window = low[a:start] if low is not None else text[a:start].lower()
        if not (R.negation_always or R.negation_test(window)):
            return ""
        for phrase in R.not_negation:   # "with or without GO" is no negation
            window = window.replace(phrase, " " * len(phrase))
        neg = (R.negation_lower if R.negation_lower is not None and window.isascii()
               else R.negation).search(window)
        return f"negation: {neg.group(0).strip()}" if neg else ""

    def _score(self, R: Rules, hits: list[Hit], focus: bool, strong_only: bool = False,
               fields: tuple = FIELD_NAMES, weak_counts: bool = True) -> tuple[float, bool, bool]:
        """(score, any strong hit, weak hit in the title)."""
        best: dict = {}
        sentences: dict[int, float] = {}
        has_strong = weak_title = False
        for h in hits:
            if h.dropped or h.field not in fields:
                continue
            if not h.strong and (strong_only or not weak_counts):
                continue
            val = h.value if h.value is not None else (1.0 if h.strong else R.weak)
            has_strong = has_strong or h.strong
            if h.field == "title" and not h.strong:
                weak_title = True
            if h.field == "abstract":
                sentences[h.sentence] = max(sentences.get(h.sentence, 0.0), val)
            else:
                best[h.field] = max(best.get(h.field, 0.0), val)
        score = sum(R.w[k] * v for k, v in best.items())
        if sentences:
            ab = sum(sentences.values()) * R.w["abstract"] * (R.focus_factor if focus else 1.0)
            score += min(ab, R.cap)
        return score, has_strong, weak_title

    def _decide(self, R: Rules, rule: _Rule, d: Decision, has_aml: bool, focus: bool,
                others: list[str] | None = None, short: bool = False) -> None:
        hits = d.hits
        weak_counts = True
        # (in a survey of immunotherapy in general each modality it names stands for itself:
        # "checkpoint inhibitors, monoclonal antibodies and CAR T cells")
        if rule.yield_to and others and not focus and any(o in rule.yield_to for o in others):
            keep = set(rule.yield_lists)
            kinds = R.list_kind
            hits = [h for h in hits if h.strong
                    and kinds.get(h.rule, h.rule.rsplit("/", 1)[-1]) in keep]
            d.note = "yields to " + ", ".join(o for o in others if o in rule.yield_to)
        if rule.combine_weak:
            if others:   # weak evidence ("relapse after transplant") counts in full here
                hits = [h if h.strong else _copy_hit(h, strong=True,
                                                        value=rule.combine_weight) for h in hits]
                d.note = d.note or "with " + ", ".join(others)
            else:
                weak_counts = False
        if has_aml or R.other_disease == "always":
            # the score, and that of the strong words alone
            if short and R.short_factor != 1.0:   # a cut abstract: its strong words count more
                hits = [_copy_hit(h, value=R.short_factor) if h.field == "abstract" and h.strong
                        and h.value is None and not h.dropped else h for h in hits]
            score, strong, weak_title, strong_score = _scores(R, hits, focus, weak_counts,
                                                              focus and has_aml)
        elif R.other_disease == "title":
            fields = ("title", "keywords", "mesh")
            for h in hits:   # say which words did not count
                if not h.dropped and (h.field not in fields or not h.strong):
                    h.dropped = "no AML context: only the title, keywords and MeSH count"
            score, strong, weak_title = self._score(R, hits, False, strong_only=True,
                                                    fields=fields)
            strong_score = score   # (the same words)
            if not any(h.field in ("title", "mesh") and h.strong and not h.dropped
                       for h in hits):
                strong_score = 0.0   # another disease's author keywords alone: not the subject
            if not d.note:
                d.note = "context: no AML context (title, keywords and MeSH only)"
        else:
            d.score, d.note = 0.0, "context: no AML context"
            return
        d.score = score
        if score >= R.threshold and strong and (
                not R.strong_alone or strong_score >= R.threshold):
            d.assigned = True
        elif rule.weak_title and weak_title and score >= R.threshold + 1.0 and (
                strong or any(h.field == "title" and h.value for h in hits)):
            # a checkpoint named in the title, with a therapy word there or a strong word
            d.assigned = True
