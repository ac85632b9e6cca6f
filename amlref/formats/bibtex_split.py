"""Splitting a .bib text into entries.

A fast path for the common, well-formed entry (one regex match with possessive quantifiers, so no
catastrophic backtracking); it counts every brace, backslash or not, as BibTeX and biber do, so
``{wired\\}`` and ``\\\\{}`` end where they should (bibtexparser's splitter takes ``\\{``/``\\}``
for escaped braces and lost the rest of such entries: JabRef's and zotero-better-bibtex's tests).
Everything else (``@string``, ``@preamble``, ``@comment``, parenthesised or broken entries, braces
escaped LaTeX's way and unbalanced) goes to bibtexparser's splitter, which also reports errors with
line numbers.  Both paths recover a missing comma between two fields (as
Mendeley writes them: ``title = {X}`` newline ``year = {2020},``) as two fields, with a warning.
"""
from __future__ import annotations

import logging
import re
from sys import intern as _intern

# bibtexparser logs every broken block as a warning; the importer reports them itself, as one
# line with the file and line, so its log would only repeat them (on stderr, unformatted)
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)

_BR = r"\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\}"
_QT = r'"(?:[^"{}]++|' + _BR + r')*+"'
_PIECE = r"(?:" + _BR + "|" + _QT + r"|[^\s,{}\"#=()]++)"
_VALUE = _PIECE + r"(?:\s*+#\s*+" + _PIECE + r")*+"
_FIELD = r"\s*+([^\s=,{}\"#()]++)\s*+=\s*+(" + _VALUE + r")\s*+"
_FIELD_RE = re.compile(_FIELD + ",?")
_ENTRY_RE = re.compile(r"@[ \t]*+([a-zA-Z][\w\-]*+)[ \t]*+\{\s*+([^\s,{}\"#()=]*+)\s*+"
                       r"(?:,((?:" + _FIELD + r",)*+(?:" + _FIELD + r")?)\s*+)?\}")
_CHUNK_START = re.compile(r"^[ \t]*@", re.M)
# a value that ends before the text does: the rest is the next field, its comma missing
_GLUED = re.compile(r"(" + _VALUE + r")\s++([^\s=,{}\"#()]++)\s*+=\s*+(\S.*)", re.S)
_SPECIAL_TYPES = ("string", "preamble", "comment")
# an entry with no key, its first field right after the brace (EndNote's and some web sites'
# BibTeX: ``@article{`` newline ``author = {...},``): read as an entry with an empty key
_KEYLESS = re.compile(r"@[ \t]*+(?!(?i:string|preamble|comment)\b)[a-zA-Z][\w\-]*+[ \t]*+\{"
                      r"(?=\s*+[^\s,{}\"#()=]++\s*+=)")


# whitespace with a line break between an entry's type and its brace (``@article`` newline
# ``{``): BibTeX and biber skip it; bibtexparser's splitter took the entry for a comment and it
# was lost without a word.  The line breaks are moved after the brace (line numbers unchanged).
_TYPE_BREAK = re.compile(r"([ \t]*+@[ \t]*+[a-zA-Z][\w\-]*+)([ \t]*+\n\s*+)([{(])")
# ``@comment{...}`` with its braces balanced: biber and JabRef skip the whole body, entries
# written inside it too (a commented-out entry); bibtexparser's splitter stopped at the first
# line-start ``@`` inside it, reported the comment as broken and imported the entries in it.
_COMMENT_START = re.compile(r"[ \t]*+@[ \t]*+comment\s*+\{", re.I)


def _type_break(chunk: str) -> str | None:
    """``chunk`` with the line breaks between its entry type and brace moved after the brace."""
    m = _TYPE_BREAK.match(chunk)
    if m is None:
        return None
    return m.group(1) + m.group(3) + m.group(2) + chunk[m.end():]


def _comment_end(text: str, start: int) -> int:
    """The end of a ``@comment{...}`` starting at ``start`` (after its closing brace), or -1."""
    m = _COMMENT_START.match(text, start)
    if m is None:
        return -1
    depth = 1       # (looked for within 256 kB: an unclosed comment costs no more than that)
    for b in _BRACES.finditer(text, m.end(), min(len(text), m.end() + 262144)):
        depth += 1 if b.group() == "{" else -1
        if depth == 0:
            return b.end()
    return -1


_BRACES = re.compile(r"[{}]")


def _joined(text: str, starts: list[int], i: int, most: int = 16) -> tuple[str | None, int]:
    """The chunk at ``starts[i]`` with the following ones up to the first where its braces are
    balanced (at most ``most``), and where that ends; (None, 0) when they never balance."""
    depth = 0
    for j in range(i, min(len(starts), i + most)):
        end = starts[j + 1] if j + 1 < len(starts) else len(text)
        piece = text[starts[j]:end]
        depth += piece.count("{") - piece.count("}")
        if depth <= 0:
            return text[starts[i]:end], end
    return None, 0


def _keyless(chunk: str) -> str | None:
    """``chunk`` with the comma of an empty key put in, when its entry has no key."""
    m = _KEYLESS.match(chunk, chunk.index("@"))
    return None if m is None else chunk[:m.end()] + "," + chunk[m.end():]


class _Field:
    __slots__ = ("key", "value")

    def __init__(self, key: str, value: str):
        self.key, self.value = key, value


class _FastEntry:
    __slots__ = ("entry_type", "key", "fields", "start_line", "dup_fields")

    def __init__(self, entry_type, key, fields, start_line, dup_fields):
        self.entry_type, self.key, self.start_line = entry_type, key, start_line
        self.fields, self.dup_fields = fields, dup_fields


def _fast_entry(chunk: str, line: int):
    """A _FastEntry when ``chunk`` is one well-formed entry (plus trailing comment text)."""
    m = _ENTRY_RE.match(chunk, chunk.index("@"))
    if m is None or "@" in chunk[m.end():]:
        return None
    etype = m.group(1).lower()
    if etype in _SPECIAL_TYPES:
        return None
    body = m.group(3)
    pairs = _FIELD_RE.findall(body) if body else []
    fields = {_intern(k.lower()): v for k, v in pairs}   # shared field names: less memory
    dups = None
    if len(fields) != len(pairs):          # a repeated field: the reader decides (all pairs)
        seen, dups = set(), set()
        for k, _ in pairs:
            if k.lower() in seen:
                dups.add(k)
            seen.add(k.lower())
    if dups:
        return _FastEntry(etype, m.group(2), [_Field(k, v) for k, v in pairs], line, dups)
    return _FastEntry(etype, m.group(2), fields, line, None)


def unglue(name: str, value: str) -> list[tuple[str, str, int]]:
    """Fields of one value expression as bibtexparser's splitter returns it, where a missing
    comma glued the next field(s) onto it (``{X}\\n  year = {2020}``): [(name, value, offset of
    the name in ``value``)], the first with offset 0.  A well-formed value gives itself."""
    out = [(name, value, 0)]
    base = 0
    while True:
        m = _GLUED.fullmatch(value)
        if m is None:
            return out
        out[-1] = (out[-1][0], m.group(1), out[-1][2])
        base += m.start(2)
        out.append((m.group(2), m.group(3).rstrip(), base))
        base += m.start(3) - m.start(2)
        value = m.group(3).rstrip()


def split_blocks(text: str, fast: bool = True) -> list:
    """Blocks of a .bib text in order: fast entries, or bibtexparser blocks (0-based lines)."""
    from bibtexparser.splitter import Splitter
    starts = [m.start() for m in _CHUNK_START.finditer(text)] if fast else []
    if not starts or ("\r" in text and "\n" not in text):   # nothing to speed up / old Mac
        return Splitter(bibstr=text).split().blocks
    out: list = []
    slow_from = None          # start of a run of chunks for bibtexparser
    slow_line = 0
    line = text.count("\n", 0, starts[0]) if starts else 0

    def slow(piece: str, first_line: int) -> None:
        for b in Splitter(bibstr=piece).split().blocks:
            if b.start_line is not None:
                b._start_line_in_file = b.start_line + first_line
            out.append(b)

    def flush_slow(end: int) -> None:
        nonlocal slow_from
        if slow_from is None:
            return
        slow(text[slow_from:end], slow_line)
        slow_from = None

    if starts and text[:starts[0]].find("@") >= 0:
        slow_from, slow_line = 0, 0
    skip_to = 0                 # the end of a @comment{...} that spans several chunks
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        if start < skip_to:
            line += chunk.count("\n")
            continue
        fe = _fast_entry(chunk, line)
        if fe is None and (close := _comment_end(text, start)) > end:
            flush_slow(start)   # a comment holding line-start @s: skipped whole, as biber does
            skip_to = close
            line += chunk.count("\n")
            continue
        if fe is None and chunk.count("{") > chunk.count("}") and i + 1 < len(starts):
            # a line in a braced value that starts with @ ("prefix\n@foo{bar}\nsuffix"): text
            # of the value for BibTeX, not an entry; the chunks that close the braces are one
            joined, stop = _joined(text, starts, i)
            if joined is not None and (fe := _fast_entry(joined, line)) is not None:
                flush_slow(start)
                out.append(fe)
                skip_to = stop
                line += chunk.count("\n")
                continue
        if fe is None and (moved := _type_break(chunk)) is not None:
            fe = _fast_entry(moved, line)
            if fe is None:              # the brace on the next line, an entry of the slow kind
                flush_slow(start)
                slow(moved, line)
                line += chunk.count("\n")
                continue
        if fe is None and (keyless := _keyless(chunk)) is not None:
            fe = _fast_entry(keyless, line)
            if fe is None:              # a keyless entry of the slow kind: on its own
                flush_slow(start)
                slow(keyless, line)
                line += chunk.count("\n")
                continue
        if fe is None:
            if slow_from is None:
                slow_from, slow_line = start, line
        else:
            flush_slow(start)
            out.append(fe)
        line += chunk.count("\n")
    flush_slow(len(text))
    return out
