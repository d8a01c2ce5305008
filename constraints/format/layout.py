"""format: layout conventions (indentation, bullet points, numbered lists, sentence delimiters, citations)."""

from __future__ import annotations

import random
from typing import Any, ClassVar, Literal

from pydantic import Field

from jfbench.catalog import CatalogError, Constraint, Example, Group, Verdict, register
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
