"""notation: decimals, grouping, numeral scripts, zero padding, yen amounts and SI units (§N on §FOLD)."""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal

import regex
from pydantic import Field

from jfbench.catalog import CatalogError, Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints._forced import forced_view
from jfbench.ja import KANJI_NUMERAL_CHARS, NumberToken, Response

from ._common import (
    ARABIC_NUMBER_IDS,
    COLON_TIME,
    POSTAL_HYPHEN_LOOSE,
    READABLE_ONLY_IDS,
    SpanSet,
    date_like,
    numbered_sections_in_arabic,
    phone_hyphen,
    phone_plain,
    postal_plain,
    snippet,
)

E = Example


def _decimals(r: Response) -> list[NumberToken]:
    return [t for t in r.numbers if t.fraction is not None]


# --- decimals ------------------------------------------------------------------------------------

@register
class DecimalPlaces(Constraint):
    id = "notation.decimal_places"
    group = Group.NOTATION
    aliases = ("DecimalPlacesNotationConstraint",)
    train = True
    jfbench_kwargs: ClassVar[dict[str, str]] = {"required_decimal_places": "places"}

    class Params(ParamsBase):
        places: int = Field(default=2, ge=1, le=10)

    test_wording = ("回答には小数を少なくとも1つ含め、小数はすべて小数点以下ちょうど{places}桁で書いてください"
                    "（例：{example}。末尾の0も1桁に数えます。整数はそのままで構いません）。")
    train_wordings = (
        "小数点を含む数値を1つ以上書き、そのすべてを小数点以下{places}桁にそろえてください（{example}のように、末尾の0も桁数に含めます）。整数には適用しません。",
        "数値を小数で示す箇所を最低1か所設け、どの小数も小数点の後ろをちょうど{places}桁にしてください。例：{example}（0で終わる場合も省略しないこと）。",
        "小数表記の数は必ず小数点以下{places}桁で統一してください。小数は少なくとも1つ使うこと。たとえば{example}のように、末尾の0も書いて桁数を合わせます。",
        "小数を使った数値を含めてください。その際、小数点以下の桁数はすべて{places}桁ちょうどとし（例：{example}）、桁が足りなければ0で埋めてください。整数は対象外です。",
        "回答中の小数はいずれも小数点以下を{places}桁で表記してください（{example}の形式で、末尾の0も数えます）。小数は1つ以上必ず含めること。",
    )
    examples = (
        E(response="今月の成長率は3.50%で、前月は2.75%でした。", passed=True, params={"places": 2}),
        E(response="売上は120万円、成長率は1.25倍でした。", passed=True, params={"places": 2},
          note="integers are not affected"),
        E(response="1. 成長率は３．５０％です。\n2. 利用者は増えました。", passed=True, params={"places": 2},
          note="full-width digits fold; the list marker 1. is an integer"),
        E(response="バージョン1.2.3では誤差が0.125まで減りました。", passed=True, params={"places": 3},
          note="a dotted identifier is not a number"),
        E(response="円周率はおよそ3.14159です。", passed=True, params={"places": 5}),
        E(response="成長率は3.5%でした。", passed=False, params={"places": 2}),
        E(response="成長率は3.50%、前月は2.7%でした。", passed=False, params={"places": 2}),
        E(response="成長率は前月より大きく上がりました。", passed=False, params={"places": 2},
          note="anchor defect: text with no decimal passed"),
        E(response="成長率は35%です。", passed=False, params={"places": 1}, note="needs a decimal number"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(places=rng.randint(1, 4))

    def display(self) -> dict[str, str]:
        return {"example": f"{1.5:.{self.params.places}f}"}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: a decimal number

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "notation.rounding" and self.params.places > other.params.max_places:
            return (f"P5: exactly {self.params.places} decimal places contradicts "
                    f"at most {other.params.max_places}")
        return None

    def check(self, r: Response) -> Verdict:
        decimals = _decimals(r)
        if not decimals:
            return self.fail("contains no decimal number")
        n = self.params.places
        for t in decimals:
            if len(t.fraction or "") != n:
                return self.fail(f"{t.text} has {len(t.fraction or '')} decimal places, needs exactly {n}")
        return self.ok(f"all {len(decimals)} decimal numbers have {n} decimal places")


@register
class Rounding(Constraint):
    id = "notation.rounding"
    group = Group.NOTATION
    aliases = ("RoundingNotationConstraint",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"digits": "max_places"}

    class Params(ParamsBase):
        max_places: int = Field(default=2, ge=1, le=10)

    test_wording = ("回答には小数を少なくとも1つ含め、すべての小数は小数点以下{max_places}桁以内で書いてください"
                    "（例：{example}。末尾の0も桁数に数えます）。")
    examples = (
        E(response="平均は3.14、中央値は2.5です。", passed=True, params={"max_places": 2}),
        E(response="平均は1.5で、合計は12です。", passed=True, params={"max_places": 1}),
        E(response="平均は3.142です。", passed=False, params={"max_places": 2}),
        E(response="平均は1.50です。", passed=False, params={"max_places": 1},
          note="anchor defect: a quantize comparison passed 1.50 for 1 place"),
        E(response="平均はおよそ3です。", passed=False, params={"max_places": 2}, note="needs a decimal number"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(max_places=rng.randint(1, 3))

    def display(self) -> dict[str, str]:
        return {"example": f"{3.14159:.{self.params.max_places}f}"}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: a decimal number

    def check(self, r: Response) -> Verdict:
        decimals = _decimals(r)
        if not decimals:
            return self.fail("contains no decimal number")
        n = self.params.max_places
        for t in decimals:
            if len(t.fraction or "") > n:
                return self.fail(f"{t.text} has {len(t.fraction or '')} decimal places, at most {n} allowed")
        return self.ok(f"all {len(decimals)} decimal numbers have at most {n} decimal places")


# --- digit grouping ---------------------------------------------------------------------------------

_GROUPED_OK = regex.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_YEAR_RANGE_AFTER = regex.compile(r"[〜~\-\u2013\u2014\u301c][0-9]{4}年")
# Phone-like and code-like digit chains: 03-1234-5678, +81-3-1234-5678, 978-4-7981-6849-4, 03(1234)5678.
_DIGIT_CHAIN = regex.compile(
    r"(?<![0-9])(?:\+[0-9]{1,3}[ \-]?)?[0-9]{1,6}(?:[\-\u2010\u2212][0-9]{1,6}){2,}(?![0-9])"
    r"|(?<![0-9])0[0-9]{1,4}[(（][0-9]{1,4}[)）][0-9]{3,4}(?![0-9])"
)


def _grouping_exempt_spans(folded: str) -> SpanSet:
    """Dates, times, phone numbers, postal codes and digit chains (CATALOG exemptions for grouping)."""
    spans = [m.span() for m in date_like(folded)]
    spans += [m.span() for m in COLON_TIME.finditer(folded)]
    spans += [m.span() for m in phone_hyphen(folded, loose=True)]
    spans += [m.span() for m in phone_plain(folded)]
    spans += [m.span() for m in POSTAL_HYPHEN_LOOSE.finditer(folded)]
    spans += [m.span() for m in postal_plain(folded)]
    spans += [m.span() for m in _DIGIT_CHAIN.finditer(folded)]
    return SpanSet(spans)


@register
class DigitGrouping(Constraint):
    id = "notation.digit_grouping"
    group = Group.NOTATION
    aliases = ("GroupingNotationConstraint",)
    train = True
    jfbench_kwargs: ClassVar[dict[str, str]] = {"max_group_size": "max_group_size"}

    class Params(ParamsBase):
        min_grouped: int = Field(default=1, ge=1, le=10)

    test_wording = ("4桁以上の数は「1,234,567」のように3桁ごとに半角カンマで区切り、カンマで区切った1,000以上の数を"
                    "{min_grouped}つ以上含めてください（「2024年」のような年、日付、時刻、電話番号、郵便番号、"
                    "0で始まる番号は区切りません）。")
    train_wordings = (
        "1,000以上の数を{min_grouped}つ以上使い、4桁以上の数はすべて3桁ごとにカンマで区切ってください（例：12,500）。年（2024年など）、日付、時刻、電話番号、郵便番号、0から始まる番号は例外です。",
        "数字の桁区切りを徹底してください。4桁以上の数値は必ず「12,345」のようにカンマで3桁ずつ区切り、そうした数を少なくとも{min_grouped}個書くこと。ただし西暦の年・日付・時刻・電話番号・郵便番号・先頭が0の番号はそのままで構いません。",
        "カンマ区切りの数（1,000以上）を{min_grouped}つ以上含め、ほかの4桁以上の数も3桁ごとのカンマ区切りにしてください。「2025年」などの年、日付、時刻、電話・郵便番号、0始まりのコードは区切り不要です。",
        "金額や数量などで4桁以上の数を書くときは3桁ごとにカンマを入れてください（例：3,000、1,250,000）。カンマで区切った数を最低{min_grouped}つ入れること。年・日付・時刻・電話番号・郵便番号・0で始まる番号は対象外です。",
        "回答に1,000以上の数を{min_grouped}つ以上、3桁区切りのカンマ付きで書いてください。カンマのない4桁以上の数は不可ですが、年（2024年）、日付、時刻、電話番号、郵便番号、先頭が0のコードはカンマなしで書きます。",
    )
    examples = (
        E(response="2024年の来場者は12,500人でした。", passed=True, note="a 4-digit year before 年 is exempt"),
        E(response="2024年度の予算は1,250,000円です。", passed=True, note="年度 is exempt too"),
        E(response="受付は2024-04-01から2024/04/30まで、4月1日 10:00開始です。参加費は3,000円です。",
          passed=True, note="numbers inside dates and times are exempt"),
        E(response="お問い合わせは03-1234-5678、または0120-123-456へ。参加費は3,000円です。", passed=True,
          note="numbers inside phone numbers are exempt"),
        E(response="〒100-0001 東京都千代田区、〒1500002 渋谷区の2拠点に計1,200部を送ります。", passed=True,
          note="postal codes are exempt"),
        E(response="会員番号0012345の方には5,000ポイントを付与します。", passed=True,
          note="a code with a leading 0 is exempt"),
        E(response="サーバー192.168.10.1とバージョン1.2.3で、1,500件を処理しました。", passed=True,
          note="dotted identifiers are exempt"),
        E(response="1, 2, 3の順に並べると、合計は1,000です。", passed=True,
          note="anchor defect: the list 1, 2, 3 failed"),
        E(response="来場者は１２，５００人でした。", passed=True, note="full-width digits and comma fold"),
        E(response="2024〜2025年の売上は10,000,000円でした。", passed=True, note="a year range before 年"),
        E(response="ISO9001認証の工場から、ISBN 978-4-7981-6849-4の本を1,200冊送ります。", passed=True,
          note="identifiers glued to letters and hyphenated code chains are codes, not quantities"),
        E(response="来場者は12500人でした。", passed=False),
        E(response="来場者は数多くいました。", passed=False, note="anchor defect: text with no numbers passed"),
        E(response="来場者は12,500人、売上は3400000円でした。", passed=False),
        E(response="人口は1234,567人です。", passed=False, note="groups must be threes"),
        E(response="売上は1234.5万円、来場者は12,500人でした。", passed=False,
          note="the integer part of a decimal is grouped too"),
        E(response="来場者は12,500人、予算は300円です。", passed=False, params={"min_grouped": 2},
          note="only one grouped number"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_grouped=rng.randint(1, 2))

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        size = params.pop("max_group_size", 3)
        if size != 3:
            raise CatalogError(f"GroupingNotationConstraint: max_group_size={size!r} is not supported; "
                               "notation.digit_grouping checks groups of 3 only")
        params.setdefault("min_grouped", 1)
        return params

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=self.params.min_grouped)  # P4

    def check(self, r: Response) -> Verdict:
        f = r.folded
        grouped = 0
        exempt: SpanSet | None = None
        for t in r.numbers:
            int_text = t.text.partition(".")[0]
            if t.grouped:
                if not _GROUPED_OK.fullmatch(int_text):
                    return self.fail(f"{t.text} is not grouped in threes")
                grouped += 1
                continue
            if len(t.integer) < 4 or t.integer.startswith("0"):
                continue
            if len(t.integer) == 4 and (f.startswith("年", t.end) or _YEAR_RANGE_AFTER.match(f, t.end)):
                continue
            if t.start > 0 and (f[t.start - 1].isascii() and (f[t.start - 1].isalpha() or f[t.start - 1] == "_")):
                continue  # part of an identifier such as ISO9001
            if exempt is None:
                exempt = _grouping_exempt_spans(f)
            if exempt.overlaps(t.start, t.end):
                continue
            return self.fail(f"{t.text} has 4 or more digits without comma grouping "
                             f"(near {snippet(f, max(0, t.start - 6), t.end + 6)!r})")
        need = self.params.min_grouped
        if grouped < need:
            return self.fail(f"{grouped} comma-grouped numbers of 1,000 or more, needs at least {need}")
        return self.ok(f"{grouped} comma-grouped numbers; no ungrouped number of 4 or more digits")


# --- numeral script ----------------------------------------------------------------------------------

_ARABIC_DIGIT = regex.compile(r"[0-9０-９]")


@register
class KanjiNumerals(Constraint):
    id = "notation.kanji_numerals"
    group = Group.NOTATION
    aliases = ("KanjiNumeralsNotationConstraint",)
    conflicts = (*ARABIC_NUMBER_IDS, "notation.no_kanji_numerals", "notation.halfwidth_digits", *READABLE_ONLY_IDS)
    test_wording = ("数はすべて漢数字（一、二、十、百、千、万など）で書き、算用数字（0〜9、全角の０〜９を含む）は"
                    "一切使わないでください。漢数字で書いた数を少なくとも一つ含めてください。")
    examples = (
        E(response="りんごを三つと、みかんを二十個買いました。", passed=True),
        E(response="参加者は百二十人で、会場は二階でした。", passed=True),
        E(response="①から③の資料を配り、三人で確認しました。", passed=True, note="circled numbers are not Arabic digits"),
        E(response="りんごを3つ買いました。", passed=False),
        E(response="りんごを三つ、みかんを１０個買いました。", passed=False, note="full-width digits are Arabic digits"),
        E(response="一緒に一般的な話をして、十分に理解しました。", passed=False,
          note="anchor defect: digit-free prose without a numeral passed (一緒, 一般, 十分 are not numerals)"),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        if numbered_sections_in_arabic(other):
            return "E18: numbered sections use Arabic digits"
        return None

    @staticmethod
    def _arabic(text: str) -> str | None:
        m = _ARABIC_DIGIT.search(text)
        if m is None:
            return None
        return f"contains the Arabic digit {m.group()!r} near {snippet(text, max(0, m.start() - 6), m.end() + 6)!r}"

    def forced_text_problem(self, text: str) -> str | None:
        return self._arabic(text)

    def check(self, r: Response) -> Verdict:
        bad = self._arabic(r.text)
        if bad:
            return self.fail(bad)
        if KANJI_NUMERAL_CHARS.isdisjoint(r.text) or not r.kanji_numerals:
            return self.fail("contains no kanji numeral")
        return self.ok(f"{len(r.kanji_numerals)} kanji numerals and no Arabic digit")


@register
class NoKanjiNumerals(Constraint):
    id = "notation.no_kanji_numerals"
    group = Group.NOTATION
    aliases = ("NoKanjiNumeralsNotationConstraint",)
    train = True
    conflicts = READABLE_ONLY_IDS
    test_wording = ("数は算用数字（1、2、3…）で書き、数を表す漢数字（「三つ」「二十」「百円」「一度」「第一」など）は"
                    "使わないでください。「一緒」「一般」「千葉」のように数を表さない語は構いません。"
                    "算用数字で書いた数を少なくとも1つ含めてください。")
    train_wordings = (
        "数量や順番はすべてアラビア数字で表し、漢数字の数詞（三つ、二十、千、第一など）は使わないでください。数字は最低1つ書くこと。なお「一般」「千葉」などの語は問題ありません。",
        "回答に数を書くときは「3」「20」「1度」のような算用数字を使い、「三」「二十」「一度」といった漢数字は避けてください（「一緒」「一部」など数を表さない語は可）。数字を1つ以上含めてください。",
        "漢数字ではなく算用数字で数を表記してください。少なくとも1つは数字を含め、「五人」「百円」のような漢数字の使い方はしないこと。数を表さない熟語中の漢字（一部、一般など）は対象外です。",
        "数を表す部分は必ず1, 2, 3…の数字で書いてください。漢数字による数の表記は禁止ですが、「一緒」「一般」「一方」のような言葉はそのまま使えます。数字を最低1か所入れてください。",
        "数値はアラビア数字で統一し、漢数字（一・二・三・十・百・千・万など）で数を書かないでください。「千葉」「一部」など数でない語はかまいません。回答には数字を1つ以上含めること。",
    )
    examples = (
        E(response="りんごを3つ、みかんを20個買いました。", passed=True),
        E(response="一緒に一般的な話をして、十分に理解しました。参加者は5人です。", passed=True,
          note="anchor defect: 一緒, 一般 and 十分 failed"),
        E(response="千葉で一部の資料を2回確認しました。", passed=True, note="千葉 and 一部 are not numerals"),
        E(response="りんごを三つ買いました。", passed=False),
        E(response="参加者は二十人、費用は3,000円です。", passed=False),
        E(response="一緒に一般的な話をしました。", passed=False, note="needs an Arabic number token"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4

    @staticmethod
    def _kanji_numeral(r: Response) -> str | None:
        if KANJI_NUMERAL_CHARS.isdisjoint(r.text) or not r.kanji_numerals:
            return None
        return f"uses the kanji numeral {r.kanji_numerals[0].surface!r} ({len(r.kanji_numerals)} in all)"

    def forced_text_problem(self, text: str) -> str | None:
        return None if KANJI_NUMERAL_CHARS.isdisjoint(text) else self._kanji_numeral(forced_view(text))

    def check(self, r: Response) -> Verdict:
        bad = self._kanji_numeral(r)
        if bad:
            return self.fail(bad)
        if not r.numbers:
            return self.fail("contains no Arabic number")
        return self.ok(f"{len(r.numbers)} Arabic numbers and no kanji numeral")


_FULLWIDTH_DIGIT = regex.compile(r"[０-９]")
_ASCII_DIGIT = regex.compile(r"[0-9]")


@register
class HalfwidthDigits(Constraint):
    id = "notation.halfwidth_digits"
    group = Group.NOTATION
    aliases = ("jfbench:notation.halfwidth_digits",)
    train = True
    conflicts = READABLE_ONLY_IDS
    test_wording = "数字はすべて半角（0〜9）で書き、全角数字（０〜９）は使わないでください。半角数字を少なくとも1つ含めてください。"
    train_wordings = (
        "数字は半角の0〜9で表記してください。全角の「０」〜「９」は一つも使わず、半角数字を1つ以上書くこと。",
        "回答に含める数字は半角にそろえてください（例：2025）。全角数字（例：２０２５）は禁止で、半角数字は最低1つ必要です。",
        "全角数字を使わず、数は「123」のような半角数字で書いてください。少なくとも1か所は数字を含めてください。漢数字や丸数字の使用は自由です。",
        "アラビア数字は必ず半角で書いてください。全角の数字が混じってはいけません。また、半角数字を少なくとも1回は使ってください。",
        "数を算用数字で書くときは半角を使い、「１」「２」のような全角数字は避けてください。回答には半角数字を1つ以上入れること。",
    )
    examples = (
        E(response="会議は3月15日の10時からです。", passed=True),
        E(response="参加者は12人で、①と②の資料を配り、三つの議題を話しました。", passed=True,
          note="circled and kanji numerals are free"),
        E(response="会議は３月１５日です。", passed=False),
        E(response="会議は3月１５日です。", passed=False, note="one full-width digit is enough to fail"),
        E(response="会議は来週の月曜日です。", passed=False, note="needs an ASCII digit"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4

    @staticmethod
    def _full_width_digit(text: str) -> str | None:
        m = _FULLWIDTH_DIGIT.search(text)
        if m is None:
            return None
        return (f"contains the full-width digit {m.group()!r} near "
                f"{snippet(text, max(0, m.start() - 6), m.end() + 6)!r}")

    def forced_text_problem(self, text: str) -> str | None:
        return self._full_width_digit(text)

    def check(self, r: Response) -> Verdict:
        bad = self._full_width_digit(r.text)
        if bad:
            return self.fail(bad)
        if not _ASCII_DIGIT.search(r.text):
            return self.fail("contains no half-width digit")
        return self.ok("all digits are half-width")


# --- zero padding ------------------------------------------------------------------------------------

@register
class ZeroPadding(Constraint):
    id = "notation.zero_padding"
    group = Group.NOTATION
    aliases = ("ZeroPaddingNotationConstraint",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"width": "width"}

    class Params(ParamsBase):
        width: int = Field(default=5, ge=2, le=10)
        min_count: int = Field(default=1, ge=1, le=10)

    test_wording = ("先頭を0で埋めてちょうど{width}桁にした番号（例：{example}）を、算用数字で{min_count}つ以上"
                    "含めてください。")
    examples = (
        E(response="会員番号は00042です。", passed=True, note="anchor defect: glued text failed"),
        E(response="注文番号：01234、02345", passed=True, params={"width": 5, "min_count": 2}),
        E(response="部屋番号は007です。", passed=True, params={"width": 3, "min_count": 1}),
        E(response="会員番号は42です。", passed=False),
        E(response="会員番号は0042です。", passed=False, note="4 digits, needs 5"),
        E(response="会員番号は000042です。", passed=False, note="6 digits, needs 5"),
        E(response="会員番号は12345です。", passed=False, note="no leading zero"),
        E(response="会員番号は00042です。", passed=False, params={"width": 5, "min_count": 2}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(width=rng.randint(3, 5), min_count=rng.randint(1, 3))

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        params.setdefault("min_count", 1)
        return params

    def display(self) -> dict[str, str]:
        return {"example": "42".zfill(self.params.width)}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=self.params.min_count)  # P4

    def check(self, r: Response) -> Verdict:
        w = self.params.width
        padded = [t for t in r.numbers
                  if t.fraction is None and not t.grouped and len(t.integer) == w and t.integer[0] == "0"]
        if len(padded) < self.params.min_count:
            return self.fail(f"{len(padded)} zero-padded {w}-digit numbers, needs at least {self.params.min_count}")
        return self.ok(f"{len(padded)} zero-padded {w}-digit numbers")


# --- yen amounts -------------------------------------------------------------------------------------

_YEN_SUFFIX = regex.compile(r"[ ]?(?:万円|億円|円)")
_YEN_FORMS = {
    "prefix": ("「¥1,500」のように数字の前に「¥」か「￥」を付ける形", "「1,500円」のような「円」を後ろに付ける表記"),
    "suffix": ("「1,500円」「1,200万円」のように数字の後ろに「円」「万円」「億円」を付ける形", "「¥1,500」のような¥記号の表記"),
}


@register
class YenAmount(Constraint):
    id = "notation.yen_amount"
    group = Group.NOTATION
    aliases = ("CurrencyNotationConstraint",)
    train = True

    # JFBench's class has no kwargs and asked for ¥ amounts, so alias calls get style = prefix.
    class Params(ParamsBase):
        style: Literal["prefix", "suffix"] = "prefix"

    test_wording = ("金額を少なくとも1つ書き、すべての金額を{form}で表記してください。{other}は使わず、"
                    "金額の数字が4桁以上になる場合は3桁ごとにカンマで区切ってください。")
    train_wordings = (
        "回答に金額を1つ以上含めてください。金額は必ず{form}にそろえ、{other}を混ぜないでください。数字が4桁以上の額には3桁区切りのカンマを入れること。",
        "金額表記を統一してください：{form}のみを使用し、{other}は禁止です。金額は最低1つ書き、数字が4桁以上ならカンマで3桁ずつ区切ってください。",
        "値段や費用を示すときは{form}で書いてください（{other}は不可）。少なくとも1つの金額を含め、4桁以上の数字はカンマ区切りにします。",
        "金額はすべて{form}で書き、{other}はどこにも使わないこと。金額の数字が4桁以上ならカンマで3桁ごとに区切り、回答には金額を少なくとも1つ入れてください。",
        "お金の額を書く際の形式を指定します。{form}だけを用い、{other}は避けてください。数字部分が4桁以上のときは3桁ごとのカンマ区切りも守り、金額を1つ以上示すこと。",
    )
    examples = (
        E(response="参加費は¥3,000、資料代は￥500です。", passed=True, note="anchor defect: ￥ failed"),
        E(response="合計は¥1,234,567になります。", passed=True),
        E(response="参加費は3,000円です。", passed=False, note="suffix style when prefix is asked"),
        E(response="参加費は¥3000です。", passed=False, note="1,000 or more needs grouping"),
        E(response="参加費は¥3,000、資料代は500円です。", passed=False, note="every amount must use the style"),
        E(response="参加費は無料です。", passed=False, note="needs an amount"),
        E(response="参加費は3,000円、予算は1,500万円、総額は2億円です。", passed=True, params={"style": "suffix"},
          note="anchor defect: no 円 style"),
        E(response="参加費は¥3,000です。", passed=False, params={"style": "suffix"}),
        E(response="参加費は3000円です。", passed=False, params={"style": "suffix"}),
        E(response="予算は1500万円です。", passed=False, params={"style": "suffix"}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(style=rng.choice(["prefix", "suffix"]))

    def display(self) -> dict[str, str]:
        form, other = _YEN_FORMS[self.params.style]
        return {"form": form, "other": other}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: an amount

    def param_conflict(self, other: Constraint) -> str | None:
        if self.params.style == "suffix" and other.id in {"character.half_width", "character.romaji_only"}:
            return "X3/X4: the 円 suffix is not half-width or romaji"
        return None

    def check(self, r: Response) -> Verdict:
        f = r.folded
        count = 0
        for t in r.numbers:
            prefix = (t.start >= 1 and f[t.start - 1] in "¥￥") or (
                t.start >= 2 and f[t.start - 1] == " " and f[t.start - 2] in "¥￥")
            suffix = _YEN_SUFFIX.match(f, t.end)
            if not prefix and not suffix:
                continue
            start = t.start - (1 if f[t.start - 1] in "¥￥" else 2) if prefix else t.start
            shown = snippet(f, start, suffix.end() if suffix else t.end)
            if (prefix and suffix) or (self.params.style == "prefix" and not prefix) or (
                    self.params.style == "suffix" and not suffix):
                return self.fail(f"the amount {shown!r} is not in the {self.params.style} style")
            int_text = t.text.partition(".")[0]
            if len(t.integer.lstrip("0")) >= 4 and not _GROUPED_OK.fullmatch(int_text):
                return self.fail(f"the amount {shown!r} needs comma grouping")
            count += 1
        if not count:
            return self.fail("contains no yen amount")
        return self.ok(f"{count} yen amounts, all in the {self.params.style} style")


# --- SI units ----------------------------------------------------------------------------------------

_SI_ONE = r"(?:°C|℃|[kMGTmμµcdhn]?(?:mol|cd|Hz|Pa|Wh|Ω|[mgsAKNJWVLl]))(?:[²³]|\^[23])?"
_SI_UNIT = regex.compile(rf"[ ]?{_SI_ONE}(?:[/·⋅](?:{_SI_ONE}|h|min)){{0,3}}(?![A-Za-z])")
_KATAKANA_UNIT = regex.compile(
    r"[ ]?(?:平方|立方)?(?:(?:キロ|ミリ|センチ|メガ|ギガ|マイクロ|ナノ|ヘクト|デシ)?"
    r"(?:メートル|グラム|リットル|ワット|ボルト|アンペア|ケルビン|モル|カンデラ|ヘルツ|ニュートン|パスカル|ジュール)"
    r"|キロ|ミリ|センチ)"
)


@register
class SiUnits(Constraint):
    id = "notation.si_units"
    group = Group.NOTATION
    aliases = ("UnitNotationConstraint",)
    conflicts = READABLE_ONLY_IDS

    class Params(ParamsBase):
        min_quantities: int = Field(default=1, ge=1, le=10)

    test_wording = ("数字にSI単位の記号を付けた数量（例：5 km、25℃）を{min_quantities}つ以上書いてください。"
                    "単位記号には m、kg、s、A、K、mol、cd、Hz、N、Pa、J、W、V、L、℃、km/h、m² などを使い、"
                    "数量に「メートル」「キロ」「グラム」のようなカタカナの単位名は使わないでください。")
    examples = (
        E(response="距離は5kmで、気温は25℃でした。", passed=True, params={"min_quantities": 2},
          note="anchor defect: 5℃ was rejected"),
        E(response="速度は60 km/h、面積は20m²、電力は100Wです。", passed=True, params={"min_quantities": 3}),
        E(response="棒の長さは5mです。", passed=True, note="a unit glued to Japanese text counts"),
        E(response="気圧は1013hPa、重さは２ｋｇです。", passed=True, params={"min_quantities": 2},
          note="full-width text folds"),
        E(response="距離は5キロで、気温は25度でした。", passed=False),
        E(response="距離は5km、重さは3キログラムでした。", passed=False, note="a katakana unit name fails"),
        E(response="距離は5kmです。", passed=False, params={"min_quantities": 2}),
        E(response="休憩は5 minutesです。", passed=False, note="m followed by a Latin letter is not a unit"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_quantities=rng.randint(1, 3))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=self.params.min_quantities)  # P4

    def check(self, r: Response) -> Verdict:
        f = r.folded
        found = 0
        for t in r.numbers:
            k = _KATAKANA_UNIT.match(f, t.end)
            if k:
                return self.fail(f"the quantity {snippet(f, t.start, k.end())!r} uses a katakana unit name")
            if _SI_UNIT.match(f, t.end):
                found += 1
        need = self.params.min_quantities
        if found < need:
            return self.fail(f"{found} quantities with an SI unit symbol, needs at least {need}")
        return self.ok(f"{found} quantities with an SI unit symbol")
