"""Unicode -> LaTeX for bibliographic text (the way back of ``amlref.formats.latex``).

``escape`` turns literal text (from RIS, PubMed, online sources, or typed by the user) into safe
LaTeX: every special character is escaped, so ``\\input{/etc/passwd}`` comes out as harmless
text.  ``ascii_latex`` rewrites non-ASCII characters as LaTeX commands for classic BibTeX,
``pdflatex_safe`` only those pdflatex cannot typeset from UTF-8 (Greek, math, scripts), and
``protect_case`` brace-protects acronyms and gene names in titles.  Whatever is written reads
back as the same text through ``to_unicode``.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from amlref.formats.latex import _ACCENTS, to_unicode
from amlref.formats.latex_math import MATH_LATEX, SCRIPT_LATEX, SUBSCRIPTS, SUPERSCRIPTS

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}$&%#_~^]")


def escape(text: str) -> str:
    """Literal text -> LaTeX source that prints that text (no command can survive)."""
    if not text:
        return ""
    if _SPECIAL_RE.search(text) is None:
        return text
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], text)


_ACCENT_CMDS = {v: k for k, v in _ACCENTS.items()}
_CHAR_LATEX = {
    "ß": r"{\ss}", "ø": r"{\o}", "Ø": r"{\O}", "å": r"{\aa}", "Å": r"{\AA}", "æ": r"{\ae}",
    "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}",
    "ȷ": r"{\j}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}", "ŋ": r"{\ng}",
    "Ŋ": r"{\NG}", "đ": r"{\dj}", "Đ": r"{\DJ}", "–": "--", "—": "---", "‘": r"{\textquoteleft}",
    "’": r"{\textquoteright}",
    "“": "``", "”": "''", "„": r"{\quotedblbase}", "«": r"{\guillemotleft}",
    "»": r"{\guillemotright}", "\u00a0": "~", "…": r"{\ldots}", "§": r"{\S}", "¶": r"{\P}",
    "©": r"{\textcopyright}", "®": r"{\textregistered}", "™": r"{\texttrademark}",
    "£": r"{\pounds}", "€": r"{\texteuro}", "°": r"{\textdegree}", "¡": r"{\textexclamdown}",
    "¿": r"{\textquestiondown}", "†": r"{\dag}", "‡": r"{\ddag}", "·": r"{\textperiodcentered}",
    "•": r"{\textbullet}", "±": r"{\textpm}", "×": r"{\texttimes}", "÷": r"{\textdiv}",
    "µ": r"{\textmu}", "¼": r"{\textonequarter}", "½": r"{\textonehalf}",
    "¾": r"{\textthreequarters}", "\u2009": r"\,", "\u202f": r"\,", "\u2002": " ", "\u2003": " ",
    "\u200b": "", "\u00ad": r"\-", "‐": "-", "‑": "-", "‒": "--", "−": r"{\textminus}",
    "′": "'",
    "≤": r"{$\leq$}", "≥": r"{$\geq$}", "≈": r"{$\approx$}", "→": r"{$\rightarrow$}",
    "∼": r"{$\sim$}",
    "ª": r"{\textordfeminine}", "º": r"{\textordmasculine}", "¢": r"{\textcent}",
    "¥": r"{\textyen}", "¨": r'{\"{}}', "´": r"{\'{}}",
}
_GREEK = dict(zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ",
                  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi "
                  "rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
                  "Upsilon Phi Psi Omega".split()))
for _g, _n in _GREEK.items():
    _CHAR_LATEX[_g] = f"{{$\\{_n}$}}"
for _c, _tex in {**MATH_LATEX, **SCRIPT_LATEX}.items():
    _CHAR_LATEX.setdefault(_c, _tex)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=8192)
def _char_to_latex(ch: str) -> str:
    if ch in _CHAR_LATEX:
        return _CHAR_LATEX[ch]
    d = unicodedata.normalize("NFD", ch)
    base, marks = d[:1], d[1:]
    if base.isascii() and base.isalpha() and marks and all(m in _ACCENT_CMDS for m in marks):
        out = "\\i" if base == "i" else ("\\j" if base == "j" else base)
        for m in marks:
            cmd = _ACCENT_CMDS[m]
            if cmd.isalpha() or len(out) > 1 and (not out.startswith("\\") or out[1] in _ACCENTS):
                out = f"\\{cmd}{{{out}}}"       # \'{\^e}: a nested accent in braces
            else:
                out = f"\\{cmd}{out}"
        return "{" + out + "}"
    try:
        import logging
        logging.getLogger("pylatexenc").setLevel(logging.ERROR)
        from pylatexenc.latexencode import unicode_to_latex
        enc = unicode_to_latex(ch, non_ascii_only=True, replacement_latex_protection="braces-all")
        if enc.isascii() and enc and to_unicode(enc) == ch:
            return enc
    except Exception:
        pass
    return ch  # no LaTeX form known: keep the character (UTF-8 input still works)


_SUP_CHARS = "".join(sorted(set(SUPERSCRIPTS.values())))
_SUB_CHARS = "".join(sorted(set(SUBSCRIPTS.values())))
_SCRIPT_RUN = re.compile("([" + _SUP_CHARS + "]{2,})|[" + _SUB_CHARS + "]{2,}")
_SUP_BACK = {v: ("-" if k == "−" else k) for k, v in SUPERSCRIPTS.items()}
_SUB_BACK = {v: ("-" if k == "−" else k) for k, v in SUBSCRIPTS.items()}


def _script_run(m: re.Match) -> str:
    cmd, back = ("\\textsuperscript{", _SUP_BACK) if m.group(1) is not None else \
        ("\\textsubscript{", _SUB_BACK)
    text = "".join(back[c] for c in m.group(0))
    if text.isalpha():
        # letters only: one command each, since a scripted word reads back as plain text
        return "".join(cmd + c + "}" for c in text)
    return cmd + text + "}"


def ascii_latex(text: str) -> str:
    """Replace non-ASCII characters by LaTeX commands (for classic BibTeX files)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _SCRIPT_RUN.search(text) is not None:     # runs of scripts: one command for the run
        text = _SCRIPT_RUN.sub(_script_run, text)
    return _NON_ASCII.sub(lambda m: "".join(_char_to_latex(c) for c in m.group(0)), text)


# What pdflatex's UTF-8 input cannot typeset without extra packages: Greek, math symbols,
# super/subscript and modifier letters, dotless j.  The biblatex export (UTF-8 for biber)
# writes these as LaTeX, which every engine reads.
_NOT_PDFLATEX = re.compile("[\u00b2\u00b3\u00b9\u0237\u0370-\u03ff\u1d2c-\u1dbf\u2070-\u209f\u2100-\u214f"
                           "\u2190-\u23ff\u27e8-\u27ff\u2c7c\u2c7d]+")


@lru_cache(maxsize=4096)
def _latex_if_exact(ch: str) -> str:
    """The LaTeX of one character when it reads back as that character, else the character
    (ℎ, the italic h of math alphabets, has none: better kept than turned into "h")."""
    tex = _char_to_latex(ch)
    return tex if to_unicode(tex) == ch else ch


def _safe_run(m: re.Match) -> str:
    run = m.group(0)
    if len(run) > 1:
        tex = ascii_latex(run)           # runs of scripts become one command
        if to_unicode(tex) == run:
            return tex
    return "".join(_latex_if_exact(c) for c in run)


def pdflatex_safe(text: str) -> str:
    """UTF-8 LaTeX text with the characters pdflatex cannot typeset written as LaTeX."""
    if text.isascii() or _NOT_PDFLATEX.search(text) is None:
        return text
    return _NOT_PDFLATEX.sub(_safe_run, text)


# Words whose case matters: acronyms and gene/antigen names (AML, CAR, CD123, FLT3, mRNA,
# IL-2) and single capitals after the first word (T cells, NK cells).
def _protect_word(w: str, first: bool) -> bool:
    if len(w) == 1:
        return w.isupper() and not first
    rest = w[1:]
    return rest != rest.lower()          # a capital after the first letter


_PC_TOKEN = re.compile(r"\\(?:[a-zA-Z]+|.)|([{}])|([^\W_]+)", re.S)


def protect_case(latex: str) -> str:
    """Brace-protect acronyms/gene names in already escaped title text (``{AML}``, ``{CD123}``).

    Only words outside braces and not part of a command are touched."""
    if latex == latex.lower():
        return latex
    out = []
    depth = 0
    pos = 0
    first = True
    for m in _PC_TOKEN.finditer(latex):
        brace = m.group(1)
        if brace is not None:
            depth += 1 if brace == "{" else -1
            continue
        w = m.group(2)
        if w is None or depth != 0:
            continue                     # a command, or a word inside braces
        if _protect_word(w, first):
            out.append(latex[pos:m.start()])
            out.append("{" + w + "}")
            pos = m.end()
        first = False
    if not out:
        return latex
    out.append(latex[pos:])
    return "".join(out)
