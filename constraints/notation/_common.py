"""Patterns shared by the notation constraints.

Everything here runs on §FOLD (`Response.folded`, same offsets as T) with ASCII-digit lookarounds,
never `\\b`. Every quantifier is bounded or sits in a linear position, so a scan over 200k
characters of adversarial text stays linear.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Iterator

import regex

# --- conflict lists (CATALOG.md "Conflicts") -----------------------------------------------------

# E18: ids that require an Arabic number token.
ARABIC_NUMBER_IDS = (
    "notation.decimal_places", "notation.rounding", "notation.digit_grouping", "notation.postal_code_hyphen",
    "notation.postal_code_no_hyphen", "notation.phone_hyphen", "notation.phone_no_hyphen", "notation.date_ymd",
    "notation.time_24h", "notation.yen_amount", "notation.zero_padding", "notation.si_units",
    "ifbench_count.numbers", "processing.statistic", "format.numbered_list",
)
# X9: the "every word readable" ids, which exclude Arabic digits and Latin letters.
READABLE_ONLY_IDS = (
    "ifbench_words.special_mora", "ifbench_words.alternating_mora_parity", "ifbench_words.limited_vowels",
)


def numbered_sections_in_arabic(other: object) -> bool:
    """E18: `length.sections` with marker = numbered needs Arabic digits unless its params say kanji."""
    if getattr(other, "id", None) != "length.sections":
        return False
    params = getattr(other, "params", None)
    if getattr(params, "marker", None) != "numbered":
        return False
    values = params.model_dump().values() if hasattr(params, "model_dump") else ()
    return not any(isinstance(v, str) and "kanji" in v for v in values)


# --- small helpers -------------------------------------------------------------------------------

def snippet(text: str, start: int, end: int, limit: int = 40) -> str:
    """The matched text, shortened for a reason string."""
    s = text[start:end].replace("\n", " ")
    return s if len(s) <= limit else s[:limit] + "…"


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span replaced by NUL characters (no digit, letter or space survives)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append("\x00" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


class SpanSet:
    """Sorted, merged spans with a fast 'does [start, end) overlap any span' test."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start


def valid_date(y: int, m: int, d: int) -> bool:
    try:
        datetime.date(y, m, d)
    except ValueError:
        return False
    return True


# --- kanji numerals --------------------------------------------------------------------------------

KANJI_DIGITS = "〇一二三四五六七八九"
KNUM = "〇一二三四五六七八九十百千"
_KDIGIT = {c: i for i, c in enumerate(KANJI_DIGITS)}
_KMULT = {"十": 10, "百": 100, "千": 1000}
_ASCII_DIGITS = regex.compile(r"[0-9]+")


def kanji_to_int(s: str) -> int | None:
    """元 → 1, ASCII digits, positional 二〇二四, and 一..九 with 十百千 (三十一 → 31); None otherwise."""
    if s == "元":
        return 1
    if _ASCII_DIGITS.fullmatch(s):
        return int(s)
    if not s or len(s) > 8:
        return None
    if all(c in _KDIGIT for c in s):
        return int("".join(str(_KDIGIT[c]) for c in s))
    total = 0
    digit: int | None = None
    last_mult = 10_000
    for c in s:
        if c in _KDIGIT:
            if digit is not None:
                return None
            digit = _KDIGIT[c]
        elif c in _KMULT:
            mult = _KMULT[c]
            if mult >= last_mult or digit == 0:
                return None
            total += (1 if digit is None else digit) * mult
            digit = None
            last_mult = mult
        else:
            return None
    return total + (digit or 0)


# --- hyphens, postal codes and phone numbers (§FOLD) ------------------------------------------------

# Dash-like characters that count as a (wrong) hyphen when looking for a forbidden hyphenated form.
LOOSE_HYPHEN = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"


def _postal_hyphen(h: str) -> regex.Pattern[str]:
    return regex.compile(rf"(?<![0-9])(?<![0-9][{h}])(〒[ \u3000]?)?[0-9]{{3}}[{h}][0-9]{{4}}(?![0-9])(?![{h}][0-9])")


POSTAL_HYPHEN = _postal_hyphen("\\-")
POSTAL_HYPHEN_LOOSE = re.compile(_postal_hyphen(LOOSE_HYPHEN).pattern)  # stdlib re scans this 2x faster
# stdlib re: its scan of these lookbehind-led alternations is 2-3x faster than regex's
_POSTAL_PLAIN = re.compile(
    rf"(?<![0-9])(?<![0-9][,.{LOOSE_HYPHEN}])(?<![¥￥$])(〒[ \u3000]?)?[0-9]{{7}}(?![0-9])(?![,.{LOOSE_HYPHEN}][0-9])"
)
# A 7-digit run directly followed by a unit or counter is a quantity (1234567円), not a postal code.
_UNIT_AFTER = regex.compile(
    r"[ \u3000]?(?:[円万億千百兆人名件個本枚台回度歳才年月日時分秒倍点冊匹頭羽戸社校票%‰A-Za-z]|\p{sc=Katakana})"
)


def postal_plain(folded: str) -> Iterator[re.Match[str]]:
    """Unhyphenated postal codes: 7 digits, not part of a longer number, optional 〒, not followed by a unit."""
    for m in _POSTAL_PLAIN.finditer(folded):
        if m.group(1) or not _UNIT_AFTER.match(folded, m.end()):
            yield m


def _phone_hyphen(h: str) -> regex.Pattern[str]:
    return regex.compile(
        rf"(?<![0-9])(?<![0-9][{h}])0[0-9]{{1,4}}[{h}][0-9]{{1,4}}[{h}][0-9]{{1,4}}(?![0-9])(?![{h}][0-9])"
    )


_PHONE_HYPHEN = _phone_hyphen("\\-")
_PHONE_HYPHEN_LOOSE = _phone_hyphen(LOOSE_HYPHEN)
_PHONE_PLAIN = regex.compile(
    rf"(?<![0-9])(?<![0-9][,.{LOOSE_HYPHEN}])0[0-9]{{9,10}}(?![0-9])(?![,.{LOOSE_HYPHEN}][0-9])"
)


def _ten_or_eleven_digits(m: regex.Match[str]) -> bool:
    return 10 <= sum(c.isdigit() for c in m.group()) <= 11


def phone_hyphen(folded: str, loose: bool = False) -> Iterator[regex.Match[str]]:
    """0 + three digit groups joined by two hyphens, 10-11 digits (03-1234-5678, 090-1234-5678)."""
    pattern = _PHONE_HYPHEN_LOOSE if loose else _PHONE_HYPHEN
    return (m for m in pattern.finditer(folded) if _ten_or_eleven_digits(m))


def phone_plain(folded: str) -> Iterator[regex.Match[str]]:
    """0 followed by 9-10 more digits with no separator (0312345678, 09012345678)."""
    return _PHONE_PLAIN.finditer(folded)


# --- dates and times (§FOLD) -------------------------------------------------------------------------

ERAS = "明治|大正|昭和|平成|令和"
_MONTHS_EN = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DATE_LIKE = re.compile(
    rf"(?P<era>(?:{ERAS})[ ]?(?:元|[0-9]{{1,3}}|[{KNUM}]{{1,4}})[ ]?年[ ]?(?:[0-9]{{1,2}}|[{KNUM}]{{1,3}})[ ]?月"
    rf"[ ]?(?:[0-9]{{1,2}}|[{KNUM}]{{1,4}})[ ]?日)"
    r"|(?P<ymd>(?<![0-9])[0-9]{1,4}[ ]?年[ ]?[0-9]{1,2}[ ]?月[ ]?[0-9]{1,2}[ ]?日)"
    r"|(?P<md>(?<![0-9])[0-9]{1,2}[ ]?月[ ]?[0-9]{1,2}[ ]?日)"
    rf"|(?P<kmd>(?<![{KNUM}])[{KNUM}]{{1,3}}月[{KNUM}]{{1,4}}日)"
    r"|(?P<sep>(?<![0-9])(?:(?P<y1>[0-9]{4})[-/.](?P<m1>[0-9]{1,2})[-/.](?P<d1>[0-9]{1,2})"
    r"|(?P<a2>[0-9]{1,2})[-/.](?P<b2>[0-9]{1,2})[-/.](?P<y2>[0-9]{4})"
    r"|(?P<y3>[0-9]{2})/(?P<m3>[0-9]{1,2})/(?P<d3>[0-9]{1,2}))(?![0-9])(?![-/.][0-9]))"
    rf"|(?P<en>(?<![A-Za-z])(?:{_MONTHS_EN})[a-z]{{0,6}}\.?[ ][0-9]{{1,2}}(?:st|nd|rd|th)?,?[ ][0-9]{{4}}(?![0-9]))"
)


def _plausible_separated(m: re.Match[str]) -> bool:
    """A separated triple is date-like only if some reading gives month 1-12 and day 1-31."""
    if m.group("y1"):
        return 1 <= int(m.group("m1")) <= 12 and 1 <= int(m.group("d1")) <= 31
    if m.group("y2"):
        a, b = int(m.group("a2")), int(m.group("b2"))
        return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
    return 1 <= int(m.group("m3")) <= 12 and 1 <= int(m.group("d3")) <= 31


def date_like(text: str) -> Iterator[re.Match[str]]:
    """Date-like expressions in any style: Y年M月D日, M月D日, era dates, kanji M月D日, separated triples,
    English month names. Separated triples count only with a plausible month and day (not 1.2.3)."""
    for m in DATE_LIKE.finditer(text):
        if m.group("sep") and not _plausible_separated(m):
            continue
        yield m


# Colon times with a 1- or 2-digit hour: 9:30, 09:30, 23:59:59 (not 1:100, not 16:9).
COLON_TIME = regex.compile(
    r"(?<![0-9])(?<![0-9]:)(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?(?![0-9])(?!:[0-9])"
)
