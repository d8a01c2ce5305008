"""format.citations: numeric [n] or author-year (Name, YYYY) citations with a matching reference list."""

from __future__ import annotations

import random
from typing import Any, Literal

import regex
from pydantic import Field

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints.format.layout import short_text as _short
from jfbench.ja import Response

E = Example

# --- citations ------------------------------------------------------------------------------------

_REF_HEADING = regex.compile(
    r" {0,3}(?:#{1,6}[ \t]+)?(?:\*\*)?[ \t]*(参考文献|出典|references)[ \t]*[:：]?[ \t]*(?:\*\*)?[ \t]*[:：]?[ \t]*",
    regex.IGNORECASE)
_ATX_HEADING = regex.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_ENTRY_LIST_MARKER = regex.compile(r"[ \t]*(?:[-*+][ \t]+|[•・][ \t]*|[0-9]{1,9}\.[ \t]+)?")
_ENTRY_NUMBER = regex.compile(r"\[([0-9]{1,6})\]")
_NUMERIC_CITE = regex.compile(r"\[([0-9]{1,6})\]")
_SEGMENT_SPLIT = regex.compile(r"[,.、。]")
_ENTRY_YEAR = regex.compile(r"(?<![0-9])(18[0-9]{2}|19[0-9]{2}|20[0-9]{2})(?![0-9])|n\.d\.|年不明")
_PAREN = regex.compile(r"[(（]([^()（）\n]{1,300})[)）]")
_AUTHOR_YEAR = regex.compile(
    r"\s*([^,，;；]{1,80}?)\s*[,，]\s*(?:((?:18|19|20)[0-9]{2})[a-z]?|(n\.d\.?|年不明))\s*")
_NAME_TAIL = regex.compile(r"(?:\s*(?:et al\.?|ほか|他|ら))$", regex.IGNORECASE)
_NAME_SPLIT = regex.compile(r"\s*(?:&|＆|・|、)\s*|\s+and\s+")
_LATIN = regex.compile(r"[A-Za-z]")

_STYLE_JA = {
    "numeric": {
        "cite_ja": "本文中の根拠を示す箇所に[1]、[2]のような半角の角括弧付き番号を付けて引用を示し",
        "entry_ja": "各文献の行は[1]、[2]、…の番号で始め、番号は1から順に飛ばさずに振ってください。本文で使った番号には"
                    "すべて対応する文献を載せ、載せた文献はすべて本文で引用してください。",
    },
    "author_year": {
        "cite_ja": "本文中の根拠を示す箇所に、（山田, 2020）や(Smith, 2019)のように括弧の中で著者の名字と発行年を"
                   "カンマ「,」で区切った形で引用を示し",
        "entry_ja": "各文献の行は筆頭著者の名字から書き始め、1800〜2099年の発行年（不明なら「n.d.」か「年不明」）を"
                    "入れてください。載せた文献はすべて、筆頭著者の名字と発行年を使って（名字, 発行年）の形で本文中で"
                    "引用してください。",
    },
    "any": {
        "cite_ja": "本文中の根拠を示す箇所に[1]のような半角の角括弧付き番号か、（山田, 2020）のような（名字, 発行年）の形"
                   "（区切りはカンマ「,」）で引用を示し",
        "entry_ja": "番号方式なら各文献の行を[1]から順に番号を飛ばさずに始め、本文の番号と文献を過不足なく対応させて"
                    "ください。著者・年方式なら各文献を筆頭著者の名字から書き始めて発行年（1800〜2099年、不明ならn.d.か"
                    "年不明）を入れ、すべての文献を（名字, 発行年）の形で本文中で引用してください。",
    },
}


class _Section:
    """The reference section: heading line index, entry (line number, text) pairs, and the body text."""

    def __init__(self, heading: int, entries: list[tuple[int, str]], body: str) -> None:
        self.heading = heading
        self.entries = entries
        self.body = body


def _reference_section(r: Response) -> _Section | None:
    lines, fenced = r.lines, r.fenced
    heading = None
    for i in range(len(lines) - 1, -1, -1):
        if not fenced[i] and len(lines[i]) <= 60 and _REF_HEADING.fullmatch(lines[i]):
            heading = i
            break
    if heading is None:
        return None
    end = len(lines)
    for j in range(heading + 1, len(lines)):
        if not fenced[j] and _ATX_HEADING.match(lines[j]):
            end = j
            break
    entries = [(j + 1, lines[j]) for j in range(heading + 1, end) if lines[j].strip()]
    body = "\n".join(line for k, line in enumerate(lines)
                     if not (heading <= k < end) and not fenced[k])
    return _Section(heading, entries, body)


def _segments(text: str) -> int:
    return sum(1 for s in _SEGMENT_SPLIT.split(text) if s.strip())


def _author_year_citations(body: str) -> list[tuple[str, str]]:
    """(first surname, year or "n.d.") of every `(Name, YYYY)` citation; `;` separates several in one pair."""
    out = []
    for m in _PAREN.finditer(body):
        for part in regex.split(r"[;；]", m.group(1)):
            c = _AUTHOR_YEAR.fullmatch(part)
            if not c:
                continue
            name = _NAME_TAIL.sub("", c.group(1)).strip()
            name = _NAME_SPLIT.split(name, maxsplit=1)[0].strip()
            if name and regex.search(r"\p{L}", name):
                out.append((name, c.group(2) or "n.d."))
    return out


def _cites_entry(entry: str, years: set[str], citations: list[tuple[str, str]]) -> bool:
    folded = entry.casefold()
    for name, year in citations:
        key = name.casefold()
        if year not in years or not folded.startswith(key):
            continue
        after = entry[len(name):len(name) + 1]
        if _LATIN.fullmatch(name[-1]) and after and _LATIN.fullmatch(after):
            continue  # "Smi" is not the surname "Smith"
        return True
    return False


@register
class Citations(Constraint):
    id = "format.citations"
    group = Group.FORMAT
    aliases = ("CitationFormatConstraint",)
    train = True
    output_format = True
    conflicts = ("ifbench_format.one_word_per_line",)

    class Params(ParamsBase):
        # "any" and min_refs 1 are the alias-call defaults (JFBench accepted either style and any count).
        style: Literal["numeric", "author_year", "any"] = "any"
        min_refs: int = Field(default=1, ge=1, le=50)

    test_wording = (
        "出典を明記してください。{cite_ja}、本文のあとに「参考文献」「出典」「References」のいずれかだけを書いた見出し行"
        "（先頭の「## 」などの見出し記号、太字、末尾のコロンは付けてもよい）を置き、その下に文献を{min_refs}件以上、1行に1件ずつ"
        "並べてください。{entry_ja}各文献は著者・タイトル・発行年などを「,」「.」「、」「。」のいずれかで区切った2つ以上の要素で"
        "書き、見出しの下には文献以外の行を書かないでください。"
    )
    train_wordings = (
        "根拠となる資料を引用しながら答えてください。{cite_ja}、回答の末尾に「参考文献」「出典」「References」のどれか一語だけの見出し行（「##」などの見出し記号・太字・コロン付きも可）を設けます。その下には文献だけを1行1件で{min_refs}件以上書いてください。{entry_ja}文献はどれも「,」「.」「、」「。」で区切られた2要素以上（著者、書名、年など）にすること。",
        "引用のルールは次のとおりです。{cite_ja}ます。本文の後ろに「参考文献」「出典」「References」とだけ書いた行（見出し記号や太字、末尾のコロンは付けてよい）を置き、続けて文献を{min_refs}件以上、1件1行で列挙してください。{entry_ja}各文献は「,」「.」「、」「。」で区切って著者・題名・年など2つ以上の要素を含め、文献一覧の中に文献以外の行は入れないでください。",
        "出典付きの文章にしてください。{cite_ja}てください。文献一覧は本文の後に、「参考文献」「出典」「References」のいずれかのみの行を見出しとして始め（「## 」等の見出し記号、太字、コロンは可）、{min_refs}件以上を1行に1件ずつ書きます。{entry_ja}どの文献も「,」「.」「、」「。」のいずれかで区切った2つ以上の要素から成るようにし、見出しの下には文献以外を書かないこと。",
        "{cite_ja}ながら説明し、最後に文献リストを付けてください。リストの見出しは「参考文献」「出典」「References」のどれかだけを書いた1行（見出し記号・太字・末尾のコロンは任意）とし、その下に1行1件で{min_refs}件以上の文献を並べます。{entry_ja}文献の各行は「,」「.」「、」「。」で区切った2要素以上で書き、リストには文献以外の行を含めないでください。",
        "主張の裏付けとなる文献を示してください。書き方：{cite_ja}、本文の後ろに見出し行「参考文献」「出典」「References」のいずれか（前に「## 」、太字、後ろにコロンを付けても可）を置いて、その下に1行1件ずつ{min_refs}件以上の文献を記載します。{entry_ja}各文献は著者・タイトル・年などを「,」「.」「、」「。」で区切り、2要素以上にしてください。見出しより下に文献以外の行は書かないこと。",
    )
    examples = (
        E(response="日本の平均気温は過去100年で約1.3℃上昇しています[1]。特に都市部ではヒートアイランド現象の影響も"
                   "大きいとされます[2]。\n\n参考文献\n[1] 気象庁, 気候変動監視レポート2023, 2024.\n"
                   "[2] 山田太郎, 都市気候学入門, 東京出版, 2019.",
          passed=True, params={"style": "numeric", "min_refs": 2}),
        E(response="## 概要\n円安は輸入物価を押し上げます[1][2]。一方で輸出企業の収益は改善します[3]。\n\n## 参考文献\n"
                   "- [1] 日本銀行, 経済・物価情勢の展望, 2023年.\n- [2] 佐藤一郎, 為替と物価, 経済書房, 2021年.\n"
                   "- [3] 内閣府, 年次経済財政報告, 2022年.",
          passed=True, params={"style": "numeric", "min_refs": 3}, note="a heading and bullet-marked entries"),
        E(response="睡眠不足は集中力を大きく低下させます（山田, 2020）。短い昼寝が午後の作業効率を高めるという報告も"
                   "あります (Smith et al., 2018)。\n\n出典：\n山田花子、睡眠と学習、教育出版、2020年。\n"
                   "Smith, J., & Lee, K. (2018). Napping and performance. Sleep Journal, 12, 45-60.",
          passed=True, params={"style": "author_year", "min_refs": 2}, note="et al. and a full-width pair"),
        E(response="古い記録によれば、この寺は江戸時代に再建されました（田中, n.d.）。\n\n**References:**\n"
                   "田中宗一、寺社縁起集、n.d.\n鈴木健, 近世寺院史, 1998.\n\n鈴木の研究（鈴木, 1998）も参考になります。",
          passed=False, params={"style": "author_year", "min_refs": 2},
          note="the closing line belongs to the reference section, so 鈴木健's entry is never cited in the body"),
        E(response="古い記録によれば、この寺は江戸時代に再建されました（田中, n.d.）。詳しい経緯は（鈴木, 1998）に"
                   "まとめられています。\n\n**References:**\n田中宗一、寺社縁起集、n.d.\n鈴木健, 近世寺院史, 1998.",
          passed=True, params={"style": "author_year", "min_refs": 2}, note="n.d. and a bold heading with colon"),
        E(response="気温は上昇傾向にあります[1]。\n\n参考文献\n[1] 気象庁, 気候変動監視レポート, 2024.", passed=True,
          params={}, note="alias call default: either style, at least one entry"),
        E(response="日本の平均気温は過去100年で約1.3℃上昇しています[1]。\n\n[1] 気象庁, 気候変動監視レポート, 2024.\n"
                   "[2] 山田太郎, 都市気候学入門, 2019.",
          passed=False, params={"style": "numeric", "min_refs": 2},
          note="anchor defect: a trailing block of dated lines with no 参考文献 heading"),
        E(response="平均気温は上昇しています[1]。\n\n参考文献\n[1] 気象庁, 気候変動監視レポート, 2024.", passed=False,
          params={"style": "numeric", "min_refs": 2}, note="anchor defect: no minimum count; 1 entry, needs 2"),
        E(response="平均気温は上昇しています[1]。都市部では特に顕著です[3]。\n\n参考文献\n"
                   "[1] 気象庁, 気候変動監視レポート, 2024.\n[2] 山田太郎, 都市気候学入門, 2019.",
          passed=False, params={"style": "numeric", "min_refs": 2}, note="[3] is cited but has no entry"),
        E(response="平均気温は上昇しています[1]。\n\n参考文献\n[1] 気象庁, 気候変動監視レポート, 2024.\n"
                   "[2] 山田太郎, 都市気候学入門, 2019.",
          passed=False, params={"style": "numeric", "min_refs": 2}, note="entry [2] is never cited"),
        E(response="平均気温は上昇しています[1]。都市部では特に顕著です[3]。\n\n参考文献\n"
                   "[1] 気象庁, 気候変動監視レポート, 2024.\n[3] 山田太郎, 都市気候学入門, 2019.",
          passed=False, params={"style": "numeric", "min_refs": 2}, note="entries skip [2]"),
        E(response="平均気温は上昇しています[1]。都市部では特に顕著です[2]。\n\n参考文献\n"
                   "[1] 気象庁, 気候変動監視レポート, 2024.\n[2] 都市気候学入門",
          passed=False, params={"style": "numeric", "min_refs": 2}, note="entry [2] has a single segment"),
        E(response="睡眠不足は集中力を低下させます（山田, 2020）。昼寝も効果的です（Smith, 2017）。\n\n出典\n"
                   "山田花子、睡眠と学習、教育出版、2020年。\nSmith, J. (2018). Napping and performance. Sleep Journal.",
          passed=False, params={"style": "author_year", "min_refs": 2},
          note="Smith is cited with 2017 but the entry says 2018"),
        E(response="睡眠不足は集中力を低下させます（山田, 2020）。\n\n出典\n山田花子、睡眠と学習、教育出版。\n"
                   "Smith, J. (2018). Napping and performance.",
          passed=False, params={"style": "author_year", "min_refs": 2}, note="the first entry has no year"),
        E(response="睡眠不足は集中力を低下させます[1]。\n\n出典\n[1] 山田花子、睡眠と学習、教育出版、2020年。\n"
                   "[2] Smith, J. (2018). Napping and performance.",
          passed=False, params={"style": "author_year", "min_refs": 2}, note="numeric citations, author-year asked"),
        E(response="気温は上昇傾向にあるといわれています。詳しくは気象庁の資料をご覧ください。", passed=False,
          params={"style": "numeric", "min_refs": 2}, note="prose that mentions a source"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(style=rng.choice(("numeric", "author_year")), min_refs=rng.randint(2, 4))

    def display(self) -> dict[str, str]:
        return dict(_STYLE_JA[self.params.style])

    def check(self, r: Response) -> Verdict:
        section = r.memo(("format.citations", "section"), lambda: _reference_section(r))
        if section is None:
            return self.fail("no reference heading line reading 参考文献, 出典 or References")
        entries = [(n, _ENTRY_LIST_MARKER.sub("", text, count=1).strip()) for n, text in section.entries]
        if not entries:
            return self.fail(f"the reference heading on line {section.heading + 1} is followed by no entry")
        style = self.params.style
        if style == "any":
            style = "numeric" if _ENTRY_NUMBER.match(entries[0][1]) else "author_year"
        verdict = self._numeric(entries, section.body) if style == "numeric" else self._author_year(entries,
                                                                                                  section.body)
        if verdict is not None:
            return verdict
        need = self.params.min_refs
        if len(entries) < need:
            return self.fail(f"{len(entries)} reference entries, needs at least {need}")
        return self.ok(f"{len(entries)} {style.replace('_', '-')} reference(s), all matched with citations")

    def _numeric(self, entries: list[tuple[int, str]], body: str) -> Verdict | None:
        numbers = []
        for k, (line_no, text) in enumerate(entries, 1):
            m = _ENTRY_NUMBER.match(text)
            if not m:
                return self.fail(f"line {line_no} in the reference section does not start with [n]: {_short(text)}")
            n = int(m.group(1))
            if n != k:
                return self.fail(f"reference entry {k} is numbered [{n}]; entries must run [1], [2], ... with no gaps")
            if _segments(text[m.end():]) < 2:
                return self.fail(f"entry [{n}] needs >= 2 parts separated by , . 、 or 。: {_short(text)}")
            numbers.append(n)
        cited = {int(m.group(1)) for m in _NUMERIC_CITE.finditer(body)}
        if not cited:
            return self.fail("the body cites no source as [n]")
        missing = sorted(cited - set(numbers))
        if missing:
            return self.fail(f"[{missing[0]}] is cited but has no entry")
        unused = [n for n in numbers if n not in cited]
        if unused:
            return self.fail(f"entry [{unused[0]}] is never cited in the body")
        return None

    def _author_year(self, entries: list[tuple[int, str]], body: str) -> Verdict | None:
        citations = _author_year_citations(body)
        for line_no, text in entries:
            if _ENTRY_NUMBER.match(text):
                return self.fail(f"the entry on line {line_no} starts with a number {_short(text, 8)}; author-year "
                                 "entries start with the first author's name and are cited as (Name, YYYY)")
            years = {"n.d." if m.group(1) is None else m.group(1) for m in _ENTRY_YEAR.finditer(text)}
            if not years:
                return self.fail(f"the entry on line {line_no} has no year (1800-2099) or n.d./年不明: {_short(text)}")
            if _segments(text) < 2:
                return self.fail(f"the entry on line {line_no} needs >= 2 parts separated by , . 、 or 。: "
                                 f"{_short(text)}")
            if not _cites_entry(text, years, citations):
                return self.fail(f"the entry on line {line_no} ({_short(text, 20)}) is not cited in the body as "
                                 f"(first author's surname, {sorted(years)[0]})")
        return None


