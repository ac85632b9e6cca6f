"""Trial registry numbers, per each registry's documented format.  The WHO ICTRP's primary
registries and ClinicalTrials.gov; a number is found in an article's title, abstract, keywords
and in PubMed's DataBank list (PubMed XML ``DataBankList``, MEDLINE ``SI`` field).

Formats (registry: example):
- ClinicalTrials.gov: NCT + 8 digits (NCT01234567)
- EudraCT: year-6 digits-2 check digits (2012-001234-56), numbers exist from 2004
- EU CT (CTIS, from 2023): year-6 digits-2 digits-2 digits (2022-500014-26-00)
- ISRCTN: ISRCTN + 8 digits
- ChiCTR: ChiCTR-XXX-8 digits (before 2016: ChiCTR-TRC-10001234) or ChiCTR + 10 digits
- CTRI (India): CTRI/year/month or 3-digit serial/6 digits (CTRI/2020/05/025013)
- ANZCTR: ACTRN + 14 digits
- DRKS: DRKS + 8 digits
- jRCT: jRCT, a letter or digit (the kind of study), 9 digits (jRCTs031180001, jRCT2031200001); UMIN-CTR: UMIN +
  9 digits; JAPIC: JapicCTI-6 digits
- Netherlands: NTR + up to 5 digits, NL-OMON + digits, NL + 4-5 digits (only named as the Dutch
  register nearby: "NL1234" alone is too common a string)
- CRiS: KCT + 7 digits; IRCT: IRCT + digits + N + digits; PACTR + 15 digits; TCTR + 11 digits;
  ReBEC: RBR- + 6-8 letters/digits; SLCTR/year/3 digits; LBCTR + 10 digits
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

ICTRP = "https://trialsearch.who.int/Trial2.aspx?TrialID={}"

_B = r"(?<![A-Za-z0-9])"      # not inside a longer token
_E = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class Registry:
    key: str
    name: str
    pattern: re.Pattern
    url: str = ICTRP        # "{}" = the number
    context: re.Pattern | None = None   # must occur within 80 characters before the number

    def link(self, number: str) -> str:
        return self.url.format(quote(number, safe=""))


def _r(key, name, pattern, url=ICTRP, context=None, flags=0) -> Registry:
    return Registry(key, name, re.compile(_B + pattern + _E, flags), url,
                    re.compile(context, re.I) if context else None)


REGISTRIES: tuple[Registry, ...] = (
    _r("nct", "ClinicalTrials.gov", r"NCT[ -]?(\d{8})", "https://clinicaltrials.gov/study/{}"),
    _r("euct", "EU CT (CTIS)", r"(20[2-9]\d-5\d{5}-\d{2}-\d{2})",
       "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={}"),
    _r("eudract", "EudraCT", r"(?:EudraCT[ :#No.]*)?(20(?:0[4-9]|[1-2]\d)-\d{6}-\d{2})(?!-\d)",
       "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}"),
    _r("isrctn", "ISRCTN", r"ISRCTN ?(\d{8})", "https://www.isrctn.com/{}"),
    _r("chictr", "ChiCTR", r"(ChiCTR(?:-[A-Z]{2,5}-\d{8}|\d{10}))"),
    _r("ctri", "CTRI", r"(CTRI/\d{4}/\d{2,3}/\d{6})"),
    _r("anzctr", "ANZCTR", r"(ACTRN\d{14})", "https://www.anzctr.org.au/{}.aspx"),
    _r("drks", "DRKS", r"(DRKS\d{8})", "https://drks.de/search/en/trial/{}"),
    _r("jrct", "jRCT", r"(jRCT[a-z0-9]\d{9})"),
    _r("umin", "UMIN-CTR", r"(UMIN\d{9})"),
    _r("japic", "JAPIC", r"(JapicCTI-\d{6})"),
    _r("ntr", "Netherlands Trial Register", r"(NTR\d{2,5}|NL-OMON\d{2,6})"),
    _r("nl", "Netherlands Trial Register", r"(NL\d{4,5})",
       context=r"netherlands|dutch|trialregister\.nl|\bNTR\b|onderzoekmetmensen"),
    _r("cris", "CRiS", r"(KCT\d{7})"),
    _r("irct", "IRCT", r"(IRCT\d{10,14}N\d{1,3})"),
    _r("pactr", "PACTR", r"(PACTR\d{15})"),
    _r("tctr", "TCTR", r"(TCTR\d{11})"),
    _r("rebec", "ReBEC", r"(RBR-[0-9a-z]{6,8})"),
    _r("slctr", "SLCTR", r"(SLCTR/\d{4}/\d{3})"),
    _r("lbctr", "LBCTR", r"(LBCTR\d{10})"),
)


# Every number starts with one of these, or is EudraCT/EU CT's year-digits form: a quick look
# for them skips the 20 patterns on the many texts that name no trial (benchmarks/bench_plugins).
_KEYS = ("NCT", "ISRCTN", "ChiCTR", "CTRI/", "ACTRN", "DRKS", "jRCT", "UMIN", "JapicCTI", "NTR",
         "NL", "KCT", "IRCT", "PACTR", "TCTR", "RBR-", "SLCTR/", "LBCTR")
_YEAR_FORM = re.compile(r"-\d{6}-\d\d")    # (a literal first: the regex engine skips fast)


def _may_name_a_trial(text: str) -> bool:
    return any(k in text for k in _KEYS) or bool(_YEAR_FORM.search(text))


@dataclass(frozen=True)
class Trial:
    number: str        # as the registry writes it ("NCT01234567", "2012-001234-56")
    registry: str      # registry name
    url: str
    where: str         # first field it was found in


def _number(reg: Registry, m: re.Match) -> str:
    if reg.key == "nct":
        return "NCT" + m.group(1)
    if reg.key == "isrctn":
        return "ISRCTN" + m.group(1)
    return m.group(1)


def find_trials(text: str, where: str = "text") -> list[Trial]:
    """Trial numbers in a text, in order of appearance, each once."""
    if not text or not _may_name_a_trial(text):
        return []
    hits: list[tuple[int, Trial]] = []
    taken: list[tuple[int, int]] = []
    for reg in REGISTRIES:
        for m in reg.pattern.finditer(text):
            s, e = m.span(1)
            if any(s < te and ts < e for ts, te in taken):
                continue   # (an EU CT number holds an EudraCT-like one)
            if reg.context is not None and not reg.context.search(text[max(0, s - 80):s]):
                continue
            num = _number(reg, m)
            taken.append((s, e))
            hits.append((s, Trial(num, reg.name, reg.link(num), where)))
    seen: set[str] = set()
    out = []
    for _, t in sorted(hits, key=lambda h: h[0]):
        if t.number.upper() not in seen:
            seen.add(t.number.upper())
            out.append(t)
    return out


def _databank_texts(extra: dict) -> list[str]:
    """PubMed's DataBank accession numbers: PubMed XML (``extra["pubmed"]["databanks"]``, as
    {bank name: [numbers]}) and MEDLINE's SI field ("ClinicalTrials.gov/NCT01234567")."""
    out: list[str] = []
    banks = (extra.get("pubmed") or {}).get("databanks") or {}
    if isinstance(banks, dict):
        for name, accs in banks.items():
            out += [f"{name}/{a}" for a in accs if isinstance(a, str)]
    si = (extra.get("medline") or {}).get("SI") or []
    out += [s for s in (si if isinstance(si, list) else [si]) if isinstance(s, str)]
    return out


def trials_of(article) -> list[Trial]:
    """The trial numbers an article names: its DataBank list first (the indexers' own
    record), then the title, abstract and keywords."""
    found: dict[str, Trial] = {}
    places = [("DataBank", t) for t in _databank_texts(article.extra or {})]
    places += [("title", article.title or ""), ("abstract", article.abstract or ""),
               ("keywords", "; ".join(article.keywords or []))]
    if not _may_name_a_trial("\n".join(t for _, t in places)):
        return []
    for where, text in places:
        for t in find_trials(text, where):
            found.setdefault(t.number.upper(), t)
    return list(found.values())
