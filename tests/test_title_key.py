"""title_key's fast paths give exactly the keys of its definition (NFKD, combining marks
dropped, lower case, ASCII letters and digits as words): stored keys of old libraries must
still match."""
from __future__ import annotations

import random
import re
import unicodedata

import pytest

from amlref.core.article import title_key

_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"<[^>]+>|[{}\\]")


def definition(title: str) -> str:
    t = unicodedata.normalize("NFKD", title)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    if "<" in t or "{" in t or "\\" in t or "}" in t:
        t = _MARKUP.sub("", t)
    return " ".join(_WORD.findall(t))


@pytest.mark.parametrize("title", [
    "Döhner H, et al. Blood. 2017;129(4):424–447.",          # en dash: a word break
    "Straße – naïve T cells", "ﬁbrosis and ﬂow", "Kelvin 300K", "İstanbul İ",
    "IL‐2 and α‐CD3 “bispecific” antibodies", "e\u0301tude\u0327 ‐ x\u0308",
    "ＦＵＬＬＷＩＤＴＨ ＡＭＬ ２０２４", "½ dose ² m²", "ǅ ǆ Ǆ", "Ω Ω Ω", "日本語 タイトル",
    "<i>In vivo</i> CAR‐T {AML} \\emph{x}", "", "   ", "\u00a0non-breaking\u00a0space",
])
def test_known_traps(title):
    title_key.cache_clear()
    assert title_key(title) == definition(title)


def test_random_strings_from_the_unicode_the_literature_uses():
    rnd = random.Random(20261203)
    pool = ([chr(c) for c in range(0x20, 0x7f)] * 3 + [chr(c) for c in range(0xa0, 0x250)]
            + [chr(c) for c in range(0x300, 0x370)] + [chr(c) for c in range(0x370, 0x400)]
            + [chr(c) for c in range(0x2000, 0x2070)] + [chr(c) for c in range(0x2100, 0x2190)]
            + [chr(c) for c in range(0xfb00, 0xfb07)] + [chr(c) for c in range(0xff01, 0xff5f)]
            + ["\U0001d400", "\U0001d7ce", "\ud7a3", "\uac00"])
    title_key.cache_clear()
    for _ in range(20000):
        s = "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 40)))
        assert title_key(s) == definition(s), repr(s)
