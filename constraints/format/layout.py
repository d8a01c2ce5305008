"""format: layout conventions (indentation, bullet points, numbered lists, sentence delimiters)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, ClassVar, Literal

import regex
from pydantic import Field

from jfbench.catalog import CatalogError, Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

E = Example

# --- indentation ----------------------------------------------------------------------------------

INDENT_UNITS: dict[str, str] = {"fullwidth_space": "\u3000", "2_spaces": "  ", "4_spaces": "    ", "tab": "\t"}
_UNIT_JA = {
    "fullwidth_space": "全角スペース（　）1文字",
    "2_spaces": "半角スペース2文字",
    "4_spaces": "半角スペース4文字",
    "tab": "タブ文字1文字",
}
_UNIT_EN = {"fullwidth_space": "U+3000", "2_spaces": "2 spaces", "4_spaces": "4 spaces", "tab": "tab"}


def _describe_ws(ws: str) -> str:
    names = {" ": "space", "\t": "tab", "\u3000": "U+3000"}
    return "+".join(names.get(c, f"U+{ord(c):04X}") for c in ws) if len(ws) <= 6 else f"{len(ws)} whitespace chars"


@register
class Indent(Constraint):
    id = "format.indent"
    group = Group.FORMAT
    aliases = ("IndentFormatConstraint",)
    conflicts = ("character.no_whitespace", "ifbench_format.one_word_per_line")

    class Params(ParamsBase):
        unit: Literal["fullwidth_space", "2_spaces", "4_spaces", "tab"]
        min_lines: int = Field(ge=1, le=100)

    test_wording = (
        "少なくとも{min_lines}行を字下げしてください。字下げには{unit_ja}を1単位として使い、どの行も行頭の空白は"
        "この単位のちょうど整数倍（字下げしない行は0個）にしてください。ほかの種類の空白を混ぜたり、"
        "単位に満たない半端な空白を入れたりしてはいけません。"
    )
    examples = (
        E(response="\u3000今日は晴れです。\n\u3000明日は雨が降るでしょう。", passed=True,
          params={"unit": "fullwidth_space", "min_lines": 2}, note="the first line's indent counts"),
        E(response="手順:\n\t材料を切る。\n\t\t細かく刻む。\n\t炒める。", passed=True,
          params={"unit": "tab", "min_lines": 3}),
        E(response="def f():\n    return 1\n\n    # コメント", passed=True, params={"unit": "4_spaces", "min_lines": 2}),
        E(response="一行目です。\n  二行目です。", passed=True, params={"unit": "2_spaces", "min_lines": 1},
          note="alias call default: min_lines 1"),
        E(response="今日は晴れです。\n明日は雨が降るでしょう。", passed=False,
          params={"unit": "4_spaces", "min_lines": 1}, note="anchor defect: no indented line"),
        E(response="\u3000今日は晴れです。\n  明日は雨が降るでしょう。", passed=False,
          params={"unit": "fullwidth_space", "min_lines": 1}, note="line 2 is indented with spaces"),
        E(response="項目:\n    一つ目\n      二つ目", passed=False, params={"unit": "4_spaces", "min_lines": 2},
          note="6 spaces leave a remainder of 2"),
        E(response="\u3000今日は晴れです。\n明日は雨です。\n\u3000以上です。", passed=False,
          params={"unit": "fullwidth_space", "min_lines": 3}, note="only 2 lines are indented"),
        E(response="  \t箇条書き\n  二行目", passed=False, params={"unit": "2_spaces", "min_lines": 1},
          note="a tab mixed into a space indent"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"indent": "unit"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        out = dict(params)
        if "unit" in out:
            literal = out["unit"]
            names = {v: k for k, v in INDENT_UNITS.items()}
            if literal not in names:
                raise CatalogError(f"IndentFormatConstraint: indent {literal!r} is not one of U+3000, 2 spaces, "
                                   "4 spaces or a tab")
            out["unit"] = names[literal]
        out.setdefault("min_lines", 1)
        return out

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(unit=rng.choice(list(INDENT_UNITS)), min_lines=rng.randint(2, 5))

    def display(self) -> dict[str, str]:
        return {"unit_ja": _UNIT_JA[self.params.unit]}

    def param_conflict(self, other: Constraint) -> str | None:
        unit = self.params.unit
        if other.id == "character.full_width" and unit != "fullwidth_space":
            return "full_width forbids ASCII spaces and tabs"
        if other.id == "character.half_width" and unit == "fullwidth_space":
            return "half_width forbids U+3000"
        if other.id in ("ifbench_format.staircase_indent", "ifbench_format.sub_bullets") and unit in (
                "fullwidth_space", "tab"):
            return f"{other.id} indents with ASCII spaces"
        return None

    def check(self, r: Response) -> Verdict:
        # Read from R, not T: trimming T would drop the first line's indentation. Leading blank lines
        # and trailing whitespace are still ignored.
        lines = r.raw.rstrip().split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        unit = INDENT_UNITS[self.params.unit]
        size = len(unit)
        indented = 0
        for i, line in enumerate(lines, 1):
            body = line.lstrip()
            ws = line[:len(line) - len(body)]
            if not ws:
                continue
            if ws != unit * (len(ws) // size) or len(ws) % size:
                return self.fail(f"line {i} starts with {_describe_ws(ws)}, which is not a whole number of "
                                 f"{_UNIT_EN[self.params.unit]} units")
            if body:
                indented += 1
        need = self.params.min_lines
        if indented < need:
            return self.fail(f"{indented} non-empty line(s) indented, needs at least {need}")
        return self.ok(f"{indented} line(s) indented in whole {_UNIT_EN[self.params.unit]} units")


# --- shared helpers -------------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def _has_word(text: str) -> bool:
    """True if `text` holds at least one §W word (read through the same §MD view and tagger as answers).

    Used on pieces of T (a bullet item, the text between two delimiters) whose words cannot be read off
    `Response.words`, because §MD lines do not map one-to-one onto the lines of T. A candidate for ja.py."""
    return bool(Response(text).words)


# Characters that let one §MD line affect another (fences, HTML comments, table rows).
_CROSS_LINE = regex.compile(r"[`~|\n]|<!--")


def _word_flags(pieces: list[str], chunk: int = 512) -> Iterator[bool]:
    """`_has_word` for many one-line pieces, in order, analysed a chunk at a time so callers can stop early.

    Distinct pieces with no cross-line Markdown syntax are analysed as the lines of one text (their §MD lines
    are then independent, one per piece), the others one by one."""
    for offset in range(0, len(pieces), chunk):
        part = [p.strip() for p in pieces[offset:offset + chunk]]
        unique = list(dict.fromkeys(part))
        batch = [p for p in unique if p and not _CROSS_LINE.search(p)]
        flags: dict[str, bool] = dict.fromkeys(batch, False)
        if batch:
            for w in Response("\n".join(batch)).words:
                flags[batch[w.line]] = True
        for p in unique:
            if p not in flags:
                flags[p] = bool(p) and _has_word(p)
        yield from (flags[p] for p in part)


def short_text(text: str, n: int = 30) -> str:
    text = text.strip()
    return repr(text if len(text) <= n else text[:n] + "…")


_INDENT_WIDTH = {" ": 1, "\t": 4, "\u3000": 2}


def _indent_width(line: str) -> int:
    width = 0
    for ch in line:
        w = _INDENT_WIDTH.get(ch)
        if w is None:
            break
        width += w
    return width


def _markdown_list_params(other: Constraint) -> tuple[str | None, int]:
    return getattr(other.params, "kind", None), getattr(other.params, "min_items", 0) or 0


# --- bullet points --------------------------------------------------------------------------------

BULLET_MARKERS: tuple[str, ...] = ("・", "- ", "* ", "• ")
_MARKER_JA = {
    "・": "中黒「・」",
    "- ": "半角ハイフンと半角スペース「- 」",
    "* ": "半角アスタリスクと半角スペース「* 」",
    "• ": "ビュレット記号と半角スペース「• 」",
}
# JFBench's starter_token -> our marker (its tokens carry no space; "- " etc. are accepted as they are).
_STARTER_TOKENS = {"・": "・", "-": "- ", "*": "* ", "•": "• ", **{m: m for m in BULLET_MARKERS}}


@register
class BulletPoints(Constraint):
    id = "format.bullet_points"
    group = Group.FORMAT
    aliases = ("BulletPointsFormatConstraint",)
    train = True
    output_format = True
    conflicts = ("ifbench_format.one_word_per_line",)

    class Params(ParamsBase):
        marker: Literal["・", "- ", "* ", "• "]
        count: int | None = Field(default=None, ge=1, le=100)  # None (alias calls): at least one bullet

    test_wording = (
        "箇条書きの項目を{count_ja}書いてください。各項目の行は、行頭に{marker_ja}を置いてから内容を書きます"
        "（字下げした行も含め、この記号で始まり内容のある行はすべて項目として数えます）。{others_ja}で始まる行は"
        "書かないでください。箇条書きの前後に導入や締めくくりの文を書くのは構いません。"
    )
    train_wordings = (
        "{marker_ja}で始まる箇条書きの行を{count_ja}書いてください（字下げした行も数に入ります）。記号のあとには必ず項目の中身を続け、{others_ja}を行頭に使った行は作らないこと。リストの前置きやまとめの文はあってもかまいません。",
        "回答には、行の先頭を{marker_ja}にした箇条書き項目を、字下げした下位の項目も含めて{count_ja}入れてください。ほかの行頭記号（{others_ja}）は使用禁止です。箇条書き以外の文も書いてよいものとします。",
        "要点を箇条書きにまとめてください。項目数は（入れ子の項目も含めて）{count_ja}で、各項目の行は{marker_ja}から書き始めます。{others_ja}で始まる行があってはいけませんが、前後に説明文を添えるのは自由です。",
        "箇条書きの記号は{marker_ja}に統一し、項目を{count_ja}並べてください。記号だけで中身のない行は項目に数えませんが、字下げした行は数えます。{others_ja}で始まる行は書かないでください。導入文や結びの文は書いてもよいです。",
        "リスト形式で答えてください。{marker_ja}を行頭に置いた項目行が、字下げしたものも含めて{count_ja}必要です。記号を{others_ja}に変えたり混ぜたりしないこと。リスト以外の行（前置き・まとめ）は書いてかまいません。",
    )
    examples = (
        E(response="朝食におすすめの和食は次のとおりです。\n・納豆ご飯\n・味噌汁\n・焼き魚\nどれも手軽に用意できます。",
          passed=True, params={"marker": "・", "count": 3}, note="intro and closing lines are allowed"),
        E(response="旅行の持ち物:\n- 財布\n- スマートフォン\n- 鍵\n- ハンカチ", passed=True,
          params={"marker": "- ", "count": 4}),
        E(response="* **速さ**: 処理が速い\n* **安さ**: 費用が安い\n* **手軽さ**: 導入が簡単", passed=True,
          params={"marker": "* ", "count": 3}, note="bold inside an item is fine"),
        E(response="主な特徴\n• 軽量\n• 防水\n  • 水深10mまで対応\n• 長時間駆動\n• 低価格", passed=True,
          params={"marker": "• ", "count": 5}, note="an indented line with the same marker is a bullet line"),
        E(response="- 一つだけの項目です。", passed=True, params={"marker": "- "},
          note="alias call default: count None = at least one bullet"),
        E(response="朝食には納豆ご飯と味噌汁、焼き魚がおすすめです。どれも手軽に用意できます。", passed=False,
          params={"marker": "・", "count": 3}, note="anchor defect: plain prose passed the negation; no bullet"),
        E(response="旅行の持ち物:\n- 財布\n- スマートフォン\n- 鍵", passed=False,
          params={"marker": "- ", "count": 4}, note="near miss: 3 bullets, needs exactly 4"),
        E(response="・納豆ご飯\n・味噌汁\n・焼き魚\n- 漬物", passed=False, params={"marker": "・", "count": 3},
          note="a line starts with another marker from the set"),
        E(response="- りんご\n- みかん\n- ……", passed=False, params={"marker": "- ", "count": 3},
          note="the third marker is followed by no word (§W), so only 2 bullet lines"),
        E(response="-りんご\n-みかん\n-ぶどう", passed=False, params={"marker": "- ", "count": 3},
          note="the marker is '- ' with a space"),
        E(response="・春\n・夏\n・秋\n・冬\n・梅雨", passed=False, params={"marker": "・", "count": 4},
          note="5 bullets, needs exactly 4"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"starter_token": "marker"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        out = dict(params)
        token = out.get("marker", "-")  # JFBench's default starter_token is "-"
        if token not in _STARTER_TOKENS:
            raise CatalogError(f"BulletPointsFormatConstraint: starter_token {token!r} is not one of the markers "
                               "・, -, *, • (format.bullet_points has no free-form marker)")
        out["marker"] = _STARTER_TOKENS[token]
        return out

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(marker=rng.choice(BULLET_MARKERS), count=rng.randint(3, 7))

    def display(self) -> dict[str, str]:
        count = self.params.count
        return {
            "marker_ja": _MARKER_JA[self.params.marker],
            "others_ja": "".join(f"「{m}」" for m in BULLET_MARKERS if m != self.params.marker),
            "count_ja": "1つ以上" if count is None else f"ちょうど{count}つ",
        }

    def demands(self, prompt: Any = None) -> Demands:
        items = self.params.count or 1  # P1 (8 characters an item), P2/P3 (a line each)
        return Demands(min_chars=8 * items, forced_lines=items)

    def param_conflict(self, other: Constraint) -> str | None:
        marker, count = self.params.marker, self.params.count
        if other.id == "ifbench_format.sub_bullets" and marker in ("- ", "* "):
            return f"sub_bullets uses the marker {marker.strip()!r} too (P9)"
        if other.id == "format.markdown_list":
            kind, min_items = _markdown_list_params(other)
            if kind == "bullet" and marker not in ("- ", "* "):
                return f"{marker!r} is not a Markdown list marker (P9)"
            if kind == "bullet" and count is not None and count < min_items:
                return f"count {count} < markdown_list min_items {min_items} (P9)"
        return None

    def check(self, r: Response) -> Verdict:
        marker = self.params.marker
        others = [m for m in BULLET_MARKERS if m != marker]
        candidates: list[tuple[int, str]] = []
        for i, (line, fenced) in enumerate(zip(r.lines, r.fenced, strict=True), 1):
            if fenced:
                continue
            body = line.lstrip()
            if body.startswith(marker):
                candidates.append((i, body[len(marker):]))
                continue
            for other in others:
                if body.startswith(other):
                    return self.fail(f"line {i} starts with the marker {other!r}; every bullet must use {marker!r}")
        need = self.params.count
        bullets = 0
        for has_word in _word_flags([item for _, item in candidates]):
            bullets += has_word
            if need is None and bullets:
                return self.ok(f"a bullet line starts with {marker!r} followed by a word")
            if need is not None and bullets > need:
                return self.fail(f"more than {need} bullet lines start with {marker!r}; needs exactly {need}")
        if need is None:
            return self.fail(f"no line starts with {marker!r} followed by a word")
        if bullets != need:
            empty = len(candidates) - bullets
            extra = f" ({empty} marker line(s) have no word after the marker)" if empty else ""
            return self.fail(f"{bullets} bullet lines start with {marker!r}, needs exactly {need}{extra}")
        return self.ok(f"exactly {need} bullet lines start with {marker!r}")


# --- numbered lists -------------------------------------------------------------------------------

_NUMBERED_ITEM = regex.compile(r"([0-9]{1,9})\. \S")
# Other ordered markers at the top level: 1) 1） 1.x (no single space) １． (1) （1） ① ⑴ ⒈ ...
_OTHER_ORDERED = regex.compile(
    r"(?:[0-9０-９]{1,9}[.．)）](?![0-9０-９])|[(（][0-9０-９]{1,9}[)）]|[①-⑳㉑-㉟㊱-㊿⑴-⒇⒈-⒛])")


@register
class NumberedList(Constraint):
    id = "format.numbered_list"
    group = Group.FORMAT
    aliases = ("jfbench:format.numbered_list",)
    train = True
    output_format = True
    conflicts = ("ifbench_format.one_word_per_line",)

    class Params(ParamsBase):
        count: int | None = Field(default=None, ge=1, le=100)  # None (alias calls): at least one item

    test_wording = (
        "番号付きリストを含め、項目数を{count_ja}にしてください。各項目の行は字下げせずに行頭から、半角数字・半角ピリオド・"
        "半角スペース1つの「1. 」の形で始め、番号は1から順に1ずつ増やします。リストの前の導入文や、半角スペース2つ以上で"
        "字下げした補足の行は書いて構いませんが、「1)」「（1）」「①」のような別の番号の付け方は使わないでください。"
    )
    train_wordings = (
        "回答に番号付きの項目を{count_ja}並べてください。番号は「1. 」「2. 」…のように半角数字と半角ピリオドの後に半角スペースを1つ置き、行頭（字下げなし）に1から連番で書きます。「1)」「(1)」「①」などの別形式は禁止ですが、導入文や、半角スペース2個以上で字下げした補足行は書いてかまいません。",
        "手順や要点を番号付きリストにまとめてください。項目の数は{count_ja}です。各項目は「1. 」形式（半角の数字とピリオド、続けて半角スペース1つ）で行の先頭から書き始め、番号を1から飛ばさず順番に振ってください。丸数字や括弧付き番号は使わないこと。前置きの文や、半角スペース2つ以上で字下げした説明行は入れてもよいです。",
        "「1. 」「2. 」のような半角の番号で始まる行を{count_ja}書いてください。番号は1から始めて1ずつ増やし、行頭に字下げなしで置きます。番号とピリオドの後ろは半角スペース1つです。「1)」「（1）」「①」の形式は混ぜないでください。リスト以外に導入の文を書いたり、半角スペース2つ以上の字下げで補足を添えたりするのは自由です。",
        "項目を番号付きで列挙してください（項目数は{count_ja}）。書式は行頭に「半角数字＋半角ピリオド＋半角スペース1つ」で、1, 2, 3…と順に番号を振ります。括弧付きや丸数字など別の番号形式は使えません。リストの前の説明文と、半角スペースを2つ以上入れて字下げした補足行は使ってかまいません。",
        "番号リストの形で答えてください。各項目の行は字下げせず「1. 」の形（半角数字、半角ピリオド、半角スペース1つ）で始め、番号は1から連続させて、項目数を{count_ja}とします。「1)」「（1）」「①」のような番号は書かないでください。なお、リスト前の導入文や半角スペース2つ以上で字下げした補足の行は問題ありません。",
    )
    examples = (
        E(response="ご飯の炊き方は次のとおりです。\n1. 米を研ぐ\n2. 水に30分浸す\n3. 炊飯器で炊く", passed=True,
          params={"count": 3}, note="an intro line is allowed"),
        E(response="1. 準備\n  材料をそろえます。\n2. 下ごしらえ\n  - 野菜を切ります。\n3. 調理\n4. 盛り付け",
          passed=True, params={"count": 4}, note="sub-lines indented by 2 spaces"),
        E(response="1. 一つ目の項目です。\n2. 二つ目の項目です。", passed=True, params={},
          note="alias call default: count None = at least one item, numbered from 1"),
        E(response="ご飯の炊き方は、米を研ぎ、水に浸し、炊飯器で炊くという三段階です。", passed=False,
          params={"count": 3}, note="plain prose has no numbered line"),
        E(response="1. 米を研ぐ\n2. 水に浸す\n4. 炊飯器で炊く", passed=False, params={"count": 3},
          note="anchor defect: the order of numbers was not checked; 4 follows 2"),
        E(response="1. 米を研ぐ\n2. 水に浸す\n3. 炊飯器で炊く", passed=False, params={"count": 4},
          note="near miss: 3 items, needs exactly 4"),
        E(response="1) 米を研ぐ\n2) 水に浸す\n3) 炊飯器で炊く", passed=False, params={"count": 3},
          note="1) is another ordered marker"),
        E(response="1. 米を研ぐ\n2. 水に浸す\n3. 炊飯器で炊く\n（1）注意点: 水加減に気をつける", passed=False,
          params={"count": 3}, note="（1） at the top level"),
        E(response="1.米を研ぐ\n2.水に浸す\n3.炊飯器で炊く", passed=False, params={"count": 3},
          note="no space after the period"),
        E(response="材料\n1. 米\n2. 水\n手順\n1. 研ぐ\n2. 炊く", passed=False, params={"count": 4},
          note="two lists restart at 1; the items are not numbered 1..4"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(count=rng.randint(3, 8))

    def display(self) -> dict[str, str]:
        count = self.params.count
        return {"count_ja": "1つ以上" if count is None else f"ちょうど{count}つ"}

    def demands(self, prompt: Any = None) -> Demands:
        items = self.params.count or 1  # P1, P2/P3, and P4: the markers 1. 2. ... are number tokens
        return Demands(min_chars=8 * items, forced_lines=items, numbers=items)

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "format.markdown_list":
            kind, min_items = _markdown_list_params(other)
            count = self.params.count
            if kind == "ordered" and count is not None and count < min_items:
                return f"count {count} < markdown_list min_items {min_items} (P9)"
        return None

    def check(self, r: Response) -> Verdict:
        need = self.params.count
        numbers: list[int] = []
        for i, (line, fenced) in enumerate(zip(r.lines, r.fenced, strict=True), 1):
            if fenced or _indent_width(line) >= 2:
                continue  # code, or a sub-line
            m = _NUMBERED_ITEM.match(line)
            if m:
                expected = len(numbers) + 1
                n = int(m.group(1))
                if n != expected:
                    return self.fail(f"line {i} is item {n}, expected {expected}: items must be numbered "
                                     "1, 2, 3, ... in order")
                numbers.append(n)
                if need is not None and len(numbers) > need:
                    return self.fail(f"more than {need} numbered items; needs exactly {need}")
                continue
            other = _OTHER_ORDERED.match(line.lstrip())
            if other:
                return self.fail(f"line {i} starts with {other.group()!r}: every top-level item must be written "
                                 "'1. ' (ASCII digits, a period, one space, no indent)")
        if not numbers:
            return self.fail("no line starts with a numbered item like '1. '")
        if need is not None and len(numbers) != need:
            return self.fail(f"{len(numbers)} numbered items, needs exactly {need}")
        return self.ok(f"{len(numbers)} items numbered 1 to {len(numbers)}")


# --- sentence delimiter ---------------------------------------------------------------------------

# Markers that cannot be read as words or sentences and contain no 。！？!? (full-width ones first).
SENTENCE_DELIMITERS: tuple[str, ...] = ("◆", "▼", "■", "★", "／／", "＞＞", "<END>", "||")
_TERMINATORS = regex.compile(r"[。！？!?]")


@register
class SentenceDelimiter(Constraint):
    id = "format.sentence_delimiter"
    group = Group.FORMAT
    aliases = ("SentenceDelimiterFormatConstraint",)
    output_format = True
    conflicts = (
        "content.ends_with_question", "ifbench_format.emoji_sentence_end", "ifbench_ratio.sentence_balance",
        "ifbench_ratio.statement_question_ratio", "ifbench_count.punctuation", "processing.suffix",
        "ifbench_format.one_word_per_line",
    )

    class Params(ParamsBase):
        delimiter: Literal["◆", "▼", "■", "★", "／／", "＞＞", "<END>", "||"]

    test_wording = (
        "文の終わりには「。」「！」「？」の代わりに「{delimiter}」を付けてください。回答のどこにも「。」「！」「？」"
        "（半角の「!」「?」を含む）を使わず、見出しや箇条書きも含めて空でない行はすべて「{delimiter}」で終え、"
        "回答の最後も「{delimiter}」で締めてください。「{delimiter}」を続けて書いたり行頭に置いたりして、"
        "区切りと区切りの間に語句のない部分を作らないでください。"
    )
    examples = (
        E(response="今日は朝から雨が降っています◆\n午後には晴れる見込みです◆", passed=True, params={"delimiter": "◆"}),
        E(response="結論から言うと賛成です<END>理由は二つあります<END>\n一つ目は費用が安いことです<END>", passed=True,
          params={"delimiter": "<END>"}, note="several sentences on one line"),
        E(response="# 週末の予定／／\n\n- 土曜日は買い物に行きます／／\n- 日曜日は家で休みます／／", passed=True,
          params={"delimiter": "／／"}, note="headings and list items end with the delimiter too"),
        E(response="今日は雨です。明日は晴れです◆", passed=False, params={"delimiter": "◆"},
          note="a 。 is left in the text"),
        E(response="本当にそうでしょうか?▼\nよく考えてみましょう▼", passed=False, params={"delimiter": "▼"},
          note="a half-width ? is a terminator too"),
        E(response="今日は雨です■\n明日は晴れです", passed=False, params={"delimiter": "■"},
          note="near miss: the last sentence lacks the delimiter"),
        E(response="週末の予定\n土曜日は買い物に行きます★\n日曜日は家で休みます★", passed=False,
          params={"delimiter": "★"}, note="the title line does not end with the delimiter"),
        E(response="今日は雨です◆◆\n明日は晴れです◆", passed=False, params={"delimiter": "◆"},
          note="a doubled delimiter leaves an empty piece"),
        E(response="今日は雨です||😀||", passed=False, params={"delimiter": "||"},
          note="anchor defect (sentence counting): a piece holding only an emoji has no word (§W)"),
        E(response="今日は雨です（これは文末です）\n明日は晴れです（これは文末です）", passed=False,
          params={"delimiter": "◆"}, note="anchor's sentence-like delimiter is not the requested marker"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"delimiter": "delimiter"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        delimiter = params.get("delimiter")
        if delimiter not in SENTENCE_DELIMITERS:
            raise CatalogError(f"SentenceDelimiterFormatConstraint: delimiter {delimiter!r} is not one of the curated "
                               f"markers {', '.join(SENTENCE_DELIMITERS)} (a delimiter must not read as text or "
                               "contain 。！？!?)")
        return dict(params)

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(delimiter=rng.choice(SENTENCE_DELIMITERS))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_texts=(self.params.delimiter,))  # P7: ends every sentence

    def check(self, r: Response) -> Verdict:
        d = self.params.delimiter
        t = r.text
        m = _TERMINATORS.search(t)
        if m:
            line = t.count("\n", 0, m.start()) + 1
            return self.fail(f"line {line} uses {m.group()!r}; every sentence must end with {d!r} instead")
        if not t.endswith(d):
            return self.fail(f"the answer ends with {short_text(r.lines[-1][-20:])}, not with {d!r}")
        for i, line in enumerate(r.lines, 1):
            body = line.rstrip()
            if body.strip() and not body.endswith(d):
                return self.fail(f"line {i} does not end with {d!r}: {short_text(body[-20:])}")
        pieces = t.split(d)[:-1]  # T ends with d: the last piece is empty
        for k, piece in enumerate(pieces, 1):
            if not piece.strip():
                return self.fail(f"piece {k} between delimiters is empty ({d!r} doubled or at a line start)")
        for k, has_word in enumerate(_word_flags(pieces), 1):
            if not has_word:
                return self.fail(f"piece {k} ({short_text(pieces[k - 1])}) before {d!r} contains no word")
        return self.ok(f"{len(pieces)} sentence(s), each ending with {d!r}")
