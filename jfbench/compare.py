"""Paired comparison of two runs on the items both answered (DESIGN.md: "comparisons between runs are paired").

For each scope (all items, each constraint count, each group, each constraint) the difference B - A in
the pass rate comes with a 95% paired bootstrap interval (items resampled jointly for both runs, so the
interval reflects item difficulty shared by the runs) and McNemar's exact test on the discordant pairs:
prompts (or instances) that pass in one run and fail in the other. Group and constraint tests pair
instances, which assumes instances of one item are independent; Holm's adjustment across the 16 groups
guards the group table against reading one lucky p-value out of many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path

import numpy as np

from jfbench.catalog import GROUP_TITLES_JA
from jfbench.report import RunData, label_runs, md_escape
from jfbench.run import RunError

BOOTSTRAP = 2000


@dataclass
class Paired:
    """One scope's comparison. `gained`: failed in A, passed in B; `lost`: the reverse."""

    scope: str
    pairs: int
    a: float | None
    b: float | None
    diff: float | None
    ci: tuple[float, float] | None
    gained: int
    lost: int
    p: float | None
    p_holm: float | None = None


@dataclass
class Comparison:
    a: RunData
    b: RunData
    mode: str
    shared: int
    only_a: int
    only_b: int
    by_n: list[Paired]
    by_group: list[Paired]
    constraints: list[Paired]  # the ones that changed most, largest net change first


def mcnemar_exact(gained: int, lost: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test of the discordant pairs against 1/2."""
    n = gained + lost
    if n == 0:
        return 1.0
    k = min(gained, lost)
    tail = sum(comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values (None stays None)."""
    indexed = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (len(indexed) - rank) * p))
        out[i] = running
    return out


def resample_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """BOOTSTRAP resamples of n items as multiplicities (row r: how often each item was drawn), so a scope's
    resampled sums are matrix products over the items it touches."""
    return rng.multinomial(n, np.full(n, 1 / n), size=BOOTSTRAP) if n > 1 else np.ones((0, n))


def paired(scope: str, passes_a: np.ndarray, passes_b: np.ndarray, counts: np.ndarray, gained: int, lost: int,
           weights: np.ndarray) -> Paired:
    """Rates sum(passes)/sum(counts) of both runs over the items of a scope, their difference and its
    paired bootstrap interval (items resampled, the same draws for both runs; `weights` from
    resample_weights over the same items)."""
    total = float(counts.sum())
    if total == 0:
        return Paired(scope, 0, None, None, None, None, 0, 0, None)
    a, b = float(passes_a.sum()) / total, float(passes_b.sum()) / total
    ci = None
    if len(weights):
        touched = np.flatnonzero(counts)
        w = weights[:, touched]
        dens = w @ counts[touched]
        keep = dens > 0
        diffs = (w @ passes_b[touched] - w @ passes_a[touched])[keep] / dens[keep]
        lo, hi = np.percentile(diffs, [2.5, 97.5])
        ci = (float(lo), float(hi))
    return Paired(scope, int(total), a, b, b - a, ci, gained, lost, mcnemar_exact(gained, lost))


def _value(result, mode: str) -> bool | None:
    return result.passed if mode == "strict" else result.loose


def compare_runs(run_a: RunData, run_b: RunData, mode: str = "strict", seed: int = 0, top: int = 10) -> Comparison:
    if run_a.config.dataset_sha256 != run_b.config.dataset_sha256:
        raise RunError(f"the runs used different benchmark sets ({run_a.config.dataset_sha256[:12]}… and "
                       f"{run_b.config.dataset_sha256[:12]}…); a paired comparison needs the same items")
    label_runs([run_a, run_b])
    items_a = {v.item_id: v for v in run_a.verdicts}
    items_b = {v.item_id: v for v in run_b.verdicts}
    shared = sorted(set(items_a) & set(items_b))
    if not shared:
        raise RunError("the runs share no answered item; compare runs of the same set and selection")
    rng = np.random.default_rng(seed)

    # Prompt level: an item counts where both runs decided every constraint.
    prompt: list[tuple[str, int, bool, bool]] = []
    # Instance level: (item index, group, constraint id, passed in A, passed in B) where both decided.
    instances: list[tuple[int, str, str, bool, bool]] = []
    for k, item_id in enumerate(shared):
        ra, rb = items_a[item_id].results, items_b[item_id].results
        if [r.id for r in ra] != [r.id for r in rb]:
            raise RunError(f"item {item_id} has other constraints in the two runs; were they scored on the same set?")
        va, vb = [_value(r, mode) for r in ra], [_value(r, mode) for r in rb]
        if None not in va and None not in vb:
            prompt.append((item_id, items_a[item_id].n, all(va), all(vb)))
        for r, x, y in zip(ra, va, vb, strict=True):
            if x is not None and y is not None:
                instances.append((k, r.group, r.id, x, y))

    by_n = []
    for scope in ["all", *sorted({str(n) for _, n, _, _ in prompt}, key=int)]:
        rows = [p for p in prompt if scope == "all" or str(p[1]) == scope]
        pa = np.array([float(x) for _, _, x, _ in rows])
        pb = np.array([float(y) for _, _, _, y in rows])
        gained = sum(1 for _, _, x, y in rows if not x and y)
        lost = sum(1 for _, _, x, y in rows if x and not y)
        by_n.append(paired(scope, pa, pb, np.ones(len(rows)), gained, lost, resample_weights(len(rows), rng)))

    # Instances grouped once by group and by constraint: (item index, passed in A, passed in B).
    scopes: dict[tuple[str, str], list[tuple[int, bool, bool]]] = defaultdict(list)
    for k, group, cid, x, y in instances:
        scopes["group", group].append((k, x, y))
        scopes["constraint", cid].append((k, x, y))

    weights = resample_weights(len(shared), rng)  # one set of item resamples for every instance scope

    def instance_scope(name: str, pairs: list[tuple[int, bool, bool]]) -> Paired:
        pa, pb, counts = np.zeros(len(shared)), np.zeros(len(shared)), np.zeros(len(shared))
        for k, x, y in pairs:
            pa[k] += x
            pb[k] += y
            counts[k] += 1
        gained = sum(1 for _, x, y in pairs if not x and y)
        lost = sum(1 for _, x, y in pairs if x and not y)
        return paired(name, pa, pb, counts, gained, lost, weights)

    by_group = [instance_scope(g, scopes.get(("group", g), [])) for g in GROUP_TITLES_JA]
    for row, p in zip(by_group, holm([g.p for g in by_group]), strict=True):
        row.p_holm = p
    per_constraint = [instance_scope(cid, pairs) for (kind, cid), pairs in sorted(scopes.items())
                      if kind == "constraint"]
    changed = [c for c in per_constraint if c.gained != c.lost]
    changed.sort(key=lambda c: (-abs(c.gained - c.lost), -abs(c.diff or 0), c.scope))
    return Comparison(a=run_a, b=run_b, mode=mode, shared=len(shared), only_a=len(set(items_a) - set(items_b)),
                      only_b=len(set(items_b) - set(items_a)), by_n=by_n, by_group=by_group,
                      constraints=changed[:top])


# --- output -----------------------------------------------------------------------------------------------

def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.1f}"


def interval(ci: tuple[float, float] | None) -> str:
    return "–" if ci is None else f"{ci[0] * 100:+.1f} to {ci[1] * 100:+.1f}"


def pvalue(p: float | None) -> str:
    if p is None:
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def rows_of(comp: Comparison) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each table of a comparison as (header, rows of text): what both the terminal and Markdown show."""
    head = ["pairs", "A", "B", "B − A (pt)", "95% paired CI", "A✗→B✓", "A✓→B✗", "McNemar p"]
    by_n = [["all" if p.scope == "all" else f"n = {p.scope}", str(p.pairs), pct(p.a), pct(p.b), signed(p.diff),
             interval(p.ci), str(p.gained), str(p.lost), pvalue(p.p)] for p in comp.by_n]
    groups = [[f"{p.scope} {GROUP_TITLES_JA[p.scope]}", str(p.pairs), pct(p.a), pct(p.b), signed(p.diff),
               interval(p.ci), str(p.gained), str(p.lost), pvalue(p.p), pvalue(p.p_holm)]
              for p in comp.by_group if p.pairs]
    constraints = [[p.scope, str(p.pairs), pct(p.a), pct(p.b), signed(p.diff), interval(p.ci), str(p.gained),
                    str(p.lost), pvalue(p.p)] for p in comp.constraints]
    return {
        "Prompt-level accuracy": (["scope", *head], by_n),
        "Satisfaction rate by group (instances)": (["group", *head, "Holm p"], groups),
        "Constraints that changed most (instances)": (["constraint", *head], constraints),
    }


def header_lines(comp: Comparison) -> list[str]:
    lines = [f"A: {comp.a.label} ({comp.a.folder})", f"B: {comp.b.label} ({comp.b.folder})",
             f"{comp.shared} items answered by both ({comp.mode}); "
             f"{comp.only_a} only in A, {comp.only_b} only in B (left out)."]
    return lines


def comparison_markdown(comp: Comparison) -> str:
    parts = ["# jfbench comparison\n", *[f"- {md_escape(line)}" for line in header_lines(comp)], ""]
    for title, (head, rows) in rows_of(comp).items():
        parts.append(f"## {title}\n")
        if not rows:
            parts.append("No change.\n")
            continue
        parts.append("| " + " | ".join(md_escape(h) for h in head) + " |")
        parts.append("|---|" + "---:|" * (len(head) - 1))
        parts += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
        parts.append("")
    parts.append("B − A in percentage points; the interval resamples items jointly for both runs. McNemar's exact "
                 "test uses the discordant pairs (A✗→B✓ against A✓→B✗); group and constraint rows pair instances. "
                 "Holm p adjusts the group p-values for the 16 tests.\n")
    return "\n".join(parts)


def default_path(a: Path, b: Path) -> Path:
    return Path("reports") / f"compare-{a.resolve().name}-vs-{b.resolve().name}.md"
