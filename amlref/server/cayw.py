"""Cite as you write: the citation text each Better BibTeX ``format`` gives for picked citations.

Written to the output of Better BibTeX's CAYW formatter (content/cayw/formatter.ts), so an
editor that reads BBT's answer reads ours the same way:

    latex, cite, natbib  \\cite{a,b}  or  \\cite[p. 12]{a}\\cite{b}  (``command`` sets the macro)
    citep, citet         natbib with that command
    biblatex             \\autocite{a,b}  or  \\autocites[see][12]{a}{b}
    pandoc               @a; @b   ([@a, p. 12; @b] with brackets=1)
    mmd                  [#a][][#b][]
    playground           citeprefix + keyprefix KEY keypostfix (separator) ... + citepostfix
    scannable-cite       { | Smith & Jones, 2020 | p. 12 | | zu:0:a }
    asciidoctor-bibtex   cite:[a(12), b]
    json                 the picked citations as JSON
Formatted citations, bibliographies and ``translate`` need the library and live in the request
handler (``server.requests``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from amlref.formats.et_al import marked

# CSL locator labels and the abbreviations BBT writes for them
SHORT_LABEL = {
    "article": "art.", "chapter": "ch.", "subchapter": "subch.", "column": "col.",
    "figure": "fig.", "line": "l.", "note": "n.", "issue": "no.", "opus": "op.",
    "page": "p.", "paragraph": "para.", "subparagraph": "subpara.", "part": "pt.",
    "rule": "r.", "section": "sec.", "subsection": "subsec.", "Section": "Sec.",
    "sub verbo": "sv.", "schedule": "sch.", "title": "tit.", "verse": "vrs.", "volume": "vol.",
}
# what a user may type before a locator in the picker: "ch. 3", "chapter 3", "pp. 12-14", "§ 4"
_TYPED_LABEL = {**{v.rstrip(".").lower(): k for k, v in SHORT_LABEL.items() if k != "Section"},
                **{k.lower(): k for k in SHORT_LABEL},
                "pp": "page", "pages": "page", "chap": "chapter", "chaps": "chapter",
                "fig": "figure", "figs": "figure", "sect": "section", "§": "section",
                "vols": "volume", "para": "paragraph", "paras": "paragraph", "no": "issue"}
_LOCATOR = re.compile(r"^\s*(?:(§|[A-Za-z][A-Za-z ]*?)\.?\s+)?(\S.*?)\s*$")


@dataclass
class Citation:
    """One picked citation, with what a pandoc/biblatex citation can add to a key."""
    citekey: str
    locator: str = ""
    label: str = ""            # CSL locator label ("page" when a locator has none)
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    id: int | None = None      # the article's id in the library
    title: str = ""
    item_type: str = ""

    def __post_init__(self):
        if self.locator and not self.label:
            self.label = "page"

    def to_bbt(self) -> dict:
        """The picked citation as BBT's ``json`` format lists it."""
        return {"id": self.id, "citekey": self.citekey, "citationKey": self.citekey,
                "locator": self.locator, "label": self.label if self.locator else "",
                "prefix": self.prefix, "suffix": self.suffix,
                "suppressAuthor": self.suppress_author, "itemType": self.item_type,
                "title": self.title}


def parse_locator(text: str) -> tuple[str, str]:
    """"12" -> ("page", "12"); "ch. 3" -> ("chapter", "3"); "fig. 2b" -> ("figure", "2b");
    an unknown word stays part of the locator ("table 2" -> ("page", "table 2"))."""
    text = (text or "").strip()
    if not text:
        return "", ""
    m = _LOCATOR.match(text)
    word, rest = (m.group(1) or "").strip(), m.group(2)
    label = _TYPED_LABEL.get(word.lower()) if word else None
    if label:
        return label, rest
    return "page", text


def _short(label: str, options: dict) -> str:
    if isinstance(options.get(label), str):      # BBT lets a request rename a label
        return options[label]
    return SHORT_LABEL.get(label, label)


# -- LaTeX ------------------------------------------------------------------------------------
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                  "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def _tex(s: str) -> str:
    """Pre/postnote text for LaTeX: its special characters escaped (biber and LaTeX both read
    UTF-8, so other characters stay as they are)."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in s or "")


def _latex_one(c: Citation, options: dict) -> str:
    label = _short(c.label, {"page": "", **options})
    label = f"{label} " if label else ""
    out = f"[{_tex(c.prefix)}]" if c.prefix else ""
    if c.locator and c.suffix:
        out += f"[{_tex(label)}{_tex(c.locator)}, {_tex(c.suffix)}]"
    elif c.locator:
        out += f"[{_tex(label)}{_tex(c.locator)}]"
    elif c.suffix:
        out += f"[{_tex(c.suffix)}]"
    elif c.prefix:
        out += "[]"
    return out + "{" + c.citekey + "}"


def natbib(cits: list[Citation], options: dict) -> str:
    command = options.get("command") or "cite"
    if not cits:
        return ""
    if len(cits) > 1:
        plain = not any(c.prefix or c.suffix or c.locator for c in cits)
        suppressed = sum(1 for c in cits if c.suppress_author)
        if plain and suppressed in (0, len(cits)):
            cmd = "citeyear" if cits[0].suppress_author else command
            return f"\\{cmd}{{{','.join(c.citekey for c in cits)}}}"
    return "".join(f"\\{'citeyear' if c.suppress_author else command}{_latex_one(c, options)}"
                   for c in cits)


def biblatex(cits: list[Citation], options: dict) -> str:
    if not cits:
        return ""
    command = options.get("command") or "autocite"
    if len(cits) == 1:
        c = cits[0]
        star = "*" if c.suppress_author and re.fullmatch(r"(auto|paren|)cite", command) else ""
        return f"\\{command}{star}{_latex_one(c, options)}"
    body = "".join(_latex_one(c, options) for c in cits)
    if "[" in body:   # pre/postnotes: the multicite form \autocites[..]{a}[..]{b}
        command = command if command.endswith("s") else command + "s"
    else:
        body = body.replace("}{", ",")
    return f"\\{command}{body}"


def pandoc(cits: list[Citation], options: dict) -> str:
    parts = []
    for c in cits:
        cite = f"{c.prefix} " if c.prefix else ""
        cite += ("-" if c.suppress_author else "") + "@" + c.citekey
        if c.locator:
            cite += re.sub(r"\s+", " ", f", {_short(c.label, options)} {c.locator}", count=1)
        if c.suffix:
            cite += f" {c.suffix}"
        parts.append(cite)
    text = "; ".join(parts)
    return f"[{text}]" if _flag(options.get("brackets")) and parts else text


def mmd(cits: list[Citation], options: dict) -> str:
    return "".join(f"[{c.prefix}][#{c.citekey}]" if c.prefix else f"[#{c.citekey}][]"
                   for c in cits)


def playground(cits: list[Citation], options: dict) -> str:
    keys = [f"{options.get('keyprefix', '')}{c.citekey}{options.get('keypostfix', '')}"
            for c in cits]
    if not keys:
        return ""
    sep = options.get("separator")
    return (options.get("citeprefix", "") + (sep if sep is not None else ",").join(keys)
            + options.get("citepostfix", ""))


def asciidoctor(cits: list[Citation], options: dict) -> str:
    parts = []
    for c in cits:
        cite = c.citekey
        if c.locator:
            cite += f"({(_short(c.label, {'page': '', **options}) + ' ' + c.locator).strip()})"
        parts.append(cite)
    return f"{options.get('cite') or 'cite'}:[{', '.join(parts)}]"


def scannable_label(article) -> str:
    """The label of Zotero's "Scannable Cite" export: "Smith, 2020", "Smith & Jones, 2020",
    "Smith et al., 2020" (also for a list cut short: "Smith and others"); "n.d." without a
    year."""
    fam = [p.family or p.literal for p in article.authors if p.family or p.literal]
    more = marked(article, "author")
    if not fam:
        who = article.title[:40] if article.title else article.citekey
    elif len(fam) == 1 and not more:
        who = fam[0]
    elif len(fam) == 2 and not more:
        who = f"{fam[0]} & {fam[1]}"
    else:
        who = f"{fam[0]} et al."
    return f"{who}, {article.year or 'n.d.'}"


def scannable(cits: list[Citation], options: dict, articles: dict) -> str:
    """RTF/ODF-Scan markers: ``{ prefix | label | locator | suffix | zu:0:KEY }``.  AMLRef has no
    Zotero item URIs, so the marker names the citation key in the local user library ("0")."""
    out = ""
    for c in cits:
        art = articles[c.citekey]
        fields = [c.prefix, ("-" if c.suppress_author else "") + scannable_label(art),
                  f"{_short(c.label, options)} {c.locator}".strip() if c.locator else "",
                  c.suffix, f"zu:0:{c.citekey}"]
        out += "{ " + re.sub(r" +", " ", " | ".join(fields)).strip() + " }"
    return out


def as_json(cits: list[Citation], options: dict) -> str:
    return json.dumps([c.to_bbt() for c in cits], ensure_ascii=False)


def _flag(v) -> bool:
    return v is not None and str(v).strip().lower() not in ("0", "false", "no", "n", "off")


# format name -> function(citations, options) -> text; the ones needing the articles or the
# exporters (scannable-cite, formatted-*, translate) are dispatched by the request handler
SIMPLE = {
    "latex": natbib, "cite": natbib, "natbib": natbib,
    "citep": lambda c, o: natbib(c, {**o, "command": o.get("command") or "citep"}),
    "citet": lambda c, o: natbib(c, {**o, "command": o.get("command") or "citet"}),
    "biblatex": biblatex, "pandoc": pandoc, "mmd": mmd, "playground": playground,
    "asciidoctor-bibtex": asciidoctor, "json": as_json,
}
WITH_LIBRARY = ("scannable-cite", "formatted-citation", "formatted-bibliography", "translate")
FORMATS = tuple(SIMPLE) + WITH_LIBRARY

# translator names BBT accepts (label without spaces, lower case, "better" removed, or its id)
TRANSLATORS = {
    "biblatex": "biblatex", "bibtex": "bibtex", "csljson": "csljson", "cslyaml": None,
    "json": "csljson", "ris": "ris",
    "f895aa0d-f28e-47fe-b247-2ea77c6ed583": "biblatex",     # Better BibLaTeX
    "ca65189f-8815-4afe-8c8b-8c7c15f0edca": "bibtex",       # Better BibTeX
    "f4b52ab0-f878-4556-85a0-c7aeedd09dfc": "csljson",      # Better CSL JSON
}


def exporter_for(translator: str | None) -> str | None:
    """Our exporter for a BBT translator name ("Better BibLaTeX", "Better BibTeX", "CSL JSON",
    "biblatex" ...), or None when there is none."""
    label = re.sub(r"\s", "", translator or "biblatex").lower().replace("better", "")
    return TRANSLATORS.get(label)


def flag(v) -> bool:
    """A BBT query flag: present (``?probe`` or ``?probe=1``) and not 0/false/no/off."""
    return _flag(v)
