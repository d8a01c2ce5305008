"""ifbench_ratio (5): overlap with the prompt's document, sentence-type balance and ratios, three sentences
of equal length with no shared content word, and the share of function words (CATALOG.md, "ifbench_ratio").

Units come from jfbench.ja and are stated in each wording: words are UniDic short units (§W,
`Response.words`), function words have pos1 助詞 or 助動詞 (`ja.FUNCTION_POS`), content words one of
`ja.CONTENT_POS`, sentences and their types (statement / question / exclamation) are §S. No ratio passes on
degenerate input: each row needs at least one of every type it compares, or a minimum number of units.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from pydantic import Field

from jfbench.catalog import NON_JAPANESE_IDS, Constraint, Demands, Example, Group, Params, Verdict, register
from jfbench.constraints.processing._common import DOC, NO_DOCUMENT
from jfbench.ja import (
    CONTENT_POS,
    FUNCTION_POS,
    Response,
    analyse,
    normalize_document,
    same_word_keys,
)
from jfbench.prompts import document_text

E = Example


# How every sentence-type wording defines sentences and their types (§S).
SENTENCE_TYPES = (
    "文は「。」「？」「！」（半角の「?」「!」や、単語の後ろに空白か改行が続く「.」も同じ）と改行で区切り、"
    "かぎかっこや丸かっこの中の記号では区切りません。「？」または「?」を含む記号で終わる文（「？！」も）が疑問文、"
    "それ以外で「！」または「!」で終わる文が感嘆文、それ以外（「。」で終わる文や、記号のない行・見出し）が平叙文です。"
)


# --- ifbench_ratio.prompt_overlap ----------------------------------------------------------------------

def word_trigrams(r: Response) -> list[tuple[str, str, str]]:
    """Trigrams of consecutive §W words (NFKC + casefold surfaces) inside one §MD line, in text order."""
    words = r.words
    folded = r.folded_words
    return [(folded[i], folded[i + 1], folded[i + 2]) for i in range(len(words) - 2)
            if words[i].line == words[i + 2].line]


def _doc_trigrams(doc: Response) -> frozenset[tuple[str, str, str]]:
    return doc.memo("ifbench_ratio.doc_trigrams", lambda: frozenset(word_trigrams(doc)))


@register
class PromptOverlap(Constraint):
    id = "ifbench_ratio.prompt_overlap"
    group = Group.IFBENCH_RATIO
    aliases = ("OverlapRatioIfbenchConstraint",)
    conflicts = ("content.irrelevant",)
    jfbench_kwargs: ClassVar[dict[str, str]] = {"target_ratio_percent": "target_percent"}
    TOLERANCE = 5
    MIN_TRIGRAMS = 10
    MIN_DOC_WORDS = 30

    class Params(Params):
        target_percent: int = Field(default=50, ge=0, le=100)

    test_wording = (
        f"{DOC}の言い回しを、回答で部分的に再利用してください。回答の各行で連続する3語の並び（3語組）をすべて数え、"
        "そのうち課題文の中にも同じ並びで現れるものの割合を{low}%以上{high}%以下（目標{target_percent}%±5ポイント）に"
        "してください。語は形態素解析（UniDicの短単位）で区切り、助詞・助動詞も1語ですが、句読点・記号は語に数えません。"
        "行をまたぐ3語組は作らず、英字の大文字・小文字や全角・半角は区別しません。回答の3語組は10個以上必要です。"
    )
    D1 = ("地域の図書館は、本を無料で貸し出すだけの場所ではない。子ども向けの読み聞かせ会や、高齢者向けのパソコン教室も"
          "開かれている。静かに勉強できる席を求めて、放課後に通う学生も多い。")
    examples = (
        E(response="地域の図書館は、本を無料で貸し出すだけの場所ではありません。子ども向けの読み聞かせ会や、高齢者向けの"
                   "パソコン教室も開かれています。つまり、図書館はみんなが集まって学び合う、町の大切な拠点なのです。",
          passed=True, params={"target_percent": 50}, document=D1, note="28 of 51 trigrams: 54.9 %"),
        E(response="図書館では、子ども向けの読み聞かせ会や、高齢者向けのパソコン教室も開かれている。中学生の皆さんに"
                   "とっては、宿題や調べ学習に使える静かな場所でもあります。わからないことがあれば、司書さんに気軽に"
                   "相談してみましょう。",
          passed=True, params={"target_percent": 30}, document=D1, note="15 of 57 trigrams: 26.3 %"),
        E(response=D1, passed=False, params={"target_percent": 70}, document=D1,
          note="a verbatim copy: 100 %"),
        E(response="図書館は本を借りるところだと思われがちですが、実際には多くの人が集まる場所です。小さな子どもから"
                   "大人まで、それぞれの目的で利用しています。",
          passed=False, params={"target_percent": 20}, document=D1, note="3 of 36 trigrams: 8.3 %"),
        E(response="図書館は学びの場です。", passed=False, params={"target_percent": 20}, document=D1,
          note="5 trigrams (1 shared, 20 %) is fewer than 10"),
        E(response="図書館の役割\n- 本の貸し出し\n- 読み聞かせ会\n- パソコン教室\n- 勉強できる席\n- 放課後の学生",
          passed=False, params={"target_percent": 20}, document=D1,
          note="trigrams stop at line ends: only 6 trigrams, though every line comes from the document"),
        E(response="地域の図書館は、本を無料で貸し出すだけの場所ではありません。子ども向けの読み聞かせ会や、高齢者向けの"
                   "パソコン教室も開かれています。",
          passed=False, params={"target_percent": 50}, note="no document given to the check"),
    )

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        text = normalize_document(document_text(prompt)) if prompt is not None else ""
        return bool(text.strip()) and len(analyse(text).words) >= cls.MIN_DOC_WORDS

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(target_percent=rng.choice((20, 30, 40, 50, 60, 70)))

    def display(self) -> dict[str, str]:
        t = self.params.target_percent
        return {"low": str(max(0, t - self.TOLERANCE)), "high": str(min(100, t + self.TOLERANCE))}

    def check(self, r: Response) -> Verdict:
        if r.doc is None or not r.doc.text:
            return self.fail(NO_DOCUMENT)
        doc = _doc_trigrams(r.doc)
        trigrams = word_trigrams(r)
        if len(trigrams) < self.MIN_TRIGRAMS:
            return self.fail(f"{len(trigrams)} word trigrams, needs at least {self.MIN_TRIGRAMS}")
        shared = sum(1 for t in trigrams if t in doc)
        percent = 100 * shared / len(trigrams)
        target = self.params.target_percent
        text = f"{shared} of {len(trigrams)} word trigrams ({percent:.1f} %) occur in the document"
        if abs(percent - target) > self.TOLERANCE:
            return self.fail(f"{text}, needs {target} ± {self.TOLERANCE} %")
        return self.ok(f"{text}, within {target} ± {self.TOLERANCE} %")


# --- sentence types ------------------------------------------------------------------------------------

def sentence_type_counts(r: Response) -> dict[str, int]:
    counts = {"statement": 0, "question": 0, "exclamation": 0}
    for s in r.sentences:
        counts[s.kind] += 1
    return counts


def _describe(c: dict[str, int]) -> str:
    return f"{c['statement']} statements, {c['question']} questions, {c['exclamation']} exclamations"


@register
class SentenceBalance(Constraint):
    id = "ifbench_ratio.sentence_balance"
    group = Group.IFBENCH_RATIO
    aliases = ("SentenceBalanceRatioIfbenchConstraint",)
    conflicts = ("ifbench_ratio.statement_question_ratio", "format.sentence_delimiter")
    test_wording = (
        "平叙文・疑問文・感嘆文をそれぞれ1文以上使い、3種類の文の数をすべて同じにしてください（例：各2文ずつ）。"
        + SENTENCE_TYPES
    )
    examples = (
        E(response="今日はとてもいい天気ですね。一緒に散歩に行きませんか？ 川沿いの桜がきれいですよ！", passed=True,
          note="1 / 1 / 1"),
        E(response="新しいカフェができました。行ってみましたか？ ケーキが絶品でした！\n店内は広くて静かです。"
                   "次はいつ行こう？！ 楽しみです！",
          passed=True, note="2 / 2 / 2; ？！ is a question; a line break ends a sentence"),
        E(response="新しいカフェができました。店内は広いです。行ってみましたか？ ケーキが絶品でした！", passed=False,
          note="anchor defect: 2 / 1 / 1 passed with a gap of 1"),
        E(response="……！？", passed=False, note="no sentence: 0 = 0 = 0 never passes"),
        E(response="新しいカフェができました。店内は広いです。", passed=False, note="no question or exclamation"),
        E(response="「本当？」と彼は聞いた。「すごい！」と私は言った。そうですか？", passed=False,
          note="marks inside quotes do not end sentences: 2 statements, 1 question"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=3)  # P2: one of each type

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "length.sentences":  # every sentence has a type, so the total is a multiple of 3
            lo = max(3, getattr(other.params, "min", None) or 3)
            hi = getattr(other.params, "max", None)
            if hi is not None and -(-lo // 3) * 3 > hi:
                return "sentence_balance needs 3, 6, 9 ... sentences, none of which is in length.sentences (X11)"
        return None

    def check(self, r: Response) -> Verdict:
        c = sentence_type_counts(r)
        if min(c.values()) == 0:
            missing = [k for k, v in c.items() if v == 0]
            return self.fail(f"{_describe(c)}: needs at least one {' and one '.join(missing)}")
        if len(set(c.values())) != 1:
            return self.fail(f"{_describe(c)}: the three counts must be equal")
        return self.ok(f"{_describe(c)}: balanced")


@register
class StatementQuestionRatio(Constraint):
    id = "ifbench_ratio.statement_question_ratio"
    group = Group.IFBENCH_RATIO
    aliases = ("SentenceTypeRatioIfbenchConstraint",)
    conflicts = ("ifbench_ratio.sentence_balance", "format.sentence_delimiter")
    test_wording = (
        "疑問文を1文以上入れ、平叙文の数がちょうど疑問文の数の2倍になるようにしてください（例：疑問文2文なら平叙文4文）。"
        "感嘆文はどちらにも数えません。" + SENTENCE_TYPES
    )
    examples = (
        E(response="梅雨は毎年六月ごろに始まります。なぜ雨が続くのでしょうか？ 梅雨前線が停滞するからです。",
          passed=True, note="2 statements, 1 question"),
        E(response="今日は会議があります。準備はできましたか？ 資料は昨日送りました！ 確認してください。\n"
                   "質問はありますか？ 終了は五時の予定です。ご協力をお願いします。",
          passed=True, note="4 statements, 2 questions; the exclamation counts as neither"),
        E(response="今日は会議があります。資料は昨日送りました。", passed=False,
          note="anchor defect: 0 = 2 × 0 passed; needs a question"),
        E(response="今日は会議があります。資料は昨日送りました。終了は五時です。準備はできましたか？", passed=False,
          note="3 statements for 1 question"),
        E(response="A案です。B案です。C案です。D案です。E案です。F案です。G案です。H案です。I案です。J案です。"
                   "K案です。どれにしますか？ 予算は？ 期限は？ 担当は？ 場所は？",
          passed=False, note="anchor defect: 11 / 5 = 2.2 passed within its unstated ± 0.2"),
        E(response="どう思いますか？ 本当ですか？", passed=False, note="no statement"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=3)  # P2: a question and two statements

    def check(self, r: Response) -> Verdict:
        c = sentence_type_counts(r)
        s, q = c["statement"], c["question"]
        if q == 0:
            return self.fail(f"{s} statements and no question: needs at least one question")
        if s != 2 * q:
            return self.fail(f"{s} statements and {q} questions: needs exactly {2 * q} statements")
        return self.ok(f"{s} statements and {q} questions (2:1)")


# --- ifbench_ratio.equal_sentence_words ---------------------------------------------------------------

@register
class EqualSentenceWords(Constraint):
    id = "ifbench_ratio.equal_sentence_words"
    group = Group.IFBENCH_RATIO
    aliases = ("SentenceWordsRatioIfbenchConstraint",)
    conflicts = (
        "format.bullet_points", "format.numbered_list", "format.markdown_list", "format.markdown_heading_levels",
        "format.markdown_unique_headings", "format.markdown_document", "format.markdown_table*",
        "format.citations", "structure.*", "length.sections", "ifbench_format.one_word_per_line",
        "ifbench_format.sub_bullets", "ifbench_format.thesis_lines", "ifbench_format.output_template",
    )
    test_wording = (
        "ちょうど3文で回答し、3つの文の語数をすべて同じにしてください。語は形態素解析（UniDicの短単位）で数え、"
        "助詞や助動詞も1語ですが、句読点・記号は数えません（例：「食べました」は「食べ／まし／た」の3語）。"
        "文は「。」「？」「！」と改行で区切ります。また、内容語（名詞・代名詞・動詞・形容詞・形容動詞の語幹・副詞・"
        "連体詞・接続詞・感動詞）は、2つ以上の文で同じ語を使わないでください。活用が違うだけの語（「行く」と「行った」）"
        "も同じ語で、「勉強する」と「散歩した」の「する」「し」も同じ動詞です。助詞・助動詞（は・が・を・に・で・です・"
        "ます・た など）と、「さん」「的」のような接頭辞・接尾辞は何度使っても構いません。"
    )
    examples = (
        E(response="毎朝、苦いコーヒーを二杯飲みます。週末は公園でゆっくり散歩します。夜に好きな小説を読みます。",
          passed=True, note="8 / 8 / 8 words; only ます repeats, and it is an auxiliary"),
        E(response="猫は庭で眠る。犬は川で泳ぐ。鳥は空で歌う。", passed=True,
          note="anchor defect: the shared particles は and で counted as repeated words"),
        E(response="佐藤さんは朝に走る。鈴木さんは夜に泳ぐ。高橋さんは昼に歌う。", passed=True,
          note="6 / 6 / 6; the suffix さん is neither a content nor a function word and may repeat"),
        E(response="私は本を読む。彼は新聞を読む。母は雑誌を読む。", passed=False, note="読む is in all three sentences"),
        E(response="姉は朝に駅へ行きます。兄は昼に店へ行った。父は台所で料理を作った。", passed=False,
          note="行き and 行っ are the same word (lemma 行く)"),
        E(response="兄は図書館で勉強する。妹は公園を散歩した。母は台所で料理を作る。", passed=False,
          note="する and し are the same verb (lemma 為る), a content word"),
        E(response="猫は庭で眠る。犬は川で泳ぐ。鳥は空で歌う。魚は海を進む。", passed=False, note="4 sentences"),
        E(response="猫は庭で眠る。犬は川を元気に泳ぐ。鳥は空で歌う。", passed=False, note="5 / 7 / 5 words"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(min_sentences=3, max_sentences=3)  # P2: exactly 3 sentences

    def check(self, r: Response) -> Verdict:
        n = len(r.sentences)
        if n != 3:
            return self.fail(f"{n} sentences, needs exactly 3")
        lists = r.sentence_words
        counts = [len(ws) for ws in lists]
        if len(set(counts)) != 1 or counts[0] == 0:
            return self.fail(f"word counts per sentence are {' / '.join(map(str, counts))}, must be equal")
        owner: dict[tuple[str, str], tuple[int, str]] = {}
        for k, words in enumerate(lists):
            for w in words:
                if w.pos1 not in CONTENT_POS:
                    continue
                for key in zip(("surface", "lemma"), same_word_keys(w), strict=True):
                    first = owner.setdefault(key, (k, w.surface))
                    if first[0] != k:
                        return self.fail(f"the content word {w.surface!r} in sentence {k + 1} repeats "
                                         f"{first[1]!r} from sentence {first[0] + 1}")
        return self.ok(f"3 sentences of {counts[0]} words each, no content word shared")


# --- ifbench_ratio.stop_words ---------------------------------------------------------------------------

@register
class StopWords(Constraint):
    id = "ifbench_ratio.stop_words"
    group = Group.IFBENCH_RATIO
    aliases = ("StopWordsRatioIfbenchConstraint",)
    conflicts = NON_JAPANESE_IDS
    jfbench_kwargs: ClassVar[dict[str, str]] = {"max_ratio_percent": "max_percent"}
    MIN_WORDS = 20

    class Params(Params):
        max_percent: int = Field(default=32, ge=1, le=100)

    test_wording = (
        "助詞と助動詞（は・が・を・に・の・で・と・も・です・ます・た・だ など）を機能語と呼びます。回答全体の語数に"
        "占める機能語の割合を{max_percent}%以下にしてください。語は形態素解析（UniDicの短単位）で数え、句読点・記号は"
        "語に数えません（例：「本を読みました」は「本／を／読み／まし／た」の5語で、うち機能語は「を／まし／た」の3語）。"
        "名詞を中心にした簡潔な書き方が必要です。回答は20語以上にしてください。"
    )
    examples = (
        E(response="会議要旨。議題は来期予算案、新規採用計画、社内研修制度の三項目。予算案は営業部提出資料を基に審議、"
                   "広告費削減と研究開発費増額で合意。採用計画は技術職五名、営業職三名の募集で決定。研修制度は"
                   "外部講師招聘による管理職研修を新設、実施時期は十月予定。次回会議は来月第二週、詳細日程は総務部より"
                   "別途連絡。",
          passed=True, params={"max_percent": 28}, note="17 function words of 86: 19.8 %"),
        E(response="梅雨は、初夏に日本各地で見られる長雨の時期だ。原因は梅雨前線で、北の冷たい空気と南の暖かく湿った"
                   "空気の境目に雲が帯状に発生する。期間は地域差が大きく、沖縄では五月上旬、関東では六月上旬に始まり、"
                   "七月中旬ごろ終わる。",
          passed=True, params={"max_percent": 36}, note="23 of 64: 35.9 %"),
        E(response="梅雨は、初夏に日本各地で見られる長雨の時期だ。原因は梅雨前線で、北の冷たい空気と南の暖かく湿った"
                   "空気の境目に雲が帯状に発生する。期間は地域差が大きく、沖縄では五月上旬、関東では六月上旬に始まり、"
                   "七月中旬ごろ終わる。",
          passed=False, params={"max_percent": 32}, note="23 of 64: 35.9 %"),
        E(response="本日は、新しい業務システムの導入について説明します。これまでの手作業による集計では、担当者の負担が"
                   "大きく、入力の誤りも発生していました。そこで、来月から全部署で新しいシステムを使うことになりました。",
          passed=False, params={"max_percent": 36}, note="an ordinary business paragraph: over 40 %"),
        E(response="新製品、価格未定。", passed=False, params={"max_percent": 30},
          note="4 words, no function word: fewer than 20 words never passes"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> Params:
        return cls.Params(max_percent=rng.randint(28, 36))

    def check(self, r: Response) -> Verdict:
        words = r.words
        if len(words) < self.MIN_WORDS:
            return self.fail(f"{len(words)} words, needs at least {self.MIN_WORDS}")
        function = sum(1 for w in words if w.pos1 in FUNCTION_POS)
        percent = 100 * function / len(words)
        text = f"{function} function words of {len(words)} ({percent:.1f} %)"
        if percent > self.params.max_percent:
            return self.fail(f"{text}, needs at most {self.params.max_percent} %")
        return self.ok(f"{text}, at most {self.params.max_percent} %")
