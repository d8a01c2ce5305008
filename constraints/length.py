"""length (8): characters, paragraphs, sections, sentences, words, line breaks, blank lines and
sentence length (CATALOG.md, "length").

The range rows (characters, paragraphs, sections, sentences, words) share one parameter model,
`CountRange` (`min`/`max`, either may be open), and one Japanese renderer, `jp_range`, so JFBench's
arbitrary (min, max) pairs and the catalog's sampled modes (between / at_most / at_least / exactly)
are the same thing. Line breaks and blank lines are exact counts `n`, as in JFBench and the catalog.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal

import regex
from pydantic import Field, model_validator

from jfbench.catalog import Constraint, Demands, Example, Group, Params, Verdict, register
from jfbench.constraints._forced import forced_view
from jfbench.constraints.notation._common import numbered_sections_in_arabic
from jfbench.ja import Response, char_count

E = Example

# --- the shared range ---------------------------------------------------------------------------


class CountRange(Params):
    """An inclusive count range; `None` leaves that side open. Subclasses narrow the field bounds."""

    min: int | None = Field(default=None, ge=1)
    max: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> CountRange:
        if self.min is None and self.max is None:
            raise ValueError("set min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    def contains(self, n: int) -> bool:
        return (self.min is None or n >= self.min) and (self.max is None or n <= self.max)

    def describe(self) -> str:
        """English, for reasons: 'exactly 4', 'between 3 and 5', 'at most 5', 'at least 2'."""
        if self.min is not None and self.min == self.max:
            return f"exactly {self.min}"
        if self.min is not None and self.max is not None:
            return f"between {self.min} and {self.max}"
        if self.max is not None:
            return f"at most {self.max}"
        return f"at least {self.min}"


def jp_range(lo: int | None, hi: int | None, unit: str) -> str:
    """The range in Japanese: ちょうど3段落 / 100文字以上150文字以下 / 150文字以内 / 100文字以上."""
    if lo is not None and lo == hi:
        return f"ちょうど{lo}{unit}"
    if lo is not None and hi is not None:
        return f"{lo}{unit}以上{hi}{unit}以下"
    if hi is not None:
        return f"{hi}{unit}以内"
    return f"{lo}{unit}以上"


RangeMode = Literal["between", "at_most", "at_least", "exactly"]


def sample_bounds(rng: random.Random, mode: RangeMode, values: tuple[int, ...], ratio: float = 1.0
                  ) -> dict[str, int]:
    """Bounds drawn from `values`; for between, upper >= ratio x lower (and upper > lower)."""
    if mode == "exactly":
        n = rng.choice(values)
        return {"min": n, "max": n}
    if mode == "at_most":
        return {"max": rng.choice(values)}
    if mode == "at_least":
        return {"min": rng.choice(values)}
    pairs = [(lo, hi) for lo in values for hi in values if hi > lo and hi >= ratio * lo]
    lo, hi = rng.choice(pairs)
    return {"min": lo, "max": hi}


class RangeConstraint(Constraint):
    """A constraint on one count of the response; subclasses define `count`, `unit` and `noun`."""

    unit: ClassVar[str]  # Japanese counter used by the wording (文字, 段落, 文 ...)
    noun: ClassVar[str]  # English plural noun used by the reasons
    Params: ClassVar[type[CountRange]] = CountRange

    def display(self) -> dict[str, str]:
        return {"range": jp_range(self.params.min, self.params.max, self.unit)}

    def count(self, r: Response) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self, r: Response) -> Verdict:
        n = self.count(r)
        if self.params.contains(n):
            return self.ok(f"{n} {self.noun}, meets {self.params.describe()}")
        return self.fail(f"{n} {self.noun}, needs {self.params.describe()}")

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        # JFBench always gives both bounds; a lower bound of 0 is no bound (at_most).
        if params.get("min") == 0 and params.get("max") is not None:
            params = {**params, "min": None}
        return params


# --- characters -------------------------------------------------------------------------------------

@register
class CharactersLength(RangeConstraint):
    id = "length.characters"
    group = Group.LENGTH
    aliases = ("CharactersLengthConstraint",)
    train = True
    unit = "文字"
    noun = "characters (whitespace excluded)"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"min_length": "min", "max_length": "max"}
    VALUES = (50, 100, 150, 200, 300, 400, 600, 800, 1200)

    class Params(CountRange):
        min: int | None = Field(default=None, ge=1, le=100_000)
        max: int | None = Field(default=None, ge=1, le=100_000)

    test_wording = ("回答の長さは、空白と改行を除いた文字数で{range}にしてください"
                    "（句読点や記号も1文字と数えます）。")
    train_wordings = (
        "スペースと改行を数に入れずに、{range}の分量で答えてください。句読点・記号はそれぞれ1文字に数えます。",
        "文字数（空白・改行は含めず、記号や句読点は含める）が{range}になるように回答をまとめてください。",
        "回答全体を{range}に収めてください。ここでの文字数は、空白文字と改行を除き、句読点や記号を含めて数えたものです。",
        "{range}で書いてください。数えるときは半角・全角のスペースや改行は除外し、「、」「。」などの記号は1文字として扱います。",
        "分量の指定：空白と改行を除いて数えた文字数が{range}であること。句読点やカッコなどの記号も数に含めます。",
    )
    examples = (
        E(response="富士山は日本で最も高い山で、標高は3776メートルです。", passed=True,
          params={"min": 20, "max": 30}, note="28 characters"),
        E(response="富士山は日本で最も高い山です。\n\n　標高は 3776 メートル。", passed=True,
          params={"max": 27},
          note="27 non-whitespace characters; JFBench's len() counted 32 with spaces and line breaks"),
        E(response="はい。", passed=True, params={"max": 150}),
        E(response="東京タワーは1958年に完成した電波塔です。", passed=True, params={"min": 22},
          note="exactly 22 characters meets at least 22"),
        E(response="はい、そうです。", passed=False, params={"min": 50, "max": 100}, note="8 characters"),
        E(response="東京タワーは1958年に完成した電波塔です。", passed=False, params={"max": 21},
          note="22 characters"),
        E(response="家族👨‍👩‍👧で行きます", passed=True, params={"max": 8},
          note="the family emoji is one grapheme: 8 characters"),
        E(response="家族👨‍👩‍👧で行きます", passed=False, params={"min": 9, "max": 20},
          note="the family emoji is one grapheme: 8 characters"),
        E(response="**注意**：必ず確認してください。", passed=False, params={"max": 16},
          note="Markdown symbols count: 18 characters"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> CountRange:
        mode = rng.choice(("between", "at_most", "at_least"))
        return cls.Params(**sample_bounds(rng, mode, cls.VALUES, ratio=1.3))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_chars=self.params.min or 0, max_chars=self.params.max)

    def count(self, r: Response) -> int:
        return r.chars


# --- paragraphs -------------------------------------------------------------------------------------

@register
class ParagraphsLength(RangeConstraint):
    id = "length.paragraphs"
    group = Group.LENGTH
    aliases = ("ParagraphsLengthConstraint",)
    train = True
    unit = "段落"
    noun = "paragraphs"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"min_paragraphs": "min", "max_paragraphs": "max"}

    class Params(CountRange):
        min: int | None = Field(default=None, ge=1, le=1000)
        max: int | None = Field(default=None, ge=1, le=1000)

    test_wording = ("回答を{range}で構成してください。段落は空行（何も書かれていない行、または空白だけの行）で区切られた"
                    "まとまりとして数え、見出しや箇条書き、表も空行で区切られていればそれぞれ1段落と数えます。")
    train_wordings = (
        "段落の数を{range}にしてください。段落と段落のあいだには空行をはさみ、空行で区切られた塊を1段落と数えます（見出しや箇条書きの塊も1段落です）。",
        "{range}の文章で答えてください。空行をはさんだひとまとまりが1段落で、見出し・リスト・表なども例外ではありません。",
        "回答は空行で段落に分け、段落数が{range}になるようにしてください。空行のない連続した行は、見出しやリストを含めて1つの段落です。",
        "全体を{range}に分けて書いてください。段落の区切りには空行を使います。空行で区切られた部分は、箇条書きや見出しだけでも1段落に数えます。",
        "段落構成の条件：空行で区切られたブロックを1段落とし、その数が{range}であること。見出し・箇条書き・表のブロックもそれぞれ1段落として扱います。",
    )
    examples = (
        E(response="春は桜が咲きます。\n\n夏は海に行きます。\n\n秋は紅葉を楽しみます。", passed=True,
          params={"min": 3, "max": 3}, note="one blank line is enough to separate paragraphs"),
        E(response="## 概要\n\n本文です。\n\n- 項目A\n- 項目B", passed=True, params={"min": 3, "max": 5},
          note="a heading and a list block are paragraphs too"),
        E(response="一段落目です。\n\n\n二段落目です。", passed=True, params={"min": 2, "max": 2},
          note="two blank lines still separate exactly two paragraphs"),
        E(response="一段落目です。\n\u3000\n二段落目です。", passed=True, params={"min": 2, "max": 2},
          note="a line holding only U+3000 is blank"),
        E(response="春は桜が咲きます。\n夏は海に行きます。\n秋は紅葉を楽しみます。", passed=False,
          params={"min": 3, "max": 3}, note="line breaks without blank lines make one paragraph"),
        E(response="一段落目です。\n\n二段落目です。", passed=False, params={"min": 3, "max": 5}),
        E(response="A。\n\nB。\n\nC。\n\nD。", passed=False, params={"max": 3}),
        E(response="説明します。\n\n```\nx = 1\n\ny = 2\n```", passed=False, params={"min": 3, "max": 3},
          note="the blank line inside the code block does not split it: 2 paragraphs"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> CountRange:
        n = rng.randint(2, 6)
        if rng.random() < 0.5:
            return cls.Params(min=n, max=n)
        return cls.Params(min=n, max=n + 2)

    def demands(self, prompt: Any = None) -> Demands:
        lo = self.params.min or 0
        return Demands(min_chars=25 * lo, min_paragraphs=lo, max_paragraphs=self.params.max)

    def count(self, r: Response) -> int:
        return len(r.paragraphs)


# --- sections ---------------------------------------------------------------------------------------

Marker = Literal["md_h2", "bracket", "numbered", "any"]

_MD_H2 = regex.compile(r"^ {0,3}##[ \t]+\S")
_LEAD = r"^[ \t\u3000]{0,3}(?:#{1,6}[ \t]+)?(?:\*\*)?"
_BRACKET = regex.compile(_LEAD + r"【[^【】\n]{1,80}】(?:\*\*)?[ \t\u3000]*$")
_NUMBERED = regex.compile(
    _LEAD + r"第([0-9０-９]{1,3}|[〇一二三四五六七八九十百]{1,6})節"
    r"(?=$|[\s:：・.．\-－—|｜「『（(【*])"
)
_KANJI_DIGITS = "〇一二三四五六七八九"


def _numeral_value(text: str) -> int:
    """Arabic (ASCII or full-width) or kanji numeral: 3, ３, 三, 十二, 一〇."""
    if text[0] in "0123456789０１２３４５６７８９":
        return int(text.translate({c + 0xFEE0: c for c in range(0x30, 0x3A)}))
    if all(c in _KANJI_DIGITS for c in text):
        return int("".join(str(_KANJI_DIGITS.index(c)) for c in text))
    total = current = 0
    for c in text:
        if c in _KANJI_DIGITS:
            current = _KANJI_DIGITS.index(c)
        else:
            total += (current or 1) * (10 if c == "十" else 100)
            current = 0
    return total + current


_MARKER_TEXT = {
    "md_h2": "「## 見出し」形式（行頭に半角の「##」と半角スペースを置くMarkdown）",
    "bracket": "「【見出し】」形式（【】で囲んだ見出しだけを書いた1行）",
    "numbered": "「第1節」「第2節」…形式（行頭に「第N節」を置き、Nは1から順に振った算用数字か漢数字）",
    "any": "「## 見出し」「【見出し】」「第N節」（Nは1から順の番号）のいずれかの形式",
}


@register
class SectionsLength(Constraint):
    id = "length.sections"
    group = Group.LENGTH
    aliases = ("SectionsLengthConstraint",)
    train = True
    conflicts = ("length.paragraphs", "ifbench_format.one_word_per_line")
    # JFBench's SectionsLength(min_sections, max_sections, sections_delimiter) split T at a delimiter
    # (a blank line by default, which made it ParagraphsLength again). Sections here are header lines,
    # so an alias call keeps min/max and ignores the delimiter: marker "any" accepts each header style.
    jfbench_kwargs: ClassVar[dict[str, str]] = {
        "min_sections": "min", "max_sections": "max", "sections_delimiter": "sections_delimiter"}

    class Params(CountRange):
        min: int = Field(ge=1, le=100)
        max: int | None = Field(default=None, ge=1, le=100)
        marker: Marker = "any"

    test_wording = ("回答を{range}の節に分け、各節の最初の行に{marker_text}の見出しを置いてください。"
                    "各見出しの後には、次の見出しまでに本文を1行以上書いてください。最初の見出しより前に書けるのはタイトル1行までです。")
    train_wordings = (
        "見出しで区切った節を{range}設けてください。見出しは{marker_text}とし、どの見出しの下にも本文を少なくとも1行書くこと。冒頭の見出しの前にはタイトルを1行だけ置いてもかまいません。",
        "{marker_text}の見出し行を使って、回答を{range}のセクションに分けてください。各見出しのあとには本文の行が必要です。最初の見出しより前は、表題1行以外何も書かないでください。",
        "構成は{range}の節にしてください。節の始まりには{marker_text}の見出しを1行置き、その下に本文を1行以上続けます。最初の見出しの前に置けるのはタイトル1行までです。",
        "回答を節に分けて書いてください。条件：見出しは{marker_text}、見出しの数は{range}、各見出しの後に本文を1行以上。先頭の見出しより前にはタイトルを最大1行まで。",
        "セクション数が{range}になるようにし、各セクションは{marker_text}の見出し行で始めてください。見出しだけで本文のない節は不可で、最初の見出しより上にはタイトル1行まで書けます。",
    )
    examples = (
        E(response="## はじめに\n本稿では睡眠の重要性を述べます。\n\n## 効果\n記憶が定着します。"
                   "\n\n## まとめ\n早く寝ましょう。",
          passed=True, params={"min": 3, "max": 3, "marker": "md_h2"}),
        E(response="# 睡眠について\n\n## 効果\n記憶が定着します。\n### 補足\n成長ホルモンも出ます。"
                   "\n\n## まとめ\n早く寝ましょう。",
          passed=True, params={"min": 2, "max": 2, "marker": "md_h2"},
          note="one title line before the first header; ### is a body line"),
        E(response="【背景】\n少子化が進んでいます。\n【課題】\n労働力が不足します。\n【対策】\n自動化を進めます。",
          passed=True, params={"min": 3, "max": 3, "marker": "bracket"}),
        E(response="第一節　背景\n少子化が進んでいます。\n\n第二節：課題\n労働力が不足します。", passed=True,
          params={"min": 2, "max": 2, "marker": "numbered"}, note="kanji numerals"),
        E(response="第1節 背景\n少子化が進んでいます。第1節では背景を述べました。"
                   "\n第2節 課題\n労働力が不足します。",
          passed=True, params={"min": 2, "max": 2, "marker": "numbered"},
          note="第1節では inside a body line is not a header"),
        E(response="春は桜が咲きます。\n\n夏は海に行きます。\n\n秋は紅葉を楽しみます。", passed=False,
          params={"min": 3, "max": 3, "marker": "md_h2"},
          note="blank-line-separated paragraphs are not sections (JFBench's default delimiter)"),
        E(response="## はじめに\n本文です。\n\n## まとめ\n結論です。", passed=False,
          params={"min": 3, "max": 3, "marker": "md_h2"}, note="2 headers"),
        E(response="## はじめに\n\n## 本論\n本文です。\n\n## まとめ\n結論です。", passed=False,
          params={"min": 3, "max": 3, "marker": "md_h2"}, note="the first section has no body line"),
        E(response="第1節 背景\n少子化です。\n第3節 課題\n人手不足です。", passed=False,
          params={"min": 2, "max": 2, "marker": "numbered"}, note="numbers must run 1, 2, ..."),
        E(response="【背景】少子化が進んでいます。\n【課題】労働力が不足します。", passed=False,
          params={"min": 2, "max": 2, "marker": "bracket"}, note="inline labels are not header lines"),
        E(response="睡眠の話\n序文です。\n## 効果\n記憶が定着します。\n## まとめ\n早く寝ましょう。",
          passed=False,
          params={"min": 2, "max": 2, "marker": "md_h2"}, note="two lines before the first header"),
        E(response="## 背景\n少子化です。\n【課題】\n人手不足です。\n第3節 対策\n自動化です。", passed=False,
          params={"min": 3, "max": 3, "marker": "any"}, note="the only numbered header must be 第1節"),
        E(response="## 背景\n少子化です。\n【課題】\n人手不足です。\n第1節 対策\n自動化です。", passed=True,
          params={"min": 3, "max": 3, "marker": "any"}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        n = rng.randint(2, 5)
        return cls.Params(min=n, max=n, marker=rng.choice(("md_h2", "bracket", "numbered")))

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        params.pop("sections_delimiter", None)  # see the class comment
        params["min"] = max(1, params.get("min") or 0)
        params["marker"] = "any"
        return params

    def display(self) -> dict[str, str]:
        return {"range": jp_range(self.params.min, self.params.max, "つ"),
                "marker_text": _MARKER_TEXT[self.params.marker]}

    def demands(self, prompt: Any = None) -> Demands:
        # P1: 20 characters a section. P2/P3: each header line is followed by a body line of its own, so n
        # sections force 2n non-empty lines. P4: headers numbered in Arabic digits are number tokens.
        n = self.params.min
        return Demands(min_chars=20 * n, forced_lines=2 * n, numbers=n if numbered_sections_in_arabic(self) else 0)

    def param_conflict(self, other: Constraint) -> str | None:
        if self.params.marker == "numbered" and other.id in {
                "character.hiragana_only", "character.katakana_only", "character.romaji_only"}:
            return "第N節 headers need kanji"
        return None

    def _header(self, line: str) -> tuple[str, int | None] | None:
        """(style, number) when the line is a header in the requested marker style."""
        marker = self.params.marker
        if marker in ("md_h2", "any") and _MD_H2.match(line):
            return ("md_h2", None)
        if marker in ("bracket", "any") and _BRACKET.match(line):
            return ("bracket", None)
        if marker in ("numbered", "any"):
            m = _NUMBERED.match(line)
            if m:
                return ("numbered", _numeral_value(m.group(1)))
        return None

    def check(self, r: Response) -> Verdict:
        headers: list[tuple[int, int | None]] = []  # (line index, number)
        body_after: list[bool] = []
        before_first = 0
        for i, (line, fenced) in enumerate(zip(r.lines, r.fenced, strict=True)):
            header = None if fenced else self._header(line)
            if header is not None:
                headers.append((i, header[1]))
                body_after.append(False)
            elif line.strip():
                if headers:
                    body_after[-1] = True
                else:
                    before_first += 1
        rng = self.params
        if not headers:
            return self.fail(f"found no section header in the {rng.marker} style, needs {rng.describe()}")
        if before_first > 1:
            return self.fail(f"{before_first} non-empty lines before the first header (at most 1 title line)")
        numbers = [n for _, n in headers if n is not None]
        for expected, n in enumerate(numbers, start=1):
            if n != expected:
                return self.fail(f"numbered header {expected} is 第{n}節, expected 第{expected}節")
        for (i, _), has_body in zip(headers, body_after, strict=True):
            if not has_body:
                return self.fail(f"the header on line {i + 1} ({r.lines[i].strip()[:30]!r}) has no body line")
        if not rng.contains(len(headers)):
            return self.fail(f"{len(headers)} section headers, needs {rng.describe()}")
        return self.ok(f"{len(headers)} section headers, each with a body")


# --- sentences --------------------------------------------------------------------------------------

@register
class SentencesLength(RangeConstraint):
    id = "length.sentences"
    group = Group.LENGTH
    aliases = ("SentencesLengthConstraint",)
    train = True
    unit = "文"
    noun = "sentences"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"min_sentences": "min", "max_sentences": "max"}

    class Params(CountRange):
        min: int | None = Field(default=None, ge=1, le=10_000)
        max: int | None = Field(default=None, ge=1, le=10_000)

    test_wording = ("回答を{range}で書いてください。文は「。」「！」「？」で終わるまとまりとして数え、"
                    "改行でも文が区切られます（見出しや箇条書きの各行も1文です）。かっこ（「」や（）など）の中の「。」では区切りません。")
    train_wordings = (
        "文の数が{range}になるように答えてください。「。」「！」「？」のところと改行のところで文が切れるものとし、見出しや箇条書きの1行も1文に数えます。「」や（）の中の句点は区切りになりません。",
        "{range}で回答してください。数え方：句点「。」・感嘆符「！」・疑問符「？」または改行で1文が終わります。箇条書きや見出しの行も1文、かっこ内の句点は数えません。",
        "回答全体の文数を{range}にしてください。文の終わりは「。」「！」「？」か行末です。リストの項目や見出しも1行で1文と数え、「」（）の中の「。」は文末とみなしません。",
        "分量を調整するため、文の数は{range}としてください。「。」「！」「？」または改行で区切られた部分を1文と数えます（見出し・箇条書きの行を含む。かっこ内の「。」では区切らない）。",
        "文数の条件：{range}。「。」「？」「！」で終わるか、改行で終わるまとまりを1文とします。見出しや箇条書きの各行も1文です。かっこの中にある句点では文が切れません。",
    )
    examples = (
        E(response="今日は晴れです。明日は雨でしょう。傘を持っていきましょう。", passed=True,
          params={"min": 3, "max": 3}),
        E(response="彼は「行きます。すぐ戻ります。」と言った。本当にすごい！そう思いませんか？", passed=True,
          params={"min": 3, "max": 3},
          note="「。」 inside brackets does not split; ！ ends its own sentence "
               "(pysbd's fallback split inside 「」)"),
        E(response="まとめ\n- 早寝をする\n- 朝食をとる", passed=True, params={"min": 3, "max": 3},
          note="each line is a sentence"),
        E(response="え？！本当ですか！！信じられません。", passed=True, params={"max": 3},
          note="？！ and ！！ each end one sentence"),
        E(response="今日は晴れです。明日は雨でしょう。", passed=False, params={"min": 3, "max": 5}),
        E(response="一。二。三。四。五。六。", passed=False, params={"max": 5}),
        E(response="円周率は3.14です。詳しくはexample.comを見てください。", passed=False, params={"min": 3},
          note="3.14 and example.com do not end sentences: 2 sentences"),
        E(response="すごい！本当に？", passed=False, params={"min": 1, "max": 1},
          note="！ ends the first sentence instead of being attached to the next: 2 sentences"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> CountRange:
        n = rng.randint(2, 10)
        mode = rng.choice(("exactly", "between", "at_most"))
        if mode == "exactly":
            return cls.Params(min=n, max=n)
        if mode == "between":
            return cls.Params(min=n, max=n + rng.randint(2, 4))
        return cls.Params(max=n)

    def demands(self, prompt: Any = None) -> Demands:
        lo = self.params.min or 0
        return Demands(min_chars=12 * lo, min_sentences=lo, max_sentences=self.params.max)

    def count(self, r: Response) -> int:
        return len(r.sentences)


# --- words ------------------------------------------------------------------------------------------

@register
class WordsLength(RangeConstraint):
    id = "length.words"
    group = Group.LENGTH
    aliases = ("WordsLengthConstraint",)
    train = True
    unit = "語"
    noun = "words"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum": "min", "maximum": "max"}
    VALUES = (20, 40, 60, 100, 150, 200, 300)

    class Params(CountRange):
        min: int | None = Field(default=None, ge=1, le=100_000)
        max: int | None = Field(default=None, ge=1, le=100_000)

    test_wording = ("回答の語数を{range}にしてください。語は形態素解析（UniDicの短単位）で数え、"
                    "助詞や助動詞も1語に数えますが、句読点・記号・空白は数えません"
                    "（例：「食べました」は「食べ／まし／た」の3語）。")
    train_wordings = (
        "{range}の単語数で答えてください。単語はUniDic短単位の形態素として数え、「は」「です」のような助詞・助動詞も含めます。句読点や記号は語に含めません。",
        "語数（UniDic短単位で区切った形態素の数。助詞・助動詞を含み、句読点・記号・スペースは除く）が{range}になるよう回答してください。",
        "回答は{range}にしてください。ここでの「語」は形態素解析の短単位のことで、たとえば「本を読みました」は「本／を／読み／まし／た」の5語です。記号や句読点は数えません。",
        "単語数の指定：{range}。助詞・助動詞も1語として数え、「、」「。」などの句読点や記号、空白は数に入れません（区切りはUniDic短単位）。",
        "形態素（UniDic短単位）の数で{range}の回答を書いてください。てにをはや「ます」「た」も1語に数え、句読点・記号は語とみなしません。",
    )
    examples = (
        E(response="本を読みました。", passed=True, params={"min": 5, "max": 5},
          note="本/を/読み/まし/た: particles and auxiliaries count, 。 does not"),
        E(response="私は毎朝コーヒーを飲みます。", passed=True, params={"max": 10}, note="7 words"),
        E(response="価格は1,000円です。", passed=True, params={"min": 5, "max": 5},
          note="価格/は/1,000/円/です: 1,000 is one word"),
        E(response="。、。、。、。、。、", passed=False, params={"min": 10, "max": 20},
          note="punctuation is not words (JFBench counted these ten tokens)"),
        E(response="本を読みました。", passed=False, params={"min": 6},
          note="5 words"),
        E(response="私は毎朝コーヒーを飲みます。", passed=False, params={"max": 6}, note="7 words"),
        E(response="**重要**：「東京」へ行く！", passed=False, params={"min": 5},
          note="Markdown and brackets are not words: 重要/東京/へ/行く"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> CountRange:
        mode = rng.choice(("between", "at_most", "at_least"))
        return cls.Params(**sample_bounds(rng, mode, cls.VALUES, ratio=1.3))

    def demands(self, prompt: Any = None) -> Demands:
        lo = self.params.min or 0
        return Demands(min_chars=1.2 * lo, min_words=lo, max_words=self.params.max)

    def count(self, r: Response) -> int:
        return len(r.words)


# --- line breaks and blank lines ----------------------------------------------------------------------

class ExactCount(Params):
    """JFBench's NewLines/BlankLines rows ask for one exact count, and so does the catalog."""

    n: int = Field(ge=0, le=10_000)


class _ExactCountConstraint(Constraint):
    noun: ClassVar[str]
    Params: ClassVar[type[ExactCount]] = ExactCount

    def count(self, r: Response) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self, r: Response) -> Verdict:
        n = self.count(r)
        if n == self.params.n:
            return self.ok(f"{n} {self.noun}, as required")
        return self.fail(f"{n} {self.noun}, needs exactly {self.params.n}")


@register
class LineBreaksLength(_ExactCountConstraint):
    id = "length.line_breaks"
    group = Group.LENGTH
    aliases = ("NewLinesLengthConstraint",)
    noun = "line breaks"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"newlines": "n"}
    Params = ExactCount

    test_wording = ("回答全体で改行をちょうど{n}回使ってください（つまり回答は空行も含めてちょうど{lines}行）。"
                    "空行を作る改行も数えますが、回答の先頭と末尾の改行は数えません。")
    examples = (
        E(response="一行目\n二行目\n三行目\n四行目", passed=True, params={"n": 3}),
        E(response="一行目\n\n三行目\n", passed=True, params={"n": 2},
          note="the blank line's break counts; the final line break is outside T"),
        E(response="\n\n一行目\n二行目\n\n", passed=True, params={"n": 1},
          note="leading and trailing line breaks are not counted"),
        E(response="一行目\r\n二行目\r\n三行目", passed=True, params={"n": 2}, note="CRLF is one LF (§IN)"),
        E(response="一行目\n二行目\n三行目\n四行目", passed=False, params={"n": 2}),
        E(response="一行だけの回答です。", passed=False, params={"n": 2}),
        E(response="一行目\n\n\n二行目", passed=False, params={"n": 2},
          note="3 line breaks: blank lines are included"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ExactCount:
        return cls.Params(n=rng.randint(2, 8))

    def display(self) -> dict[str, str]:
        return {"lines": str(self.params.n + 1)}

    def demands(self, prompt: Any = None) -> Demands:
        # P3: P paragraphs take P non-empty lines and P - 1 blank lines, so n + 1 >= 2P - 1.
        return Demands(max_paragraphs=(self.params.n + 2) // 2)

    def param_conflict(self, other: Constraint) -> str | None:
        # P3: the answer has exactly n + 1 lines (Demands has no line budget, so this stays a pair rule; the
        # paragraph side is the aggregate's max_paragraphs above).
        lines = self.params.n + 1
        if other.id == "length.blank_lines":
            blank = other.params.n
            need = blank + 2 if blank else 1  # blank lines sit between non-empty lines
            what = f"{blank} blank lines"
        else:
            need = other.demands().forced_lines
            what = f"{need} forced non-empty lines"
        if need > lines:
            return f"P3: {other.id} needs {what}, but {self.params.n} line breaks give {lines} lines"
        return None

    def count(self, r: Response) -> int:
        return r.text.count("\n")


@register
class BlankLinesLength(_ExactCountConstraint):
    id = "length.blank_lines"
    group = Group.LENGTH
    aliases = ("BlankLinesLengthConstraint",)
    noun = "blank lines"
    jfbench_kwargs: ClassVar[dict[str, str]] = {"blank_lines": "n"}
    Params = ExactCount

    test_wording = ("空行（何も書かれていない行、または空白だけの行）を回答全体でちょうど{n}行入れてください。"
                    "空行が続く場合は1行ずつ数えます。回答の先頭・末尾の空行とコードブロック内の空行は数えません。")
    examples = (
        E(response="一段落目です。\n\n二段落目です。\n\n三段落目です。", passed=True, params={"n": 2}),
        E(response="一段落目です。\n \n\u3000\n二段落目です。\n", passed=True, params={"n": 2},
          note="space-only and U+3000-only lines are blank; a final line break adds none"),
        E(response="コード例：\n\n```\na = 1\n\nb = 2\n```", passed=True, params={"n": 1},
          note="the blank line inside the fence is not counted"),
        E(response="\n\n一段落目です。\n二段落目です。\n\n\n", passed=True, params={"n": 0},
          note="leading and trailing blank lines are outside T"),
        E(response="一段落目です。\n\n二段落目です。", passed=False, params={"n": 2}),
        E(response="一段落目です。\n\n\n\n二段落目です。", passed=False, params={"n": 2},
          note="consecutive blank lines count one by one: 3"),
        E(response="一行目です。\n二行目です。", passed=False, params={"n": 1}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ExactCount:
        return cls.Params(n=rng.randint(1, 5))

    def demands(self, prompt: Any = None) -> Demands:
        # P3: P paragraphs need P - 1 blank lines, so P <= n + 1; a counted blank line lies between two
        # non-empty lines outside code, so n >= 1 makes at least 2 paragraphs.
        n = self.params.n
        return Demands(min_paragraphs=2 if n else 0, max_paragraphs=n + 1)

    def count(self, r: Response) -> int:
        return r.blank_lines


# --- sentence length ----------------------------------------------------------------------------------

@register
class MaxCharsPerSentence(Constraint):
    id = "length.max_chars_per_sentence"
    group = Group.LENGTH
    aliases = ("jfbench:length.max_chars_per_sentence",)
    train = True
    VALUES = (30, 40, 50, 60, 80)

    # A new row: the pseudo-alias takes our own param; a bare alias call gets the loosest sampled limit.
    jfbench_kwargs: ClassVar[dict[str, str]] = {"max_chars": "max_chars"}

    class Params(Params):
        max_chars: int = Field(default=80, ge=5, le=1000)

    test_wording = ("どの文も{max_chars}文字以内にしてください。文は「。」「！」「？」または改行で"
                    "区切られたまとまりとし（かっこの中の「。」では区切りません）、文字数は空白を除き、句読点や記号も含めて数えます。")
    train_wordings = (
        "1文の長さは最大{max_chars}文字までとしてください（空白は数えず、「。」などの句読点や記号は数えます）。文の区切りは「。」「！」「？」と改行で、「」や（）の中の「。」は区切りになりません。",
        "長い文は避け、すべての文を{max_chars}文字以下に収めてください。文は「。」「！」「？」か改行で終わるものとし（かっこ内の句点は文末とみなしません）、空白は数えず、句読点などの記号は1文字に数えます。",
        "各文は空白を除いて{max_chars}文字を超えないように書いてください。句読点・記号も文字数に含め、「。」「！」「？」または改行までを1文とします。かぎかっこや丸かっこの中の「。」では文は切れません。",
        "一文一文を短くしてください。目安ではなく上限で、どの文も{max_chars}文字以内（句読点・記号込み、空白抜き）です。文は「。」「！」「？」や改行で区切られますが、かっこ内の「。」は区切りとみなしません。",
        "文の長さ制限：1文あたり{max_chars}文字以内。「。」「！」「？」または改行で区切った各文（かっこ内の「。」では区切らない）について、空白以外の文字（句読点・記号を含む）を数えます。",
    )
    examples = (
        E(response="今日は晴れです。明日は雨でしょう。", passed=True, params={"max_chars": 10},
          note="8 and 9 characters"),
        E(response="東京タワーは1958年に完成した電波塔です。", passed=True, params={"max_chars": 22},
          note="exactly 22 characters including 。"),
        E(response="## まとめ\n短い文だけで書きます。", passed=True, params={"max_chars": 11},
          note="the heading is its own sentence; ## is markup, not text"),
        E(response="東京タワーは1958年に完成した電波塔です。", passed=False, params={"max_chars": 21},
          note="the terminator counts: 22 characters"),
        E(response="短い文です。これは制限の文字数を明らかに超えてしまう長い文になっています。", passed=False,
          params={"max_chars": 30}, note="the second sentence has 31 characters"),
        E(response="彼は「今日は行けません。明日なら大丈夫です。」と言いました。", passed=False,
          params={"max_chars": 20}, note="「。」 inside brackets does not split: 30 characters"),
        E(response="！？", passed=False, params={"max_chars": 30}, note="needs at least one sentence"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(max_chars=rng.choice(cls.VALUES))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(max_chars_per_sentence=self.params.max_chars)

    def _too_long(self, r: Response) -> str | None:
        """The first sentence over the limit, described, or None."""
        limit = self.params.max_chars
        for i, s in enumerate(r.sentences, start=1):
            n = char_count(s.text)
            if n > limit:
                return f"sentence {i} has {n} characters (max {limit}): {s.text[:40]!r}"
        return None

    def forced_text_problem(self, text: str) -> str | None:
        return self._too_long(forced_view(text))

    def check(self, r: Response) -> Verdict:
        if not r.sentences:
            return self.fail("contains no sentence")
        problem = self._too_long(r)
        if problem:
            return self.fail(problem)
        longest = max(char_count(s.text) for s in r.sentences)
        return self.ok(f"all {len(r.sentences)} sentences have at most {self.params.max_chars} characters "
                       f"(longest {longest})")
