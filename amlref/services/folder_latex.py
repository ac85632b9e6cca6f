"""What LaTeX made or uses in a folder being imported (services/folder_scan.py): a thesis or
paper folder holds the document's PDF, its auxiliary files and its figures as PDFs beside the
bibliography; none of them is a paper to add to the library.

- ``X.pdf``, ``X.aux``, ``X.bbl``, ``X-blx.bib`` ... beside ``X.tex``: made by LaTeX from it;
- a PDF that a ``.tex`` of the folder includes with ``\\includegraphics`` (looked for in the
  folder of that file, in the folder given, and in the ``\\graphicspath`` folders): a figure.
  A PDF included with ``\\includepdf`` (pdfpages: the papers of a cumulative thesis) is not
  left out."""
from __future__ import annotations

import os
import re

# what LaTeX and its tools make from X.tex beside it (X.pdf is the document, not a paper)
MADE = (".pdf", ".dvi", ".xdv", ".aux", ".log", ".bbl", ".blg", ".bcf", ".run.xml", ".toc",
        ".lof", ".lot", ".out", ".fls", ".fdb_latexmk", ".synctex.gz", ".nav", ".snm", ".vrb",
        "-blx.bib", ".idx", ".ind", ".ilg", ".glo", ".gls", ".ist")
TEX_MAX_BYTES = 4 * 2**20           # a larger .tex is not looked into
_GRAPHICS = re.compile(r"\\includegraphics\*?\s*(?:\[[^\]]*\]\s*)?\{([^}]+)\}")
_GRAPHICSPATH = re.compile(r"\\graphicspath\s*\{((?:\s*\{[^}]*\})+)\s*\}")
_COMMENT = re.compile(r"(?<!\\)%.*")


def made_by_latex(names: list[str]) -> dict[str, str]:
    """The files among ``names`` (of one folder) that LaTeX made from a ``.tex`` beside them,
    with the reason."""
    stems = {n[:-4] for n in names if n.lower().endswith(".tex")}
    out = {}
    if stems:
        for n in names:
            for end in MADE:
                if n.lower().endswith(end) and n[:-len(end)] in stems:
                    out[n] = f"made by LaTeX from {n[:-len(end)]}.tex"
    return out


def figures(tex_files: list[str], root: str) -> dict[str, str]:
    """Real path -> reason for each file the ``.tex`` files include as a graphic."""
    out: dict[str, str] = {}
    for tex in tex_files:
        try:
            if os.path.getsize(tex) > TEX_MAX_BYTES:
                continue
            with open(tex, encoding="utf-8", errors="replace") as fh:
                text = _COMMENT.sub("", fh.read())
        except OSError:
            continue
        here = os.path.dirname(tex)
        bases = [here, root]
        for group in _GRAPHICSPATH.findall(text):
            bases += [os.path.join(b, d.strip()) for d in re.findall(r"\{([^}]*)\}", group)
                      for b in (here, root)]
        reason = f"a figure of {os.path.basename(tex)}"
        for name in _GRAPHICS.findall(text):
            name = name.strip().strip('"')
            for base in bases:
                for candidate in (name, name + ".pdf"):
                    full = os.path.join(base, candidate)
                    if os.path.isfile(full):
                        out.setdefault(os.path.realpath(full), reason)
    return out
