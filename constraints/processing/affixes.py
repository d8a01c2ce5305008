"""processing: fixed openings and closings of the answer (CATALOG.md, "processing": prefix, suffix)."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from pydantic import Field, field_validator

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

E = Example

# Short neutral labels an answer can open with.
PREFIXES: tuple[str, ...] = (
    "【回答】", "結論：", "要点：", "A:", "回答：", "【答え】", "■回答", "Answer:", "［回答］", "〈回答〉",
)


@register
class Prefix(Constraint):
    id = "processing.prefix"
    group = Group.PROCESSING
    aliases = ("PrefixProcessingConstraint",)
    train = True
    conflicts = (
        "meta_output.greeting", "ifbench_words.start_with_verb", "ifbench_format.output_template",
        "ifbench_words.keyword_second_and_penultimate", "format.markdown_document", "structure.headings",
        "content.irrelevant", "ifbench_format.one_word_per_line",
    )

    class Params(ParamsBase):
        prefix: str = Field(min_length=1, max_length=50)

        @field_validator("prefix")
        @classmethod
        def _not_space_led(cls, v: str) -> str:
            if v[0].isspace():
                raise ValueError("a prefix cannot start with whitespace (the answer is trimmed)")
            return v

    test_wording = (
        "回答は「{prefix}」という文字列で書き始めてください。その前に空白や他の文字を置かず、"
        "記号の全角・半角も含めてこの表記のとおりに書いてください。"
    )
    train_wordings = (
        "出力の最初は必ず「{prefix}」にしてください。これより前には何も書かず、記号の全角・半角も変えないでください。",
        "「{prefix}」から回答を始めてください。表記は一字一句そのままにし、前置きは付けないこと。",
        "いちばん初めに「{prefix}」をそのままの形で置き、その後ろに本文を続けてください。",
        "回答の冒頭には「{prefix}」と記してください。前に挨拶を入れたり、全角と半角を入れ替えたりしてはいけません。",
        "書き出しは「{prefix}」で固定です。文字の種類や幅を変えずに、回答の先頭に書いてください。",
    )
    examples = (
        E(response="【回答】東京です。", params={"prefix": "【回答】"}, passed=True),
        E(response="結論：賛成です。\n理由は三つあります。", params={"prefix": "結論："}, passed=True),
        E(response="\n  A: 42です。", params={"prefix": "A:"}, passed=True,
          note="leading whitespace of the completion is trimmed (§IN)"),
        E(response="<これは文頭です>本日は晴天です。", params={"prefix": "<これは文頭です>"}, passed=True),
        E(response="はい。【回答】東京です。", params={"prefix": "【回答】"}, passed=False,
          note="text before the prefix"),
        E(response="結論:賛成です。", params={"prefix": "結論："}, passed=False, note="half-width colon; no folding"),
        E(response="Ａ：42です。", params={"prefix": "A:"}, passed=False, note="full-width letters; no folding"),
        E(response="東京です。\n【回答】以上です。", params={"prefix": "【回答】"}, passed=False),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"prefix": "prefix"}

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(prefix=rng.choice(PREFIXES))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_texts=(self.params.prefix,))  # P7: script, width, case... of the literal

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "ifbench_words.keyword_at_position" and getattr(other.params, "sentence_index", None) == 1:
            return "the prefix occupies the start of sentence 1"
        return None

    def check(self, r: Response) -> Verdict:
        prefix = self.params.prefix
        if r.text.startswith(prefix):
            return self.ok(f"starts with {prefix!r}")
        head = r.text[:len(prefix) + 10].replace("\n", " ")
        where = r.text.find(prefix)
        hint = f" (it appears at position {where + 1})" if where > 0 else ""
        return self.fail(f"starts with {head!r}, not with {prefix!r}{hint}")


# Short closers an answer can end with.
SUFFIXES: tuple[str, ...] = (
    "以上", "（終）", "[END]", "【完】", "以上です。", "（以上）", "〈おわり〉", "END", "【以上】", "■以上",
)


@register
class Suffix(Constraint):
    id = "processing.suffix"
    group = Group.PROCESSING
    aliases = ("SuffixProcessingConstraint",)
    train = True
    conflicts = (
        "content.ends_with_question", "format.sentence_delimiter", "ifbench_format.emoji_sentence_end",
        "ifbench_words.keyword_second_and_penultimate", "ifbench_words.sentence_chain",
        "ifbench_words.paragraph_same_first_last", "meta_output.explanation_at_end",
        "content.irrelevant", "ifbench_format.one_word_per_line",
    )

    class Params(ParamsBase):
        suffix: str = Field(min_length=1, max_length=50)

        @field_validator("suffix")
        @classmethod
        def _not_space_final(cls, v: str) -> str:
            if v[-1].isspace():
                raise ValueError("a suffix cannot end with whitespace (the answer is trimmed)")
            return v

    test_wording = (
        "回答は「{suffix}」という文字列で締めくくってください。その後ろには句点や記号、補足の文などを"
        "いっさい書かず、記号の全角・半角も含めてこの表記のとおりに書いてください。"
    )
    train_wordings = (
        "出力の最後は必ず「{suffix}」で終えてください。これより後ろには文字も記号も置かず、全角と半角の区別も含めて表記を変えないこと。",
        "回答の末尾に「{suffix}」をそのままの形で書き、そこで回答を終わりにしてください。",
        "「{suffix}」で回答を終えること。表記は一字一句このとおりにし、後ろに句点や補足を付け足さないでください。",
        "回答のいちばん最後に来る文字列を「{suffix}」にしてください。その後に結びの言葉や記号を続けてはいけません。記号の全角・半角も指定どおりに。",
        "締めくくりは「{suffix}」で固定です。文字の種類や幅を変えずに、回答の最後尾に置いてください。",
    )
    examples = (
        E(response="東京は日本の首都です。\n以上", params={"suffix": "以上"}, passed=True),
        E(response="手順は三つです。まず材料を切り、次に炒め、最後に煮込みます。[END]", params={"suffix": "[END]"},
          passed=True),
        E(response="本日の報告は以上です。\n\n（終）\n  ", params={"suffix": "（終）"}, passed=True,
          note="trailing whitespace of the completion is trimmed (§IN)"),
        E(response="本日は晴天です。<これは文末です>", params={"suffix": "<これは文末です>"}, passed=True),
        E(response="東京は日本の首都です。以上。", params={"suffix": "以上"}, passed=False,
          note="a 。 after the suffix"),
        E(response="報告を終わります。(終)", params={"suffix": "（終）"}, passed=False,
          note="half-width brackets; no folding"),
        E(response="報告を終わります。［ＥＮＤ］", params={"suffix": "[END]"}, passed=False,
          note="full-width letters; no folding"),
        E(response="以上です。\nご不明な点があればお知らせください。", params={"suffix": "以上です。"}, passed=False,
          note="the suffix is not at the end"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"suffix": "suffix"}

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(suffix=rng.choice(SUFFIXES))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_texts=(self.params.suffix,))  # P7

    def check(self, r: Response) -> Verdict:
        suffix = self.params.suffix
        if r.text.endswith(suffix):
            return self.ok(f"ends with {suffix!r}")
        tail = r.text[-(len(suffix) + 10):].replace("\n", " ")
        where = r.text.rfind(suffix)
        gap = len(r.text) - where - len(suffix)
        hint = f" (it last appears {gap} character{'s' if gap > 1 else ''} before the end)" if where >= 0 else ""
        return self.fail(f"ends with {tail!r}, not with {suffix!r}{hint}")
