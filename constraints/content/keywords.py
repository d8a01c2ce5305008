"""content: keyword_included and keyword_excluded, with the §K keyword vocabulary the samplers draw from
(CATALOG.md, "content")."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal

import regex
from pydantic import Field, field_validator, model_validator

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints._forced import forced_view
from jfbench.ja import HAN, Response, Token, char_count, fold_word, keyword_units
from jfbench.prompts import document_text

E = Example

# --- keyword vocabulary (§K) ----------------------------------------------------------------------

# Topic-neutral nouns that fit almost any explanatory answer. Every entry passes the stability check
# below, and no entry's words are a sub-run of another entry's words.
NEUTRAL_NOUNS: tuple[str, ...] = (
    "具体例", "注意点", "目的", "手順", "結論", "背景", "課題", "利点", "欠点", "要点",
    "理由", "方法", "特徴", "影響", "効果", "重要性", "可能性", "問題点", "解決策", "改善点",
    "前提", "条件", "基本", "現状", "将来", "工夫", "役割", "視点", "比較", "事例",
    "根拠", "対策", "準備", "経験", "選択肢", "優先順位", "まとめ", "ポイント", "メリット", "デメリット",
    "ステップ", "基準", "全体像", "展望", "見通し", "長所", "短所",
)

# Nouns of a prompt that make poor keywords: formal nouns, instruction vocabulary and meta words.
_STOP_NOUNS = frozenset((
    "こと", "もの", "ため", "よう", "ところ", "とき", "ほう", "わけ", "はず", "うち", "なか", "たち",
    "場合", "以下", "以上", "下記", "上記", "次", "前", "後", "今回", "今後", "全て", "すべて", "一つ",
    "文章", "本文", "回答", "解答", "質問", "説明", "内容", "日本語", "文字", "文字数", "形式", "出力",
    "入力", "指示", "要約", "作成", "記述", "説明文", "テキスト", "部分", "感じ", "必要", "自分",
    "お願い", "ください", "問題", "答え", "例文", "段落", "箇条書き", "制約",
))
_WORD_ONLY = regex.compile(r"[\p{L}ー]+")
_HIRAGANA_WORD = regex.compile(r"[\p{sc=Hiragana}ー]+")
_HAS_WORD_CHAR = regex.compile(r"[\p{L}\p{N}]")
# Carrier sentences for the stability check: the keyword must keep its tokenization in each.
_CARRIERS = ("これは{k}についての説明です。", "まず{k}を確認しましょう。", "私たちにとって{k}は大切だ。")



@lru_cache(maxsize=4096)
def stable_keyword(keyword: str) -> bool:
    """§K stability: the keyword tokenizes the same alone and inside three carrier sentences."""
    if char_count(keyword) < 2 or not keyword_units(keyword):
        return False
    for carrier in _CARRIERS:
        sentence = carrier.format(k=keyword)
        # Response (not analyse) so that sampling does not crowd answers out of the shared cache.
        if Response(sentence).count_keyword(keyword) != sentence.count(keyword):
            return False
    return True


def _contains_run(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    m = len(inner)
    return m > 0 and any(outer[i:i + m] == inner for i in range(len(outer) - m + 1))


def keywords_overlap(a: str, b: str) -> bool:
    """True when one keyword's words are a run inside the other's, so their counts interact."""
    if fold_word(a) == fold_word(b):
        return True
    ua, ub = keyword_units(a), keyword_units(b)
    return _contains_run(ua, ub) or _contains_run(ub, ua)


def _noun_runs(words: list[Token]) -> list[list[Token]]:
    """Maximal runs of adjacent noun-like tokens (no gap, same line): compounds such as 梅雨+前線."""
    runs: list[list[Token]] = []
    for w in words:
        if w.pos1 not in ("名詞", "接頭辞", "接尾辞"):
            runs.append([])
            continue
        if runs and runs[-1] and runs[-1][-1].line == w.line and runs[-1][-1].end == w.start:
            runs[-1].append(w)
        else:
            runs.append([w])
    return [run for run in runs if run]


def _compound(run: list[Token]) -> str | None:
    """The run as one keyword: nouns, optionally a leading prefix (お茶) and noun-like suffixes (小学生)."""
    for i, w in enumerate(run):
        ok = ((w.pos1 == "名詞" and w.pos2 != "数詞") or (w.pos1 == "接頭辞" and i == 0 and len(run) > 1)
              or (w.pos1 == "接尾辞" and w.pos2 == "名詞的" and i > 0))
        if not ok:
            return None
    surface = "".join(w.surface for w in run)
    if len(run) > 3 or not 2 <= char_count(surface) <= 10 or not _WORD_ONLY.fullmatch(surface):
        return None
    if surface in _STOP_NOUNS or (len(surface) <= 2 and _HIRAGANA_WORD.fullmatch(surface)):
        return None
    return surface


@lru_cache(maxsize=1024)
def _nouns_of(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for run in _noun_runs(Response(text).words):
        word = _compound(run)
        if word and word not in seen and stable_keyword(word):
            seen[word] = None
    return tuple(seen)


def prompt_nouns(prompt: Any) -> tuple[str, ...]:
    """Stable nouns and noun compounds (≥ 2 chars, stop list removed) of §DOC, in order of appearance."""
    text = document_text(prompt)
    return _nouns_of(text) if text.strip() else ()


def pick_keywords(rng: random.Random, n: int, own: tuple[str, ...], neutral: tuple[str, ...] = NEUTRAL_NOUNS,
                  n_own: int | None = None) -> list[str]:
    """n distinct, non-overlapping keywords: n_own from the prompt's nouns (as far as it has them), the rest
    from the neutral list."""
    n_own = n if n_own is None else n_own
    picked: list[str] = []

    def take(pool: tuple[str, ...], k: int) -> None:
        candidates = list(pool)
        rng.shuffle(candidates)
        for c in candidates:
            if k <= 0:
                return
            if all(not keywords_overlap(c, p) for p in picked) and stable_keyword(c):
                picked.append(c)
                k -= 1

    take(own, n_own)
    take(neutral, n - len(picked))
    return picked


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _quoted(words: Any) -> str:
    return "".join(f"「{w}」" for w in words)


def _check_keyword(value: str) -> str:
    if not value or value != value.strip():
        raise ValueError("a keyword must be non-empty and have no surrounding whitespace")
    if len(value) > 30:
        raise ValueError("a keyword has at most 30 characters")
    if not _HAS_WORD_CHAR.search(value):
        raise ValueError("a keyword needs at least one letter or digit")
    return value


def _no_duplicates(values: Any) -> None:
    folded = [fold_word(v) for v in values]
    if len(set(folded)) != len(folded):
        raise ValueError("keywords must differ after NFKC and case folding")


# Constraints that require a keyword (CATALOG.md P6), read generically from their params.
_REQUIRING_IDS = ("content.keyword_included", "ifbench_sentence.keyword_in_sentence",
                  "ifbench_words.keyword_at_position", "ifbench_words.keyword_second_and_penultimate")


def required_keywords(other: Constraint) -> list[str]:
    if other.id not in _REQUIRING_IDS:
        return []
    out: list[str] = []
    value = getattr(other.params, "keywords", None)
    if isinstance(value, dict | list | tuple):
        out.extend(str(k) for k in value)
    single = getattr(other.params, "keyword", None)
    if isinstance(single, str):
        out.append(single)
    return out


# P6 writability: which keywords each script, width or language constraint admits.
_KATAKANA_WORD = regex.compile(r"[\p{sc=Katakana}ー]+")
_KANJI_WORD = regex.compile(rf"[{HAN}]+")
_LATIN_LETTER = regex.compile(r"\p{sc=Latin}")
_JAPANESE_CHAR = regex.compile(r"[\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Han}ー々〆〇]")
_LATIN_ONLY_IDS = ("character.half_width", "character.romaji_only", "style.english", "style.british_english",
                   "style.american_english", "style.no_japanese")


def unwritable(keyword: str, other_id: str) -> str | None:
    if other_id == "character.hiragana_only" and not _HIRAGANA_WORD.fullmatch(keyword):
        return "is not hiragana"
    if other_id == "character.katakana_only" and not _KATAKANA_WORD.fullmatch(keyword):
        return "is not katakana"
    if other_id == "character.kanji_only" and not _KANJI_WORD.fullmatch(keyword):
        return "is not kanji"
    if other_id in _LATIN_ONLY_IDS and _JAPANESE_CHAR.search(keyword):
        return "is not written in Latin letters"
    if other_id in ("character.full_width", "style.no_english") and _LATIN_LETTER.search(keyword):
        return "contains Latin letters"
    return None


# --- keywords -------------------------------------------------------------------------------------

@register
class KeywordIncluded(Constraint):
    id = "content.keyword_included"
    group = Group.CONTENT
    aliases = ("KeywordIncludedContentConstraint",)
    train = True
    conflicts = ("content.irrelevant",)

    class Params(ParamsBase):
        keywords: dict[str, Annotated[int, Field(ge=1, le=100)]] = Field(min_length=1, max_length=10)
        relation: Literal["at_least", "exactly"]

        @model_validator(mode="before")
        @classmethod
        def _list_form(cls, data: Any) -> Any:
            """Also accept CATALOG's list form: keywords as a list plus one shared count (default 1)."""
            if isinstance(data, dict) and isinstance(data.get("keywords"), list | tuple):
                data = dict(data)
                count = data.pop("count", 1)
                data["keywords"] = {k: count for k in data["keywords"]}
            return data

        @field_validator("keywords")
        @classmethod
        def _valid_keywords(cls, v: dict[str, int]) -> dict[str, int]:
            for k in v:
                _check_keyword(k)
            _no_duplicates(v)
            return v

    test_wording = (
        "回答の中で次のキーワードを指定の回数だけ使ってください：{requirements}。回数は単語単位で数え、"
        "「もしもし」の中の「もし」のように、別の単語の内部に含まれているだけの文字列は数えません。"
    )
    train_wordings = (
        "次の語を、それぞれ決められた回数だけ回答に盛り込んでください。{requirements}。"
        "ほかの単語に埋もれた文字列（例：「もしもし」に含まれる「もし」）は1回と数えません。",
        "キーワードの使用回数について指定します：{requirements}。一語として書かれたものだけを数えるので、"
        "ある単語の一部として現れるだけの場合はカウントされません。",
        "以下の回数条件を守ってキーワードを本文に登場させてください（{requirements}）。"
        "数えるのは独立した単語として使われた回数で、「もしもし」は「もし」を含むとはみなしません。",
        "文章を書くときは、{requirements}という使用回数を満たしてください。"
        "判定は単語ごとに行い、より長い一語の中に含まれる文字列は対象外です。",
        "回答に入れるキーワードとその回数：{requirements}。出現回数は単語単位で判定します"
        "（たとえば「もしもし」の中の「もし」は数に入りません）。",
    )
    examples = (
        E(response="この作業の目的は品質の向上です。手順を守れば、目的は達成できます。",
          params={"keywords": {"目的": 2, "手順": 1}, "relation": "at_least"}, passed=True),
        E(response="日本の首都は東京です。東京には多くの人が住んでいます。",
          params={"keywords": {"日本": 1, "東京": 2}, "relation": "exactly"}, passed=True),
        E(response="日本語を勉強しています。", params={"keywords": {"日本": 1}, "relation": "exactly"},
          passed=True, note="日本語 is 日本+語, so it holds one 日本 word"),
        E(response="ＡＩの活用が進んでいます。", params={"keywords": {"AI": 1}, "relation": "at_least"},
          passed=True, note="NFKC + casefold: ＡＩ = AI"),
        E(response="この作業の目的は品質の向上です。手順を守りましょう。",
          params={"keywords": {"目的": 2, "手順": 1}, "relation": "at_least"}, passed=False,
          note="目的 occurs once"),
        E(response="日本の首都は東京です。東京には多くの人が住み、東京は今も成長しています。",
          params={"keywords": {"日本": 1, "東京": 2}, "relation": "exactly"}, passed=False,
          note="東京 occurs 3 times, exactly 2 required"),
        E(response="もしもし、聞こえますか。", params={"keywords": {"もし": 1}, "relation": "at_least"},
          passed=False, note="anchor defect: もしもし is one word and contains no もし"),
        E(response="今日は晴れです。", params={"keywords": {"日": 1}, "relation": "at_least"}, passed=False,
          note="今日 does not contain the word 日"),
        E(response="Let us move forward together.", params={"keywords": {"war": 1}, "relation": "at_least"},
          passed=False, note="IFEval defect: forward does not contain the word war"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"keywords": "keywords"}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"relation": "exactly", **params}  # JFBench's counts are exact

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        n = rng.randint(1, 3)
        own = prompt_nouns(prompt)
        n_own = n // 2 + (n % 2 if rng.random() < 0.5 else 0) if own else 0
        words = pick_keywords(rng, n, own, n_own=n_own)
        return cls.Params(keywords={w: rng.randint(1, 3) for w in words},
                          relation=rng.choice(["at_least", "exactly"]))

    def display(self) -> dict[str, str]:
        if self.params.relation == "exactly":
            parts = [f"「{k}」をちょうど{n}回" for k, n in self.params.keywords.items()]
        else:
            parts = [f"「{k}」を{n}回以上" for k, n in self.params.keywords.items()]
        return {"requirements": "、".join(parts)}

    def demands(self, prompt: Any = None) -> Demands:
        # P1 and P6: the required occurrences take sum(count x chars(keyword)) characters.
        chars = sum(n * char_count(k) for k, n in self.params.keywords.items())
        return Demands(min_chars=chars, keyword_chars=chars)

    def param_conflict(self, other: Constraint) -> str | None:
        for k in self.params.keywords:
            why = unwritable(k, other.id)
            if why:
                return f"the required keyword {k} {why}, which {other.id} forbids"
        return None

    def check(self, r: Response) -> Verdict:
        exact = self.params.relation == "exactly"
        problems = []
        counts = {k: r.count_keyword(k) for k in self.params.keywords}
        for k, need in self.params.keywords.items():
            if not keyword_units(k):
                problems.append(f"keyword {k!r} has no word to count")
                continue
            got = counts[k]
            if got < need or (exact and got != need):
                problems.append(f"{k!r} occurs {_times(got)} as a word, needs {'exactly' if exact else 'at least'} "
                                f"{need}")
        if problems:
            return self.fail("; ".join(problems))
        return self.ok("every keyword occurs the required number of times")


@register
class KeywordExcluded(Constraint):
    id = "content.keyword_excluded"
    group = Group.CONTENT
    aliases = ("KeywordExcludedContentConstraint",)
    train = True
    conflicts = ("content.irrelevant",)

    class Params(ParamsBase):
        keywords: tuple[str, ...] = Field(min_length=1, max_length=10)

        @field_validator("keywords")
        @classmethod
        def _valid_keywords(cls, v: tuple[str, ...]) -> tuple[str, ...]:
            for k in v:
                _check_keyword(k)
            _no_duplicates(v)
            return v

    test_wording = (
        "次の語を回答の中で一度も使わないでください：{keyword_list}。判定は単語単位で行い、"
        "「今日」の中の「日」のように、別の単語の内部に含まれているだけの文字列は対象外です。"
    )
    train_wordings = (
        "{keyword_list}という語は使用禁止です。回答に単語として一度も登場させないでください"
        "（「もしもし」の中の「もし」のような、ほかの単語の一部は問題ありません）。",
        "回答では、{keyword_list}を単語として書かないでください。より長い一語の中に同じ文字が含まれるだけなら違反になりません。",
        "次に挙げる語を避けて書いてください：{keyword_list}。単語ごとに判定するため、「毎日」の「日」のような語の内部の文字は数えません。",
        "禁止語：{keyword_list}。これらを単語として一回でも使うと不可です（別の単語の一部として含まれる文字列は除きます）。",
        "{keyword_list}の語を使わずに回答してください。言い換えを工夫し、これらが独立した単語として現れないようにしてください"
        "（例：「今日」は「日」を含むとはみなしません）。",
    )
    examples = (
        E(response="日本では毎日、今日のように多くの人が働いています。",
          params={"keywords": ["月", "火", "水", "木", "金", "土", "日"]}, passed=True,
          note="anchor defect: 日本, 毎日 and 今日 do not contain the word 日"),
        E(response="もしもし、田中です。", params={"keywords": ["もし"]}, passed=True,
          note="もしもし is one word; it contains no もし"),
        E(response="準備を整えてから作業に入りましょう。", params={"keywords": ["手順", "目的"]}, passed=True),
        E(response="まず手順を確認します。", params={"keywords": ["手順", "目的"]}, passed=False),
        E(response="日本語は難しい言語です。", params={"keywords": ["日本"]}, passed=False,
          note="日本語 is 日本+語, so the word 日本 is used"),
        E(response="ａｉの時代が来ました。", params={"keywords": ["AI"]}, passed=False, note="NFKC + casefold"),
        E(response="月曜日に会いましょう。", params={"keywords": ["日"]}, passed=False,
          note="月曜日 is 月曜+日, so the word 日 is used"),
    )
    jfbench_kwargs: ClassVar[dict[str, str]] = {"keywords": "keywords"}

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(keywords=tuple(pick_keywords(rng, rng.randint(1, 3), prompt_nouns(prompt))))

    def display(self) -> dict[str, str]:
        return {"keyword_list": _quoted(self.params.keywords)}

    def param_conflict(self, other: Constraint) -> str | None:
        for req in required_keywords(other):
            for k in self.params.keywords:
                if fold_word(k) == fold_word(req) or _contains_run(keyword_units(req), keyword_units(k)):
                    return f"{req} is required by {other.id} but {k} is forbidden"
        return None

    def _found(self, r: Response) -> str | None:
        found = [(k, n) for k in self.params.keywords if (n := r.count_keyword(k))]
        if not found:
            return None
        return "uses the forbidden keyword " + ", ".join(f"{k!r} ({_times(n)})" for k, n in found)

    def forced_text_problem(self, text: str) -> str | None:
        return self._found(forced_view(text))  # P6/P7: a forced text holds a forbidden keyword

    def check(self, r: Response) -> Verdict:
        bad = self._found(r)
        if bad:
            return self.fail(bad)
        return self.ok("uses none of the forbidden keywords")
