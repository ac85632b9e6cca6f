"""LaTeX -> Unicode for bibliographic text (the way back is ``amlref.formats.latex_encode``).

``to_unicode`` turns BibTeX field text into plain Unicode for storage and search
(``M{\\"u}ller`` -> ``Müller``, ``{\\'\\i}`` -> ``í``, ``--`` -> ``–``, ``$\\Sigma^0$`` -> ``Σ⁰``).
A hand-written decoder handles the common cases (accents, special letters, escaped characters,
font commands, quotes, dashes, protective braces, inline math, verbatim URLs) at regex speed,
with a cache; anything it does not know goes to pylatexenc, which is about 60 times slower.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from amlref.formats.latex_math import (SUBSCRIPTS, SUPERSCRIPTS, SYMBOLS as _MATH_SYMBOLS,
                                       Unknown as _Unknown, math_to_unicode, script)

# -- decoding ------------------------------------------------------------------------------------

_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "b": "\u0331", "d": "\u0323", "t": "\u0361", "G": "\u030f", "U": "\u030e",
}

_SYMBOLS = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ", "IJ": "Ĳ", "ij": "ĳ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "textquotesingle": "'",
    "textquotedbl": '"', "quotedblbase": "„", "guillemotleft": "«", "guillemotright": "»",
    "guillemetleft": "«", "guillemetright": "»", "flqq": "«", "frqq": "»",
    "glqq": "„", "grqq": "“", "glq": "‚", "grq": "‘",
    "textbackslash": "\\", "textbraceleft": "\x01", "textbraceright": "\x02",
    "textasciitilde": "\x03", "textasciicircum": "^", "textunderscore": "_", "textbar": "|",
    "textless": "<", "textgreater": ">", "textdollar": "$", "textpercent": "%",
    "textperiodcentered": "·", "textbullet": "•", "textdagger": "†", "dag": "†", "ddag": "‡",
    "textdaggerdbl": "‡", "S": "§", "P": "¶", "textsection": "§", "textparagraph": "¶",
    "copyright": "©", "textcopyright": "©", "textregistered": "®", "texttrademark": "™",
    "pounds": "£", "textsterling": "£", "euro": "€", "texteuro": "€", "textyen": "¥",
    "textcent": "¢", "textdegree": "°", "textordfeminine": "ª", "textordmasculine": "º",
    "textexclamdown": "¡", "textquestiondown": "¿", "ldots": "…", "dots": "…",
    "textellipsis": "…", "LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX",
    "slash": "/", "textslash": "/", "textmu": "µ", "textpm": "±", "texttimes": "×",
    "textdiv": "÷", "textonehalf": "½", "textonequarter": "¼", "textthreequarters": "¾",
    "textsuperscript": "", "textsubscript": "", "ocircumflex": "ô",
    "relax": "", "protect": "", "noopsort": "", "nocase": "", "/": "", "-": "", "@": "",
    "newblock": " ", "par": " ", "quad": " ", "qquad": " ", "hfill": " ", "break": " ",
    "linebreak": " ", "allowbreak": "", "nobreak": "", "space": " ", "enspace": " ",
    "thinspace": " ", "negthinspace": "", "unskip": "", "ignorespaces": "",
    "textminus": "−", "Dash": "—", "textnumero": "№", "textasteriskcentered": "*", "textvisiblespace": "␣",
}
# Commands whose argument is kept as text (the command itself disappears).
_STYLE = frozenset("""emph textit textbf textsc textup textsl textsf texttt textrm textmd
textnormal textsuperscript textsubscript mbox hbox text textenglish textfrench textgerman
textspanish textlatin textgreek textrussian foreignlanguage uppercase lowercase MakeUppercase
MakeLowercase enquote mkbibquote mkbibemph mkbibitalic mkbibbold url nolinkurl path
hyphenation ensuremath bibstring NoCaseChange textstylename it bf sc sl sf tt rm em upshape
itshape bfseries scshape slshape sffamily ttfamily rmfamily normalfont small footnotesize
scriptsize tiny large Large LARGE huge Huge normalsize sout uline underline""".split())
# Macros whose arguments are not text (or need real expansion): left to pylatexenc.
_COMPLEX = frozenset("""kern hspace vspace hskip vskip raise lower rule char symbol newcommand
renewcommand providecommand def let cite citep citet citeauthor ref eqref pageref label footnote
href includegraphics input include write immediate catcode mathrm mathit mathbf frac sqrt
begin end item""".split())
# Escaped one-character symbols (control symbols).
_CTRL_SYM = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "\x01", "}": "\x02",
             " ": " ", ",": " ", ";": " ", ":": " ", "!": "", "\\": " ", "/": "", "-": "",
             "@": "", "\n": " ", "\t": " ", "textbackslash": "\\"}

_NEEDS = re.compile(r"[\\{}~$]|--|``|''")
_CMD = re.compile(
    r"\\(?:"
    # an accent on \i or \j also when letters follow at once (\'\ia, Beno\^\it: what is meant)
    r"([`'^\"~=.])\s*(?:\{\s*(\\[ij](?![a-zA-Z])|[a-zA-Z]?)\s*\}|(\\[ij]|[a-zA-Z]))"
    r"|([uvHckrbdtGU])(?:\s*\{\s*(\\[ij](?![a-zA-Z])|[a-zA-Z]?)\s*\}|\s+(\\[ij]|[a-zA-Z]))"
    r"|([a-zA-Z]+)\*?(?:\{\}|\s*)"
    r"|(.)"
    r")", re.S)
_WS = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _accent(acc: str, letter: str) -> str:
    if letter in ("\\i", "\\j"):
        letter = letter[1]
    if not letter:
        # accent on nothing: the accent character itself
        return {"\u0308": "¨", "\u0301": "´", "\u0300": "`", "\u0302": "^", "\u0303": "\x03",
                "\u0304": "¯"}.get(_ACCENTS[acc], "")
    return unicodedata.normalize("NFC", letter + _ACCENTS[acc])


# \'{nsk} (Beebe's bibliographies: "Gda\'{nsk}", "Journ\'{ees}"): TeX sets the accent over the
# whole group; what is meant is the first letter (pylatexenc put it on every letter)
_ACCENT_GROUP = re.compile(r"\\([`'^\"~=.])\s*\{([a-zA-Z])([a-zA-Z]+)\}")
_NESTED_ACC = re.compile(r"\\(?:[`'^\"~=.]|[uvHckrbdtGU](?![a-zA-Z]))\s*\{?\s*"
                         r"\\(?:[`'^\"~=.]|[uvHckrbdtGU](?![a-zA-Z]))")
_INNER_ACC = re.compile(r"\\([`'^\"~=.])\s*(?:\{\s*([^\W\d_])\s*\}|([^\W\d_]))"
                        r"|\\([uvHckrbdtGU])(?:\s*\{\s*([^\W\d_])\s*\}|\s+([^\W\d_]))")


def _sub_inner(m: re.Match) -> str:
    if m.group(1) is not None:
        return _accent(m.group(1), m.group(2) or m.group(3))
    return _accent(m.group(4), m.group(5) or m.group(6))


def _sub_cmd(m: re.Match) -> str:
    acc = m.group(1)
    if acc is not None:
        return _accent(acc, m.group(2) if m.group(2) is not None else (m.group(3) or ""))
    acc = m.group(4)
    if acc is not None:
        return _accent(acc, m.group(5) if m.group(5) is not None else (m.group(6) or ""))
    word = m.group(7)
    if word is not None:
        if word in _SYMBOLS:
            return _SYMBOLS[word]
        if word in _STYLE:
            return ""
        if word in _COMPLEX:
            raise _Unknown(word)
        if word[:3] in ("cyr", "CYR"):
            raise _Unknown(word)    # Cyrillic in T2A commands ({\CYRS}{\cyrl}): pylatexenc
        sym = _MATH_SYMBOLS.get(word)
        if sym is not None and not sym.isascii():
            return sym          # a math symbol outside math mode (\alpha): what was meant
        # a macro of the file's own (@preamble): with an argument, keep the argument
        # (\acro{GUI} -> GUI); without, it is a name or logo (\LuaTeX{} -> LuaTeX)
        end = m.end()
        if m.group(0).endswith("}") or end >= len(m.string) or m.string[end] != "{":
            return word + " " if m.group(0)[-1].isspace() else word
        return ""
    ch = m.group(8)
    if ch in _CTRL_SYM:
        return _CTRL_SYM[ch]
    if ch in _ACCENTS and (m.end() >= len(m.string) or not m.string[m.end()].isalpha()
                           and m.string[m.end()] != "{"):
        return _accent(ch, "")   # an accent on nothing (BibTeX.js: "tilde operator: \~")
    if ch.isascii() and not ch.isalpha() and ch not in "[]()`'^\"~=.":
        return ch                # an escaped digit or sign (Lao\2, 1 \> 2): the sign itself
    if unicodedata.combining(ch):
        return ""
    raise _Unknown(ch)


# inline math: $...$, \(...\), \ensuremath{...}; \textsuperscript{..}, \textsubscript{..}
_MATH_RE = re.compile(r"(?<!\\)\$((?:[^$\\]|\\.)+?)\$|\\\((.*?)\\\)"
                      r"|\\ensuremath\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", re.S)
_SCRIPT_RE = re.compile(r"\\text(super|sub)script\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")


# kerning and glue by dimensions: no text (a positive \hspace is a space)
_SPACING = re.compile(r"\\(?:m?kern|hskip|raise|lower)\s*(-?)\s*[\d.]+\s*(?:em|ex|pt|bp|mm|cm|in|pc|sp|mu)"
                      r"(?: ?plus ?[\d.]+ ?[a-z]{2})?(?: ?minus ?[\d.]+ ?[a-z]{2})? ?"
                      r"|\\hspace\*?\s*\{\s*(-?)[^{}]*\}")


def _sub_spacing(m: re.Match) -> str:
    return " " if m.group(2) == "" else ""


_MATH_DONE: dict[str, str] = {}     # $\alpha$, $^+$, $\mu$m: the same bits of math repeat


def _sub_math(m: re.Match) -> str:
    math = m.group(1)
    if math is None:
        math = m.group(2) if m.group(2) is not None else m.group(3)
    out = _MATH_DONE.get(math)
    if out is None:
        out = math_to_unicode(math, _decode)
        if len(_MATH_DONE) >= 16384:
            _MATH_DONE.clear()
        _MATH_DONE[math] = out
    return out


def _sub_script(m: re.Match) -> str:
    inner = _decode(m.group(2)).strip()
    return script(inner, SUPERSCRIPTS if m.group(1) == "super" else SUBSCRIPTS)


# verbatim text (\url{..}, \path|..|, \verb|..|, \char'134) is kept as written: its special
# characters are hidden behind control characters until the end
_VERB_HIDE = str.maketrans({"\\": "\x04", "{": "\x01", "}": "\x02", "~": "\x03", "-": "\x05",
                            "'": "\x06", "`": "\x07", "$": "\x08", "^": "\x0e", "_": "\x0f",
                            "%": "\x10", " ": "\x11"})
_VERB_SHOW = str.maketrans({"\x04": "\\", "\x01": "{", "\x02": "}", "\x03": "~", "\x05": "-",
                            "\x06": "'", "\x07": "`", "\x08": "$", "\x0e": "^", "\x0f": "_",
                            "\x10": "%", "\x11": " "})
_HIDDEN = re.compile("[\x01-\x08\x0e-\x11]")
_VERB_RE = re.compile(r"\\(?:verb|path)\*?([^\sa-zA-Z{*])(.*?)\1"
                      r"|\\(?:url|nolinkurl|path)\s*\{([^{}]*)\}"
                      r"|\\href\s*\{[^{}]*\}\s*(?=\{)"
                      r"|\\char\s*(?:'([0-7]+)|\"([0-9A-Fa-f]+)|`\\?(.)|(\d+)) ?", re.S)


def _sub_verb(m: re.Match) -> str:
    if m.group(2) is not None:
        return m.group(2).strip().translate(_VERB_HIDE)
    if m.group(3) is not None:
        return m.group(3).strip().translate(_VERB_HIDE)
    if m.group(0).startswith("\\href"):
        return ""                        # the link text (the next group) is what is read
    if m.group(4) is not None:
        code = int(m.group(4), 8)
    elif m.group(5) is not None:
        code = int(m.group(5), 16)
    elif m.group(6) is not None:
        code = ord(m.group(6))
    else:
        code = int(m.group(7))
    if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF:
        return ""                        # no character (a surrogate could not be stored)
    return chr(code).translate(_VERB_HIDE)


def _fast(text: str) -> str:
    """The hand-written decoder; raises _Unknown for what it cannot handle."""
    text = _decode(text)
    if _HIDDEN.search(text) is not None:
        text = text.translate(_VERB_SHOW)
    return text


def _decode(text: str) -> str:
    """_fast without turning the markers of escaped braces back into braces."""
    if "\\verb" in text or "\\path" in text or "url" in text or "\\href" in text or \
            "\\char" in text:
        text = _VERB_RE.sub(_sub_verb, text)
    if "$" in text or "\\(" in text or "\\ensuremath" in text:
        text = _MATH_RE.sub(_sub_math, text)
        if "$" in text.replace("\\$", ""):
            raise _Unknown("$")
    if "script" in text:
        text = _SCRIPT_RE.sub(_sub_script, text)
    if "kern" in text or "\\h" in text or "\\raise" in text or "\\lower" in text:
        text = _SPACING.sub(_sub_spacing, text)
    if "\\" in text and _NESTED_ACC.search(text) is not None:
        for _ in range(3):                  # \'{\^e} (Vietnamese): the inner accent first
            new = _INNER_ACC.sub(_sub_inner, text)
            if new == text:
                break
            text = new
    if "\\" in text:
        if text[-1] == "\\" and text[-2:] != "\\\\":
            text = text[:-1]     # a control space cut at its space (a name part "L.\\")
        if "{" in text:          # an accent on a group of letters: on its first (Gda\'{nsk})
            text = _ACCENT_GROUP.sub(r"\\\1{\2}\3", text)
        text = _CMD.sub(_sub_cmd, text)
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "``" in text or "''" in text:
        text = text.replace("``", "“").replace("''", "”")
    if "~" in text:
        text = text.replace("~", " ")
    if "{" in text or "}" in text:
        text = text.replace("{", "").replace("}", "")
    return text


_pylatexenc = None


def _slow(text: str) -> str:
    global _pylatexenc
    if _pylatexenc is None:
        from pylatexenc.latex2text import LatexNodes2Text
        _pylatexenc = LatexNodes2Text(math_mode="text", keep_comments=False,
                                      strict_latex_spaces=False)
    try:
        out = _pylatexenc.latex_to_text(text)
    except Exception:  # pylatexenc gives up on broken input: keep the text readable
        out = text.replace("{", "").replace("}", "")
    return out


# invisible characters (soft hyphen, zero-width space) would hide words from search; the Unicode
# hyphens are hyphens
_INVISIBLE = str.maketrans({"\u00ad": None, "\u200b": None, "\u2060": None, "\ufeff": None,
                            "\u2010": "-", "\u2011": "-"})
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u2060\ufeff\u2010\u2011]")


def _plain_unicode(text: str) -> str:
    """One form for search: NFC (u + ¨ -> ü), no invisible characters, plain hyphens."""
    if _INVISIBLE_RE.search(text) is not None:
        text = text.translate(_INVISIBLE)
    return unicodedata.normalize("NFC", text)


_DECODED: dict[str, str] = {}      # LaTeX text -> Unicode: journals, publishers, names repeat
_DECODED_MAX = 65536


def to_unicode(text: str) -> str:
    """LaTeX text -> Unicode, whitespace collapsed."""
    if not text:
        return ""
    if _NEEDS.search(text) is None:
        if "\n" in text or "  " in text or "\t" in text or "\r" in text:
            text = _WS.sub(" ", text)
        if not text.isascii():
            text = _plain_unicode(text)
        return text.strip()
    out = _DECODED.get(text)
    if out is not None:
        return out
    try:
        out = _fast(text)
    except _Unknown:
        out = _slow(text)
    if "\n" in out or "  " in out or "\t" in out or "\r" in out:
        out = _WS.sub(" ", out)
    if not out.isascii():
        out = _plain_unicode(out)
    out = out.strip()
    if len(text) < 256:
        if len(_DECODED) >= _DECODED_MAX:
            _DECODED.clear()
        _DECODED[text] = out
    return out


def has_latex(text: str) -> bool:
    return _NEEDS.search(text) is not None
