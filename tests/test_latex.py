"""LaTeX <-> Unicode (amlref.formats.latex) and BibTeX names (amlref.formats.bibtex_names)."""
from __future__ import annotations

import pytest

from amlref.core.article import Person
from amlref.formats import latex
from amlref.formats.bibtex_names import names_to_bibtex, parse_names
from amlref.formats.latex import ascii_latex, escape, protect_case, to_unicode


@pytest.mark.parametrize("tex, text", [
    (r'M{\"u}ller', "Müller"),
    (r'M\"uller', "Müller"),
    (r'M\"{u}ller', "Müller"),
    (r"{\'\i}", "í"),
    (r"{\'{\i}}", "í"),
    (r"Stra\ss e", "Straße"),
    (r"\v{S}koda \c{c}", "Škoda ç"),
    (r"{\o}rsted \AA{}ngstr{\"o}m", "ørsted Ångström"),
    (r"Aks{\i}n, {\"O}zge", "Aksın, Özge"),
    (r"{\L}ukasiewicz \k{a} \H{o} \r{u}", "Łukasiewicz ą ő ů"),
    (r"\emph{Homo} sapiens \& {AML} 50\%", "Homo sapiens & AML 50%"),
    (r"{\em Old style} {\bf bold}", "Old style bold"),
    (r"93--176", "93–176"),
    (r"yes---no", "yes—no"),
    (r"``quoted'' text", "“quoted” text"),
    (r"D.~E. Knuth", "D. E. Knuth"),
    (r"Title with {CAR} {T} cells", "Title with CAR T cells"),
    (r"\textbackslash{}input\textbraceleft{}x\textbraceright{} a", "\\input{x} a"),
    ("two\n   lines", "two lines"),
    ("", ""),
])
def test_to_unicode_common_cases(tex, text):
    assert to_unicode(tex) == text


def test_math_and_unknown_macros_fall_back_to_pylatexenc(monkeypatch):
    calls = []
    real = latex._slow
    monkeypatch.setattr(latex, "_slow", lambda t: calls.append(t) or real(t))
    assert to_unicode(r"$\alpha$-helix") == "α-helix"
    assert calls == [r"$\alpha$-helix"]
    calls.clear()
    assert to_unicode(r'M{\"u}ller') == "Müller"
    assert calls == []          # the common case never reaches pylatexenc


def test_escape_makes_hostile_text_inert():
    for hostile in (r"\input{/etc/passwd}", r"\immediate\write18{rm -rf ~}",
                    r"}\end{document}", "50% & $x_1$ # ~ ^"):
        out = escape(hostile)
        assert "\\input{" not in out and "\\write18{" not in out
        assert "\\end{" not in out
        # braces stay balanced, every special is escaped, and it reads back as the same text
        assert out.count("{") == out.count("}")
        assert to_unicode(out) == hostile


def test_ascii_latex_round_trips_through_the_decoder():
    text = "Müller–Ørsted ß í ı Šťastný α ≥ “q”"
    enc = ascii_latex(escape(text))
    assert enc.isascii()
    assert to_unicode(enc) == text


def test_protect_case_braces_acronyms_and_gene_names_only():
    out = protect_case(escape("CD123 and FLT3 in AML: CAR T cells for mRNA therapy"))
    assert out == "{CD123} and {FLT3} in {AML}: {CAR} {T} cells for {mRNA} therapy"
    assert protect_case("Leukemia therapy") == "Leukemia therapy"   # no whole-title braces
    assert protect_case(r"Already {AML} \textbf{X}") == r"Already {AML} \textbf{X}"


def test_names_von_jr_and_corporate():
    people = parse_names(r'M{\"u}ller, Hans and van der Berg, Jr., Jan and '
                         r'{World Health Organization} and Donald E. Knuth and '
                         r'Ludwig van Beethoven and others')
    assert people == [
        Person(family="Müller", given="Hans"),
        Person(family="van der Berg", given="Jan, Jr."),
        Person(literal="World Health Organization"),
        Person(family="Knuth", given="Donald E."),
        Person(family="van Beethoven", given="Ludwig"),
        Person(literal="others"),
    ]
    tex = names_to_bibtex(people)
    assert tex == (r'M{\"u}ller, Hans and van der Berg, Jr., Jan and {World Health Organization}'
                   r' and Knuth, Donald E. and van Beethoven, Ludwig and others')
    assert parse_names(tex) == people


def test_name_split_respects_braces_and_case_insensitive_and():
    assert parse_names("{Barnes and Noble} AND Smith, J.") == [
        Person(literal="Barnes and Noble"), Person(family="Smith", given="J.")]
    assert parse_names(r"{\'E}mile Zola") == [Person(family="Zola", given="Émile")]


def test_macros_of_the_files_own_keep_their_text_without_pylatexenc(monkeypatch):
    monkeypatch.setattr(latex, "_slow", lambda t: pytest.fail(f"slow path for {t!r}"))
    assert to_unicode(r"\acro{GUI} and \LuaTeX{} in \TUB, \MF\ fonts") == \
        "GUI and LuaTeX in TUB, MF fonts"
    assert to_unicode(r"\pkg{graphicx} \TUB is") == "graphicx TUB is"
