"""The field's phrasings added in session 6's second held-out round (docs/decisions/0020): NK-cell
therapy named as a modality, relapse after a transplant with the disease or the transplant's
intensity named between, the conditioning exclusion that names the conditioning, antigen-specific
T-cell products, and the antileukaemic effect of graft-versus-host disease.  The titles were
written for these tests in the way PubMed titles read; none is a record of the held-out set."""
from __future__ import annotations

import pytest

from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import load
from tests.classifier_support import _fresh_cache, assigned  # noqa: F401


@pytest.fixture(scope="module")
def clf():
    model.clear_cache()
    return ImmunotherapyClassifier(load(user=False))


# -- NK-cell therapy named as a modality ------------------------------------------------------

@pytest.mark.parametrize("title", [
    "Natural killer cell-directed therapies for myeloid neoplasms: lessons from early trials",
    "NK Cell-Based Therapeutic Strategies in Acute Myeloid Leukaemia",
    "Harnessing natural killer cells for the treatment of relapsed leukemia",
    "NK cells for the therapy of high-risk myelodysplastic syndromes",
])
def test_nk_cell_therapy_named_as_a_modality(clf, title):
    assert "adoptive-cell-therapy" in assigned(clf, title)


@pytest.mark.parametrize("title", [
    "Natural killer cell function after induction chemotherapy in acute myeloid leukemia",
    "NK cell counts and relapse in patients with AML treated with intensive therapy",
    "NK cell engager therapy for CD33-positive acute myeloid leukemia",
    "NK cell-activating therapy with an IL-15 superagonist in myelodysplastic syndromes",
    "NK cell checkpoint inhibitor therapy in acute myeloid leukemia",
])
def test_nk_cells_with_other_words_are_not_nk_cell_therapy(clf, title):
    # biology, an engager's effectors, an activating drug or a checkpoint are not a cell product
    assert "adoptive-cell-therapy" not in assigned(clf, title)


# -- relapse after transplant: the disease or the intensity between ----------------------------

@pytest.mark.parametrize("title", [
    "Management of relapse of acute leukemia post-transplant in children",
    "Outcome of patients with leukemia relapsing after myeloablative T cell depleted transplants",
    "Recurrence of myeloid malignancies after reduced-intensity allogeneic transplantation",
])
def test_relapse_after_transplant_with_words_between(clf, title):
    assert "allo-hsct-gvl" in assigned(clf, title)


@pytest.mark.parametrize("title", [
    "Myeloablative versus reduced-intensity conditioning before allogeneic transplantation for AML",
    "Myeloablative conditioning with busulfan and fludarabine before allogeneic transplantation "
    "in acute myeloid leukemia",
    "Relapse of acute leukemia after autologous transplantation",
])
def test_conditioning_and_autologous_transplant_are_not_gvl(clf, title):
    assert "allo-hsct-gvl" not in assigned(clf, title)


def test_a_transplant_described_by_its_intensity_is_not_cancelled(clf):
    # a second transplant for relapse after a myeloablative transplant is GVL territory; the
    # word "myeloablative" alone no longer cancels the title
    title = ("Second allogeneic transplantation for AML relapsing after myeloablative "
             "matched sibling transplants")
    assert "allo-hsct-gvl" in assigned(clf, title)


# -- antigen-specific T-cell products -----------------------------------------------------------

@pytest.mark.parametrize("title", [
    "Expansion of leukemia antigen-specific T cell lines from patients with acute myeloid leukemia",
    "T cells targeting multiple tumor-associated antigens after chemotherapy for AML",
    "Donor T cells directed against leukemia-associated antigens in acute myeloid leukemia",
])
def test_antigen_specific_t_cell_products(clf, title):
    assert "adoptive-cell-therapy" in assigned(clf, title)


def test_a_vaccine_that_induces_antigen_specific_t_cells_is_a_vaccine_only(clf):
    title = "A WT1 peptide vaccine induces tumor antigen-specific T cells in patients with AML"
    got = assigned(clf, title)
    assert "vaccines" in got and "adoptive-cell-therapy" not in got


# -- the antileukaemic effect of graft-versus-host disease ------------------------------------

@pytest.mark.parametrize("title, expected", [
    ("The antileukemic effect of graft-versus-host disease after marrow grafting for AML", True),
    ("Antileukemic effect of allogeneic transplantation in older patients with AML", True),
    ("Antileukemic effect of venetoclax in older patients with AML", False),
])
def test_antileukemic_effect_of_gvhd_is_gvl(clf, title, expected):
    assert ("allo-hsct-gvl" in assigned(clf, title)) is expected


# -- an exclusion inside the longer words of a hit ---------------------------------------------

def test_an_exclusion_inside_a_hit_describes_it(clf):
    # "reduced intensity conditioning" names the transplant the relapse came after
    title = ("Outcome of adults with relapsed AML after reduced intensity conditioning for "
             "allogeneic stem cell transplantation")
    assert "allo-hsct-gvl" in assigned(clf, title)
    # ... while the same words as the subject still exclude
    assert "allo-hsct-gvl" not in assigned(
        clf, "Reduced intensity conditioning for allogeneic transplantation in AML")


def test_an_exclusion_that_is_the_whole_hit_still_excludes(clf):
    # alemtuzumab is matched by the INN stem *tuzumab and excluded as GVHD prophylaxis
    title = "Three alemtuzumab schedules in unrelated donor transplantation for AML"
    assert "antibody-therapy" not in assigned(clf, title)


# -- a survey of immunotherapy in general: each modality it names stands for itself ----------

def test_a_survey_names_antibodies_beside_checkpoint_inhibitors(clf):
    title = "Recent advances in immunotherapy of myeloid leukemia: an overview"
    abstract = ("Acute myeloid leukemia remains difficult to cure. We review the immune-based "
                "approaches under study, including checkpoint inhibitors, monoclonal antibodies "
                "against CD33 and CD123, and chimeric antigen receptor T cells. Challenges and "
                "future directions are discussed.")
    got = assigned(clf, title, abstract)
    assert {"checkpoint-inhibitors", "antibody-therapy", "adoptive-cell-therapy"} <= got


def test_a_checkpoint_antibody_paper_is_not_an_antibody_paper(clf):
    # outside a survey the antibody words of a checkpoint inhibitor still yield to it
    title = "Nivolumab, an anti-PD-1 monoclonal antibody, with azacitidine in relapsed AML"
    abstract = ("Patients received the monoclonal antibody nivolumab with azacitidine. The "
                "response rate was 33%.")
    got = assigned(clf, title, abstract)
    assert "checkpoint-inhibitors" in got and "antibody-therapy" not in got
