"""Citation keys: imported keys kept, new keys from the configurable formula, a/b/c on clash,
and a key never changes once assigned unless the user asks."""
from __future__ import annotations

import pytest

from amlref.core import citekeys
from amlref.core.article import Article, Person
from amlref.services.importing import import_text

SEED = Article(title="Updates on immunotherapy in acute myeloid leukemia", issued="2024",
               authors=[Person("Bawek", "S."), Person("Jones", "A."), Person("Li", "B.")],
               container="Frontiers in Oncology", volume="14", pages="1234-1250")


@pytest.mark.parametrize("formula, key", [
    ("[auth][year][title]", "bawek2024updates"),
    ("[auth:capitalize][year]", "Bawek2024"),
    ("[authEtAl]_[shortyear]", "baweketal_24"),
    ("[auth2][year]", "bawekjones2024"),
    ("[authors2][year]", "bawekjonesetal2024"),
    ("[auth][year][shorttitle]", "bawek2024updatesimmunotherapyacute"),
    ("[journal4][volume]:[firstpage]", "fron14:1234"),
    ("[auth:upper]-[year]", "BAWEK-2024"),
])
def test_formula_tokens_and_modifiers(formula, key):
    citekeys.check_formula(formula)
    assert citekeys.make_key(SEED, formula) == key


@pytest.mark.parametrize("formula", ["[auth][foo]", "[auth:bold]", "nothing", "[auth] [year]"])
def test_bad_formulas_are_refused_with_a_reason(formula):
    with pytest.raises(ValueError):
        citekeys.check_formula(formula)


def test_keys_from_the_library_setting_kept_and_suffixed(lib):
    text = ("@article{mykey, title = {Kept as imported}, author = {Doe, Jane}, year = 2020}\n"
            "@article{, title = {CAR T cells in AML}, author = {M{\\\"u}ller, Hans}, year = 2021}\n"
            "@article{, title = {CAR NK cells in AML}, author = {M{\\\"u}ller, Hans}, year = 2021}\n")
    lib.settings.set("citekey_formula", "[auth][year][title]")
    r = import_text(lib, text, fmt="bibtex")
    keys = [lib.articles.get(i).citekey for i in r.added]
    assert keys == ["mykey", "muller2021car", "muller2021cara"]
    # a key never changes by itself: an edit of the title keeps it
    a = lib.articles.find("muller2021car")
    lib.articles.update(a.id, {"title": "Something else"}, by_user=True)
    assert lib.articles.get(a.id).citekey == "muller2021car"
    # ... the user may change it
    lib.articles.update(a.id, {"citekey": "mine2021"}, by_user=True)
    assert lib.articles.get(a.id).citekey == "mine2021"
    lib.settings.set("citekey_formula", "[auth:upper][shortyear]")
    r = import_text(lib, "@article{, title = {X}, author = {Roe, R.}, year = 1999}", fmt="bibtex")
    assert lib.articles.get(r.added[0]).citekey == "ROE99"
