"""The `jfbench report` and `jfbench compare` commands (registered on the app of jfbench.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jfbench.cli import app, fail_usage, out


@app.command()
def report(
    run_dirs: Annotated[list[Path], typer.Argument(help="One or more run folders written by jfbench eval.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Report folder (default: the run folder for one run, "
                                                 "reports/report-<k>-runs-<hash>/ for several).")] = None,
    shot: Annotated[bool, typer.Option("--screenshot", help="Also save report.png, the page as headless Chromium "
                                       "draws it (needs chromium on PATH).")] = False,
) -> None:
    """Write report.md, a self-contained report.html, CSV tables and charts for one or more runs."""
    from jfbench.report import default_out, load_run, screenshot, write_report
    from jfbench.run import RunError

    if len({d.resolve() for d in run_dirs}) < len(run_dirs):
        fail_usage("a run folder is given twice; list each run once")
    try:
        runs = [load_run(d) for d in run_dirs]
    except RunError as exc:
        fail_usage(str(exc))
    page = write_report(runs, out_dir or default_out(run_dirs))
    out.print(f"report: {page} (and report.md, CSV tables, charts/ beside it)", highlight=False)
    if shot:
        try:
            out.print(f"screenshot: {screenshot(page, page.with_suffix('.png'))}", highlight=False)
        except RunError as exc:
            fail_usage(str(exc))


@app.command()
def compare(
    run_a: Annotated[Path, typer.Argument(help="The baseline run folder (A).")],
    run_b: Annotated[Path, typer.Argument(help="The run to compare with it (B).")],
    mode: Annotated[str, typer.Option(help="strict or loose verdicts.")] = "strict",
    out_file: Annotated[Path | None, typer.Option("--out", help="Markdown file (default "
                                                  "reports/compare-<A>-vs-<B>.md).")] = None,
    top: Annotated[int, typer.Option(min=1, help="How many changed constraints to list.")] = 10,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
) -> None:
    """Paired comparison of two runs on their shared items: B − A with bootstrap intervals and McNemar tests."""
    from jfbench.compare import compare_runs, comparison_markdown, default_path, header_lines, rows_of
    from jfbench.report import load_run
    from jfbench.run import RunError, write_atomic

    if mode not in ("strict", "loose"):
        fail_usage(f"--mode {mode!r}: use strict or loose")
    try:
        comp = compare_runs(load_run(run_a), load_run(run_b), mode=mode, seed=seed, top=top)
    except RunError as exc:
        fail_usage(str(exc))
    for line in header_lines(comp):
        out.print(line, highlight=False)
    for title, (head, rows) in rows_of(comp).items():
        table = Table(title=title)
        for k, col in enumerate(head):
            table.add_column(col, justify="left" if k == 0 else "right")
        for row in rows:
            table.add_row(*row, style=_row_style(row, head))
        out.print(table)
    path = out_file or default_path(run_a, run_b)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, comparison_markdown(comp))
    out.print(f"comparison: {path}", highlight=False)


def _row_style(row: list[str], head: list[str]) -> str:
    """Green for a significant gain, red for a significant loss (Holm p for groups, McNemar p otherwise)."""
    p_text = row[head.index("Holm p")] if "Holm p" in head else row[head.index("McNemar p")]
    significant = p_text.startswith("<") or (p_text not in ("–", "") and float(p_text) < 0.05)
    diff = row[head.index("B − A (pt)")]
    if not significant or diff == "–":
        return ""
    return "green" if float(diff) > 0 else "red"
