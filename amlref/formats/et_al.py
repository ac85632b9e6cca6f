"""A name list cut short: BibTeX/biblatex ``and others``, ``et al.`` as the last author of a
RIS or MEDLINE record (docs/decisions/0033).  It is nobody's name: the list keeps the people
named, and the article records which of its lists go on in ``extra['et_al']`` (CSL name
variables, ``["author"]``).  Each exporter says it again in its format's own way: BibTeX
``and others``, RIS ``AU  - et al.``, CSL-JSON ``"custom": {"et-al": ["author"]}`` (the CSL-JSON
schema's place for data with no CSL variable; citeproc processors ignore it)."""
from __future__ import annotations

import re

from amlref.core.article import Article, Person

KEY = "et_al"            # extra[KEY]: the name variables cut short, sorted
CSL_CUSTOM = "et-al"     # the key inside a CSL-JSON item's "custom" object
_WORDS = re.compile(r"(?:and\s+)?(?:others|et\.?\s*al(?:ii|ia|\.)?\.?)", re.I)


def is_et_al(name: str) -> bool:
    """``others``, ``et al.``, ``et al``, ``et. al.``, ``et alii`` (any case)."""
    return bool(name) and _WORDS.fullmatch(name.strip(" ,;")) is not None


def person_is_et_al(p: Person) -> bool:
    """A Person that another reader made of the words (``{"literal": "others"}`` or a family
    name ``et al.``)."""
    return not p.given and is_et_al(p.literal or p.family)


def mark(a: Article, role: str) -> None:
    roles = a.extra.get(KEY) or []
    if role not in roles:
        a.extra[KEY] = sorted([*roles, role])


def marked(a: Article, role: str) -> bool:
    return role in (a.extra.get(KEY) or ())


def roles(a: Article) -> list[str]:
    return list(a.extra.get(KEY) or ())


def shown(a: Article, role: str = "author") -> tuple[list[Person], bool]:
    """The people of a list as they are to be shown, and whether "et al." follows: the mark,
    or (a library imported before decision 0033) a last name that is the words themselves."""
    people = list(a.authors if role == "author" else a.editors if role == "editor" else [])
    named, old = trailing(people)
    return named, old or marked(a, role)


def trailing(people: list) -> tuple[list, bool]:
    """A list without the et-al words at its end (Person objects or CSL-JSON name dicts), and
    whether they were there; only the end counts, as in BibTeX's ``format.names``."""
    named = list(people)
    while named and _words(named[-1]):
        named.pop()
    return named, len(named) < len(people)


def _words(p) -> bool:
    if isinstance(p, Person):
        return person_is_et_al(p)
    if isinstance(p, dict):
        return not p.get("given") and is_et_al(str(p.get("literal") or p.get("family") or ""))
    return isinstance(p, str) and is_et_al(p)


def cut(people: list[Person]) -> tuple[list[Person], bool]:
    """The people without the et-al words another reader kept as names, and whether any were
    there."""
    if not any(person_is_et_al(p) for p in people):
        return people, False
    return [p for p in people if not person_is_et_al(p)], True


def follow(existing: Article, incoming: Article, taken: dict[str, bool]) -> list[str]:
    """The lists cut short after a merge: each role as in the article whose list was kept
    (``taken[role]``: the incoming one)."""
    return [r for r in sorted(set(roles(existing)) | set(roles(incoming)))
            if marked(incoming if taken.get(r) else existing, r)]
