"""ifbench_repeat (2): repeat instead of answering (CATALOG.md, "ifbench_repeat").

Both rows exist only alone in a prompt (E17): whatever else were asked would have to appear in the answer,
and the answer is a fixed text.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from pydantic import Field, field_validator

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.constraints.processing._common import DOC, NO_DOCUMENT, document_of, prompt_view, show
from jfbench.ja import Response, char_count

E = Example

E17 = ("*",)  # ifbench_repeat.* conflicts with every other id


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


# --- ifbench_repeat.change_first_word -----------------------------------------------------------------

CFW_DOC = "日本の梅雨について、小学生にもわかるように説明してください。"
CFW_DOC_AI = "AIの仕組みを簡単に説明してください。"
CFW_DOC_LINES = "2023年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。"


@register
class ChangeFirstWord(Constraint):
    id = "ifbench_repeat.change_first_word"
    group = Group.IFBENCH_REPEAT
    aliases = ("ChangeRepeatIfbenchConstraint",)
    conflicts = E17
    MAX_CHARS = 300

    test_wording = (
        DOC + "を、最初の1語だけを別の語に置き換えて、そのまま繰り返してください。最初の1語とは、課題文の先頭の語を"
        "形態素解析（UniDic）の短い単位で区切ったものです（「東京都」なら「東京」、「食べました」なら「食べ」）。"
        "置き換える語は空白を含まず、もとの語と異なるものにします（全角と半角を入れ替えただけでは同じ語とみなします）。"
        "2語目以降は、改行・空白・句読点も含めて課題文と一字一句同じにしてください。課題文に答えたり前置きや説明を"
        "加えたりせず、書き換えた課題文だけを出力してください。"
    )
    examples = (
        E(response="中国の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC, passed=True),
        E(response="アメリカ合衆国の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC, passed=True,
          note="anchor defect: a replacement of several tokens is still one replacement"),
        E(response="中国の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC + "  \n\n",
          passed=True, note="anchor defect: the document's invisible trailing whitespace is not part of §DOC"),
        E(response="2024年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。",
          document=CFW_DOC_LINES, passed=True, note="a two-line document; the first word is 2023"),
        E(response="日本の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC, passed=False,
          note="the first word is unchanged"),
        E(response="ＡＩの仕組みを簡単に説明してください。", document=CFW_DOC_AI, passed=False,
          note="ＡＩ equals AI after NFKC"),
        E(response="以下のとおりです。\n中国の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC,
          passed=False, note="a preamble on its own line"),
        E(response="中国の梅雨について、小学生にもわかるように説明してください。\n梅雨は、雨の多い季節のことです。",
          document=CFW_DOC, passed=False, note="the request was answered, not just repeated"),
        E(response="中国の梅雨について、子どもにもわかるように説明してください。", document=CFW_DOC, passed=False,
          note="a later word was changed too"),
        E(response="の梅雨について、小学生にもわかるように説明してください。", document=CFW_DOC, passed=False,
          note="the first word was dropped, not replaced"),
        E(response="中国の梅雨について、小学生にもわかるように説明してください。", passed=False,
          note="no document given to the check"),
    )

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        view = prompt_view(prompt)
        if view is None or char_count(view.completion) > cls.MAX_CHARS or len(view.words) < 2:
            return False
        return view.completion.startswith(view.words[0].surface)  # §DOC opens with its first word

    def check(self, r: Response) -> Verdict:
        doc = document_of(r)
        if doc is None or r.doc is None:
            return self.fail(NO_DOCUMENT)
        if not r.doc.words:
            return self.fail("the document has no word to replace")
        first = r.doc.words[0].surface
        at = doc.find(first)
        rest = doc[at + len(first):] if at >= 0 else doc
        view = "\n".join(line.rstrip() for line in r.text.split("\n"))  # §DOC has no trailing whitespace either
        if not view.endswith(rest):
            at_copy = view.rfind(rest)
            if rest and at_copy >= 0:
                return self.fail(f"the answer goes on after the repeated document: {show(view[at_copy + len(rest):])}")
            n = _common_suffix(view, rest)
            k = len(rest) - n
            return self.fail(f"the answer does not end with the document after its first word {first!r}: "
                             f"the document has {show(rest[max(0, k - 10):k + 10])} where the answer differs")
        x = view[:len(view) - len(rest)]
        if not x:
            return self.fail(f"nothing replaces the first word {first!r}")
        if any(c.isspace() for c in x):
            return self.fail(f"the replacement {show(x)} contains whitespace: only the first word may change, "
                             "with nothing added before it")
        if _nfkc(x) == _nfkc(first):
            return self.fail(f"the first word {first!r} is unchanged")
        return self.ok(f"the document repeated with its first word {first!r} replaced by {x!r}")


# --- ifbench_repeat.repeat_sentence -------------------------------------------------------------------

# Frozen: changing an entry changes the benchmark.
REPEAT_SENTENCES = (
    "明日の朝は七時に駅の東口で待ち合わせましょう。",
    "窓の外では三羽の雀が電線に並んでいます。",
    "この資料は来週の会議までに読んでおいてください。",
    "図書館で借りた本は二週間以内に返します。",
    "雨が上がったら、近所の公園まで散歩に行こう。",
    "新しいパン屋の前には朝から長い行列ができていた。",
    "冷蔵庫の牛乳は今日が賞味期限です。",
    "週末は家族で紅葉を見に山へ出かける予定です。",
    "会議は3階の第2会議室で午後2時から始まります。",
    "駅前の交差点で赤い車を見かけたのは誰ですか？",
    "夏休みの宿題は七月中に終わらせるつもりです。",
    "彼女はピアノを弾きながら静かに歌い始めた。",
    "次のバスは15分後に到着する予定です。",
    "庭のトマトがようやく赤く色づいてきました！",
    "今夜は満月なので、空がいつもより明るい。",
    "忘れ物をしないよう、出かける前に鞄を確かめよう。",
    "この川は昔、子どもたちの遊び場だったそうです。",
    "来月から毎朝10分だけ英語の勉強を続けます。",
    "猫がソファの上で丸くなって眠っている。",
    "祖母の作る味噌汁は、どの店よりもおいしい。",
)


@register
class RepeatSentence(Constraint):
    id = "ifbench_repeat.repeat_sentence"
    group = Group.IFBENCH_REPEAT
    aliases = ("SimpleRepeatIfbenchConstraint",)
    conflicts = E17

    class Params(ParamsBase):
        # Sampled from REPEAT_SENTENCES; any one-line sentence is valid. An alias call without a sentence gets
        # our first one (JFBench's own sentence is theirs: pass it explicitly to check their data).
        sentence: str = Field(default=REPEAT_SENTENCES[0], min_length=2, max_length=200)

        @field_validator("sentence")
        @classmethod
        def _one_line(cls, value: str) -> str:
            if value != value.strip() or any(c in value for c in "\n\r"):
                raise ValueError("the sentence is one line with no leading or trailing whitespace")
            return value

    test_wording = (
        "次の文だけを、一字一句そのまま出力してください。かぎかっこは付けず、前置き・説明・改行・空白などほかの文字は"
        "一切加えないでください（全角と半角の違いも含めて、かぎかっこ内の文とまったく同じにします）：「{sentence}」"
    )
    examples = (
        E(response=REPEAT_SENTENCES[0], params={"sentence": REPEAT_SENTENCES[0]}, passed=True),
        E(response=REPEAT_SENTENCES[8] + "\n", params={"sentence": REPEAT_SENTENCES[8]}, passed=True,
          note="a trailing line break is outside T"),
        E(response=REPEAT_SENTENCES[0], params={}, passed=True, note="the default sentence"),
        E(response="「" + REPEAT_SENTENCES[0] + "」", params={"sentence": REPEAT_SENTENCES[0]}, passed=False,
          note="quoted"),
        E(response="承知しました。\n" + REPEAT_SENTENCES[0], params={"sentence": REPEAT_SENTENCES[0]}, passed=False,
          note="a preamble"),
        E(response="会議は３階の第２会議室で午後２時から始まります。", params={"sentence": REPEAT_SENTENCES[8]},
          passed=False, note="full-width digits"),
        E(response="明日の朝は七時に駅の東口で待ち合わせましょう", params={"sentence": REPEAT_SENTENCES[0]}, passed=False,
          note="the 。 is missing"),
        E(response=REPEAT_SENTENCES[1], params={}, passed=False,
          note="not the default sentence"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(sentence=rng.choice(REPEAT_SENTENCES))

    def check(self, r: Response) -> Verdict:
        expected = self.params.sentence
        t = r.text
        if t == expected:
            return self.ok("the answer is exactly the sentence")
        k = 0
        while k < min(len(t), len(expected)) and t[k] == expected[k]:
            k += 1
        return self.fail(f"the answer differs from the sentence at character {k + 1}: expected "
                         f"{show(expected[k:k + 12] or '(end)')}, got {show(t[k:k + 12] or '(end)')}")
