"""logic (2): negation and double negation of another rule constraint (CATALOG.md, "logic").

A logic instance wraps one inner instance, given as `inner` (a constraint id) plus `inner_params`.
The verdict is the inner's strict verdict on the same Response, inverted or kept, and the wording
embeds the inner's test wording.
"""

from __future__ import annotations

import json
import random
from typing import Any, ClassVar

from pydantic import Field, model_validator

from jfbench import catalog
from jfbench.catalog import (
    CatalogError,
    Constraint,
    Demands,
    Example,
    Group,
    Kind,
    Params,
    Verdict,
    register,
)
from jfbench.constraints._forced import forced_view
from jfbench.ja import Response
from jfbench.prompts import full_text

E = Example


def build_inner(name: str, params: dict[str, Any] | None) -> Constraint:
    """The wrapped instance: a registered rule constraint that is not itself a logic item."""
    inner = catalog.instance(name, params or {})
    if inner.id.startswith("logic."):
        raise CatalogError(f"a logic constraint cannot wrap {inner.id}")
    if inner.kind is not Kind.RULE:
        raise CatalogError(f"{inner.id} is a {inner.kind.value} constraint; logic wraps rule constraints")
    return inner


class LogicParams(Params):
    inner: str = Field(min_length=1)
    inner_params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: Any) -> Any:
        """Resolve aliases to the id and validate inner_params by building the inner instance."""
        if not isinstance(data, dict) or not isinstance(data.get("inner"), str):
            return data  # field validation reports the problem
        inner = build_inner(data["inner"], data.get("inner_params"))
        return {**data, "inner": inner.id, "inner_params": inner.params.model_dump(mode="json")}


# Topic-neutral single-token nouns for negation(content.keyword_excluded): an ordinary answer avoids
# them, so the negation asks for a deliberate insertion. Each tokenizes as one UniDic 普通名詞.
CURATED_KEYWORDS = (
    "紅茶", "地図", "時計", "手紙", "鉛筆", "封筒", "灯台", "花瓶", "風鈴", "帽子", "絵本", "切手",
    "提灯", "蜂蜜", "金魚", "朝顔", "灯籠", "風車", "竹林", "港町", "星空", "温泉",
)


def _absent_keywords(prompt: Any) -> list[str]:
    text = full_text(prompt)
    return [k for k in CURATED_KEYWORDS if k not in text]


def _prompt_nouns(prompt: Any) -> tuple[str, ...]:
    """Stable nouns of the prompt (content's keyword vocabulary; only called once content is registered)."""
    from jfbench.constraints.content import prompt_nouns

    return prompt_nouns(prompt)


def _required_text(other: Constraint) -> str:
    """The keyword occurrences another constraint requires (P6), one a line: content.keyword_included's counts,
    once for the positional keyword rows."""
    from jfbench.constraints.content import required_keywords

    if other.id == "content.keyword_included":
        return "\n".join(k for k, n in other.params.keywords.items() for _ in range(n))
    return "\n".join(required_keywords(other))


class _Logic(Constraint):
    group = Group.LOGIC
    Params = LogicParams
    conflicts = ("logic.*",)  # at most one logic item per prompt
    # JFBench passes the inner as a constraint object, serialised as {"module","name","kwargs"}
    # (possibly wrapped as {"__type__": "constraint", "value": {...}}); see adapt_jfbench_params.
    jfbench_kwargs: ClassVar[dict[str, str]] = {"positive_constraint": "inner"}
    negate: ClassVar[bool]
    INNERS: ClassVar[tuple[str, ...]]

    def __init__(self, params: Any = None) -> None:
        super().__init__(params)
        self.inner = build_inner(self.params.inner, self.params.inner_params)

    def display(self) -> dict[str, str]:
        return {"inner_wording": self.inner.wording()}

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        record = params.get("inner")
        if isinstance(record, str):
            try:
                record = json.loads(record)
            except json.JSONDecodeError:
                raise CatalogError("positive_constraint must be a serialised JFBench constraint") from None
        if not isinstance(record, dict):
            raise CatalogError("positive_constraint must be a serialised JFBench constraint")
        inner = catalog.instance_from_jfbench(record)
        return {"inner": inner.id, "inner_params": inner.params.model_dump(mode="json")}

    # --- sampling ------------------------------------------------------------------------------
    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> LogicParams:
        registered = set(catalog.ids())
        options = [name for name in cls.INNERS if name in registered and cls._eligible(name, prompt)]
        if not options:
            raise CatalogError(f"{cls.id}: none of its inner constraints is registered")
        name = rng.choice(options)
        return cls.Params(inner=name, inner_params=cls._inner_params(name, rng, prompt))

    @classmethod
    def _eligible(cls, name: str, prompt: Any) -> bool:
        return True

    @classmethod
    def _inner_params(cls, name: str, rng: random.Random, prompt: Any) -> dict[str, Any]:
        """The inner's own sample (double negation; negation overrides some inners)."""
        return catalog.resolve(name).sample(rng, prompt).model_dump(mode="json")

    # --- conflicts -----------------------------------------------------------------------------
    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == self.inner.id:
            return f"{self.id} wraps {other.id}, which is also on the prompt"
        return None  # E1 for logic items is applied by catalog.conflict_between through effective_id

    # --- checking ------------------------------------------------------------------------------
    def check(self, r: Response) -> Verdict:
        v = self.inner.evaluate(r)
        if v.passed is None:
            return Verdict(passed=None, reason=f"{self.inner.id} gave no verdict: {v.reason}",
                           method=v.method)
        if v.passed is not self.negate:
            verb = "fails" if self.negate else "passes"
            return self.ok(f"{self.inner.id} {verb} as required: {v.reason}")
        verb = "passes but must fail" if self.negate else "fails"
        return self.fail(f"{self.inner.id} {verb}: {v.reason}")


# Examples use inners that exist now; the sampled sets also include content.keyword_excluded,
# content.keyword_included, style.no_stage_directions (negation), processing.prefix, format.indent and
# notation.rounding (double negation), drawn once those groups are registered.

@register
class Negation(_Logic):
    id = "logic.negation"
    aliases = ("NegationLogicConstraint",)
    negate = True
    INNERS = ("character.japanese_punctuation", "content.keyword_excluded", "content.keyword_included",
              "length.max_chars_per_sentence", "style.no_stage_directions")
    test_wording = ("次の条件をあえて満たさない回答を書いてください（この条件を満たしている回答は不合格です）。"
                    "条件：{inner_wording}")
    examples = (
        E(response="今日は晴れです．明日は雨が降るでしょう．", passed=True,
          params={"inner": "character.japanese_punctuation"}, note="uses ． so the inner fails"),
        E(response="今日は晴れです。明日は、雨が降るでしょう。", passed=False,
          params={"inner": "character.japanese_punctuation"}, note="the inner passes"),
        E(response="駅前の広場で毎年開かれる夏祭りには、近隣の町からも大勢の人が集まり、夜遅くまでにぎわいます。",
          passed=True, params={"inner": "length.max_chars_per_sentence", "inner_params": {"max_chars": 40}},
          note="one 46-character sentence exceeds 40"),
        E(response="夏祭りは毎年開かれます。近隣からも人が集まります。", passed=False,
          params={"inner": "length.max_chars_per_sentence", "inner_params": {"max_chars": 40}},
          note="every sentence is short, so the inner passes"),
        E(response="結論から言うと、来週の会議は延期にしたほうがよいと考えます。", passed=True,
          params={"inner": "jfbench:length.max_chars_per_sentence", "inner_params": {"max_chars": 25}},
          note="the inner is given by alias; one 30-character sentence exceeds 25"),
        E(response="  \n ", passed=False, params={"inner": "character.japanese_punctuation"},
          note="an empty answer fails every constraint, negations included"),
    )

    @classmethod
    def _eligible(cls, name: str, prompt: Any) -> bool:
        if name == "content.keyword_included":
            return bool(_prompt_nouns(prompt))
        if name == "content.keyword_excluded":
            return bool(_absent_keywords(prompt))
        return True

    @classmethod
    def _inner_params(cls, name: str, rng: random.Random, prompt: Any) -> dict[str, Any]:
        # CATALOG narrows some inners to values an ordinary answer already meets.
        if name == "length.max_chars_per_sentence":
            return {"max_chars": rng.choice((60, 70, 80, 90, 100))}
        if name == "content.keyword_excluded":  # 1 curated keyword absent from the prompt
            return {"keywords": [rng.choice(_absent_keywords(prompt))]}
        if name == "content.keyword_included":  # 1 noun of the prompt, at least once
            return {"keywords": {rng.choice(_prompt_nouns(prompt)): 1}, "relation": "at_least"}
        return super()._inner_params(name, rng, prompt)

    def _met_by(self, text: str) -> bool:
        """Whether `text`, inside any answer, already meets the inner, so the negation cannot pass: only
        content.keyword_included with at_least counts grows with the answer this way."""
        inner = self.inner
        if inner.id != "content.keyword_included" or inner.params.relation != "at_least" or not text.strip():
            return False
        return inner.evaluate(forced_view(text)).passed is True

    def forced_text_problem(self, text: str) -> str | None:
        # P6/P7: not(keyword_included K) forbids K, so no forced text may hold it.
        if self._met_by(text):
            return f"it holds the keywords of {self.inner.id}, which {self.id} forbids"
        return None

    def param_conflict(self, other: Constraint) -> str | None:
        reason = super().param_conflict(other)
        if reason:
            return reason
        # P6: a keyword the negation forbids is required by the other constraint.
        if self._met_by(_required_text(other)):
            return f"the keywords {other.id} requires meet {self.inner.id}, which {self.id} forbids (P6)"
        # P6: not(keyword_excluded K) requires K, which must be writable under the other's script rules.
        if self.inner.id == "content.keyword_excluded":
            from jfbench.constraints.content.keywords import unwritable

            for k in self.inner.params.keywords:
                why = unwritable(k, other.id)
                if why:
                    return f"{self.id} requires the keyword {k}, which {why}, and {other.id} forbids that (P6)"
        # P10: not(max_chars_per_sentence N) needs a sentence of N + 1 characters.
        if self.inner.id == "length.max_chars_per_sentence" and other.id == "length.characters":
            cap = getattr(other.params, "max", None)
            if cap is not None and cap <= self.inner.params.max_chars:
                n = self.inner.params.max_chars
                return f"a sentence over {n} characters cannot fit the {cap}-character cap"
        return None


@register
class DoubleNegation(_Logic):
    id = "logic.double_negation"
    aliases = ("DoubleNegationLogicConstraint",)
    negate = False
    INNERS = ("character.no_commas", "length.characters", "processing.prefix", "format.indent",
              "notation.rounding")
    test_wording = "次の条件を満たしていない回答は認められません。条件：{inner_wording}"
    examples = (
        E(response="今日は晴れです。明日は雨でしょう。", passed=True,
          params={"inner": "character.no_commas"}),
        E(response="今日は晴れです。明日は、雨でしょう。", passed=False,
          params={"inner": "character.no_commas"}, note="the inner fails, so the double negation fails"),
        E(response="富士山は日本で最も高い山です。", passed=True,
          params={"inner": "length.characters", "inner_params": {"min": 10, "max": 20}},
          note="15 characters"),
        E(response="富士山は日本で最も高い山で、標高は3776メートルです。", passed=False,
          params={"inner": "length.characters", "inner_params": {"min": 10, "max": 20}},
          note="28 characters"),
        E(response="はい。", passed=False,
          params={"inner": "CharactersLengthConstraint", "inner_params": {"min": 10, "max": 20}},
          note="the inner is given by alias; 3 characters"),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        # double_negation(I) counts as I: it takes all of I's conflicts.
        return super().param_conflict(other) or catalog.conflict_between(self.inner, other)

    # P10: and I's budget terms and forced-text rules.
    def demands(self, prompt: Any = None) -> Demands:
        return self.inner.demands(prompt)

    def forced_text_problem(self, text: str) -> str | None:
        return self.inner.forced_text_problem(text)
