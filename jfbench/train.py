"""JFTrain: training prompts on the train split, streamed, with verifiable ground truth.

Rows come from the same Sampler as the benchmark, on the 72 train constraints and a train pool of base
prompts disjoint from the test pool; every instance uses one of its five train paraphrases (never the test
wording). Counts per constraint count follow SIZE_WEIGHTS (n = 1, 2, 4 equal, n = 8 half as many). Rows
are written as they are drawn, so memory stays flat however many are asked for.

Row formats:
- `messages`: {"id", "messages": [{"role": "user", ...}], "constraints": [{"id", "params", "wording"}],
  "n_constraints", "prompt_id"}
- `rlvr`: the same plus open-instruct's "ground_truth" (a JSON string: the constraint list) and "dataset"
  ("jfbench"), which jfbench.reward reads back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from jfbench.prompts import BasePrompt
from jfbench.sampling import Item, Sampler

RowFormat = Literal["rlvr", "messages"]
SIZE_WEIGHTS = {1: 1.0, 2: 1.0, 4: 1.0, 8: 0.5}
DATASET = "jfbench"
NGRAM = 13
OVERLAP_THRESHOLD = 0.3  # share of a prompt's character 13-grams found in the test pool


def size_counts(total: int, weights: dict[int, float] | None = None) -> dict[int, int]:
    """Rows per constraint count, proportional to the weights and summing to `total`."""
    weights = weights or SIZE_WEIGHTS
    whole = sum(weights.values())
    counts = {n: int(total * w / whole) for n, w in weights.items()}
    for n in sorted(weights, key=lambda k: -weights[k]):  # the remainder goes to the heaviest sizes
        if sum(counts.values()) >= total:
            break
        counts[n] += 1
    return counts


def _grams(text: str) -> set[str]:
    return {text[i:i + NGRAM] for i in range(max(0, len(text) - NGRAM + 1))}


def decontaminate(prompts: Sequence[BasePrompt], test_prompts: Sequence[BasePrompt],
                  threshold: float = OVERLAP_THRESHOLD) -> tuple[list[BasePrompt], list[str]]:
    """(kept prompts, ids dropped): a prompt is dropped when more than `threshold` of its character
    13-grams (task text and document) also occur in a test prompt, or its text is a test prompt's."""
    test_grams: set[str] = set()
    test_texts = set()
    for p in test_prompts:
        test_grams |= _grams(p.text) | _grams(p.document or "")
        test_texts.add(p.text.strip())
    kept, dropped = [], []
    for p in prompts:
        grams = _grams(p.text) | _grams(p.document or "")
        share = len(grams & test_grams) / len(grams) if grams else 0.0
        if p.text.strip() in test_texts or share > threshold:
            dropped.append(p.id)
        else:
            kept.append(p)
    return kept, dropped


def row_of(item: Item, fmt: RowFormat) -> dict[str, Any]:
    constraints = [{"id": c.id, "params": c.params, "wording": c.wording} for c in item.constraints]
    row: dict[str, Any] = {"id": item.id, "messages": [{"role": "user", "content": item.text}],
                           "constraints": constraints, "n_constraints": item.n, "prompt_id": item.prompt_id}
    if item.document is not None:
        row["document"] = item.document
    if fmt == "rlvr":
        truth: dict[str, Any] = {"constraints": [{"id": c["id"], "params": c["params"]} for c in constraints]}
        truth["document"] = item.source_text
        row["ground_truth"] = json.dumps(truth, ensure_ascii=False, sort_keys=True)
        row["dataset"] = DATASET
    return row


def train_rows(prompts: Sequence[BasePrompt], total: int, seed: int = 0, fmt: RowFormat = "rlvr",
               weights: dict[int, float] | None = None) -> Iterator[dict[str, Any]]:
    """`total` rows, deterministic in (prompts, total, seed, weights, catalog)."""
    sampler = Sampler(prompts, "train", seed=seed)
    for n, count in size_counts(total, weights).items():
        for k in range(count):
            yield row_of(sampler.item(n, f"train-n{n}-{k:06d}"), fmt)
