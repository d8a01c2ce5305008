"""JFTrain: training prompts on the train split, streamed, with verifiable ground truth.

Rows come from the same Sampler as the benchmark, on the 72 train constraints and a train pool of base
prompts disjoint from the test pool; every instance uses one of its five train paraphrases (never the test
wording). Counts per constraint count follow SIZE_WEIGHTS (n = 1, 2, 4 equal, n = 8 half as many). Rows
are written as they are drawn, so memory stays flat however many are asked for.

With a sampling model, `best_of_n` asks for several answers per prompt (with the runner's retries and
resume), verifies each and keeps SFT rows (`messages` with a fully compliant answer) or DPO rows (TRL's
conversational `prompt` / `chosen` / `rejected`: a compliant answer against the answer of the same prompt
that fails most constraints); prompts without such answers are skipped.

Row formats:
- `messages`: {"id", "messages": [{"role": "user", ...}], "constraints": [{"id", "params", "wording"}],
  "n_constraints", "prompt_id"}
- `rlvr`: the same plus open-instruct's "ground_truth" (a JSON string: the constraint list) and "dataset"
  ("jfbench"), which jfbench.reward reads back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from jfbench.models import CallFailed, GenSettings, ModelSpec
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


def train_items(prompts: Sequence[BasePrompt], total: int, seed: int = 0,
                weights: dict[int, float] | None = None) -> Iterator[Item]:
    """`total` items on the train split, deterministic in (prompts, total, seed, weights, catalog)."""
    sampler = Sampler(prompts, "train", seed=seed)
    for n, count in size_counts(total, weights).items():
        for k in range(count):
            yield sampler.item(n, f"train-n{n}-{k:06d}")


def train_rows(prompts: Sequence[BasePrompt], total: int, seed: int = 0, fmt: RowFormat = "rlvr",
               weights: dict[int, float] | None = None) -> Iterator[dict[str, Any]]:
    for item in train_items(prompts, total, seed, weights):
        yield row_of(item, fmt)


# --- best-of-N answers: SFT and DPO rows ------------------------------------------------------------------

def sample_id(item_id: str, k: int) -> str:
    return f"{item_id}#s{k}"


def fails(results: list[Any]) -> int:
    """Failed instances of one answer; undecided verdicts neither pass nor fail."""
    return sum(1 for r in results if r.passed is False)


def pick_rows(item: Item, answers: list[tuple[str, list[Any]]], fmt: str) -> dict[str, Any] | None:
    """An SFT row (a fully compliant answer) or a DPO row (chosen: compliant; rejected: the answer of the
    same prompt failing most constraints), or None when the samples allow none. `answers` holds
    (text, InstanceResults) per sample."""
    passing = [a for a in answers if fails(a[1]) == 0 and any(r.passed for r in a[1])]
    if not passing:
        return None
    user = [{"role": "user", "content": item.text}]
    chosen = passing[0][0]
    base = {"id": item.id, "constraints": [c.model_dump() for c in item.constraints], "n_constraints": item.n,
            "prompt_id": item.prompt_id}
    if fmt == "sft":
        return {**base, "messages": [*user, {"role": "assistant", "content": chosen}]}
    failing = [a for a in answers if fails(a[1]) > 0]
    if not failing:
        return None
    rejected = max(failing, key=lambda a: fails(a[1]))  # max keeps the first of equals: deterministic
    return {**base, "prompt": user, "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected[0]}],
            "chosen_failed": 0, "rejected_failed": fails(rejected[1])}


REWRITE_PROMPT = (
    "次の依頼に対する回答が、いくつかの条件を満たしていません。内容はできるだけ生かしたまま、条件をすべて満たす"
    "ように回答を書き直してください。出力は書き直した回答だけにしてください。\n\n"
    "【依頼】\n{task}\n\n【元の回答】\n{answer}\n\n【満たしていない条件】\n{failed}"
)


def rewrite_item(item: Item, answer: str, results: list[Any]) -> Item:
    """An item asking a model to fix `answer`; it keeps the constraints, so its answer is verified the same."""
    wordings = {c.id: c.build().wording(c.wording) for c in item.constraints}
    failed = "\n".join(f"- {wordings[r.id]}" for r in results if r.passed is False)
    text = REWRITE_PROMPT.format(task=item.text, answer=answer, failed=failed)
    return item.model_copy(update={"id": f"{item.id}#rewrite", "text": text})


async def best_of_n(items: Sequence[Item], folder: Path, spec: ModelSpec, settings: GenSettings, out_file: Path,
                    fmt: str, samples: int = 8, judge: Any = None, concurrency: int = 16,
                    rewrite_spec: ModelSpec | None = None, **generate_kwargs: Any) -> dict[str, int]:
    """Sample `samples` answers per item (answers saved in `folder`, resumable as in eval), verify every
    answer, and write every verdict to folder/verdicts.jsonl and the SFT or DPO rows to `out_file`. With
    `rewrite_spec`, a prompt none of whose answers complies gets its best answer rewritten by that model;
    a verified rewrite becomes the chosen answer."""
    from jfbench.run import check, generate, write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    copies = [item.model_copy(update={"id": sample_id(item.id, k)}) for item in items for k in range(samples)]
    responses, failed, fatal = await generate(copies, folder, spec, settings, concurrency=concurrency,
                                              **generate_kwargs)
    if fatal:
        raise CallFailed(fatal, fatal=True)
    verdicts = {v.item_id: v for v in await check(copies, responses, judge, concurrency)}
    answers = {item.id: [(responses[sid].content, verdicts[sid].results)
                         for sid in (sample_id(item.id, k) for k in range(samples)) if sid in verdicts]
               for item in items}
    rewritten = 0
    if rewrite_spec is not None:
        todo = [rewrite_item(item, *min(answers[item.id], key=lambda a: fails(a[1])))
                for item in items if answers[item.id] and all(fails(a[1]) for a in answers[item.id])]
        if todo:
            fixed, _, fatal = await generate(todo, folder / "rewrites", rewrite_spec, GenSettings(temperature=0.0),
                                             concurrency=concurrency, **generate_kwargs)
            if fatal:
                raise CallFailed(fatal, fatal=True)
            for v in await check(todo, fixed, judge, concurrency):
                verdicts[v.item_id] = v
                answers[v.item_id.removesuffix("#rewrite")].insert(0, (fixed[v.item_id].content, v.results))
                rewritten += fails(v.results) == 0
    write_atomic(folder / "verdicts.jsonl", "".join(v.model_dump_json() + "\n" for v in verdicts.values()))
    written = 0
    tmp = out_file.with_name(out_file.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for item in items:
            row = pick_rows(item, answers[item.id], fmt)
            if row is not None:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    tmp.replace(out_file)
    return {"items": len(items), "answers": len(responses), "failed": len(failed), "rows": written,
            "rewritten": rewritten}
