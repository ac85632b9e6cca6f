"""BibTeX import/export speed against bare bibtexparser, measured in the same run.

    python benchmarks/bench_bibtex.py [--limit N] [--file PATH]

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
DEFAULT = ROOT.parent / "shared" / "corpora" / "large" / "glottolog-all-69k.bib.gz"


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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=0, help="only the first N entries")
    args = ap.parse_args()
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
