"""Cost of checking answers against every rule constraint, as a multiple of one fugashi tokenization.

Run: python benchmarks/checkers.py [--repeat 5]

The answers are the ordinary-answer corpus of the tests plus every example response of the catalog
(a few hundred realistic answers). For each repeat, the whole corpus is
  - tokenized once with a bare fugashi Tagger (the unit of cost), and
  - analysed from scratch (fresh Response objects, no cache) and checked against one instance of every
    rule constraint (parameters from the constraint's first example),
first in two batched passes (the headline ratio: a bare tagger in a tight loop is at its fastest), then
interleaved answer by answer (as in a pipeline). Figures are medians over repeats; each ratio is measured
within one repeat, so machine noise mostly cancels.
Goal (issue 2): all checks of an answer cost at most 10 tokenizations.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import fugashi

from jfbench import catalog
from jfbench.catalog import Kind
from jfbench.ja import Response

ROOT = Path(__file__).resolve().parents[1]


def load_corpora() -> dict[str, list[str]]:
    corpus = ROOT / "tests" / "data" / "ordinary_answers.jsonl"
    lines = corpus.read_text(encoding="utf-8").splitlines()
    return {
        "realistic answers (tests/data/ordinary_answers.jsonl)": [json.loads(x)["text"] for x in lines if x.strip()],
        "short answers (every example response of the catalog)":
            [e.response for cls in catalog.all_constraints() for e in cls.examples],
    }


def _check_all(text: str, instances: list, per_constraint: dict[str, float]) -> None:
    response = Response(text)  # fresh: no cache, the analysis is part of the cost
    for inst in instances:
        s = time.perf_counter()
        inst.evaluate(response)
        per_constraint[inst.id] += time.perf_counter() - s


def measure(answers: list[str], instances: list, repeat: int) -> dict:
    tagger = fugashi.Tagger()
    per_constraint = {inst.id: 0.0 for inst in instances}
    tokenize_s, check_s, ratios, interleaved = [], [], [], []
    for _ in range(repeat):
        # Batched: one pass tokenizes every answer, the next checks every answer. The tagger's tables stay
        # hot in the CPU caches during the first pass, which makes the unit cheap: the conservative ratio.
        start = time.perf_counter()
        for text in answers:
            tagger(text)
        tok = time.perf_counter() - start
        start = time.perf_counter()
        for text in answers:
            _check_all(text, instances, per_constraint)
        chk = time.perf_counter() - start
        tokenize_s.append(tok)
        check_s.append(chk)
        ratios.append(chk / tok)
        # Interleaved answer by answer, as a pipeline runs: both sides see the same cache and load.
        tok = chk = 0.0
        scratch = dict.fromkeys(per_constraint, 0.0)
        for text in answers:
            t0 = time.perf_counter()
            tagger(text)
            t1 = time.perf_counter()
            _check_all(text, instances, scratch)
            chk += time.perf_counter() - t1
            tok += t1 - t0
        interleaved.append(chk / tok)
    return {"tokenize": statistics.median(tokenize_s), "check": statistics.median(check_s), "ratios": ratios,
            "interleaved": interleaved, "per_constraint": per_constraint}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    instances = [cls(cls.examples[0].params) for cls in catalog.all_constraints() if cls.kind is Kind.RULE]
    print(f"rule constraints: {len(instances)}, repeats: {args.repeat}")
    for name, answers in load_corpora().items():
        m = measure(answers, instances, args.repeat)
        n = len(answers)
        ratios = m["ratios"]
        print(f"\n{name}: {n} answers, {sum(len(a) for a in answers) / n:.0f} characters on average")
        print(f"  one fugashi tokenization: {m['tokenize'] / n * 1000:.3f} ms per answer (median)")
        print(f"  all {len(instances)} checks:        {m['check'] / n * 1000:.3f} ms per answer (median), "
              "analysis included")
        print(f"  ratio (checks / tokenization), batched: median {statistics.median(ratios):.2f}x, "
              f"min {min(ratios):.2f}x, max {max(ratios):.2f}x  (goal <= 10x)")
        inter = m["interleaved"]
        print(f"  ratio, interleaved per answer:   median {statistics.median(inter):.2f}x, "
              f"min {min(inter):.2f}x, max {max(inter):.2f}x")
        total = sum(m["per_constraint"].values())
        top = sorted(m["per_constraint"].items(), key=lambda kv: -kv[1])[:5]
        print("  largest shares of check time (the first constraint to read words pays for tokenizing):")
        for cid, secs in top:
            print(f"    {cid:40s} {secs / total * 100:5.1f}%")
    print("\nreference: JFBench's own checkers take about 260 ms per answer")


if __name__ == "__main__":
    main()
