"""PubMed query syntax, read the way PubMed reads it, for two jobs:

- :func:`query_problem`: what is wrong with a query before it is sent (unbalanced brackets or
  quotes, an operator with nothing on one side, an empty field tag);
- :func:`judge`: what PubMed's complaints about a query mean for a watch.  esearch names terms
  it could not use: ``ErrorList/PhraseNotFound`` (the term is left out of the search: an
  ``a AND typo`` query then finds everything ``a`` finds), ``ErrorList/FieldNotFound`` (an
  unknown ``[tag]``), ``WarningList/QuotedPhraseNotFound`` (the phrase matches nothing).  A
  term among alternatives (``a OR b OR typo``) costs nothing: the watch finds what the others
  find, and the run says which term PubMed ignored.  A term every match needs (under AND only)
  would silently widen the search, or leave it empty forever: that is an error; so is a
  query none of whose alternatives PubMed knows.

PubMed reads Boolean operators left to right without precedence (``a OR b AND c`` is
``(a OR b) AND c``); terms side by side are joined by AND; only upper-case AND/OR/NOT are
operators (NLM, PubMed User Guide, "Combining search terms with Boolean operators")."""
from __future__ import annotations

import re
from dataclasses import dataclass

OPS = ("AND", "OR", "NOT")
_TAG = re.compile(r"\[([^\]]*)\]")
_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<phrase>"[^"]*"(?:\s*\[[^\]]*\])?)'
                    r'|(?P<word>[^\s()"\[\]]+(?:\[[^\]]*\])?|\[[^\]]*\]))')


def query_problem(query: str) -> str:
    """What is wrong with a PubMed query before it is sent (empty, unbalanced brackets or
    quotes, an AND/OR/NOT with nothing on one side, an empty field tag); "" when nothing is."""
    q = query.strip()
    if not q:
        return "the query is empty"
    if q.count('"') % 2:
        return "a quotation mark is not closed"
    text = re.sub(r'"[^"]*"', '""', q)            # phrases: their brackets are words
    depth = 0
    for pos, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return f"a ')' closes nothing (character {pos + 1})"
    if depth:
        return "a '(' is not closed"
    if text.count("[") != text.count("]") or re.search(r"\[[^\]]*\[", text):
        return "a field tag's '[' ... ']' is not closed"
    if any(not t.strip() for t in _TAG.findall(text)):
        return "an empty field tag []"
    words = re.findall(r'\(|\)|""|[^\s()"]+', text)
    for i, w in enumerate(words):
        if w in OPS:
            before = words[i - 1] if i else "("
            after = words[i + 1] if i + 1 < len(words) else ")"
            if before in OPS or before == "(" or after in OPS or after == ")":
                return f"{w} needs a term on both sides"
    return ""


# -- the query as a tree ----------------------------------------------------------------------
@dataclass
class Term:
    text: str                  # as written, with its field tag
    needed: bool = True        # every match of the query needs it (no OR above it)
    negated: bool = False      # on the right of a NOT somewhere above
    alternative: bool = False  # its own operator is OR: left out, the search only narrows


def _tokens(query: str) -> list[str]:
    out, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            if query[pos:].strip():
                out.append(query[pos:].strip())
            break
        tok = m.group("paren") or re.sub(r'"\s+\[', '"[', m.group("phrase") or "") \
            or m.group("word")
        if tok.startswith("[") and out and out[-1] not in OPS and out[-1] not in "()":
            out[-1] += tok                 # a tag after a space belongs to the term before
        else:
            out.append(tok)
        pos = m.end()
    return out


def _parse(tokens: list[str], i: int = 0):
    """``(node, next index)``; a node is a :class:`Term` or ``(op, left, right)``."""
    node, op = None, None
    while i < len(tokens):
        tok = tokens[i]
        if tok == ")":
            return node, i + 1
        if tok in OPS:
            op, i = tok, i + 1
            continue
        if tok == "(":
            operand, i = _parse(tokens, i + 1)
        else:
            operand, i = Term(tok), i + 1
        if operand is None:
            continue
        node = operand if node is None else (op or "AND", node, operand)
        op = None
    return node, i


def _tree(query: str):
    """``(root, terms)``: the query's tree and every term with where it stands."""
    root, _ = _parse(_tokens(query))
    out: list[Term] = []

    def walk(node, needed: bool, negated: bool, parent: str) -> None:
        if node is None:
            return
        if isinstance(node, Term):
            node.needed, node.negated, node.alternative = needed, negated, parent == "OR"
            out.append(node)
            return
        op, left, right = node
        walk(left, needed and op != "OR", negated, op)
        walk(right, needed and op != "OR", negated or op == "NOT", op)
    walk(root, True, False, "")
    return root, out


def terms(query: str) -> list[Term]:
    """Every term of the query with where it stands (see :class:`Term`)."""
    return _tree(query)[1]


def _can_match(node, dead: set[int]) -> bool:
    """Whether the query can still find anything with the ``dead`` terms (by id) finding
    nothing: OR needs one side, AND both, NOT its left."""
    if node is None:
        return False
    if isinstance(node, Term):
        return id(node) not in dead
    op, left, right = node
    if op == "OR":
        return _can_match(left, dead) or _can_match(right, dead)
    if op == "NOT":
        return _can_match(left, dead)
    return _can_match(left, dead) and _can_match(right, dead)


def _bare(text: str) -> str:
    """A term without its field tag and quotes, lower case, spaces made one."""
    text = _TAG.sub(" ", text)
    return " ".join(text.replace('"', " ").lower().split())


# -- what PubMed's complaints mean --------------------------------------------------------------
DROPPED = ("PhraseNotFound",)             # left out of the search
EMPTY = ("QuotedPhraseNotFound",)         # kept, matching nothing
BAD = ("FieldNotFound",)                  # always an error: the tag is wrong
READABLE = {"PhraseNotFound": "phrase not found", "FieldNotFound": "unknown field",
            "QuotedPhraseNotFound": "quoted phrase not found"}


def judge(query: str, complaints: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """``(errors, notes)`` for esearch's complaints ``[(kind, text)]`` (ErrorList and
    WarningList children).  A complaint about a term among alternatives is a note; about a term
    every match needs, an unknown field, or a term not found in the query, an error.
    ``PhraseIgnored`` (stop words) and ``OutputMessage`` ("No items found.") say nothing
    about the query and are left out."""
    root, known = _tree(query)
    errors, notes = [], []
    dead: set[int] = set()
    for kind, text in complaints:
        if kind not in DROPPED + EMPTY + BAD or not text.strip():
            continue
        line = f"{READABLE.get(kind, kind)}: {text.strip()}"
        if kind in BAD:
            errors.append(line)
            continue
        want = _bare(text)
        hits = [t for t in known if _bare(t.text) == want] or \
            [t for t in known if want and want in _bare(t.text).split()]
        if kind in DROPPED:    # left out: harmless only where it was one of alternatives
            fine = bool(hits) and all(t.alternative and not t.negated for t in hits)
        else:                  # matches nothing: harmless unless every match needs it
            fine = bool(hits) and all(not t.needed or t.negated for t in hits)
        dead.update(id(t) for t in hits)
        (notes if fine else errors).append(line)
    if notes and not _can_match(root, dead):    # every alternative gone: nothing can match
        errors, notes = errors + notes, []
    return errors, notes
