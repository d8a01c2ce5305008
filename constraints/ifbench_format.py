"""ifbench_format (9): layout puzzles from IFBench, rethought for Japanese (CATALOG.md, "ifbench_format").

Every check is one linear pass over T (or R for indentation), the §S sentences or the §W words; the
bracket and quote scanners walk a single regex over the bracket characters with an explicit stack.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import lru_cache
from typing import Any, ClassVar

import emoji
import regex
from pydantic import Field

from jfbench import ja
from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import CLOSERS, Response, char_count, graphemes

E = Example


def _show(text: str, limit: int = 30) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _line_of(text: str, pos: int) -> int:
    """1-based line number of an offset."""
    return text.count("\n", 0, pos) + 1


def _raw_lines(r: Response) -> list[str]:
    """R's lines without leading blank lines and trailing whitespace: T's lines, but the first line keeps its
    indentation (T's strip would remove it). Line numbers match T's."""
    def compute() -> list[str]:
        lines = r.raw.rstrip().split("\n")
        k = 0
        while k < len(lines) and not lines[k].strip():
            k += 1
        return lines[k:]
    return r.memo(("ifbench_format", "raw-lines"), compute)


def words_per_line(r: Response) -> Counter[int]:
    """The number of §W words on each line of T (by index; Token.line indexes the §MD lines)."""
    def compute() -> Counter[int]:
        sources = r.md_view.sources
        return Counter(sources[w.line] for w in r.words)
    return r.memo(("ifbench_format", "words-per-line"), compute)


# --- ifbench_format.emoji_sentence_end --------------------------------------------------------------

_TAIL_IGNORED = frozenset(CLOSERS) | frozenset("\"'’")
_TERMINATORS = frozenset("。！？!?.")
_HAS_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


def _strip_tail(text: str) -> str:
    """The text without trailing whitespace and closing brackets or quotes."""
    i = len(text)
    while i and (text[i - 1].isspace() or text[i - 1] in _TAIL_IGNORED):
        i -= 1
    return text[:i]


# emoji.is_emoji(g) is membership in EMOJI_DATA, so a cluster can only be an emoji if its first and last code
# points open and close some entry: a cheap exact pre-filter before grapheme segmentation.
_EMOJI_FIRST = frozenset(e[0] for e in emoji.EMOJI_DATA)
_EMOJI_LAST = frozenset(e[-1] for e in emoji.EMOJI_DATA)


@lru_cache(maxsize=4096)
def _last_is_emoji(text: str) -> bool:
    if not text or text[-1] not in _EMOJI_LAST:
        return False
    clusters = graphemes(text[-32:])  # the longest emoji sequences (ZWJ families, tag flags) are ~10 code points
    return emoji.is_emoji(clusters[-1])


def _ends_with_emoji(text: str) -> bool:
    """§C: the last grapheme, or the last one before the terminator run, ignoring whitespace and closers."""
    tail = _strip_tail(text[-64:])
    if _last_is_emoji(tail[-32:]):
        return True
    j = len(tail)
    while j and tail[j - 1] in _TERMINATORS:
        j -= 1
    return j < len(tail) and _last_is_emoji(_strip_tail(tail[:j])[-32:])


@lru_cache(maxsize=4096)
def _leading_emoji(text: str) -> int:
    """Length (code points) of the run of emoji graphemes that opens the text."""
    if not text or text[0] not in _EMOJI_FIRST:
        return 0
    n = 0
    for g in graphemes(text):
        if not emoji.is_emoji(g):
            break
        n += len(g)
    return n


def emoji_units(r: Response) -> list[tuple[str, str]]:
    """(sentence text, text its ending is read from) for the §S sentences. §S already gives a sentence the
    pictographs that directly follow its terminator run; flags and keycaps are not pictographs, so the emoji
    that directly follow a sentence on its line are read as its ending too, and a sentence made only of such
    emoji (a keycap: 1️⃣ holds a digit) is not a sentence of its own."""
    units: list[tuple[str, str]] = []
    previous: tuple[int, int] | None = None  # (line, end) of the last unit's sentence
    for s in r.sentences:
        if previous == (s.line, s.start):
            lead = _leading_emoji(s.text[:64])
            if lead and not _HAS_LETTER_OR_DIGIT.search(s.text[lead:]):
                previous = (s.line, s.end)
                continue
        after = r.md_lines[s.line][s.end:s.end + 64]
        units.append((s.text, s.text + after[:_leading_emoji(after)]))
        previous = (s.line, s.end)
    return units


@register
class EmojiSentenceEnd(Constraint):
    id = "ifbench_format.emoji_sentence_end"
    group = Group.IFBENCH_FORMAT
    aliases = ("EmojiFormatIfbenchConstraint",)
    conflicts = ("format.sentence_delimiter", "processing.suffix")  # X6, X8
    test_wording = (
        "2文以上で書き、すべての文の終わりに絵文字（😊、☀️、⭐、👨‍👩‍👧、🇯🇵、1️⃣など）を置いてください。"
        "絵文字は文末の「。」「！」「？」の直前か、空白を入れずに直後に置きます（閉じかっこの内側でも構いません）。"
        "文は「。」「！」「？」のほか改行でも区切られるので、見出しや箇条書きの項目も含め、かな・漢字・英数字を含む行は"
        "どれも絵文字で終えてください。"
    )
    examples = (
        E(response="今日は晴れています☀️。散歩に出かけるのが楽しみです😊！", passed=True),
        E(response="今日は晴れています。☀️散歩に出かけるのが楽しみです！😊", passed=True,
          note="anchor defect: an emoji right after 。 belongs to the sentence it ends"),
        E(response="夜空を見上げました⭐\n星がとてもきれいでした🌟", passed=True, note="line ends are sentence ends"),
        E(response="日本代表が勝ちました。🇯🇵次の試合も応援します👍🏽", passed=True,
          note="a flag right after 。 ends the sentence, though §S starts the next sentence with it"),
        E(response="今日の目標は三つです1️⃣。家族で出かけます👨‍👩‍👧。", passed=True,
          note="keycaps and ZWJ sequences are emoji"),
        E(response="優勝しました。🇯🇵\n次は三連覇です！1️⃣", passed=True,
          note="a flag after 。 at the line end and a keycap after ！ end their sentences"),
        E(response="優勝しました。1️⃣2️⃣3️⃣次も勝ちます。🎉", passed=True, note="keycaps directly after 。 end the sentence"),
        E(response="母は「おいしいね😋」。僕もそう思った😄", passed=True, note="a closing bracket after the emoji is ignored"),
        E(response="今日は晴れています☀", passed=False, note="§EX: one sentence, needs at least 2"),
        E(response="今日は晴れています☀️。散歩に出かけるのが楽しみです。", passed=False,
          note="the second sentence has no emoji"),
        E(response="😊今日は晴れています。😊散歩に出かけます。", passed=False,
          note="the emoji opens the sentences: the last one ends with 。 alone"),
        E(response="今日は晴れです。 ☀️明日は雨です。☔", passed=False,
          note="a space separates ☀️ from 。, so the first sentence ends without an emoji"),
        E(response="## 週末の予定\n山に登ります⛰️。温泉に入ります♨️。", passed=False,
          note="the heading line is a sentence without an emoji"),
        E(response="楽しい一日でした♪。また行きたいです☆。", passed=False, note="♪ and ☆ are symbols, not emoji"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=2)  # P2

    def check(self, r: Response) -> Verdict:
        units = emoji_units(r)
        if len(units) < 2:
            return self.fail(f"{len(units)} sentence(s), needs at least 2, each ending with an emoji")
        for k, (text, ending) in enumerate(units, 1):
            if not _ends_with_emoji(ending):
                return self.fail(f"sentence {k} ({_show(text)}) does not end with an emoji")
        return self.ok(f"all {len(units)} sentences end with an emoji")


# --- ifbench_format.staircase_indent ------------------------------------------------------------------

@register
class StaircaseIndent(Constraint):
    id = "ifbench_format.staircase_indent"
    group = Group.IFBENCH_FORMAT
    aliases = ("LineIndentFormatIfbenchConstraint",)
    conflicts = ("character.full_width",)  # X2 (declared there too)

    class Params(ParamsBase):
        min_lines: int = Field(default=2, ge=2, le=40)  # 2 (alias calls): the smallest staircase

    test_wording = (
        "空行以外の行を{min_lines}行以上書き、行頭の字下げを階段状にしてください。字下げには半角スペースだけを使い、"
        "2行目以降のどの行も、行頭の半角スペースの数を直前の行より1つ以上多くします（最初の行は字下げなしでも"
        "構いません）。空行は飛ばして数えます。タブや全角スペースで字下げした行があってはいけません。"
    )
    examples = (
        E(response="春が来た\n  花が咲く\n    鳥が歌う\n      風が吹く", passed=True, params={"min_lines": 4}),
        E(response="手順です。\n 材料を切る。\n\n   炒める。\n       盛り付ける。", passed=True, params={"min_lines": 3},
          note="blank lines are skipped; steps of any size"),
        E(response="  最初の行\n    次の行", passed=True, params={},
          note="the first line's indent is read from R; alias default: 2 lines"),
        E(response="春が来た", passed=False, params={}, note="anchor defect: a single line passed"),
        E(response="春が来た\n  花が咲く\n  鳥が歌う", passed=False, params={"min_lines": 3},
          note="equal indents are not a step"),
        E(response="春が来た\n\t花が咲く\n\t\t鳥が歌う", passed=False, params={"min_lines": 3},
          note="anchor defect: tab indents were ignored"),
        E(response="春が来た\n\u3000花が咲く\n\u3000\u3000鳥が歌う", passed=False, params={"min_lines": 3},
          note="U+3000 in the indent"),
        E(response="    春が来た\n  花が咲く\n    鳥が歌う\n      風が吹く", passed=False, params={"min_lines": 3},
          note="R's first line is indented 4, the second only 2"),
        E(response="春が来た\n  花が咲く\n    鳥が歌う", passed=False, params={"min_lines": 4},
          note="3 lines, needs at least 4"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_lines=rng.randint(3, 6))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_lines=self.params.min_lines)  # P3

    def check(self, r: Response) -> Verdict:
        previous: int | None = None
        count = 0
        for i, line in enumerate(_raw_lines(r), 1):
            body = line.lstrip()
            if not body:
                continue
            indent = line[:len(line) - len(body)]
            if indent.strip(" "):
                bad = next(c for c in indent if c != " ")
                name = {"\t": "a tab", "\u3000": "U+3000"}.get(bad, f"U+{ord(bad):04X}")
                return self.fail(f"line {i} indents with {name}; only ASCII spaces are allowed")
            if previous is not None and len(indent) <= previous:
                return self.fail(f"line {i} is indented {len(indent)} spaces, not more than the previous "
                                 f"line's {previous}")
            previous = len(indent)
            count += 1
        if count < self.params.min_lines:
            return self.fail(f"{count} non-empty lines, needs at least {self.params.min_lines}")
        return self.ok(f"{count} lines, each indented more than the one before")


# --- ifbench_format.one_word_per_line -----------------------------------------------------------------

_X10_STYLE = tuple(f"style.{s}" for s in (
    "english", "british_english", "american_english", "polite", "past_tense", "present_tense", "formal_tone",
    "casual_tone", "business_tone", "academic_tone", "no_typo", "angry_emotion", "difficult_vocabulary",
    "easy_vocabulary", "first_person_singular", "first_person_plural", "happy_emotion", "impersonal",
    "joyful_emotion", "no_japanese", "plain", "sad_emotion", "taigendome", "no_stage_directions"))


@register
class OneWordPerLine(Constraint):
    id = "ifbench_format.one_word_per_line"
    group = Group.IFBENCH_FORMAT
    aliases = ("NewlineFormatIfbenchConstraint",)
    # X10: every id that forces a line of >= 2 words (all style.* but japanese and no_english).
    conflicts = (
        "format.*", "length.sections", "structure.*", "meta_output.greeting", "meta_output.self_attestation",
        "meta_output.explanation_at_end", "processing.*", "ifbench_format.output_template", "ifbench_sentence.*",
        "ifbench_ratio.equal_sentence_words", "ifbench_words.sentence_chain", "ifbench_words.keyword_at_position",
        *_X10_STYLE,
    )

    class Params(ParamsBase):
        min_lines: int = Field(default=1, ge=1, le=200)  # 1 (alias calls): JFBench set no minimum

    test_wording = (
        "1行に1語ずつ書き、語と語の間はすべて改行で区切ってください。空行以外の行を{min_lines}行以上とし、"
        "空行以外のどの行にも語がちょうど1つだけ入るようにします。語は形態素解析（UniDic）の短い単位で数えるので、"
        "助詞や助動詞もそれぞれ1語として独立した行にします（「食べました」は「食べ」「まし」「た」の3行）。"
        "句読点・記号・絵文字は語に数えないため、語と同じ行に置いて構いませんが、それだけの行は作れません。"
    )
    examples = (
        E(response="私\nは\nりんご\nが\n好き\nです。", passed=True, params={"min_lines": 5}),
        E(response="昨日\n公園\nで\n食べ\nまし\nた！", passed=True, params={"min_lines": 6},
          note="食べました split into its 3 short units; punctuation shares a line"),
        E(response="春\n\n夏\n\n秋\n\n冬🍂", passed=True, params={"min_lines": 4},
          note="blank lines are fine; an emoji shares a line"),
        E(response="- 東京\n- 大阪\n- 1,000", passed=True, params={"min_lines": 3},
          note="bullet markers are markup, 1,000 is one word"),
        E(response="はい", passed=True, params={}, note="alias call default: at least 1 line"),
        E(response="私\nは\nりんご\nが\n好きです。", passed=False, params={"min_lines": 5},
          note="好きです is 2 words (好き + です)"),
        E(response="昨日\n公園\nで\n食べました", passed=False, params={"min_lines": 4},
          note="食べました is 3 words"),
        E(response="私\nは\n猫\nです", passed=False, params={"min_lines": 5}, note="4 lines, needs at least 5"),
        E(response="私\nは\n😺\n猫\nです", passed=False, params={"min_lines": 4}, note="a line with no word"),
        E(response="私\nは\n```\n猫\n```", passed=False, params={"min_lines": 3},
          note="fence lines hold no word"),
        E(response="| 私 | は |\n|---|---|\n| 猫 | です |", passed=False, params={"min_lines": 3},
          note="a table row holds 2 words; the delimiter row none"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"tokenizer": "tokenizer"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        out = dict(params)
        out.pop("tokenizer", None)  # JFBench's optional tokenizer object: words are always §W here
        return out

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_lines=rng.randint(5, 15))

    def demands(self, prompt: Any = None) -> Demands:
        n = self.params.min_lines  # P3: the lines; P8: a word each
        return Demands(forced_lines=n, min_words=n)

    def check(self, r: Response) -> Verdict:
        nonempty = [i for i, line in enumerate(r.lines) if line.strip()]
        if len(nonempty) < self.params.min_lines:
            return self.fail(f"{len(nonempty)} non-empty lines, needs at least {self.params.min_lines}")
        counts = words_per_line(r)
        for i in nonempty:
            n = counts.get(i, 0)
            if n != 1:
                return self.fail(f"line {i + 1} ({_show(r.lines[i])}) holds {n} words, needs exactly 1")
        return self.ok(f"{len(nonempty)} lines of one word each")


# --- ifbench_format.output_template -------------------------------------------------------------------

TEMPLATE_LABELS = ("私の回答", "私の結論", "今後の展望")


@register
class OutputTemplate(Constraint):
    id = "ifbench_format.output_template"
    group = Group.IFBENCH_FORMAT
    aliases = ("OutputTemplateFormatIfbenchConstraint",)
    conflicts = ("processing.prefix", "meta_output.greeting", "ifbench_format.one_word_per_line")  # X7, X10
    test_wording = (
        "回答は「私の回答」「私の結論」「今後の展望」の3つの見出しを使い、この順に1回ずつ書いてください。"
        "各見出しは行頭に置いて直後にコロン（「：」または「:」）を続け、そのあと次の見出しまで（最後は回答の終わりまで）"
        "に本文を少なくとも1語書きます。回答は「私の回答」で書き始め、その前に前置きを書かないでください。"
        "見出しの語句（「私の回答」など）を見出し以外の場所で使うこともできません。"
    )
    examples = (
        E(response="私の回答：在宅勤務は続けるべきです。\n私の結論：通勤時間が減り、生産性が上がります。\n"
                   "今後の展望：出社と在宅を組み合わせる形が広がるでしょう。", passed=True),
        E(response="私の回答:\n賛成です。\n\n私の結論:\n費用より効果が大きいからです。\n\n今後の展望:\n"
                   "数年で定着すると考えます。", passed=True, note="ASCII colons, body on the following lines"),
        E(response="ご質問にお答えします。\n私の回答：賛成です。\n私の結論：効果が大きいです。\n今後の展望：定着します。",
          passed=False, note="anchor defect: text before the first label"),
        E(response="私の回答：賛成です。\n今後の展望：定着します。\n私の結論：効果が大きいです。", passed=False,
          note="labels out of order"),
        E(response="私の回答：賛成です。\n私の結論：\n今後の展望：定着します。", passed=False,
          note="the conclusion is empty"),
        E(response="私の回答：賛成です。\n私の結論：これが私の回答の理由です。\n今後の展望：定着します。", passed=False,
          note="a label is repeated in the body"),
        E(response="私の回答：賛成です。私の結論：効果が大きいです。\n今後の展望：定着します。", passed=False,
          note="the second label is not at the start of a line"),
        E(response="私の回答　賛成です。\n私の結論　効果が大きいです。\n今後の展望　定着します。", passed=False,
          note="no colon after the labels"),
        E(response="私の回答：賛成です。\n私の結論：効果が大きいです。\n今後の展望：！？", passed=False,
          note="punctuation only: no word"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        # P7: the labels are literal text; each opens its own line.
        return Demands(forced_texts=TEMPLATE_LABELS, forced_lines=len(TEMPLATE_LABELS))

    def check(self, r: Response) -> Verdict:
        t = r.text
        if not t.startswith(TEMPLATE_LABELS[0]):
            return self.fail(f"the answer starts with {_show(t[:12])}, not the label {TEMPLATE_LABELS[0]}")
        positions = []
        for label in TEMPLATE_LABELS:
            n = t.count(label)
            if n != 1:
                return self.fail(f"{label} appears {n} times, needs exactly once")
            p = t.find(label)
            if p > 0 and t[p - 1] != "\n":
                return self.fail(f"{label} on line {_line_of(t, p)} is not at the start of the line")
            if t[p + len(label):p + len(label) + 1] not in (":", "："):
                return self.fail(f"{label} is not followed by ':' or '：'")
            positions.append(p)
        if positions != sorted(positions):
            return self.fail("the labels are not in the order " + " → ".join(TEMPLATE_LABELS))
        origins = r.md_view.sources
        label_lines = [t.count("\n", 0, p) for p in positions]
        first_md = {}
        for j, origin in enumerate(origins):
            first_md.setdefault(origin, j)
        counts = [0, 0, 0]
        for w in r.words:
            line = origins[w.line]
            k = sum(1 for ll in label_lines if ll <= line) - 1
            if k < 0:
                continue
            if line == label_lines[k] and w.line == first_md.get(line) and w.start <= len(TEMPLATE_LABELS[k]):
                continue  # the label's own words
            counts[k] += 1
        for label, n in zip(TEMPLATE_LABELS, counts, strict=True):
            if n == 0:
                return self.fail(f"the section {label} has no word after its colon")
        return self.ok("the three labels appear once each, in order, with content")


# --- ifbench_format.nested_brackets -------------------------------------------------------------------

_BRACKET = regex.compile(r"[()\[\]{}（）［］｛｝]")
_BRACKET_KIND = {"(": "round", "（": "round", ")": "round", "）": "round", "[": "square", "［": "square",
                 "]": "square", "］": "square", "{": "curly", "｛": "curly", "}": "curly", "｝": "curly"}
_OPEN_BRACKETS = frozenset("([{（［｛")


@register
class NestedBrackets(Constraint):
    id = "ifbench_format.nested_brackets"
    group = Group.IFBENCH_FORMAT
    aliases = ("ParenthesesFormatIfbenchConstraint",)

    class Params(ParamsBase):
        min_depth: int = Field(default=5, ge=1, le=20)  # 5 (alias calls): JFBench's fixed depth

    test_wording = (
        "かっこを入れ子にして、最も深いところで{min_depth}重以上になる箇所を作ってください（例：（a［b｛c｝］）は3重）。"
        "対象のかっこは半角の()[]{{}}と全角の（）［］｛｝で、半角と全角は同じ種類として扱います。回答中のこれらのかっこは"
        "すべて開きと閉じを対応させ、閉じかっこは直前に開いた同じ種類のかっこを閉じるようにしてください。"
        "「1)」のような片側だけのかっこも使えません。"
    )
    examples = (
        E(response="この式は（a＋［b×｛c−(d÷e)｝］）と書けます。", passed=True, params={"min_depth": 4}),
        E(response="注意（東京（港区［芝公園］）の場合）を参照してください。", passed=True, params={"min_depth": 3},
          note="anchor defect: full-width brackets count"),
        E(response="f(g[h{x}]) と書く（ただし（仮）です）。", passed=True, params={"min_depth": 3},
          note="ASCII and full-width forms of one kind match"),
        E(response="(((((深い)))))", passed=True, params={}, note="alias call default: depth 5"),
        E(response="（a［b｛c｝］）です。", passed=False, params={"min_depth": 4}, note="depth 3, needs 4"),
        E(response="（a［b｛c］｝）です。", passed=False, params={"min_depth": 3}, note="crossed brackets"),
        E(response="（a［b｛c｝］です。", passed=False, params={"min_depth": 3}, note="the outer （ is never closed"),
        E(response="手順は1)準備、2)実行です。（a［b｛c｝］）", passed=False, params={"min_depth": 3},
          note="a one-sided 1) closes nothing"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_depth=rng.randint(3, 5))

    def check(self, r: Response) -> Verdict:
        t = r.text
        stack: list[tuple[str, int]] = []
        depth = 0
        for m in _BRACKET.finditer(t):
            ch = m.group()
            kind = _BRACKET_KIND[ch]
            if ch in _OPEN_BRACKETS:
                stack.append((ch, m.start()))
                depth = max(depth, len(stack))
            elif not stack:
                return self.fail(f"{ch} on line {_line_of(t, m.start())} closes no open bracket")
            elif _BRACKET_KIND[stack[-1][0]] != kind:
                return self.fail(f"{ch} on line {_line_of(t, m.start())} closes {stack[-1][0]} "
                                 f"(opened on line {_line_of(t, stack[-1][1])})")
            else:
                stack.pop()
        if stack:
            ch, pos = stack[-1]
            return self.fail(f"{ch} opened on line {_line_of(t, pos)} is never closed ({len(stack)} unclosed)")
        if depth < self.params.min_depth:
            return self.fail(f"brackets nest {depth} deep, needs at least {self.params.min_depth}")
        return self.ok(f"balanced brackets nesting {depth} deep")


# --- ifbench_format.quote_then_explain ----------------------------------------------------------------

_QUOTE_EVENT = regex.compile(r"[「」『』\"]")
_QUOTE_CLOSE = {"」": "「", "』": "『"}
MIN_EXPLANATION = 5


def _paragraph_spans(r: Response) -> list[tuple[int, str]]:
    """(index of the first line, text) of each §P paragraph of T."""
    out: list[tuple[int, str]] = []
    start: int | None = None
    for i, (line, fenced) in enumerate(zip(r.lines, r.fenced, strict=True)):
        if not fenced and ja.is_blank(line):
            if start is not None:
                out.append((start, "\n".join(r.lines[start:i])))
            start = None
        elif start is None:
            start = i
    if start is not None:
        out.append((start, "\n".join(r.lines[start:])))
    return out


@register
class QuoteThenExplain(Constraint):
    id = "ifbench_format.quote_then_explain"
    group = Group.IFBENCH_FORMAT
    aliases = ("QuoteUnquoteFormatIfbenchConstraint",)

    class Params(ParamsBase):
        min_quotes: int = Field(default=1, ge=1, le=20)  # 1 (alias calls): JFBench wanted one quoted phrase

    test_wording = (
        "「」、『』または半角の\"\"で囲んだ引用を{min_quotes}個以上使ってください（引用の中の引用は数えません）。"
        "どの引用も、閉じたあと次の引用が始まるまで（次の引用がなければ段落の終わりまで）に、引用符の外で、空白を除いて"
        "5文字以上の説明を書きます。引用で段落を終えたり、説明をはさまずに引用を続けたりしないでください。"
        "引用は開いた段落の中で閉じてください（段落は空行で区切ります）。"
    )
    examples = (
        E(response="「急がば回れ」ということわざは、遠回りでも確実な方法が結局は早いという意味です。", passed=True,
          params={"min_quotes": 1}),
        E(response="「石の上にも三年」は、辛抱すれば報われるという教えです。\n\n祖母の口癖は「『急がば回れ』だよ」で、"
                   "慎重さを大切にする人でした。「笑う門には福来る」も好きな言葉で、いつも笑顔でした。", passed=True,
          params={"min_quotes": 3}, note="a quote inside a quote is part of its outer span"),
        E(response="『論語』には「学びて時に之を習う」とあり、学んだことを繰り返す大切さを説いています。", passed=False,
          params={"min_quotes": 1}, note="only 2 characters (には) between the first quote and the next"),
        E(response='彼は"Stay hungry"と語り、挑戦を続ける姿勢を示しました。', passed=True, params={"min_quotes": 1}),
        E(response="「急がば回れ」という言葉があります。", passed=False, params={"min_quotes": 2},
          note="anchor defect: one span was enough"),
        E(response="有名な言葉に「急がば回れ」", passed=False, params={"min_quotes": 1},
          note="the paragraph ends right after the quote"),
        E(response="「急がば回れ」「善は急げ」は、正反対の教えに聞こえます。", passed=False, params={"min_quotes": 2},
          note="the first quote is followed directly by the next"),
        E(response="「急がば回れ」とは。「善は急げ」とは何でしょうか。", passed=False, params={"min_quotes": 2},
          note="only 3 characters (とは。) after the first quote"),
        E(response="「急がば回れ\n\nという言葉は有名です。", passed=False, params={"min_quotes": 1},
          note="the quote is not closed in its paragraph"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_quotes=rng.randint(1, 3))

    def check(self, r: Response) -> Verdict:
        spans = 0
        for first_line, text in _paragraph_spans(r):
            stack: list[str] = []
            closed: int | None = None  # where the last top-level span closed
            for m in _QUOTE_EVENT.finditer(text):
                ch = m.group()
                if not stack:
                    if ch in _QUOTE_CLOSE:
                        continue  # a stray closer outside quotes is ordinary text
                    if closed is not None and char_count(text[closed:m.start()]) < MIN_EXPLANATION:
                        return self._short(first_line, text, closed, m.start())
                    stack.append(ch)
                    continue
                if ch == '"':
                    if stack[-1] == '"':
                        stack.pop()
                    else:
                        stack.append(ch)
                elif ch in _QUOTE_CLOSE:
                    if stack[-1] == _QUOTE_CLOSE[ch]:
                        stack.pop()
                else:
                    stack.append(ch)
                if not stack:
                    spans += 1
                    closed = m.end()
            if stack:
                return self.fail(f"a quote opened in the paragraph starting on line {first_line + 1} is not "
                                 "closed before the paragraph ends")
            if closed is not None and char_count(text[closed:]) < MIN_EXPLANATION:
                return self._short(first_line, text, closed, len(text))
        if spans < self.params.min_quotes:
            return self.fail(f"{spans} quoted span(s), needs at least {self.params.min_quotes}")
        return self.ok(f"{spans} quoted spans, each followed by an explanation")

    def _short(self, first_line: int, text: str, start: int, end: int) -> Verdict:
        n = char_count(text[start:end])
        line = first_line + text.count("\n", 0, start) + 1
        return self.fail(f"the quote closing on line {line} is followed by only {n} non-space characters "
                         f"({_show(text[start:end])}) before the next quote or the paragraph end; needs "
                         f"{MIN_EXPLANATION}")


# --- ifbench_format.nested_quotes ---------------------------------------------------------------------

_NQ_EVENT = regex.compile(r"[「」『』\"']")
_LATIN = regex.compile(r"[A-Za-z]")


@register
class NestedQuotes(Constraint):
    id = "ifbench_format.nested_quotes"
    group = Group.IFBENCH_FORMAT
    aliases = ("QuotesFormatIfbenchConstraint",)

    class Params(ParamsBase):
        min_depth: int = Field(default=3, ge=2, le=8)  # 3 (alias calls): JFBench's fixed depth

    test_wording = (
        "引用の中に引用を重ね、最も深いところで{min_depth}重以上の入れ子にしてください。すぐ内側の引用には外側と"
        "違う種類の引用符を使います。鉤括弧なら「」の中に『』、その中に「」と交互に、半角の引用符なら\"の中に'、"
        "その中に\"と交互にします（「」の直下に「」、『』の直下に『』は不可）。回答中の「」『』\"'はすべて開きと"
        "閉じを対応させてください（don'tのように英字にはさまれたアポストロフィは引用符に数えません）。"
    )
    examples = (
        E(response="先生は「彼が『母は「早く寝なさい」と言った』と話していた」と教えてくれた。", passed=True,
          params={"min_depth": 3}),
        E(response="祖父は「『吾輩は猫である』を読みなさい」と言った。", passed=True, params={"min_depth": 2},
          note="anchor defect: Japanese corner brackets count"),
        E(response="He said, \"She told me 'the sign read \"closed\"' yesterday.\"", passed=True,
          params={"min_depth": 3}),
        E(response="「Don't worry」と彼は『大丈夫』の意味で言った。「母は『まあ』と驚いた」。", passed=True,
          params={"min_depth": 2}, note="the apostrophe in Don't is not a quote"),
        E(response="先生は「彼が『早く寝なさい』と話した」と言った。", passed=False, params={"min_depth": 3},
          note="depth 2, needs 3"),
        E(response="先生は「彼が「早く寝なさい」と話した」と言った。", passed=False, params={"min_depth": 2},
          note="「 directly inside 「 does not alternate"),
        E(response="先生は「彼が『母は「早く寝なさい」と言った」と話していた』と教えた。", passed=False,
          params={"min_depth": 3}, note="crossed quotes"),
        E(response="先生は「彼が『母は「早く寝なさい」と言った』と話していた。", passed=False,
          params={"min_depth": 3}, note="the outer 「 is never closed"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_depth=rng.randint(2, 3))

    def check(self, r: Response) -> Verdict:
        t = r.text
        stack: list[tuple[str, int]] = []
        depth = 0
        for m in _NQ_EVENT.finditer(t):
            ch, i = m.group(), m.start()
            if ch == "'" and 0 < i < len(t) - 1 and _LATIN.match(t[i - 1]) and _LATIN.match(t[i + 1]):
                continue  # an apostrophe: don't, it's
            if ch in _QUOTE_CLOSE:
                if not stack or stack[-1][0] != _QUOTE_CLOSE[ch]:
                    opened = f"the open {stack[-1][0]}" if stack else "no open quote"
                    return self.fail(f"{ch} on line {_line_of(t, i)} does not close {opened}")
                stack.pop()
                continue
            if ch in "\"'" and stack and stack[-1][0] == ch:
                stack.pop()
                continue
            if stack and stack[-1][0] == ch:  # 「 directly inside 「 (ASCII quotes close instead)
                return self.fail(f"{ch} on line {_line_of(t, i)} opens directly inside the same kind of quote")
            stack.append((ch, i))
            depth = max(depth, len(stack))
        if stack:
            ch, i = stack[-1]
            return self.fail(f"{ch} opened on line {_line_of(t, i)} is never closed")
        if depth < self.params.min_depth:
            return self.fail(f"quotes nest {depth} deep, needs at least {self.params.min_depth}")
        return self.ok(f"balanced alternating quotes nesting {depth} deep")


# --- ifbench_format.sub_bullets -----------------------------------------------------------------------

_TOP_BULLET = regex.compile(r"\* [ \t]*\S")
_SUB_BULLET = regex.compile(r" {2,4}- [ \t]*\S")


@register
class SubBullets(Constraint):
    id = "ifbench_format.sub_bullets"
    group = Group.IFBENCH_FORMAT
    aliases = ("SubBulletsFormatIfbenchConstraint",)
    conflicts = ("character.full_width",)  # X2; P9 (format.bullet_points "- "/"* ") is declared there

    class Params(ParamsBase):
        min_bullets: int = Field(default=1, ge=1, le=20)  # 1 (alias calls): JFBench wanted one "*" item

    test_wording = (
        "字下げしない行頭に半角の「* 」（アスタリスクと半角スペース）を置いた項目を{min_bullets}個以上書き、"
        "各項目のすぐ下（次の「* 」項目の前）に、半角スペース2〜4個で字下げした「- 」（ハイフンと半角スペース）の"
        "下位項目を1つ以上付けてください。記号のあとには必ず内容を書きます。最初の「* 」項目より後には、「* 」の行と"
        "字下げした「- 」の行以外の行を書かないでください（空行は構いません）。導入の文は最初の項目より前にだけ書けます。"
    )
    examples = (
        E(response="春の旅行先の候補です。\n* 京都\n  - 桜の名所が多い\n  - 寺社巡りができる\n* 北海道\n    - 食べ物がおいしい",
          passed=True, params={"min_bullets": 2}, note="an intro before the first item is allowed"),
        E(response="* 朝\n  - 散歩する\n\n* 昼\n  - 読書する\n\n* 夜\n  - 早く寝る", passed=True,
          params={"min_bullets": 3}, note="blank lines are fine"),
        E(response="* 要点\n  - 一つ目の補足", passed=True, params={}, note="alias call default: one item"),
        E(response="* 京都\n- 桜の名所が多い\n* 北海道\n- 食べ物がおいしい", passed=False, params={"min_bullets": 2},
          note="anchor defect: unindented sub-bullets passed"),
        E(response="* 京都\n  - 桜の名所が多い\n* 北海道", passed=False, params={"min_bullets": 2},
          note="the last item has no sub-item"),
        E(response="* 京都\n  - 桜の名所が多い\n* 北海道\n  - 食べ物がおいしい\nどちらも魅力的です。", passed=False,
          params={"min_bullets": 2}, note="free text after the list"),
        E(response="* 京都\n  - 桜の名所が多い", passed=False, params={"min_bullets": 2}, note="1 item, needs 2"),
        E(response="* 京都\n\t- 桜の名所が多い\n* 北海道\n        - 食べ物がおいしい", passed=False,
          params={"min_bullets": 2}, note="a tab and an 8-space indent are not 2-4 spaces"),
        E(response="  * 京都\n  - 桜の名所が多い", passed=False, params={},
          note="the * item is indented (read from R)"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_bullets=rng.randint(2, 4))

    def demands(self, prompt: Any = None) -> Demands:
        items = 2 * self.params.min_bullets  # each "* " item and its "- " sub-item: list lines (P1, P2/P3)
        return Demands(min_chars=8 * items, forced_lines=items)

    def check(self, r: Response) -> Verdict:
        tops = 0
        open_item: int | None = None  # line of the current "* " item while it has no sub-item yet
        for i, line in enumerate(_raw_lines(r), 1):
            if not line.strip():
                continue
            if _TOP_BULLET.match(line):
                if open_item is not None:
                    return self.fail(f"the '* ' item on line {open_item} has no '- ' sub-item indented 2-4 spaces")
                tops += 1
                open_item = i
            elif tops and _SUB_BULLET.match(line):
                open_item = None
            elif tops:
                return self.fail(f"line {i} ({_show(line)}) after the first '* ' item is neither a '* ' item nor "
                                 "a '- ' sub-item indented 2-4 spaces")
        if not tops:
            return self.fail("no unindented '* ' item")
        if open_item is not None:
            return self.fail(f"the '* ' item on line {open_item} has no '- ' sub-item indented 2-4 spaces")
        if tops < self.params.min_bullets:
            return self.fail(f"{tops} '* ' items, needs at least {self.params.min_bullets}")
        return self.ok(f"{tops} '* ' items, each with indented '- ' sub-items")


# --- ifbench_format.thesis_lines ----------------------------------------------------------------------

_ITALIC = regex.compile(r"<(i|em)>(.*)</\1>", regex.IGNORECASE | regex.DOTALL)
_ITALIC_TAG = regex.compile(r"</?(?:i|em)>", regex.IGNORECASE)


@register
class ThesisLines(Constraint):
    id = "ifbench_format.thesis_lines"
    group = Group.IFBENCH_FORMAT
    aliases = ("ThesisFormatIfbenchConstraint",)
    # X2 (ASCII tags) and X4 (Latin tag names); declared on the character side too.
    conflicts = ("character.full_width", "character.hiragana_only", "character.katakana_only",
                 "character.kanji_only")

    class Params(ParamsBase):
        min_sections: int = Field(default=2, ge=2, le=20)  # 2 (alias calls): one section was the anchor's defect

    test_wording = (
        "回答を空行で区切った{min_sections}個以上の段落に分けてください。どの段落も、1行目はその段落の主張を"
        "<i>…</i>または<em>…</em>で囲んだだけの行（タグの外に文字を書かない）にし、タグの中には1語以上を書きます。"
        "2行目以降には本文を1行以上続けてください。主張の行で始まらない段落（前置きやまとめだけの段落など）は"
        "作らないでください。"
    )
    examples = (
        E(response="<i>朝食は一日の活力源である。</i>\n朝に栄養をとると、午前中の集中力が高まります。\n\n"
                   "<em>手軽な朝食でも効果がある。</em>\nバナナやヨーグルトだけでも十分です。", passed=True,
          params={"min_sections": 2}),
        E(response="<i>運動は心にも効く</i>\n軽い散歩でも気分が晴れます。\n\n<i>続けることが大切</i>\n週3回を目安にしましょう。"
                   "\n\n<i>無理は禁物</i>\n体調が悪い日は休みます。", passed=True, params={"min_sections": 3}),
        E(response="<i>朝食は一日の活力源である。</i>\n朝に栄養をとると、午前中の集中力が高まります。", passed=False,
          params={}, note="anchor defect: one section passed"),
        E(response="朝食について説明します。\n\n<i>朝食は大切。</i>\n集中力が高まります。\n\n<i>手軽でよい。</i>\n"
                   "バナナだけでも十分です。", passed=False, params={"min_sections": 2},
          note="the first paragraph does not start with a thesis line"),
        E(response="<i>朝食は大切。</i>\n集中力が高まります。\n\n<i>手軽でよい。</i>", passed=False,
          params={"min_sections": 2}, note="the second paragraph has no body line"),
        E(response="<i>朝食は大切。</i>だと思います。\n集中力が高まります。\n\n<i>手軽でよい。</i>\nバナナで十分です。",
          passed=False, params={"min_sections": 2}, note="text outside the tag on the thesis line"),
        E(response="<i>朝食は</i>とても<i>大切。</i>\n集中力が高まります。\n\n<i>手軽でよい。</i>\nバナナで十分です。",
          passed=False, params={"min_sections": 2}, note="two italic spans, not one"),
        E(response="<i>…</i>\n集中力が高まります。\n\n<i>手軽でよい。</i>\nバナナで十分です。", passed=False,
          params={"min_sections": 2}, note="no word inside the tags"),
        E(response="*朝食は大切。*\n集中力が高まります。\n\n*手軽でよい。*\nバナナで十分です。", passed=False,
          params={"min_sections": 2}, note="Markdown emphasis is not <i> or <em>"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_sections=rng.randint(2, 4))

    def demands(self, prompt: Any = None) -> Demands:
        n = self.params.min_sections  # P3: a paragraph each, with a thesis line and a body line
        return Demands(min_paragraphs=n, forced_lines=2 * n)

    def check(self, r: Response) -> Verdict:
        paragraphs = _paragraph_spans(r)
        counts = words_per_line(r)
        for k, (first, text) in enumerate(paragraphs, 1):
            lines = text.split("\n")
            head = lines[0].strip()
            m = _ITALIC.fullmatch(head)
            if m is None or _ITALIC_TAG.search(m.group(2)):
                return self.fail(f"paragraph {k} starts with {_show(head)}, not a line that is one <i>…</i> "
                                 "or <em>…</em>")
            if counts.get(first, 0) == 0:
                return self.fail(f"the thesis line of paragraph {k} holds no word")
            if not any(line.strip() for line in lines[1:]):
                return self.fail(f"paragraph {k} has no line after its thesis line")
        if len(paragraphs) < self.params.min_sections:
            return self.fail(f"{len(paragraphs)} paragraph(s), needs at least {self.params.min_sections}")
        return self.ok(f"{len(paragraphs)} paragraphs, each opening with an italic thesis line")
