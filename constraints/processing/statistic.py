"""processing: a statistic of the prompt's document (CATALOG.md, "processing.statistic").

The statistic is computed on §DOC by rule; the first number token (§N) of T must equal it. The
wording states each counting rule, and sampling skips statistics whose plain-language rule would not
reproduce the formal one on this document (Markdown, `.` terminators, katakana runs that UniDic splits).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any, ClassVar, Literal

import regex

from jfbench.catalog import CatalogError, Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import KATAKANA, Response, char_count

from ._common import COMMON_CONFLICTS, DOC, NO_DOCUMENT, prompt_view

E = Example

Statistic = Literal["sentences", "characters", "touten", "katakana_words", "distinct_kanji"]

STATISTICS: dict[str, str] = {
    "sentences": "文の数（文は「。」「！」「？」（半角の「!」「?」を含み、続けて並んだものはまとめて1つとみなす）の直後か"
                 "改行の位置で区切り、かぎかっこやかっこの中では区切らない。文字も数字も含まない部分は文と数えない）",
    "characters": "文字数（空白と改行は数えず、句読点・かっこ・記号・数字も1文字ずつ数える）",
    "touten": "読点「、」の個数（全角の「、」だけを数え、「，」や「,」は数えない）",
    "katakana_words": "カタカナだけで書かれた語の数（カタカナと長音「ー」が続いている部分を1語とし、「・」やほかの文字で"
                      "区切られていれば別の語とする。同じ語が何度出てきても、出てくるたびに1と数える）",
    "distinct_kanji": "使われている漢字の種類の数（同じ漢字は何度出てきても1種類と数え、繰り返し記号「々」は数えない）",
}
ENGLISH = {"sentences": "sentence count", "characters": "character count (whitespace excluded)",
           "touten": "number of 、", "katakana_words": "number of katakana-only words",
           "distinct_kanji": "number of distinct kanji"}
# JFBench passed the statistic as free Japanese text; these names map onto ours.
JFBENCH_NAMES = {
    "sentences": ("文の数", "文数", "文の個数"),
    "characters": ("文字数", "空白を除いた文字数"),
    "touten": ("読点の数", "読点の個数", "「、」の数", "、の数"),
    "katakana_words": ("カタカナ語の数", "カタカナの語の数", "カタカナだけで書かれた語の数"),
    "distinct_kanji": ("漢字の種類数", "漢字の種類の数", "異なり漢字数"),
}

_KATAKANA_RUN = regex.compile(rf"[{KATAKANA}]+")
_KANJI = regex.compile(r"\p{sc=Han}")
_PERIOD_TERMINATOR = regex.compile(r"\.(?=\s|$)")


def _katakana_word(surface: str) -> bool:
    return _KATAKANA_RUN.fullmatch(surface) is not None and bool(surface.strip("ーｰﾞﾟ"))


def statistic_value(doc: Response, statistic: str) -> int:
    """The statistic of an analysed §DOC (`r.doc`)."""
    text = doc.completion
    if statistic == "sentences":
        return len(doc.sentences)
    if statistic == "characters":
        return char_count(text)
    if statistic == "touten":
        return text.count("、")
    if statistic == "katakana_words":
        if not _KATAKANA_RUN.search(text):  # no katakana: skip tokenizing the document
            return 0
        return sum(1 for w in doc.words if _katakana_word(w.surface))
    return len(set(_KANJI.findall(text)) - {"々"})


def _plain_rule_holds(doc: Response, statistic: str) -> bool:
    """Whether the wording's plain-language rule gives the formal (§S / §W) count on this document."""
    if statistic == "sentences":
        return doc.md_lines == doc.lines and not _PERIOD_TERMINATOR.search(doc.text)
    if statistic == "katakana_words":
        runs = [m.group() for line in doc.md_lines for m in _KATAKANA_RUN.finditer(line) if _katakana_word(m.group())]
        return runs == [w.surface for w in doc.words if _katakana_word(w.surface)]
    return True


def sampleable_statistics(prompt: Any) -> list[str]:
    view = prompt_view(prompt)
    if view is None:
        return []
    return [s for s in STATISTICS if statistic_value(view, s) >= 1 and _plain_rule_holds(view, s)]


DOC_B = ("富士山の標高は3776メートルです。山頂付近の気温は夏でも10度を下回ることがあります。"
         "毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。")
DOC_C = "2023年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。\n休日にはカフェで本を読むのが楽しみだ。"
DOC_J = "ジョン・スミスさんはロンドンからパリへ向かった。"
DOC_K = "人々は「もう帰ろう。」と言った。空は暗く、風も強い。"


@register
class StatisticConstraint(Constraint):
    id = "processing.statistic"
    group = Group.PROCESSING
    aliases = ("StatisticsProcessingConstraint",)
    conflicts = (*COMMON_CONFLICTS, "notation.kanji_numerals")

    class Params(ParamsBase):
        statistic: Statistic

    test_wording = (
        DOC + "について、{stat_ja}を数え、その数を算用数字（半角・全角のどちらでもよい）で回答に書いてください。"
        "回答の中で最初に出てくる算用数字の数がその値になるようにし、それより前にほかの算用数字（番号や日付なども含む）を"
        "書かないでください。"
    )
    examples = (
        E(response="課題文の文の数は4です。", params={"statistic": "sentences"}, document=DOC_B, passed=True),
        E(response="文字数は65文字でした（2023年4月1日の文を含む）。", params={"statistic": "characters"}, document=DOC_C,
          passed=True, note="67 characters minus 2 line breaks; later numbers do not matter"),
        E(response="読点は１個です。", params={"statistic": "touten"}, document=DOC_C, passed=True,
          note="full-width digits are read on §FOLD"),
        E(response="カタカナだけの語は4語（ジョン、スミス、ロンドン、パリ）です。", params={"statistic": "katakana_words"},
          document=DOC_J, passed=True, note="・ separates ジョン and スミス"),
        E(response="カタカナ語は3つです。", params={"statistic": "katakana_words"}, document=DOC_J, passed=False,
          note="ジョン・スミス is two words"),
        E(response="漢字は7種類あります。", params={"statistic": "distinct_kanji"}, document=DOC_K, passed=True,
          note="人 帰 言 空 暗 風 強: 々 is not counted"),
        E(response="2つ目の文まで数えると、全部で4文です。", params={"statistic": "sentences"}, document=DOC_B, passed=False,
          note="the first number is 2"),
        E(response="課題文の文の数は四つです。", params={"statistic": "sentences"}, document=DOC_B, passed=False,
          note="a kanji numeral is not a number token"),
        E(response="人々は「もう帰ろう。」と言った。の文を含めて3文です。", params={"statistic": "sentences"}, document=DOC_K,
          passed=False, note="the 。 inside 「」 does not end a sentence: 2"),
        E(response="漢字は8種類あります。", params={"statistic": "distinct_kanji"}, document=DOC_K, passed=False,
          note="々 counted"),
        E(response="文字数は67です。", params={"statistic": "characters"}, document=DOC_C, passed=False,
          note="line breaks are not characters"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"statistic": "statistic"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        out = params
        name = out.get("statistic")
        if not isinstance(name, str) or name in STATISTICS:
            return out
        plain = name.strip().removeprefix("含まれる").removeprefix("文書の").removeprefix("本文の")
        for key, names in JFBENCH_NAMES.items():
            if plain in names:
                out["statistic"] = key
                return out
        raise CatalogError(f"StatisticsProcessingConstraint: the statistic {name!r} cannot be computed by rule; "
                           f"use one of {', '.join(STATISTICS)} (or {', '.join(n for v in JFBENCH_NAMES.values() for n in v)})")

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        return bool(sampleable_statistics(prompt))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(statistic=rng.choice(sampleable_statistics(prompt) or list(STATISTICS)))

    def display(self) -> dict[str, str]:
        return {"stat_ja": STATISTICS[self.params.statistic]}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: the statistic is written in digits

    def check(self, r: Response) -> Verdict:
        if r.doc is None or not r.doc.text:
            return self.fail(NO_DOCUMENT)
        statistic = self.params.statistic
        value = statistic_value(r.doc, statistic)
        name = ENGLISH[statistic]
        if not r.numbers:
            return self.fail(f"the answer has no number written in digits; the document's {name} is {value}")
        first = r.numbers[0]
        if Decimal(first.integer + ("." + first.fraction if first.fraction else "")) == value:
            return self.ok(f"the first number, {first.text}, is the document's {name}")
        later = next((n for n in r.numbers[1:] if n.integer == str(value) and not n.fraction), None)
        hint = f" ({value} appears later, after {first.text})" if later else ""
        return self.fail(f"the first number is {first.text}, but the document's {name} is {value}{hint}")
