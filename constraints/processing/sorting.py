"""processing: sentence sorts (CATALOG.md, "processing": sort_sentences_codepoint, _length, _number).

S is the list of §S sentences of §DOC. The answer must contain a *sentence block*: consecutive lines,
each holding exactly one sentence of S (surrounding whitespace ignored) with nothing added, listing S in
the requested order. Sorts are stable: ties keep the document's order in both directions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, Literal

import regex
from pydantic import Field

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response, char_count, find_numbers, fold_width

from ._common import (
    COMMON_CONFLICTS,
    DOC,
    NO_DOCUMENT,
    block_miss,
    find_block,
    prompt_view,
    stripped_lines,
)

E = Example

Order = Literal["asc", "desc"]
MIN_SENTENCES, MAX_SENTENCES = 3, 8

# A sentence that ends with its own terminator (so no line break cut it), closing brackets allowed after.
_TERMINATED = regex.compile(r"(?:[。！？!?]|\.)[」』）)】］\]〉》”]{0,10}$")

# How every sort wording defines a sentence and the block.
SENTENCE_RULE = (
    "文は「。」「！」「？」（半角の「!」「?」を含み、続けて並んだものはまとめて1つとみなす）の直後か改行の"
    "位置で区切り、かぎかっこやかっこの中では区切りません。"
)
BLOCK_RULE = (
    "各行には課題文の文を1つだけ、文末の記号やかっこまで元のとおりに書き、番号・記号・引用符を付けたり、"
    "行の間に空行をはさんだりしないでください。"
)


def sortable_sentences(prompt: Any) -> list[str] | None:
    """The sentences of a prompt's §DOC if a sort may be sampled: 3-8 sentences, each ending with its own
    terminator (none cut by a line break) and each written in §DOC exactly as §S reads it (no markup)."""
    view = prompt_view(prompt)
    if view is None or view.md_lines != view.lines:  # Markdown markup would not be part of the sentences
        return None
    texts = [s.text for s in view.sentences]
    if not MIN_SENTENCES <= len(texts) <= MAX_SENTENCES:
        return None
    if any(not _TERMINATED.search(t) or t not in view.completion for t in texts):
        return None
    return texts


def number_sum(sentence: str) -> Decimal:
    """The sum of the values of the sentence's number tokens (§N), 0 if none."""
    return sum((Decimal(n.integer + ("." + n.fraction if n.fraction else "")) for n in
                find_numbers(fold_width(sentence))), Decimal(0))


class _SentenceSort(Constraint):
    """A sentence block of §DOC's sentences sorted by `key`; subclasses set the key and the wording."""

    group = Group.PROCESSING
    conflicts = COMMON_CONFLICTS
    ORDER_JA: ClassVar[dict[str, str]]
    KEY_NAME: ClassVar[str]

    class Params(ParamsBase):
        order: Order = "asc"
        # The number of sentences of §DOC, stated in the wording (set by the sampler).
        sentences: int | None = Field(default=None, ge=1, le=1000)

    jfbench_kwargs: ClassVar[dict[str, str]] = {}

    @staticmethod
    def key(sentence: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def sort(cls, sentences: list[str], order: str) -> list[str]:
        return sorted(sentences, key=cls.key, reverse=order == "desc")  # stable in both directions

    @classmethod
    def orders(cls, prompt: Any) -> list[str]:
        """The orders that are eligible for this prompt: the sort must change the document's order."""
        texts = sortable_sentences(prompt)
        if texts is None:
            return []
        return [o for o in ("asc", "desc") if cls.sort(texts, o) != texts]


    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        return bool(cls.orders(prompt))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        options = cls.orders(prompt)
        if not options:
            return cls.Params(order=rng.choice(["asc", "desc"]))
        texts = sortable_sentences(prompt) or []
        return cls.Params(order=rng.choice(options), sentences=len(texts))

    def display(self) -> dict[str, str]:
        n = self.params.sentences
        return {"order_ja": self.ORDER_JA[self.params.order],
                "count_note": f"課題文は全部で{n}文です。" if n is not None else ""}

    def demands(self, prompt: Any = None) -> Demands:
        view = prompt_view(prompt)
        if view is None:
            return Demands()
        texts = tuple(s.text for s in view.sentences)  # P7: the block's lines; P1: chars(§DOC)
        return Demands(min_chars=char_count(view.completion), forced_texts=texts)

    def check(self, r: Response) -> Verdict:
        if r.doc is None or not r.doc.text:
            return self.fail(NO_DOCUMENT)
        texts = [s.text for s in r.doc.sentences]
        if not texts:
            return self.fail("the document has no sentence")
        if self.params.sentences is not None and len(texts) != self.params.sentences:
            return self.fail(f"the document has {len(texts)} sentences, not the stated {self.params.sentences}: "
                             "the instance was sampled for another document")
        order = self.params.order
        expected = self.sort(texts, order)
        lines = stripped_lines(r)
        at, best_len, best_start = find_block(lines, expected)
        what = f"{len(expected)} sentences by {self.KEY_NAME}, {'ascending' if order == 'asc' else 'descending'}"
        if at is not None:
            return self.ok(f"lines {at + 1}-{at + len(expected)} list the {what}")
        other = self.sort(texts, "desc" if order == "asc" else "asc")
        for wrong, label in ((texts, "in the document's own order"), (other, "in the opposite order"),
                             (expected[::-1], "in reverse, which breaks the tie order")):
            if wrong != expected and find_block(lines, wrong)[0] is not None:
                return self.fail(f"the sentences are listed {label}, not as the {what}")
        return self.fail(f"expected the {what}: " + block_miss(lines, expected, "sentence", best_len, best_start))


DOC_B = ("富士山の標高は3776メートルです。山頂付近の気温は夏でも10度を下回ることがあります。"
         "毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。")
DOC_C = "2023年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。\n休日にはカフェで本を読むのが楽しみだ。"
DOC_F = "明日は午前9時に駅前に集合します。雨の場合は中止です。昼食は各自で用意してください。参加費は500円です。"
DOC_G = "猫が好きです。犬も好きです。鳥は苦手です。魚はまあまあです。"


@register
class SortSentencesCodepoint(_SentenceSort):
    id = "processing.sort_sentences_codepoint"
    aliases = ("DictionarySortProcessingConstraint",)
    KEY_NAME = "code point"
    ORDER_JA: ClassVar[dict[str, str]] = {"asc": "昇順（値の小さい文が先）", "desc": "降順（値の大きい文が先）"}

    @staticmethod
    def key(sentence: str) -> str:
        return sentence

    test_wording = (
        DOC + "を文に分け、すべての文をUnicodeのコードポイント順（文字コードの値の順。五十音順ではありません）の"
        "{order_ja}に並べ替えて、1行に1文ずつ、連続する行に書いた部分を回答に含めてください。{count_note}"
        + SENTENCE_RULE + "2つの文は先頭から1文字ずつ比べ、最初に異なる文字のコードポイントの大小で順序を決めます"
        "（一方がもう一方の先頭部分と一致するときは短い方が小さい）。おおよその大小は、半角の英数字・記号 ＜ 「」などの"
        "和文記号 ＜ ひらがな ＜ カタカナ ＜ 漢字 ＜ 全角の英数字や（）です。" + BLOCK_RULE
    )
    examples = (
        E(response="外国人観光客にはハイキングコースも人気です。\n富士山の標高は3776メートルです。\n"
                   "山頂付近の気温は夏でも10度を下回ることがあります。\n毎年7月から9月までが登山シーズンです。",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=True,
          note="外 U+5916 < 富 U+5BCC < 山 U+5C71 < 毎 U+6BCE"),
        E(response="コードポイントの大きい順に並べました。\n\n新しい職場までは電車で15分かかる。\n"
                   "休日にはカフェで本を読むのが楽しみだ。\n2023年4月1日、田中さんは大阪から京都へ引っ越した。",
          params={"order": "desc", "sentences": 3}, document=DOC_C, passed=True,
          note="digits sort before kanji; text before the block is allowed"),
        E(response="[\n外国人観光客にはハイキングコースも人気です。,\n富士山の標高は3776メートルです。,\n"
                   "山頂付近の気温は夏でも10度を下回ることがあります。,\n毎年7月から9月までが登山シーズンです。\n]",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=False,
          note="anchor layout: brackets and commas added to the lines"),
        E(response="外国人観光客にはハイキングコースも人気です。\n山頂付近の気温は夏でも10度を下回ることがあります。\n"
                   "富士山の標高は3776メートルです。\n毎年7月から9月までが登山シーズンです。",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=False,
          note="gojūon order (がいこく, さんちょう, ふじさん, まいとし) is not code-point order"),
        E(response="- 外国人観光客にはハイキングコースも人気です。\n- 富士山の標高は3776メートルです。\n"
                   "- 山頂付近の気温は夏でも10度を下回ることがあります。\n- 毎年7月から9月までが登山シーズンです。",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=False, note="bullets added to the lines"),
        E(response="外国人観光客にはハイキングコースも人気です。\n富士山の標高は3776メートルです。\n"
                   "山頂付近の気温は夏でも10度を下回ることがあります。\n毎年7月から9月までが登山シーズンです。",
          params={"order": "desc", "sentences": 4}, document=DOC_B, passed=False, note="ascending, not descending"),
    )


@register
class SortSentencesLength(_SentenceSort):
    id = "processing.sort_sentences_length"
    aliases = ("LengthSortProcessingConstraint",)
    KEY_NAME = "length"
    ORDER_JA: ClassVar[dict[str, str]] = {"asc": "文の長さが短い順", "desc": "文の長さが長い順"}

    @staticmethod
    def key(sentence: str) -> int:
        return char_count(sentence)

    test_wording = (
        DOC + "を文に分け、すべての文を{order_ja}に並べ替えて、1行に1文ずつ、連続する行に書いた部分を回答に"
        "含めてください。{count_note}" + SENTENCE_RULE + "文の長さは空白を除いた文字数で、句読点・かっこ・記号も"
        "1文字と数えます。長さが同じ文どうしは課題文での順序のままにしてください。" + BLOCK_RULE
    )
    examples = (
        E(response="雨の場合は中止です。\n参加費は500円です。\n昼食は各自で用意してください。\n明日は午前9時に駅前に集合します。",
          params={"order": "asc", "sentences": 4}, document=DOC_F, passed=True, note="10, 11, 15, 17 characters"),
        E(response="魚はまあまあです。\n猫が好きです。\n犬も好きです。\n鳥は苦手です。", params={"order": "desc", "sentences": 4},
          document=DOC_G, passed=True, note="9, then the three 7-character sentences in the document's order"),
        E(response="魚はまあまあです。\n鳥は苦手です。\n犬も好きです。\n猫が好きです。", params={"order": "desc", "sentences": 4},
          document=DOC_G, passed=False, note="reversing the ascending list breaks the tie order"),
        E(response="明日は午前9時に駅前に集合します。\n雨の場合は中止です。\n昼食は各自で用意してください。\n参加費は500円です。",
          params={"order": "asc", "sentences": 4}, document=DOC_F, passed=False, note="the document's own order"),
        E(response="雨の場合は中止です。\n参加費は500円です。\n\n昼食は各自で用意してください。\n明日は午前9時に駅前に集合します。",
          params={"order": "asc", "sentences": 4}, document=DOC_F, passed=False, note="a blank line inside the block"),
        E(response="雨の場合は中止です。\n参加費は500円です。\n昼食は各自で用意してください。",
          params={"order": "asc", "sentences": 4}, document=DOC_F, passed=False, note="a sentence is missing"),
        E(response="[\n雨の場合は中止です。,\n参加費は500円です。,\n昼食は各自で用意してください。,\n明日は午前9時に駅前に集合します。\n]",
          params={"order": "asc", "sentences": 4}, document=DOC_F, passed=False,
          note="anchor layout: brackets and commas added to the lines"),
    )


@register
class SortSentencesNumber(_SentenceSort):
    id = "processing.sort_sentences_number"
    aliases = ("NumberSortProcessingConstraint",)
    KEY_NAME = "sum of numbers"
    ORDER_JA: ClassVar[dict[str, str]] = {"asc": "小さい順", "desc": "大きい順"}
    _SIGNED_OR_DOTTED = regex.compile(r"[-−－+＋][0-9０-９]|[0-9０-９][.．][0-9０-９]+[.．][0-9０-９]")

    key: ClassVar[Callable[[str], Decimal]] = staticmethod(number_sum)

    @classmethod
    def orders(cls, prompt: Any) -> list[str]:
        texts = sortable_sentences(prompt)
        if texts is None or any(cls._SIGNED_OR_DOTTED.search(t) for t in texts):
            return []  # the wording reads unsigned numbers; signs and dotted runs would need more rules
        if len({number_sum(t) for t in texts}) < 2:
            return []
        return super().orders(prompt)

    test_wording = (
        DOC + "を文に分け、すべての文を、その文に含まれる数の合計が{order_ja}に並べ替えて、1行に1文ずつ、連続する"
        "行に書いた部分を回答に含めてください。{count_note}" + SENTENCE_RULE + "数とは算用数字（全角数字を含む）で"
        "書かれた数のことで、「1,000」は1000、「3.5」は3.5と読み、漢数字は数えません。数を含まない文の合計は0とし、"
        "合計が同じ文どうしは課題文での順序のままにしてください。" + BLOCK_RULE
    )
    examples = (
        E(response="外国人観光客にはハイキングコースも人気です。\n山頂付近の気温は夏でも10度を下回ることがあります。\n"
                   "毎年7月から9月までが登山シーズンです。\n富士山の標高は3776メートルです。",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=True, note="sums 0, 10, 16 (7+9), 3776"),
        E(response="参加費は500円です。\n明日は午前9時に駅前に集合します。\n雨の場合は中止です。\n昼食は各自で用意してください。",
          params={"order": "desc", "sentences": 4}, document=DOC_F, passed=True,
          note="500, 9, then the two sentences without numbers in the document's order"),
        E(response="2023年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。\n"
                   "休日にはカフェで本を読むのが楽しみだ。", params={"order": "desc", "sentences": 3}, document=DOC_C,
          passed=True, note="2023 + 4 + 1 = 2028 > 15 > 0"),
        E(response="参加費は500円です。\n明日は午前9時に駅前に集合します。\n昼食は各自で用意してください。\n雨の場合は中止です。",
          params={"order": "desc", "sentences": 4}, document=DOC_F, passed=False,
          note="reversing the ascending list breaks the tie order"),
        E(response="外国人観光客にはハイキングコースも人気です。\n毎年7月から9月までが登山シーズンです。\n"
                   "山頂付近の気温は夏でも10度を下回ることがあります。\n富士山の標高は3776メートルです。",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=False,
          note="7月から9月 sums to 16, more than 10"),
        E(response="外国人観光客にはハイキングコースも人気です。（0）\n山頂付近の気温は夏でも10度を下回ることがあります。（10）\n"
                   "毎年7月から9月までが登山シーズンです。（16）\n富士山の標高は3776メートルです。（3776）",
          params={"order": "asc", "sentences": 4}, document=DOC_B, passed=False, note="sums added to the lines"),
    )
