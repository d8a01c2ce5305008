"""Scores of a role-play run: the instruction-following rate (assistant turns that satisfy every rule of
their card / all assistant turns), per rule, per card, and the turn where each conversation first breaks a
rule, with 95% bootstrap intervals over conversations (turns of one conversation are not independent).

Rules skipped for want of a judge (`--judge none`) are left out of "every rule" for the whole run, and
`skipped_rules` names them; a turn with a judge or checker error on a rule is undecided and leaves the
denominators, as in eval's scoring.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from jfbench.models import Usage
from jfbench.roleplay.check import TurnVerdicts

SCHEMA = "roleplay-1"
BOOTSTRAP = 1000


def _rate(outcomes: list[list[bool]], seed: int) -> dict[str, Any]:
    """Pass rate over all outcomes (one list per conversation), with a percentile interval from resampled
    conversations; with a single conversation, from its resampled turns (all the data can say). A fresh
    generator per rate: the same outcomes always get the same interval."""
    rng = np.random.default_rng(seed)
    lists = [o for o in outcomes if o]
    total = sum(len(o) for o in lists)
    if total == 0:
        return {"value": None, "ci": [None, None], "n": 0}
    value = sum(sum(o) for o in lists) / total
    if len(lists) == 1:
        lists = [[x] for x in lists[0]]
    if len(lists) < 2:
        return {"value": value, "ci": [value, value], "n": total}
    num = np.array([sum(o) for o in lists], dtype=float)
    den = np.array([len(o) for o in lists], dtype=float)
    idx = rng.integers(0, len(lists), size=(BOOTSTRAP, len(lists)))
    lo, hi = np.percentile(num[idx].sum(axis=1) / den[idx].sum(axis=1), [2.5, 97.5])
    return {"value": value, "ci": [float(lo), float(hi)], "n": total}


def _median_ci(values: list[float], rng: np.random.Generator) -> dict[str, Any]:
    if not values:
        return {"value": None, "ci": [None, None], "n": 0}
    arr = np.array(values, dtype=float)
    value = float(np.median(arr))
    if len(arr) < 2:
        return {"value": value, "ci": [value, value], "n": 1}
    medians = np.median(arr[rng.integers(0, len(arr), size=(BOOTSTRAP, len(arr)))], axis=1)
    lo, hi = np.percentile(medians, [2.5, 97.5])
    return {"value": value, "ci": [float(lo), float(hi)], "n": len(arr)}


def score_roleplay(verdicts: Sequence[TurnVerdicts], planned: dict[str, int], usage: Usage | None = None,
                   stopped: Sequence[str] = (), seed: int = 0) -> dict[str, Any]:
    """scores.json of a role-play run; `planned` maps each conversation to its planned number of turns."""
    rng = np.random.default_rng(seed)
    skipped = sorted({r.id for v in verdicts for r in v.results if r.method == "skipped"})
    by_conv: dict[str, list[TurnVerdicts]] = defaultdict(list)
    for v in verdicts:
        by_conv[v.conversation].append(v)
    conversations = sorted(planned)
    card_of = {v.conversation: v.card for v in verdicts}

    def turn_outcome(v: TurnVerdicts) -> bool | None:
        values = [r.passed for r in v.results if r.id not in skipped]
        if not values or any(x is None for x in values):
            return None
        return all(values)

    outcomes: dict[str, list[bool | None]] = {}
    first_breaks: dict[str, int | None] = {}
    per_conversation = {}
    for cid in conversations:
        turns = sorted(by_conv.get(cid, []), key=lambda v: v.turn)
        outcomes[cid] = [turn_outcome(v) for v in turns]
        decided = [o for o in outcomes[cid] if o is not None]
        first_breaks[cid] = next((v.turn for v, o in zip(turns, outcomes[cid], strict=True) if o is False), None)
        per_conversation[cid] = {"card": card_of.get(cid, cid.split("#")[0]), "turns": len(turns),
                                 "planned": planned[cid], "rate": sum(decided) / len(decided) if decided else None,
                                 "first_break": first_breaks[cid], "stopped": cid in stopped}

    def decided_outcomes(cids: Sequence[str]) -> list[list[bool]]:
        return [[o for o in outcomes[c] if o is not None] for c in cids]

    rules = sorted({r.id for v in verdicts for r in v.results})
    by_rule = {}
    for rule in rules:
        per_conv = [[bool(r.passed) for v in by_conv.get(c, []) for r in v.results if r.id == rule
                     and r.passed is not None] for c in conversations]
        by_rule[rule] = {**_rate(per_conv, seed), "skipped": rule in skipped}

    by_card = {}
    for card in sorted({c["card"] for c in per_conversation.values()}):
        cids = [c for c in conversations if per_conversation[c]["card"] == card]
        by_card[card] = {**_rate(decided_outcomes(cids), seed), "conversations": len(cids),
                         "first_breaks": [first_breaks[c] for c in cids]}

    breaks = [b for b in first_breaks.values() if b is not None]
    methods: dict[str, int] = defaultdict(int)
    for v in verdicts:
        for r in v.results:
            methods[r.method] += 1
    return {
        "schema": SCHEMA,
        "conversations": len(conversations),
        "turns": int(sum(len(by_conv.get(c, [])) for c in conversations)),
        "planned_turns": int(sum(planned.values())),
        "following_rate": _rate(decided_outcomes(conversations), seed),
        "first_break": {"median": _median_ci([float(b) for b in breaks], rng),
                        "never_broke": sum(1 for b in first_breaks.values() if b is None)},
        "skipped_rules": skipped,
        "by_rule": by_rule,
        "by_card": by_card,
        "by_conversation": per_conversation,
        "errors": {"stopped_conversations": sorted(stopped), "judge_error": methods.get("judge_error", 0),
                   "checker_error": methods.get("error", 0)},
        "verdict_methods": dict(sorted(methods.items())),
        "usage": (usage or Usage()).model_dump(),
    }
