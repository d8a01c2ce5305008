"""Offline heuristics of hybrid constraints against hand-labelled answers (tests/data/hybrid_labels.jsonl).

The figures are reported by `jfbench judge-agreement tests/data/hybrid_labels.jsonl`; this test keeps them
from regressing (the aim is 90% for a heuristic that decides offline)."""

import json
from collections import defaultdict

import pytest
from conftest import DATA

from jfbench import catalog

ROWS = [json.loads(x) for x in (DATA / "hybrid_labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
BY_ID: dict[str, list[dict]] = defaultdict(list)
for row in ROWS:
    BY_ID[row["constraint"]].append(row)
HYBRIDS = [c for c in catalog.all_constraints() if c.kind is catalog.Kind.HYBRID]


@pytest.mark.parametrize("cls", HYBRIDS, ids=lambda c: c.id)
def test_heuristic_agrees_with_labels(cls):
    rows = BY_ID.get(cls.id, [])
    assert len(rows) >= 20, f"{cls.id} needs at least 20 labelled cases"
    positives = sum(r["label"] for r in rows)
    assert 0.35 <= positives / len(rows) <= 0.65, "labels must be balanced"
    agree = sum(cls(r.get("params") or {}).evaluate(r["response"]).passed == r["label"] for r in rows)
    assert agree / len(rows) >= 0.9, f"{cls.id}: {agree}/{len(rows)} agree"
