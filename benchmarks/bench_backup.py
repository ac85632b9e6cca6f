"""Automatic backups: what they cost, against a plain copy of the same file in the same run.

    python benchmarks/bench_backup.py [--articles N] [--repeat R]

A library of N synthetic articles with abstracts (benchmarks/synthetic.py) is written to a
temporary folder, then, R times each, alternating:
- baseline: ``shutil.copyfile`` of the library file (what a file manager copy costs; not
  consistent while the library is written, which is why AMLRef does not do it);
- ``storage.backup.snapshot`` (SQLite's backup API into a new file, rotation);
- opening the library when today's copy exists (the daily check every open pays), against
  opening it with the check turned off.
Targets: snapshot <= 5x the plain copy; the daily check adds < 1 ms per open.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from synthetic import make_articles  # noqa: E402

from amlref.storage import backup  # noqa: E402
from amlref.storage.library import Library  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        lib = Library.open(path)
        lib.articles.add_many(make_articles(args.articles))
        lib.settings.set(backup.KEEP_SETTING, 3)
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = os.path.getsize(path) / 1e6
        copy_t, snap_t = [], []
        for i in range(args.repeat):
            t = time.perf_counter()
            shutil.copyfile(path, Path(tmp) / f"plain-{i}.sqlite")
            copy_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            backup.snapshot(lib, "bench")
            snap_t.append(time.perf_counter() - t)
        lib.close()
        open_t, bare_t = [], []
        real_daily = backup.daily
        for _ in range(args.repeat * 4):
            t = time.perf_counter()
            Library.open(path).close()
            open_t.append(time.perf_counter() - t)
            backup.daily = lambda lib: None
            try:
                t = time.perf_counter()
                Library.open(path).close()
                bare_t.append(time.perf_counter() - t)
            finally:
                backup.daily = real_daily
    c, s = statistics.median(copy_t), statistics.median(snap_t)
    o, b = statistics.median(open_t), statistics.median(bare_t)
    print(f"library: {args.articles:,} articles, {size:.1f} MB")
    print(f"plain copy {c * 1000:.1f} ms, snapshot {s * 1000:.1f} ms: ratio {s / c:.2f} "
          f"(target <= 5)")
    print(f"open with daily check {o * 1000:.2f} ms, without {b * 1000:.2f} ms: "
          f"+{(o - b) * 1000:.2f} ms (target < 1 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
