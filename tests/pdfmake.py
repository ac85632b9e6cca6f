"""PDFs for tests, made by real tools: pdflatex (a journal-like first page: the journal line
with the article's DOI, title, authors, an abstract, a reference list full of other DOIs),
skipped when pdflatex is not installed.  Compiled once per content and cached."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("AMLREF_TEST_PDF_CACHE", "/tmp/amlref-test-pdfs-" + str(os.getuid())))

_TEMPLATE = r"""\documentclass[10pt]{article}
\usepackage[T1]{fontenc}
\usepackage[hidelinks]{hyperref}
\hypersetup{pdftitle={%(meta_title)s}, pdfauthor={%(meta_author)s}}
\begin{document}
\noindent %(header)s\\[1.5em]
{\LARGE\bfseries %(title)s\par}\vspace{1em}
\noindent %(authors)s\\[1em]
\noindent\textbf{Abstract.} %(abstract)s
%(body)s
\section*{References}
%(refs)s
\end{document}
"""


def latex_pdf(dest: Path, *, title: str, authors: str = "Anna Schmidt, Bo Chen",
              header: str = "", abstract: str = "", body: str = "", ref_dois=(),
              meta_title: str = "", meta_author: str = "", extra_pages: int = 0) -> Path:
    """Compile a one-article PDF and copy it to ``dest``."""
    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex not installed")
    refs = "\n\n".join(f"{i + 1}. Other A, Someone B. A cited work. J Cited. 2019. "
                       f"doi:{d}" for i, d in enumerate(ref_dois)) or "None."
    pages = "".join(f"\n\\newpage\nPage {i + 2} text about leukaemia cohort number {i + 2}.\n"
                    for i in range(extra_pages))
    src = _TEMPLATE % {"meta_title": meta_title, "meta_author": meta_author, "header": header,
                       "title": title, "authors": authors, "abstract": abstract,
                       "body": body + pages, "refs": refs}
    key = hashlib.sha256(src.encode()).hexdigest()[:20]
    out = CACHE / f"{key}.pdf"
    if not out.exists():
        work = CACHE / f"build-{key}-{os.getpid()}"
        work.mkdir(parents=True, exist_ok=True)
        (work / "doc.tex").write_text(src, "utf-8")
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                           cwd=work, capture_output=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(r.stdout.decode("utf-8", "replace")[-2000:])
        os.replace(work / "doc.pdf", out)
        shutil.rmtree(work, ignore_errors=True)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out, dest)
    return dest


def article_pdf(dest: Path, doi: str = "10.1182/bloodadvances.2024012345",
                title: str = "CD123-directed CAR-T cells after venetoclax failure in "
                             "relapsed acute myeloid leukaemia", **kw) -> Path:
    """A journal-like article PDF: the DOI in the header, cited works' DOIs in the references."""
    kw.setdefault("header", f"Blood Advances 2024; 8(3):101--112 \\quad "
                            f"\\url{{https://doi.org/{doi}}}" if doi else "Blood Advances 2024")
    kw.setdefault("abstract", "Chimeric antigen receptor T cells directed against CD123 were "
                              "given to 12 patients with relapsed AML after venetoclax. "
                              "Cytokine release syndrome was mild.")
    kw.setdefault("ref_dois", ("10.1038/s41591-019-0000-1", "10.1056/NEJMoa2000001"))
    return latex_pdf(dest, title=title, **kw)
