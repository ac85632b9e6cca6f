"""LaTeX <-> Unicode (amlref.formats.latex, latex_encode) and BibTeX names (amlref.formats.bibtex_names)."""
from __future__ import annotations

import pytest

from amlref.core.article import Person
from amlref.formats import latex
from amlref.formats.bibtex_names import names_to_bibtex, parse_names
from amlref.formats.latex import to_unicode
from amlref.formats.latex_encode import ascii_latex, escape, pdflatex_safe, protect_case


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
    latex._DECODED.clear()      # decoded LaTeX is cached: start from nothing
    # math the fast decoder does not know goes to pylatexenc
    assert to_unicode(r"$\binom{n}{k}$ ways") == "nk ways"
    assert calls == [r"$\binom{n}{k}$ ways"]
    assert to_unicode(r"$\binom{n}{k}$ ways") == "nk ways"
    assert calls == [r"$\binom{n}{k}$ ways"]            # the second time from the cache
    calls.clear()
    assert to_unicode(r'M{\"u}ller $\alpha$-helix') == "Müller α-helix"
    assert calls == []          # the common case never reaches pylatexenc


@pytest.mark.parametrize("tex, text", [
    # dotless i and j, alone and under accents, in every way people write them
    (r"{\i}{\j} Aks{\i}n", "ıȷ Aksın"),
    (r"{\'{\i}} \'{\i} {\'\i} \'\i \'{i}", "í í í í í"),
    (r'Mar{\"\i}a \^{\j}', "Marïa ĵ"),
    # an accent on \i with the word going on at once: what the author meant, not "\ia"
    # (real Glottolog names: pylatexenc reads "Mar\'\ia" as "Mar")
    (r"Mar\'\ia Angeles, D\'\iez, Beno\^\it", "María Angeles, Díez, Benoît"),
    # escaped digits and signs are the sign itself (pylatexenc drops them)
    (r"Lao\2: Desc; 1 \> 2", "Lao2: Desc; 1 > 2"),
    # nested accents (Vietnamese, pinyin), however braced
    (r"Nguy\'\^en, \'{\^e}, {\'{\^{e}}}, \d{\^o}, \v{\"u}", "Nguyến, ế, ế, ộ, ǚ"),
    # invisible characters and Unicode hyphens are not kept (search would miss the word)
    ("immuno\u00adtherapy, CD3\u2010ε, IL\u20112\u200b", "immunotherapy, CD3-ε, IL-2"),
    # math keeps its meaning: Greek, scripts, symbols (TUGboat, IEEE, arXiv titles)
    (r"$\Sigma^0$ hyperons", "Σ⁰ hyperons"),
    (r"{$\Omega_2$} and $^{3}$H", "Ω₂ and ³H"),
    (r"CD34$^+$CD38$^-$ cells", "CD34⁺CD38⁻ cells"),
    (r"$x^{n-1}$, $A_1,A_2,\ldots, A_n$", "xⁿ⁻¹, A₁,A₂,…, Aₙ"),
    (r"$\Sigma$$\Delta$ modulator", "ΣΔ modulator"),
    (r"radix-2\({}^{\mbox{k}}\) FFT", "radix-2ᵏ FFT"),
    (r"0.35 {\(\mathrm{\mu}\)}m", "0.35 μm"),
    (r"{{\LaTeX} 2.09 $ \hookrightarrow $ {\LaTeX}3}", "LaTeX 2.09 ↪ LaTeX3"),
    (r"$\alpha\beta$ T cells, IL-2$\rightarrow$STAT5, $\geq 3$", "αβ T cells, IL-2→STAT5, ≥3"),
    (r"\ensuremath{\gamma}\ensuremath{\delta} T cells", "γδ T cells"),
    (r"{$3$D} objects", "3D objects"),
    (r"at 37$^\circ$C and 4~$^{\circ}$C", "at 37°C and 4 °C"),
    # Mendeley: text symbols and backslashes written inside math
    (r"p $\textless$ 0.05, CD4$\textgreater$ and C:$\backslash$Users", "p < 0.05, CD4> and C:\\Users"),
    # kerning and spacing by dimensions (logos in TeX journals)
    (r"DVIto\kern-.15em VDU, Meta\kern-.1em\ Type1, e\kern.06em-foundry", "DVItoVDU, Meta Type1, e-foundry"),
    (r"a\hspace{1em}b\hspace*{-2pt}c \raise.5ex\hbox{E}", "a bc E"),
    (r"$\mathcal{O}(n\log n)$, $\sqrt{2}$, $\frac{a+b}{2}$", "O(n log n), √2, (a+b)/2"),
    # verbatim: URLs and paths keep ~, --, backslashes; \char gives the character
    (r"URL: \path|http://www.math.utah.edu/~beebe/| \verb|\foo--bar|",
     r"URL: http://www.math.utah.edu/~beebe/ \foo--bar"),
    (r"\url{http://x.org/~a--b} and \href{http://x.org}{the {TUG} site}",
     "http://x.org/~a--b and the TUG site"),
    ("\\char'134 input, \\char`\\%, and \\char\"41, \\~{} \\^{}", r"\input, %, and A, ~ ^"),
    # text-mode scripts: characters when each has one, plain text for words (ordinals)
    (r"\textsuperscript{0} H\textsubscript{2}O", "⁰ H₂O"),
    (r"the 5\textsuperscript{th} workshop, T$_{\mathrm{reg}}$", "the 5th workshop, Treg"),
    (r"50\% costs \$5 and $\{x\}$", "50% costs $5 and {x}"),
])
def test_dotless_letters_math_and_scripts(tex, text, monkeypatch):
    monkeypatch.setattr(latex, "_slow", lambda t: pytest.fail(f"slow path for {t!r}"))
    assert to_unicode(tex) == text


@pytest.mark.parametrize("text", ["Σ⁰ hyperons", "CD34⁺CD38⁻ αβ T cells", "xⁿ⁻¹ and H₂O",
                                  "Aksın ȷ í", "IL-2→STAT5 ≥ 3 ∞", "Ω₂ and ³H",
                                  "Synonameᵀᴹ: a program", "Nguyến Văn Ầ ệ ộ ḗ ǚ ắ",
                                  "Don’t ‘quote’ “this”"])
def test_unicode_math_goes_back_to_latex_and_reads_the_same(text):
    for tex in (ascii_latex(escape(text)), pdflatex_safe(escape(text))):
        assert to_unicode(tex) == text
    assert ascii_latex(escape(text)).isascii()
    assert ascii_latex("xⁿ⁻¹") == r"x\textsuperscript{n-1}"
    assert ascii_latex("Σ⁰") == r"{$\Sigma$}\textsuperscript{0}"


def test_cyrillic_goes_to_ascii_bibtex_and_back():
    text = "Словарь кавказских языков"
    assert ascii_latex(text).isascii() and to_unicode(ascii_latex(text)) == text


def test_pdflatex_safe_keeps_what_has_no_exact_latex():
    # Glottolog: italic genus names in math-alphabet letters; ℎ (U+210E) has no LaTeX that
    # reads back as itself, so the UTF-8 character stays rather than becoming "h"
    assert pdflatex_safe("𝑃𝑒𝑡𝑐ℎ𝑒𝑟𝑜𝑝𝑡𝑒𝑟𝑖𝑠") == "𝑃𝑒𝑡𝑐ℎ𝑒𝑟𝑜𝑝𝑡𝑒𝑟𝑖𝑠"


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


def test_a_doubled_and_is_an_empty_name_not_part_of_the_next():
    # Glottolog: "... and Steven T. Piantadosi and and Bevil R. Conway"
    assert parse_names("Piantadosi, Steven T. and and Bevil R. Conway") == [
        Person(family="Piantadosi", given="Steven T."), Person(family="Conway", given="Bevil R.")]
    assert parse_names("{Barnes and Noble} and and Smith, J.")[1] == Person(family="Smith",
                                                                             given="J.")


def test_a_family_name_of_several_words_without_given_name_round_trips():
    # Glottolog (SALA): author = {Amon Saengmani,}: the whole name is the family name
    people = parse_names("Amon Saengmani, and Ministére de l'Education nationale,")
    assert people == [Person(family="Amon Saengmani"),
                      Person(family="Ministére de l'Education nationale")]
    assert parse_names(names_to_bibtex(people)) == people
    assert names_to_bibtex([Person(family="Knuth")]) == "Knuth"


def test_control_space_in_names_is_a_space():
    # TUGboat: author = "Christina A. L.\ Thiele", "\TUG\ Board"
    assert parse_names(r"Christina A. L.\ Thiele and \TUG\ Board") == [
        Person(family="Thiele", given="Christina A. L."), Person(family="Board", given="TUG")]


def test_name_split_respects_braces_and_case_insensitive_and():
    assert parse_names("{Barnes and Noble} AND Smith, J.") == [
        Person(literal="Barnes and Noble"), Person(family="Smith", given="J.")]
    assert parse_names(r"{\'E}mile Zola") == [Person(family="Zola", given="Émile")]


def test_macros_of_the_files_own_keep_their_text_without_pylatexenc(monkeypatch):
    monkeypatch.setattr(latex, "_slow", lambda t: pytest.fail(f"slow path for {t!r}"))
    assert to_unicode(r"\acro{GUI} and \LuaTeX{} in \TUB, \MF\ fonts") == \
        "GUI and LuaTeX in TUB, MF fonts"
    assert to_unicode(r"\pkg{graphicx} \TUB is") == "graphicx TUB is"
