"""ifbench_sentence (3): sentence-by-sentence patterns over §S sentences, §W words and §R readings
(CATALOG.md, "ifbench_sentence")."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from pydantic import Field

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints.content.keywords import pick_keywords, prompt_nouns
from jfbench.constraints.ifbench_words import (
    NON_JAPANESE_IDS,
    POSITION_KEYWORDS,
    KeywordParams,
    initials,
    keyword_writability,
    plural,
)
from jfbench.ja import CONTENT_POS, Response, Token, count_token_occurrences, keyword_units

E = Example

_SENTENCE_DEF = "文は「。」「！」「？」（半角の「!」「?」を含む）または改行で区切り、かっこの中の「。」では区切りません"
_WORD_UNIT = "単語はUniDicの短単位で区切り、助詞・助動詞も1語と数え、句読点・記号・絵文字は数えません"


# --- alliteration -----------------------------------------------------------------------------------

def alliteration_run(words: list[Token], readings: list[str | None], keys: list[str]) -> int:
    """The longest run of consecutive content words whose readings start with the same folded kana
    (`keys`: their initials). Function words, prefixes and suffixes are skipped; an unreadable word breaks
    the run. The three lists are parallel."""
    best = run = 0
    prev: str | None = None
    for w, kana, key in zip(words, readings, keys, strict=True):
        if kana is None:
            prev, run = None, 0
            continue
        if w.pos1 not in CONTENT_POS:
            continue
        run = run + 1 if key == prev else 1
        prev = key
        best = max(best, run)
    return best


@register
class AlliterationIncrement(Constraint):
    id = "ifbench_sentence.alliteration_increment"
    group = Group.IFBENCH_SENTENCE
    aliases = ("AlliterationIncrementSentenceIfbenchConstraint",)
    conflicts = (*NON_JAPANESE_IDS, "ifbench_format.one_word_per_line")

    class Params(ParamsBase):
        min_sentences: int = Field(default=2, ge=2, le=20)

    test_wording = (
        "{min_sentences}文以上で書き、文が進むごとに頭韻（同じ音で始まる語の連なり）を長くしてください。各文で、"
        "内容語（名詞・代名詞・動詞・形容詞・形状詞・副詞・連体詞・接続詞・感動詞）の読み（UniDicの仮名表記）の"
        "最初の仮名を、濁点・半濁点を取り小書きを並字にして比べ（「ガ」と「カ」は同じ）、同じ仮名で始まる内容語が"
        "続く最長の個数をその文の連なりとします。間にある助詞・助動詞は飛ばして数えますが、英字や算用数字など読みの"
        "ない語があると連なりは切れます。各文の連なりは直前の文より必ず長くしてください（例：1語→2語→3語）。"
        + _SENTENCE_DEF + "。単語の区切りはUniDicの短単位です（「勉強する」は「勉強」と「する」の2語）。"
    )
    examples = (
        E(response="空が青い。赤い雨が降る。カラスが川で体を洗う。", passed=True, params={"min_sentences": 3},
          note="runs 1 (ソラ/アオイ), 2 (アカイ アメ), 3 (カラス カワ カラダ)"),
        E(response="空が青い。赤い雨が降る。カラスが川で体を洗う。白い城が静かに沈む。", passed=True,
          params={"min_sentences": 4}, note="runs 1, 2, 3, 4 (シロイ シロ シズカ シズム)"),
        E(response="空が青い。学校から帰る。カラスが川で体を洗う。", passed=True, params={"min_sentences": 3},
          note="学校 (ガッコウ) folds to カ like 帰る; the particle から is skipped"),
        E(response="空が青い。赤い雨が降る。", passed=False, params={"min_sentences": 3},
          note="anchor defect: 2 sentences, needs 3"),
        E(response="赤い雨が降る。空が青い。カラスが川で体を洗う。", passed=False, params={"min_sentences": 3},
          note="runs 2, 1, 3 do not increase"),
        E(response="空が青い。赤い2つの雨が降る。カラスが川で体を洗う。", passed=False, params={"min_sentences": 3},
          note="the unreadable 2 breaks アカイ … アメ: runs 1, 1, 3"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_sentences=rng.randint(3, 4))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=self.params.min_sentences)  # P2

    def check(self, r: Response) -> Verdict:
        n = len(r.sentences)
        if n < self.params.min_sentences:
            return self.fail(f"{plural(n, 'sentence')}, needs at least {self.params.min_sentences}")
        words, readings, keys = r.words, r.readings, initials(r)
        runs: list[int] = []
        for i, (a, b) in enumerate(r.sentence_word_ranges):  # stops at the first sentence that breaks it
            runs.append(alliteration_run(words[a:b], readings[a:b], keys[a:b]))
            if i and runs[i] <= runs[i - 1]:
                return self.fail(f"sentence {i + 1} has an alliteration run of {runs[i]}, not longer than "
                                 f"sentence {i}'s {runs[i - 1]} (runs: {runs})")
        return self.ok(f"alliteration runs increase: {runs}")


# --- word counts ----------------------------------------------------------------------------------------

@register
class WordIncrement(Constraint):
    id = "ifbench_sentence.word_increment"
    group = Group.IFBENCH_SENTENCE
    aliases = ("IncrementSentenceIfbenchConstraint",)
    conflicts = ("ifbench_format.one_word_per_line", "ifbench_ratio.equal_sentence_words")
    jfbench_kwargs: ClassVar[dict[str, str]] = {"increment": "step"}

    class Params(ParamsBase):
        step: int = Field(default=1, ge=1, le=20)
        min_sentences: int = Field(default=2, ge=2, le=50)

    test_wording = (
        "{min_sentences}文以上で書き、2文目からは各文の単語数を直前の文よりちょうど{step}語多くしてください。"
        + _WORD_UNIT + "（「猫が魚を食べました。」は 猫／が／魚／を／食べ／まし／た の7語）。" + _SENTENCE_DEF + "。"
    )
    examples = (
        E(response="猫が鳴く。犬が大きく吠える。鳥が空高く飛ぶ。", passed=True,
          params={"step": 1, "min_sentences": 3}, note="3, 4, 5 words"),
        E(response="雨が降る。家で本を読む。晴れたら友達と公園に行く。", passed=True,
          params={"step": 2, "min_sentences": 3}, note="3, 5, 7 words (晴れ/たら/友達/と/公園/に/行く)"),
        E(response="猫が鳴く。犬が大きく吠える。", passed=False, params={"step": 1, "min_sentences": 3},
          note="anchor defect: 2 sentences were enough; this row needs 3"),
        E(response="猫が鳴く。犬が大きく吠える。鳥が空をとても高く飛ぶ。", passed=False,
          params={"step": 1, "min_sentences": 3}, note="3, 4, 7 words"),
        E(response="猫が魚を食べました。犬が吠える。鳥が飛ぶ。", passed=False,
          params={"step": 1, "min_sentences": 3}, note="7, 3, 3 words: 食べました is 3 words"),
        E(response="猫が鳴く。\n犬が大きく吠える。\n鳥が空高く飛ぶ。", passed=True,
          params={"step": 1, "min_sentences": 3}, note="one sentence per line"),
    )

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"min_sentences": 2, **params}  # JFBench needed 2 sentences

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(step=rng.randint(1, 3), min_sentences=rng.randint(3, 5))

    def demands(self, prompt: Any = None) -> Demands:
        # P1: 1.2 characters a word; P2: the sentences; the words themselves are a P8 lower bound. The shortest
        # answer starts at 1 word and grows by `step`.
        p = self.params
        total = sum(1 + p.step * i for i in range(p.min_sentences))
        return Demands(min_chars=1.2 * total, min_sentences=p.min_sentences, min_words=total)

    def param_conflict(self, other: Constraint) -> str | None:
        p = self.params
        last = 1 + p.step * (p.min_sentences - 1)
        if other.id == "length.max_chars_per_sentence" and last * 1.5 > other.params.max_chars:
            return f"sentence {p.min_sentences} needs {last} words, too long for {other.params.max_chars} chars (P2)"
        return None

    def check(self, r: Response) -> Verdict:
        p = self.params
        n = len(r.sentences)
        if n < p.min_sentences:
            return self.fail(f"{plural(n, 'sentence')}, needs at least {p.min_sentences}")
        counts = [len(ws) for ws in r.sentence_words]
        for i in range(1, n):
            if counts[i] != counts[i - 1] + p.step:
                return self.fail(f"sentence {i + 1} has {plural(counts[i], 'word')}, needs {counts[i - 1] + p.step} "
                                 f"(sentence {i} has {counts[i - 1]} + {p.step}; counts: {counts[:i + 1]})")
        return self.ok(f"word counts rise by {p.step}: {counts}")


# --- keyword in a sentence ---------------------------------------------------------------------------

@register
class KeywordInSentence(Constraint):
    id = "ifbench_sentence.keyword_in_sentence"
    group = Group.IFBENCH_SENTENCE
    aliases = ("KeywordSentenceIfbenchConstraint",)
    conflicts = ("ifbench_format.one_word_per_line",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"sentence_index": "index", "keyword": "keyword"}

    class Params(KeywordParams):
        index: int = Field(ge=1, le=100)

    test_wording = (
        "回答の{index}文目（先頭から数えて{index}番目の文）に「{keyword}」という語を入れてください。" + _SENTENCE_DEF
        + "。語は単語単位で判定するので、「もしもし」の中の「もし」や「東京都」の中の「京都」のように、別の単語の"
        "一部として文字が並んでいるだけでは認められません。全角・半角や大文字・小文字の違いは問いません。"
    )
    examples = (
        E(response="今日は会議の振り返りをします。まず結論から言うと、計画は予定どおりです。詳細は後で説明します。",
          passed=True, params={"index": 2, "keyword": "結論"}),
        E(response="技術は日々進歩しています。特に画像認識の分野は目覚ましいです。ＡＩはその中心にあります。",
          passed=True, params={"index": 3, "keyword": "AI"}, note="anchor defect: ＡＩ = AI after NFKC + casefold"),
        E(response="梅雨は毎年やってきます。\n梅雨前線が日本の上にとどまるからです。", passed=True,
          params={"index": 2, "keyword": "梅雨前線"}, note="a prompt noun of two words (梅雨+前線), in token mode"),
        E(response="まず結論から言うと、計画は予定どおりです。今日は会議の振り返りをします。", passed=False,
          params={"index": 2, "keyword": "結論"}, note="the keyword is in sentence 1"),
        E(response="結論は明日お伝えします。", passed=False, params={"index": 2, "keyword": "結論"},
          note="only 1 sentence"),
        E(response="私は大阪に住んでいます。兄は東京都に住んでいます。", passed=False,
          params={"index": 2, "keyword": "京都"}, note="東京都 is 東京+都 and contains no word 京都"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        own = prompt_nouns(prompt)
        n_own = 1 if own and rng.random() < 0.5 else 0
        keyword = pick_keywords(rng, 1, own, neutral=POSITION_KEYWORDS, n_own=n_own)[0]
        return cls.Params(index=rng.randint(2, 5), keyword=keyword)

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=self.params.index)  # P2

    def param_conflict(self, other: Constraint) -> str | None:
        return keyword_writability(self.params.keyword, other)

    def check(self, r: Response) -> Verdict:
        p = self.params
        if not keyword_units(p.keyword):
            return self.fail(f"the keyword {p.keyword!r} has no word to look for")
        if len(r.sentences) < p.index:
            return self.fail(f"{plural(len(r.sentences), 'sentence')}, needs at least {p.index}")
        folded = r.folded_words
        a, b = r.sentence_word_ranges[p.index - 1]
        if count_token_occurrences(folded[a:b], p.keyword):
            return self.ok(f"sentence {p.index} contains {p.keyword!r}")
        where = next((i for i, (a, b) in enumerate(r.sentence_word_ranges, start=1)
                      if count_token_occurrences(folded[a:b], p.keyword)), None)
        hint = f" (it is in sentence {where})" if where else ""
        return self.fail(f"sentence {p.index} does not contain the word {p.keyword!r}{hint}")
