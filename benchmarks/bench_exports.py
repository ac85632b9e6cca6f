"""Every export checked by the format's own tools, on folders of real files.

Each input file is imported into a fresh library and exported as biblatex, BibTeX, RIS and
CSL-JSON; then
- biblatex: ``biber --tool --validate-datamodel`` on the export, and a real pdflatex + biber run
  (``--validate-datamodel``): every warning, grouped by kind;
- BibTeX: bibtex with the styles people use (plain, unsrt, alpha, abbrv, ieeetr, apalike,
  natbib's plainnat; the ``.aux`` written as LaTeX writes it for ``\\nocite{*}``) and one
  pdflatex run of the ``plain`` bibliography: warnings grouped by kind;
- CSL-JSON: the official CSL-JSON schema (tests/data/csl-data.json, citation-style-language/
  schema v1.0) with jsonschema, and a bibliography rendered by citeproc-py from the exported
  items as they are;
- RIS: read back by rispy and by AMLRef; the spec's form (TY first, ER last, ``XX  - `` tags,
  PY a year, DA ``YYYY/MM/DD/``);
- round trip: import -> export -> import again, per format: each field that changes or is lost.

    python benchmarks/bench_exports.py [--no-latex] [--json OUT] FILE_OR_FOLDER ...

Nothing is timed: this is a correctness harness (docs/decisions/0030)."""
from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STYLES = ("plain", "unsrt", "alpha", "abbrv", "ieeetr", "apalike", "plainnat")
SUFFIXES = (".bib", ".ris", ".nbib", ".txt", ".xml", ".json", ".enw", ".medline", ".isi")
FIELDS = ("type", "title", "authors", "editors", "container", "container_short", "issued",
          "volume", "issue", "pages", "doi", "pmid", "pmcid", "isbn", "issn", "url", "publisher",
          "language", "abstract", "keywords", "citekey")
BIBLATEX_DOC = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
                "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
                "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n")
BIBTEX_DOC = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
              "\\usepackage{url}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plain}\n"
              "\\bibliography{refs}\n\\end{document}\n")


def inputs(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and
                              f.name.lower().endswith(SUFFIXES) and "output" not in f.name))
        elif p.is_file():
            out.append(p)
    return out


def run(cmd: list[str], cwd, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          encoding="utf-8", errors="replace")


# -- grouping warnings into kinds --------------------------------------------------------------

def bibtex_kind(line: str) -> str:
    s = line.replace("Warning--", "").strip()
    s = re.sub(r" in \S+$", " in KEY", s)
    s = re.sub(r"\"[^\"]*\"", '"X"', s)
    s = re.sub(r"\d+", "N", s)
    return s


def biber_kind(line: str) -> str:
    s = re.sub(r"^.*?(WARN|ERROR) - ", r"\1 ", line.strip())
    s = re.sub(r"(?i)entry '[^']*'", "entry 'KEY'", s)
    s = re.sub(r"(?i)(Datamodel: )?(\w+ )?entry '[^']*' \([^)]*\)", "entry 'KEY'", s)
    s = re.sub(r"'[^']*'", "'X'", s)
    s = re.sub(r"\d+", "N", s)
    s = re.sub(r"/tmp/\S+", "FILE", s)
    return s[:160]


# -- the checks ------------------------------------------------------------------------------------

def check_biblatex(text: str, work: Path, latex: bool) -> dict:
    d = work / "biblatex"
    d.mkdir()
    (d / "refs.bib").write_text(text, encoding="utf-8")
    r = run(["biber", "--tool", "--validate-datamodel", "--output-file", "out.bib", "refs.bib"], d)
    tool = [ln for ln in (r.stdout + r.stderr).splitlines() if "WARN - " in ln or "ERROR - " in ln]
    out = {"tool": tool, "tool_rc": r.returncode}
    if latex:
        (d / "doc.tex").write_text(BIBLATEX_DOC, encoding="utf-8")
        run(["pdflatex", "-interaction=nonstopmode", "doc"], d)
        r = run(["biber", "--validate-datamodel", "doc"], d)
        out["biber"] = [ln for ln in (r.stdout + r.stderr).splitlines()
                        if "WARN - " in ln or "ERROR - " in ln]
        out["biber_rc"] = r.returncode
    return out


def check_bibtex(text: str, work: Path, latex: bool) -> dict:
    d = work / "bibtex"
    d.mkdir()
    (d / "refs.bib").write_text(text, encoding="utf-8")
    out: dict = {}
    for style in STYLES:
        (d / f"{style}.aux").write_text(f"\\relax \n\\citation{{*}}\n\\bibstyle{{{style}}}\n"
                                        "\\bibdata{refs}\n", encoding="utf-8")
        r = run(["bibtex", "-terse", style], d)
        blg = (d / f"{style}.blg").read_text(encoding="utf-8", errors="replace") \
            if (d / f"{style}.blg").exists() else r.stdout
        lines = blg.splitlines()
        warns = [ln for ln in lines if ln.startswith("Warning--")]
        errs = [f"{ln} {lines[i + 1].strip() if i + 1 < len(lines) else ''}"
                for i, ln in enumerate(lines) if "---" in ln and "line" in ln]
        out[style] = {"rc": r.returncode, "warnings": warns, "errors": errs}
    if latex:
        (d / "doc.tex").write_text(BIBTEX_DOC, encoding="utf-8")
        run(["pdflatex", "-interaction=nonstopmode", "doc"], d)
        run(["bibtex", "-terse", "doc"], d)
        r = run(["pdflatex", "-interaction=nonstopmode", "doc"], d)
        log = (d / "doc.log").read_text(encoding="utf-8", errors="replace") \
            if (d / "doc.log").exists() else ""
        out["tex_errors"] = [ln for ln in log.splitlines() if ln.startswith("!")]
    return out


_SCHEMA = None


def check_csljson(text: str) -> dict:
    global _SCHEMA
    import jsonschema
    if _SCHEMA is None:
        schema = json.loads((ROOT / "tests" / "data" / "csl-data.json").read_text())
        _SCHEMA = jsonschema.Draft7Validator(schema)
    items = json.loads(text)
    problems = []
    for e in _SCHEMA.iter_errors(items):
        path = list(e.absolute_path)
        where = "/".join(str(x) for x in path[1:]) or "(item)"
        where = re.sub(r"/\d+", "/N", where)
        problems.append(f"{where}: {e.validator} {e.message[:90]}")
    rendered, errors = 0, []
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON
    from amlref.formats.csl import _load
    style = _load("vancouver")        # the medical default, its parent resolved
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for it in items:
            try:
                bib = CitationStylesBibliography(style, CiteProcJSON([it]), formatter.plain)
                bib.register(Citation([CitationItem(it["id"])]))
                str(bib.bibliography()[0])
                rendered += 1
            except Exception as exc:     # what a user of the file would meet
                errors.append(f"{type(exc).__name__}: {str(exc)[:80]}")
    cite_warn = [re.sub(r"'[^']*'", "'X'", str(w.message))[:100] for w in caught]
    return {"schema": problems, "render_errors": errors, "rendered": rendered,
            "citeproc_warnings": cite_warn}


_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")


def check_ris(text: str, n: int) -> dict:
    import rispy
    problems = []
    records, cur = [], None
    for i, ln in enumerate(text.splitlines(), 1):
        if not ln.strip():
            continue
        if ln.startswith("TY  - "):
            if cur is not None:
                problems.append("TY before ER")
            cur = []
            records.append(cur)
            continue
        if cur is None:
            problems.append("line outside a record")
            continue
        if ln.startswith("ER  -"):
            cur = None
            continue
        if _TAG_LINE.match(ln):
            tag, val = ln[:2], ln[6:]
            if tag == "PY" and not re.fullmatch(r"\d{4}", val):
                problems.append(f"PY not a year: {val[:20]}")
            if tag == "DA" and not re.fullmatch(r"\d{4}(/\d{2}(/\d{2})?)?/?(/[^/]*)?", val):
                problems.append(f"DA not YYYY/MM/DD: {val[:20]}")
            cur.append(tag)
        else:
            cur.append("+")   # a continuation line (of AB/N1 ...)
    if cur is not None:
        problems.append("no ER at the end")
    for rec in records:
        prev = None
        for t in rec:
            if t == "+" and prev not in ("AB", "N1", "N2", "+"):
                problems.append(f"continuation line after {prev}")
            prev = t
    try:
        got = rispy.loads(text)
        rispy_n, rispy_err = len(got), ""
    except Exception as exc:
        rispy_n, rispy_err = 0, f"{type(exc).__name__}: {exc}"
    if rispy_n != n and not rispy_err:
        problems.append(f"rispy read {rispy_n} of {n}")
    if rispy_err:
        problems.append("rispy: " + rispy_err[:100])
    return {"form": problems, "rispy": rispy_n}


# -- round trip ------------------------------------------------------------------------------------

def _norm(fld: str, v):
    if fld in ("authors", "editors"):
        out = []
        for p in v or []:
            fam, given = p.family or "", p.given or ""
            m = re.match(r"^(.*?), *(Jr\.?|Sr\.?|II|III|IV)$", fam)
            if m and given:     # "{Baldwin, Jr.}, Harry L." is "Baldwin, Harry L., Jr."
                fam, given = m.group(1), f"{given}, {m.group(2)}"
            out.append((fam, given, p.literal or ""))
        return out
    if fld == "keywords":
        return sorted(v or [])
    if fld in ("doi",):
        return (v or "").lower()
    if fld == "pages":            # "14-14" is page 14 (RIS writes it as SP 14, EP 14)
        m = re.fullmatch(r"(\w+)\s*-+\s*(\w+)", v or "")
        return m.group(1) if m and m.group(1) == m.group(2) else (v or "")
    return v or ""


def roundtrip(arts, fmt: str, text: str) -> tuple[collections.Counter, int, int]:
    from amlref.services.importing import parse_data
    ext = {"biblatex": ".bib", "bibtex": ".bib", "ris": ".ris", "csljson": ".json"}[fmt]
    res = parse_data(text.encode("utf-8"), "export" + ext)
    keyed = {b.citekey: b for b in res.articles if b.citekey}
    # RIS has no citation key field AMLRef reads back: there the export's order
    by_order = fmt == "ris" and len(res.articles) == len(arts)
    changed: collections.Counter = collections.Counter()
    missing = 0
    for i, a in enumerate(arts):
        b = res.articles[i] if by_order else keyed.get(a.citekey)
        if b is None:
            missing += 1
            continue
        for f in FIELDS:
            if f == "citekey" and fmt == "ris":
                continue
            x, y = _norm(f, getattr(a, f)), _norm(f, getattr(b, f))
            if x != y:
                changed[f + (" lost" if not y else " changed")] += 1
    return changed, missing, len(res.problems)


# -- one file -------------------------------------------------------------------------------------

def one(path: Path, latex: bool, keep: str | None = None) -> dict:
    from amlref.services.exporting import export_view
    from amlref.services.importing import import_results, parse_data, read_input
    from amlref.storage.library import Library
    rec: dict = {"file": str(path)}
    data, _ = read_input(str(path))
    try:
        res = parse_data(data, str(path))
    except Exception as exc:
        rec["refused"] = str(exc)[:200]
        return rec
    if not res.articles:
        rec["refused"] = "no records"
        return rec
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if keep:
            work = Path(keep) / re.sub(r"\W+", "_", str(path))[-80:]
            work.mkdir(parents=True, exist_ok=True)
        lib = Library.open(work / "lib.sqlite")
        try:
            import_results(lib, [(str(path), res)], classify=False, defer_index=True)
            exports = {fmt: export_view(lib, fmt)[0]
                       for fmt in ("biblatex", "bibtex", "ris", "csljson")}
            if keep:
                for fmt, text in exports.items():
                    (work / f"export.{fmt}").write_text(text, encoding="utf-8")
            arts = lib.articles.get_many([r[0] for r in lib.execute(
                "SELECT id FROM articles ORDER BY citekey COLLATE BINARY")])
        finally:
            lib.close()
        rec["records"] = len(arts)
        rec["biblatex"] = check_biblatex(exports["biblatex"], work, latex)
        rec["bibtex"] = check_bibtex(exports["bibtex"], work, latex)
        rec["csljson"] = check_csljson(exports["csljson"])
        rec["ris"] = check_ris(exports["ris"], len(arts))
        rec["roundtrip"] = {}
        for fmt, text in exports.items():
            changed, missing, problems = roundtrip(arts, fmt, text)
            rec["roundtrip"][fmt] = {"changed": dict(changed), "missing": missing,
                                     "problems": problems}
    return rec


def summary(recs: list[dict]) -> str:
    ok = [r for r in recs if "records" in r]
    n = sum(r["records"] for r in ok)
    lines = [f"files {len(recs)} (refused {len(recs) - len(ok)}), records {n}"]

    def group(title, items, kind=lambda s: s, top=25):
        c = collections.Counter(kind(s) for s in items)
        lines.append(f"\n## {title}: {sum(c.values())}")
        for k, v in c.most_common(top):
            lines.append(f"  {v:6d}  {k}")

    group("biber --tool --validate-datamodel", [w for r in ok for w in r["biblatex"]["tool"]],
          biber_kind)
    if any("biber" in r["biblatex"] for r in ok):
        group("biber (pdflatex document, --validate-datamodel)",
              [w for r in ok for w in r["biblatex"].get("biber", [])], biber_kind)
    for style in STYLES:
        group(f"bibtex {style} warnings", [w for r in ok for w in r["bibtex"][style]["warnings"]],
              bibtex_kind, top=12)
        errs = [w for r in ok for w in r["bibtex"][style]["errors"]]
        if errs:
            group(f"bibtex {style} errors", errs, bibtex_kind, top=8)
    if any("tex_errors" in r["bibtex"] for r in ok):
        group("pdflatex errors (plain)", [w for r in ok for w in r["bibtex"].get("tex_errors", [])])
    group("CSL-JSON schema", [w for r in ok for w in r["csljson"]["schema"]])
    group("citeproc-py render errors", [w for r in ok for w in r["csljson"]["render_errors"]])
    group("citeproc-py warnings", [w for r in ok for w in r["csljson"]["citeproc_warnings"]])
    group("RIS form and rispy", [w for r in ok for w in r["ris"]["form"]],
          lambda s: re.sub(r": .*", "", s))
    for fmt in ("biblatex", "bibtex", "ris", "csljson"):
        c = collections.Counter()
        for r in ok:
            c.update(r["roundtrip"][fmt]["changed"])
        miss = sum(r["roundtrip"][fmt]["missing"] for r in ok)
        lines.append(f"\n## round trip {fmt}: records missing {miss}, field changes "
                     f"{sum(c.values())}")
        for k, v in c.most_common(30):
            lines.append(f"  {v:6d}  {k}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--no-latex", action="store_true", help="no pdflatex runs (biber --tool "
                    "and bibtex still run)")
    ap.add_argument("--json", help="write one JSON line per file here")
    ap.add_argument("--keep", help="keep each file's exports and LaTeX runs in this folder")
    args = ap.parse_args(argv)
    import logging
    logging.disable(logging.WARNING)
    files = inputs(args.paths)
    recs = []
    out = open(args.json, "w") if args.json else None
    for i, p in enumerate(files, 1):
        try:
            rec = one(p, not args.no_latex, args.keep)
        except Exception as exc:
            rec = {"file": str(p), "crash": f"{type(exc).__name__}: {exc}"[:300]}
        recs.append(rec)
        if out:
            out.write(json.dumps(rec) + "\n")
            out.flush()
        print(f"[{i}/{len(files)}] {p} {rec.get('records', rec.get('refused') or rec.get('crash'))}",
              file=sys.stderr)
    crashes = [r for r in recs if "crash" in r]
    print(summary([r for r in recs if "crash" not in r]))
    for r in crashes:
        print("CRASH", r["file"], r["crash"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
