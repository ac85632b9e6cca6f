"""BibTeX name lists: ``author = {M{\\"u}ller, Hans and van der Berg, Jr., Jan and {World Health
Organization}}`` <-> :class:`Person` (family with its von part, given with ", Jr.", corporate
names as ``literal``), following BibTeX's own rules for "First von Last", "von Last, First" and
"von Last, Jr, First"."""
from __future__ import annotations

import re
from functools import lru_cache

from amlref.core.article import Person
from amlref.formats.latex import to_unicode
from amlref.formats.latex_encode import ascii_latex, escape

_AND_PLAIN = re.compile(r"\s+and\s+", re.I)


_AND_AT = re.compile(r"\s+and\s+", re.I)


def _split_top(text: str, sep_and: bool) -> list[str]:
    """Split at depth-0 ``and`` words (sep_and) or at depth-0 commas."""
    out, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            if sep_and:
                if c.isspace():
                    m = _AND_AT.match(text, i)
                    if m:
                        out.append(text[start:i])
                        i = start = m.end()
                        continue
            elif c == ",":
                out.append(text[start:i])
                start = i + 1
        i += 1
    out.append(text[start:])
    return out


def split_names(raw: str) -> list[str]:
    raw = (raw or "").strip()
    if not raw:
        return []
    if "{" not in raw:
        parts = _AND_PLAIN.split(raw)
    else:
        parts = _split_top(raw, sep_and=True)
    out = []
    for p in parts:
        p = p.strip()
        while p[:4].lower() == "and " or p.lower() == "and":
            p = p[4:].strip()            # "A and and B": an empty name between, as BibTeX reads it
        if p:
            out.append(p)
    return out


def _words(part: str) -> list[str]:
    """Words of a name part at depth 0 (whitespace and ``~`` separate; hyphens do not)."""
    if "{" not in part:
        return part.replace("~", " ").split()
    words, depth, cur = [], 0, []
    for c in part:
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and c in " \t\n\r~":
            if cur:
                words.append("".join(cur))
                cur = []
            continue
        cur.append(c)
    if cur:
        words.append("".join(cur))
    return words


def _is_lower(word: str) -> bool:
    """BibTeX's case of a word: its first letter at depth 0, or the letter of a special
    character ``{\\'e}`` at depth 1; other brace groups are caseless (not lower)."""
    depth = 0
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c == "{":
            if depth == 0 and i + 1 < n and word[i + 1] == "\\":
                # special character: case of the first letter after the command
                m = re.match(r"\{\\([a-zA-Z]+|.)\s*\{?\s*([a-zA-Z]?)", word[i:])
                if m:
                    cmd, letter = m.group(1), m.group(2)
                    if cmd in ("OE", "AE", "AA", "O", "L", "SS", "DH", "TH", "NG", "DJ"):
                        return False
                    if cmd in ("oe", "ae", "aa", "o", "l", "ss", "i", "j", "dh", "th", "ng", "dj"):
                        return True
                    if letter:
                        return letter.islower()
                return False
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isalpha():
            return c.islower()
        i += 1
    return False


def parse_name(raw: str) -> tuple[str, str, str, str]:
    """(first, von, last, jr) as LaTeX strings."""
    parts = [p.strip() for p in (_split_top(raw, sep_and=False) if "," in raw else [raw])]
    if len(parts) == 1:
        words = _words(parts[0])
        if len(words) <= 1:
            return "", "", " ".join(words), ""
        lows = [i for i, w in enumerate(words[:-1]) if _is_lower(w)]
        if not lows:
            return " ".join(words[:-1]), "", words[-1], ""
        i, j = lows[0], lows[-1]
        return " ".join(words[:i]), " ".join(words[i:j + 1]), " ".join(words[j + 1:]), ""
    first = parts[-1] if len(parts) == 2 else ", ".join(parts[2:])
    jr = parts[1] if len(parts) >= 3 else ""
    words = _words(parts[0])
    lows = [i for i, w in enumerate(words[:-1]) if _is_lower(w)]
    if lows:
        j = lows[-1]
        von, last = " ".join(words[:j + 1]), " ".join(words[j + 1:])
    else:
        von, last = "", " ".join(words)
    return first, von, last, jr


def _braced_whole(name: str) -> bool:
    if not (name.startswith("{") and name.endswith("}")) or name.startswith("{\\"):
        return False
    depth = 0
    for i, c in enumerate(name):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and i != len(name) - 1:
                return False
    return True


@lru_cache(maxsize=65536)
def _person_parts(raw: str) -> tuple[str, str, str]:
    """(family, given, literal) of one name; cached: names repeat a lot in real files."""
    if _braced_whole(raw):
        return "", "", to_unicode(raw[1:-1])
    if raw.lower() == "others":
        return "", "", "others"
    first, von, last, jr = parse_name(raw)
    family = to_unicode(f"{von} {last}" if von else last)
    given = to_unicode(first)
    if jr:
        jr = to_unicode(jr)
        given = f"{given}, {jr}" if given else jr
    if not family and given:
        family, given = given, ""
    return family, given, ""


def to_person(raw: str) -> Person:
    family, given, literal = _person_parts(raw.strip())
    return Person(family=family, given=given, literal=literal)


def parse_names(raw: str) -> list[Person]:
    """The names as written (a final ``others`` as ``Person(literal="others")``)."""
    return [to_person(n) for n in split_names(raw)]


def parse_name_list(raw: str) -> tuple[list[Person], bool]:
    """(people, cut short): a final ``and others`` is BibTeX's "et al.", no person."""
    names = split_names(raw)
    if names and names[-1].lower() == "others":
        names.pop()
        return [to_person(n) for n in names], True
    return [to_person(n) for n in names], False


_AND_WORD = re.compile(r"\band\b", re.I)
_NEEDS_BRACE = re.compile(r",|\band\b", re.I)


def _part(text: str, ascii_only: bool) -> str:
    t = escape(text)
    return ascii_latex(t) if ascii_only else t


def person_to_bibtex(p: Person, ascii_only: bool = True) -> str:
    if p.literal and not p.family:
        if p.literal == "others":
            return "others"
        return "{" + _part(p.literal, ascii_only) + "}"
    family = _part(p.family, ascii_only)
    if _NEEDS_BRACE.search(p.family):
        family = "{" + family + "}"
    given = p.given or ""
    jr = ""
    if ", " in given:
        # "First, Jr" (how the importers store BibTeX's jr part / CSL's suffix)
        given, jr = given.rsplit(", ", 1)
    given = _part(given, ascii_only)
    if "," in given or _AND_WORD.search(given):
        given = "{" + given + "}"
    if jr:
        jr = _part(jr, ascii_only)
        if "," in jr:
            jr = "{" + jr + "}"
        return f"{family}, {jr}, {given}"
    if given:
        return f"{family}, {given}"
    if len(_words(family)) > 1:
        return family + ","        # "Amon Saengmani,": all of it the family name, as read
    return family


def names_to_bibtex(people: list[Person], ascii_only: bool = True, et_al: bool = False) -> str:
    """``A and B``; ``A and B and others`` for a list cut short (``et_al``)."""
    tex = " and ".join(person_to_bibtex(p, ascii_only) for p in people)
    return f"{tex} and others" if et_al and tex else tex
