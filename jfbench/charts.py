"""The report's charts, drawn with matplotlib into PNG bytes.

Figures are built with matplotlib.figure.Figure (no pyplot: no global figure state, no GUI backend), and
labels use IPAexGothic from the matplotlib-fontja package, so Japanese group names render on any machine.
The font is registered by path; importing matplotlib_fontja itself would change the user's global rcParams.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure

from jfbench import report
from jfbench.catalog import GROUP_TITLES_JA

if TYPE_CHECKING:
    from jfbench.report import RunData

SCOPES = (*report.SCOPES[1:], report.SCOPES[0])  # the counts, then "all" at the right
COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
          "#64B5CD")
DPI = 110


@cache
def _font_family() -> list[str]:
    """Font preference with the bundled Japanese font first (when matplotlib-fontja is installed)."""
    spec = find_spec("matplotlib_fontja")
    if spec and spec.submodule_search_locations:
        ttf = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
        if ttf.exists():
            font_manager.fontManager.addfont(str(ttf))
            return ["IPAexGothic", "DejaVu Sans"]
    return ["DejaVu Sans"]


def _style() -> dict[str, Any]:
    return {"font.family": _font_family(), "font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
            "axes.grid": True, "grid.alpha": 0.3, "axes.axisbelow": True}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _whiskers(values: list[float | None], cis: list[Any]) -> list[list[float]]:
    """Errorbar extents (below, above) from [lo, hi] intervals; zero where a value has none."""
    below, above = [], []
    for value, ci in zip(values, cis, strict=True):
        if value is None or not ci or ci[0] is None:
            below.append(0.0)
            above.append(0.0)
        else:
            below.append(max(0.0, value - ci[0]))
            above.append(max(0.0, ci[1] - value))
    return [below, above]


def _value_label(ax: Any, pos: float, value: float | None, *, vertical: bool) -> None:
    """The rate printed at the foot of its bar (white on the bar, dark beside a short one), or "n/a" when
    the run has no verdict there, so 0% and no data look different."""
    text = "n/a" if value is None else f"{value * 100:.0f}"
    inside = value is not None and value >= 0.08
    color = "white" if inside else "#57606a"
    xy = (pos, 1) if vertical else (1, pos)
    if not inside:
        offset = (value or 0) * 100 + 1
        xy = (pos, offset) if vertical else (offset, pos)
    ax.annotate(text, xy, ha="center" if vertical else "left", va="bottom" if vertical else "center",
                fontsize=8, color=color)


def _grouped_bars(ax: Any, runs: Sequence[Any], rates: list[list[dict[str, Any] | None]], *, vertical: bool) -> None:
    """One bar per run in each slot: rates[run][slot] is a scores block with "strict" and "strict_ci" (None
    where the run has no verdict there); percent values, 95% whiskers, the value at each bar's foot."""
    size = 0.8 / len(runs)
    for k, (run, blocks) in enumerate(zip(runs, rates, strict=True)):
        values = [b["strict"] if b else None for b in blocks]
        cis = [b["strict_ci"] if b else None for b in blocks]
        positions = [i + (k - (len(runs) - 1) / 2) * size for i in range(len(blocks))]
        lengths = [v * 100 if v is not None else 0 for v in values]
        err = [[e * 100 for e in side] for side in _whiskers(values, cis)]
        style = {"color": COLORS[k % len(COLORS)], "label": run.label,
                 "error_kw": {"elinewidth": 1, "ecolor": "#333333"}}
        if vertical:
            ax.bar(positions, lengths, size * 0.92, yerr=err, capsize=3, **style)
        else:
            ax.barh(positions, lengths, size * 0.9, xerr=err, capsize=2, **style)
        for pos, value in zip(positions, values, strict=True):
            _value_label(ax, pos, value, vertical=vertical)


def _legend(ax: Any, runs: Sequence[RunData]) -> None:
    if len(runs) > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(3, len(runs)), frameon=False)


def accuracy_by_n(runs: Sequence[RunData]) -> bytes:
    """Grouped bars: prompt-level accuracy (strict) per constraint count and overall, 95% whiskers."""
    scopes = [s for s in SCOPES if any(run.block(s) for run in runs)]  # counts no run has are left out
    with rc_context(_style()):
        fig = Figure(figsize=(8, 4.2))
        ax = fig.subplots()
        rates = [[(run.block(s) or {}).get("prompt_accuracy") for s in scopes] for run in runs]
        _grouped_bars(ax, runs, rates, vertical=True)
        ax.set_xticks(range(len(scopes)), [f"n = {s}" if s != "all" else "全体 (all)" for s in scopes])
        ax.set_ylim(0, 100)
        ax.set_ylabel("prompt-level accuracy, strict (%)")
        ax.set_title("制約数ごとの正答率 · prompt-level accuracy by number of constraints")
        _legend(ax, runs)
        return _png(fig)


def group_rates(runs: Sequence[RunData]) -> bytes:
    """Horizontal grouped bars: strict satisfaction rate of each of the 16 groups, 95% whiskers."""
    groups = list(GROUP_TITLES_JA)
    with rc_context(_style()):
        fig = Figure(figsize=(8, 1.2 + 0.32 * len(groups) * max(1, len(runs)) ** 0.6))
        ax = fig.subplots()
        _grouped_bars(ax, runs, [[run.scores["by_group"].get(g) for g in groups] for run in runs], vertical=False)
        ax.set_yticks(range(len(groups)), [f"{GROUP_TITLES_JA[g]}  {g}" for g in groups])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("satisfaction rate, strict (%)")
        ax.set_title("グループ別の充足率 · satisfaction by constraint group")
        _legend(ax, runs)
        return _png(fig)


def accuracy_vs_tokens(runs: Sequence[RunData]) -> bytes:
    """Prompt-level accuracy against the tokens a run used (input + output incl. reasoning): up and to the
    left is better. Runs of different sizes are compared per answered item instead of in total."""
    same_size = len({run.scores["n_answered"] for run in runs}) == 1
    with rc_context(_style()):
        fig = Figure(figsize=(8, 4.2))
        ax = fig.subplots()
        points = []
        for k, run in enumerate(runs):
            p = run.scores["prompt_accuracy"]
            answered = run.scores["n_answered"]
            if run.tokens and answered and p["strict"] is not None:
                x = run.tokens if same_size else run.tokens / answered
                points.append((x, p["strict"], p["strict_ci"], k, run))
        if points:
            for x, y, ci, k, run in points:
                below, above = _whiskers([y], [ci])
                ax.errorbar([x], [y * 100], yerr=[[below[0] * 100], [above[0] * 100]], fmt="o", markersize=8, capsize=3,
                            color=COLORS[k % len(COLORS)], label=run.label)
                ax.annotate(run.label, (x, y * 100), xytext=(6, -12 if y > 0.9 else 6), textcoords="offset points",
                            fontsize=8)
            xs = [pt[0] for pt in points]
            if max(xs) / min(xs) > 10:
                ax.set_xscale("log")
            low, high = min(xs), max(xs)
            pad = (high - low) * 0.15 or high * 0.2
            if ax.get_xscale() == "linear":
                ax.set_xlim(max(0, low - pad), high + pad)
            ax.set_ylim(0, 100)
        else:
            ax.text(0.5, 0.5, "no token usage recorded\n(replayed answers carry none)", ha="center", va="center",
                    transform=ax.transAxes, fontsize=12, color="#57606a")
            ax.set_xticks([])
            ax.set_yticks([])
        what = f"total tokens of {runs[0].scores['n_answered']:,} answers" if same_size else "tokens per answer"
        ax.set_xlabel(f"{what}: input + output incl. reasoning (fewer is cheaper)")
        ax.set_ylabel("prompt-level accuracy, strict (%)")
        ax.set_title("トークン数と正答率 · accuracy against tokens used")
        if len(points) > 1:
            _legend(ax, [pt[4] for pt in points])
        return _png(fig)


def kept_curve(by_conversation: dict[str, dict[str, Any]]) -> tuple[list[int], list[float]]:
    """Kaplan-Meier estimate of the share of conversations that follow every rule through turn t: a
    conversation that ends unbroken after k turns counts among those at risk up to k and no further."""
    last = max((c["turns"] for c in by_conversation.values()), default=0)
    turns, kept, share = [0], [1.0], 1.0
    for t in range(1, last + 1):
        at_risk = sum(1 for c in by_conversation.values()
                      if c["turns"] >= t and (c["first_break"] is None or c["first_break"] >= t))
        broke = sum(1 for c in by_conversation.values() if c["first_break"] == t)
        if at_risk:
            share *= 1 - broke / at_risk
        turns.append(t)
        kept.append(share)
    return turns, kept


def rules_kept_by_turn(runs: Sequence[Any]) -> bytes:
    """Role-play: a step curve per model of the share of conversations with no broken rule so far."""
    with rc_context(_style()):
        fig = Figure(figsize=(8, 4.2))
        ax = fig.subplots()
        for k, run in enumerate(runs):
            turns, kept = kept_curve(run.scores["by_conversation"])
            ax.step(turns, [v * 100 for v in kept], where="post", color=COLORS[k % len(COLORS)], linewidth=2,
                    label=run.label)
        ax.set_ylim(0, 105)
        ax.set_xlim(left=0)
        ax.set_xlabel("assistant turn")
        ax.set_ylabel("conversations without a broken rule (%)")
        ax.set_title("ルールを守り続けた会話の割合 · conversations still following every rule")
        _legend(ax, runs)
        return _png(fig)


def all_charts(runs: Sequence[RunData]) -> dict[str, tuple[str, bytes]]:
    """name -> (title, PNG) for every chart of a report."""
    return {
        "accuracy_by_n": ("Prompt-level accuracy by constraint count", accuracy_by_n(runs)),
        "groups": ("Satisfaction rate by constraint group", group_rates(runs)),
        "tokens": ("Accuracy against tokens used", accuracy_vs_tokens(runs)),
    }
