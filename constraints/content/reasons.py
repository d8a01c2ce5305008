"""content: reasons and no_reasons, judged by an LLM (CATALOG.md, "content")."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field

from jfbench.catalog import Example, register
from jfbench.catalog import Params as ParamsBase

from ._judged import IRRELEVANT, JudgedContent

E = Example

DOC_PLANS = ("次の情報をもとに、A社とB社のどちらのインターネット回線を選ぶべきか答えてください。\n"
             "A社：月額3,000円、解約金なし、通信速度は最大1Gbps。\n"
             "B社：月額2,500円、2年以内に解約すると解約金1万円、通信速度は最大300Mbps。")
DOC_PETS = "一人暮らしの会社員が初めてペットを飼うなら、犬と猫のどちらがよいでしょうか。"


@register
class Reasons(JudgedContent):
    id = "content.reasons"
    rubric = "content_reasons"
    aliases = ("ReasonContentConstraint",)
    train = True
    conflicts = ("content.no_reasons", IRRELEVANT)

    class Params(ParamsBase):
        # JFBench's class has no count: an alias call asks for at least one reason.
        min_reasons: int = Field(1, ge=1, le=10)

    test_wording = (
        "結論をはっきり示し、それを支える理由を{min_reasons}つ以上挙げてください。理由を複数挙げるときは互いに"
        "異なる内容にしてください（同じ理由の言い換えは1つと数えます）。課題文に判断材料となる情報がある場合は、"
        "その情報を理由に使ってください。"
    )
    train_wordings = (
        "主張を一つ述べ、その根拠を{min_reasons}つ以上書いてください。同じ理由の言い換えは1つと数えます。"
        "課題文に事実やデータが示されていれば、それをもとに理由を組み立ててください。",
        "なぜその結論になるのかを、{min_reasons}つ以上の理由を挙げて説明してください（複数の理由はそれぞれ別の"
        "内容にすること）。課題文に書かれた情報があれば、理由はそれに基づけること。",
        "答えには結論と、それを裏づける{min_reasons}つ以上の理由を含めてください。"
        "理由どうしは中身が重ならないようにし、課題文の情報が使える場合は活用してください。",
        "結論だけで終わらせず、少なくとも{min_reasons}つの理由を添えて主張を支えてください。理由どうしが同じ内容の"
        "言い換えにならないようにし、課題文に根拠となる記述があるときは、それを理由として引いてください。",
        "あなたの考えを述べたうえで、その理由を{min_reasons}つ以上挙げてください（内容の重複する理由は1つとみなします）。"
        "課題文に判断の材料があれば、それを根拠に使ってください。",
    )
    examples = (
        E(response="A社を選ぶべきです。理由は2つあります。第一に、解約金がないので、引っ越しなどで解約しても余計な費用が"
                   "かかりません。第二に、通信速度が最大1Gbpsで、B社の300Mbpsより速いからです。",
          params={"min_reasons": 2}, document=DOC_PLANS, passed=True, note="two distinct reasons from the document"),
        E(response="B社がおすすめです。月額料金がA社より500円安いからです。", params={"min_reasons": 1},
          document=DOC_PLANS, passed=True),
        E(response="猫をおすすめします。\n\n- 散歩が不要で、帰りが遅い日も世話がしやすい\n- 鳴き声が小さく、集合住宅でも飼いやすい\n"
                   "- 留守番が比較的得意", params={"min_reasons": 3}, document=DOC_PETS, passed=True,
          note="reasons as a list; the task supplies no facts, so general reasons are fine"),
        E(response="A社を選ぶべきです。解約金がかからないからです。", params={"min_reasons": 2}, document=DOC_PLANS,
          passed=False, note="only one reason"),
        E(response="B社がよいでしょう。月額料金が安いからです。毎月の支払いが少なくて済むのも魅力です。",
          params={"min_reasons": 2}, document=DOC_PLANS, passed=False,
          note="the second reason restates the first"),
        E(response="A社を選ぶべきです。", params={"min_reasons": 1}, document=DOC_PLANS, passed=False,
          note="a conclusion with no reason"),
        E(response="A社がよいと思います。大手なので安心感があり、サポートも丁寧だと評判だからです。",
          params={"min_reasons": 2}, document=DOC_PLANS, passed=False,
          note="the document supplies prices, fees and speeds, but the reasons ignore them"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_reasons=rng.randint(1, 3))


@register
class NoReasons(JudgedContent):
    id = "content.no_reasons"
    rubric = "content_no_reasons"
    aliases = ("NoReasonContentConstraint",)
    conflicts = ("content.reasons", "meta_output.explanation_at_end", IRRELEVANT)
    test_wording = (
        "結論だけを書いてください。理由や根拠、原因の説明（「なぜなら」「〜ので」「〜ため」などで述べる内容）は"
        "一切含めないでください。"
    )
    examples = (
        E(response="A社を選ぶべきです。", document=DOC_PLANS, passed=True),
        E(response="結論：初めてのペットには猫がおすすめです。", document=DOC_PETS, passed=True),
        E(response="A社です。解約金がかからないからです。", document=DOC_PLANS, passed=False, note="a reason follows"),
        E(response="通信速度が速いので、A社がよいでしょう。", document=DOC_PLANS, passed=False,
          note="〜ので gives a reason"),
        E(response="B社は2年以内に解約すると1万円かかります。そのため、A社をおすすめします。", document=DOC_PLANS,
          passed=False, note="the first sentence is the justification of the conclusion"),
    )
