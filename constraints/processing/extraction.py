"""processing: extraction from the prompt's document (CATALOG.md, "processing": extract_prefix,
extract_range, extract_suffix, extract_matching).

The positional rows need a line of T whose trimmed content is exactly the target (1-based §C
characters of §DOC), optionally wrapped in 「」 or "". extract_matching is judged.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

import regex
from pydantic import Field, field_validator, model_validator

from jfbench.catalog import Constraint, Demands, Example, Group, Kind, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import KATAKANA, Response, fold_width

from ._common import (
    COMMON_CONFLICTS,
    DOC,
    LETTER_OR_DIGIT,
    NO_DOCUMENT,
    POSITIONS,
    clusters,
    document_of,
    prompt_view,
    shift_positions,
    show,
    span,
    stripped_lines,
)

E = Example

MIN_TARGET, MAX_TARGET = 3, 10
MAX_RANGE_END = 100  # sampled ranges stay in the first 100 characters, where counting is practical

LINE_RULE = (
    "その行には抜き出した文字列以外を書かないでください（全体を「」または半角の\"\"で囲むのは可）。"
    "ほかの行に説明などを書くのはかまいません。"
)


def _clean_target(text: str) -> bool:
    """A target a line can hold exactly: no line break, no whitespace at either end, a letter or digit."""
    return "\n" not in text and text == text.strip() and LETTER_OR_DIGIT.search(text) is not None


def find_target_line(lines: list[str], target: str) -> int | None:
    forms = {target, f"「{target}」", f'"{target}"'}
    for i, line in enumerate(lines):
        if line in forms:
            return i
    return None


def target_verdict(c: Constraint, r: Response, doc: str, start: int, end: int, what: str) -> Verdict:
    """The shared check: a line holding exactly characters start..end of the document."""
    target = span(doc, start, end)
    lines = stripped_lines(r)
    at = find_target_line(lines, target)
    if at is not None:
        return c.ok(f"line {at + 1} holds {what} {target!r}")
    length = len(clusters(doc))
    for shift in (1, -1):  # the usual slips, 0-based counting first
        s, e = start + shift, end + shift
        if 1 <= s and e <= length and find_target_line(lines, span(doc, s, e)) is not None:
            return c.fail(f"a line holds characters {s}..{e} {span(doc, s, e)!r}, not {what} {target!r} "
                          f"(characters {start}..{end})")
    for i, line in enumerate(lines):
        if target in line:
            return c.fail(f"{what} {target!r} appears inside line {i + 1} ({show(line)}), not on a line of its own")
    return c.fail(f"no line holds {what} {target!r}")


class _Positional(Constraint):
    group = Group.PROCESSING
    conflicts = COMMON_CONFLICTS


    @classmethod
    def options(cls, doc: str) -> list[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _options(cls, prompt: Any) -> tuple[str, list[Any]]:
        view = prompt_view(prompt)
        doc = view.completion if view is not None else ""
        return doc, (cls.options(doc) if doc else [])

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        return bool(cls._options(prompt)[1])

    def target_span(self, length: int) -> tuple[int, int]:  # pragma: no cover - abstract
        """The 1-based inclusive characters of a document of `length` characters that the line must hold."""
        raise NotImplementedError

    def demands(self, prompt: Any = None) -> Demands:
        view = prompt_view(prompt)
        if view is None:
            return Demands()
        doc = view.completion
        start, end = self.target_span(len(clusters(doc)))
        if start < 1 or end > len(clusters(doc)):
            return Demands()
        return Demands(forced_texts=(span(doc, start, end),))  # P7: the extracted line


class LengthParams(ParamsBase):
    length: int = Field(ge=1, le=200)


DOC_A = "江戸時代の町人文化は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、出版業の発達によって読み物も身近になった。"
DOC_H = "次の文章を読んで、筆者の主張を三行でまとめてください。\n\n地方の小さな書店が次々に姿を消している。"


class _EndSpan(_Positional):
    """The first or last `length` characters of the document (END), on a line of their own."""

    END: ClassVar[str]
    jfbench_kwargs: ClassVar[dict[str, str]] = {"length": "length"}

    @classmethod
    def _piece(cls, chars: tuple[str, ...], n: int) -> str:
        return "".join(chars[:n] if cls.END == "first" else chars[-n:])

    @classmethod
    def options(cls, doc: str) -> list[int]:
        chars = clusters(doc)
        return [n for n in range(MIN_TARGET, MAX_TARGET + 1) if n < len(chars) and _clean_target(cls._piece(chars, n))]

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        _, options = cls._options(prompt)
        return cls.Params(length=rng.choice(options or list(range(MIN_TARGET, MAX_TARGET + 1))))

    def target_span(self, length: int) -> tuple[int, int]:
        n = self.params.length
        return (1, n) if self.END == "first" else (length - n + 1, length)

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None:
            return self.fail(NO_DOCUMENT)
        n, length = self.params.length, len(clusters(doc))
        if n > length:
            return self.fail(f"the document has only {length} characters, fewer than {n}")
        return target_verdict(self, r, doc, *self.target_span(length), f"the {self.END} {n} characters")


@register
class ExtractPrefix(_EndSpan):
    id = "processing.extract_prefix"
    aliases = ("PrefixExtractionProcessingConstraint",)
    Params = LengthParams
    test_wording = (
        DOC + "の最初の{length}文字をそのまま抜き出し、その文字列だけを書いた行を回答に含めてください。"
        + POSITIONS + "。" + LINE_RULE
    )
    examples = (
        E(response="江戸時代の", params={"length": 5}, document=DOC_A, passed=True),
        E(response="冒頭の5文字は次のとおりです。\n「江戸時代の」\nこれは時代を示す言葉から始まっています。", params={"length": 5},
          document=DOC_A, passed=True, note="wrapped in 「」 on its own line, with other lines around it"),
        E(response="  \"次の文章を\"  ", params={"length": 5}, document="\n\n" + DOC_H, passed=True,
          note="ASCII quotes; leading blank lines are not part of §DOC"),
        E(response="冒頭の5文字は「江戸時代の」です。", params={"length": 5}, document=DOC_A, passed=False,
          note="anchor defect: the substring inside a sentence no longer passes"),
        E(response=DOC_A, params={"length": 5}, document=DOC_A, passed=False,
          note="anchor defect: restating the document passed"),
        E(response="江戸時代", params={"length": 5}, document=DOC_A, passed=False, note="4 characters, not 5"),
        E(response="『江戸時代の』", params={"length": 5}, document=DOC_A, passed=False, note="only 「」 or \"\" may wrap it"),
    )
    END = "first"


@register
class ExtractSuffix(_EndSpan):
    id = "processing.extract_suffix"
    aliases = ("SuffixExtractionProcessingConstraint",)
    Params = LengthParams
    test_wording = (
        DOC + "の最後の{length}文字（末尾の句点や記号も1文字と数える）をそのまま抜き出し、その文字列だけを書いた行を"
        "回答に含めてください。空白や改行も1文字と数えます。" + LINE_RULE
    )
    examples = (
        E(response="なった。", params={"length": 4}, document=DOC_A, passed=True),
        E(response="末尾の4文字：\n\"なった。\"", params={"length": 4}, document=DOC_A + "\n    ", passed=True,
          note="anchor defect: the document's trailing LF and 4 spaces are not part of §DOC"),
        E(response="回答：\n    \n以上です。", params={"length": 4}, document=DOC_A + "\n    ", passed=False,
          note="anchor defect: 4 spaces used to pass"),
        E(response="になった。", params={"length": 4}, document=DOC_A, passed=False, note="5 characters"),
        E(response="最後の4文字は「なった。」です。", params={"length": 4}, document=DOC_A, passed=False,
          note="not on a line of its own"),
    )
    END = "last"


@register
class ExtractRange(_Positional):
    id = "processing.extract_range"
    aliases = ("RangeExtractionProcessingConstraint",)

    class Params(ParamsBase):
        start: int = Field(ge=1, le=100_000)
        end: int = Field(ge=1, le=100_000)

        @model_validator(mode="after")
        def _ordered(self) -> ExtractRange.Params:
            if self.end < self.start:
                raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
            if self.end - self.start >= 200:
                raise ValueError("the range may hold at most 200 characters")
            return self

    test_wording = (
        DOC + "の{start}文字目から{end}文字目まで（両端を含む{n}文字）をそのまま抜き出し、その文字列だけを書いた行を"
        "回答に含めてください。" + POSITIONS + "。" + LINE_RULE
    )
    examples = (
        E(response="浮世絵", params={"start": 30, "end": 32}, document=DOC_A, passed=True),
        E(response="30文字目から33文字目は次のとおりです。\n「浮世絵は」", params={"start": 30, "end": 33}, document=DOC_A,
          passed=True),
        E(response="世絵は", params={"start": 30, "end": 32}, document=DOC_A, passed=False,
          note="anchor defect: 0-based slicing gives characters 31..33"),
        E(response="浮世", params={"start": 30, "end": 32}, document=DOC_A, passed=False, note="the end is inclusive"),
        E(response="該当部分は浮世絵です。", params={"start": 30, "end": 32}, document=DOC_A, passed=False,
          note="not on a line of its own"),
        E(response="浮世絵", params={"start": 30, "end": 32}, passed=False, note="no document given to the check"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"start": "start", "end": "end"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        # JFBench sliced document[start:end + 1]: 0-based, end inclusive.
        return shift_positions(params, "start", "end")

    @classmethod
    def options(cls, doc: str) -> list[tuple[int, int]]:
        chars = clusters(doc)
        limit = min(len(chars) - 1, MAX_RANGE_END)  # an inner range: not the document's last character
        out = []
        for length in range(MIN_TARGET, MAX_TARGET + 1):
            for start in range(2, limit - length + 2):
                piece = "".join(chars[start - 1:start - 1 + length])
                if not any(ch.isspace() for ch in piece) and LETTER_OR_DIGIT.search(piece):
                    out.append((start, start + length - 1))
        return out

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        _, options = cls._options(prompt)
        if not options:
            start = rng.randint(1, 20)
            return cls.Params(start=start, end=start + rng.randint(MIN_TARGET, MAX_TARGET) - 1)
        start, end = rng.choice(options)
        return cls.Params(start=start, end=end)

    def display(self) -> dict[str, str]:
        return {"n": str(self.params.end - self.params.start + 1)}

    def target_span(self, length: int) -> tuple[int, int]:
        return self.params.start, self.params.end

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None:
            return self.fail(NO_DOCUMENT)
        p = self.params
        length = len(clusters(doc))
        if p.end > length:
            return self.fail(f"the document has only {length} characters, so characters {p.start}..{p.end} do not exist")
        return target_verdict(self, r, doc, p.start, p.end, f"characters {p.start}..{p.end}")


# --- processing.extract_matching (judge) -------------------------------------------------------------------

CONDITIONS: dict[str, str] = {
    "proper_nouns": "固有名詞（人名・地名・組織名・作品名など、特定のものを指す名前）",
    "numbers": "数（算用数字または漢数字で書かれた数値。「15分」のように単位が付いていれば単位ごと書いてもよい）",
    "dates": "日付や年月（暦の上の年・月・日・曜日を示す表現）",
    "people": "人名（人の名前。「さん」などの敬称は付けても外してもよい）",
    "places": "地名（国・地域・都市・山・川などの名前）",
    "katakana_words": "カタカナだけで書かれた語（長音「ー」を含んでよい）",
    "verbs": "動詞（課題文中の形のまま書いても、終止形に直して書いてもよい）",
}
MAX_ITEMS = 20  # a condition with more distinct items than this makes a list nobody checks

_KATAKANA_WORD = regex.compile(rf"[{KATAKANA}]{{2,}}")
_DATE = regex.compile(
    r"(?:(?<![0-9])[0-9]{1,4}|[〇一二三四五六七八九十百千]{1,6}|元)年(?![間度代])"
    r"|(?<![0-9])[0-9]{1,2}月(?![間])(?:[0-9]{1,2}日)?|[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?"
    r"|(?<![0-9])[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}(?![0-9])|[月火水木金土日]曜日"
)


def condition_items(view: Response) -> dict[str, set[str]]:
    """Rule pre-check of which conditions §DOC contains (UniDic POS, katakana words, a date pattern)."""
    items: dict[str, set[str]] = {k: set() for k in CONDITIONS}
    for w in view.words:
        if w.pos2 == "固有名詞":
            items["proper_nouns"].add(w.surface)
            if w.pos3 == "人名":
                items["people"].add(w.surface)
            elif w.pos3 == "地名":
                items["places"].add(w.surface)
        if w.pos2 == "数詞":
            items["numbers"].add(w.surface)
        if w.pos1 == "動詞":
            items["verbs"].add(w.lemma)
        if _KATAKANA_WORD.fullmatch(w.surface):
            items["katakana_words"].add(w.surface)
    items["dates"] = {m.group() for m in _DATE.finditer(fold_width(view.completion))}
    return items


def present_conditions(prompt: Any) -> list[str]:
    view = prompt_view(prompt)
    if view is None:
        return []
    return [k for k, found in condition_items(view).items() if 1 <= len(found) <= MAX_ITEMS]


@register
class ExtractMatching(Constraint):
    id = "processing.extract_matching"
    group = Group.PROCESSING
    kind = Kind.JUDGE
    rubric = "processing_extract_matching"
    aliases = ("ExtractionProcessingConstraint",)
    conflicts = COMMON_CONFLICTS

    class Params(ParamsBase):
        # A key of CONDITIONS; through the JFBench alias also a free-text condition, shown verbatim.
        condition: str = Field(min_length=1, max_length=60)

        @field_validator("condition")
        @classmethod
        def _one_line(cls, v: str) -> str:
            if "\n" in v or not v.strip():
                raise ValueError(f"a condition is one of {', '.join(CONDITIONS)} or a one-line description")
            return v

    test_wording = (
        DOC + "に出てくる{condition_ja}を漏れなくすべて抜き出し、一覧にして回答に含めてください。各項目は課題文での"
        "表記のとおりに書き、条件に当てはまらない語句は一覧に入れないでください。同じ語句が何度出てきても、一覧には"
        "1回書けば十分です。"
    )
    examples = (
        E(response="・大阪\n・京都", params={"condition": "places"},
          document="2023年4月1日、田中さんは大阪から京都へ引っ越した。\n休日にはカフェで本を読むのが楽しみだ。", passed=True),
        E(response="メートル、シーズン、ハイキングコース", params={"condition": "katakana_words"},
          document="富士山の標高は3776メートルです。毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。",
          passed=True, note="a katakana compound may stay whole"),
        E(response="・大阪\n・京都\n・田中", params={"condition": "places"},
          document="2023年4月1日、田中さんは大阪から京都へ引っ越した。\n休日にはカフェで本を読むのが楽しみだ。", passed=False,
          note="田中 is a person, not a place"),
        E(response="メートル、シーズン", params={"condition": "katakana_words"},
          document="富士山の標高は3776メートルです。毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。",
          passed=False, note="ハイキングコース is missing"),
        E(response="こんにちは", params={"condition": "挨拶の言葉"}, document="こんにちは。本日の議題は予算です。", passed=True,
          note="a JFBench free-text condition through the alias"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"condition": "condition"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        out = params
        label = out.get("condition")
        for key, text in CONDITIONS.items():  # a JFBench label that names one of ours maps onto it
            if isinstance(label, str) and label.strip() in {key, text, text.split("（")[0]}:
                out["condition"] = key
        return out

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        return bool(present_conditions(prompt))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        options = present_conditions(prompt) or list(CONDITIONS)
        return cls.Params(condition=rng.choice(options))

    def display(self) -> dict[str, str]:
        c = self.params.condition
        return {"condition_ja": CONDITIONS.get(c, f"「{c}」に当てはまる語句")}
