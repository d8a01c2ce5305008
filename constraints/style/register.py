"""Sentence-ending style: polite, plain, past_tense, present_tense and taigendome (all hybrid).

One classifier reads the sentence-final chain of every §S sentence (CATALOG.md, "style"): the trailing
助動詞 tokens, plus a 有る after 助動詞-ダ (である, であります, であった). Sentences exclude headings,
label lines ending in ：, table cells, code, and sentences that are wholly quoted speech 「…」 or a
parenthetical; a quotation or parenthetical inside a sentence never supplies its ending.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

import regex

from jfbench.catalog import Example, Kind, Verdict, register
from jfbench.ja import Response, Token, lemma_base

from ._shared import ITEM, PROSE, StyleConstraint, line_kinds, snippet

E = Example

POLITE, PLAIN, NEUTRAL = "polite", "plain", "neutral"
_POLITE_TYPES = frozenset({"助動詞-デス", "助動詞-マス"})
_POLITE_LEMMAS = frozenset({"下さる", "為さる"})  # ください, なさい (imperatives of respect)
_PREDICATE_POS = frozenset({"動詞", "形容詞", "助動詞"})
_PAREN_OPENERS = frozenset("（(")
_BRACKETS = regex.compile(r"[「『（(【［\[〈《“」』）)】］\]〉》”]")
_OPENERS = frozenset("「『（(【［[〈《“")


class Final(NamedTuple):
    """How one sentence ends."""

    index: int  # into r.sentences
    text: str
    kind: str  # PROSE or ITEM
    register: str  # POLITE, PLAIN or NEUTRAL
    past: bool  # 助動詞-タ in the chain
    nominal: bool  # the last word is a noun, pronoun or nominal suffix, or a closing quotation
    ending: str  # the last words, for reasons




def _spans(line: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Top-level bracket pairs (start, end, opener) within line[start:end]; depth as in §S."""
    spans = []
    depth = 0
    open_at, opener = 0, ""
    for m in _BRACKETS.finditer(line, start, end):
        ch = m.group()
        if ch in _OPENERS:
            if depth == 0:
                open_at, opener = m.start(), ch
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((open_at, m.end(), opener))
    return spans


class _Enclosure:
    """The opener of the top-level span around words[i], or "" outside every span."""

    def __init__(self, words: list[Token], spans: list[tuple[int, int, str]]) -> None:
        self.words, self.spans = words, spans
        self.starts = [start for start, _, _ in spans]

    def __call__(self, i: int) -> str:
        if not self.spans:
            return ""
        start = self.words[i].start
        k = bisect_right(self.starts, start) - 1
        return self.spans[k][2] if k >= 0 and start < self.spans[k][1] else ""


def _is_predicate(t: Token) -> bool:
    """A verb, adjective or auxiliary; an adjective-forming suffix (やすい, にくい, っぽい) ends an adjective."""
    return t.pos1 in _PREDICATE_POS or (t.pos1 == "接尾辞" and t.pos2 in ("形容詞的", "動詞的"))


def _is_nominal(t: Token) -> bool:
    return t.pos1 in ("名詞", "代名詞") or (t.pos1 == "接尾辞" and t.pos2 == "名詞的")


def classify(index: int, text: str, kind: str, words: list[Token], spans: list[tuple[int, int, str]]
             ) -> Final | None:
    """The ending of one sentence from its words (no punctuation); None when it is wholly quoted."""
    where = _Enclosure(words, spans)
    j = len(words) - 1
    while j >= 0 and where(j) in _PAREN_OPENERS:  # a trailing parenthetical never supplies the ending
        j -= 1
    if j < 0:
        return None  # a parenthetical on its own
    if where(j):  # ends in a quotation
        i = j
        while i >= 0 and where(i):
            i -= 1
        if i < 0:
            return None  # quoted speech on its own
        # 合言葉は「挑戦」: a closing quotation reads as a noun phrase, with no predicate
        return Final(index, text, kind, NEUTRAL, False, True, "a closing quotation")
    nominal = _is_nominal(words[j])
    p = j
    while p > 0 and words[p].pos1 == "助詞" and words[p].pos2 == "終助詞" and not where(p - 1):
        p -= 1  # sentence-final particles (ね, よ, か) sit after the predicate
    last = words[p]
    chain: list[Token] = []
    q = p
    while q >= 0 and not where(q):
        t = words[q]
        if t.pos1 == "助動詞" or (t.pos1 == "動詞" and lemma_base(t) == "有る" and q > 0
                                 and words[q - 1].ctype == "助動詞-ダ"):
            chain.append(t)
            q -= 1
            continue
        # の/ん before だ/です (行ったのです, できたんだ) belongs to the ending: look through it.
        if (chain and t.pos2 == "準体助詞" and t.surface in ("の", "ん")
                and chain[-1].ctype in ("助動詞-ダ", "助動詞-デス") and q > 0):
            q -= 1
            continue
        break
    types = {t.ctype for t in chain}
    if types & _POLITE_TYPES or lemma_base(last) in _POLITE_LEMMAS:
        register_ = POLITE
    elif ("助動詞-ダ" in types or (_is_predicate(last) and last.cform.startswith("終止形"))
          or (last.pos1 == "動詞" and last.cform in ("意志推量形", "命令形"))):  # 行こう, 急げ: plain endings
        register_ = PLAIN
    else:
        register_ = NEUTRAL
    ending = "".join(t.surface for t in words[max(0, q):j + 1])  # the predicate head, its chain, particles
    return Final(index, text, kind, register_, "助動詞-タ" in types, nominal, ending)


def _compute_finals(r: Response) -> list[Final]:
    kinds = line_kinds(r)
    out = []
    for k, (s, words) in enumerate(zip(r.sentences, r.sentence_words, strict=True)):
        kind = kinds[s.line]
        if kind not in (PROSE, ITEM):
            continue
        if not words:
            continue
        line = r.md_lines[s.line]
        spans = _spans(line, s.start, s.end) if _BRACKETS.search(s.text) else []
        final = classify(k, s.text, kind, words, spans)
        if final is not None:
            out.append(final)
    return out


def sentence_finals(r: Response) -> list[Final]:
    """The ending of every sentence the style heuristics read, in order (computed once per answer)."""
    return r.memo("style.sentence_finals", lambda: _compute_finals(r))


def _show(f: Final) -> str:
    return f"「{snippet(f.text)}」 (ends in {f.ending})"


_TEXT_HINT = "sentences in headings, 〜： label lines, tables, code and quotations do not count"


# --- polite / plain -------------------------------------------------------------------------------

@register
class Polite(StyleConstraint):
    id = "style.polite"
    kind = Kind.HYBRID
    rubric = "style_polite"
    aliases = ("PoliteStyleConstraint",)
    train = True
    conflicts = ("ifbench_format.one_word_per_line",)
    test_wording = (
        "すべての文を「です」「ます」調（敬体）で書いてください。述語で終わる文は、箇条書きの項目も含めて「です」「ます」"
        "「でした」「ました」「ください」などで終え、「だ」「である」や「〜する。」「〜した。」「〜い。」のような常体の言い切りを"
        "使わないでください。名詞で終わる文や見出しはそのままで構いませんが、「です」「ます」で終わる文を少なくとも1文は"
        "書いてください。"
    )
    train_wordings = (
        "文体は敬体（です・ます調）に統一してください。文末を「だ・である」や動詞・形容詞の言い切り（〜する、〜した、〜い）にせず、"
        "「です」「ます」の形（〜でした、〜ましょう、〜ください等）で終えること。箇条書きの文も同様です。見出しや名詞で止めた文は構いません。",
        "丁寧語の「です」「ます」を使って回答してください。常体の文（「〜だ」「〜である」「〜する」「〜した」で終わる文）は1文も"
        "混ぜないでください。ただし、名詞で終わる文や見出しは問題ありません。",
        "回答全体をです・ます調で書いてください。述語のある文はどれも「です」「ます」（過去なら「でした」「ました」、依頼なら"
        "「ください」）で締めくくり、だ・である調の文末が一つもないようにしてください。",
        "読み手に丁寧に語りかける敬体で書くこと。各文の文末は「です」「ます」系（〜です、〜ます、〜でしょう、〜ください など）にし、"
        "「〜だ」「〜である」「〜と思う」のような言い切りは避けてください。箇条書きの文にも同じ決まりを適用します。",
        "すべての文の語尾を「です」か「ます」の形にそろえてください。常体の語尾（だ、である、動詞や形容詞の終止形）が一つでもあれば"
        "不可です。名詞で終わる文、見出し、「材料：」のような項目名の行は対象外です。",
    )
    examples = (
        E(response="こんにちは。今日は朝から晴れています。散歩に出かけるのにぴったりの天気ですね。", passed=True),
        E(response="## 用意するもの\n材料：\n- 卵を2個用意します。\n- 牛乳は200mlです。\n\n"
                   "娘は「もう待てないよ」と言いました。焼き上がりまで30分ほどかかります。", passed=True,
          note="the heading, the label line and the quoted speech are not read"),
        E(response="次のコードを実行してください。\n```python\nprint('完了だ')\n```\n画面に結果が表示されます。",
          passed=True, note="code is not read"),
        E(response="| 手順 | 内容 |\n|---|---|\n| 1 | 材料を切る |\n| 2 | 炒める |\n\n表の順に進めてください。",
          passed=True, note="table cells are not sentences"),
        E(response="重要な点は二つあります（詳しくは後述する）。まず準備です。", passed=True,
          note="a trailing parenthetical does not supply the ending"),
        E(response="今日は晴れです。明日は雨が降るだろう。", passed=False, note="だろう is plain"),
        E(response="この方法はとても便利だ。ぜひ試してみてください。", passed=False, note="mixed styles"),
        E(response="作り方は簡単です。\n- 野菜を切る\n- 油で炒める\n- 塩で味を調えます", passed=False,
          note="list items with a predicate count"),
        E(response="東京タワー。高さ333メートル。昭和33年の完成。", passed=False, note="no です/ます sentence at all"),
        E(response="この本はとても面白い。", passed=False, note="a plain adjective ending"),
    )

    def check(self, r: Response) -> Verdict:
        finals = sentence_finals(r)
        plain = [f for f in finals if f.register == PLAIN]
        polite = [f for f in finals if f.register == POLITE]
        if plain:
            return self.fail(f"{len(plain)} sentence(s) end in plain form, e.g. {_show(plain[0])}; "
                             "end them in です/ます")
        if not polite:
            return self.fail(f"no sentence ends in です/ます form ({len(finals)} sentence(s) read; {_TEXT_HINT})")
        return self.ok(f"{len(polite)} sentence(s) end in です/ます form and none in plain form")


@register
class Plain(StyleConstraint):
    id = "style.plain"
    kind = Kind.HYBRID
    rubric = "style_plain"
    aliases = ("PlainStyleConstraint",)
    train = True
    conflicts = ("ifbench_format.one_word_per_line",)
    test_wording = (
        "常体（だ・である調）で書いてください。述語で終わる文は「だ」「である」「〜する」「〜した」「〜ない」のような言い切りで終え、"
        "「です」「ます」で終わる文（「でした」「ました」「でしょう」「ください」「なさい」で終わる文も含む）を一つも入れないでください。"
        "常体で言い切る文を少なくとも1文は書いてください。"
    )
    train_wordings = (
        "文体は「だ・である調」に統一してください。文末に「です」「ます」系の丁寧語（〜です、〜ます、〜でした、〜ましょう、〜ください、"
        "〜なさい等）を使わず、「〜だ」「〜である」や動詞・形容詞の言い切りで締めること。",
        "敬体を使わず、常体で回答してください。「です」「ます」「ください」「なさい」で終わる文は1文もあってはならず、少なくとも1文は"
        "「〜だ」「〜である」「〜する」などの常体の言い切りで終えてください。",
        "です・ます調ではなく、論文や新聞記事のような「だ・である」の文体で書いてください。どの文の末尾にも「です」「ます」「でした」"
        "「ました」「ください」「なさい」を使わないこと。",
        "回答は常体で書くこと。文末は「〜だ」「〜である」「〜した」「〜ない」のような普通体にし、丁寧語の「です」「ます」や"
        "「ください」「なさい」で終わる文は含めないでください。",
        "「です」「ます」を文末に一切使わない、だ・である調の文章にしてください。述語のある文は常体の言い切りで終え、"
        "「〜してください」「〜しなさい」のような丁寧な命令・依頼の形も使わないでください。",
    )
    examples = (
        E(response="今日は朝から晴れだ。午後は近所の公園まで散歩に行こうと思う。", passed=True),
        E(response="日本の首都は東京である。人口はおよそ1400万人。", passed=True, note="a noun ending is neutral"),
        E(response="駅で会った彼は「ありがとうございます」と頭を下げた。", passed=True,
          note="quoted speech is not read"),
        E(response="# まとめです\n結論として、この方法が最も効率的だといえる。", passed=True, note="headings are not read"),
        E(response="今日は晴れです。", passed=False),
        E(response="この方法はとても便利だ。ぜひ試してみてください。", passed=False, note="ください is polite"),
        E(response="毎日30分は歩きなさい。", passed=False, note="なさい counts as polite"),
        E(response="春の訪れ。満開の桜。", passed=False, note="no plain sentence"),
        E(response="調査の結果は次のとおりだ。\n- 参加者は増えました\n- 満足度は高い", passed=False,
          note="a list item in ます form"),
    )

    def check(self, r: Response) -> Verdict:
        finals = sentence_finals(r)
        plain = [f for f in finals if f.register == PLAIN]
        polite = [f for f in finals if f.register == POLITE]
        if polite:
            return self.fail(f"{len(polite)} sentence(s) end in です/ます form, e.g. {_show(polite[0])}; "
                             "use だ/である or a plain ending")
        if not plain:
            return self.fail(f"no sentence ends in a plain predicate ({len(finals)} sentence(s) read; {_TEXT_HINT})")
        return self.ok(f"{len(plain)} sentence(s) end in plain form and none in です/ます form")


# --- tense ----------------------------------------------------------------------------------------

def _with_predicate(finals: list[Final]) -> list[Final]:
    return [f for f in finals if f.register != NEUTRAL or f.past]


@register
class PastTense(StyleConstraint):
    id = "style.past_tense"
    kind = Kind.HYBRID
    rubric = "style_past_tense"
    aliases = ("PastTenseStyleConstraint",)
    conflicts = ("ifbench_format.one_word_per_line",)
    test_wording = (
        "すべての文を過去形で書いてください。述語で終わる文は「〜た」「〜だった」「〜でした」「〜ました」のような過去の形で終え、"
        "「〜する」「〜です」「〜ます」「〜だ」のような現在形の文末を使わないでください。名詞で終わる文や見出しは構いませんが、"
        "述語で終わる文を少なくとも1文は書いてください。"
    )
    examples = (
        E(response="昨日は一日中雨が降った。私は家で本を読んで過ごしました。", passed=True),
        E(response="## 旅の記録\n初めて京都を訪れました。「また来たい」と友人は言った。夕暮れの鴨川。", passed=True,
          note="a heading, quoted speech and a noun ending are not read"),
        E(response="祖父は若いころ漁師であった。", passed=True, note="であった: the chain holds 有る after だ"),
        E(response="昨日は雨が降った。今日は晴れている。", passed=False),
        E(response="春の京都。桜並木。", passed=False, note="no sentence with a predicate"),
        E(response="明日は雨が降るでしょう。", passed=False),
        E(response="去年の夏は暑かった。\n- 海に行った\n- 花火を見る", passed=False, note="list items count"),
    )

    def check(self, r: Response) -> Verdict:
        predicate = _with_predicate(sentence_finals(r))
        if not predicate:
            return self.fail(f"no sentence ends in a predicate ({_TEXT_HINT})")
        present = [f for f in predicate if not f.past]
        if present:
            return self.fail(f"{len(present)} of {len(predicate)} sentence(s) are not in the past tense, "
                             f"e.g. {_show(present[0])}")
        return self.ok(f"all {len(predicate)} sentence(s) with a predicate end in the past tense")


@register
class PresentTense(StyleConstraint):
    id = "style.present_tense"
    kind = Kind.HYBRID
    rubric = "style_present_tense"
    aliases = ("PresentTenseStyleConstraint",)
    conflicts = ("ifbench_format.one_word_per_line",)
    test_wording = (
        "過去形を使わず、現在形で書いてください。どの文の文末にも「〜た」「〜だった」「〜でした」「〜ました」のような過去の形を"
        "使わず、少なくとも1文は動詞・形容詞や「です」「ます」「だ」などの述語で終えてください。"
    )
    examples = (
        E(response="毎朝6時に起きます。朝食はたいていパンとコーヒーです。", passed=True),
        E(response="彼は「昨日は楽しかった」と笑顔で話す。", passed=True, note="the past form is in quoted speech"),
        E(response="昨日買った本はとても面白い。", passed=True, note="た inside the sentence is not its ending"),
        E(response="昨日は雨が降った。", passed=False),
        E(response="東京の春。満開の桜。", passed=False, note="no sentence with a predicate"),
        E(response="毎日走ります。去年は一度も走りませんでした。", passed=False),
    )

    def check(self, r: Response) -> Verdict:
        finals = sentence_finals(r)
        past = [f for f in finals if f.past]
        if past:
            return self.fail(f"{len(past)} sentence(s) end in the past tense, e.g. {_show(past[0])}")
        if not _with_predicate(finals):
            return self.fail(f"no sentence ends in a predicate ({_TEXT_HINT})")
        return self.ok(f"{len(_with_predicate(finals))} sentence(s) with a predicate, none in the past tense")


# --- taigendome -----------------------------------------------------------------------------------

@register
class Taigendome(StyleConstraint):
    id = "style.taigendome"
    kind = Kind.HYBRID
    rubric = "style_taigendome"
    aliases = ("TaigendomeStyleConstraint",)
    train = True
    conflicts = ("ifbench_format.one_word_per_line",)
    test_wording = (
        "すべての文を名詞で終える「体言止め」で書いてください（例：「春の訪れ。」「静かな夜の街。」）。本文を2文以上書き、"
        "どの文も最後の語を名詞にして、「です」「だ」や動詞・形容詞・助詞で終えないでください。見出しと箇条書きの項目は文として数えません。"
    )
    train_wordings = (
        "体言止めの文章にしてください。本文の各文は名詞で締めくくり（例：「青い海と白い砂浜。」）、述語や助詞で終わる文を入れないこと。"
        "本文は2文以上とし、見出しや箇条書きは数に含めません。",
        "すべての文末を名詞（体言）にしてください。「〜です。」「〜した。」「〜だ。」「〜ね。」などで終わる文は不可です。"
        "見出しと箇条書きを除く本文に、少なくとも2つの文を書いてください。",
        "文を名詞で言い切る体言止めだけで回答してください。本文の文は2文以上、それぞれの最後の単語が名詞であること"
        "（例：「心地よい朝の光。」）。見出し・箇条書きの項目は判定の対象外です。",
        "本文は2文以上で、各文の結びを名詞にした体言止めの形で書いてください。動詞・形容詞・助動詞（です、だ、た）・助詞で"
        "文を終えてはいけません。見出しや箇条書きは文に数えません。",
        "各文の最後を名詞で止める書き方（体言止め）に統一してください。見出しと箇条書き以外の文を2つ以上書き、そのすべてを"
        "「〜の景色。」「〜への一歩。」のように名詞で結ぶこと。",
    )
    examples = (
        E(response="春の訪れ。満開の桜と澄んだ青空。", passed=True),
        E(response="# 冬の朝\n- 毛布\n- 暖房\n\n凍える空気。白い吐息と静かな街並み。", passed=True,
          note="the heading and the list items are not read"),
        E(response="合言葉は「挑戦」。目標は全国大会への出場。", passed=True,
          note="a closing quotation reads as a noun phrase"),
        E(response="参加者は100人。会場は市民ホール（2階）。", passed=True,
          note="a nominal suffix; a trailing parenthetical is skipped"),
        E(response="春が来た。桜が満開です。", passed=False),
        E(response="春の訪れ。", passed=False, note="needs at least 2 sentences"),
        E(response="# 春の京都\n- 桜\n- 新緑\n- 祇園祭の準備\n\n嵐山の竹林。", passed=False,
          note="headings and list items are noun-final by nature and do not count: 1 sentence"),
        E(response="春の訪れ。桜がきれいだね。", passed=False),
        E(response="静かな夜。街はとても静か。", passed=False, note="形状詞 is not a noun"),
    )

    def check(self, r: Response) -> Verdict:
        prose = [f for f in sentence_finals(r) if f.kind == PROSE]
        if len(prose) < 2:
            return self.fail(f"{len(prose)} sentence(s) outside headings and lists, needs at least 2")
        bad = [f for f in prose if not f.nominal]
        if bad:
            return self.fail(f"{len(bad)} of {len(prose)} sentence(s) do not end in a noun, e.g. {_show(bad[0])}")
        return self.ok(f"all {len(prose)} sentence(s) end in a noun")
