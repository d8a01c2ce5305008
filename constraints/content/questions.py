"""content: ends_with_question (CATALOG.md, "content")."""

from __future__ import annotations

import regex

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.ja import Response

E = Example


_TRAILING_CLOSERS = regex.compile(r"[\s」』）)】］\]〉》”\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\u200d]+$")


@register
class EndsWithQuestion(Constraint):
    id = "content.ends_with_question"
    group = Group.CONTENT
    aliases = ("jfbench:content.ends_with_question",)
    train = True
    conflicts = ("processing.suffix", "format.sentence_delimiter", "content.irrelevant")
    test_wording = "回答の最後の文は、全角「？」または半角「?」で終わる疑問文にしてください（「〜か。」で終わる文は疑問文とみなしません）。"
    train_wordings = (
        "最後は問いかけの文で締めくくってください。最終文の末尾には必ず「？」（半角の「?」でも可）を付け、「〜でしょうか。」のように句点で終えないこと。",
        "回答の結びの一文を疑問文にし、その文を「？」か「?」で終えてください。句点「。」で終わる「〜か。」は条件を満たしません。",
        "文章の最後に質問を置いてください。最後の文が「？」または「?」で終わっていれば条件を満たします（後ろに閉じかっこや絵文字が付くのは構いません）。",
        "締めの文は「？」で終わる問いかけにしてください（半角「?」も可）。「ですか。」のように句点で終えた場合は疑問文として扱いません。",
        "最後の一文を、疑問符（？ または ?）で終わる質問の形にしてください。その後ろに別の文やあいさつを続けてはいけません。",
    )
    examples = (
        E(response="朝の散歩は体に良いと言われています。あなたは毎朝どのくらい歩いていますか？", passed=True),
        E(response="候補は三つあります。どれが一番気になりますか?", passed=True, note="ASCII ? counts"),
        E(response="彼はこう聞いた。「次はいつ会える？」", passed=True, note="a closing bracket after ？ is ignored"),
        E(response="週末の予定は決まりましたか？😊", passed=True, note="a trailing emoji is ignored"),
        E(response="週末の予定は決まりましたか。", passed=False, note="〜か。 is not a question mark"),
        E(response="週末の予定は決まりましたか？ 楽しみにしています。", passed=False,
          note="the question is not the last sentence"),
        E(response="本当に大丈夫ですか？（笑）", passed=False, note="（笑） after ？ is a sentence of its own"),
        E(response="説明は以上です。\n？", passed=False, note="a lone ？ is not a sentence (no word)"),
    )

    def check(self, r: Response) -> Verdict:
        if not r.sentences:
            return self.fail("contains no sentence")
        last, words = r.sentences[-1], r.sentence_words[-1]
        # Closing brackets, emoji and spaces after the question mark are ignored: 「…？」 and …？😊 count.
        if not _TRAILING_CLOSERS.sub("", last.text).endswith(("？", "?")):
            return self.fail(f"the last sentence {last.text[-30:]!r} does not end with ？ or ?")
        if not words:
            return self.fail(f"the last sentence {last.text!r} has no word")
        return self.ok(f"ends with the question {last.text[-30:]!r}")
