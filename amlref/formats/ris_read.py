"""Reading RIS, step 1: the line reader (records and their tags).

A small line reader of our own: rispy insists on ``TY  - `` with exactly two spaces, drops lines
before the first tag silently, cannot tell EndNote's one-value-per-line lists from wrapped text,
and collects ``A1`` and ``AU`` in separate lists, losing the order of the authors.  What the
files do differently, and how it is read:

- a record starts at ``TY`` and ends at ``ER`` or at the next ``TY``; a BOM (also inside joined
  files), headers before the first record, blank lines, CRLF or CR line ends, a missing final
  ``ER``, ``TY  -  JOUR`` with extra spaces or ``TY - JOUR`` with one, tags after ``ER`` (Ovid's
  ``NL``), records without ``TY`` ended by ``ER``, records whose tags begin before their ``TY``
  (R's packages write ``DB`` first: :func:`tags_before_ty`), ``TY  -JOUR`` with no space after
  the dash (what is and is not a tag line: _TAG_LINE);
- values continued on untagged lines: further list items (EndNote writes one keyword or name
  per line), or more of the value (on a new line in abstracts and notes);
- authors on ``AU`` and ``A1`` lines are one list in line order;
- a value ``NA`` (R's missing value: revtools, synthesisr) is no value.

Step 2, one record -> Article, is ris_record.py."""
from __future__ import annotations

import re
from typing import Iterable

# A tag line.  The specification writes ``XX  - value``: two characters, two spaces, a dash, a
# space.  Read as Zotero's RIS.js does (1 or 2 spaces before the dash, the value after a space or
# nothing at all: ``ER  -``), a little wider (tabs, up to 4 spaces, 3 of indentation), and also
# ``XX  -value`` with no space after the dash (rispy takes these as tags too: it checks
# ``line[2:5] == "  -"``, but then drops the value's first character, ``line[6:]``): only at
# the start of the line and with exactly the two spaces, so that a wrapped line of prose ("NK
# -cells", "HLA-DR", "T1 -weighted", "   CR  -like") never becomes a tag.  JabRef needs "  - ".
_TAG_LINE = re.compile(r"^[ \t]{0,3}([A-Z][A-Z0-9])[ \t]{1,4}-(?:[ \t]([^\n]*)"
                       r"|(?<=^[A-Z][A-Z0-9]  -)([^ \t\r\n][^\n]*))?\r?$\n?", re.M)
TY_LINE = re.compile(r"^(?:[ \t]{0,3}TY[ \t]{1,4}-(?:[ \t][^\n]*)?|TY  -[^ \t\r\n][^\n]*)\r?$",
                     re.M)  # parts are cut before these
_ER_LINE = re.compile(r"^[ \t]{0,3}ER[ \t]{1,4}-", re.M)
SNIFF_TAG = re.compile(r"^[A-Z][A-Z0-9](?:  ?- |  -(?=[^ \t\r\n]))", re.M)   # for sniffing
ALIASES = {"A1": "AU"}   # one list, so that the line order of the authors is kept

# Tags whose untagged continuation lines are further list items (EndNote style).
LIST_TAGS = frozenset(("AU", "A1", "A2", "A3", "A4", "ED", "KW", "SN", "DB", "UR", "L1", "L2",
                       "L3", "L4", "AD", "C3", "DP"))
MULTILINE_TAGS = frozenset(("AB", "N1", "N2", "RN"))   # free text: line breaks kept
_WRAP_MIN, _WRAP_MAX = 65, 80   # a line this wide was wrapped by the writer


def iter_records(text: str, first_line: int = 1
                 ) -> Iterable[tuple[int, dict[str, list[str]], list[str]]]:
    """Yield (first line, {tag: [values]}, warnings) per record.  Tolerant: see module doc.
    A record ends at ``ER`` or at the next ``TY``; tags after ``ER`` but before the next ``TY``
    (Ovid writes ``NL`` there) still belong to the record they follow, unless the record has
    that tag already: then they start the next record (files whose records have no ``TY``).  Tag lines are found by
    one regex scan over the whole text; the text between two tag lines, if any, continues the
    previous value."""
    if "\ufeff" in text:   # a BOM, also where exported files were joined into one
        text = text.replace("\ufeff", "")
    if "\u2028" in text or "\u2029" in text:   # Unicode line separators inside values
        text = text.replace("\u2028", " ").replace("\u2029", " ")
    if "\r" in text[:20000] and "\n" not in text[:20000]:
        text = text.replace("\r", "\n")  # old Mac line ends
    leading = tags_before_ty(text)
    rec: dict[str, list[str]] | None = None
    start = 0
    last: list[str] | None = None   # the value list of the last tag (continuations go there)
    last_tag = ""
    closed = False
    warns: list[str] = []
    line = first_line   # line numbers are counted only where a record starts
    prev = 0
    pos = 0
    count = text.count
    for m in _TAG_LINE.finditer(text):
        ms, me = m.span()
        if ms > pos and last is not None and not closed:
            gap = text[pos:ms]
            if gap.strip():
                _continue(last, last_tag, gap)
        pos = me
        tag, val, val2 = m.groups()
        if val2 is not None:   # ``XX  -value``
            val = val2
        val = val.strip() if val else ""
        if val == "NA":   # R's missing value, as its bibliographic packages write it
            val = ""
        if tag == "A1":   # (ALIASES, inline: this runs for every line)
            tag = "AU"
        # after ER, a tag the record already has starts the next record (files without TY),
        # and so does any tag in a file whose records write tags before their TY
        again = closed and tag != "ER" and (leading or tag in rec)
        if tag == "TY" and leading and rec is not None and not closed and rec["TY"] == [""]:
            rec["TY"] = last = [val]     # (the TY of a record begun by the tags before it)
            last_tag = "TY"
            continue
        if tag == "TY" or rec is None or again:
            line += count("\n", prev, ms)
            prev = ms
        if tag == "TY":
            if rec is not None:
                if not closed:
                    warns.append(f"line {start}: record has no ER line")
                yield start, rec, warns
                warns = []
            last = [val]
            rec, start, last_tag, closed = {"TY": last}, line, "TY", False
        elif tag == "ER":
            if rec is not None:
                closed = True
            last = None
        else:
            if rec is None or again:
                # a tag before any TY: start a record anyway (some tools omit TY)
                if again:
                    yield start, rec, warns
                    warns = []
                rec, start, closed = {"TY": [""]}, line, False
            last = rec.get(tag)
            if last is None:
                last = rec[tag] = [val]
            else:
                last.append(val)
            last_tag = tag
    if rec is not None:
        if last is not None and not closed:
            gap = text[pos:]
            if gap.strip():
                _continue(last, last_tag, gap)
        if not closed:
            warns.append(f"line {start}: record has no ER line")
        yield start, rec, warns


def tags_before_ty(text: str) -> bool:
    """Does the file write tags before a record's ``TY`` (the first tag line is not ``TY``, and
    a ``TY`` comes before the first ``ER``)?  Some tools do, R's bibliographic packages for one
    (``DB  - Scopus`` first): such a record runs from the line after an ``ER`` to its ``ER``."""
    first = _TAG_LINE.search(text)
    if first is None or first.group(1) in ("TY", "ER"):
        return False
    ty = TY_LINE.search(text, first.start())
    er = _ER_LINE.search(text, first.start())
    return ty is not None and (er is None or ty.start() < er.start())


def _continue(values: list[str], last_tag: str, gap: str) -> None:
    """Untagged lines after a tag line: more list items (EndNote) or more of the value.  In
    free text (abstracts, notes) a line break is kept, unless the line before it was filled to
    the width at which the RIS specification lets a long value wrap (70 characters; 65 to 80
    read as wrapped): then, as in titles and the rest, the lines are joined by a space."""
    prev = len(values[-1].rpartition("\n")[2]) + 6 if values else 0   # the tag line's width
    for raw in gap.split("\n"):
        s = raw.strip()
        if not s:
            continue
        if last_tag in LIST_TAGS and not raw[:1].isspace():
            values.append(s)
        else:
            v = values[-1]
            wrapped = _WRAP_MIN <= prev <= _WRAP_MAX
            sep = " " if raw[:1].isspace() or not v or last_tag not in MULTILINE_TAGS \
                or wrapped else "\n"
            values[-1] = f"{v}{sep}{s}" if v else s
        prev = len(raw.rstrip())
