"""processing: whole-document copies (CATALOG.md, "processing": repeat_document, replace_span,
split_document). Each compares the answer with §DOC character for character (substring mode, no
folding); trailing whitespace on the answer's lines is ignored, as §DOC's normalisation removes it."""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

import regex
from pydantic import Field, model_validator

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response, analyse, char_count

from ._common import (
    COMMON_CONFLICTS,
    DOC,
    LETTER_OR_DIGIT,
    NO_DOCUMENT,
    POSITIONS,
    block_miss,
    clusters,
    copy_view,
    document_of,
    find_block,
    prompt_document,
    prompt_view,
    shift_positions,
    show,
    span,
    stripped_lines,
)

E = Example


def _longest_prefix_in(text: str, haystack: str) -> int:
    """How many leading characters of `text` occur together somewhere in `haystack` (binary search)."""
    chars = clusters(text)
    low, high = 0, len(chars)
    while low < high:
        mid = (low + high + 1) // 2
        if "".join(chars[:mid]) in haystack:
            low = mid
        else:
            high = mid - 1
    return low


def _divergence(expected: str, view: str) -> str:
    k = _longest_prefix_in(expected, view)
    if k == 0:
        return f"nothing of it appears (it starts with {show(expected[:20])})"
    rest = "".join(clusters(expected)[k:k + 15])
    return f"the answer follows it for {k} characters, then differs where {show(rest)} was expected"


# --- processing.repeat_document -------------------------------------------------------------------------

DOC_R = "春はあけぼの。やうやう白くなりゆく山ぎは、すこしあかりて。"
DOC_R2 = "会議は午後2時から始まります。\n資料は各自で印刷してください。"


@register
class RepeatDocument(Constraint):
    id = "processing.repeat_document"
    group = Group.PROCESSING
    aliases = ("ConcatProcessingConstraint",)
    conflicts = COMMON_CONFLICTS

    class Params(ParamsBase):
        times: int = Field(ge=2, le=10)

    MAX_CHARS: ClassVar[int] = 200

    test_wording = (
        DOC + "を一字一句変えずに{times}回続けて書き写し、その部分を回答に含めてください。写しと写しの間は"
        "改行1つだけで区切り（空行・空白・番号などははさまない）、それぞれの写しの中の改行や空白は課題文の"
        "とおりにしてください。"
    )
    examples = (
        E(response=f"{DOC_R}\n{DOC_R}", params={"times": 2}, document=DOC_R, passed=True),
        E(response=f"指示どおり3回書き写します。\n{DOC_R2}\n{DOC_R2}\n{DOC_R2}\nご確認ください。",
          params={"times": 3}, document=DOC_R2, passed=True, note="a multi-line document, copies joined by one LF"),
        E(response=f"{DOC_R}\n{DOC_R}", params={"times": 2}, document=DOC_R + "\n    \n", passed=True,
          note="anchor defect: the document's invisible trailing whitespace is not part of §DOC"),
        E(response=f"{DOC_R} \n{DOC_R}", params={"times": 2}, document=DOC_R, passed=True,
          note="a trailing space on an answer line is ignored, as in §DOC"),
        E(response=DOC_R + DOC_R, params={"times": 2}, document=DOC_R, passed=False,
          note="anchor layout: copies joined with no separator"),
        E(response=f"{DOC_R}\n\n{DOC_R}", params={"times": 2}, document=DOC_R, passed=False,
          note="a blank line between the copies"),
        E(response=f"{DOC_R}\n{DOC_R}", params={"times": 3}, document=DOC_R, passed=False, note="two copies, not three"),
        E(response="春はあけぼの。ようよう白くなりゆく山ぎわ、少しあかりて。\n春はあけぼの。ようよう白くなりゆく山ぎわ、少しあかりて。",
          params={"times": 2}, document=DOC_R, passed=False, note="modernised spelling is not a verbatim copy"),
        E(response=f"{DOC_R}\n{DOC_R}", params={"times": 2}, passed=False, note="no document given to the check"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"times": "times"}


    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        view = prompt_view(prompt)
        return view is not None and char_count(view.completion) <= cls.MAX_CHARS

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(times=rng.randint(2, 3))

    def demands(self, prompt: Any = None) -> Demands:
        doc = prompt_document(prompt)
        if not doc.strip():
            return Demands()
        return Demands(min_chars=self.params.times * char_count(doc), forced_texts=(doc,))  # P1, P7

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None:
            return self.fail(NO_DOCUMENT)
        times = self.params.times
        view = copy_view(r)
        if "\n".join([doc] * times) in view:
            return self.ok(f"contains {times} copies of the document joined by single line breaks")
        if doc * times in view:
            return self.fail(f"the {times} copies are joined with no line break between them")
        found = view.count(doc)
        if found:
            return self.fail(f"found {found} verbatim cop{'y' if found == 1 else 'ies'} of the document, but not "
                             f"{times} in a row separated by exactly one line break")
        return self.fail(f"no verbatim copy of the document: {_divergence(doc, view)}")


# --- processing.replace_span ----------------------------------------------------------------------------

REPLACEMENTS: tuple[str, ...] = ("＊＊＊", "[削除]", "###")
MAX_SPAN = 6  # end - start <= 5
QUOTE_MARKS = regex.compile(r"[「」『』\"]")


def _first_run(doc: str) -> tuple[str, ...]:
    """The characters of the first line before its first whitespace (where replace_span may point)."""
    out = []
    for ch in clusters(doc.split("\n", 1)[0]):
        if ch.isspace():
            break
        out.append(ch)
    return tuple(out)


def _replace_spans(doc: str) -> list[tuple[int, int]]:
    """Candidate (start, end) pairs, 1-based inclusive, 2-6 characters with a letter or digit, inside the
    first line before its first whitespace. Spans made of whole UniDic words are preferred when the line
    has any, so the quoted target reads naturally (町人文化 rather than は庶)."""
    run = _first_run(doc)[:60]
    out = []
    for length in range(2, MAX_SPAN + 1):
        for start in range(1, len(run) - length + 2):
            piece = "".join(run[start - 1:start - 1 + length])
            if LETTER_OR_DIGIT.search(piece) and not QUOTE_MARKS.search(piece):  # quoted in 「」 by the wording
                out.append((start, start + length - 1))
    if len("".join(run)) != len(run):  # combining sequences: token offsets are not character positions
        return out
    view = analyse(doc)
    first_line = doc.split("\n", 1)[0]
    if not view.md_lines or view.md_lines[0] != first_line:
        return out
    starts = {t.start + 1 for t in view.tokens if t.line == 0}
    ends = {t.end for t in view.tokens if t.line == 0}
    aligned = [(s, e) for s, e in out if s in starts and e in ends]
    return aligned or out


def _replaced(doc: str, start: int, end: int, replacement: str) -> str:
    chars = clusters(doc)
    return "".join(chars[:start - 1]) + replacement + "".join(chars[end:])


DOC_S = "江戸時代の町人文化は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、出版業の発達によって読み物も身近になった。"
DOC_S2 = "次の文章を読んで、筆者の主張を三行でまとめてください。\n\n地方の小さな書店が次々に姿を消している。"


@register
class ReplaceSpan(Constraint):
    id = "processing.replace_span"
    group = Group.PROCESSING
    aliases = ("ReplacementProcessingConstraint",)
    conflicts = COMMON_CONFLICTS

    class Params(ParamsBase):
        start: int = Field(ge=1, le=100_000)
        end: int = Field(ge=1, le=100_000)
        replacement: str = Field(min_length=1, max_length=30)
        # The document's characters start..end, quoted in the wording (set by the sampler).
        target: str | None = Field(default=None, min_length=1, max_length=200)

        @model_validator(mode="after")
        def _consistent(self) -> ReplaceSpan.Params:
            if self.end < self.start:
                raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
            if self.end - self.start >= 200:
                raise ValueError("the span may hold at most 200 characters")
            if "\n" in self.replacement:
                raise ValueError("the replacement must be one line")
            if self.target is not None and len(clusters(self.target)) != self.end - self.start + 1:
                raise ValueError(f"target {self.target!r} is not {self.end - self.start + 1} characters long")
            return self

    test_wording = (
        DOC + "の{start}文字目から{end}文字目まで{span_note}を「{replacement}」に置き換え、置き換えた後の課題文"
        "全体を回答に含めてください。" + POSITIONS + "。置き換える部分のほかは、改行の位置も含めて課題文を"
        "一字一句そのまま写してください。"
    )
    examples = (
        E(response="江戸時代の＊＊＊は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、出版業の発達によって読み物も身近になった。",
          params={"start": 6, "end": 9, "replacement": "＊＊＊", "target": "町人文化"}, document=DOC_S, passed=True),
        E(response="置き換えた全文は次のとおりです。\n\n次の###を読んで、筆者の主張を三行でまとめてください。\n\n地方の小さな書店が次々に姿を消している。",
          params={"start": 3, "end": 4, "replacement": "###", "target": "文章"}, document=DOC_S2 + "   \n\n",
          passed=True, note="a multi-line document; its invisible trailing whitespace is not part of §DOC"),
        E(response="江戸時代の町＊＊＊、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、出版業の発達によって読み物も身近になった。",
          params={"start": 6, "end": 9, "replacement": "＊＊＊", "target": "町人文化"}, document=DOC_S, passed=False,
          note="anchor defect: a 0-based reading replaces characters 7..10 (人文化は) instead of 6..9"),
        E(response="江戸時代の町＊＊＊は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、出版業の発達によって読み物も身近になった。",
          params={"start": 6, "end": 9, "replacement": "＊＊＊", "target": "町人文化"}, document=DOC_S, passed=False,
          note="characters 7..9 replaced: the start is inclusive"),
        E(response="江戸時代の＊＊＊は、商業の発展とともに花開いた。",
          params={"start": 6, "end": 9, "replacement": "＊＊＊", "target": "町人文化"}, document=DOC_S, passed=False,
          note="only the first sentence of the document"),
        E(response=DOC_S, params={"start": 6, "end": 9, "replacement": "＊＊＊", "target": "町人文化"}, document=DOC_S,
          passed=False, note="the document copied without the replacement"),
        E(response="次の###を読んで、筆者の主張を三行でまとめてください。\n地方の小さな書店が次々に姿を消している。",
          params={"start": 3, "end": 4, "replacement": "###", "target": "文章"}, document=DOC_S2, passed=False,
          note="the blank line of the document is missing"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {
        "start": "start", "end": "end", "keyword": "replacement",
    }

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        # JFBench replaced document[start:end + 1]: 0-based, end inclusive.
        return shift_positions(params, "start", "end")

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        view = prompt_view(prompt)
        return view is not None and bool(_replace_spans(view.completion))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        replacement = rng.choice(REPLACEMENTS)
        view = prompt_view(prompt)
        spans = _replace_spans(view.completion) if view is not None else []
        if not spans:  # not eligible: positions only
            start = rng.randint(1, 10)
            return cls.Params(start=start, end=start + rng.randint(1, 5), replacement=replacement)
        start, end = rng.choice(spans)
        return cls.Params(start=start, end=end, replacement=replacement, target=span(view.completion, start, end))

    def display(self) -> dict[str, str]:
        p = self.params
        n = p.end - p.start + 1
        quote = f"「{p.target}」" if p.target is not None else ""
        return {"span_note": f"（両端を含む{n}文字{quote}）"}

    def demands(self, prompt: Any = None) -> Demands:
        # P7: the replaced document is copied whole; its length is a P1 lower bound like a sort block's.
        doc, p = prompt_document(prompt), self.params
        if not doc.strip() or p.end > len(clusters(doc)):
            return Demands()
        expected = _replaced(doc, p.start, p.end, p.replacement)
        return Demands(min_chars=char_count(expected), forced_texts=(expected,))

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None:
            return self.fail(NO_DOCUMENT)
        p = self.params
        length = len(clusters(doc))
        if p.end > length:
            return self.fail(f"the document has only {length} characters, so characters {p.start}..{p.end} do not exist")
        actual = span(doc, p.start, p.end)
        if p.target is not None and actual != p.target:
            return self.fail(f"characters {p.start}..{p.end} of this document are {actual!r}, not the quoted "
                             f"{p.target!r}: the instance was sampled for another document")
        expected = _replaced(doc, p.start, p.end, p.replacement)
        view = copy_view(r)
        if expected in view:
            return self.ok(f"contains the document with characters {p.start}..{p.end} ({actual!r}) replaced by "
                           f"{p.replacement!r}")
        for shift in (-1, 1, -2):  # the usual counting slips, 0-based reading first
            s, e = p.start + shift, p.end + shift
            if 1 <= s and e <= length and _replaced(doc, s, e, p.replacement) in view:
                return self.fail(f"replaced characters {s}..{e} ({span(doc, s, e)!r}) instead of {p.start}..{p.end} "
                                 f"({actual!r})")
        if doc in view:
            return self.fail(f"the document is copied unchanged: characters {p.start}..{p.end} ({actual!r}) were not "
                             f"replaced by {p.replacement!r}")
        return self.fail(f"the replaced document is missing: {_divergence(expected, view)}")


# --- processing.split_document --------------------------------------------------------------------------

MAX_SPLIT_CHARS = 120


def _chunks(doc: str, parts: int) -> list[str]:
    """§DOC cut into pieces of ceil(len / parts) characters (§C, spaces included); the last is shorter."""
    chars = clusters(doc)
    size = math.ceil(len(chars) / parts)
    return ["".join(chars[i:i + size]) for i in range(0, len(chars), size)]


def _split_parts(doc: str) -> list[int]:
    """Part counts 2-4 that cut this one-line document into exactly that many clean chunks (no chunk
    starts or ends with whitespace, so no invisible character decides the verdict)."""
    if "\n" in doc or len(clusters(doc)) > MAX_SPLIT_CHARS:
        return []
    out = []
    for parts in (2, 3, 4):
        chunks = _chunks(doc, parts)
        if len(chunks) == parts and all(c == c.strip() and c for c in chunks):
            out.append(parts)
    return out


DOC_P = "春はあけぼの。やうやう白くなりゆく山ぎは、すこしあかりて。"
DOC_P2 = "Python 3.12 では型ヒントの書き方がさらに簡単になりました。"


@register
class SplitDocument(Constraint):
    id = "processing.split_document"
    group = Group.PROCESSING
    aliases = ("SplitProcessingConstraint",)
    conflicts = COMMON_CONFLICTS

    class Params(ParamsBase):
        parts: int = Field(ge=2, le=10)
        # ceil(len(§DOC) / parts), stated in the wording (set by the sampler).
        size: int | None = Field(default=None, ge=1, le=10_000)

    test_wording = (
        DOC + "を先頭から順に{parts}つに区切り、区切った文字列を1行に1つずつ、連続する{parts}行に書いて回答に"
        "含めてください。1つ分の長さは、課題文の全文字数（空白も1文字と数える）を{parts}で割って小数点以下を"
        "切り上げた文字数{size_note}で、最後の1つだけは残りの文字すべて（ほかより短くなることがある）とします。"
        "各行には区切った文字列だけを書き、番号・記号・かっこを付けたり、行の間に空行を入れたりしないで"
        "ください。"
    )
    examples = (
        E(response="春はあけぼの。やうや\nう白くなりゆく山ぎは\n、すこしあかりて。", params={"parts": 3, "size": 10},
          document=DOC_P, passed=True),
        E(response="4つに分けると次のとおりです。\n\nPython 3.\n12 では型ヒント\nの書き方がさらに簡\n単になりました。",
          params={"parts": 4, "size": 9}, document=DOC_P2, passed=True,
          note="spaces count as characters; text before the block is allowed"),
        E(response="春はあけぼの。やうやう白くなり\nゆく山ぎは、すこしあかりて。", params={"parts": 2}, document=DOC_P,
          passed=True, note="an alias call without the size"),
        E(response="[\n春はあけぼの。やうや,\nう白くなりゆく山ぎは,\n、すこしあかりて。\n]", params={"parts": 3, "size": 10},
          document=DOC_P, passed=False, note="anchor layout: brackets and commas added to the lines"),
        E(response="春はあけぼの。\nやうやう白くなりゆく山ぎは、\nすこしあかりて。", params={"parts": 3, "size": 10},
          document=DOC_P, passed=False, note="split at punctuation, not into equal lengths"),
        E(response="1. 春はあけぼの。やうや\n2. う白くなりゆく山ぎは\n3. 、すこしあかりて。", params={"parts": 3, "size": 10},
          document=DOC_P, passed=False, note="numbered lines"),
        E(response="Python 3.\n12 では型ヒント\n\nの書き方がさらに簡\n単になりました。", params={"parts": 4, "size": 9},
          document=DOC_P2, passed=False, note="a blank line inside the block"),
        E(response="Python3.12で\nは型ヒントの書き\n方がさらに簡単に\nなりました。", params={"parts": 4, "size": 9},
          document=DOC_P2, passed=False, note="spaces dropped: the chunks shift"),
        E(response="春はあけぼの。\nやうやう白くなりゆく山ぎは、すこしあかりて。", params={"parts": 2},
          document="春はあけぼの。\nやうやう白くなりゆく山ぎは、すこしあかりて。", passed=False,
          note="anchor defect: multi-line documents were allowed; a piece cannot hold a line break"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"parts": "parts"}


    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        view = prompt_view(prompt)
        return view is not None and bool(_split_parts(view.completion))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        view = prompt_view(prompt)
        options = _split_parts(view.completion) if view is not None else []
        if not options:
            return cls.Params(parts=rng.randint(2, 4))
        parts = rng.choice(options)
        return cls.Params(parts=parts, size=math.ceil(len(clusters(view.completion)) / parts))

    def display(self) -> dict[str, str]:
        size = self.params.size
        return {"size_note": f"（この課題文では{size}文字）" if size is not None else ""}

    def demands(self, prompt: Any = None) -> Demands:
        doc = prompt_document(prompt)
        if not doc.strip() or "\n" in doc:
            return Demands()
        chunks = [c.strip() for c in _chunks(doc, self.params.parts)]
        return Demands(min_chars=char_count(doc), forced_texts=tuple(chunks))  # P1, P7: the pieces

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None:
            return self.fail(NO_DOCUMENT)
        parts = self.params.parts
        if "\n" in doc:
            return self.fail("the document has line breaks; split_document needs a one-line document")
        length = len(clusters(doc))
        size = math.ceil(length / parts)
        if self.params.size is not None and self.params.size != size:
            return self.fail(f"the document has {length} characters, so a piece is {size} characters, not the stated "
                             f"{self.params.size}: the instance was sampled for another document")
        chunks = _chunks(doc, parts)
        if len(chunks) != parts:
            return self.fail(f"{length} characters in pieces of {size} give {len(chunks)} pieces, not {parts}")
        lines = stripped_lines(r)
        expected = [c.strip() for c in chunks]
        at, best_len, best_start = find_block(lines, expected)
        if at is not None:
            return self.ok(f"lines {at + 1}-{at + parts} hold the {parts} pieces of {size} characters")
        return self.fail(f"pieces of {size} characters expected: " + block_miss(lines, expected, "piece", best_len,
                                                                                 best_start))
