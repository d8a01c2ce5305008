"""Speed and memory of make-train: rows per second and peak memory for a large run.

Run: python benchmarks/train.py [--n 50000] [--seed 0]

Streams `--n` rlvr rows from the bundled train pool to a temporary file, as `jfbench make-train` does, and
prints rows/s, wall time, peak memory (RSS), and the checks the tests make on smaller runs: rows per
constraint count, train-only ids, every train constraint with all five paraphrases, the format rule.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import tempfile
import time
from pathlib import Path

from jfbench import catalog
from jfbench.prompts import bundled_prompts
from jfbench.train import decontaminate, train_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pool, dropped = decontaminate(bundled_prompts("train"), bundled_prompts("test"))
    formats = {c.id for c in catalog.all_constraints() if c.output_format}
    train_ids = {c.id for c in catalog.all_constraints() if c.train}
    sizes: collections.Counter[int] = collections.Counter()
    wordings: collections.defaultdict[str, set[int]] = collections.defaultdict(set)
    uses: collections.Counter[str] = collections.Counter()
    rule_breaks = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.jsonl"
        start = time.perf_counter()
        with path.open("w", encoding="utf-8") as f:
            for row in train_rows(pool, args.n, args.seed):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                sizes[row["n_constraints"]] += 1
                ids = [c["id"] for c in row["constraints"]]
                uses.update(ids)
                for c in row["constraints"]:
                    wordings[c["id"]].add(c["wording"])
                if (row["n_constraints"] >= 2 and not formats & set(ids)) or not set(ids) <= train_ids:
                    rule_breaks += 1
        elapsed = time.perf_counter() - start
        size_mib = path.stat().st_size / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.n:,} rows from {len(pool)} base prompts ({len(dropped)} dropped as overlapping the test set)")
    print(f"  {elapsed:.1f} s, {args.n / elapsed:,.0f} rows/s, file {size_mib:.0f} MiB, peak memory {peak:.0f} MiB")
    print(f"  rows per constraint count: {dict(sorted(sizes.items()))}")
    print(f"  train constraints used: {len(uses)} of {len(train_ids)}; with all 5 paraphrases: "
          f"{sum(1 for w in wordings.values() if w == set(range(5)))}; uses per constraint: "
          f"min {min(uses.values())}, max {max(uses.values())}")
    print(f"  rows breaking the format rule or using a test-only id: {rule_breaks}")


if __name__ == "__main__":
    main()
