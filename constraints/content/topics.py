"""content: the answer measured against the task (§DOC), all judged by an LLM: topic_included,
topic_excluded, grounded_in_prompt and irrelevant (CATALOG.md, "content").

The topic of topic_included / topic_excluded comes from the prompt's reviewed subtopics
(BasePrompt.topics), so the topic always belongs to the task; grounded_in_prompt is only attached to
prompts that carry a source document.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from pydantic import Field, field_validator

from jfbench.catalog import Example, register
from jfbench.catalog import Params as ParamsBase
from jfbench.prompts import as_prompt

from ._judged import IRRELEVANT, JudgedContent

E = Example

# Only reached when a sampler is called for a prompt without reviewed topics (the sampler is normally
# called for eligible prompts only): generic subtopics that fit most explanatory tasks.
FALLBACK_TOPICS: tuple[str, ...] = ("身近な具体例", "歴史的な背景", "注意すべき点", "今後の見通し", "数字やデータ")

# Example documents (§DOC of the prompts they come from).
DOC_TSUYU = "日本の梅雨について、小学生にもわかるように説明してください。梅雨前線や季節の変化にも触れてください。"
DOC_EDO = ("江戸時代の町人文化は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、"
           "出版業の発達によって読み物も身近になった。")
DOC_FUJI = ("富士山の標高は3776メートルです。山頂付近の気温は夏でも10度を下回ることがあります。"
            "毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。")


def prompt_topics(prompt: Any) -> tuple[str, ...]:
    p = as_prompt(prompt)
    return tuple(t for t in p.topics if t.strip()) if p is not None else ()


class TopicParams(ParamsBase):
    topic: str = Field(min_length=2, max_length=60)

    @field_validator("topic")
    @classmethod
    def _clean(cls, v: str) -> str:
        if v != v.strip() or "\n" in v:
            raise ValueError("a topic is one line with no surrounding whitespace")
        return v


class _TopicConstraint(JudgedContent):
    Params = TopicParams
    jfbench_kwargs: ClassVar[dict[str, str]] = {"content": "topic"}

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        return bool(prompt_topics(prompt))

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(topic=rng.choice(prompt_topics(prompt) or FALLBACK_TOPICS))


@register
class TopicIncluded(_TopicConstraint):
    id = "content.topic_included"
    rubric = "content_topic_included"
    aliases = ("AbstractIncludedContentConstraint",)
    train = True
    conflicts = (IRRELEVANT,)
    test_wording = (
        "回答の中で「{topic}」について、はっきりと取り上げて説明してください。言葉を一度出すだけでなく、"
        "その点について具体的に述べる必要があります。"
    )
    train_wordings = (
        "「{topic}」という観点を必ず回答に盛り込み、その内容を具体的に書いてください。名前に触れるだけでは足りません。",
        "回答には「{topic}」に関する記述を含めてください。読み手がその点について何かを知ることができる程度に、明確に説明すること。",
        "「{topic}」の話を抜かさないでください。回答のどこかで、この点を正面から扱う文を書いてください。",
        "次の点に触れたうえで答えてください：「{topic}」。単語として出すだけでなく、中身を説明してください。",
        "回答では「{topic}」についてもきちんと述べてください。その点がはっきり説明されていることが条件です。",
    )
    examples = (
        E(response="梅雨は、6月から7月ごろに雨の日が続く季節です。北の冷たい空気と南のあたたかい空気がぶつかるところに、"
                   "「梅雨前線」という雲の帯ができます。この前線が日本の上にしばらくとどまるので、雨がなかなかやみません。",
          params={"topic": "梅雨前線のしくみ"}, document=DOC_TSUYU, passed=True,
          note="explains how the front forms and why it brings rain"),
        E(response="## 梅雨ってなに？\n雨がたくさん降る時期のことです。\n\n## どうして雨が続くの？\n冷たい空気とあたたかい空気が"
                   "ぶつかって前線ができ、その前線が動かずに日本の上にいすわるからです。",
          params={"topic": "梅雨前線のしくみ"}, document=DOC_TSUYU, passed=True,
          note="covered under a heading, without the exact words of the topic"),
        E(response="梅雨は6月から7月ごろに雨が多くなる季節です。梅雨前線の影響で雨が続きます。梅雨が明けると、"
                   "いよいよ暑い夏がやってきます。", params={"topic": "梅雨前線のしくみ"}, document=DOC_TSUYU,
          passed=False, note="names the front but says nothing about how it works"),
        E(response="梅雨は6月から7月ごろに雨が多くなる季節です。洗濯物が乾きにくく、カビも生えやすくなるので、"
                   "部屋の換気をこまめにしましょう。", params={"topic": "梅雨前線のしくみ"}, document=DOC_TSUYU,
          passed=False, note="covers another subtopic (daily life), not the front"),
        E(response="江戸時代には商業が発展し、町人の文化が栄えました。", params={"topic": "浮世絵の広まり"},
          document=DOC_EDO, passed=False, note="the topic is not mentioned at all"),
    )


@register
class TopicExcluded(_TopicConstraint):
    id = "content.topic_excluded"
    rubric = "content_topic_excluded"
    aliases = ("AbstractExcludedContentConstraint",)
    conflicts = (IRRELEVANT,)
    test_wording = (
        "「{topic}」については一切触れずに回答してください。短い言及や前置きとして話題にすることも避けてください。"
    )
    examples = (
        E(response="梅雨は、6月から7月ごろに雨の日が続く季節です。北の冷たい空気と南のあたたかい空気がぶつかって"
                   "梅雨前線ができ、それが日本の上にとどまるので雨が続きます。7月の中ごろに前線が北へ動くと、梅雨明けです。",
          params={"topic": "梅雨の暮らしへの影響"}, document=DOC_TSUYU, passed=True,
          note="period and front only; nothing about daily life"),
        E(response="富士山は標高3776メートルの日本一高い山です。登山ができるのは毎年7月から9月までです。",
          params={"topic": "山頂付近の気温"}, document=DOC_FUJI, passed=True),
        E(response="梅雨は6月から7月ごろに雨が続く季節です。洗濯物が乾きにくく、カビも生えやすくなります。",
          params={"topic": "梅雨の暮らしへの影響"}, document=DOC_TSUYU, passed=False,
          note="states effects on daily life"),
        E(response="じめじめして過ごしにくい梅雨ですが、そもそもなぜ雨が続くのでしょうか。冷たい空気とあたたかい空気が"
                   "ぶつかって前線ができるからです。", params={"topic": "梅雨の暮らしへの影響"}, document=DOC_TSUYU,
          passed=False, note="a passing mention in the lead-in is still a statement about the topic"),
        E(response="富士山は標高3776メートルです。夏でも山頂は寒いので、上着を持っていきましょう。",
          params={"topic": "山頂付近の気温"}, document=DOC_FUJI, passed=False,
          note="the summit being cold is a statement about its temperature"),
    )


@register
class GroundedInPrompt(JudgedContent):
    id = "content.grounded_in_prompt"
    rubric = "content_grounded_in_prompt"
    aliases = ("IntrinsicContentConstraint",)
    train = True
    conflicts = (IRRELEVANT,)
    test_wording = (
        "提示された文章に書かれている事実と、そこから直接導ける内容だけを使って回答してください。"
        "文章にない知識（人名、年号、数値、出来事など）を付け加えてはいけません。"
    )
    train_wordings = (
        "回答の根拠は与えられた文章だけにしてください。文章に書かれていない事実や外部の知識は持ち込まないこと。"
        "文章から素直に読み取れる内容であれば書いても構いません。",
        "元の文章に載っている情報だけで答えてください。文章にない人名・日付・数字・エピソードなどを自分の知識で補うことは禁止です。",
        "事実として書く内容は、すべて提示文の中にあるか、提示文からそのまま導けるものに限ってください。外部の情報を加えないでください。",
        "与えられた資料の範囲内で回答してください。資料にない事実を補足したり、一般的な知識で話を広げたりしないこと。",
        "書く内容は提示された文章の情報に基づくものだけにしてください。文章から直接言えることはよいですが、"
        "文章の外から持ってきた事実は一つも含めないでください。",
    )
    examples = (
        E(response="江戸時代には商業の発展にともなって町人文化が栄え、歌舞伎や浮世絵が庶民の楽しみとして広がった。"
                   "出版業の発達で、読み物も身近になった。", document=DOC_EDO, passed=True,
          note="every claim is in the document"),
        E(response="江戸時代の町人文化は、商業が発展したことで栄えました。出版業が発達したため、庶民も読み物に"
                   "親しみやすくなったと考えられます。", document=DOC_EDO, passed=True,
          note="a direct inference from the document is allowed"),
        E(response="江戸時代には商業の発展とともに町人文化が栄えた。浮世絵では葛飾北斎や歌川広重が人気を集め、"
                   "歌舞伎も庶民の娯楽になった。", document=DOC_EDO, passed=False,
          note="Hokusai and Hiroshige are not in the document"),
        E(response="1603年に始まった江戸時代には、商業の発展とともに町人文化が花開いた。", document=DOC_EDO,
          passed=False, note="the year 1603 is outside knowledge"),
        E(response="富士山の標高は3776メートルで、2013年に世界文化遺産に登録されました。登山シーズンは7月から9月までです。",
          document=DOC_FUJI, passed=False, note="the World Heritage listing is not in the document"),
    )

    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        p = as_prompt(prompt)
        return p is not None and p.document is not None and bool(p.document.strip())


@register
class Irrelevant(JudgedContent):
    id = "content.irrelevant"
    rubric = "content_irrelevant"
    aliases = ("IrrevantContentConstraint",)
    conflicts = ("content.*", "processing.*", "ifbench_ratio.prompt_overlap", "structure.*",
                 "meta_output.explanation_at_end")
    test_wording = (
        "課題とはまったく関係のない内容だけを書いてください。課題の話題や問い、提示された文章の内容には一切触れないでください。"
    )
    examples = (
        E(response="カレーをおいしく作るこつは、玉ねぎをあめ色になるまでじっくり炒めることです。"
                   "スパイスは最後に加えると香りが立ちます。", document=DOC_TSUYU, passed=True,
          note="a recipe: unrelated to the rainy season"),
        E(response="ネコは一日の大半を寝て過ごします。子ネコは遊びながら狩りの練習をしています。", document=DOC_EDO,
          passed=True),
        E(response="梅雨は6月から7月ごろに雨が続く季節です。", document=DOC_TSUYU, passed=False,
          note="answers the task"),
        E(response="カレーのこつは玉ねぎをよく炒めることです。ちなみに、梅雨どきは食べ物が傷みやすいので注意しましょう。",
          document=DOC_TSUYU, passed=False, note="one sentence touches the task's topic"),
        E(response="浮世絵や歌舞伎の話はさておき、今日はおすすめの映画を紹介します。", document=DOC_EDO, passed=False,
          note="names the document's content while turning away from it"),
    )
