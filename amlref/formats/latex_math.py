"""Inline math and super/subscripts of bibliographic text -> Unicode.

Titles carry a little math: ``$\\Sigma^0$``, ``CD34$^+$``, ``$\\alpha\\beta$ T cells``,
``H\\textsubscript{2}O``, ``radix-2\\({}^{\\mbox{k}}\\)``.  This decodes the common case (symbols,
Greek, font switches, scripts) without pylatexenc; a script becomes Unicode super/subscript
characters when every character has one (``⁰``, ``⁺``, ``₂``, ``ⁿ⁻¹``), and stays plain text when
it is a word (``5\\textsuperscript{th}`` -> ``5th``, ``T_{\\mathrm{reg}}`` -> ``Treg``), so search
still finds it.  Anything else raises ``Unknown`` and the caller falls back to pylatexenc.
``SCRIPT_LATEX`` and ``MATH_LATEX`` give the way back for the exporter.
"""
from __future__ import annotations

import re


class Unknown(Exception):
    """Math the fast decoder does not handle."""


SUPERSCRIPTS = dict(zip(
    "0123456789+-−=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVW",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ"))
SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))

GREEK = {
    # \epsilon and \phi are drawn as their symbol variants, but what is meant (CD3$\epsilon$,
    # PI3K$\phi$) is the letter: one form, so that search finds it
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
SYMBOLS = {
    **GREEK,
    "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "·", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "•", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡",
    "propto": "∝", "ll": "≪", "gg": "≫", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆", "supset": "⊃", "cup": "∪", "cap": "∩", "emptyset": "∅",
    "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "neg": "¬",
    "wedge": "∧", "vee": "∨", "oplus": "⊕", "otimes": "⊗", "sum": "∑", "prod": "∏",
    "int": "∫", "surd": "√", "prime": "′", "degree": "°", "aleph": "ℵ", "hbar": "ℏ",
    "ell": "ℓ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "uparrow": "↑", "downarrow": "↓",
    "mapsto": "↦", "hookrightarrow": "↪", "hookleftarrow": "↩", "longrightarrow": "⟶",
    "rightleftharpoons": "⇌", "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮",
    "langle": "⟨", "rangle": "⟩", "lbrace": "\x01", "rbrace": "\x02", "vert": "|",
    "mid": "∣", "parallel": "∥", "perp": "⊥", "angle": "∠", "triangle": "△",
    "dagger": "†", "ddagger": "‡", "S": "§", "P": "¶",
    # what Mendeley writes inside math: $\backslash$, $\textless$, $\textgreater$
    "backslash": "\x04", "setminus": "∖", "textless": "<", "textgreater": ">",
    "textbackslash": "\x04", "textbar": "|", "textasciitilde": "\x03", "textunderscore": "_",
    "textdegree": "°", "textmu": "µ", "textpm": "±", "texttimes": "×",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
    "lim": "lim", "max": "max", "min": "min", "det": "det", "dim": "dim", "mod": "mod",
    "quad": " ", "qquad": " ", "left": "", "right": "", "big": "", "Big": "", "bigl": "",
    "bigr": "", "displaystyle": "", "textstyle": "", "scriptstyle": "", "limits": "",
    "nolimits": "", "relax": "", "protect": "", "nobreak": "", "colon": ":",
}
# Commands whose one argument is kept as it is (font switches, text inside math).
STYLES = frozenset("""mathrm mathit mathbf mathsf mathtt mathnormal mathcal mathbb mathfrak
mathscr boldsymbol bm pmb operatorname text textrm textit textbf textsf texttt textup textnormal
mbox hbox ensuremath emph mathup up""".split())
_ESCAPES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "\x01", "}": "\x02",
            "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "|": "‖", "\\": " "}

_TOK = re.compile(r"\\([a-zA-Z]+)\s*|\\(.)|\s+|.", re.S)


def script(text: str, table: dict[str, str]) -> str:
    """``text`` as super/subscript characters when all have one and it is not a word."""
    if not text:
        return ""
    if text == "∘" and table is SUPERSCRIPTS:
        return "°"                       # $^\circ$C: a degree sign
    letters = sum(c.isalpha() for c in text)
    if letters > 1 and letters == len(text):
        return text                      # a word ("th", "reg", "TM"): plain text reads best
    out = []
    for c in text:
        s = table.get(c)
        if s is None:
            return text
        out.append(s)
    return "".join(out)


class _Math:
    __slots__ = ("s", "i", "n", "text_mode")

    def __init__(self, s: str, text_mode):
        self.s, self.i, self.n, self.text_mode = s, 0, len(s), text_mode

    def seq(self, closing: bool) -> str:
        out = []
        s = self.s
        while self.i < self.n:
            if s[self.i] == "}":
                if not closing:
                    raise Unknown("}")
                self.i += 1
                return "".join(out)
            out.append(self.atom())
        if closing:
            raise Unknown("{")
        return "".join(out)

    def arg(self) -> str:
        while self.i < self.n and self.s[self.i].isspace():
            self.i += 1
        if self.i >= self.n:
            raise Unknown("argument")
        return self.atom()

    def atom(self) -> str:
        s, i = self.s, self.i
        c = s[i]
        if c == "{":
            self.i += 1
            return self.seq(True)
        if c == "^" or c == "_":
            self.i += 1
            return script(self.arg(), SUPERSCRIPTS if c == "^" else SUBSCRIPTS)
        m = _TOK.match(s, i)
        self.i = m.end()
        word = m.group(1)
        if word is not None:
            if word in SYMBOLS:
                sym = SYMBOLS[word]
                if len(sym) > 1 and sym.isalpha():    # \log n: an operator name is a word
                    return " " + sym + " "
                return sym
            if word == "sqrt":
                x = self.arg()
                return "√" + x if len(x) == 1 else "√(" + x + ")"
            if word in ("frac", "tfrac", "dfrac"):
                num, den = self.arg(), self.arg()
                num = num if len(num) == 1 else "(" + num + ")"
                den = den if len(den) == 1 else "(" + den + ")"
                return num + "/" + den
            if word in STYLES:
                if word in ("mbox", "hbox", "text", "textrm", "textit", "textbf", "textsf",
                            "texttt", "textup", "textnormal", "emph"):
                    # text inside math: decoded as text
                    start = self.i
                    self.arg()
                    return self.text_mode(s[start:self.i])
                return self.arg()
            raise Unknown(word)
        sym = m.group(2)
        if sym is not None:
            if sym in _ESCAPES:
                return _ESCAPES[sym]
            raise Unknown(sym)
        tok = m.group(0)
        if tok.isspace():
            return " "
        if tok == "~":
            return " "
        if tok == "'":
            return "′"
        return tok


def math_to_unicode(math: str, text_mode) -> str:
    """The content of ``$...$`` -> Unicode; ``text_mode`` decodes text arguments (``\\mbox``)."""
    out = _Math(math, text_mode).seq(False)
    return " ".join(out.split()) if " " in out else out


SCRIPT_LATEX = {**{v: "\\textsuperscript{" + ("-" if k == "−" else k) + "}"
                   for k, v in SUPERSCRIPTS.items()},
                **{v: "\\textsubscript{" + ("-" if k == "−" else k) + "}"
                   for k, v in SUBSCRIPTS.items()}}
MATH_LATEX: dict[str, str] = {}
for _name, _ch in SYMBOLS.items():
    if len(_ch) == 1 and not _ch.isascii() and _ch not in MATH_LATEX and _name.isalpha():
        MATH_LATEX[_ch] = "{$\\" + _name + "$}"
