"""The one sampler: base prompt + 1/2/4/8 compatible constraint instances, rendered into an item.

Eval (`jfbench build`, the frozen test set) and make-train use it with different splits. Rules
(CATALOG.md "Conflicts"): every item with 2 or more constraints holds an output-format constraint; no
two instances conflict (families, declared conflicts, the E1 allow-list, parameter hooks); the combined
budgets P1-P4 and the forced texts of P7 are satisfiable; at most one logic item. Constraint frequencies
are balanced: each slot tries the least-used constraints first. Everything is drawn from one
`random.Random(seed)` in a fixed order, so the same seed and prompts give byte-identical items.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from jfbench import catalog
from jfbench.catalog import CatalogError, Constraint, Group, conflict_between
from jfbench.prompts import BasePrompt

Split = Literal["test", "train"]
SIZES = (1, 2, 4, 8)
MAX_DRAWS = 1000  # per item (CATALOG.md)
PARAM_TRIES = 4  # parameter draws per candidate constraint before the next candidate


class InstanceSpec(BaseModel):
    """A constraint instance as stored in an item: id and validated parameters."""

    model_config = ConfigDict(frozen=True)
    id: str
    params: dict[str, Any]
    wording: int | None = None  # the train paraphrase used; None for the test wording

    def build(self) -> Constraint:
        return catalog.instance(self.id, self.params)


class Item(BaseModel):
    """One benchmark or training item: what the model is asked, and what its answer is checked against."""

    model_config = ConfigDict(frozen=True)
    id: str
    n: int
    prompt_id: str
    category: str
    prompt: str  # the base prompt's task text
    document: str | None = None
    constraints: list[InstanceSpec]
    text: str  # the full text sent to the model

    def instances(self) -> list[Constraint]:
        return [c.build() for c in self.constraints]

    @property
    def source_text(self) -> str:
        """What checks read as §DOC: the source document, else the task text (CATALOG.md)."""
        return self.document if self.document is not None else self.prompt


# --- rendering ----------------------------------------------------------------------------------------

DOCUMENT_HEADING = "【資料】"
CONDITIONS_HEADING = "【回答の条件】"
PREAMBLE_ONE = "次の条件を守って回答してください。"
PREAMBLE_MANY = "次の条件をすべて守って回答してください。"


def render(prompt: BasePrompt, wordings: Sequence[str]) -> str:
    """Task text, the source document (when there is one), a fixed preamble and the numbered conditions."""
    parts = [prompt.text.strip()]
    if prompt.document is not None:
        parts.append(f"{DOCUMENT_HEADING}\n{prompt.document}")
    preamble = PREAMBLE_ONE if len(wordings) == 1 else PREAMBLE_MANY
    conditions = "\n".join(f"{i}. {w}" for i, w in enumerate(wordings, start=1))
    parts.append(f"{CONDITIONS_HEADING}\n{preamble}\n{conditions}")
    return "\n\n".join(parts)


# --- budgets (P1-P4, P7) ------------------------------------------------------------------------------

def budget_problem(instances: Sequence[Constraint], prompt: Any = None) -> str | None:
    """Why the instances' combined demands cannot all be met by one answer, or None."""
    demands = [(inst, inst.demands(prompt)) for inst in instances]
    ds = [d for _, d in demands]
    low = max((d.min_chars for d in ds), default=0.0)
    uppers = [d.max_chars for d in ds if d.max_chars is not None]
    uppers += [4 * d.max_words for d in ds if d.max_words is not None]
    max_sentences = min((d.max_sentences for d in ds if d.max_sentences is not None), default=None)
    per_sentence = min((d.max_chars_per_sentence for d in ds if d.max_chars_per_sentence is not None),
                       default=None)
    if max_sentences is not None and per_sentence is not None:
        uppers.append(max_sentences * per_sentence)
    high = min(uppers, default=None)
    keyword_chars = sum(d.keyword_chars for d in ds)
    if high is not None:
        if low > 0.8 * high:
            return f"P1: needs at least {low:.0f} characters, at most {high:.0f} allowed"
        if keyword_chars > 0.5 * high:
            return f"P6: required keywords take {keyword_chars} of at most {high:.0f} characters"
    min_sentences = max([d.min_sentences for d in ds] + [d.min_paragraphs for d in ds]
                        + [d.forced_lines for d in ds], default=0)
    if max_sentences is not None and min_sentences > max_sentences:
        return f"P2: needs at least {min_sentences} sentences, at most {max_sentences} allowed"
    min_paragraphs = max((d.min_paragraphs for d in ds), default=0)
    max_paragraphs = min((d.max_paragraphs for d in ds if d.max_paragraphs is not None), default=None)
    if max_paragraphs is not None and min_paragraphs > max_paragraphs:
        return f"P3: needs at least {min_paragraphs} paragraphs, at most {max_paragraphs} allowed"
    min_words = max((d.min_words for d in ds), default=0)
    max_words = min((d.max_words for d in ds if d.max_words is not None), default=None)
    if max_words is not None and min_words > max_words:
        return f"P8: needs at least {min_words} words, at most {max_words} allowed"
    numbers = sum(d.numbers for d in ds)
    max_numbers = min((d.max_numbers for d in ds if d.max_numbers is not None), default=None)
    if max_numbers is not None and numbers > max_numbers:
        return f"P4: the constraints force {numbers} number tokens, at most {max_numbers} allowed"
    for source, d in demands:
        for text in d.forced_texts:
            for other in instances:
                if other is source:
                    continue
                problem = other.forced_text_problem(text)
                if problem:
                    return f"P7: text forced by {source.id} breaks {other.id}: {problem}"
    return None


def combination_problem(instances: Sequence[Constraint], prompt: Any = None) -> str | None:
    """Why these instances may not share one prompt (pairs, logic, budgets), or None."""
    for i, a in enumerate(instances):
        for b in instances[i + 1:]:
            reason = conflict_between(a, b)
            if reason:
                return reason
    return _set_problem(instances, prompt)


def addition_problem(chosen: Sequence[Constraint], new: Constraint, prompt: Any = None) -> str | None:
    """combination_problem of chosen + [new] when `chosen` is already known to be compatible: only the pairs
    with `new` are checked again."""
    for c in chosen:
        reason = conflict_between(c, new)
        if reason:
            return reason
    return _set_problem([*chosen, new], prompt)


def _set_problem(instances: Sequence[Constraint], prompt: Any) -> str | None:
    if sum(1 for inst in instances if inst.group is Group.LOGIC) > 1:
        return "P10: at most one logic item per prompt"
    return budget_problem(instances, prompt)


# --- the sampler ----------------------------------------------------------------------------------------

def split_constraints(split: Split) -> list[type[Constraint]]:
    """The constraint classes of a split, in catalog (sorted id) order."""
    classes = sorted(catalog.all_constraints(), key=lambda c: c.id)
    if split == "train":
        return [c for c in classes if c.train]
    return classes


class Sampler:
    """Draws items from one seeded random stream; `counts` keeps the balance across all items drawn."""

    def __init__(self, prompts: Sequence[BasePrompt], split: Split = "test", seed: int = 0,
                 constraint_ids: Sequence[str] | None = None) -> None:
        if not prompts:
            raise CatalogError("no base prompts to sample from")
        self.prompts = list(prompts)
        self.split = split
        self.rng = random.Random(seed)
        classes = split_constraints(split)
        if constraint_ids is not None:
            wanted = set(constraint_ids)
            classes = [c for c in classes if c.id in wanted]
        self.classes = classes
        self.formats = [c for c in classes if c.output_format]
        self.counts = {c.id: 0 for c in classes}
        self._eligible: dict[tuple[str, str], bool] = {}
        self._order = list(range(len(self.prompts)))
        self.rng.shuffle(self._order)
        self._next_prompt = 0

    def eligible(self, cls: type[Constraint], prompt: BasePrompt) -> bool:
        key = (cls.id, prompt.id)
        if key not in self._eligible:
            self._eligible[key] = cls.eligible(prompt)
        return self._eligible[key]

    def _prompt(self) -> BasePrompt:
        p = self.prompts[self._order[self._next_prompt % len(self._order)]]
        self._next_prompt += 1
        return p

    def _candidates(self, pool: Sequence[type[Constraint]]) -> list[type[Constraint]]:
        """Least used first; ties in a seeded random order."""
        keyed = [(self.counts[c.id], self.rng.random(), c.id, c) for c in pool]
        keyed.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in keyed]

    def _draw(self, prompt: BasePrompt, n: int) -> list[Constraint] | None:
        chosen: list[Constraint] = []
        for slot in range(n):
            pool = self.formats if slot == 0 and n >= 2 else self.classes
            placed = None
            for cls in self._candidates(pool):
                if any(c.id == cls.id for c in chosen) or not self.eligible(cls, prompt):
                    continue
                for _ in range(PARAM_TRIES):
                    inst = cls(cls.sample(self.rng, prompt))
                    if addition_problem(chosen, inst, prompt) is None:
                        placed = inst
                        break
                if placed is not None:
                    break
            if placed is None:
                return None
            chosen.append(placed)
        return chosen

    def item(self, n: int, item_id: str) -> Item:
        if n < 1:
            raise CatalogError(f"an item needs at least 1 constraint, not {n}")
        for _ in range(MAX_DRAWS):
            prompt = self._prompt()
            chosen = self._draw(prompt, n)
            if chosen is None:
                continue
            for inst in chosen:
                self.counts[inst.id] += 1
            wording_index = [None if self.split == "test" else self.rng.randrange(len(inst.train_wordings))
                             for inst in chosen]
            wordings = [inst.wording(k) for inst, k in zip(chosen, wording_index, strict=True)]
            specs = [InstanceSpec(id=inst.id, params=inst.params.model_dump(mode="json"), wording=k)
                     for inst, k in zip(chosen, wording_index, strict=True)]
            return Item(id=item_id, n=n, prompt_id=prompt.id, category=prompt.category, prompt=prompt.text,
                        document=prompt.document, constraints=specs, text=render(prompt, wordings))
        raise CatalogError(f"no compatible set of {n} constraints found in {MAX_DRAWS} draws")

    def items(self, sizes: Sequence[int], per_size: int, prefix: str = "") -> Iterator[Item]:
        for n in sizes:
            for k in range(per_size):
                yield self.item(n, f"{prefix}n{n}-{k:04d}")
