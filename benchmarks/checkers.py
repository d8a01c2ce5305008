"""Cost of checking answers against every rule constraint, as a multiple of one fugashi tokenization.

Run: python benchmarks/checkers.py [--repeat 5]

The answers are the ordinary-answer corpus of the tests plus every example response of the catalog
(a few hundred realistic answers). For each repeat, the whole corpus is
  - tokenized once with a bare fugashi Tagger (the unit of cost), and
  - analysed from scratch (fresh Response objects, no cache) and checked against one instance of every
    rule constraint (parameters from the constraint's first example).
Figures are medians over repeats; the ratio is measured within each repeat, so machine noise cancels.
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


def load_answers() -> list[str]:
    corpus = ROOT / "tests" / "data" / "ordinary_answers.jsonl"
    answers = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    for cls in catalog.all_constraints():
        answers.extend(e.response for e in cls.examples)
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    answers = load_answers()
    instances = [cls(cls.examples[0].params) for cls in catalog.all_constraints() if cls.kind is Kind.RULE]
    tagger = fugashi.Tagger()
    per_constraint = {inst.id: 0.0 for inst in instances}
    tokenize_s, check_s, ratios = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for text in answers:
            tagger(text)
        tok = time.perf_counter() - start

        start = time.perf_counter()
        for text in answers:
            response = Response(text)
            for inst in instances:
                t0 = time.perf_counter()
                inst.evaluate(response)
                per_constraint[inst.id] += time.perf_counter() - t0
        chk = time.perf_counter() - start
        tokenize_s.append(tok)
        check_s.append(chk)
        ratios.append(chk / tok)

    n = len(answers)
    chars = sum(len(a) for a in answers)
    print(f"answers: {n} ({chars / n:.0f} characters on average), rule constraints: {len(instances)}, "
          f"repeats: {args.repeat}")
    print(f"one fugashi tokenization: {statistics.median(tokenize_s) / n * 1000:.3f} ms per answer (median)")
    print(f"all {len(instances)} checks:        {statistics.median(check_s) / n * 1000:.3f} ms per answer (median), "
          "analysis included")
    print(f"ratio (checks / tokenization): median {statistics.median(ratios):.2f}x, "
          f"min {min(ratios):.2f}x, max {max(ratios):.2f}x  (goal <= 10x; JFBench: ~260 ms per answer)")
    print("slowest constraints (share of check time):")
    total = sum(per_constraint.values())
    for cid, secs in sorted(per_constraint.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {cid:40s} {secs / total * 100:5.1f}%")


if __name__ == "__main__":
    main()
