"""Verdicts for one item's answer: every instance strict and loose, offline or with a judge.

Loose mode follows IFEval: an instance passes loosely when it passes on any of eight variants of the
answer (as is, without its first line, without its last line, without both, and each of these with every
`*` removed), which forgives a chatty opener or closer and Markdown emphasis. Two exceptions keep strict:
a negated instance (`logic.negation`), because cutting text to make the inner constraint fail would
"satisfy" the negation, and verdicts that come from an LLM judge, which sees the answer once.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from jfbench.catalog import Constraint, Method, Verdict
from jfbench.ja import Response, analyse

STRICT_ONLY = frozenset({"logic.negation"})


class InstanceResult(BaseModel):
    """One instance's verdicts on one answer (a line of verdicts.jsonl holds an item's list of these)."""

    id: str
    group: str
    passed: bool | None  # strict; None when undecided (skipped, judge_error, checker error)
    loose: bool | None
    method: Method
    reason: str
    heuristic: bool | None = None
    usage: dict[str, Any] | None = None


class ItemVerdicts(BaseModel):
    item_id: str
    n: int
    results: list[InstanceResult]


def loose_variants(text: str) -> list[str]:
    """IFEval's loose transformations of an answer, the answer itself excluded."""
    lines = text.split("\n")
    cuts = ["\n".join(lines[1:]).strip(), "\n".join(lines[:-1]).strip(), "\n".join(lines[1:-1]).strip()]
    out: list[str] = []
    for variant in [text, *cuts]:
        for v in (variant, variant.replace("*", "")):
            if v.strip() and v != text and v not in out:
                out.append(v)
    return out


def loose_verdict(inst: Constraint, response: Response, strict: Verdict) -> bool | None:
    if strict.passed is None or strict.passed or inst.id in STRICT_ONLY or strict.method in ("judge", "judge_error"):
        return strict.passed
    document = response.document
    return any(inst.evaluate(analyse(v, document)).passed for v in loose_variants(response.completion))


def result_of(inst: Constraint, response: Response, verdict: Verdict, loose: bool = True) -> InstanceResult:
    return InstanceResult(id=inst.id, group=inst.group.value, passed=verdict.passed,
                          loose=loose_verdict(inst, response, verdict) if loose else None, method=verdict.method,
                          reason=verdict.reason, heuristic=verdict.heuristic, usage=verdict.usage)


def offline_results(instances: list[Constraint], answer: str, document: str | None = None,
                    loose: bool = True) -> list[InstanceResult]:
    """Verdicts without a judge: rule checks, hybrid heuristics; judge constraints are skipped. `loose=False`
    skips the loose variants (rewards need the strict verdict only)."""
    response = analyse(answer, document)
    return [result_of(inst, response, inst.evaluate(response), loose) for inst in instances]

