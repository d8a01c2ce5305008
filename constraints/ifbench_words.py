"""ifbench_words (12): IFBench's word-level ideas rethought for Japanese words (§W), content words (§CW),
readings and morae (§R) (CATALOG.md, "ifbench_words").

Shared here and used by ifbench_sentence: the same-word identity of §W, the §R initial of a word, the
words of each §P paragraph and the curated single-token nouns the keyword rows draw from.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any, ClassVar

import regex
from pydantic import Field, field_validator

from jfbench.catalog import NON_JAPANESE_IDS, CatalogError, Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints.content.keywords import required_keywords, stable_keyword, unwritable
from jfbench.ja import (
    CONTENT_POS,
    Response,
    Token,
    char_count,
    fold_kana,
    fold_word,
    mora_count,
    mora_vowels,
    reading,
    same_word,
    tokenize_line,
)

E = Example

# --- shared units ---------------------------------------------------------------------------------

# Curated single-token nouns for the keyword rows (§K): each is one UniDic 名詞 token and passes the
# stability check (tests/test_ifbench_units.py re-checks both). Topic-neutral, so they fit most answers.
POSITION_KEYWORDS: tuple[str, ...] = (
    "結論", "目的", "手順", "理由", "方法", "特徴", "課題", "背景", "要点", "利点",
    "欠点", "基本", "前提", "条件", "現状", "将来", "役割", "視点", "事例", "根拠",
    "対策", "基準", "展望", "長所", "短所", "目標", "成果", "計画", "品質", "環境",
    "技術", "情報", "習慣", "知識", "魅力", "価値", "ポイント", "メリット", "テーマ", "ルール",
    "データ", "アイデア",
)

_HAS_WORD_CHAR = regex.compile(r"[\p{L}\p{N}]")


def single_noun(keyword: str) -> bool:
    """A usable positional keyword: one UniDic 名詞 token that keeps its tokenization in context."""
    tokens = [t for t in tokenize_line(keyword) if t.pos1 not in ("補助記号", "記号", "空白")]
    return len(tokens) == 1 and tokens[0].pos1 == "名詞" and stable_keyword(keyword)


def pick_position_keyword(rng: random.Random) -> str:
    candidates = list(POSITION_KEYWORDS)
    rng.shuffle(candidates)
    for k in candidates:
        if single_noun(k):
            return k
    raise RuntimeError("no curated keyword passes the single-token check")  # pragma: no cover


def check_keyword(value: str) -> str:
    if not value or value != value.strip():
        raise ValueError("a keyword must be non-empty and have no surrounding whitespace")
    if len(value) > 30:
        raise ValueError("a keyword has at most 30 characters")
    if not _HAS_WORD_CHAR.search(value):
        raise ValueError("a keyword needs at least one letter or digit")
    return value


class KeywordParams(ParamsBase):
    """Params with one required keyword (§K)."""

    keyword: str

    @field_validator("keyword")
    @classmethod
    def _valid_keyword(cls, v: str) -> str:
        return check_keyword(v)


def keyword_writability(keyword: str, other: Constraint) -> str | None:
    """P6: a required keyword must be writable under the other constraint's script, width or language."""
    why = unwritable(keyword, other.id)
    return f"the required keyword {keyword} {why}, which {other.id} forbids" if why else None


@lru_cache(maxsize=1024)
def _keyword_words(keyword: str) -> tuple[Token, ...]:
    # Response, not analyse: conflict checks at sampling time should not crowd answers out of the cache.
    return tuple(Response(keyword).words)


def keyword_breaks(other: Constraint, broken: Any, what: str) -> str | None:
    """A keyword another constraint requires contains a word that `broken(word)` rejects."""
    for k in required_keywords(other):
        for w in _keyword_words(k):
            if broken(w):
                return f"the keyword {k} required by {other.id} has the word {w.surface!r}, which {what}"
    return None


def is_content(w: Token) -> bool:
    return w.pos1 in CONTENT_POS


def word_groups(keys: list[tuple[str, str]]) -> list[int]:
    """A group number per word, from its same-word keys (Response.word_keys): words linked by the same-word
    relation (equal surface or equal lemma), directly or through other words, share a group."""
    parent: list[int] = []  # union-find over group numbers; merges are rare, so it stays flat

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = g = parent[parent[g]]
        return g

    by_surface: dict[str, int] = {}
    by_lemma: dict[str, int] = {}
    out: list[int] = []
    for surface, lemma in keys:
        gs, gl = by_surface.get(surface), by_lemma.get(lemma)
        if gs is None and gl is None:
            g = len(parent)
            parent.append(g)
        elif gs is None or gl is None or gs == gl:
            g = gs if gl is None else gl
        else:
            g, other = find(gs), find(gl)
            if g != other:
                parent[other] = g
        by_surface.setdefault(surface, g)
        by_lemma.setdefault(lemma, g)
        out.append(g)
    return [find(g) for g in out]


def initials(r: Response) -> list[str]:
    """§R initial of each word, parallel to r.words: the folded first kana of the reading; the lower-cased
    first character if unreadable."""
    return r.memo("ifbench_words.initials", lambda: [
        _fold_initial(kana[0]) if kana else w.surface[:1].lower()
        for w, kana in zip(r.words, r.readings, strict=True)])


@lru_cache(maxsize=512)
def _fold_initial(kana: str) -> str:
    return fold_kana(kana)


def pron_of(w: Token) -> str | None:
    """§R pron: the UniDic pron field; a kana-only word with no entry is pronounced as written."""
    return w.pron or reading(w)


def paragraph_words(r: Response) -> list[list[Token]]:
    """The words (§W) of each §P paragraph, parallel to r.paragraphs."""
    return r.memo("ifbench_words.paragraph_words", lambda: _paragraph_words(r))


def _paragraph_words(r: Response) -> list[list[Token]]:
    # The paragraph number of each line of T (None for blank lines); a word's §MD line traces back to
    # its line of T through md_view.sources.
    owner: list[int | None] = []
    para, in_para = 0, False
    for line, fenced in zip(r.lines, r.fenced, strict=True):
        if not fenced and not line.strip():
            owner.append(None)
            if in_para:
                para += 1
            in_para = False
        else:
            owner.append(para)
            in_para = True
    sources = r.md_view.sources
    out: list[list[Token]] = [[] for _ in r.paragraphs]
    for w in r.words:
        p = owner[sources[w.line]]
        if p is not None:
            out[p].append(w)
    return out


def plural(n: int, noun: str) -> str:
    """"1 sentence", "3 sentences"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _where(w: Token) -> str:
    return repr(w.surface)


_WORD_UNIT = "単語はUniDicの短単位で区切り、助詞・助動詞も1語と数え、句読点・記号・絵文字は数えません"
_CONTENT_DEF = "内容語（名詞・代名詞・動詞・形容詞・形状詞・副詞・連体詞・接続詞・感動詞）"
_READING_DEF = "読み（UniDicの仮名表記。「東京」はトウキョウ、「私」はワタクシ、助詞の「は」はハ、「を」はヲ）"


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    f = 3
    while f * f <= n:
        if n % f == 0:
            return False
        f += 2
    return True


# X9: ids that require Latin letters or Arabic digits, so they exclude the "every word readable" rows.
# (Most declare this on their side; repeating it here is harmless.)
LATIN_OR_DIGIT_IDS = (
    "notation.email", "notation.camel_case", "notation.snake_case", "notation.title_case", "notation.si_units",
    "character.lowercase", "character.uppercase", "notation.decimal_places", "notation.rounding",
    "notation.digit_grouping", "notation.postal_code_hyphen", "notation.postal_code_no_hyphen",
    "notation.phone_hyphen", "notation.phone_no_hyphen", "notation.date_ymd", "notation.time_24h",
    "notation.yen_amount", "notation.zero_padding", "ifbench_count.numbers", "processing.statistic",
    "format.numbered_list", "notation.halfwidth_digits", "notation.no_kanji_numerals",
)


def _arabic_sections(other: Constraint) -> bool:
    """E18/X9: `length.sections` numbered with Arabic digits forces digits."""
    if other.id != "length.sections" or getattr(other.params, "marker", None) != "numbered":
        return False
    return not any(isinstance(v, str) and "kanji" in v for v in other.params.model_dump().values())


# --- special morae ---------------------------------------------------------------------------------

_SPECIAL = frozenset("ッンー")


@register
class SpecialMora(Constraint):
    id = "ifbench_words.special_mora"
    group = Group.IFBENCH_WORDS
    aliases = ("ConsonantsWordsIfbenchConstraint",)
    conflicts = (*NON_JAPANESE_IDS, *LATIN_OR_DIGIT_IDS)
    test_wording = (
        "回答中の" + _CONTENT_DEF + "をすべて、発音に促音「ッ」、撥音「ン」、長音「ー」のどれかを含む語にし、"
        "内容語は5語以上使ってください。発音はUniDicの発音表記で判定します（例：学校→ガッコー、先生→センセー、"
        "みんな→ミンナ）。助詞・助動詞は対象外です。" + _WORD_UNIT + "。「勉強する」は「勉強」と「する」の2語で、"
        "「する」（活用した「し」も）は内容語なので使えません。英字や算用数字のように読みのない語も使わないでください。"
    )
    examples = (
        E(response="みんなでコーヒーを一緒にゆっくり飲んだ。", passed=True,
          note="content words みんな, コーヒー, 一緒, ゆっくり, 飲ん; the particles で/を/に are exempt"),
        E(response="今週はちょっとしんどい案件がいっぱいあって、みんなでずっと頑張った。", passed=True,
          note="9 content words, each with ッ, ン or ー in its pron (今週 コンシュー, あっ アッ)"),
        E(response="私はコーヒーが好きです。", passed=False, note="私 (ワタクシ) and 好き (スキ) have no special mora"),
        E(response="みんなで一緒にゆっくり勉強した。", passed=False,
          note="する-verbs: し (from する) is a content word with no special mora"),
        E(response="コーヒーを一緒に飲んだ。", passed=False, note="only 3 content words, needs >= 5"),
        E(response="みんなで2025年のコーヒーを一緒にゆっくり飲んだ。", passed=False,
          note="2025 has no reading"),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        return keyword_breaks(other, lambda w: is_content(w) and not _SPECIAL & set(pron_of(w) or ""),
                              "is a content word with no ッ, ン or ー")

    def check(self, r: Response) -> Verdict:
        content = r.content_words
        for w in content:
            pron = pron_of(w)
            if pron is None:
                return self.fail(f"the content word {_where(w)} has no reading; write it in kana or kanji")
            if not _SPECIAL & set(pron):
                return self.fail(f"the content word {_where(w)} (pron {pron}) has no ッ, ン or ー")
        if len(content) < 5:
            return self.fail(f"{plural(len(content), 'content word')}, needs at least 5")
        return self.ok(f"all {plural(len(content), 'content word')} contain ッ, ン or ー")


# --- keyword at a position --------------------------------------------------------------------------

@register
class KeywordAtPosition(Constraint):
    id = "ifbench_words.keyword_at_position"
    group = Group.IFBENCH_WORDS
    aliases = ("KeywordsSpecificPositionWordsIfbenchConstraint",)
    conflicts = ("ifbench_format.one_word_per_line",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {
        "sentence_index": "sentence_index", "word_index": "word_index", "keyword": "keyword"}

    class Params(KeywordParams):
        sentence_index: int = Field(ge=1, le=100)
        word_index: int = Field(ge=1, le=100)

    test_wording = (
        "{sentence_index}文目の{word_index}番目の単語を「{keyword}」にしてください。文は先頭から数え、"
        "「。」「！」「？」または改行で区切ります。" + _WORD_UNIT + "（例：「私は結論を述べる」は"
        "私／は／結論／を／述べる の5語で、「結論」は3番目）。全角・半角や大文字・小文字の違いは問いません。"
    )
    examples = (
        E(response="会議が終わりました。私は結論を報告します。", passed=True,
          params={"sentence_index": 2, "word_index": 3, "keyword": "結論"}, note="私/は/結論"),
        E(response="AIは便利な道具です。使い方を学びましょう。", passed=True,
          params={"sentence_index": 1, "word_index": 1, "keyword": "AI"}),
        E(response="最近、技術の進歩が速いです。特に画像の分野でａｉが活躍しています。", passed=True,
          params={"sentence_index": 2, "word_index": 6, "keyword": "AI"},
          note="anchor defect: NFKC + casefold on both sides, so ａｉ matches AI (特に/画像/の/分野/で/ａｉ)"),
        E(response="会議が終わりました。私はその結論を報告します。", passed=False,
          params={"sentence_index": 2, "word_index": 3, "keyword": "結論"}, note="word 3 is その"),
        E(response="私は結論を報告します。", passed=False,
          params={"sentence_index": 2, "word_index": 3, "keyword": "結論"}, note="only 1 sentence"),
        E(response="会議が終わりました。私は、", passed=False,
          params={"sentence_index": 2, "word_index": 3, "keyword": "結論"}, note="sentence 2 has 2 words"),
        E(response="会議が終わりました。\n私は結論を報告します。", passed=True,
          params={"sentence_index": 2, "word_index": 3, "keyword": "結論"}, note="a line break ends a sentence"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(sentence_index=rng.randint(1, 3), word_index=rng.randint(1, 5),
                          keyword=pick_position_keyword(rng))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=self.params.sentence_index)  # P2

    def param_conflict(self, other: Constraint) -> str | None:
        p = self.params
        if p.sentence_index == 1 and other.id in ("processing.prefix", "ifbench_format.output_template"):
            return f"{other.id} fixes the start of sentence 1 (X7)"
        if p.sentence_index == 1 and p.word_index == 1 and other.id == "ifbench_words.start_with_verb":
            return "the first word cannot be both the keyword and a verb"
        if other.id == "length.max_chars_per_sentence" and p.word_index * 1.7 > other.params.max_chars:
            return f"word {p.word_index} does not fit in {other.params.max_chars} characters (P2)"
        return keyword_writability(p.keyword, other)

    def check(self, r: Response) -> Verdict:
        p = self.params
        if len(r.sentences) < p.sentence_index:
            return self.fail(f"{plural(len(r.sentences), 'sentence')}, needs at least {p.sentence_index}")
        words = r.sentence_words[p.sentence_index - 1]
        if len(words) < p.word_index:
            return self.fail(f"sentence {p.sentence_index} has {plural(len(words), 'word')}, "
                             f"needs at least {p.word_index}")
        got = words[p.word_index - 1]
        if fold_word(got.surface) != fold_word(p.keyword):
            return self.fail(f"word {p.word_index} of sentence {p.sentence_index} is {got.surface!r}, "
                             f"not {p.keyword!r}")
        return self.ok(f"word {p.word_index} of sentence {p.sentence_index} is {p.keyword!r}")


# --- sentence chain -----------------------------------------------------------------------------------

@register
class SentenceChain(Constraint):
    id = "ifbench_words.sentence_chain"
    group = Group.IFBENCH_WORDS
    aliases = ("LastFirstWordsIfbenchConstraint",)
    conflicts = ("processing.suffix", "ifbench_format.one_word_per_line")

    class Params(ParamsBase):
        min_sentences: int = Field(default=2, ge=2, le=50)

    test_wording = (
        "{min_sentences}文以上で書き、しりとりのように文をつないでください。各文の最後の内容語と、次の文の最初の"
        "内容語を同じ語にします。内容語とは名詞・代名詞・動詞・形容詞・形状詞・副詞・連体詞・接続詞・感動詞のことで、"
        "助詞・助動詞や句読点は飛ばして数えます（単語の区切りはUniDicの短単位）。同じ語とは、表記が同じ（全角・半角や"
        "大文字・小文字の違いは無視）か、活用形が違っても同じ見出し語であること（「買った」の「買っ」と「買う」）です。"
        "文は「。」「！」「？」または改行で区切ります。"
    )
    examples = (
        E(response="昨日、駅前で新しい本を買った。買った本はとても面白い。面白い話は友人にも話したい。",
          passed=True, params={"min_sentences": 3}, note="買っ -> 買っ, 面白い -> 面白い; た/い are skipped"),
        E(response="明日は海へ行く。行けば夏の海が見える。見えた景色をみんなに伝えたい。", passed=True,
          params={"min_sentences": 3}, note="行く/行け and 見える/見え share a lemma"),
        E(response="猫が好きです。犬も好きです。鳥も好きです。", passed=False, params={"min_sentences": 3},
          note="sentence 1 ends with 好き, sentence 2 starts with 犬"),
        E(response="本を買った。買った本は面白い。", passed=False, params={"min_sentences": 3},
          note="2 sentences"),
        E(response="今日はとても良い天気です。", passed=False, params={"min_sentences": 2},
          note="anchor defect: one sentence passed vacuously"),
        E(response="駅で本を買いました。本当に面白い本です。", passed=False, params={"min_sentences": 2},
          note="anchor defect: the raw last tokens (た/です) are auxiliaries; 買い and 本当 differ"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_sentences=rng.randint(3, 5))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=self.params.min_sentences)  # P2

    def check(self, r: Response) -> Verdict:
        n = len(r.sentences)
        if n < self.params.min_sentences:
            return self.fail(f"{plural(n, 'sentence')}, needs at least {self.params.min_sentences}")
        content = [[w for w in ws if is_content(w)] for ws in r.sentence_words]
        for i, ws in enumerate(content, start=1):
            if not ws:
                return self.fail(f"sentence {i} has no content word")
        for i in range(n - 1):
            last, first = content[i][-1], content[i + 1][0]
            if not same_word(last, first):
                return self.fail(f"sentence {i + 1} ends with the content word {last.surface!r} but sentence "
                                 f"{i + 2} starts with {first.surface!r}")
        return self.ok(f"all {plural(n, 'sentence')} are chained by their last and first content words")


# --- initials -----------------------------------------------------------------------------------------

@register
class NoSameInitialAdjacent(Constraint):
    id = "ifbench_words.no_same_initial_adjacent"
    group = Group.IFBENCH_WORDS
    aliases = ("NoConsecutiveWordsIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    test_wording = (
        "回答全体を10語以上で書き、隣り合う2つの単語が同じ音で始まらないようにしてください。" + _WORD_UNIT +
        "。文や行の境目をまたいで隣り合う単語も対象です。始まりの音は、" + _READING_DEF + "の最初の仮名で比べ、"
        "濁点・半濁点と小書きの区別はしません（「が」と「か」、「ぱ」と「は」は同じ）。読みのない語（英字や算用数字など）"
        "は最初の文字（英字は小文字にして）で比べます。"
    )
    examples = (
        E(response="私は毎朝八時に起きて、静かな公園を散歩します。", passed=True,
          note="ワ ハ マ ハ シ ニ オ テ シ ナ コ ヲ サ シ マ"),
        E(response="今日は晴れで、明日も晴れるといいですね。", passed=False,
          note="は (ハ) and 晴れ (ハレ) are adjacent; the particle は reads ハ"),
        E(response="私たちの学校が新しい体育館を建てました。", passed=False,
          note="学校 (ガッコウ) and が fold to the same initial カ"),
        E(response="今日きれいな花を見たので、写真に撮った。", passed=False,
          note="anchor defect: 今日 (キョウ) and きれい share the initial キ although 今 and き differ"),
        E(response="春の朝は静か。", passed=False, note="5 words, needs at least 10"),
        E(response="日曜日に友人と二人で映画を観に行った。", passed=True,
          note="日曜 (ニ) and 日 (ビ, folded ヒ): the same kanji, different sounds"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_words=10)  # P8

    def check(self, r: Response) -> Verdict:
        words = r.words
        if len(words) < 10:
            return self.fail(f"{plural(len(words), 'word')}, needs at least 10")
        keys = initials(r)
        for i in range(1, len(keys)):
            if keys[i] == keys[i - 1]:
                return self.fail(f"adjacent words {words[i - 1].surface!r} and {words[i].surface!r} both start "
                                 f"with {keys[i]!r}")
        return self.ok(f"no two of the {len(words)} adjacent words share an initial")


# --- mora parity --------------------------------------------------------------------------------------

@register
class AlternatingMoraParity(Constraint):
    id = "ifbench_words.alternating_mora_parity"
    group = Group.IFBENCH_WORDS
    aliases = ("OddEvenSyllablesWordsIfbenchConstraint",)
    conflicts = (*NON_JAPANESE_IDS, *LATIN_OR_DIGIT_IDS)
    test_wording = (
        "回答を10語以上で書き、単語の拍数（モーラ数）が奇数と偶数で交互になるようにしてください"
        "（例：「猫が好きだ」はネコ2・ガ1・スキ2・ダ1）。" + _WORD_UNIT + "。文や行をまたいでも交互に続けます。"
        "拍数は" + _READING_DEF + "の仮名の数で、小さい「ャ」「ュ」「ョ」「ァ」「ィ」「ゥ」「ェ」「ォ」は前の仮名と"
        "あわせて1拍、「ッ」「ン」「ー」はそれぞれ1拍です。すべての単語に読みが必要なので、数や外来語も英字・"
        "算用数字を使わず仮名か漢字で書いてください。"
    )
    examples = (
        E(response="猫が好きで、犬も好きだ。鳥も好きだ。", passed=True, note="2 1 2 1 2 1 2 1 2 1 2 1"),
        E(response="僕はパンが好きだ。\n\n姉もパンが好きだ。", passed=True,
          note="ボク2 ハ1 パン2 ガ1 スキ2 ダ1 / アネ2 モ1 パン2 ガ1 スキ2 ダ1 across the paragraph break"),
        E(response="彼女は猫が好きだ。犬も好きだ。", passed=False, note="彼女 (カノジョ, 3) and は (1) are both odd"),
        E(response="猫が好きで、犬も好きだ。", passed=False, note="8 words, needs at least 10"),
        E(response="猫が好きで、犬も好きだ。2匹も好きだ。", passed=False, note="2 has no reading"),
        E(response="猫がDVDを好きで、犬も好きだ。", passed=False, note="DVD has no reading"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_words=10)  # P8

    def param_conflict(self, other: Constraint) -> str | None:
        if _arabic_sections(other):
            return "numbered sections need Arabic digits, which have no reading (X9)"
        return keyword_breaks(other, lambda w: reading(w) is None, "has no reading")

    def check(self, r: Response) -> Verdict:
        words = r.words
        counts = []
        for w, kana in zip(words, r.readings, strict=True):
            if kana is None:
                return self.fail(f"the word {_where(w)} has no reading; write it in kana or kanji")
            counts.append(mora_count(kana))
        if len(words) < 10:
            return self.fail(f"{plural(len(words), 'word')}, needs at least 10")
        for i in range(1, len(counts)):
            if counts[i] % 2 == counts[i - 1] % 2:
                return self.fail(f"{words[i - 1].surface!r} ({counts[i - 1]} morae) and {words[i].surface!r} "
                                 f"({counts[i]} morae) are both {'even' if counts[i] % 2 == 0 else 'odd'}")
        return self.ok(f"mora counts alternate over all {plural(len(words), 'word')}")


# --- palindromes --------------------------------------------------------------------------------------

def palindrome_indexes(r: Response) -> list[int]:
    """Indexes into r.words of the words whose folded reading has >= 3 morae and reads the same reversed."""
    return [i for i, kana in enumerate(r.readings) if kana and _palindrome(kana)]


@lru_cache(maxsize=16384)
def _palindrome(kana: str) -> str | None:
    folded = fold_kana(kana)
    return folded if mora_count(folded) >= 3 and folded == folded[::-1] else None


@register
class Palindromes(Constraint):
    id = "ifbench_words.palindromes"
    group = Group.IFBENCH_WORDS
    aliases = ("PalindromeWordsIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    jfbench_kwargs: ClassVar[dict[str, str]] = {"minimum_palindromes": "min_palindromes"}

    class Params(ParamsBase):
        min_palindromes: int = Field(default=2, ge=1, le=10)

    test_wording = (
        "読みが回文になる単語を、異なる語で{min_palindromes}語以上使ってください（例：トマト、キツツキ、八百屋、南）。"
        "数えるのは、" + _READING_DEF + "が3拍以上あり、濁点・半濁点を取り小書きの仮名を並字にしたうえで前から読んでも"
        "後ろから読んでも同じになる単語です。単語はUniDicの短単位で判定するため、「新聞紙」（新聞＋紙）のように"
        "2語に分かれるものは数えません。同じ語をくり返しても1語です。"
    )
    examples = (
        E(response="畑でとれたトマトを八百屋に届けました。", passed=True, params={"min_palindromes": 2},
          note="トマト and 八百屋 (ヤオヤ)"),
        E(response="南の森でキツツキが木をつつく音が、痛いほど響いた。", passed=True,
          params={"min_palindromes": 3}, note="南 (ミナミ), キツツキ, 痛い (イタイ)"),
        E(response="しかし、スイスのルールは微かに違う。", passed=True, params={"min_palindromes": 4},
          note="しかし, スイス, ルール, 微か (カスカ)"),
        E(response="トマトをたくさん食べた。トマトは甘い。", passed=False, params={"min_palindromes": 2},
          note="one distinct palindrome, repeated"),
        E(response="新聞紙でトマトを包んだ。", passed=False, params={"min_palindromes": 2},
          note="anchor defect: 新聞紙 is 新聞+紙, so only トマト counts"),
        E(response="桃を母とママが食べた。", passed=False, params={"min_palindromes": 1},
          note="モモ, ハハ and ママ have only 2 morae"),
    )

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"min_palindromes": 10, **params}  # JFBench's default

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_palindromes=rng.randint(2, 4))

    def check(self, r: Response) -> Verdict:
        found: list[Token] = []
        seen_surfaces: set[str] = set()
        seen_lemmas: set[str] = set()
        keys = r.word_keys
        for i in palindrome_indexes(r):
            surface, lemma = keys[i]
            if surface in seen_surfaces or lemma in seen_lemmas:
                continue
            found.append(r.words[i])
            seen_surfaces.add(surface)
            seen_lemmas.add(lemma)
            if len(found) >= self.params.min_palindromes:
                listed = ", ".join(f.surface for f in found)
                return self.ok(f"{plural(len(found), 'distinct palindrome word')}: {listed}")
        listed = ", ".join(f.surface for f in found) or "none"
        return self.fail(f"{plural(len(found), 'distinct palindrome word')} ({listed}), needs at least "
                         f"{self.params.min_palindromes}")


# --- paragraphs -----------------------------------------------------------------------------------

@register
class ParagraphSameFirstLast(Constraint):
    id = "ifbench_words.paragraph_same_first_last"
    group = Group.IFBENCH_WORDS
    aliases = ("ParagraphLastFirstWordsIfbenchConstraint",)
    conflicts = ("processing.suffix", "character.no_whitespace")

    class Params(ParamsBase):
        min_paragraphs: int = Field(default=1, ge=1, le=20)

    test_wording = (
        "回答を空行で区切った{min_paragraphs}段落以上で書き、どの段落も最初の内容語と最後の内容語を同じ語にしてください。"
        "内容語とは名詞・代名詞・動詞・形容詞・形状詞・副詞・連体詞・接続詞・感動詞のことで、助詞・助動詞や句読点は"
        "飛ばして数えます（単語の区切りはUniDicの短単位）。各段落には内容語が2語以上必要です。同じ語とは、表記が同じ"
        "（全角・半角や大文字・小文字の違いは無視）か、活用形が違っても同じ見出し語であることです。"
    )
    examples = (
        E(response="春は出会いの季節です。新しい生活が始まるのも春です。\n\n夏は海が楽しい季節です。"
                   "花火大会があるのも夏です。", passed=True, params={"min_paragraphs": 2},
          note="春 ... 春, 夏 ... 夏; です is an auxiliary"),
        E(response="## 朝\n朝の散歩は気持ちがいい。やはり朝だ。\n\n## 夜\n夜は静かに本を読む。落ち着く夜。",
          passed=True, params={"min_paragraphs": 2}, note="the heading is the paragraph's first line"),
        E(response="春は出会いの季節です。新しい生活が始まるのも春です。", passed=False,
          params={"min_paragraphs": 2}, note="1 paragraph"),
        E(response="春は出会いの季節です。新しい生活が始まります。\n\n夏は海が楽しい季節です。"
                   "花火大会があるのも夏です。", passed=False, params={"min_paragraphs": 2},
          note="anchor defect: paragraph 1 ends with the content word 始まり, not 春"),
        E(response="春。\n\n夏は暑い。暑い夏。", passed=False, params={"min_paragraphs": 2},
          note="anchor defect: a one-word paragraph passed trivially"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_paragraphs=rng.randint(2, 4))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_paragraphs=self.params.min_paragraphs)  # P3

    def check(self, r: Response) -> Verdict:
        n = len(r.paragraphs)
        if n < self.params.min_paragraphs:
            return self.fail(f"{plural(n, 'paragraph')}, needs at least {self.params.min_paragraphs}")
        for i, words in enumerate(paragraph_words(r), start=1):
            content = [w for w in words if is_content(w)]
            if len(content) < 2:
                return self.fail(f"paragraph {i} has {plural(len(content), 'content word')}, needs at least 2")
            if not same_word(content[0], content[-1]):
                return self.fail(f"paragraph {i} starts with the content word {content[0].surface!r} but ends "
                                 f"with {content[-1].surface!r}")
        return self.ok(f"all {plural(n, 'paragraph')} start and end with the same content word")


# --- prime lengths ------------------------------------------------------------------------------------

@register
class PrimeLengthWords(Constraint):
    id = "ifbench_words.prime_length_words"
    group = Group.IFBENCH_WORDS
    aliases = ("PrimeLengthsWordsIfbenchConstraint",)
    test_wording = (
        "回答中の" + _CONTENT_DEF + "をすべて、文字数が素数（2、3、5、7、11…）の語にし、内容語は10語以上使ってください。"
        "単語の区切りはUniDicの短単位で、活用する語は書かれた形のまま数えます（「食べた」の「食べ」は2文字で可、"
        "「した」の「し」や「猫」は1文字なので不可）。助詞・助動詞は対象外です。"
    )
    examples = (
        E(response="日本の首都である東京には、多くの人々が暮らしている。東京の夜景はとても美しい。", passed=True,
          note="12 content words of 2 or 3 characters; the particles の/に/は/が are exempt"),
        E(response="毎朝、近所の公園で友人と走っている。今朝の空気はとても冷たい。", passed=True,
          note="毎朝 近所 公園 友人 走っ いる 今朝 空気 (2), とても 冷たい (3)"),
        E(response="猫が好きな人は多い。", passed=False, note="猫 and 人 have 1 character"),
        E(response="日本の首都である東京では、多くの人々が毎日勉強している。", passed=False,
          note="し (from する) has 1 character"),
        E(response="東京の夜景はとても美しい。", passed=False, note="4 content words, needs at least 10"),
        E(response="日本の首都である東京には、2024年に多くの人々が暮らしていた。", passed=False,
          note="the number 2024 is a content word (名詞) of 4 characters"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_words=10)  # P8: 10 content words

    def param_conflict(self, other: Constraint) -> str | None:
        return keyword_breaks(other, lambda w: is_content(w) and not _is_prime(char_count(w.surface)),
                              "is a content word whose length is not prime")

    def check(self, r: Response) -> Verdict:
        content = r.content_words
        for w in content:
            n = char_count(w.surface)
            if not _is_prime(n):
                return self.fail(f"the content word {_where(w)} has {plural(n, 'character')}, which is not prime")
        if len(content) < 10:
            return self.fail(f"{plural(len(content), 'content word')}, needs at least 10")
        return self.ok(f"all {plural(len(content), 'content word')} have a prime number of characters")


# --- repeats ------------------------------------------------------------------------------------------

@register
class MaxRepeats(Constraint):
    id = "ifbench_words.max_repeats"
    group = Group.IFBENCH_WORDS
    aliases = ("RepeatsWordsIfbenchConstraint",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"max_repeats": "max_uses"}

    class Params(ParamsBase):
        max_uses: int = Field(default=3, ge=1, le=100)

    test_wording = (
        "同じ内容語を{max_uses}回より多く使わないでください（{max_uses}回までは可）。内容語とは名詞・代名詞・動詞・"
        "形容詞・形状詞・副詞・連体詞・接続詞・感動詞のことで、単語の区切りはUniDicの短単位です。「する」「ある」"
        "「いる」「こと」なども1語として数えます。表記が同じ語（全角・半角や大文字・小文字の違いは無視）と、活用形が"
        "違っても同じ見出し語の語（「書く」「書い」「書き」）は同じ語です。助詞・助動詞は何回使っても構いません。"
    )
    examples = (
        E(response="猫は好きです。犬も好きです。", passed=True, params={"max_uses": 2}),
        E(response="私は東京の大学の先生の娘の友人の兄です。", passed=True, params={"max_uses": 2},
          note="anchor defect: the particle の occurs 5 times and is exempt"),
        E(response="猫は好きです。犬も好きです。鳥も好きです。", passed=False, params={"max_uses": 2},
          note="好き occurs 3 times"),
        E(response="手紙を書く。昨日も書いた。明日も書きたい。", passed=False, params={"max_uses": 2},
          note="書く, 書い and 書き are one word (lemma 書く)"),
        E(response="ＡＩの話です。AIは便利です。aiを使いましょう。", passed=False, params={"max_uses": 2},
          note="ＡＩ, AI and ai are one word after NFKC + casefold"),
    )

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        # JFBench's max_repeats is the first count that fails: at most max_repeats - 1 uses.
        if "max_uses" in params:
            params = {**params, "max_uses": params["max_uses"] - 1}
        return params

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(max_uses=rng.randint(2, 4))

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "content.keyword_included":
            for k, n in other.params.keywords.items():
                if n > self.params.max_uses and any(is_content(w) for w in _keyword_words(k)):
                    return f"{other.id} needs {k} {n} times, at most {self.params.max_uses} uses allowed"
        return None

    def check(self, r: Response) -> Verdict:
        content = r.content_words
        keys = r.word_keys
        groups = word_groups([keys[i] for i in r.content_indexes])
        counts: dict[int, int] = {}
        for g in groups:
            counts[g] = counts.get(g, 0) + 1
        worst = max(counts, key=lambda g: counts[g], default=None)
        if worst is not None and counts[worst] > self.params.max_uses:
            word = content[groups.index(worst)].surface
            return self.fail(f"the content word {word!r} occurs {counts[worst]} times, at most "
                             f"{self.params.max_uses} allowed")
        top = counts[worst] if worst is not None else 0
        return self.ok(f"no content word occurs more than {self.params.max_uses} times (most: {top})")


# --- first word ---------------------------------------------------------------------------------------

@register
class StartWithVerb(Constraint):
    id = "ifbench_words.start_with_verb"
    group = Group.IFBENCH_WORDS
    aliases = ("StartVerbWordsIfbenchConstraint",)
    conflicts = ("processing.prefix", "meta_output.greeting", "ifbench_format.output_template")
    test_wording = (
        "回答を動詞で始めてください（例：「考えてみましょう。」「見てください。」）。最初の単語の品詞をUniDicの"
        "短単位で判定するので、「勉強しましょう」のように名詞＋「する」で始める形や、「まず」などの副詞、「です」"
        "などの助動詞で始める形は認められません。行頭の見出し記号「#」や箇条書きの記号は無視して判定します。"
    )
    examples = (
        E(response="考えてみましょう。まず問題を整理します。", passed=True),
        E(response="# 始めよう\n最初に道具をそろえます。", passed=True, note="the # heading marker is ignored (§MD)"),
        E(response="見てください、この景色を。", passed=True),
        E(response="まず考えてみましょう。", passed=False, note="まず is an adverb"),
        E(response="勉強しましょう。", passed=False, note="勉強 is a noun; する comes second"),
        E(response="でしょうね、きっと。", passed=False, note="anchor defect: でしょう is an auxiliary (助動詞)"),
    )

    def check(self, r: Response) -> Verdict:
        if not r.words:
            return self.fail("the answer has no word")
        w = r.words[0]
        if w.pos1 != "動詞":
            return self.fail(f"the first word {w.surface!r} is a {w.pos1}, not a verb (動詞)")
        return self.ok(f"starts with the verb {w.surface!r}")


# --- vowels -------------------------------------------------------------------------------------------

_VOWEL_JA = {"a": "ア", "i": "イ", "u": "ウ", "e": "エ", "o": "オ"}


@register
class LimitedVowels(Constraint):
    id = "ifbench_words.limited_vowels"
    group = Group.IFBENCH_WORDS
    aliases = ("VowelWordsIfbenchConstraint",)
    conflicts = (*NON_JAPANESE_IDS, *LATIN_OR_DIGIT_IDS, "structure.*", "ifbench_format.thesis_lines")

    class Params(ParamsBase):
        max_vowels: int = Field(default=3, ge=1, le=4)

    test_wording = (
        "回答を空行のない1段落で書き、すべての単語の読みに出てくる母音をア・イ・ウ・エ・オのうち{max_vowels}種類以下に"
        "抑えてください。母音は各単語の" + _READING_DEF + "の各拍の段で決まり（キャはア段）、「ー」は直前の母音を"
        "くり返し、「ッ」「ン」は母音に数えません。助詞も読みどおりに数えます。すべての単語に読みが必要なので、"
        "英字や算用数字は使わないでください（" + _WORD_UNIT + "）。"
    )
    examples = (
        E(response="ママが買ったミカンは甘かった。赤いカニは高かった。", passed=True, params={"max_vowels": 2},
          note="only ア and イ: ママ, カッ, ミカン, ハ, アマカッ, アカイ, カニ, タカカッ"),
        E(response="夏は暑くて、肌が焼けた。", passed=True, params={"max_vowels": 3},
          note="ナツ ハ アツク テ ハダ ガ ヤケ タ: ア, ウ, エ"),
        E(response="ママが買ったミカンは甘かった。\n\n赤いカニは高かった。", passed=False, params={"max_vowels": 2},
          note="2 paragraphs"),
        E(response="今日はいい天気ですね。", passed=False, params={"max_vowels": 3},
          note="キョウ ハ イイ テンキ デス ネ: ア, イ, ウ, エ, オ"),
        E(response="ママが買ったミカンは2個。", passed=False, params={"max_vowels": 3}, note="2 has no reading"),
        E(response="ママが買ったミカンはABC。", passed=False, params={"max_vowels": 3}, note="ABC has no reading"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(max_vowels=rng.randint(2, 3))

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(max_paragraphs=1)  # P3: a single paragraph

    def param_conflict(self, other: Constraint) -> str | None:
        if _arabic_sections(other):
            return "numbered sections need Arabic digits, which have no reading (X9)"
        vowels: set[str] = set()
        for k in required_keywords(other):
            for w in _keyword_words(k):
                kana = reading(w)
                if kana is None:
                    return f"the keyword {k} required by {other.id} has no reading"
                vowels.update(v for v in mora_vowels(kana) if v)
        if len(vowels) > self.params.max_vowels:
            return f"the keywords required by {other.id} use {len(vowels)} vowels, at most {self.params.max_vowels}"
        return None

    def check(self, r: Response) -> Verdict:
        if len(r.paragraphs) != 1:
            return self.fail(f"{plural(len(r.paragraphs), 'paragraph')}, needs exactly 1")
        if not r.words:
            return self.fail("the answer has no word")
        seen: dict[str, Token] = {}
        for w, kana in zip(r.words, r.readings, strict=True):
            if kana is None:
                return self.fail(f"the word {_where(w)} has no reading; write it in kana or kanji")
            for v in mora_vowels(kana):
                if v is not None and v not in seen:
                    seen[v] = w
        if len(seen) > self.params.max_vowels:
            listed = ", ".join(f"{_VOWEL_JA[v]} (first in {w.surface!r})" for v, w in seen.items())
            return self.fail(f"{len(seen)} distinct vowels: {listed}; at most {self.params.max_vowels} allowed")
        return self.ok(f"{len(seen)} distinct vowels ({''.join(_VOWEL_JA[v] for v in seen)}), "
                       f"at most {self.params.max_vowels} allowed")


# --- keyword at both ends -------------------------------------------------------------------------------

@register
class KeywordSecondAndPenultimate(Constraint):
    id = "ifbench_words.keyword_second_and_penultimate"
    group = Group.IFBENCH_WORDS
    aliases = ("WordsPositionWordsIfbenchConstraint",)
    conflicts = ("processing.prefix", "processing.suffix", "ifbench_format.output_template")
    jfbench_kwargs: ClassVar[dict[str, str]] = {
        "word_index": "position", "from_end_index": "from_end_index", "word": "keyword"}

    class Params(KeywordParams):
        position: int = Field(default=2, ge=1, le=50)

    test_wording = (
        "回答全体の{position}番目の単語と、最後から{position}番目の単語を、どちらも「{keyword}」にしてください。"
        + _WORD_UNIT + "（例：「まず結論を述べます。」は まず／結論／を／述べ／ます の5語で、「結論」は2番目、"
        "最後から4番目）。全角・半角や大文字・小文字の違いは問いません。"
    )
    examples = (
        E(response="まず結論を述べます。会議の議論を踏まえると、これが結論です。", passed=True,
          params={"position": 2, "keyword": "結論"}, note="まず/結論 ... 結論/です"),
        E(response="このテストは明日です。準備をして、全員で臨む最後のテストだ！！）", passed=True,
          params={"position": 2, "keyword": "テスト"},
          note="anchor defect: IFBench stripped one trailing punctuation token; punctuation is never a word"),
        E(response="では結論を述べます。これが本日の結論でした。", passed=True,
          params={"position": 3, "keyword": "結論"}, note="で/は/結論 ... 結論/でし/た"),
        E(response="まず結論を述べます。以上が本日の結論となります。", passed=False,
          params={"position": 2, "keyword": "結論"}, note="word 2 from the end is なり (結論/と/なり/ます)"),
        E(response="結論を先に述べます。これが結論です。", passed=False,
          params={"position": 2, "keyword": "結論"}, note="word 2 is を"),
        E(response="まず結論を述べます。以上です。", passed=False, params={"position": 2, "keyword": "結論"},
          note="word 2 from the end is 以上"),
        E(response="まず結論です。", passed=True, params={"position": 2, "keyword": "結論"},
          note="まず/結論/です: word 2 and word 2 from the end are the same 結論"),
    )

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        from_end = params.pop("from_end_index", None)
        if from_end is not None and "position" in params and from_end != params["position"]:
            raise CatalogError("WordsPositionWordsIfbenchConstraint: ifbench_words.keyword_second_and_penultimate "
                               f"uses one position from both ends; got word_index={params['position']}, "
                               f"from_end_index={from_end}")
        if from_end is not None:
            params.setdefault("position", from_end)
        return params

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(position=rng.randint(2, 3), keyword=pick_position_keyword(rng))

    def param_conflict(self, other: Constraint) -> str | None:
        if self.params.position == 1 and other.id == "ifbench_words.start_with_verb":
            return "the first word cannot be both the keyword and a verb"
        return keyword_writability(self.params.keyword, other)

    def check(self, r: Response) -> Verdict:
        p, k = self.params.position, fold_word(self.params.keyword)
        words = r.words
        if len(words) < p:
            return self.fail(f"{plural(len(words), 'word')}, needs at least {p}")
        head, tail = words[p - 1], words[-p]
        if fold_word(head.surface) != k:
            return self.fail(f"word {p} is {head.surface!r}, not {self.params.keyword!r}")
        if fold_word(tail.surface) != k:
            return self.fail(f"word {p} from the end is {tail.surface!r}, not {self.params.keyword!r}")
        return self.ok(f"word {p} and word {p} from the end are both {self.params.keyword!r}")
