"""format: Markdown structure (CATALOG.md, "format"): constructs, a full document, headings, lists, links,
reference links, tables, emphasis and code fences. Every check reads the shared markdown-it-py parse of
`_markdown.py` and refuses answers beyond its size bounds (`md_limit`)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, ClassVar, Literal

import regex
from markdown_it.common.utils import normalizeReference
from pydantic import Field

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

from ._markdown import (
    Table,
    anchor_of,
    emphasis,
    fences,
    heading_slugs,
    headings,
    links,
    lists,
    md_env,
    md_limit,
    md_tokens,
    slugify,
    tables,
)
from ._tables import table_demands
from ._wrap import unwrap

E = Example
ONE_WORD_PER_LINE = "ifbench_format.one_word_per_line"  # X10: every format.* forces lines of >= 2 words


def _hashes(level: int) -> str:
    return "#" * level


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _heading_jump(r: Response) -> str | None:
    """The first heading level problem (first heading deeper than ##, or a jump), or None."""
    hs = headings(r)
    if hs and hs[0].level > 2:
        return f"the first heading (line {hs[0].line + 1}) is {_hashes(hs[0].level)}; it must be # or ##"
    for i in range(1, len(hs)):
        prev, cur = hs[i - 1].level, hs[i].level
        if cur > prev + 1:
            return (f"heading {i + 1} (line {hs[i].line + 1}) jumps from {_hashes(prev)} to {_hashes(cur)}; "
                    "go one level deeper at a time")
    return None


def _table_problem(t: Table) -> str | None:
    """Why a table is inconsistent (an empty header cell, a row with the wrong cell count), or None."""
    for k, cell in enumerate(t.header, 1):
        if not cell:
            return f"the table on line {t.line + 1} has an empty header cell (column {k})"
    for line, cells in t.rows:
        if cells != t.columns:
            return (f"line {line + 1} of the table on line {t.line + 1} has {_plural(cells, 'cell')}, "
                    f"the header has {t.columns}")
    return None


def _unclosed_fence(r: Response) -> str | None:
    for f in fences(r):
        if not f.closed:
            return f"the code fence {f.markup} opened on line {f.line + 1} is never closed"
    return None


def _unpaired(r: Response) -> str | None:
    bad = emphasis(r).unpaired
    if bad:
        u = bad[0]
        more = f" ({len(bad)} in all)" if len(bad) > 1 else ""
        return (f"line {u.line + 1} has an unpaired emphasis marker {u.run!r} near {u.context!r}{more}; "
                "close it or escape it as \\*")
    return None


class _Markdown(Constraint):
    """Shared pieces: the size bound and the X10 conflict."""

    group = Group.FORMAT
    conflicts: ClassVar[tuple[str, ...]] = (ONE_WORD_PER_LINE,)

    def check(self, r: Response) -> Verdict:
        limit = md_limit(r)
        if limit:
            return self.fail(limit)
        return self.check_markdown(r)

    def check_markdown(self, r: Response) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError


def _sentences_max_conflict(min_headings: int, other: Constraint) -> str | None:
    """P9: headings are lines, and every line is a sentence, so they need room in length.sentences."""
    if other.id == "length.sentences":
        most = getattr(other.params, "max", None)
        if most is not None and min_headings > 0.5 * most:
            return f"{min_headings} headings need length.sentences max >= {2 * min_headings} (P9)"
    return None


# --- format.markdown ----------------------------------------------------------------------------------

KINDS = ("heading", "bullet list", "ordered list", "table", "fenced code", "blockquote", "emphasis", "link")
_BLOCK_KINDS = {"heading_open": "heading", "bullet_list_open": "bullet list", "ordered_list_open": "ordered list",
                "table_open": "table", "fence": "fenced code", "blockquote_open": "blockquote"}


def construct_kinds(r: Response) -> set[str]:
    found = set()
    for t in md_tokens(r):
        if t.type in _BLOCK_KINDS:
            found.add(_BLOCK_KINDS[t.type])
        elif t.type == "inline" and any(c.type == "link_open" for c in t.children or []):
            found.add("link")
    if emphasis(r).spans:
        found.add("emphasis")
    return found


@register
class MarkdownParseable(_Markdown):
    id = "format.markdown"
    aliases = ("MarkdownParseableConstraint",)
    train = True

    class Params(ParamsBase):
        min_kinds: int = Field(default=1, ge=1, le=8)

    test_wording = (
        "Markdown記法を使って回答してください。見出し（#）、記号付きの箇条書き（- など）、番号付きリスト（1. など）、"
        "表、```で囲んだコードブロック、引用（>）、強調（**太字**や*斜体*）、リンク（[文字](URL)）の8種類のうち、"
        "少なくとも{min_kinds}種類を使うこと。同じ種類を何度使っても1種類と数えます。"
    )
    train_wordings = (
        "回答はMarkdownで書き、次の記法から{min_kinds}種類以上を取り入れてください：見出し（#）、箇条書き（- や *）、"
        "番号付きリスト（1.）、表、```のコードブロック、引用（>）、強調（**…** や *…*）、リンク（[テキスト](URL)）。"
        "同じ記法を繰り返しても1種類として数えます。",
        "Markdownの書式で答えてください。使う記法は{min_kinds}種類以上とし、見出し・箇条書き・番号付きリスト・表・"
        "コードブロック（```で囲む）・引用（>）・強調（**）・リンク（[ ](URL)）の中から選んでください。"
        "同じ記法は何回使っても1種類です。",
        "見出し（#）、- や * の箇条書き、1. の番号付きリスト、表、```で囲むコードブロック、> の引用、**太字**などの強調、"
        "[文字](URL)形式のリンク。これら8種類のMarkdown記法のうち、異なるものを{min_kinds}種類以上、回答の中で使ってください。",
        "Markdownを活かした回答にしてください。見出し／箇条書き／番号付きリスト／表／コードブロック（```）／引用（>）／"
        "強調（**）／リンク（[ ](URL)）のうち、実際に使われている記法が{min_kinds}種類以上あることが条件です"
        "（同種の記法の繰り返しは1種類と数えます）。",
        "出力はMarkdown形式とし、{min_kinds}種類以上の記法を組み合わせてください。数える対象は見出し、箇条書き、"
        "番号付きリスト、表、```で囲んだコードブロック、引用、強調、リンクの8つで、同じ記法を何度使っても1種類です。",
    )
    examples = (
        E(response="## 結論\n\n週3回の**軽い運動**から始めるのがおすすめです。\n\n- ウォーキング\n- ストレッチ",
          passed=True, params={"min_kinds": 3}, note="heading, emphasis and bullet list"),
        E(response="手順は次のとおりです。\n\n1. 材料を量る\n2. 混ぜる\n\n> 焼きすぎに注意してください。",
          passed=True, params={"min_kinds": 2}, note="ordered list and blockquote"),
        E(response="詳しくは[公式サイト](https://www.jma.go.jp/)の**警報一覧**を見てください。", passed=True,
          params={}, note="alias default: one kind is enough (here two)"),
        E(response="**「重要」**です。詳しくは[気象庁](https://www.jma.go.jp/)を確認してください。", passed=True,
          params={"min_kinds": 2}, note="CJK emphasis counts as emphasis"),
        E(response="梅雨は6月ごろに始まり、7月中旬ごろに明けるのが一般的です。", passed=False, params={},
          note="anchor defect: MarkdownIt.parse never fails, so plain prose passed"),
        E(response="## ポイント\n\n- 早寝早起き\n- 朝ごはんを食べる\n- 適度な運動", passed=False,
          params={"min_kinds": 3}, note="only heading and bullet list: 2 kinds"),
        E(response="# 見出し1\n## 見出し2\n### 見出し3\n\n本文です。", passed=False, params={"min_kinds": 2},
          note="three headings are one kind"),
        E(response="```\nprint('hello')\n```\nこれは*例*です", passed=True, params={"min_kinds": 2},
          note="fenced code and emphasis"),
        E(response="コードは `print()` です。\n\n    インデントされたコード", passed=False, params={"min_kinds": 1},
          note="inline code and indented code are not among the kinds"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_kinds=rng.randint(2, 3))

    def check_markdown(self, r: Response) -> Verdict:
        found = construct_kinds(r)
        need = self.params.min_kinds
        listed = ", ".join(k for k in KINDS if k in found) or "none"
        if len(found) < need:
            return self.fail(f"uses {_plural(len(found), 'Markdown construct kind')} ({listed}); needs at least "
                             f"{need} of: {', '.join(KINDS)}")
        return self.ok(f"uses {len(found)} Markdown construct kinds ({listed})")


# --- format.markdown_document ----------------------------------------------------------------------------

@register
class MarkdownDocument(_Markdown):
    id = "format.markdown_document"
    aliases = ("MarkdownFormatConstraint",)
    train = True
    output_format = True
    conflicts = (ONE_WORD_PER_LINE, "processing.prefix", "format.markdown", "format.markdown_heading_levels",
                 "format.markdown_unique_headings", "format.markdown_list", "format.markdown_emphasis",
                 "format.markdown_table_consistent")

    test_wording = (
        "回答は次の条件をすべて満たすMarkdown文書にしてください：1行目は「# 」で始まるレベル1の見出しで、"
        "レベル1の見出しは文書全体でその1つだけ、「## 」で始まるレベル2の見出しは2つ以上、見出しのレベルは1段ずつしか"
        "深くせず（「##」の直後に「####」などは不可）、箇条書きか番号付きのリストを1つ以上と**太字**を1か所以上含め、"
        "```などで開いたコードブロックはすべて閉じ、表を使う場合はどの行のセル数もヘッダー行とそろえてヘッダーのセルを空にせず、"
        "強調の記号（* や _）を対にならないまま残さないこと。"
    )
    train_wordings = (
        "次の条件をすべて守ったMarkdown文書として回答してください：先頭行を「# 」のレベル1見出しにし、レベル1見出しは"
        "それ1つに限り、「## 」のレベル2見出しを2つ以上設け、見出しは一度に2段以上深くしない（例：## の次に #### は不可）こと、"
        "リスト（箇条書きまたは番号付き）と**太字**をそれぞれ1つ以上入れること、コードブロックは必ず閉じること、表を入れるなら"
        "全行のセル数をヘッダー行と同じにしてヘッダーのセルを空にしないこと、強調記号（* や _）を閉じ忘れないこと。",
        "Markdownの文書形式で書いてください。条件は、1行目が「# 」から始まる唯一のレベル1見出しであること、「## 」の見出しが"
        "2つ以上あること、見出しの階層を飛ばさないこと（## から #### へ飛ぶのは不可）、箇条書きか番号付きリストが1つ以上、"
        "**太字**が1か所以上あること、開いたコードブロックがすべて閉じていること、表があればどの行もヘッダー行と同じセル数で"
        "ヘッダーのセルが空でないこと、対になっていない * や _ が残っていないこと、のすべてです。",
        "回答全体を、次をすべて満たすMarkdownにしてください：冒頭の行は「# タイトル」のようなレベル1見出しで、「# 」の見出しは"
        "ほかに置かない；「## 」の見出しを少なくとも2つ置く；見出しを深くするときは1段ずつ（「##」→「####」は不可）；"
        "リスト（「- 」や「1. 」）を1つ以上と**太字**を1つ以上使う；コードブロックは閉じる；表を使うなら各行のセル数をヘッダー行と"
        "一致させ、ヘッダーのセルを空にしない；* や _ の強調記号を片方だけ残さない。",
        "以下の要件をすべて満たすMarkdown文書で回答すること：最初の行にレベル1見出し（「# 」）を置き、レベル1見出しは"
        "その1つだけにする、レベル2見出し（「## 」）を2つ以上入れる、見出しレベルを2段以上一気に下げない（## の次に #### など）、"
        "箇条書きまたは番号付きリストを少なくとも1つ、**太字**を少なくとも1か所入れる、コードブロックを開いたら必ず閉じる、"
        "表を入れる場合はヘッダー行とセル数が違う行や空のヘッダーセルを作らない、強調の * や _ を閉じずに残さない。",
        "Markdown文書の形で答えてください。要件：1行目はレベル1の見出し「# …」で、これが唯一のレベル1見出しであること／"
        "レベル2の見出し「## …」が2つ以上あること／見出しのレベルが途中で2段以上深くならないこと（「##」のすぐ後に「####」は不可）／"
        "リストが1つ以上あること（箇条書きでも番号付きでもよい）／**太字**が1か所以上あること／コードブロックがすべて閉じていること／"
        "表を使うなら全行のセル数がヘッダー行と等しく、ヘッダーのセルが空でないこと／* や _ の強調記号が対になっていること。",
    )
    _GOOD = ("# 在宅勤務のコツ\n\n在宅勤務を続けるうえで大切な点をまとめます。\n\n## 環境づくり\n\n"
             "- 仕事専用の机を用意する\n- 照明を明るくする\n\n## 時間の管理\n\n**始業と終業の時刻**を決めておきましょう。\n")
    examples = (
        E(response=_GOOD, passed=True, note="all nine requirements hold"),
        E(response="# 旅行の準備\n\n## 持ち物\n\n1. 財布\n2. **パスポート**\n\n## 日程\n\n### 1日目\n\n"
                   "| 時間 | 予定 |\n| --- | --- |\n| 10:00 | 出発 |\n\n```text\nメモ\n```", passed=True,
          note="a consistent table and a closed fence are allowed"),
        E(response="# 在宅勤務のコツ\n\n## 環境づくり\n\n- 机を用意する\n\n## 時間の管理\n\n"
                   "**「始業時刻」**を決めましょう。", passed=True, note="CJK bold counts as a bold span"),
        E(response="在宅勤務のコツをまとめます。\n\n" + _GOOD, passed=False,
          note="the first line is not an H1 (a preface)"),
        E(response=_GOOD + "\n# まとめ\n\n以上です。", passed=False, note="two H1 headings"),
        E(response="# 在宅勤務のコツ\n\n## 環境づくり\n\n- 机を用意する\n\n**時間**を決めましょう。", passed=False,
          note="only one H2"),
        E(response="# 在宅勤務のコツ\n\n## 環境づくり\n\n#### 机\n\n- 机を用意する\n\n## 時間の管理\n\n"
                   "**時間**を決めましょう。", passed=False, note="heading jump from ## to ####"),
        E(response="# 在宅勤務のコツ\n\n## 環境づくり\n\n机を用意します。\n\n## 時間の管理\n\n"
                   "**時間**を決めましょう。", passed=False, note="no list"),
        E(response="# 在宅勤務のコツ\n\n## 環境づくり\n\n- 机を用意する\n\n## 時間の管理\n\n時間を決めましょう。",
          passed=False, note="no bold span"),
        E(response=_GOOD + "\n```python\nprint('始業')\n", passed=False, note="an unclosed fence"),
        E(response=_GOOD + "\n| 項目 | 目安 |\n| --- | --- |\n| 始業 | 9時 | 厳守 |\n", passed=False,
          note="a table row with 3 cells under a 2-cell header"),
        E(response=_GOOD + "\n*注意点は後で追記します。\n", passed=False, note="an unpaired * marker"),
        E(response="# タイトル\n\n本文です。", passed=False,
          note="anchor defect: JFBench's sub-checks were random; this fixed list needs H2s, a list and bold"),
    )

    def check_markdown(self, r: Response) -> Verdict:
        hs = headings(r)
        if not hs or hs[0].line != 0 or hs[0].level != 1:
            return self.fail("the first line is not a level-1 heading (# title)")
        h1 = [h.line + 1 for h in hs if h.level == 1]
        if len(h1) != 1:
            return self.fail(f"found {len(h1)} level-1 headings (lines {', '.join(map(str, h1))}); needs exactly 1")
        h2 = sum(1 for h in hs if h.level == 2)
        if h2 < 2:
            return self.fail(f"found {_plural(h2, 'level-2 heading')} (## ...); needs at least 2")
        jump = _heading_jump(r)
        if jump:
            return self.fail(jump)
        if not lists(r).lists:
            return self.fail("no bullet or numbered list; needs at least 1")
        if not emphasis(r).strong:
            return self.fail("no bold span (**...**); needs at least 1")
        problem = _unclosed_fence(r)
        if problem:
            return self.fail(problem)
        for t in tables(r):
            problem = _table_problem(t)
            if problem:
                return self.fail(problem)
        problem = _unpaired(r)
        if problem:
            return self.fail(problem)
        return self.ok(f"a Markdown document: one H1 on line 1, {h2} H2 headings, lists, bold, clean markup")


# --- headings ---------------------------------------------------------------------------------------------

@register
class MarkdownHeadingLevels(_Markdown):
    id = "format.markdown_heading_levels"
    aliases = ("MarkdownHeadingJumpsConstraint",)
    train = True
    output_format = True

    class Params(ParamsBase):
        min_headings: int = Field(default=2, ge=2, le=30)

    test_wording = (
        "Markdownの見出し（行頭の「#」〜「######」、または次の行を「===」や「---」にした見出し）を{min_headings}個以上"
        "使ってください。最初の見出しはレベル1（#）かレベル2（##）にし、それ以降の見出しは直前の見出しより2段以上深く"
        "してはいけません（「##」の次に「####」は不可。浅くするのは何段でもかまいません）。コードブロックの中の「#」は"
        "見出しに数えません。"
    )
    train_wordings = (
        "見出しを{min_headings}個以上含むMarkdownで書いてください（見出しは「#」〜「######」で始まる行、または「===」「---」の"
        "下線を付けた行）。1つ目の見出しは # か ## とし、見出しを深くするときは直前の見出しから1段ずつにしてください。"
        "「##」から「####」のような飛び越しは不可ですが、浅くする方向は自由です。コードブロック内の # は数えません。",
        "Markdownの見出しを少なくとも{min_headings}個使って構成してください。最初の見出しのレベルは1か2（# か ##）、"
        "以降は前の見出しより最大1段だけ深くできます（例：### の後に ##### は不可、### の後に # は可）。"
        "見出しは「#」記法でも、下の行を「===」「---」にする記法でもかまいません。コードブロック中の行は見出しになりません。",
        "回答には{min_headings}個以上のMarkdown見出しを入れ、見出しの階層を飛ばさないでください。具体的には、先頭の見出しを"
        "「# 」か「## 」にし、その後の各見出しは直前の見出しのレベル＋1以下にします（## → #### は飛ばしになるので不可）。"
        "「===」「---」の下線による見出しも見出しに数え、コードブロック内の「#」は数えません。",
        "見出し（# 〜 ######、または「===」「---」で下線を引いた行）の数は{min_headings}個以上とし、階層は段階的に"
        "深くしてください。最初の見出しはレベル1かレベル2、次の見出しからは前の見出しより2段以上深くならないようにします"
        "（戻るのは何段でも可）。コードブロックの中身は見出しとして扱いません。",
        "Markdownで、見出しを{min_headings}個以上用いて書いてください。階層のルール：最初の見出しは「#」または「##」、"
        "それ以降は直前の見出しよりちょうど1段深いか、同じか、浅いかのいずれか（「##」の直後の「####」はだめ）。"
        "見出しは「#」記法と「===」「---」の下線記法のどちらでもよく、コードブロック内の「#」は見出しではありません。",
    )
    examples = (
        E(response="# 読書のすすめ\n\n## 効果\n\n### 語彙が増える\n\n本文。\n\n## 始め方\n\n本文。", passed=True,
          params={"min_headings": 4}),
        E(response="## 準備\n\n本文。\n\n### 道具\n\n本文。\n\n## 手順\n\n本文。", passed=True,
          params={"min_headings": 3}, note="starting at ## is allowed"),
        E(response="読書のすすめ\n======\n\n効果\n---\n\n### 語彙\n\n本文。", passed=True, params={"min_headings": 3},
          note="Setext headings count"),
        E(response="## 概要\n\n本文。\n\n#### 詳細\n\n本文。\n\n## まとめ", passed=False, params={"min_headings": 3},
          note="heading 2 jumps from ## to ####"),
        E(response="### 概要\n\n本文。\n\n### 詳細\n\n### まとめ", passed=False, params={"min_headings": 3},
          note="the first heading is ###"),
        E(response="# 読書のすすめ\n\n本を読むと語彙が増えます。", passed=False, params={},
          note="anchor defect: a single heading passed, since there was no pair to compare"),
        E(response="# 手順\n\n```bash\n# インストール\npip install foo\n## 設定\n```\n\n## まとめ", passed=False,
          params={"min_headings": 3}, note="lines inside a code fence are not headings: 2 headings"),
        E(response="# A\n## B\n### C\n#### D\n## E\n# F", passed=True, params={"min_headings": 6},
          note="going shallower by several levels is fine"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_headings=rng.randint(3, 6))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_lines=self.params.min_headings)  # P2/P3: a heading is a line

    def param_conflict(self, other: Constraint) -> str | None:
        return _sentences_max_conflict(self.params.min_headings, other)

    def check_markdown(self, r: Response) -> Verdict:
        hs = headings(r)
        need = self.params.min_headings
        if not hs:
            return self.fail(f"no Markdown heading found; needs at least {need}")
        jump = _heading_jump(r)
        if jump:
            return self.fail(jump)
        if len(hs) < need:
            return self.fail(f"found {_plural(len(hs), 'heading')}, needs at least {need}")
        return self.ok(f"{len(hs)} headings with no level jumps")


@register
class MarkdownUniqueHeadings(_Markdown):
    id = "format.markdown_unique_headings"
    aliases = ("MarkdownHeadingsStructureConstraint",)
    output_format = True

    class Params(ParamsBase):
        min_headings: int = Field(default=2, ge=2, le=30)

    test_wording = (
        "Markdownの見出し（「#」〜「######」で始まる見出しと、次の行を「===」「---」にした見出し）を合計{min_headings}個以上使い、そのうちレベル1の見出し（「# 」または「===」の見出し）は"
        "ちょうど1つにしてください。どの見出しにも文字を入れ、同じ見出しを2回使わないでください。英字の大文字と小文字、"
        "記号や句読点の有無、空白と「-」の違いしかない見出しも同じ見出しとみなします。"
    )
    examples = (
        E(response="# カレーの作り方\n\n## 材料\n\n本文。\n\n## 手順\n\n本文。\n\n## コツ\n\n本文。", passed=True,
          params={"min_headings": 4}),
        E(response="# Python入門\n\n## 変数\n\n## 関数\n\n### 引数", passed=True, params={"min_headings": 3}),
        E(response="# カレーの作り方\n\n## 材料\n\n本文。\n\n## 手順\n\n## 材料\n\n本文。", passed=False,
          params={"min_headings": 3}, note="'材料' appears twice"),
        E(response="# まとめ\n\n## Point A\n\n## point-a", passed=False, params={"min_headings": 3},
          note="'Point A' and 'point-a' have the same slug"),
        E(response="# 手順。\n\n## 手順\n\n## 注意", passed=False, params={"min_headings": 3},
          note="'手順。' and '手順' differ only by punctuation"),
        E(response="## 材料\n\n## 手順\n\n## コツ", passed=False, params={"min_headings": 3}, note="no H1"),
        E(response="# カレー\n\n## 材料\n\n# 手順", passed=False, params={"min_headings": 3}, note="two H1 headings"),
        E(response="# カレーの作り方", passed=False, params={}, note="anchor defect: a lone H1 passed"),
        E(response="# カレー\n\n## 材料\n\n##\n\n本文。", passed=False, params={"min_headings": 3},
          note="a heading with empty text"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_headings=rng.randint(3, 6))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(forced_lines=self.params.min_headings)  # P2/P3: a heading is a line

    def param_conflict(self, other: Constraint) -> str | None:
        return _sentences_max_conflict(self.params.min_headings, other)

    def check_markdown(self, r: Response) -> Verdict:
        hs = headings(r)
        need = self.params.min_headings
        if len(hs) < need:
            return self.fail(f"found {_plural(len(hs), 'heading')}, needs at least {need}")
        h1 = [h.line + 1 for h in hs if h.level == 1]
        if len(h1) != 1:
            where = f" (lines {', '.join(map(str, h1))})" if h1 else ""
            return self.fail(f"found {len(h1)} level-1 headings{where}; needs exactly 1")
        seen: dict[str, int] = {}
        for h in hs:
            if not h.text:
                return self.fail(f"the heading on line {h.line + 1} has no text")
            slug = slugify(h.text)
            if slug in seen:
                return self.fail(f"the headings on lines {seen[slug]} and {h.line + 1} have the same slug {slug!r}")
            seen[slug] = h.line + 1
        return self.ok(f"{len(hs)} distinct headings, one H1")


# --- links -----------------------------------------------------------------------------------------------

_SCHEME = regex.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,30}):")


def _url_problem(href: str) -> str | None:
    if not href:
        return "is empty"
    m = _SCHEME.match(href)
    if m and m.group(1).lower() not in ("http", "https", "mailto"):
        return f"uses the scheme {m.group(1)}:; use http, https, mailto or a relative path"
    return None


@register
class MarkdownLinksImages(_Markdown):
    id = "format.markdown_links_images"
    aliases = ("MarkdownLinksAndImagesConstraint",)
    output_format = True

    class Params(ParamsBase):
        min_links: int = Field(default=1, ge=1, le=20)
        min_images: int = Field(default=0, ge=0, le=20)

    test_wording = (
        "Markdownのリンク（[表示する文字](URL) の形式）を{min_links}個以上含めてください。リンク先は「http://」「https://」"
        "「mailto:」で始まるURLか、相対パスにしてください。{images_clause}"
    )
    examples = (
        E(response="詳しくは[気象庁](https://www.jma.go.jp/)と[用語集](docs/glossary.md)を参照してください。",
          passed=True, params={"min_links": 2, "min_images": 0}),
        E(response="お問い合わせは[窓口](mailto:info@example.com)へ。\n\n![富士山の写真](images/fuji.jpg)", passed=True,
          params={"min_links": 1, "min_images": 1}),
        E(response="公式サイトは <https://www.example.com> です。", passed=True, params={},
          note="an autolink is a link; alias default asks for 1 link and no image"),
        E(response="詳しくは[気象庁](https://www.jma.go.jp/)を参照してください。", passed=False,
          params={"min_links": 1, "min_images": 1}, note="no image"),
        E(response="[資料](ftp://example.com/a.pdf)と[気象庁](https://www.jma.go.jp/)", passed=False,
          params={"min_links": 2, "min_images": 0}, note="ftp is not allowed"),
        E(response="[気象庁](https://www.jma.go.jp/)\n\n![](images/fuji.jpg)", passed=False,
          params={"min_links": 1, "min_images": 1}, note="an image with empty alt text"),
        E(response="詳しくは気象庁のサイト https://www.jma.go.jp/ を見てください。", passed=False,
          params={"min_links": 1, "min_images": 0}, note="a bare URL is not a Markdown link"),
        E(response="[気象庁](https://www.jma.go.jp/)と[地図](https://maps.example.com/)", passed=False,
          params={"min_links": 3, "min_images": 0}, note="2 links, needs 3"),
        E(response="[気象庁](https://www.jma.go.jp/)\n\n![](images/fuji.jpg)", passed=True,
          params={"min_links": 1, "min_images": 0}, note="images are not checked when the wording does not ask for them"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_links=rng.randint(1, 3), min_images=rng.randint(0, 2))

    def display(self) -> dict[str, str]:
        n = self.params.min_images
        if n == 0:
            return {"images_clause": ""}
        return {"images_clause": f"さらに、画像（![代替テキスト](画像のURL) の形式）を{n}個以上入れ、"
                                 "どの画像にも空でない代替テキストと画像のURLを書いてください。"}

    def check_markdown(self, r: Response) -> Verdict:
        found = links(r)
        anchors = [x for x in found if not x.image]
        for k, link in enumerate(anchors, 1):
            problem = _url_problem(link.href)
            if problem:
                return self.fail(f"link {k} (line {link.line + 1}, {link.text[:20]!r}) {problem}")
        need = self.params.min_links
        if len(anchors) < need:
            return self.fail(f"found {_plural(len(anchors), 'Markdown link')}, needs at least {need}")
        want = self.params.min_images
        images = [x for x in found if x.image]
        if want:
            for k, image in enumerate(images, 1):
                if not image.text.strip():
                    return self.fail(f"image {k} (line {image.line + 1}) has no alt text")
                if not image.href:
                    return self.fail(f"image {k} (line {image.line + 1}) has no source URL")
            if len(images) < want:
                return self.fail(f"found {_plural(len(images), 'image')}, needs at least {want}")
        return self.ok(f"{len(anchors)} links and {len(images)} images")


_LITERAL_REF = regex.compile(r"\[((?:[^\[\]\\\n]|\\.){1,999})\]\[((?:[^\[\]\\\n]|\\.){0,999})\]")


def _literal_references(r: Response) -> list[tuple[str, int]]:
    """`[text][label]` and `[label][]` left as plain text (their label has no definition), with lines."""
    out = []
    for t in md_tokens(r):
        if t.type != "inline" or "][" not in t.content:
            continue
        base = t.map[0] if t.map else 0
        for c in t.children or []:
            if c.type in ("softbreak", "hardbreak"):
                base += 1
            elif c.type == "text" and "][" in c.content:
                for m in _LITERAL_REF.finditer(c.content):
                    out.append((normalizeReference(m.group(2) or m.group(1)), base))
    return out


@register
class MarkdownReferenceLinks(_Markdown):
    id = "format.markdown_reference_links"
    aliases = ("MarkdownReferenceLinksConstraint",)
    output_format = True

    class Params(ParamsBase):
        min_ref_links: int = Field(default=1, ge=1, le=20)

    test_wording = (
        "参照形式のMarkdownリンク（[表示する文字][ラベル] または [ラベル][]）を{min_ref_links}個以上使ってください。"
        "使ったラベルごとに「[ラベル]: URL」の定義行をちょうど1行ずつ書き、どこからも使われない定義行は残さないでください。"
        "ページ内リンク（リンク先が「#」で始まるもの）を使う場合は、GitHub方式で見出しから作られるアンカー"
        "（英字は小文字にし、記号と句読点を除き、空白を「-」にしたもの）と一致させてください。"
    )
    examples = (
        E(response="詳しくは[気象庁のサイト][jma]と[防災マップ][]を見てください。\n\n"
                   "[jma]: https://www.jma.go.jp/\n[防災マップ]: https://example.com/map", passed=True,
          params={"min_ref_links": 2}),
        E(response="# 防災ガイド\n\n## 避難の手順\n\n[手順へ](#避難の手順)移動し、[公式情報][jma]も確認しましょう。\n\n"
                   "[jma]: https://www.jma.go.jp/", passed=True, params={"min_ref_links": 1},
          note="an in-page anchor that matches a heading slug"),
        E(response="詳しくは[気象庁のサイト](https://www.jma.go.jp/)を見てください。", passed=False,
          params={"min_ref_links": 1}, note="an inline link is not reference-style"),
        E(response="詳しくは[気象庁][jma]と[地図][map]を見てください。\n\n[jma]: https://www.jma.go.jp/", passed=False,
          params={"min_ref_links": 1}, note="label map has no definition"),
        E(response="詳しくは[気象庁][jma]を見てください。\n\n[jma]: https://www.jma.go.jp/\n[map]: https://example.com/",
          passed=False, params={"min_ref_links": 1}, note="definition map is never used"),
        E(response="詳しくは[気象庁][jma]を見てください。\n\n[jma]: https://www.jma.go.jp/\n[jma]: https://example.com/",
          passed=False, params={"min_ref_links": 1}, note="label jma is defined twice"),
        E(response="# ガイド\n\n## 手順\n\n[手順へ](#準備)と[公式][jma]。\n\n[jma]: https://www.jma.go.jp/",
          passed=False, params={"min_ref_links": 1}, note="#準備 matches no heading"),
        E(response="防災については気象庁のサイトをご覧ください。", passed=False, params={},
          note="anchor defect: prose passed"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_ref_links=rng.randint(1, 3))

    def check_markdown(self, r: Response) -> Verdict:
        found = links(r)
        env = md_env(r)
        defined = Counter(dict.fromkeys(env.get("references", {}), 1))
        lines = {label: ref["map"][0] + 1 for label, ref in env.get("references", {}).items()}
        for dup in env.get("duplicate_refs", []):
            defined[dup["label"]] += 1
        used: dict[str, int] = {}
        for link in found:
            if link.ref:
                used.setdefault(link.label, link.line + 1)
        for label, line in _literal_references(r):
            used.setdefault(label, line + 1)
        for label, line in used.items():
            if defined[label] == 0:
                return self.fail(f"the reference [{label.lower()}] on line {line} has no definition line "
                                 f"[{label.lower()}]: URL")
            if defined[label] > 1:
                return self.fail(f"the label [{label.lower()}] is defined {defined[label]} times; define it once")
        for label in defined:
            if label not in used:
                return self.fail(f"the definition [{label.lower()}] on line {lines[label]} is never used")
        slugs = set(heading_slugs(r))
        for link in found:
            anchor = anchor_of(link.href) if not link.image else None
            if anchor is not None and anchor not in slugs:
                return self.fail(f"the in-page link #{anchor} on line {link.line + 1} matches no heading")
        count = sum(1 for x in found if x.ref in ("full", "collapsed") and not x.image)
        need = self.params.min_ref_links
        if count < need:
            return self.fail(f"found {_plural(count, 'reference-style link')} ([text][label] or [label][]), "
                             f"needs at least {need}")
        return self.ok(f"{count} reference-style links, every label defined once and used")


# --- lists -----------------------------------------------------------------------------------------------

_KIND_JA = {
    "bullet": "記号付きの箇条書き（行頭が「- 」「* 」「+ 」のMarkdownのリスト）",
    "ordered": "番号付きリスト（行頭が「1. 」「2. 」…のMarkdownのリスト）",
    "any": "Markdownのリスト（「- 」などで始まる箇条書きか、「1. 」などで始まる番号付きリスト）",
}
_BULLET_MARKERS = {"- ": "-", "* ": "*"}  # format.bullet_points markers that are Markdown bullets


@register
class MarkdownList(_Markdown):
    id = "format.markdown_list"
    aliases = ("MarkdownListStructureConstraint",)
    train = True
    output_format = True

    class Params(ParamsBase):
        kind: Literal["bullet", "ordered", "any"] = "any"
        min_items: int = Field(default=1, ge=1, le=50)

    test_wording = (
        "ほかのリストの中に入れ子になっていない{kind_ja}を1つ以上作り、その直下の項目（入れ子の項目は数えない）を"
        "{min_items}個以上にしてください。1つのリストの中では行頭の記号をそろえてください（記号を変えると別のリストになります）。"
        "また、回答中のどのリストでも、中身が空の項目を作らず、同じ階層で箇条書きと番号付きの項目を混ぜず、"
        "番号付きの項目は1ずつ増える連番にしてください。"
    )
    train_wordings = (
        "{kind_ja}を使って回答してください。少なくとも1つのリストは、他のリストに入れ子になっておらず、直下の項目が"
        "{min_items}個以上あるものにします（入れ子の項目は数に入れません）。同じリストの項目は同じ記号で始め、"
        "どのリストにも空の項目・同じ階層での箇条書きと番号付きの混在・連番でない番号（1, 2, 3…と1ずつ増えない番号）を"
        "含めないでください。",
        "回答に{kind_ja}を含めてください。条件：入れ子でない最上位のリストのうち1つが、最上位の項目を{min_items}個以上持つこと。"
        "記号を途中で変えると別のリストとして数えます。全リスト共通で、空の項目は不可、同じ階層に箇条書きと番号付きを"
        "混ぜるのは不可、番号付きの番号は1ずつ増やすこと。",
        "{min_items}個以上の項目を並べた{kind_ja}を1つは入れてください。数えるのは入れ子になっていないリストの直下の項目だけで、"
        "リストの途中で行頭記号を変えてはいけません（別のリストになります）。ほかに、どのリストでも、何も書いていない項目、"
        "同じ階層での箇条書きと番号付きの混在、1ずつ増えない番号は避けてください。",
        "要点を{kind_ja}で整理してください。入れ子になっていないリストを少なくとも1つ作り、その直下に{min_items}個以上の"
        "項目を置きます（下位の項目は数えません）。1つのリストでは行頭記号を統一し、どのリストにも空の項目を作らず、"
        "同じ階層に箇条書きと番号付きを混在させず、番号は1ずつ増える連番にしてください。",
        "{kind_ja}で書いた部分を設けてください。そのリストは最上位（入れ子でない）で、直下の項目数が{min_items}個以上あること。"
        "行頭記号は1つのリスト内でそろえること（変えると別リスト扱い）。また、回答中のすべてのリストで、空の項目、"
        "同一階層での箇条書きと番号付きの混在、飛んだり重なったりする番号を使わないこと。",
    )
    examples = (
        E(response="朝の習慣として、次の3つがおすすめです。\n\n- 白湯を飲む\n- 軽くストレッチする\n- 日光を浴びる",
          passed=True, params={"kind": "bullet", "min_items": 3}),
        E(response="手順:\n\n1. 米を研ぐ\n2. 30分浸水させる\n   - 冬は1時間\n3. 炊飯する\n4. 10分蒸らす", passed=True,
          params={"kind": "ordered", "min_items": 4}, note="a nested sub-bullet at another depth is fine"),
        E(response="* 白湯を飲む\n* ストレッチ\n* 日光を浴びる", passed=True, params={"kind": "any", "min_items": 3}),
        E(response="朝は白湯を飲み、軽くストレッチをして、日光を浴びるのがおすすめです。", passed=False,
          params={"kind": "any", "min_items": 3}, note="anchor defect: prose with no list passed"),
        E(response="- 白湯を飲む\n- ストレッチ", passed=False, params={"kind": "bullet", "min_items": 3},
          note="only 2 items"),
        E(response="1. 米を研ぐ\n2. 浸水させる\n3. 炊飯する", passed=False, params={"kind": "bullet", "min_items": 3},
          note="an ordered list when bullets were asked"),
        E(response="1. 米を研ぐ\n3. 浸水させる\n4. 炊飯する", passed=False, params={"kind": "ordered", "min_items": 3},
          note="numbering skips 2"),
        E(response="1. 米を研ぐ\n1. 浸水させる\n1. 炊飯する", passed=False, params={"kind": "ordered", "min_items": 3},
          note="lazy 1. 1. 1. numbering is not consecutive"),
        E(response="1. **準備**\n- 米を研ぐ\n- 浸水させる\n2. **炊飯**\n3. **蒸らし**", passed=False,
          params={"kind": "ordered", "min_items": 2}, note="bullet items mixed into the numbered list at one depth"),
        E(response="- 白湯を飲む\n-\n- 日光を浴びる\n- 散歩する", passed=False, params={"kind": "bullet", "min_items": 3},
          note="an empty item"),
        E(response="- 朝の習慣\n  - 白湯を飲む\n  - ストレッチ\n  - 日光を浴びる", passed=False,
          params={"kind": "bullet", "min_items": 3}, note="the 3 items are nested; the top level has 1"),
        E(response="- 白湯を飲む\n* ストレッチ\n- 日光を浴びる", passed=False, params={"kind": "bullet", "min_items": 3},
          note="changing the marker starts a new list"),
        E(response="- 白湯を飲む", passed=True, params={}, note="alias default: any list with 1 item"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(kind=rng.choice(["bullet", "ordered", "any"]), min_items=rng.randint(3, 6))

    def display(self) -> dict[str, str]:
        return {"kind_ja": _KIND_JA[self.params.kind]}

    def demands(self, prompt: Any = None) -> Demands:
        items = self.params.min_items  # P1 (8 characters an item), P2/P3 (a line each), P4 (1. 2. ...)
        return Demands(min_chars=8 * items, forced_lines=items, numbers=items if self.params.kind == "ordered" else 0)

    def param_conflict(self, other: Constraint) -> str | None:
        kind, need = self.params.kind, self.params.min_items
        if other.id == "format.bullet_points" and kind == "bullet":
            marker = getattr(other.params, "marker", None)
            count = getattr(other.params, "count", None)
            if marker not in _BULLET_MARKERS:
                return f"bullet_points marker {marker!r} is not a Markdown bullet (P9)"
            if count is not None and count < need:
                return f"bullet_points asks for {count} bullets, markdown_list for at least {need} (P9)"
        if other.id == "format.numbered_list" and kind == "ordered":
            count = getattr(other.params, "count", None)
            if count is not None and count < need:
                return f"numbered_list asks for {count} items, markdown_list for at least {need} (P9)"
        return None

    def check_markdown(self, r: Response) -> Verdict:
        found = lists(r)
        kind, need = self.params.kind, self.params.min_items
        label = {"bullet": "bullet list", "ordered": "numbered list", "any": "list"}[kind]
        matching = [x for x in found.lists if kind in ("any", x.kind) and x.depth == 0]
        if not matching:
            return self.fail(f"no top-level Markdown {label} found")
        for lst in found.lists:
            for item in lst.items:
                if item.empty:
                    return self.fail(f"the list item on line {item.line + 1} is empty")
        if found.mixed:
            line, before, after = found.mixed[0]
            article = "an" if after == "ordered" else "a"
            return self.fail(f"line {line + 1} starts {article} {after} list right after a {before} list at the same depth; "
                             "do not mix bullet and numbered items")
        for lst in found.lists:
            if not lst.ordered:
                continue
            for prev, item in zip(lst.items, lst.items[1:], strict=False):
                if prev.number is not None and item.number != prev.number + 1:
                    return self.fail(f"the numbered item on line {item.line + 1} is {item.number} after "
                                     f"{prev.number}; number items consecutively")
        best = max(matching, key=lambda x: len(x.items))
        if len(best.items) < need:
            return self.fail(f"the longest top-level {label} (line {best.line + 1}) has "
                             f"{_plural(len(best.items), 'item')}, needs at least {need}")
        return self.ok(f"a top-level {label} with {len(best.items)} items (line {best.line + 1})")


# --- tables ----------------------------------------------------------------------------------------------

_BLOCK_NAMES = {"paragraph_open": "text", "heading_open": "a heading", "bullet_list_open": "a list",
                "ordered_list_open": "a list", "blockquote_open": "a quote", "fence": "a code block",
                "code_block": "an indented code block", "hr": "a horizontal rule", "html_block": "HTML",
                "table_open": "another table"}


@register
class MarkdownTable(_Markdown):
    id = "format.markdown_table"
    aliases = ("MarkdownTableFormatConstraint",)
    train = True
    output_format = True
    conflicts = (ONE_WORD_PER_LINE, "format.markdown_table_consistent")

    class Params(ParamsBase):
        columns: int | None = Field(default=None, ge=1, le=30)
        rows: int | None = Field(default=None, ge=1, le=200)

    test_wording = (
        "回答全体を1つのMarkdownの表（「|」で区切るGFM形式）だけにしてください。表は見出し行、区切り行（|---|---| など）、"
        "データ行の順に並べ、列数は{columns_ja}、データ行（見出し行と区切り行を除く）は{rows_ja}にします。すべての行の"
        "セル数を見出し行と同じにし、見出し行のセルは空にしないでください。セルの中で「|」を使うときは「\\|」と書くか、コード（`…`）の中に入れてください。"
        "表の前後に説明などの文章を書かず、コードブロック（```）でも囲まないでください（囲むと表として表示されないため）。"
    )
    train_wordings = (
        "出力はMarkdownの表1つだけにしてください（「|」区切りのGFM形式）。構成は見出し行・区切り行（|---| など）・データ行で、"
        "列は{columns_ja}、データ行は見出し行と区切り行を除いて{rows_ja}です。どの行もセル数を見出し行とそろえ、見出し行のセルを空にしないこと。"
        "セル内の「|」は「\\|」とエスケープするかコード（`…`）に入れます。表の外に文章を書いたり、```で囲んだりしないでください"
        "（コードブロックにすると表として表示されません）。",
        "「|」で列を区切るMarkdown（GFM）の表だけで答えてください。1行目が見出し行、2行目が |---|---| のような区切り行、"
        "その後にデータ行が{rows_ja}続き、列数は{columns_ja}とします。全行のセル数は見出し行と同じにし、見出し行のセルはすべて埋めてください。セルの中の「|」は"
        "「\\|」またはコード（`…`）の中に書くこと。前置きや補足の文章は不要で、```によるコードブロックも使わないこと"
        "（表が表示されなくなるため）。",
        "Markdownの表を1つ、それだけを出力してください。表は「|」で区切るGFM形式で、見出し行、区切り行（---）、データ行{rows_ja}"
        "（見出し行と区切り行は数えない）、列は{columns_ja}です。各行のセルの数は見出し行に合わせ（見出し行のセルは空欄不可）、セルに「|」を含めるなら"
        "「\\|」と書くかコード（`…`）の中に置いてください。表の前後の説明文も、```のコードブロックで囲むことも禁止です"
        "（囲むと表として描画されません）。",
        "回答は、GFM形式のMarkdownの表（「|」区切り）1つのみで構成してください。列数は{columns_ja}、データ行は{rows_ja}"
        "（見出し行と、|---| のような区切り行を除いた行数）です。全行を見出し行と同じセル数にし、見出し行には空のセルを作らないでください。セル内の「|」は"
        "「\\|」かコード（`…`）で書くこと。表以外の文章は書かず、```で囲むのもやめてください（表として表示されなくなります）。",
        "Markdownの表だけで回答してください（「|」で区切るGFMの表）。見出し行と区切り行（|---|---| など）のあとにデータ行を"
        "{rows_ja}置き、列は{columns_ja}にします。どの行もセル数は見出し行と同数にして見出し行のセルは空にせず、セルの中に「|」を書く場合は「\\|」か"
        "コード（`…`）を使います。表の前後には何も書かず、```のコードブロックにも入れないでください"
        "（コードブロック内では表として表示されないため）。",
    )
    _TABLE = "| 都市 | 人口 | 特徴 |\n| --- | ---: | :-: |\n| 札幌 | 196万人 | 雪まつり |\n| 福岡 | 164万人 | 屋台 |"
    examples = (
        E(response=_TABLE, passed=True, params={"columns": 3, "rows": 2}),
        E(response="記号 | 意味\n:-- | --\n`a \\| b` | aまたはb\n`x|y` | 区切り\n\\| | 縦線", passed=True,
          params={"columns": 2, "rows": 3},
          note="no outer pipes; escaped pipes and pipes inside code spans do not separate cells"),
        E(response=_TABLE, passed=True, params={}, note="alias default: any table with >= 2 columns and >= 1 row"),
        E(response="```markdown\n" + _TABLE + "\n```", passed=False, params={"columns": 3, "rows": 2},
          note="a fenced table does not render; fences are forbidden and the wording says so"),
        E(response="主要都市の比較です。\n\n" + _TABLE, passed=False, params={"columns": 3, "rows": 2},
          note="a preface sentence outside the table"),
        E(response=_TABLE + "\n\n人口は2020年の国勢調査によります。", passed=False, params={"columns": 3, "rows": 2},
          note="a closing remark outside the table"),
        E(response="| 都市 | 人口 | 特徴 |\n| --- | --- | --- |\n| 札幌 | 196万人 |\n| 福岡 | 164万人 | 屋台 |",
          passed=False, params={"columns": 3, "rows": 2}, note="row 3 is missing a cell"),
        E(response="| 都市 | 人口 | 特徴 |\n| --- | --- | --- |\n| 札幌 | 196万人 | 雪まつり | 北海道 |\n"
                   "| 福岡 | 164万人 | 屋台 |", passed=False, params={"columns": 3, "rows": 2},
          note="an extra cell (markdown-it silently drops it)"),
        E(response="| 記号 | 意味 |\n| --- | --- |\n| a|b | または |", passed=False, params={"columns": 2, "rows": 1},
          note="anchor defect inverted: an unescaped pipe does split, so the row has 3 cells"),
        E(response=_TABLE, passed=False, params={"columns": 3, "rows": 3}, note="2 data rows, needs 3"),
        E(response=_TABLE, passed=False, params={"columns": 2, "rows": 2}, note="3 columns, needs 2"),
        E(response="札幌は人口196万人で雪まつりが有名です。福岡は人口164万人で屋台が有名です。", passed=False,
          params={"columns": 3, "rows": 2}, note="prose is not a table"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(columns=rng.randint(2, 5), rows=rng.randint(2, 8))

    def demands(self, prompt: Any = None) -> Demands:
        return table_demands(self.params.columns, self.params.rows, row_per_line=True)

    def display(self) -> dict[str, str]:
        c, n = self.params.columns, self.params.rows
        return {"columns_ja": f"{c}列" if c is not None else "2列以上",
                "rows_ja": f"{n}行" if n is not None else "1行以上"}

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, ("",), fence="forbidden")
        if payload.text is None:
            return self.fail(payload.reason)
        return super().check(r)

    def check_markdown(self, r: Response) -> Verdict:
        tokens = md_tokens(r)
        blocks = [t for t in tokens if t.level == 0 and t.nesting >= 0 and t.block]
        found = tables(r)
        if not found:
            return self.fail("no Markdown table found: needs a header row, a delimiter row like |---|---| and data rows")
        for t in blocks:
            if t.type != "table_open" or t is not blocks[0]:
                what = _BLOCK_NAMES.get(t.type, t.type)
                return self.fail(f"line {t.map[0] + 1} is outside the table ({what}); the answer must be one table only")
        table = found[0]
        columns, rows = self.params.columns, self.params.rows
        if columns is not None and table.columns != columns:
            return self.fail(f"the header has {_plural(table.columns, 'column')}, needs {columns}")
        if columns is None and table.columns < 2:
            return self.fail(f"the header has {_plural(table.columns, 'column')}, needs at least 2")
        problem = _table_problem(table)
        if problem:
            return self.fail(problem)
        if rows is not None and table.body_rows != rows:
            return self.fail(f"the table has {_plural(table.body_rows, 'data row')}, needs exactly {rows}")
        if table.body_rows < 1:
            return self.fail("the table has no data row")
        return self.ok(f"one table of {table.columns} columns and {table.body_rows} data rows")


@register
class MarkdownTableConsistent(_Markdown):
    id = "format.markdown_table_consistent"
    aliases = ("MarkdownTableStructureConstraint",)
    output_format = True

    class Params(ParamsBase):
        min_tables: int = Field(default=1, ge=1, le=10)

    test_wording = (
        "Markdownの表（「|」で区切るGFM形式で、見出し行のすぐ下に |---|---| のような区切り行があるもの）を{min_tables}個以上"
        "含めてください。表の前後に文章があってもかまいません。どの表でも、すべての行のセル数を見出し行のセル数とそろえ、"
        "見出し行のセルは空にしないでください。"
    )
    examples = (
        E(response="比較表です。\n\n| 項目 | A案 | B案 |\n| --- | --- | --- |\n| 費用 | 10万円 | 15万円 |\n"
                   "| 期間 | 2週間 | 1週間 |\n\nB案の方が早く終わります。", passed=True, params={"min_tables": 1}),
        E(response="| 曜日 | 担当 |\n|---|---|\n| 月 | 佐藤 |\n\n| 曜日 | 担当 |\n|---|---|\n| 火 | 鈴木 |", passed=True,
          params={"min_tables": 2}),
        E(response="| 項目 | A案 | B案 |\n| --- | --- | --- |\n| 費用 | 10万円 |\n| 期間 | 2週間 | 1週間 |",
          passed=False, params={"min_tables": 1}, note="a row with a missing cell"),
        E(response="|  | A案 | B案 |\n| --- | --- | --- |\n| 費用 | 10万円 | 15万円 |", passed=False,
          params={"min_tables": 1}, note="an empty header cell"),
        E(response="A案は費用10万円、B案は15万円です。", passed=False, params={},
          note="anchor defect: text with no table passed"),
        E(response="| 項目 | A案 |\n| --- | --- |\n| 費用 | 10万円 |", passed=False, params={"min_tables": 2},
          note="one table, needs 2"),
        E(response="| 項目 | A案 | B案 |\n| --- | --- |\n| 費用 | 10万円 | 15万円 |", passed=False,
          params={"min_tables": 1}, note="the delimiter row has 2 cells under a 3-cell header: not a table"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_tables=rng.randint(1, 2))

    def check_markdown(self, r: Response) -> Verdict:
        found = tables(r)
        for t in found:
            problem = _table_problem(t)
            if problem:
                return self.fail(problem)
        need = self.params.min_tables
        if len(found) < need:
            return self.fail(f"found {_plural(len(found), 'Markdown table')}, needs at least {need} "
                             "(a header row, a delimiter row like |---|---|, data rows)")
        return self.ok(f"{len(found)} consistent tables")


# --- emphasis and code fences -------------------------------------------------------------------------------

@register
class MarkdownEmphasis(_Markdown):
    id = "format.markdown_emphasis"
    aliases = ("MarkdownUnconsumedEmphasisMarkersConstraint",)
    train = True

    class Params(ParamsBase):
        min_spans: int = Field(default=1, ge=1, le=50)

    test_wording = (
        "Markdownの強調（**太字** や *斜体*）を{min_spans}か所以上使ってください。強調の記号「*」「_」は必ず対にして閉じ、"
        "対にならないまま残った記号があってはいけません（コードの中と、file_name のような語中の「_」は除く）。記号そのものを書きたいときは「\\*」のように"
        "エスケープしてください。**「重要」**です のように、かっこや句読点のすぐ内側で閉じる強調も正しい強調として数えます。"
    )
    train_wordings = (
        "**太字** や *斜体* の強調を{min_spans}か所以上入れてください。* や _ の強調記号は開いたら必ず閉じ、片方だけ残さないこと"
        "（コード内と file_name のような語中の _ は対象外）。記号を文字として使うなら「\\*」とエスケープします。なお、**「注意」**のように括弧や句読点の"
        "直前・直後で閉じても強調として認めます。",
        "Markdownの強調記法を{min_spans}回以上使ってください（**…** で太字、*…* で斜体）。「*」や「_」を閉じ忘れたり、"
        "対にならない形で残したりしてはいけません（コードの中や、file_name のような語中の「_」は除く）。記号だけを表示したい場合は「\\*」のようにエスケープしてください。"
        "**「重要」**です のような、かぎかっこを含む強調も有効です。",
        "強調表示（**太字**、*斜体*）を少なくとも{min_spans}か所に使い、強調の記号 * と _ はすべてペアにしてください。"
        "ペアにならない記号が1つでも残っていれば不可です（コード内の記号と、file_name のような語中の _ は数えません）。記号を普通の文字として書くときは「\\*」と"
        "エスケープし、**「重要」**です のように句読点やかっこに接した強調も正しい強調として扱います。",
        "回答中で{min_spans}か所以上を強調してください（**太字** または *斜体*）。強調に使う「*」「_」は必ず開きと閉じの対にし、"
        "閉じられていない記号を残さないこと。ただしコードの中と、file_name のような語中の「_」は対象外です。記号を文字として見せたいときは「\\*」と書きます。"
        "**「重要」**です のように括弧のすぐ内側で閉じる形も強調として数えます。",
        "**太字** か *斜体* の強調を{min_spans}個以上使うこと。* と _ の強調記号は対で使い、相手のいない記号を本文に残さないこと"
        "（コードの中にあるものと、file_name のような語中の _ は除外）。記号そのものは「\\*」のようにエスケープして書いてください。**「重要」**です のように"
        "括弧や句読点と接する強調も、正しく閉じていれば1か所と数えます。",
    )
    examples = (
        E(response="**結論**から言うと、*毎日少しずつ*続けることが大切です。", passed=True, params={"min_spans": 2}),
        E(response="**「重要」**です。期限は**3月末**までです。", passed=True, params={"min_spans": 2},
          note="anchor defect: CommonMark flanking rejects **「重要」**です; it counts here"),
        E(response="これは**「重要」**です。", passed=True, params={"min_spans": 1},
          note="CJK punctuation after the opening ** too"),
        E(response="変数名は `user_name*` です。**注意**してください。", passed=True, params={"min_spans": 1},
          note="markers inside inline code are ignored"),
        E(response="価格は1,000円\\*です。**税込**です。", passed=True, params={"min_spans": 1},
          note="an escaped asterisk is not a marker"),
        E(response="**結論**から言うと、*毎日少しずつ続けることが大切です。", passed=False, params={"min_spans": 1},
          note="an unpaired *"),
        E(response="**結論から言うと、毎日続けることが大切です。", passed=False, params={"min_spans": 1},
          note="an unclosed **"),
        E(response="毎日少しずつ続けることが大切です。", passed=False, params={"min_spans": 1}, note="no emphasis"),
        E(response="**結論**から言うと、毎日続けることが大切です。", passed=False, params={"min_spans": 2},
          note="1 span, needs 2"),
        E(response="**重要**：価格*は税抜きです。", passed=False, params={"min_spans": 1},
          note="a stray footnote asterisk is an unpaired marker"),
        E(response="file_name と my_var_2 は **識別子** です。", passed=True, params={"min_spans": 1},
          note="intraword underscores cannot open or close emphasis"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_spans=rng.randint(1, 4))

    def check_markdown(self, r: Response) -> Verdict:
        problem = _unpaired(r)
        if problem:
            return self.fail(problem)
        spans = len(emphasis(r).spans)
        need = self.params.min_spans
        if spans < need:
            return self.fail(f"found {_plural(spans, 'emphasis span')} (**...** or *...*), needs at least {need}")
        return self.ok(f"{spans} emphasis spans, no unpaired marker")


@register
class MarkdownClosedFences(_Markdown):
    id = "format.markdown_closed_fences"
    aliases = ("MarkdownClosedFencesConstraint",)
    train = True

    class Params(ParamsBase):
        min_blocks: int = Field(default=1, ge=1, le=20)

    test_wording = (
        "```（または~~~）で囲んだコードブロックを{min_blocks}個以上含めてください。すべてのコードブロックの開始行には"
        "言語名を書き（例：```python）、開いたブロックは必ず、開始と同じ記号を同じ数以上並べた行で閉じてください。"
    )
    train_wordings = (
        "コードブロック（```か~~~で囲む形式）を{min_blocks}個以上使ってください。どのブロックも開始行の```や~~~の直後に言語名"
        "（```python など）を付け、開始と同じ記号を同じ数以上並べた行で必ず閉じること。",
        "回答に{min_blocks}個以上のフェンス付きコードブロック（``` または ~~~）を入れてください。各ブロックは言語名付きで"
        "始め（例：```javascript）、開始行と同じ種類の記号を同じ個数以上並べた行で閉じてください。閉じ忘れは不可です。",
        "```や~~~で囲ったコードブロックを少なくとも{min_blocks}つ書いてください。すべてのブロックで、開始行に言語名を明記し"
        "（```bash のように）、最後は開始と同じ記号を同じ長さ以上並べた行で閉じます。",
        "コードは ``` か ~~~ のフェンスで囲んだブロックとして{min_blocks}個以上示してください。フェンスの開始行には必ず"
        "言語名（```sql など）を添え、開いたフェンスは同じ記号・同じ本数以上の行でかならず閉じてください。",
        "フェンス（``` または ~~~）で囲んだコードブロックを{min_blocks}個以上入れること。どのブロックも開始のフェンスに"
        "言語名を続けて書き（例：```python）、開始フェンスと同じ記号で同じ数以上の行を置いて閉じること。",
    )
    examples = (
        E(response="次のように書きます。\n\n```python\nprint('こんにちは')\n```\n\n実行すると挨拶が表示されます。",
          passed=True, params={"min_blocks": 1}),
        E(response="```bash\npip install requests\n```\n\n~~~python\nimport requests\n~~~", passed=True,
          params={"min_blocks": 2}),
        E(response="````markdown\n```python\nprint(1)\n```\n````", passed=True, params={"min_blocks": 1},
          note="a longer fence may contain a shorter one"),
        E(response="print('こんにちは') と書くと挨拶が表示されます。", passed=False, params={"min_blocks": 1},
          note="anchor defect: prose with no fence passed"),
        E(response="次のように書きます。\n\n```python\nprint('こんにちは')\n\n実行すると挨拶が表示されます。",
          passed=False, params={"min_blocks": 1}, note="the fence is never closed"),
        E(response="````python\nprint(1)\n```\n\n以上です。", passed=False, params={"min_blocks": 1},
          note="a shorter closing fence does not close ````"),
        E(response="```\nprint('こんにちは')\n```", passed=False, params={"min_blocks": 1},
          note="no language name"),
        E(response="```python\nprint(1)\n```", passed=False, params={"min_blocks": 2}, note="1 block, needs 2"),
        E(response="```python\nprint(1)\n~~~", passed=False, params={"min_blocks": 1},
          note="a closing fence must use the same character"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_blocks=rng.randint(1, 2))

    def check_markdown(self, r: Response) -> Verdict:
        problem = _unclosed_fence(r)
        if problem:
            return self.fail(problem)
        blocks = fences(r)
        for f in blocks:
            if not f.info:
                return self.fail(f"the code block on line {f.line + 1} has no language name after {f.markup}")
        need = self.params.min_blocks
        if len(blocks) < need:
            return self.fail(f"found {_plural(len(blocks), 'fenced code block')}, needs at least {need}")
        return self.ok(f"{len(blocks)} closed fenced code blocks, each with a language name")
