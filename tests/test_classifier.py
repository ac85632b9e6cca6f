"""The immunotherapy classifier on hand-checked examples: each category, and the hard negatives
(immunotherapy words in papers that are not about that therapy, other diseases, passing mentions).

The examples paraphrase real, well-known papers (titles as published; abstracts shortened)."""
from __future__ import annotations

import pytest
from conftest import corpus

from amlref.core.article import Article
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import TOP_LEVEL


def assigned(rows: list) -> list:
    """The assigned rows of ``classify`` (3-tuples; suggestions are 4-tuples)."""
    return [r for r in rows if len(r) == 3]


def art(title, abstract="", keywords=(), mesh=(), pub_types=()):
    return Article(title=title, abstract=abstract, keywords=list(keywords), mesh=list(mesh),
                   pub_types=list(pub_types))


@pytest.fixture(scope="module")
def clf():
    return ImmunotherapyClassifier()


def cats(clf, a) -> set[str]:
    return {s for s, k, _ in assigned(clf.classify(a)) if k == "category" and s in TOP_LEVEL}


def slugs(clf, a) -> set[str]:
    return {s for s, _, _ in assigned(clf.classify(a))}


POSITIVES = [
    ("checkpoint-inhibitors", art(
        "Magrolimab in Combination With Azacitidine in Patients With Higher-Risk Myelodysplastic "
        "Syndromes: Final Results of a Phase Ib Study",
        "Magrolimab is a monoclonal antibody blocking CD47, a macrophage immune checkpoint and "
        "don't eat me signal. We report the phase Ib study of magrolimab plus azacitidine in "
        "untreated higher-risk MDS. The combination was well tolerated with a complete remission "
        "rate of 33%.", pub_types=["Clinical Trial, Phase I"])),
    ("checkpoint-inhibitors", art(
        "Efficacy, Safety, and Biomarkers of Response to Azacitidine and Nivolumab in "
        "Relapsed/Refractory Acute Myeloid Leukemia: A Nonrandomized, Open-Label, Phase II Study",
        "Blockade of the PD-1 axis may augment antileukemic immune responses. Seventy patients "
        "with relapsed AML received azacitidine with nivolumab. The overall response rate was "
        "33%; pretherapy CD3 percentages predicted response.")),
    ("checkpoint-inhibitors", art(
        "Sabatolimab plus hypomethylating agents in previously untreated patients with higher-risk "
        "myelodysplastic syndromes: a phase Ib study",
        "TIM-3 is expressed on leukemic stem cells and immune cells. Sabatolimab (MBG453) is an "
        "anti-TIM-3 antibody.")),
    ("adoptive-cell-therapy", art(
        "Phase I trial of autologous CD123-directed CAR T cells in relapsed or refractory acute "
        "myeloid leukemia",
        "Patients received MB-102 chimeric antigen receptor T cells after lymphodepletion. "
        "Cytokine release syndrome was manageable.")),
    ("adoptive-cell-therapy", art(
        "Cytokine-induced memory-like natural killer cells exhibit enhanced responses against "
        "myeloid leukemia",
        "Memory-like NK cells were infused into patients with relapsed or refractory acute myeloid "
        "leukemia in a first-in-human phase 1 trial; responses were observed in 5 of 9 patients.")),
    ("adoptive-cell-therapy", art(
        "T cell receptor gene therapy targeting WT1 prevents acute myeloid leukemia relapse "
        "post-transplant",
        "We engineered Epstein-Barr virus-specific donor CD8+ T cells to express a high-affinity "
        "WT1-specific T cell receptor (TCR-C4) and infused them prophylactically after allogeneic "
        "hematopoietic cell transplantation. Relapse-free survival was 100% at 44 months.")),
    ("t-cell-engagers", art(
        "Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia",
        "Flotetuzumab is an investigational CD123 x CD3 bispecific dual-affinity retargeting "
        "antibody (DART) molecule. We report a phase 1/2 study in relapsed/refractory AML.")),
    ("t-cell-engagers", art(
        "Phase 1 study of AMG 330, a CD33xCD3 bispecific T-cell engager, in relapsed or refractory "
        "acute myeloid leukemia")),
    ("antibody-therapy", art(
        "Gemtuzumab ozogamicin in NPM1-mutated acute myeloid leukemia: early results from the "
        "prospective randomized AMLSG 09-09 phase III study",
        "Patients with newly diagnosed NPM1-mutated AML were randomized to intensive induction "
        "with or without the CD33 antibody-drug conjugate gemtuzumab ozogamicin (GO).")),
    ("antibody-therapy", art(
        "Pivekimab sunirine (IMGN632), a novel CD123-targeting antibody-drug conjugate, in "
        "relapsed or refractory acute myeloid leukaemia: a phase 1/2 study")),
    ("antibody-therapy", art(
        "Cusatuzumab plus azacitidine in newly diagnosed AML patients unfit for intensive "
        "chemotherapy",
        "Cusatuzumab is a high-affinity anti-CD70 monoclonal antibody with enhanced ADCC.")),
    ("antibody-therapy", art(
        "Targeted conditioning with 131I-apamistamab (Iomab-B) before allogeneic transplantation "
        "in older patients with relapsed or refractory AML: the SIERRA trial",
        "Iomab-B is an anti-CD45 radioimmunoconjugate delivering targeted radiation to the marrow "
        "as conditioning before allogeneic hematopoietic cell transplantation.")),
    ("vaccines", art(
        "Dendritic cell vaccination with WT1 mRNA-electroporated dendritic cells to prevent relapse "
        "in acute myeloid leukemia",
        "Thirty patients with AML in remission at high risk of relapse received intradermal "
        "vaccinations. The vaccine induced WT1-specific CD8+ T-cell responses.")),
    ("vaccines", art(
        "Individualized vaccination of AML patients in remission is associated with induction of "
        "antileukemia immunity and prolonged remissions",
        "Patients with AML in remission after chemotherapy received a personalized DC/AML fusion "
        "vaccine. Vaccination was well tolerated and 71% of vaccinated patients remained in "
        "remission.")),
    ("innate-agonists", art(
        "The TLR7/8 agonist resiquimod (R848) enhances antileukemic immunity in acute myeloid "
        "leukemia models",
        "Toll-like receptor agonists activate innate immunity. In murine AML, resiquimod induced "
        "type I interferon and T-cell responses.")),
    ("innate-agonists", art(
        "STING agonist ADU-S100 synergizes with chemotherapy in acute myeloid leukemia",
        "Activation of the stimulator of interferon genes (STING) pathway by the cyclic "
        "dinucleotide ADU-S100 prolonged survival of AML-bearing mice.")),
    ("allo-hsct-gvl", art(
        "Donor lymphocyte infusion for relapsed acute myeloid leukemia after allogeneic stem cell "
        "transplantation: a retrospective analysis",
        "We analysed 399 patients who received DLI for hematological relapse. The graft-versus-"
        "leukemia effect of DLI benefited patients in remission.")),
    ("allo-hsct-gvl", art(
        "Loss of mismatched HLA in leukemia after stem-cell transplantation",
        "Genomic loss of the mismatched HLA haplotype in leukemic cells allowed acute myeloid "
        "leukemia to escape the donor T cells after haploidentical transplantation and "
        "infusion of donor T cells.")),
]


@pytest.mark.parametrize("slug,a", POSITIVES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(POSITIVES)])
def test_each_category_on_hand_checked_examples(clf, slug, a):
    got = cats(clf, a)
    assert slug in got, (a.title, got)
    # every assignment carries its reasons
    for s, kind, reasons in assigned(clf.classify(a)):
        if s == slug:
            assert reasons and all({"rule", "field", "words"} <= set(r) for r in reasons)
            assert any(r["words"] and r["field"] in ("title", "abstract", "keywords", "mesh")
                       for r in reasons)


NEGATIVES = [
    ("venetoclax trial mentioning transplant and checkpoint in passing", art(
        "Azacitidine and Venetoclax in Previously Untreated Acute Myeloid Leukemia",
        "Older patients with AML who were ineligible for intensive induction or allogeneic stem "
        "cell transplantation were randomized to azacitidine plus venetoclax or placebo. Patients "
        "who had received prior checkpoint inhibitors or gemtuzumab ozogamicin were excluded. "
        "Overall survival was longer with venetoclax.")),
    ("PD-1 in a lymphoma paper", art(
        "PD-1 expression on tumour-infiltrating lymphocytes in diffuse large B-cell lymphoma",
        "PD-1 and PD-L1 were measured by immunohistochemistry in 300 lymphoma biopsies; high PD-1 "
        "counts predicted better survival after R-CHOP.")),
    ("FLT3 inhibitor trial", art(
        "Gilteritinib or Chemotherapy for Relapsed or Refractory FLT3-Mutated AML",
        "Patients with FLT3-mutated relapsed AML received gilteritinib or salvage chemotherapy; "
        "responders could proceed to allogeneic transplantation.")),
    ("transplant donor choice and conditioning", art(
        "Allogeneic hematopoietic cell transplantation for older patients with AML in first "
        "remission: donor type and conditioning intensity",
        "We compared reduced-intensity conditioning with myeloablative conditioning and matched "
        "unrelated with haploidentical donors in 1,200 patients transplanted for AML.")),
    ("GVHD prophylaxis", art(
        "Post-transplant cyclophosphamide versus anti-thymocyte globulin as GVHD prophylaxis after "
        "allogeneic transplantation for myeloid malignancies")),
    ("COVID-19 vaccination", art(
        "Antibody responses to COVID-19 vaccination in patients with acute myeloid leukemia",
        "Seroconversion after two doses of BNT162b2 mRNA vaccine was lower in patients receiving "
        "active treatment for AML.")),
    ("COVID-19 vaccination, the vaccine named only in the abstract", art(
        "COVID-19 in patients with acute myeloid leukemia: outcomes of a registry",
        "Patients with AML had a high mortality from COVID-19. After two doses of an mRNA "
        "vaccine, seroconversion was 60%. Patients on venetoclax responded less to mRNA vaccines. "
        "A third vaccine dose improved responses.")),
    ("a target paper naming therapies once (not a review of them)", art(
        "Expression of CLL-1 on AML stem cells as a target for immunotherapy",
        "CLL-1 is expressed on leukemic stem cells but not on normal HSCs, making it an "
        "attractive target for antibody and CAR T cell therapy.")),
    ("tagraxofusp is not an antibody", art(
        "Tagraxofusp in blastic plasmacytoid dendritic-cell neoplasm",
        "Tagraxofusp (SL-401), a CD123-directed cytotoxin of interleukin-3 fused to truncated "
        "diphtheria toxin, was given to patients with BPDCN.")),
    ("cell-cycle checkpoint", art(
        "Checkpoint kinase 1 inhibition sensitises acute myeloid leukemia cells to cytarabine",
        "Inhibition of the DNA damage checkpoint kinase CHK1 abrogated the G2/M checkpoint in AML "
        "cell lines.")),
    ("cGAS-STING as a mechanism of a non-immune drug", art(
        "PSTK inhibition activates cGAS-STING, precipitating ferroptotic cell death in leukemic "
        "stem cells",
        "A CRISPR screen in AML identified dependence on PSTK. PSTK inhibition triggered cGAS-STING "
        "signalling and ferroptosis.")),
    ("NK cells as a mechanism of a drug, not a cell product", art(
        "Decitabine enhances NK cell cytotoxicity against AML blasts",
        "Hypomethylating agents upregulate NKG2D ligands on AML cells. NK cells from healthy "
        "donors killed decitabine-treated blasts more efficiently. NK cell degranulation "
        "increased. These data support combining HMAs with NK cell-based immunotherapy.")),
    ("checkpoint expression as a biomarker", art(
        "PD-L1 expression in acute myeloid leukemia",
        "PD-L1 was high on blasts. PD-L1 predicted survival. PD-L1 correlated with TP53.")),
    ("AML genetics", art(
        "Prognostic impact of TP53 mutations in acute myeloid leukemia treated with intensive "
        "chemotherapy", "Relapse after transplant was frequent in TP53-mutated AML.")),
]


@pytest.mark.parametrize("why,a", NEGATIVES, ids=[w for w, _ in NEGATIVES])
def test_hard_negatives_get_no_category(clf, why, a):
    assert cats(clf, a) == set(), why


def test_other_disease_only_from_the_title_and_marked_as_such(clf):
    # immunotherapy of another disease: assigned from the title (the labelling convention of the
    # expert set), never from its abstract, and marked disease:other
    a = art("CD19 CAR T-cell therapy in relapsed B-cell acute lymphoblastic leukemia",
            "Tisagenlecleucel induced remissions in children and young adults with B-ALL.")
    got = slugs(clf, a)
    assert "adoptive-cell-therapy" in got and "disease:other" in got and "disease:aml" not in got
    b = art("Outcomes of B-cell acute lymphoblastic leukemia in adolescents",
            "Some patients later received CAR T-cell therapy or blinatumomab; survival was 60%.")
    assert cats(clf, b) == set()


def test_sub_categories_facets_and_reasons(clf):
    a = POSITIVES[3][1]  # CD123 CAR-T, R/R AML, phase I
    got = slugs(clf, a)
    assert {"adoptive-cell-therapy", "car-t", "target:cd123", "setting:relapsed-refractory",
            "study:clinical-trial", "study:phase-1", "disease:aml"} <= got
    assert "nk-cell-therapy" not in got and "target:cd33" not in got
    flot = slugs(clf, POSITIVES[6][1])
    assert "target:cd123" in flot and "study:phase-1" not in flot  # no trial words in the title
    # study type from PubMed publication types
    mag = slugs(clf, POSITIVES[0][1])
    assert {"study:clinical-trial", "study:phase-1", "target:cd47"} <= mag
    # a weak checkpoint word alone (no therapy) does not make a category
    assert cats(clf, art("PD-L1 expression in acute myeloid leukemia blasts",
                         "PD-L1 was measured on blasts of 50 patients with AML.")) == set()


def test_antibodies_yield_to_engagers_and_checkpoints(clf):
    a = POSITIVES[6][1]   # DART: an antibody molecule, but a T-cell engager
    assert cats(clf, a) == {"t-cell-engagers"}
    assert "antibody-therapy" not in cats(clf, POSITIVES[0][1])   # anti-CD47 antibody
    # a named conjugate with a checkpoint inhibitor keeps both
    both = art("Gemtuzumab ozogamicin plus nivolumab in relapsed acute myeloid leukemia")
    assert cats(clf, both) == {"antibody-therapy", "checkpoint-inhibitors"}


def test_negation_and_explanations(clf):
    a = NEGATIVES[0][1]
    decisions = {d.slug: d for d in clf.analyse(a)}
    dropped = [h for h in decisions["checkpoint-inhibitors"].hits if h.dropped]
    assert dropped and dropped[0].dropped.startswith("negation")
    allo = decisions["allo-hsct-gvl"]
    assert not allo.assigned


def test_greek_letters_dashes_and_case(clf):
    a = art("Targeting the CD47–SIRPα axis in acute myeloid leukaemia")
    assert "checkpoint-inhibitors" in cats(clf, a)
    # "sting" as an ordinary word is not STING
    b = art("A sting in the tail: late relapse of acute myeloid leukemia after therapy")
    assert "innate-agonists" not in cats(clf, b)
    # CAR-T written in several ways
    for t in ("CART cells in AML", "CAR T cells in AML", "CAR-T-cell therapy for AML",
              "Chimeric antigen receptor T cells for acute myeloid leukemia"):
        assert "car-t" in slugs(clf, art(t)), t


def test_seed_review_from_the_real_pubmed_page():
    from amlref.formats.detect import detect
    from amlref.plugins.registry import registry
    path = corpus("seed", "pubmed-page-39697225.txt")
    text = path.read_text(encoding="utf-8")
    fmt = detect(text, path.name)
    result = registry.importer(fmt).parse(text, path.name)
    seed = next(x for x in result.articles if x.pmid == "39697225")
    got = assigned(ImmunotherapyClassifier().classify(seed))
    by = {s: r for s, k, r in got if k == "category"}
    for slug in ("checkpoint-inhibitors", "adoptive-cell-therapy", "vaccines", "innate-agonists"):
        assert slug in by and by[slug], slug
    assert "allo-hsct-gvl" not in by     # "not eligible for allogeneic transplant"
    assert "antibody-therapy" not in by and "t-cell-engagers" not in by
    assert any("STING" in " ".join(r["words"]) or "stimulator of interferon genes" in
               " ".join(r["words"]) for r in by["innate-agonists"])


def test_with_or_without_is_not_a_negation(clf):
    a = art("Randomised trial in older patients with acute myeloid leukemia",
            "Patients were randomised to induction with or without gemtuzumab ozogamicin. The "
            "addition of gemtuzumab ozogamicin improved survival.")
    assert "antibody-therapy" in cats(clf, a)
    b = art("Venetoclax in acute myeloid leukemia",
            "Patients without prior gemtuzumab ozogamicin were enrolled. Patients previously "
            "treated with gemtuzumab ozogamicin were excluded.")
    assert cats(clf, b) == set()


def test_abbreviations_in_parentheses_and_product_codes(clf):
    assert "nk-cell-therapy" in slugs(clf, art(
        "Natural killer (NK) cell therapy for acute myeloid leukemia"))
    assert "tcr-t" in slugs(clf, art("T-cell receptor (TCR) gene therapy in AML"))
    assert "car-t" in slugs(clf, art("CART123 cells eradicate acute myeloid leukemia in mice"))
    # the antigen in parentheses is kept for the target facet
    a = art("Interleukin-3 receptor alpha (CD123) CAR T cells in AML")
    assert "target:cd123" in slugs(clf, a)


def test_bispecific_car_is_cell_therapy_not_an_engager(clf):
    a = art("Bispecific CAR T cells targeting CD33 and CLL-1 in acute myeloid leukemia",
            "We engineered bispecific CAR T cells. The bispecific CAR T cells eradicated AML in "
            "mice.")
    assert cats(clf, a) == {"adoptive-cell-therapy"}


def test_a_named_drug_is_never_excluded(clf):
    a = art("Flow cytometric monitoring of CD33 expression during gemtuzumab ozogamicin therapy "
            "in acute myeloid leukemia")
    assert cats(clf, a) == {"antibody-therapy"}


def test_abbreviations_are_dropped_as_defined():
    """" (NK)" goes, " (CD123)" and " (Nk)" stay: the one-regex form against its definition."""
    import random
    import re
    from amlref.taxonomy.classifier import _drop_abbreviations
    rx = re.compile(r" \(([A-Za-z]{2,8})\)(?=[\s,;:.-])")

    def plain(text):
        return rx.sub(lambda m: "" if sum(ch.isupper() for ch in m.group(1)) >= 2
                      else m.group(0), text)
    rnd = random.Random(4)
    chars = " (ABCabc)XYZxyz,;:.-\n\tNK9é"
    for _ in range(100_000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 16)))
        assert _drop_abbreviations(text) == plain(text), text
    assert _drop_abbreviations("natural killer (NK) cell therapy (CD123) in (AML).") == \
        "natural killer cell therapy (CD123) in."


def test_score_and_strong_score_in_one_pass_as_two_calls():
    """_scores gives what two calls of _score gave (the score; the strong words' score), to the
    last bit, on random hit lists: strong and weak, dropped, with weights of their own."""
    import random
    from amlref.taxonomy.classifier import FIELD_NAMES, Hit, _scores, rules_for
    from amlref.taxonomy.model import load
    R = rules_for(load(user=False))
    clf = ImmunotherapyClassifier(load(user=False))
    rnd = random.Random(9)
    for _ in range(20_000):
        hits = [Hit("s", "s/terms", rnd.choice(FIELD_NAMES), "w", rnd.random() < 0.6,
                    sentence=rnd.randrange(6), dropped=rnd.choice(["", "", "", "negation: x"]),
                    value=rnd.choice([None, None, 1.0, 0.75, 0.5]))
                for _ in range(rnd.randrange(12))]
        focus, weak_counts, strong_focus = (rnd.random() < 0.5 for _ in range(3))
        score, strong, weak_title = clf._score(R, hits, focus, weak_counts=weak_counts)
        strong_score = clf._score(R, hits, strong_focus, strong_only=True)[0]
        assert _scores(R, hits, focus, weak_counts, strong_focus) == \
            (score, strong, weak_title, strong_score)


def test_same_analysis_without_the_aho_corasick_library(monkeypatch):
    """Rules built without pyahocorasick (the finder regex finds where terms can start) analyse
    the aml-dev records exactly as the rules with its automaton: decisions, hits and reasons."""
    import json

    from amlref.taxonomy import matching
    from amlref.taxonomy.classifier import Rules
    from amlref.taxonomy.model import load
    recs = [json.loads(x) for x in corpus("aml-dev", "records.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    articles = [art(r.get("title") or "", r.get("abstract") or "", r.get("keywords") or [],
                    r.get("mesh") or []) for r in recs]
    tax = load(user=False)
    with_lib = ImmunotherapyClassifier(tax)
    assert with_lib.rules.index._places is not None
    monkeypatch.setattr(matching, "ahocorasick", None)
    without = ImmunotherapyClassifier(tax)
    without._rules = Rules(tax)
    assert without.rules.index._places is None

    def run(clf):
        return [[(d.slug, d.score, d.assigned, d.note, d.reasons(),
                  [(h.rule, h.field, h.words, h.sentence, h.dropped, h.value) for h in d.hits])
                 for d in clf.analyse(a)] for a in articles]

    assert run(without) == run(with_lib)
