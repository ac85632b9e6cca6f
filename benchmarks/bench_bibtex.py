"""BibTeX import/export speed against bare bibtexparser, measured in the same run.

    python benchmarks/bench_bibtex.py [--limit N] [--file PATH]
    python benchmarks/bench_bibtex.py --latex [--repeat N] [PATH ...]
    python benchmarks/bench_bibtex.py --decoder [--repeat N] [PATH ...]

``--decoder``: our LaTeX decoder against pylatexenc on every distinct field value with LaTeX in
those files (why the decoder is our own).
``--latex``: the LaTeX-heavy files (TUGboat's bibliography, biblatex-examples.bib, JabRef's
testbib folder concatenated, by default), each timed ``--repeat`` times in this process,
alternating: ``bibtexparser.parse_string`` of the text, ``BibtexImporter.parse`` (split, macros,
LaTeX decoding, names: the format's own work) and the whole import into a new SQLite file.
Ratios of the minimum and of the median times; target <= 1.5 for the import.

Import: ``amlref import`` path (services.importing.import_paths: decode, parse, LaTeX
decoding, names, dedup, SQLite with FTS, classification) into a new SQLite file, against
``bibtexparser.parse_string`` of the same text.  Target ratio <= 1.5.
Export: ``export_view(lib, "bibtex")`` of the resulting library against
``bibtexparser.write_string(library)`` (its default stack) of the parsed library.
Target ratio <= 1.0.  The ratio against an in-place unparse stack is printed too.
Peak memory (ru_maxrss of this process) should stay under 1 GB.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPORA = Path(os.environ.get("AMLREF_CORPORA", ROOT.parent / "shared" / "corpora"))
DEFAULT = CORPORA / "large" / "glottolog-all-69k.bib.gz"


def first_entries(text: str, limit: int) -> str:
    """The text up to the start of entry number ``limit + 1``."""
    count, pos = 0, 0
    while True:
        i = text.find("\n@", pos)
        if i < 0:
            return text
        count += 1
        if count > limit:
            return text[:i + 1]
        pos = i + 2


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


LATEX_FILES = [CORPORA / "large" / "tugboat.bib", CORPORA / "bibtex" / "biblatex-examples.bib",
               CORPORA / "bibtex" / "jabref-testbib"]


def _read(path: Path) -> str:
    from amlref.core.text import read_text
    if path.is_dir():
        return "\n".join(read_text(str(p))[0] for p in sorted(path.glob("*.bib")))
    return read_text(str(path))[0]


def latex_heavy(paths: list[str], repeat: int) -> int:
    import statistics
    import bibtexparser
    from amlref.formats.bibtex import BibtexImporter
    from amlref.services.importing import import_paths
    from amlref.storage.library import Library

    cold = True
    for path in [Path(p) for p in paths] or LATEX_FILES:
        if not path.exists():
            print(f"skipped: {path} not found")
            continue
        text = _read(path)
        times: dict[str, list[float]] = {"bibtexparser": [], "parse": [], "import": []}
        n = 0
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "input.bib")
            Path(src).write_text(text, encoding="utf-8")
            for i in range(repeat):
                gc.collect()
                t0 = time.perf_counter()
                bib = bibtexparser.parse_string(text)
                times["bibtexparser"].append(time.perf_counter() - t0)
                n = len(bib.entries)
                del bib
                gc.collect()
                t0 = time.perf_counter()
                BibtexImporter().parse(text, src)
                times["parse"].append(time.perf_counter() - t0)
                lib = Library.open(os.path.join(tmp, f"library{i}.sqlite"))
                gc.collect()
                t0 = time.perf_counter()
                import_paths(lib, [src])
                times["import"].append(time.perf_counter() - t0)
                lib.close()
        base_min, base_med = min(times["bibtexparser"]), statistics.median(times["bibtexparser"])
        print(f"{path.name}: {n} entries, {len(text) / 1e6:.2f} MB, {repeat} runs; "
              f"bibtexparser.parse_string min {base_min:.3f} s, median {base_med:.3f} s")
        if cold:     # what a user's first import pays (classifier rules compiled, modules)
            print(f"  first import in this process (cold) {times['import'][0]:.3f} s   ratio to "
                  f"the median parse_string {times['import'][0] / base_med:.2f}")
            cold = False
        for what in ("parse", "import"):
            t = times[what]
            print(f"  {what:7s} min {min(t):.3f} s  median {statistics.median(t):.3f} s   "
                  f"ratio min/min {min(t) / base_min:.2f}  median/median "
                  f"{statistics.median(t) / base_med:.2f}"
                  + ("  (target <= 1.5)" if what == "import" else ""))
    return 0


def decoder(paths: list[str], repeat: int) -> int:
    """The LaTeX decoder against pylatexenc on every field value with LaTeX in the files."""
    import statistics
    from amlref.formats import latex
    from amlref.formats.bibtex_read import BibtexImporter
    from pylatexenc.latex2text import LatexNodes2Text

    values: list[str] = []
    seen = {}

    def keep(v):
        if latex.has_latex(v) and v not in seen:
            seen[v] = None
            values.append(v)

    for path in [Path(p) for p in paths] or LATEX_FILES:
        if path.exists():
            for a in BibtexImporter().parse(_read(path), str(path)).articles:
                for v in ((a.extra.get("bibtex") or {}).get("raw") or {}).values():
                    keep(v)
    with_math = sum("$" in v or "\\(" in v for v in values)
    l2t = LatexNodes2Text(math_mode="text", keep_comments=False, strict_latex_spaces=False)
    ours, theirs = [], []
    for _ in range(repeat):
        latex._DECODED.clear()
        latex._MATH_DONE.clear()
        t0 = time.perf_counter()
        for v in values:
            latex.to_unicode(v)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for v in values:
            l2t.latex_to_text(v)
        theirs.append(time.perf_counter() - t0)
    print(f"{len(values)} distinct values with LaTeX ({with_math} with math), {repeat} runs, "
          f"caches emptied before each: to_unicode median {statistics.median(ours):.3f} s, "
          f"pylatexenc median {statistics.median(theirs):.3f} s, "
          f"{statistics.median(theirs) / statistics.median(ours):.0f}x faster")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=0, help="only the first N entries")
    ap.add_argument("--latex", action="store_true", help="the LaTeX-heavy files, repeated")
    ap.add_argument("--decoder", action="store_true",
                    help="the LaTeX decoder against pylatexenc on the files' LaTeX values")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("paths", nargs="*", help="files or folders for --latex")
    args = ap.parse_args()
    if args.latex:
        return latex_heavy(args.paths, args.repeat)
    if args.decoder:
        return decoder(args.paths, args.repeat)
    if not os.path.exists(args.file):
        print(f"skipped: {args.file} not found")
        return 0
    import bibtexparser
    from bibtexparser.middlewares import default_unparse_stack
    from amlref.services.exporting import export_view
    from amlref.services.importing import import_paths
    from amlref.storage.library import Library

    raw = Path(args.file).read_bytes()
    if args.file.endswith(".gz"):
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    if args.limit:
        text = first_entries(text, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "input.bib")
        Path(src).write_text(text, encoding="utf-8")
        del raw

        # amlref first, so that the peak memory after it is the import's own.  The baseline
        # parse is timed before and after (the machine may be shared): the mean is used.
        # (the first baseline runs in a child process, to keep this process's peak memory)
        import subprocess
        child = subprocess.run(
            [sys.executable, "-c", "import sys, time, bibtexparser; "
             "t = open(sys.argv[1], encoding='utf-8').read(); t0 = time.perf_counter(); "
             "bibtexparser.parse_string(t); print(time.perf_counter() - t0)", src],
            capture_output=True, text=True, check=True)
        t_parse_before = float(child.stdout.strip().splitlines()[-1])

        lib = Library.open(os.path.join(tmp, "library.sqlite"))
        gc.collect()
        t0 = time.perf_counter()
        report = import_paths(lib, [src])
        t_import = time.perf_counter() - t0
        mem_import = peak_mb()

        gc.collect()
        t0 = time.perf_counter()
        out, n_out = export_view(lib, "bibtex")
        t_export = time.perf_counter() - t0
        lib.close()
        size_out = len(out)
        del out

        gc.collect()
        t0 = time.perf_counter()
        bib = bibtexparser.parse_string(text)
        t_parse_after = time.perf_counter() - t0
        t_parse = (t_parse_before + t_parse_after) / 2
        n_entries = len(bib.entries)

        gc.collect()
        t0 = time.perf_counter()
        bibtexparser.write_string(bib)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        bibtexparser.write_string(bib, unparse_stack=default_unparse_stack(
            allow_inplace_modification=True))
        t_write_inplace = time.perf_counter() - t0
        del bib

    print(f"entries: {n_entries} parsed by bibtexparser; imported {len(report.added)} added, "
          f"{len(report.merged) + len(report.unchanged)} merged, {len(report.skipped)} skipped")
    print(f"import:  amlref {t_import:7.2f} s   bibtexparser.parse_string {t_parse:7.2f} s   "
          f"ratio {t_import / t_parse:5.2f}  (target <= 1.5)\n"
          f"         (parse_string timed before and after the import: {t_parse_before:.2f} s, "
          f"{t_parse_after:.2f} s)")
    print(f"export:  amlref {t_export:7.2f} s   bibtexparser.write_string {t_write:7.2f} s   "
          f"ratio {t_export / t_write:5.2f}  (target <= 1.0)   {n_out} entries, "
          f"{size_out / 1e6:.1f} MB")
    print(f"         (write_string with an in-place unparse stack: {t_write_inplace:.2f} s, "
          f"ratio {t_export / t_write_inplace:.2f})")
    print(f"peak memory of the import (measured first): {mem_import:.0f} MB (target < 1024); "
          f"whole run {peak_mb():.0f} MB (bibtexparser's objects included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
