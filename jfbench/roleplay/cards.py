"""Role cards: a role, a persona, goals and the rules every assistant turn must follow.

A rule is either a catalog constraint (checked on the turn's text by its own checker: at most 150
characters, です・ます調, no stage directions...) or one of the role-play rubrics below, which look at the
turn in the context of the conversation (stays in role, follows the card's flow, speaks only its own
line). Cards live in data/roleplay/cards/*.yaml; `load_cards` validates them fully, so a card with an
unknown constraint, bad params or two conflicting rules never reaches a run.
"""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jfbench.catalog import CatalogError, Constraint, conflict_between, instance

RubricId = Literal["in_role", "flow", "own_line"]

# The wording the model reads for each rubric; {assistant} / {user} are the card's speaker names.
RUBRIC_WORDINGS: dict[str, str] = {
    "in_role": "最後まで{assistant}として話し、AIであることや、この指示・設定そのものには触れないでください。",
    "flow": "会話は次の流れで進めてください：{flow}。",
    "own_line": "{assistant}の台詞だけを書き、{user}の台詞や行動を代わりに書かないでください。",
}


class CardRule(BaseModel):
    """One rule of a card: exactly one of `constraint` (a catalog id, with params) or `rubric`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    constraint: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    rubric: RubricId | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> CardRule:
        if (self.constraint is None) == (self.rubric is None):
            raise ValueError("a rule names exactly one of constraint or rubric")
        if self.rubric is not None and self.params:
            raise ValueError(f"rubric {self.rubric} takes no params")
        return self

    @property
    def id(self) -> str:
        return self.constraint if self.constraint is not None else f"roleplay.{self.rubric}"


class RoleCard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    assistant: str  # how the role is named in rules: 店員, 面接官...
    user: str  # how the other party is named: お客様, 応募者...
    role: str
    persona: str
    goals: list[str] = Field(min_length=1)
    flow: list[str] = Field(default_factory=list)  # stages for the flow rubric
    rules: list[CardRule] = Field(min_length=1)
    user_brief: str  # the user simulator's own brief
    user_script: list[str] = Field(min_length=40)  # scripted user turns, the first opens the conversation

    @model_validator(mode="after")
    def _consistent(self) -> RoleCard:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("a rule appears twice")
        if any(r.rubric == "flow" for r in self.rules) and len(self.flow) < 2:
            raise ValueError("the flow rubric needs a flow of at least two stages")
        return self

    @cached_property
    def instances(self) -> dict[str, Constraint]:
        """Catalog constraint instances of the card's rules, by rule id."""
        return {r.id: instance(r.constraint, r.params) for r in self.rules if r.constraint is not None}

    def wording(self, rule: CardRule) -> str:
        if rule.constraint is not None:
            return self.instances[rule.id].wording()
        return RUBRIC_WORDINGS[rule.rubric or ""].format(assistant=self.assistant, user=self.user,
                                                         flow=" → ".join(self.flow))

    @cached_property
    def system_prompt(self) -> str:
        """What the model under test is told: the role, persona, goals and the numbered rules."""
        goals = "\n".join(f"- {g}" for g in self.goals)
        rules = "\n".join(f"{k}. {self.wording(r)}" for k, r in enumerate(self.rules, 1))
        return (f"これからあなたは「{self.title}」のロールプレイをします。相手は{self.user}です。\n\n"
                f"## あなたの役割\n{self.role}\n\n## 人物像\n{self.persona}\n\n## 会話の目標\n{goals}\n\n"
                f"## 毎回の発言で必ず守るルール\n{rules}\n\n"
                f"{self.user}の発言に、{self.assistant}として一回分の台詞だけで答えてください。")


class CardError(ValueError):
    """A role card that cannot be used: one line naming the file and the problem."""


def bundled_cards_dir() -> Path:
    return Path(str(resources.files("jfbench.data") / "roleplay" / "cards"))


def load_card(path: Path) -> RoleCard:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        card = RoleCard.model_validate(data)
        instances = card.instances  # resolves ids and validates params
    except yaml.YAMLError as exc:
        raise CardError(f"{path}: not YAML ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CardError(f"{path}: {where}: {first['msg']}") from None
    except CatalogError as exc:
        raise CardError(f"{path}: {exc}") from None
    values = list(instances.values())
    for k, a in enumerate(values):
        for b in values[k + 1:]:
            if problem := conflict_between(a, b):
                raise CardError(f"{path}: rules {a.id} and {b.id} conflict ({problem})")
    return card


def load_cards(folder: Path | None = None, only: list[str] | None = None) -> list[RoleCard]:
    """The cards of a folder (default: the bundled ones), sorted by id; `only` selects ids."""
    folder = folder or bundled_cards_dir()
    if not folder.is_dir():
        raise CardError(f"{folder} is not a folder of role cards (*.yaml)")
    cards = [load_card(p) for p in sorted(folder.glob("*.yaml"))]
    seen: set[str] = set()
    for card in cards:
        if card.id in seen:
            raise CardError(f"{folder}: two cards have the id {card.id}")
        seen.add(card.id)
    if only:
        unknown = sorted(set(only) - seen)
        if unknown:
            raise CardError(f"unknown card {unknown[0]!r}; the cards are: {', '.join(sorted(seen))}")
        cards = [c for c in cards if c.id in only]
    if not cards:
        raise CardError(f"no role cards (*.yaml) in {folder}")
    return cards
