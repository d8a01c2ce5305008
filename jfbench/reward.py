"""Rewards for RL from make-train rows: the share of constraints an answer satisfies.

- TRL GRPO: `reward_fn(prompts, completions, ground_truth, **columns) -> list[float]` (completions may be
  strings or conversational lists of messages).
- verl: `compute_score(data_source, solution_str, ground_truth, extra_info=None) -> float`.

`ground_truth` is the JSON string of an `rlvr` row. Offline, judge-only constraints cannot be decided:
they are left out of the share (an answer is scored on what can be verified); `all_or_nothing=True`
gives 1.0 only when every decided constraint passes. A leading <think> block is not part of the answer.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jfbench import catalog
from jfbench.catalog import Constraint
from jfbench.models import split_reasoning
from jfbench.verify import offline_results


@lru_cache(maxsize=4096)
def _instances(ground_truth: str) -> tuple[tuple[Constraint, ...], str | None]:
    truth = json.loads(ground_truth)
    instances = tuple(catalog.instance(c["id"], c.get("params") or {}) for c in truth["constraints"])
    return instances, truth.get("document")


def score_answer(answer: str, ground_truth: str, all_or_nothing: bool = False) -> float:
    instances, document = _instances(ground_truth)
    text, _ = split_reasoning(answer)
    results = offline_results(list(instances), text, document, loose=False)
    decided = [r.passed for r in results if r.passed is not None]
    if not decided:
        return 0.0
    if all_or_nothing:
        return 1.0 if all(decided) else 0.0
    return sum(decided) / len(decided)


def _text(completion: Any) -> str:
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content") or "")
    return str(completion or "")


def reward_fn(prompts: list[Any], completions: list[Any], ground_truth: list[str], all_or_nothing: bool = False,
              **columns: Any) -> list[float]:
    """TRL reward function: one float per completion."""
    return [score_answer(_text(c), g, all_or_nothing) for c, g in zip(completions, ground_truth, strict=True)]


def compute_score(data_source: str, solution_str: str, ground_truth: str, extra_info: Any = None) -> float:
    """verl reward: the share of constraints satisfied."""
    return score_answer(solution_str, ground_truth)
