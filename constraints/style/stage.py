"""style.no_stage_directions: no actions or gestures in parentheses or between single asterisks (a rule)."""

from __future__ import annotations

import regex

from jfbench.catalog import Example, Verdict, register
from jfbench.ja import HAN, Response, Token, char_count

from ._shared import StyleConstraint, TokenIndex, token_index

E = Example

# --- stage directions -----------------------------------------------------------------------------

# Single-marker emphasis spans (CommonMark-like flanking): `*x*` may sit inside a word, `_x_` may not.
_STAR_SPAN = regex.compile(r"(?<![*\\])\*(?![*\s])[^*\n]{1,300}?(?<![*\s\\])\*(?!\*)")
_UNDERSCORE_SPAN = regex.compile(r"(?<![_\\\w])_(?![_\s])[^_\n]{1,300}?(?<![_\s\\])_(?![_\w])")
_CODE_SPAN = regex.compile(r"`[^`\n]{1,2000}`")
# Innermost parentheticals, full-width or ASCII pairs (bounded, so deep nesting stays linear).
_PAREN = regex.compile(r"（([^（）()\n]{1,120})）|\(([^（）()\n]{1,120})\)")
_DIGIT = regex.compile(r"\p{Nd}")
_EXEMPT_START = ("注", "例", "参考", "出典", "※", "略")
_EXEMPT_MARK = regex.compile(r"[=:：]")
_ALL_KANA = regex.compile(r"[\p{sc=Hiragana}\p{sc=Katakana}ー]+")
_KANJI = regex.compile(rf"[{HAN}]")
_TRAILING_MARKS = "…‥・。、！？!?ー〜~ 　"
# Frozen action/emotion lexicon: a parenthetical consisting of one of these is a stage direction.
STAGE_LEXICON = frozenset((
    "笑", "笑い", "笑顔", "苦笑", "苦笑い", "微笑", "微笑み", "爆笑", "失笑", "汗", "冷や汗", "涙", "涙目", "泣",
    "号泣", "ため息", "溜息", "溜め息", "沈黙", "照れ", "赤面", "咳払い", "拍手", "合掌", "困惑", "驚愕", "怒",
    "小声", "真顔", "ドヤ顔", "棒読み", "遠い目", "にっこり", "ニヤリ", "にやり", "うなずき", "頷き",
))
_ACTION_ENDINGS = frozenset(("て", "で", "ながら", "つつ"))


def _emphasis_span(r: Response) -> str | None:
    for line, fenced in zip(r.lines, r.fenced, strict=True):
        if fenced or ("*" not in line and "_" not in line):
            continue
        if "`" in line:
            line = _CODE_SPAN.sub(lambda m: " " * len(m.group()), line)
        m = _STAR_SPAN.search(line) or _UNDERSCORE_SPAN.search(line)
        if m:
            return m.group()
    return None


def _action_reason(content: str, words: list[Token]) -> str | None:
    core = content.strip().rstrip(_TRAILING_MARKS)
    if core in STAGE_LEXICON:
        return f"consists of the action word {core}"
    for w in words:
        if w.pos1 in ("動詞", "形容詞"):
            return f"contains the {'verb' if w.pos1 == '動詞' else 'adjective'} {w.surface}"
    if words and words[-1].surface in _ACTION_ENDINGS and words[-1].pos1 in ("助詞", "助動詞"):
        return f"ends in the particle {words[-1].surface}"
    return None


@register
class NoStageDirections(StyleConstraint):
    id = "style.no_stage_directions"
    aliases = ("jfbench:style.no_stage_directions",)
    train = True
    conflicts = ("character.half_width", "ifbench_format.one_word_per_line")
    test_wording = (
        "「（笑）」「（ため息をつきながら）」「*うなずく*」のようなト書き（動作・表情・感情の描写）を書かないでください。"
        "アスタリスク1つ（*…*）やアンダースコア1つ（_…_）で語句を囲む書き方は使わず（太字の**…**は可）、"
        "30文字以内の丸括弧の補足には動詞・形容詞を入れず、「て」「で」「ながら」「つつ」で終えないでください。"
        "ただし、読み仮名、「注」「例」「参考」「出典」「※」「略」で始まる注記、数字や「=」「:」「：」を含む括弧は例外です。"
    )
    train_wordings = (
        "動作や気持ちを括弧やアスタリスクで書き添えるト書き（例：（笑）、（小声で）、*ため息*）は禁止です。"
        "*…*や_…_のように記号1つで囲む表記は使わないでください（**…**の太字は使えます）。30文字以内の（）や()の中身は、"
        "動詞・形容詞を含まず、末尾が「て・で・ながら・つつ」でない語句にしてください。読み仮名、注・例・参考・出典・※・略で始まる注記、"
        "数字・=・:・：を含む括弧は対象外です。",
        "台本のト書きのような表現を入れずに回答してください。具体的には、(照れ)や（涙）のような感情・動作の括弧書きと、"
        "単独のアスタリスクまたはアンダースコアで挟んだ語句（*…*、_…_）を禁止します。丸括弧（30文字以内）に書けるのは、"
        "動詞や形容詞がなく「て」「で」「ながら」「つつ」で終わらない補足だけです。例外：読み仮名、「注」「例」「参考」「出典」「※」「略」"
        "で始まるもの、数字か「=」「:」「：」を含むもの。",
        "回答に（笑）（汗）（苦笑い）などの動作・感情の添え書きや、*頷く*のようなアスタリスク囲みを入れないでください。"
        "判定基準：記号1つの*…*・_…_は不可（**太字**は可）。30文字以内の丸括弧の中に動詞か形容詞がある、または「て」「で」「ながら」「つつ」"
        "で終わる場合は不可。読み仮名、注・例・参考・出典・※・略で始まる括弧、数字や=・:・：を含む括弧は問題ありません。",
        "登場人物のしぐさや表情を括弧で描写するト書きは書かないこと。丸括弧（全角・半角、30文字以内）の中では動詞・形容詞を使わず、"
        "「て」「で」「ながら」「つつ」で終わる書き方もしないでください。また *…* や _…_（記号1つで囲む強調）も使用しないでください"
        "（**…**は可）。読み仮名や、「注」「例」「参考」「出典」「※」「略」で始まる注記、数字・=・:・：を含む括弧は例外として認めます。",
        "文章中にト書きを挟まないでください。禁止するのは次の二つです。一つ目は、アスタリスク1つやアンダースコア1つで囲んだ語句"
        "（*…*、_…_。太字の**…**は除く）。二つ目は、動詞・形容詞を含むか「て」「で」「ながら」「つつ」で終わる、30文字以内の（…）や(…)"
        "で、（笑）（ため息）のような動作・感情の語だけの括弧も含みます。読み仮名、注・例・参考・出典・※・略で始まる注記、"
        "数字や=・:・：を含む括弧は使ってかまいません。",
    )
    examples = (
        E(response="AI（人工知能）の活用が進んでいます。", passed=True),
        E(response="漢字（かんじ）の読み方を学びましょう。", passed=True, note="a kana gloss after kanji"),
        E(response="東京の人口は約1,400万人です（2024年時点で増えている）。", passed=True, note="digits"),
        E(response="手順を守ってください（注：作業前に電源を切ってください）。", passed=True, note="starts with 注"),
        E(response="キャッシュ（定義: 一時的に保存する仕組み）を使います。", passed=True, note="contains a colon"),
        E(response="**重要**なのは準備です。変数名は user_name_value とします。", passed=True,
          note="bold and intraword underscores are not single-marker spans"),
        E(response="```python\nx = a*b*c  # (値を掛ける)\n```\n計算例です。", passed=True, note="code is skipped"),
        E(response="なるほど（笑）。それは面白いですね。", passed=False, note="lexicon word"),
        E(response="（ため息をつきながら）そうですね、難しい問題です。", passed=False, note="contains a verb"),
        E(response="*うなずく* わかりました。", passed=False, note="single-asterisk span"),
        E(response="_小声で_ 秘密ですよ。", passed=False, note="single-underscore span"),
        E(response="（小声で）ここだけの話です。", passed=False, note="ends in the particle で"),
        E(response="(嬉しそうに) ありがとうございます！", passed=False, note="contains an adjective"),
        E(response="（照れ）そんなことはありません。", passed=False, note="lexicon word"),
    )

    def check(self, r: Response) -> Verdict:
        span = _emphasis_span(r)
        if span is not None:
            return self.fail(f"uses the single-marker span {span[:40]!r}; only ** bold is allowed around words")
        index: TokenIndex | None = None
        for line_no, line in enumerate(r.md_lines):
            if "（" not in line and "(" not in line:
                continue
            for m in _PAREN.finditer(line):
                group = 1 if m.group(1) is not None else 2
                content = m.group(group)
                if not 1 <= char_count(content) <= 30 or _DIGIT.search(content):
                    continue
                stripped = content.strip()
                if stripped.startswith(_EXEMPT_START) or _EXEMPT_MARK.search(content):
                    continue
                if _ALL_KANA.fullmatch(stripped) and m.start() > 0 and _KANJI.match(line[m.start() - 1]):
                    continue  # a reading: 漢字（かんじ）
                words: list[Token] = []
                if stripped.rstrip(_TRAILING_MARKS) not in STAGE_LEXICON:
                    index = index or token_index(r)
                    words = index.inside(line_no, m.start(group), m.end(group), words_only=True)
                why = _action_reason(content, words)
                if why:
                    return self.fail(f"the parenthetical {m.group()!r} on line {line_no + 1} of the text view {why}; "
                                     "it reads as a stage direction")
        return self.ok("no stage directions")
