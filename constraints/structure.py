"""structure (2): document structure judged by an LLM: headings with sections, and introduction / body /
conclusion (CATALOG.md, "structure"). structure.headings is hybrid: its check() is the offline heuristic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from jfbench.catalog import Constraint, Demands, Example, Group, Kind, Verdict, register
from jfbench.ja import Response, char_count

E = Example

# --- headings (hybrid) ----------------------------------------------------------------------------

_MD_HEADING = regex.compile(r" {0,3}#{1,6}[ \t]+\S")
_BRACKET_HEADING = regex.compile(r"【[^【】\n]{1,100}】")
_LIST_ITEM = regex.compile(r"(?:[-*+][ \t]|[•・]|[0-9０-９]{1,9}[.．)）]|[(（][0-9０-９]{1,9}[)）]|[①-⑳])")
_TABLE_OR_QUOTE = regex.compile(r"[|>]")
_TERMINATOR = regex.compile(r"[。！？!?]|\.$")
_HAS_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
SHORT_HEADING_CHARS = 30


_LIST_START = frozenset("-*+•・0123456789０１２３４５６７８９(（") | {chr(c) for c in range(ord("①"), ord("⑳") + 1)}


def _is_heading(body: str) -> bool:
    """A stripped §L line is a heading line: a Markdown heading, a line wholly in 【…】, or a short line
    with no sentence terminator. Table rows and block quotes are body text."""
    first = body[0]
    if first == "#" and _MD_HEADING.match(body):
        return True
    if first == "【" and _BRACKET_HEADING.fullmatch(body):
        return True
    if first in "|>":
        return False
    if len(body) > SHORT_HEADING_CHARS and char_count(body) > SHORT_HEADING_CHARS:
        return False
    return _TERMINATOR.search(body) is None


def _classify(r: Response) -> Iterator[tuple[int, bool]]:
    """(line number, is heading) for every non-blank line, in order. Fenced code is body; lines with no
    letter or digit (---, ***) are skipped. A list item next to another list item belongs to a list block,
    which is a body paragraph (§P); a lone "1. はじめに" line can still be a heading."""
    rows = ((i, line.strip(), fenced) for i, (line, fenced) in enumerate(zip(r.lines, r.fenced, strict=True), 1))
    rows = ((i, body, fenced) for i, body, fenced in rows
            if body and (fenced or _HAS_LETTER_OR_DIGIT.search(body)))

    def is_item(body: str, fenced: bool) -> bool:
        return not fenced and body[0] in _LIST_START and _LIST_ITEM.match(body) is not None

    prev_item = False
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)
        i, body, fenced = current
        item = is_item(body, fenced)
        next_item = following is not None and is_item(following[1], following[2])
        in_list = item and (prev_item or next_item)
        yield i, not fenced and not in_list and _is_heading(body)
        prev_item, current = item, following


@register
class Headings(Constraint):
    id = "structure.headings"
    group = Group.STRUCTURE
    kind = Kind.HYBRID
    rubric = "structure_headings"
    aliases = ("HeadingStructureConstraint",)
    train = True
    conflicts = ("processing.prefix", "ifbench_format.one_word_per_line", "content.irrelevant")
    test_wording = (
        "1行目に文章全体のタイトルを書き、そのあとに2つ以上の見出しを立てて、それぞれの見出しの下に本文の段落を"
        "書いてください。タイトルや見出しは「## 」のようなMarkdownの見出し記号を付けるか、【】で囲むか、"
        "「。」「？」「！」を含まない30文字以内の1行にしてください。"
    )
    train_wordings = (
        "タイトル行から書き始め、その下に見出しを2つ以上設けて、各見出しのすぐ後に本文を続けてください。見出しは「#」記号のMarkdown見出し、【】で囲んだ行、または「。」「？」「！」を含まない30文字以内の短い行のいずれかにします。",
        "文書の形で答えてください。最初の行はタイトルとし、続けて2つ以上のセクションを作ります。各セクションは見出し行と、その下の本文の段落で構成してください。見出しには「## 」などのMarkdown記法、【】、または30文字以内で「。」「？」「！」のない1行を使います。",
        "冒頭に表題を1行置き、内容を2つ以上の見出しに分けて書いてください。どの見出しの下にも説明の文章を入れること。見出しと表題は、Markdownの見出し記号・【】囲み・「。」「？」「！」を含まない30文字以内の行のどれかで書いてください。",
        "まずタイトルを1行で示し、その後は見出しごとに本文をまとめる構成にしてください。見出しは少なくとも2つ必要で、見出しだけが並ぶのではなく、それぞれに本文の段落を付けます。見出し行は「#」付き、【】付き、または30文字以内で「。」「？」「！」を打たない行にしてください。",
        "タイトル→見出し→本文という階層で書いてください。1行目がタイトル、その後に見出しが2つ以上あり、各見出しの下に段落が続く形です。タイトルと見出しは、Markdownの「#」見出し、【】で囲んだ行、「。」「？」「！」のない30文字以内の行のいずれかで表してください。",
    )
    examples = (
        E(response="# 日本の四季\n\n## 春\n桜が咲き、新しい生活が始まる季節です。\n\n## 夏\n梅雨が明けると暑い日が続きます。"
                   "\n\n## 秋\n紅葉が美しく、食べ物もおいしくなります。", passed=True),
        E(response="日本の四季\n\n【春】\n桜が咲き、新しい生活が始まる季節です。\n\n【夏】\n梅雨が明けると暑い日が続きます。",
          passed=True, note="【】 headings and a plain title line"),
        E(response="梅雨の基礎知識\n\n梅雨とは\n6月ごろに雨の日が多くなる時期のことです。\n\n梅雨前線の仕組み\n"
                   "暖かい空気と冷たい空気がぶつかって前線ができます。", passed=True, note="short plain lines as headings"),
        E(response="# 電気自動車の選び方\n\n## 注目したい性能\n- 航続距離\n- 充電時間\n\n## 費用\n- 車両価格\n- 補助金の有無",
          passed=True, note="a list block is a body paragraph (§P); its items are not headings"),
        E(response="梅雨は6月ごろに雨の日が多くなる時期です。\n\n暖かい空気と冷たい空気がぶつかって前線ができます。\n\n"
                   "7月中旬には明けることが多いです。", passed=False, note="prose paragraphs without headings"),
        E(response="# 梅雨について\n\n## 梅雨とは\n6月ごろに雨の日が多くなる時期です。", passed=False,
          note="only one section heading"),
        E(response="# 梅雨について\n## 梅雨とは\n## 梅雨前線\n## 梅雨明け", passed=False,
          note="headings with no body paragraphs"),
        E(response="今日は梅雨について説明します。\n\n## 梅雨とは\n6月ごろに雨の日が多くなる時期です。\n\n## 梅雨前線\n"
                   "暖かい空気と冷たい空気がぶつかってできます。", passed=False,
          note="the first line is a sentence, not a title"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_lines=5)  # P2/P3: the title line, and two heading lines each with a body line

    def check(self, r: Response) -> Verdict:
        lines = _classify(r)
        first = next(lines, None)
        if first is None or not first[1]:
            where = f"line {first[0]}" if first else "the answer"
            return self.fail(f"{where} is not a title: the first line must be a heading line "
                             f"(#, 【…】 or <= {SHORT_HEADING_CHARS} chars with no terminator)")
        sections: list[int] = []
        previous: tuple[int, bool] | None = None
        for line in lines:
            if previous is not None and previous[1] and not line[1]:
                sections.append(previous[0])
                if len(sections) == 2:
                    return self.ok(f"a title (line {first[0]}) and headings with body text on lines "
                                   f"{sections[0]} and {sections[1]}")
            previous = line
        return self.fail(f"{len(sections)} heading(s) after the title are followed by a body paragraph, needs >= 2")


# --- introduction, body, conclusion (judge) -------------------------------------------------------

@register
class IntroBodyConclusion(Constraint):
    id = "structure.intro_body_conclusion"
    group = Group.STRUCTURE
    kind = Kind.JUDGE
    rubric = "structure_intro_body_conclusion"
    aliases = ("SectionStructureConstraint",)
    train = True
    conflicts = ("ifbench_format.one_word_per_line", "content.irrelevant")
    test_wording = (
        "導入・本論・結論の3つの部分がこの順に読み取れる構成で書いてください。最初に話題や問いを示す導入、"
        "次に内容を詳しく展開する本論、最後に全体をまとめる結論を置いてください。"
    )
    train_wordings = (
        "文章は「導入→本論→結論」の三部構成にしてください。はじめに何について述べるかを示し、中盤で具体的に説明し、終わりに要点をまとめます。",
        "まず話題を提示する導入部、続いて詳しい説明や根拠を述べる本論、最後に結論でしめくくる、という順序がはっきり分かるように書いてください。",
        "序論・本論・結論の3段構成で回答してください。各部分の役割（話題の提示、内容の展開、まとめ）が読み手に区別できるようにすること。",
        "書き出しで扱うテーマを紹介し、続く本論で掘り下げ、最後に結論を述べてください。この3つの部分がこの順番で揃っている必要があります。",
        "導入、本論、結論という流れを守って書いてください。冒頭で問題や話題を示し、本論で詳しく論じ、最後に全体の結論をまとめてください。",
    )
    examples = (
        E(response="リモートワークは働き方を大きく変えました。ここでは、その利点と課題を整理します。\n\n"
                   "利点としては、通勤時間がなくなり、集中できる環境を自分で作れることが挙げられます。一方で、"
                   "同僚との雑談が減り、孤立感を覚える人も少なくありません。\n\n"
                   "まとめると、リモートワークは効率を高める反面、意識的な交流の場づくりが欠かせない働き方だといえます。",
          passed=True, note="introduction, body and conclusion in order"),
        E(response="## はじめに\n睡眠の質は日中の集中力に直結します。\n\n## 本論\n寝る前のスマートフォンを控え、"
                   "毎日同じ時刻に起きることが効果的です。\n\n## おわりに\n小さな習慣の積み重ねが、よい眠りにつながります。",
          passed=True, note="labelled parts"),
        E(response="- 通勤時間がなくなる\n- 集中しやすい\n- 孤立しやすい\n- 運動不足になりやすい", passed=False,
          note="a bare list: no introduction and no conclusion"),
        E(response="結論として、リモートワークは効率的ですが交流の工夫が必要です。", passed=False,
          note="only a conclusion"),
        E(response="リモートワークには多くの利点があります。通勤がなくなり、集中しやすくなります。\n\n"
                   "しかし孤立感を覚える人もいます。運動不足も問題です。", passed=False,
          note="introduction and body, but it stops without a conclusion"),
    )
