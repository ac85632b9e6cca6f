"""BibTeX / biblatex import: blocks -> @string macros, concatenation, crossref and xdata
inheritance, duplicate keys -> Articles (see amlref.formats.bibtex for the whole picture)."""
from __future__ import annotations

import re

from amlref.core import gcpause
from amlref.core.article import ParseResult, Problem
from amlref.formats import bibtex_fields as F
from amlref.formats.bibtex_entry import entry_to_article
from amlref.formats.bibtex_split import _FastEntry, split_blocks, unglue
from amlref.plugins.base import Importer

_NOT_INHERITED = {"crossref", "xref", "xdata", "ids", "entryset", "entrysubtype", "execute",
                  "label", "options", "presort", "related", "relatedoptions", "relatedstring",
                  "relatedtype", "shorthand", "shorthandintro", "sortkey", "key"}
_NOT_INHERITED_TITLES = {"shorttitle", "sorttitle", "indextitle", "indexsorttitle"}


def _line(block) -> int | None:
    return block.start_line + 1 if block.start_line is not None else None


_STRAY = re.compile(r"Expected a `=` after entry key `([^`\n]{8,})`", re.S)


def _without_stray_text(block, msg: str):
    """A broken entry whose only fault is a line of text that is no field (a user's note typed
    into the entry, as in a Zotero export Docear could not read), read with that text as its
    ``annotation`` (biblatex's field for notes on an entry): (entry, the text's line, the
    text), or None."""
    m = _STRAY.search(msg)
    raw = getattr(block, "raw", None) or ""
    if m is None or block.start_line is None:
        return None
    stray = m.group(1).strip()
    at = raw.find(stray)
    if at < 0 or raw.rfind("\n", 0, at) < 0 or raw[raw.rfind("\n", 0, at):at].strip():
        return None        # (only a text that is a line of its own)
    end = raw.find("\n", at)
    end = len(raw) if end < 0 else end
    rest = raw[at + len(stray):end].strip()
    if rest not in ("", ",", "},", "}"):
        return None
    fixed = raw[:at] + ("}" if rest.startswith("}") and raw[end:].strip() == "" else "") + raw[end:]
    from bibtexparser import model as M
    from bibtexparser.splitter import Splitter
    blocks = Splitter(bibstr=fixed).split().blocks      # (as the slow path reads an entry)
    if len(blocks) != 1 or type(blocks[0]) is not M.Entry:
        return None
    e = blocks[0]
    fields = list(e.fields)
    if not any(f.key.strip().lower() == "annotation" for f in fields) \
            and stray.count("{") == stray.count("}"):
        fields.append(M.Field("annotation", "{" + stray + "}"))   # (kept: biblatex's note field)
    entry = M.Entry(e.entry_type, e.key, fields, start_line=block.start_line, raw=fixed)
    return entry, block.start_line + 1 + raw.count("\n", 0, at), stray


def _field_line(block, value: str, offset: int) -> int | None:
    """The line of the text at ``offset`` in a field value of a bibtexparser block."""
    line = _line(block)
    raw = getattr(block, "raw", None) or ""
    at = raw.find(value)
    if line is None or at < 0:
        return line
    return line + raw.count("\n", 0, at + offset)



# fields that hold a list: given several times in one entry, they are one list (JabRef's
# BibtexParserTest "parseCombinesMultiple...Fields"); joined with BibTeX's own concatenation
_LIST_FIELDS = {"author": '{ and }', "editor": '{ and }', "keywords": '{, }'}

class BibtexImporter(Importer):
    name = "bibtex"
    label = "BibTeX / biblatex (.bib)"
    extensions = (".bib", ".bibtex", ".biblatex")

    _SNIFF = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.M)
    _SNIFF_INLINE = re.compile(r"@[a-zA-Z]+\s*[{(][^\s,{}()=]*,\s*[a-zA-Z][\w-]*\s*=")

    def sniff(self, head: str) -> float:
        if "\r" in head:
            head = head.replace("\r\n", "\n").replace("\r", "\n")   # old Mac line ends
        m = self._SNIFF.search(head)
        if not m:
            # an entry after other text on its line (JabRef's BibtexParserTest "parseIgnores
            # TextBeforeEntry"): BibTeX skips text outside entries; too weak alone, enough with
            # a .bib name
            return 0.2 if self._SNIFF_INLINE.search(head) else 0.0
        return 0.9 if re.search(r"^\s*@\s*[a-zA-Z]+\s*[{(][^,\n]*,", head, re.M) else 0.6

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        # many small objects and no reference cycles: the cyclic GC only costs time here
        with gcpause.paused():
            return self._parse(text, filename)

    def _parse(self, text: str, filename: str) -> ParseResult:
        from bibtexparser import model as M

        res = ParseResult(format=self.name)
        if text.startswith("\ufeff"):
            text = text[1:]
        blocks = split_blocks(text)

        macros: dict[str, str] = {}
        preambles: list[str] = []
        entries: list[tuple[str, str, dict[str, str], int | None]] = []   # type, key, fields, line
        seen_keys: dict[str, int] = {}
        undefined: list[str] = []

        def add_entry(e, dup_fields: set | None = None) -> None:
            fields: dict[str, str] = {}
            key = e.key.strip()
            line = _line(e)
            commented = False        # the previous field was a %-commented-out one
            for f in e.fields:
                pairs = ((f.key, f.value, 0),) if type(e) is _FastEntry else \
                    unglue(f.key, f.value)
                for name, value, offset in pairs:
                    if "%" in name:
                        name = _uncomment(name)
                        if not name:       # "% doi = {...}": a field the user commented out
                            commented = True
                            continue
                    if offset and not commented:
                        res.warnings.append(
                            f"{filename}:{_field_line(e, f.value, offset)}: entry {key!r}: no "
                            f"comma before field {name!r}; read as a field of its own")
                    commented = False
                    k = name.strip().lower()
                    if k in fields:
                        if k in _LIST_FIELDS:     # one list given in several fields
                            if value != fields[k]:
                                fields[k] = f"{fields[k]} # {_LIST_FIELDS[k]} # {value}"
                            if dup_fields:
                                dup_fields.discard(name)
                            continue
                        if offset and dup_fields is not None:
                            dup_fields.add(name)
                        continue   # BibTeX uses the first occurrence
                    fields[k] = value
            if dup_fields:
                res.warnings.append(f"{filename}:{line}: entry {key!r} repeats field(s) "
                                    f"{', '.join(sorted(dup_fields))}; the first value is kept")
            entries.append((e.entry_type.strip().lower(), key, fields, line))

        for b in blocks:
            if type(b) is _FastEntry:
                if b.dup_fields:
                    add_entry(b, dup_fields=b.dup_fields)
                else:
                    entries.append((b.entry_type, b.key, b.fields, b.start_line + 1))
            elif isinstance(b, M.Entry):
                add_entry(b)
            elif isinstance(b, M.String):
                macros[b.key.strip().lower()] = F.evaluate(b.value, macros, undefined)
            elif isinstance(b, M.Preamble):
                preambles.append(b.value.strip())
            elif isinstance(b, M.DuplicateBlockKeyBlock):
                dup = b.ignore_error_block
                if isinstance(dup, M.String):
                    macros[dup.key.strip().lower()] = F.evaluate(dup.value, macros, undefined)
                elif isinstance(dup, M.Entry):
                    add_entry(dup)
                elif isinstance(dup, M.DuplicateFieldKeyBlock):
                    add_entry(dup.ignore_error_block, dup_fields=dup.duplicate_keys)
            elif isinstance(b, M.DuplicateFieldKeyBlock):
                add_entry(b.ignore_error_block, dup_fields=b.duplicate_keys)
            elif isinstance(b, M.ParsingFailedBlock):
                err = b.error
                msg = getattr(err, "abort_reason", None) or str(err)
                kept = _without_stray_text(b, msg)
                if kept is not None:
                    entry, at, stray = kept
                    res.warnings.append(f"{filename}:{at}: text that is no field in entry "
                                        f"{entry.key.strip()!r}, kept as its annotation: "
                                        f"{stray[:60]!r}")
                    add_entry(entry)
                    continue
                first = (b.raw or "").strip().splitlines()[:1]
                what = f" in {first[0][:60]!r}" if first else ""
                res.problems.append(Problem(filename, _line(b), f"broken entry{what}: {msg}"))
        blocks = None   # free the split text as we go (large files)
        if undefined:
            res.warnings.append(f"{filename}: undefined @string macro(s) kept as text: "
                                f"{', '.join(sorted(set(undefined)))}")
            undefined.clear()

        # evaluate values (macros, concatenation) and index by key for crossref/xdata
        evaluated: list[tuple[str, str, dict[str, str], int | None]] = []
        by_key: dict[str, tuple[str, dict[str, str]]] = {}
        mget = macros.get
        for etype, key, fields, line in entries:
            # the common {...} / "..." value and a lone @string macro inline; numbers,
            # concatenation and undefined macros in evaluate()
            vals = {k: v[1:-1] if (v[:1] == "{" and v[-1:] == "}" or v[:1] == '"' and
                                   v[-1:] == '"' and len(v) > 1) and "#" not in v
                    else (mget(v.lower()) or F.evaluate(v, macros, undefined))
                    for k, v in fields.items()}
            evaluated.append((etype, key, vals, line))
            if key and key.lower() not in by_key:
                by_key[key.lower()] = (etype, vals)
        entries = None
        if undefined:
            res.warnings.append(f"{filename}: undefined @string macro(s) kept as text: "
                                f"{', '.join(sorted(set(undefined)))}")

        preamble = " # ".join(preambles)
        pre_cmds = _defined_commands(preamble) if preamble else None
        evaluated.reverse()
        while evaluated:
            etype, key, vals, line = evaluated.pop()
            if etype == "xdata":
                continue
            if etype == "control":     # biblatex's settings for BibTeX (its -blx.bib file)
                res.warnings.append(f"{filename}:{line}: biblatex control entry {key!r} is "
                                    "not a work; skipped")
                continue
            if "xdata" in vals:
                _inherit_xdata(vals, by_key, res, filename, line, key)
            if "crossref" in vals:
                _inherit_crossref(etype, vals, by_key, res, filename, line, key)
            try:
                a = entry_to_article(etype, key, vals)
            except Exception as exc:  # one odd entry never stops the file
                res.problems.append(Problem(filename, line, f"entry {key!r}: {exc}"))
                continue
            a.line = line
            if not key:
                res.warnings.append(f"{filename}:{line}: entry without a key; a key is made")
                a.citekey = None
            elif key in seen_keys:
                n = 2
                while f"{key}-{n}" in seen_keys:
                    n += 1
                new = f"{key}-{n}"
                res.warnings.append(f"{filename}:{line}: duplicate key {key!r} (first at line "
                                    f"{seen_keys[key]}); this entry is kept as {new!r}")
                a.extra["original_citekey"] = key
                a.citekey = new
                seen_keys[new] = line or 0
            if key:
                seen_keys.setdefault(key, line or 0)
            if preamble and _uses(vals, pre_cmds):
                a.extra.setdefault("bibtex", {})["preamble"] = preamble
            res.articles.append(a)
        if not res.articles and not res.problems and text.strip() and not by_key and \
                "@" not in text:
            res.warnings.append(f"{filename}: no BibTeX entries found")
        return res



def _uncomment(name: str) -> str:
    """A field name with the ``%`` comment lines before it taken away (biber and JabRef read
    ``%`` to the end of a line inside an entry as a comment); "" for a commented-out field."""
    lines = [ln for ln in name.split("\n") if not ln.lstrip().startswith("%")]
    return lines[-1].strip() if lines else ""


def _defined_commands(preamble: str) -> list[str] | None:
    names = re.findall(r"\\(?:re|provide)?newcommand\*?\s*\{?\s*\\([a-zA-Z@]+)|\\def\s*\\([a-zA-Z@]+)",
                       preamble)
    out = [a or b for a, b in names]
    return out or None


def _uses(vals: dict[str, str], cmds: list[str] | None) -> bool:
    if cmds is None:
        return True
    for v in vals.values():
        if "\\" in v and any(("\\" + c) in v for c in cmds):
            return True
    return False


def _inherit_xdata(vals, by_key, res, filename, line, key) -> None:
    seen = set()
    stack = [k.strip() for k in vals.pop("xdata").split(",") if k.strip()]
    while stack:
        ref = stack.pop(0)
        if ref.lower() in seen:
            continue
        seen.add(ref.lower())
        parent = by_key.get(ref.lower())
        if parent is None:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: xdata {ref!r} not found")
            continue
        for k, v in parent[1].items():
            if k == "xdata":
                stack.extend(x.strip() for x in v.split(",") if x.strip())
            elif k not in vals and k not in _NOT_INHERITED:
                vals[k] = v


_BOOKS = {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
          "reference", "mvreference"}
_IN_BOOKS = {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
             "inproceedings", "conference", "inreference"}


def _inherit_crossref(etype, vals, by_key, res, filename, line, key) -> None:
    ref = vals["crossref"].strip()
    seen = {key.lower()}
    cur = ref
    while cur:
        if cur.lower() in seen:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: crossref cycle at {cur!r}")
            return
        seen.add(cur.lower())
        parent = by_key.get(cur.lower())
        if parent is None:
            res.warnings.append(f"{filename}:{line}: entry {key!r}: crossref {cur!r} not found")
            return
        ptype, pvals = parent
        mv = ptype.startswith("mv")
        for k, v in pvals.items():
            if k in _NOT_INHERITED or k in _NOT_INHERITED_TITLES:
                continue
            target = k
            if k in ("title", "subtitle", "titleaddon"):
                if mv:
                    target = "main" + k
                elif ptype in _BOOKS and etype in _IN_BOOKS:
                    target = "book" + k
                elif ptype == "periodical" and etype in ("article", "suppperiodical"):
                    target = {"title": "journaltitle", "subtitle": "journalsubtitle"}.get(k, k)
                    if target == k:
                        continue
                else:
                    continue
            if target == "journaltitle" and "journal" in vals:
                continue
            if target not in vals:
                vals[target] = v
        cur = pvals.get("crossref", "").strip()
