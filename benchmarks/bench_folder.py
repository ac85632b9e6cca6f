"""A folder import vs naming its files: ``amlref import FOLDER`` (services/folder_scan.py finds
the files, services/folder_import.py imports them) against ``import_paths`` of the same
bibliography files named one by one and the files their records link to (what ``amlref import
FILE...`` does), each into a fresh library, in interleaved rounds; and the scan alone over a big
folder of other files (what looking at every file costs).

    .venv/bin/python benchmarks/bench_folder.py [ROUNDS] [BIG_FOLDER]

The folder: the real exports of ../shared/corpora (RIS of 25 tools, JabRef's BibTeX, PubMed
XML and MEDLINE) copied into sub-folders, with the manifests, CSV and Markdown files beside
them and hidden copies (never read).  Target: the folder import within 1.1x the named one.
With many small files the scan's detection of each file (done again by the import) shows."""
from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPORA = Path(os.environ.get("AMLREF_CORPORA", ROOT.parent / "shared" / "corpora"))
SOURCES = [("ris", "vendor-dialects"), ("ris", "rispy-tests"), ("bibtex", "jabref-testbib"),
           ("pubmed", "metapub-pmid-xml"), ("pubmed", "nbib-holub008"),
           ("pubmed", "biopython-medline")]


def make_folder(dest: Path) -> None:
    for parts in SOURCES:
        src = CORPORA.joinpath(*parts)
        shutil.copytree(src, dest / "-".join(parts))
        shutil.copytree(src, dest / ".backup" / "-".join(parts))      # hidden: never read


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    from amlref.services.attachments import attach_links
    from amlref.services.folder_import import import_found
    from amlref.services.folder_scan import scan
    from amlref.services.importing import import_paths
    from amlref.storage.library import Library
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    big = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/doc"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "refs"
        make_folder(folder)
        found = scan([str(folder)])
        named = list(found.references)
        bases = list(dict.fromkeys(os.path.dirname(p) for p in named))
        c = found.folders[0]
        print(f"folder: {c.files} files looked at ({c.references} bibliography files, "
              f"{c.skipped} skipped), {c.ignored} ignored")
        ratios, t_folder, t_named, t_scan = [], [], [], []
        for i in range(rounds):
            def folder_import(n=i):
                with Library.open(Path(tmp) / f"f{n}.sqlite") as lib:
                    s, f = timed(lambda: scan([str(folder)]))
                    t_scan.append(s)
                    return import_found(lib, f)

            def named_import(n=i):      # what `amlref import FILE...` does: the files their
                with Library.open(Path(tmp) / f"n{n}.sqlite") as lib:    # records link too
                    rep = import_paths(lib, named, defer_index=True)
                    attach_links(lib, rep.added, bases)
                    return rep
            order = [("folder", folder_import), ("named", named_import)]
            times = {}
            for name, fn in (order if i % 2 == 0 else order[::-1]):
                times[name], rep = timed(fn)
                added = len((rep.records if name == "folder" else rep).added)
                times[name + "_added"] = added
            assert times["folder_added"] == times["named_added"], times
            t_folder.append(times["folder"])
            t_named.append(times["named"])
            ratios.append(times["folder"] / times["named"])
            print(f"round {i + 1}: folder {times['folder']:.3f} s, named {times['named']:.3f} s"
                  f" ({times['named_added']} articles), ratio {ratios[-1]:.3f}")
        print(f"median: folder {statistics.median(t_folder):.3f} s, named "
              f"{statistics.median(t_named):.3f} s, scan {statistics.median(t_scan) * 1000:.1f} "
              f"ms; ratio {statistics.median(ratios):.3f}x (target <= 1.1x)")
    if os.path.isdir(big):
        from amlref.core.errors import InputError
        t = time.perf_counter()
        try:
            f = scan([big])
        except InputError as exc:
            print(f"{big}: {exc}")
            return
        dt = time.perf_counter() - t
        c = f.folders[0]
        print(f"scan of {big}: {c.files} files in {dt:.2f} s ({dt / max(1, c.files) * 1000:.2f} "
              f"ms a file): {c.references} bibliography files, {c.pdfs} PDFs, {c.skipped} "
              f"skipped, {c.ignored} ignored")


if __name__ == "__main__":
    main()
