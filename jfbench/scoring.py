"""Metrics of a run (DESIGN.md "Scoring"): prompt- and instruction-level accuracy, strict and loose, overall,
per constraint count, per group and per constraint, each with a 95% bootstrap interval over items.

Undecided verdicts (a skipped judge constraint, a judge error, a checker error) are never counted as a
pass or a fail: they leave the instruction-level denominators, an item with one leaves the prompt-level
denominator, and `errors` counts them. Items without an answer (generation errors) are counted in
`errors` only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from jfbench.models import Usage
from jfbench.verify import ItemVerdicts

SCHEMA_VERSION = 1
BOOTSTRAP = 1000
MODES = ("strict", "loose")


# --- scores.json as read back (a baseline, a report); extra keys are kept --------------------------------

class Rate(BaseModel):
    """A strict/loose pair of rates with their 95% intervals, as `_pair` writes it."""

    model_config = ConfigDict(extra="allow")
    strict: float | None
    loose: float | None
    strict_ci: tuple[float | None, float | None]
    loose_ci: tuple[float | None, float | None]
    n: int


class GroupRate(Rate):
    occurrences: int


class SizeScores(BaseModel):
    model_config = ConfigDict(extra="allow")
    n_items: int
    prompt_accuracy: Rate
    instruction_accuracy: Rate


class ScoresFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    schema_version: int
    prompt_accuracy: Rate
    instruction_accuracy: Rate
    by_n: dict[str, SizeScores]
    by_group: dict[str, GroupRate]

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema_version {value}; this jfbench reads {SCHEMA_VERSION}")
        return value


def _rate(num: np.ndarray, den: np.ndarray, idx: np.ndarray) -> dict[str, Any]:
    """sum(num) / sum(den) over items, with a percentile interval from resampled items (rows of idx)."""
    total = float(den.sum())
    if total == 0:
        return {"value": None, "ci": [None, None], "n": 0}
    value = float(num.sum()) / total
    if len(num) < 2:
        return {"value": value, "ci": [value, value], "n": int(total)}
    nums, dens = num[idx].sum(axis=1), den[idx].sum(axis=1)
    ratios = nums[dens > 0] / dens[dens > 0]
    lo, hi = np.percentile(ratios, [2.5, 97.5]) if len(ratios) else (value, value)
    return {"value": value, "ci": [float(lo), float(hi)], "n": int(total)}


def _pair(rates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{"strict": x, "loose": y, "strict_ci": [..], "loose_ci": [..], "n": k}."""
    out: dict[str, Any] = {}
    for mode in MODES:
        out[mode] = rates[mode]["value"]
        out[f"{mode}_ci"] = rates[mode]["ci"]
    out["n"] = rates["strict"]["n"]
    return out


def _accuracies(items: Sequence[ItemVerdicts], rng: np.random.Generator) -> dict[str, Any]:
    n = len(items)
    idx = rng.integers(0, n, size=(BOOTSTRAP, n)) if n else np.zeros((0, 0), dtype=int)
    prompt, instruction = {}, {}
    for mode in MODES:
        item_pass = np.zeros(n)
        item_decided = np.zeros(n)
        inst_pass = np.zeros(n)
        inst_decided = np.zeros(n)
        for k, item in enumerate(items):
            values = [getattr(r, "passed" if mode == "strict" else "loose") for r in item.results]
            decided = [v for v in values if v is not None]
            inst_pass[k] = sum(decided)
            inst_decided[k] = len(decided)
            if len(decided) == len(values) and values:
                item_decided[k] = 1
                item_pass[k] = all(decided)
        prompt[mode] = _rate(item_pass, item_decided, idx)
        instruction[mode] = _rate(inst_pass, inst_decided, idx)
    return {"prompt_accuracy": _pair(prompt), "instruction_accuracy": _pair(instruction)}


def _breakdown(items: Sequence[ItemVerdicts], key: str, rng: np.random.Generator) -> dict[str, Any]:
    """Satisfaction rate per group or constraint: passes of its instances / its decided occurrences."""
    n = len(items)
    idx = rng.integers(0, n, size=(BOOTSTRAP, n)) if n else np.zeros((0, 0), dtype=int)
    names = sorted({getattr(r, key) for item in items for r in item.results})
    out: dict[str, Any] = {}
    for name in names:
        rates = {}
        occurrences = 0
        for mode in MODES:
            num, den = np.zeros(n), np.zeros(n)
            for k, item in enumerate(items):
                for r in item.results:
                    if getattr(r, key) != name:
                        continue
                    if mode == "strict":
                        occurrences += 1
                    value = r.passed if mode == "strict" else r.loose
                    if value is not None:
                        num[k] += value
                        den[k] += 1
            rates[mode] = _rate(num, den, idx)
        out[name] = {**_pair(rates), "occurrences": occurrences}
    return out


def score(items: Sequence[ItemVerdicts], *, n_items: int | None = None, usage: Usage | None = None,
          generation_errors: Sequence[str] = (), seed: int = 0) -> dict[str, Any]:
    """scores.json for the answered items' verdicts. `n_items` is the size of the run (answered or not)."""
    rng = np.random.default_rng(seed)
    items = sorted(items, key=lambda it: it.item_id)
    by_n: dict[str, Any] = {}
    for n in sorted({it.n for it in items}):
        subset = [it for it in items if it.n == n]
        by_n[str(n)] = {"n_items": len(subset), **_accuracies(subset, rng)}
    methods: dict[str, int] = defaultdict(int)
    for it in items:
        for r in it.results:
            methods[r.method] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "n_items": n_items if n_items is not None else len(items) + len(generation_errors),
        "n_answered": len(items),
        **_accuracies(items, rng),
        "by_n": by_n,
        "by_group": _breakdown(items, "group", rng),
        "by_constraint": _breakdown(items, "id", rng),
        "errors": {
            "generation": len(generation_errors),
            "generation_items": sorted(generation_errors),
            "judge_error": methods.get("judge_error", 0),
            "skipped": methods.get("skipped", 0),
            "checker_error": methods.get("error", 0),
        },
        "verdict_methods": dict(sorted(methods.items())),
        "usage": (usage or Usage()).model_dump(),
    }
