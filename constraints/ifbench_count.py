"""ifbench_count (6): sentence-initial conjunctions, number tokens, person names, pronouns, full-width
punctuation marks and distinct words (CATALOG.md, "ifbench_count").

Every count uses a unit of jfbench.ja, stated in the wording: words are UniDic short units (§W,
`Response.words`), conjunctions and pronouns are read from their UniDic part of speech, names and
multi-word conjunctions are matched in token mode (§K, NFKC + casefold surfaces), sentences are §S and
numbers are §N number tokens (`Response.numbers`). Nothing here tokenizes on its own.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field

from jfbench.catalog import NON_JAPANESE_IDS, Constraint, Demands, Example, Group, Params, Verdict, register
from jfbench.ja import Response, Token, fold_word, keyword_units

E = Example

# X9: the ids that need UniDic POS or readings on Japanese text conflict with these (declared on both sides).


def _show(items: list[str] | set[str], limit: int = 8) -> str:
    items = sorted(items)
    shown = "、".join(items[:limit])
    return shown + (f" …(+{len(items) - limit})" if len(items) > limit else "")


# --- ifbench_count.conjunctions ----------------------------------------------------------------------

# Conjunctions that UniDic does not tag as one 接続詞 token: multi-word ones (だから = だ/から, それでは =
# それ/で/は) and つまり (one 副詞 token). Each is matched in token mode against a sentence's first words,
# the longest entry first. けれども (けれど/も) and 一方で (一方/で) are left out on purpose: their first word
# is already a 接続詞, so they count as けれど and 一方, one kind each. tests/test_ifbench_units.py checks
# that every entry tokenizes the same alone and at the start of a sentence.
CONJUNCTION_PHRASES: tuple[str, ...] = (
    "なぜなら", "だから", "ですから", "だが", "ですが", "だけど", "ところで", "ところが", "それでは", "では",
    "それで", "それから", "それでも", "それとも", "それなら", "それなのに", "それに", "でも", "そこで",
    "そのため", "その結果", "そのうえ", "すると", "したがって", "従って", "よって", "ゆえに", "要するに",
    "つまり", "とはいえ", "にもかかわらず", "おまけに", "加えて", "ちなみに", "または", "なので", "なのに",
)
CONJUNCTION_EXAMPLES = "しかし・そして・また・さらに・ただし・なお・あるいは・すなわち・さて・一方"


@lru_cache(maxsize=1)  # tokenized on first use, so importing the catalog never loads the dictionary
def phrase_units() -> tuple[tuple[str, ...], ...]:
    """The word units (§K token mode) of CONJUNCTION_PHRASES, longest first."""
    units = {keyword_units(p) for p in CONJUNCTION_PHRASES}
    return tuple(sorted((u for u in units if u), key=len, reverse=True))


@lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for units in phrase_units():  # longest first, kept in that order per first word
        index.setdefault(units[0], []).append(units)
    return {k: tuple(v) for k, v in index.items()}


def opening_conjunction(words: list[Token]) -> str | None:
    """The conjunction that opens a sentence (NFKC surface of its words), or None: a frozen phrase matched
    in token mode (longest first), else a first word whose UniDic pos1 is 接続詞."""
    if not words:
        return None
    first = fold_word(words[0].surface)
    candidates = _phrases_by_first_word().get(first)
    if candidates:
        folded = tuple(fold_word(w.surface) for w in words[:max(len(u) for u in candidates)])
        for units in candidates:
            if folded[:len(units)] == units:
                return "".join(units)
    if words[0].pos1 == "接続詞":
        return first
    return None


@register
class Conjunctions(Constraint):
    id = "ifbench_count.conjunctions"
    group = Group.IFBENCH_COUNT
    aliases = ("ConjunctionCountIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum_kinds": "min_kinds"}

    class Params(Params):
        min_kinds: int = Field(default=3, ge=1, le=30)

    test_wording = (
        "文の最初の語として接続詞を置き、異なる接続詞を{min_kinds}種類以上使ってください。数えるのは文頭（「。」「？」「！」"
        "や改行の直後。カギかっこなどの記号は飛ばします）に置いた接続詞だけで、文の途中にあるものは数えません。接続詞とは、"
        f"形態素解析（UniDic）で接続詞とされる語（{CONJUNCTION_EXAMPLES}など）と、次の表現です："
        f"{'・'.join(CONJUNCTION_PHRASES)}。同じ表記の接続詞は何度使っても1種類です（「けれども」は「けれど」と同じ1種類）。"
    )
    examples = (
        E(response="雨の日の過ごし方を紹介します。まず、読書がおすすめです。しかし、ずっと座っていると体が固まります。"
                   "そこで、一時間ごとに軽いストレッチを挟みましょう。なぜなら、血の巡りがよくなるからです。",
          passed=True, params={"min_kinds": 3}, note="しかし (接続詞), そこで and なぜなら (phrases); まず is an adverb"),
        E(response="「しかし、本当にそうだろうか」と考えた。だからこそ調べ直した。また、先輩にも相談した。",
          passed=True, params={"min_kinds": 3},
          note="a quote mark before the first word is skipped; だからこそ starts with the words だ/から"),
        E(response="もしもし、またね。なおさら、よってたかって", passed=False, params={"min_kinds": 3},
          note="anchor defect: substrings (もし, また, なお, よって) passed; no sentence opens with a conjunction"),
        E(response="しかし、雨でした。しかし、出かけました。しかし、楽しかったです。", passed=False,
          params={"min_kinds": 2}, note="the same conjunction three times is one kind"),
        E(response="雨が降り、そして風も強くなり、さらに雷まで鳴りだした。", passed=False, params={"min_kinds": 1},
          note="conjunctions in the middle of a sentence do not count"),
        E(response="けれど、行きたい。けれども、時間がない。", passed=False, params={"min_kinds": 2},
          note="けれども opens with the 接続詞 けれど: one kind"),
        E(response="では、始めます。ところで、準備はいいですか？\nまたは、明日にしますか？", passed=True,
          params={"min_kinds": 3}, note="a line break also starts a sentence; または is a phrase"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(min_kinds=rng.randint(3, 6))

    def check(self, r: Response) -> Verdict:
        kinds: dict[str, int] = {}
        for words in r.sentence_words:
            conj = opening_conjunction(words)
            if conj is not None:
                kinds[conj] = kinds.get(conj, 0) + 1
        need = self.params.min_kinds
        found = f"{len(kinds)} distinct sentence-opening conjunctions" + (f" ({_show(set(kinds))})" if kinds else "")
        if len(kinds) < need:
            return self.fail(f"{found}, needs at least {need}")
        return self.ok(f"{found}, meets at least {need}")


# --- ifbench_count.numbers ------------------------------------------------------------------------------

@register
class Numbers(Constraint):
    id = "ifbench_count.numbers"
    group = Group.IFBENCH_COUNT
    aliases = ("NumbersCountIfbenchConstraint",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"expected_count": "count"}

    class Params(Params):
        count: int = Field(default=5, ge=1, le=1000)

    test_wording = (
        "回答に含まれる算用数字の数をちょうど{count}個にしてください。数字（0〜9、全角の０〜９も同じ）が続いたひとまとまりを"
        "1個と数え、「1,000」のような桁区切りや「3.14」のような小数も1個、「2025年4月1日」は3個、「13:45」は2個と数えます。"
        "「三」「百」などの漢数字は数に入れず、「1.2.3」のように点が2つ以上ある番号も数えません。"
        "行頭の「1. 」のような番号は数字1個と数えます。"
    )
    examples = (
        E(response="新店舗は2025年4月1日に開店しました。", passed=True, params={"count": 3},
          note="2025, 4 and 1"),
        E(response="入場者は1,000人で、前年より200人増えました。満足度は平均4.5点でした。", passed=True,
          params={"count": 3}, note="1,000 and 4.5 are one number each"),
        E(response="入場者は1,000人で、前年より200人増えました。満足度は平均4.5点でした。", passed=False,
          params={"count": 4}, note="anchor defect: its regex read 1,000 as two numbers"),
        E(response="三月に二回会いました。初めて会ったのは2019年です。", passed=False, params={"count": 3},
          note="kanji numerals do not count: 1 number"),
        E(response="バージョン1.2.3を2台のパソコンに入れました。", passed=False, params={"count": 2},
          note="a dotted identifier is not a number: 1 number"),
        E(response="手順は次のとおりです。\n1. 水を500ミリリットル量る。\n2. ２分間沸騰させる。", passed=True,
          params={"count": 4}, note="list markers count; full-width ２ folds to 2"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(count=rng.randint(3, 12))

    def demands(self, prompt: Any = None) -> Demands:
        # P4: exactly `count` number tokens, so the tokens the other constraints force (their Demands.numbers,
        # summed by the sampler) must not exceed it.
        return Demands(max_numbers=self.params.count)

    def check(self, r: Response) -> Verdict:
        numbers = r.numbers
        n, need = len(numbers), self.params.count
        listed = ", ".join(t.text for t in numbers[:10]) + (" …" if n > 10 else "")
        found = f"{n} number tokens" + (f" ({listed})" if n else "")
        if n != need:
            return self.fail(f"{found}, needs exactly {need}")
        return self.ok(f"{found}, exactly {need}")


# --- ifbench_count.person_names -------------------------------------------------------------------------

# 50 given names of two or three characters. Each is one UniDic token tagged 名詞-固有名詞-人名, alone and in
# carrier sentences, and UniDic has no common-noun reading of it (checked in tests/test_ifbench_units.py).
# Single-kanji names (光, 翼, 楓, 凛) and names that are also words (陽子 = proton, 千尋, 勇気, 早苗) are out.
PERSON_NAMES: tuple[str, ...] = (
    "花子", "次郎", "健太", "直樹", "拓海", "春樹", "翔太", "大輔", "健一", "浩二",
    "和也", "達也", "拓也", "翔平", "悠真", "大翔", "航平", "康介", "雄一", "正樹",
    "大介", "圭介", "哲也", "直人", "颯太",
    "香織", "恵子", "裕子", "明美", "真由美", "優子", "美穂", "陽菜", "結衣", "結菜",
    "瑞希", "真央", "彩乃", "美優", "奈々", "由紀", "麻衣", "沙織", "直美", "智子",
    "久美子", "京子", "幸子", "美紀", "莉子",
)
_NAME_SET = frozenset(fold_word(n) for n in PERSON_NAMES)


@register
class PersonNames(Constraint):
    id = "ifbench_count.person_names"
    group = Group.IFBENCH_COUNT
    aliases = ("PersonNamesCountIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum_names": "min_names"}

    class Params(Params):
        min_names: int = Field(default=3, ge=1, le=len(PERSON_NAMES))

    test_wording = (
        "次の名前の一覧から、異なる名前を{min_names}種類以上回答に登場させてください。名前は一覧と同じ表記で、"
        "独立した語として書いてください（「京子さん」「健太くん」のように敬称を付けるのは構いませんが、ひらがなや"
        "カタカナに書き換えたものは数えません）。同じ名前を何度使っても1種類です。"
        f"名前の一覧：{'、'.join(PERSON_NAMES)}"
    )
    examples = (
        E(response="週末、健太と奈々は京子さんの家で料理を作りました。", passed=True, params={"min_names": 3},
          note="健太, 奈々 (with 々) and 京子 with an honorific"),
        E(response="登場人物は三人です。真由美は教師、直樹は医師、莉子は学生で、三人は同じ町に住んでいます。"
                   "ある日、直樹が真由美に相談を持ちかけます。",
          passed=True, params={"min_names": 3}, note="repeats are fine"),
        E(response="光が差し込み、翼を広げた鳥が楓の木に止まった。凛とした朝の空気だった。", passed=False,
          params={"min_names": 1},
          note="anchor defect: single-kanji names matched ordinary words; this sentence has no name"),
        E(response="山田さんと佐藤さんと鈴木さんが会議に出席しました。", passed=False, params={"min_names": 3},
          note="names that are not on the list do not count"),
        E(response="健太は健太の兄と、健太の友人の奈々に会った。", passed=False, params={"min_names": 3},
          note="2 distinct names"),
        E(response="けんたとなな、キョウコの三人で出かけました。", passed=False, params={"min_names": 1},
          note="names rewritten in kana do not count"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(min_names=rng.randint(3, 8))

    def check(self, r: Response) -> Verdict:
        found = _NAME_SET.intersection(r.folded_words)
        need = self.params.min_names
        text = f"{len(found)} distinct listed names" + (f" ({_show(found)})" if found else "")
        if len(found) < need:
            return self.fail(f"{text}, needs at least {need}")
        return self.ok(f"{text}, meets at least {need}")


# --- ifbench_count.pronouns -----------------------------------------------------------------------------

@register
class Pronouns(Constraint):
    id = "ifbench_count.pronouns"
    group = Group.IFBENCH_COUNT
    aliases = ("PronounsCountIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum_pronouns": "min_pronouns"}

    class Params(Params):
        min_pronouns: int = Field(default=5, ge=1, le=1000)

    test_wording = (
        "代名詞を合計{min_pronouns}個以上使ってください。代名詞は形態素解析（UniDic）で代名詞とされる語で、"
        "私・僕・あなた・彼・彼女・我々・これ・それ・あれ・ここ・そこ・どこ・こちら・誰・何・いつ などです。"
        "同じ代名詞を繰り返した場合も1回ごとに数えます。「私たち」「彼ら」は代名詞1個（私・彼）と数え、"
        "「自分」「皆」「みんな」や「こう」「そう」は代名詞に数えません。"
    )
    examples = (
        E(response="私はそれをここで見つけました。あなたはどこで何を見つけましたか？", passed=True,
          params={"min_pronouns": 5}, note="私, それ, ここ, あなた, どこ, 何: 6"),
        E(response="これとこれ、それにあれも持っていく。彼女は誰といつ来るの？", passed=True, params={"min_pronouns": 7},
          note="repeats count: これ, これ, それ, あれ, 彼女, 誰, いつ = 7"),
        E(response="これとこれ、それからあれ。", passed=False, params={"min_pronouns": 4},
          note="a sentence-final あれ is the interjection (感動詞): 3 pronouns"),
        E(response="私たちは彼らと一緒に行きます。", passed=False, params={"min_pronouns": 3},
          note="私たち and 彼ら are one pronoun each: 2"),
        E(response="自分のことは自分でやる。皆そう思っている。", passed=False, params={"min_pronouns": 1},
          note="自分, 皆 and そう are not UniDic pronouns"),
        E(response="東京駅から新幹線で大阪へ向かいました。", passed=False, params={"min_pronouns": 5},
          note="no pronoun"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(min_pronouns=rng.randint(5, 15))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_words=5 * self.params.min_pronouns)  # P8: min_pronouns <= 0.2 x words

    def check(self, r: Response) -> Verdict:
        pronouns = [w.surface for w in r.words if w.pos1 == "代名詞"]
        need = self.params.min_pronouns
        text = f"{len(pronouns)} pronouns" + (f" ({_show(set(pronouns))})" if pronouns else "")
        if len(pronouns) < need:
            return self.fail(f"{text}, needs at least {need}")
        return self.ok(f"{text}, meets at least {need}")


# --- ifbench_count.punctuation --------------------------------------------------------------------------

REQUIRED_MARKS: tuple[str, ...] = ("、", "。", "；", "：", "？", "！", "（", "）", "？！")


@register
class Punctuation(Constraint):
    id = "ifbench_count.punctuation"
    group = Group.IFBENCH_COUNT
    aliases = ("PunctuationCountIfbenchConstraint",)
    conflicts = ("character.no_commas", "character.no_japanese_punctuation", "format.sentence_delimiter",
                 "character.half_width")
    test_wording = (
        "次の全角の記号を、それぞれ少なくとも1回は回答の中で使ってください：読点「、」、句点「。」、セミコロン「；」、"
        "コロン「：」、疑問符「？」、感嘆符「！」、開きかっこ「（」、閉じかっこ「）」。さらに、疑問符と感嘆符を"
        "続けた「？！」（この順番）も1回以上入れてください。半角の「; : ? ! ( )」は数えません。"
    )
    examples = (
        E(response="持ち物：傘、タオル、着替え（念のため）。本当に雨が降るのでしょうか？ 天気予報では降ると"
                   "言っています！ えっ、台風も来る？！ 出発は午前；帰りは夕方です。",
          passed=True, note="every mark and the sequence ？！"),
        E(response="結論：賛成です（理由は後述）。なぜ？！ 費用が安く、効果も大きいからです；ただし、検証は必要です！"
                   "ほかに質問は？",
          passed=True),
        E(response="結論：賛成です（理由は後述）。本当ですか？ はい！ 費用が安く、効果も大きいです；検証は必要ですが。",
          passed=False,
          note="？ and ！ appear, but never the sequence ？！"),
        E(response="結論: 賛成です(理由は後述)。なぜ?! 費用が安く、効果も大きいからです; ただし検証は必要です!",
          passed=False,
          note="half-width marks do not count"),
        E(response="結論：賛成です（理由は後述）。なぜ？！ 費用が安く、効果も大きいからです！", passed=False,
          note="no semicolon ；"),
        E(response="今日は晴れです。", passed=False),
    )

    def check(self, r: Response) -> Verdict:
        missing = [m for m in REQUIRED_MARKS if m not in r.text]
        if missing:
            return self.fail(f"missing the full-width marks {' '.join(missing)}")
        return self.ok("contains every required full-width mark and the sequence ？！")


# --- ifbench_count.unique_words -------------------------------------------------------------------------

@register
class UniqueWords(Constraint):
    id = "ifbench_count.unique_words"
    group = Group.IFBENCH_COUNT
    aliases = ("UniqueWordCountIfbenchConstraint",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum_unique": "min_unique"}

    class Params(Params):
        min_unique: int = Field(default=40, ge=1, le=100_000)

    test_wording = (
        "回答の中で、異なる語を{min_unique}種類以上使ってください。語は形態素解析（UniDicの短単位）で区切り、"
        "助詞や助動詞も1語ですが、句読点・記号・空白は語に数えません（例：「食べました」は「食べ／まし／た」の3語）。"
        "表記がまったく同じ語は何度使っても1種類で、活用形や表記が違えば別の種類です（「行く」と「行っ」は2種類）。"
        "英字の大文字・小文字と全角・半角の違いは区別しません。"
    )
    examples = (
        E(response="春の京都は観光客でにぎわいます。清水寺の舞台から眺める桜は格別で、朝早く訪れると静かな景色を"
                   "楽しめます。昼には錦市場で湯豆腐や漬物を味わい、夕方は鴨川沿いを散歩するのがおすすめです。",
          passed=True, params={"min_unique": 40}, note="43 distinct words"),
        E(response="AIとaiとＡＩ。", passed=True, params={"min_unique": 2},
          note="AI = ai = ＡＩ after NFKC + casefold: AI and と, 2 kinds"),
        E(response="AIとaiとＡＩ。", passed=False, params={"min_unique": 3}, note="2 kinds"),
        E(response="はい、はい、はい。そうです、そうです。", passed=False, params={"min_unique": 4},
          note="はい, そう, です: 3 kinds"),
        E(response="春の京都は観光客でにぎわいます。清水寺の舞台から眺める桜は格別で、朝早く訪れると静かな景色を"
                   "楽しめます。",
          passed=False, params={"min_unique": 40}, note="25 distinct words"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(min_unique=rng.randrange(40, 151, 10))

    def demands(self, prompt: Any = None) -> Demands:
        # P1: 2 characters a distinct word; P8: min_unique <= 0.6 x words, i.e. words >= ceil(min_unique / 0.6).
        n = self.params.min_unique
        return Demands(min_chars=2 * n, min_words=-(-n * 5 // 3))

    def check(self, r: Response) -> Verdict:
        distinct = len(set(r.folded_words))
        need = self.params.min_unique
        if distinct < need:
            return self.fail(f"{distinct} distinct words, needs at least {need}")
        return self.ok(f"{distinct} distinct words, meets at least {need}")
