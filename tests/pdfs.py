"""Real test PDFs made by real tools: journal-like articles compiled with pdflatex (document info
written by hyperref and ``\\pdfinfo``, XMP written as a /Metadata stream exactly as hyperxmp does
under pdfTeX), and hostile files derived from them.  Used by tests/test_pdf_*.py and
benchmarks/bench_pdf.py.

``article(dir, name, **options)`` returns the path of a compiled PDF (cached by its source, so a
test session compiles each variant once).  Needs ``pdflatex`` (``have_pdflatex()``)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent.parent / ".pytest_cache" / "pdfs"


def have_pdflatex() -> bool:
    return shutil.which("pdflatex") is not None


def need_pdflatex():
    if not have_pdflatex():
        pytest.skip("pdflatex not installed")


# Sample cited works: real-looking DOIs of other papers, for the reference list.
CITED = [
    ("Döhner H, Wei AH, Appelbaum FR, et al.", "Diagnosis and management of AML in adults: 2022 "
     "recommendations from an international expert panel on behalf of the ELN.", "Blood",
     "2022;140:1345--1377", "10.1182/blood.2022016867"),
    ("Daver N, Garcia-Manero G, Basu S, et al.", "Efficacy, safety, and biomarkers of response to "
     "azacitidine and nivolumab in relapsed/refractory acute myeloid leukemia.", "Cancer Discov",
     "2019;9:370--383", "10.1158/2159-8290.CD-18-0774"),
    ("Uy GL, Aldoss I, Foster MC, et al.", "Flotetuzumab as salvage immunotherapy for refractory "
     "acute myeloid leukemia.", "Blood", "2021;137:751--762", "10.1182/blood.2020007732"),
    ("Sallman DA, DeAngelo DJ, Pemmaraju N, et al.", "Ameli-01: a phase I trial of UCART123.",
     "Blood", "2022;140:2245--2247", "10.1182/blood-2022-163754"),
    ("Vago L, Gojo I.", "Immune escape and immunotherapy of acute myeloid leukemia.",
     "J Clin Invest", "2020;130:1552--1564", "10.1172/JCI129204"),
    ("Isidori A, Cerchione C, Daver N, et al.", "Immunotherapy in acute myeloid leukemia: where "
     "we stand.", "Front Oncol", "2021;11:656218", "10.3389/fonc.2021.656218"),
]

LOREM = ("Acute myeloid leukaemia relapses after chemotherapy in most adults, and the immune system "
         "is one of the few forces known to hold it in check for years. Allogeneic transplantation "
         "shows it: the graft-versus-leukaemia effect cures patients whom chemotherapy alone would "
         "not. We studied how leukaemic blasts escape T cells and natural killer cells, and whether "
         "checkpoint blockade restores their control. ")


@dataclass
class Article:
    """What a test PDF prints and stores; the expected values of a reader."""
    title: str = "CD123-directed bispecific antibodies restore T-cell control of acute myeloid leukaemia"
    authors: list[str] = field(default_factory=lambda: ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"])
    journal: str = "Journal of Leukaemia Immunology"
    year: str = "2023"
    doi: str = "10.1234/jli.2023.0457"
    abstract: str = ("Bispecific antibodies that bind CD123 on leukaemic blasts and CD3 on T cells "
                     "induced remissions in a subset of patients with relapsed acute myeloid "
                     "leukaemia. We describe the T-cell states associated with response.")
    doi_place: str = "header"        # header | footer | cite | broken | stamp | none
    stamp: str = ""                  # a download stamp printed on every page (may hold a DOI)
    pmid: str = ""
    pmcid: str = ""
    cover_doi: str = ""              # a JSTOR-like cover page with the archive's DOI first
    meta_title: str | None = None    # document info title; None = the real title
    meta_subject: str = ""           # document info subject (e.g. "doi:10...")
    info_doi: bool = False           # a /doi key in the document info
    xmp: bool = False                # an XMP /Metadata stream with dc:title, prism:doi
    xmp_doi: str | None = None       # the DOI in XMP (None = the article's)
    references: list = field(default_factory=lambda: list(CITED))
    body_pages: int = 1              # pages of body text between abstract and references
    scan: bool = False               # one page that is an image only (no text layer)
    heading: str = "Abstract"
    style: str = "journal"           # journal (header, two columns) | maketitle (a preprint) |
                                     # masthead (a publisher's: big journal name, DOI in a footnote)
    arxiv: str = ""                  # an arXiv stamp in the left margin of page 1 ("2301.01234v2")


def _tex_escape(s: str) -> str:
    out = []
    for ch in s:
        if ch in "&%$#_{}":
            out.append("\\" + ch)
        elif ch == "~":
            out.append("\\textasciitilde{}")
        elif ch == "\\":
            out.append("\\textbackslash{}")
        else:
            out.append(ch)
    return "".join(out)


def _url(doi: str) -> str:
    return "\\nolinkurl{https://doi.org/" + doi + "}"


def _xmp(a: Article) -> str:
    doi = a.doi if a.xmp_doi is None else a.xmp_doi
    title = a.title if a.meta_title is None else a.meta_title
    creators = "".join(f"<rdf:li>{_xml(n)}</rdf:li>" for n in a.authors)
    ident = f"<dc:identifier>doi:{doi}</dc:identifier>" if doi else ""
    prism = f"<prism:doi>{doi}</prism:doi><prism:url>https://doi.org/{doi}</prism:url>" if doi else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">\n'
        '<dc:format>application/pdf</dc:format>\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(title)}</rdf:li></rdf:Alt></dc:title>\n'
        f'<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>\n'
        f'{ident}\n{prism}\n'
        f'<prism:publicationName>{_xml(a.journal)}</prism:publicationName>\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>')


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tex(a: Article) -> str:
    title = a.title if a.meta_title is None else a.meta_title
    subject = a.meta_subject
    info = []
    if a.info_doi and a.doi:
        info.append(f"/doi ({a.doi})")
    lines = [
        r"\documentclass[10pt,twocolumn]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[margin=2cm]{geometry}\usepackage{graphicx}\usepackage{fancyhdr}\usepackage{url}",
        r"\usepackage[hidelinks,pdfusetitle=false]{hyperref}",
        r"\hypersetup{pdftitle={" + _tex_escape(title) + "},pdfauthor={"
        + _tex_escape(", ".join(a.authors)) + "},pdfsubject={" + _tex_escape(subject) + "}}",
        r"\pdfinfo{" + " ".join(info) + "}",
        r"\pagestyle{fancy}\fancyhf{}",
    ]
    if a.xmp:
        xmp = a._xmp_file  # type: ignore[attr-defined]
        lines.append(r"{\pdfcompresslevel=0 \immediate\pdfobj stream attr {/Type /Metadata "
                     r"/Subtype /XML} file {" + xmp + "}}")
        lines.append(r"\pdfcatalog{/Metadata \the\pdflastobj\space 0 R}")
    head = _tex_escape(f"{a.journal} {a.year}")
    if a.doi and a.doi_place == "header":
        lines.append(r"\fancyhead[L]{\small " + head + r"}\fancyhead[R]{\small " + _url(a.doi) + "}")
    else:
        lines.append(r"\fancyhead[L]{\small " + head + "}")
    if a.doi and a.doi_place == "footer":
        lines.append(r"\fancyfoot[L]{\small DOI: \nolinkurl{" + a.doi + "}}")
    if a.stamp:
        lines.append(r"\fancyfoot[C]{\footnotesize " + a.stamp + "}")
    lines.append(r"\fancyfoot[R]{\thepage}")
    lines.append(r"\begin{document}")
    if a.scan:
        lines.append(r"\thispagestyle{empty}\noindent\includegraphics[width=\textwidth]{scan.png}")
        lines.append(r"\end{document}")
        return "\n".join(lines) + "\n"
    if a.cover_doi:
        lines += [r"\onecolumn\thispagestyle{empty}\begin{center}",
                  r"{\large " + _tex_escape(a.title) + r"\par}\medskip",
                  _tex_escape(", ".join(a.authors)) + r"\par\medskip",
                  r"Stable URL: \nolinkurl{https://www.jstor.example/stable/" + a.cover_doi.split("/")[-1] + r"}\par",
                  r"DOI: \nolinkurl{" + a.cover_doi + r"}\par\bigskip",
                  r"Publisher DOI: \nolinkurl{" + a.doi + r"}\par\vfill",
                  r"\small Your use of the archive indicates your acceptance of the Terms and Conditions "
                  r"of Use. The archive is a not-for-profit service.\end{center}\clearpage\twocolumn"]
    if a.style == "masthead":
        lines += [r"\thispagestyle{empty}\twocolumn[{\begin{flushleft}",
                  r"{\small " + _tex_escape(f"{a.journal} 45 ({a.year}) 100723") + r"\par}\medskip",
                  r"{\small Contents lists available at ScienceDirect\par}",
                  r"{\Huge " + _tex_escape(a.journal) + r"\par}",
                  r"{\small journal homepage: \nolinkurl{www.example.com/locate/jli}\par}\bigskip",
                  r"{\small Review\par}",
                  r"{\LARGE " + _tex_escape(a.title) + r"\par}\medskip",
                  r"{\large " + ", ".join(_tex_escape(x) + r"\,$^{" + "abc"[k % 3] + ",*}$"
                                           for k, x in enumerate(a.authors)) + r"\par}\medskip",
                  r"{\footnotesize $^{a}$ Department of Haematology, University Hospital, Bergen, Norway\par}",
                  r"\medskip{\small a r t i c l e \ i n f o\par Keywords: AML, CD123\par}\medskip",
                  r"{\small a b s t r a c t\par}", _tex_escape(a.abstract) + r"\par\bigskip",
                  r"\end{flushleft}}]",
                  r"\section{Introduction}" + _tex_escape(LOREM * 3),
                  r"\par\vfill\noindent{\footnotesize $^{*}$ Corresponding author. E-mail: m.rossi@example.org\par"
                  r"\noindent \nolinkurl{https://doi.org/" + a.doi + r"}\par\noindent Received 3 May "
                  + a.year + r"; Accepted 9 June " + a.year + r"\par}",
                  r"\newpage\section{Discussion}" + _tex_escape(LOREM * 8)]
        a = _copy(a, abstract="")
        lines.append(r"\section*{References}\begin{small}\begin{enumerate}")
        for auth, tit, jour, where, doi in a.references:
            lines.append(r"\item " + _tex_escape(f"{auth} {tit} {jour}. {where}.") + r" doi:\nolinkurl{" + doi + "}")
        lines += [r"\end{enumerate}\end{small}", r"\end{document}"]
        return "\n".join(lines) + "\n"
    if a.style == "maketitle":
        lines[0] = r"\documentclass[11pt]{article}"
        lines += [r"\title{" + _tex_escape(a.title) + "}",
                  r"\author{" + r" \and ".join(_tex_escape(x) for x in a.authors) + "}",
                  r"\date{" + a.year + "}", r"\maketitle\thispagestyle{fancy}"]
        if a.arxiv:
            lines.append(r"\noindent\llap{\raisebox{-14cm}[0pt][0pt]{\rotatebox{90}{\Large arXiv:" + a.arxiv
                         + r" [q-bio.CB] 3 Feb " + a.year + r"}}\hspace{1.5cm}}")
        if a.abstract:
            lines += [r"\begin{abstract}", _tex_escape(a.abstract), r"\end{abstract}"]
        a = _copy(a, abstract="")
        lines += [r"\twocolumn[{\begin{flushleft}"]
    else:
        lines += [r"\twocolumn[{\begin{flushleft}",
                  r"{\LARGE\bfseries " + _tex_escape(a.title) + r"\par}\vspace{1em}",
                  r"{\large " + _tex_escape(", ".join(a.authors)) + r"\par}\vspace{0.5em}",
                  r"{\small Department of Haematology, University Hospital\par}\vspace{1em}"]
    if a.doi and a.doi_place == "broken":
        # a long URL broken by the line width inside a narrow box, as two-column layouts do
        lines.append(r"\parbox{3.2cm}{\small\raggedright https://doi.org/" + a.doi.replace("/", "/\\linebreak ") + r"}\par")
    ids = []
    if a.pmid:
        ids.append("PMID: " + a.pmid)
    if a.pmcid:
        ids.append("PMCID: " + a.pmcid)
    if ids:
        lines.append(r"{\small " + "; ".join(ids) + r"\par}")
    if a.abstract:
        lines += [r"\textbf{" + a.heading + r"}\par", _tex_escape(a.abstract) + r"\par\vspace{1em}"]
    lines.append(r"\end{flushleft}}]")
    lines.append(r"\section{Introduction}" + _tex_escape(LOREM * 6))
    for i in range(max(0, a.body_pages - 1)):
        lines.append(r"\section{Results " + str(i + 1) + "}" + _tex_escape(LOREM * 14))
    if a.references:
        lines.append(r"\section*{References}\begin{small}\begin{enumerate}")
        for auth, tit, jour, where, doi in a.references:
            lines.append(r"\item " + _tex_escape(f"{auth} {tit} {jour}. {where}.") + " doi:" + r"\nolinkurl{" + doi + "}")
        lines.append(r"\end{enumerate}\end{small}")
    if a.doi and a.doi_place == "cite":
        lines += [r"\par\medskip\noindent\fbox{\parbox{0.9\columnwidth}{\small\textbf{Cite this article:} "
                  + _tex_escape(", ".join(a.authors) + ". " + a.title + ". " + a.journal + f". {a.year}.")
                  + r" \nolinkurl{https://doi.org/" + a.doi + "}}}"]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _copy(a: Article, **changes) -> Article:
    from dataclasses import replace
    return replace(a, **changes)


def _scan_png(path: Path) -> None:
    """A grey 'scanned page' image (PNG written with zlib, no text in it)."""
    import struct
    w, h = 400, 520
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            dark = (40 < x < 360) and (y % 14 < 3) and (60 < y < 480) and ((x * 7 + y) % 23 > 4)
            rows.append(60 if dark else 235)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b""))
    path.write_bytes(png)


def compile_tex(tex: str, workdir: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    """Compile ``tex`` with pdflatex (cached by content); returns the PDF copied into workdir."""
    key = hashlib.sha256((tex + repr(sorted((extra or {}).items()))).encode()).hexdigest()[:16]
    cached = CACHE / key / "doc.pdf"
    if not cached.exists():
        build = CACHE / (key + ".build")
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir(parents=True)
        for fname, content in (extra or {}).items():
            if fname.endswith(".png"):
                _scan_png(build / fname)
            else:
                (build / fname).write_text(content, encoding="utf-8")
        (build / "doc.tex").write_text(tex, encoding="utf-8")
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                           cwd=build, capture_output=True, text=True, errors="replace", timeout=300)
        if r.returncode != 0 or not (build / "doc.pdf").exists():
            raise RuntimeError("pdflatex failed:\n" + r.stdout[-3000:])
        (CACHE / key).mkdir(parents=True, exist_ok=True)
        shutil.copy(build / "doc.pdf", cached)
        shutil.rmtree(build, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{name}.pdf"
    shutil.copy(cached, out)
    return out


def article(workdir: Path, name: str = "article", a: Article | None = None, **options) -> Path:
    a = a or Article(**options)
    extra = {}
    if a.xmp:
        extra["meta.xmp"] = _xmp(a)
        a._xmp_file = "meta.xmp"  # type: ignore[attr-defined]
    if a.scan:
        extra["scan.png"] = ""
    return compile_tex(_tex(a), workdir, name, extra)


def maker(workdir: Path):
    """``build(name="a", **options)`` -> ``article(workdir, name, **options)``, for a test's
    ``make`` fixture (skips the test when pdflatex is missing)."""
    need_pdflatex()

    def build(name: str = "a", **options) -> Path:
        return article(workdir, name, **options)
    return build


def book(workdir: Path, pages: int = 1000, name: str = "book") -> Path:
    """A plain book of ``pages`` pages (a few lines each), compiled by pdflatex."""
    tex = (r"\documentclass{article}\begin{document}\newcount\n\n=0"
           r"\loop\advance\n by 1 Page \the\n\ of a long book about leukaemia immunotherapy."
           r"\newpage\ifnum\n<" + str(pages) + r"\repeat\end{document}")
    return compile_tex(tex, workdir, name)


# -- hostile files derived from real ones ----------------------------------------------------------

def truncated(src: Path, dest: Path, fraction: float = 0.5) -> Path:
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def junk_before_header(src: Path, dest: Path, junk: bytes = b"GARBAGE" * 100 + b"\n") -> Path:
    dest.write_bytes(junk + src.read_bytes())
    return dest


def encrypted(src: Path, dest: Path, user: str = "", owner: str = "owner") -> Path:
    """Encrypted with pikepdf (qpdf): AES-256, the given user password ("" opens without one)."""
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(src) as pdf:
        pdf.save(dest, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return dest


def png_renamed(dest: Path) -> Path:
    _scan_png(dest)
    return dest


def deep_nesting(dest: Path, depth: int = 200_000) -> Path:
    """A PDF whose page content and one object are arrays nested ``depth`` deep (a parser bomb),
    written with a correct xref table so readers do get to parse it."""
    content = b"BT /F1 12 Tf 72 720 Td (deep) Tj ET\n" + b"[" * depth + b"]" * depth
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /Nested 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"[" * depth + b"]" * depth,
    ]
    return _write_pdf(dest, objs)


def huge_page_tree(dest: Path, kids: int = 200_000) -> Path:
    """A page tree that claims ``kids`` pages, all the same page object, plus a loop back to
    the root of the tree (readers must neither run forever nor allocate without bound)."""
    page_refs = b" ".join([b"3 0 R"] * kids)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + page_refs + b" 2 0 R] /Count 2000000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    return _write_pdf(dest, objs)


def _write_pdf(dest: Path, objs: list[bytes]) -> Path:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    dest.write_bytes(bytes(out))
    return dest


def flate_bomb(dest: Path, megabytes: int = 600) -> Path:
    """One page whose content stream inflates to ``megabytes`` MB of spaces (a zip bomb):
    a reader must stay within its memory limit."""
    co = zlib.compressobj(9)
    chunk = b" " * 2**20
    data = b"".join(co.compress(chunk) for _ in range(megabytes)) + co.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    return _write_pdf(dest, objs)


# -- free-form publisher layouts, metadata as other producers write it, scans ------------------------

def layout_pdf(workdir: Path, name: str, front: str, *, head: str = "", foot: str = "",
               body_pages: int = 1, references: int = 0, end: str = "",
               preamble: str = "") -> Path:
    """A two-column article whose first page is ``front`` (LaTeX, set across both columns),
    ``head``/``foot`` printed on every page (a running header, a download stamp), ``body_pages``
    of text, ``references`` cited works (each with its DOI, the CITED ones first) and ``end``
    (LaTeX after the reference list: a "Cite this article" box, an article-information block)."""
    need_pdflatex()
    refs = [c for c in CITED] + [("Other A, Someone B.", f"Cited work number {k}.", "J Cited",
                                  f"20{10 + k % 14};{k}:1--9", f"10.{5000 + k}/cited.{k:04d}")
                                 for k in range(max(0, references - len(CITED)))]
    lines = [
        r"\documentclass[10pt,twocolumn]{article}",
        r"\usepackage[utf8]{inputenc}\usepackage[T1]{fontenc}",
        r"\usepackage[margin=2cm]{geometry}\usepackage{fancyhdr}\usepackage{url}\usepackage{textcomp}",
        r"\usepackage[hidelinks]{hyperref}" + preamble,
        r"\pagestyle{fancy}\fancyhf{}\renewcommand{\headrulewidth}{0pt}",
        r"\fancyhead[C]{\footnotesize " + head + "}" if head else "",
        r"\fancyfoot[C]{\footnotesize " + foot + "}" if foot else "",
        r"\fancyfoot[R]{\thepage}",
        r"\begin{document}",
        r"\twocolumn[{\begin{flushleft}" + front + r"\end{flushleft}\bigskip}]",
        r"\thispagestyle{fancy}",
        r"\section{Introduction}" + _tex_escape(LOREM * 6),
    ]
    for i in range(max(0, body_pages - 1)):
        lines.append(r"\section{Results " + str(i + 1) + "}" + _tex_escape(LOREM * 14))
    if refs[:references]:
        lines.append(r"\section*{References}\begin{small}\begin{enumerate}")
        for auth, tit, jour, where, doi in refs[:references]:
            lines.append(r"\item " + _tex_escape(f"{auth} {tit} {jour}. {where}.")
                         + r" doi:\nolinkurl{" + doi + "}")
        lines.append(r"\end{enumerate}\end{small}")
    lines += [end, r"\end{document}"]
    return compile_tex("\n".join(lines) + "\n", workdir, name)


def with_metadata(src: Path, dest: Path, info: dict[str, str] | None = None,
                  xmp: str | None = None) -> Path:
    """``src`` with its document info replaced by ``info`` and (when given) the XMP packet
    ``xmp`` as the catalog's /Metadata stream, written by pikepdf (qpdf), as a producer that
    is not TeX writes them (Word, InDesign, a publisher's stamping tool)."""
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(src) as pdf:
        for k in list(pdf.docinfo.keys()):
            del pdf.docinfo[k]
        for k, v in (info or {}).items():
            pdf.docinfo[pikepdf.Name("/" + k)] = pikepdf.String(v)
        if xmp is not None:
            stream = pikepdf.Stream(pdf, xmp.encode("utf-8"))
            stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
            pdf.Root.Metadata = pdf.make_indirect(stream)
        pdf.save(dest)
    return dest


def xmp_packet(fields: str) -> str:
    """An XMP packet with ``fields`` (RDF/XML properties) in one rdf:Description, the
    namespaces of dc, prism, pdfx and xmp declared, as Acrobat and publishers write it."""
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c015">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"'
            ' xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
            ' xmlns:crossmark="http://crossref.org/crossmark/1.0/">\n'
            + fields + '\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>')


def scanned(src: Path, dest: Path, pages: int = 2, scale: float = 1.5) -> Path:
    """A scan of ``src``: its first pages rendered to images with PDFium (pypdfium2) and
    written as an image-only PDF by Pillow (no text layer at all), as a scanner's software does."""
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(src))
    images = [doc[i].render(scale=scale, grayscale=True).to_pil().convert("L")
              for i in range(min(pages, len(doc)))]
    doc.close()
    images[0].save(dest, "PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return dest
