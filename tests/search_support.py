"""The search's common-word check as it was before session 6 (every required word counted in
full from the FTS5 vocabulary table): the reference the test and benchmarks/bench_common_words.py
compare storage.search.all_common with."""
from __future__ import annotations

import unicodedata


def full_count(lib, pq, threshold: int) -> bool:
    """The check as it was: each required word counted in full (``doc`` of the term, the sum
    of ``doc`` over a prefix's terms)."""
    if not pq.required:
        return False
    for word, is_prefix in pq.required:
        w = "".join(c for c in unicodedata.normalize("NFKD", word.lower())
                    if not unicodedata.combining(c))
        if is_prefix:
            row = lib.execute("SELECT sum(doc) FROM articles_fts_vocab WHERE term >= ? AND "
                              "term < ?", (w, w + "\uffff")).fetchone()
        else:
            row = lib.execute("SELECT doc FROM articles_fts_vocab WHERE term = ?", (w,)).fetchone()
        if not row or (row[0] or 0) < threshold:
            return False
    return True
