"""processing (13): fixed openings and closings, and transformations of the prompt's document
(CATALOG.md, "processing")."""

from __future__ import annotations

import random
import unicodedata
from typing import Any, ClassVar

from pydantic import Field, field_validator

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

E = Example

# Short neutral labels an answer can open with.
PREFIXES: tuple[str, ...] = (
    "【回答】", "結論：", "要点：", "A:", "回答：", "【答え】", "■回答", "Answer:", "［回答］", "〈回答〉",
)


def _has_non_full_width(text: str) -> bool:
    """True if a non-whitespace code point is not East_Asian_Width F, W or A (as character.full_width)."""
    return any(not ch.isspace() and unicodedata.east_asian_width(ch) not in {"F", "W", "A"} for ch in text)


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

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "character.full_width" and _has_non_full_width(self.params.prefix):
            return f"the prefix {self.params.prefix!r} is not full-width"
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
