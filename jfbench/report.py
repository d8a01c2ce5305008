"""Reports of one or more runs: report.md, a self-contained report.html, CSV tables and PNG charts.

Everything comes from what a run folder already holds (run.json, scores.json, verdicts.jsonl,
responses.jsonl): a report never calls a model and never changes the run. Model answers appear in the
tables as escaped, truncated text; the HTML embeds its charts as data URIs and loads nothing.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

from jfbench import __version__
from jfbench.catalog import GROUP_TITLES_JA, CatalogError, resolve
from jfbench.run import ResponseRecord, RunConfig, RunError, load_config, read_jsonl, write_atomic
from jfbench.scoring import SCHEMA_VERSION
from jfbench.verify import InstanceResult, ItemVerdicts

SCOPES = ("all", "1", "2", "4", "8")
EXCERPT = 120  # characters of an answer or reason shown in a table cell


# --- runs -------------------------------------------------------------------------------------------------

@dataclass
class RunData:
    """A finished run folder, read-only."""

    folder: Path
    config: RunConfig
    scores: dict[str, Any]
    verdicts: list[ItemVerdicts]
    responses: dict[str, ResponseRecord]
    label: str = ""

    def block(self, scope: str) -> dict[str, Any] | None:
        """The scores of one scope: "all" or a constraint count ("1", "2", ...); None when the run has none."""
        return self.scores if scope == "all" else self.scores["by_n"].get(scope)

    @property
    def tokens(self) -> int:
        """Input + output tokens; OpenAI-style usage counts reasoning tokens inside completion_tokens."""
        usage = self.scores["usage"]
        return int(usage["prompt_tokens"] + usage["completion_tokens"])

    @property
    def judge_cost(self) -> float | None:
        costs = [r.usage.get("cost") for v in self.verdicts for r in v.results if r.usage]
        costs = [c for c in costs if isinstance(c, int | float)]
        return float(sum(costs)) if costs else None


def load_run(folder: Path) -> Any:
    """A run folder's data (RunData, or RoleplayRunData for a role-play run), or a one-line RunError saying
    what is missing and how to get it."""
    if not folder.is_dir():
        raise RunError(f"{folder} is not a folder; give a run folder written by jfbench eval or roleplay")
    if run_kind(folder) == "roleplay":
        from jfbench.roleplay.report import load_roleplay_run

        return load_roleplay_run(folder)
    config = load_config(folder)
    scores = read_scores(folder, "schema_version", SCHEMA_VERSION)
    verdicts = read_jsonl(folder / "verdicts.jsonl", ItemVerdicts, repair=False)
    responses = {r.item_id: r for r in read_jsonl(folder / "responses.jsonl", ResponseRecord, repair=False)}
    return RunData(folder=folder, config=config, scores=scores, verdicts=verdicts, responses=responses)


def read_scores(folder: Path, key: str, version: Any) -> dict[str, Any]:
    """A run's scores.json, checked to carry `key` = `version`; problems say to re-run jfbench score."""
    path = folder / "scores.json"
    if not path.exists():
        raise RunError(f"{folder} has no scores.json yet; run `jfbench score {folder}` first")
    try:
        scores = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RunError(f"{path} is not JSON ({exc.msg}); run `jfbench score {folder}` to rewrite it") from None
    if not isinstance(scores, dict) or scores.get(key) != version:
        raise RunError(f"{path} is not a jfbench {version} scores file; run `jfbench score {folder}` to rewrite it")
    return scores


def run_kind(folder: Path) -> str:
    try:
        data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return "eval"  # load_config reports the problem
    return data.get("kind", "eval") if isinstance(data, dict) else "eval"


def label_runs(runs: Sequence[Any]) -> None:
    """Each run's label: its model, or model and folder name when two runs share a model."""
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.config.model] = counts.get(run.config.model, 0) + 1
    for run in runs:
        model = run.config.model
        if model.startswith("replay:"):
            model = "replay:" + Path(model.removeprefix("replay:")).stem
        run.label = model if counts[run.config.model] == 1 else f"{model} ({run.folder.name})"


# --- tables -----------------------------------------------------------------------------------------------

Kind = Literal["text", "int", "rate", "rate_ci", "money"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "text"


@dataclass
class Table:
    """One table, written three ways: CSV (raw numbers), Markdown and HTML (formatted, escaped)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def csv_text(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        header: list[str] = []
        for col in self.columns:
            header += [col.key, f"{col.key}_lo", f"{col.key}_hi"] if col.kind == "rate_ci" else [col.key]
        writer.writerow(header)
        for row in self.rows:
            cells: list[Any] = []
            for col in self.columns:
                value = row.get(col.key)
                cells.append("" if value is None else value)
                if col.kind == "rate_ci":
                    lo, hi = row.get(f"{col.key}_ci") or (None, None)
                    cells += ["" if lo is None else lo, "" if hi is None else hi]
            writer.writerow(cells)
        return buf.getvalue()

    def cell(self, row: dict[str, Any], col: Column) -> str:
        value = row.get(col.key)
        if value is None or value == "":
            return "–"
        if col.kind == "int":
            return f"{int(value):,}"
        if col.kind == "money":
            return f"${value:,.4f}"
        if col.kind in ("rate", "rate_ci"):
            text = f"{value * 100:.1f}%"
            ci = row.get(f"{col.key}_ci") if col.kind == "rate_ci" else None
            if ci and ci[0] is not None:
                text += f" ({ci[0] * 100:.1f}–{ci[1] * 100:.1f})"
            return text
        return str(value)

    def markdown(self) -> str:
        lines = ["| " + " | ".join(md_escape(c.label) for c in self.columns) + " |",
                 "|" + "|".join("---:" if c.kind != "text" else "---" for c in self.columns) + "|"]
        for row in self.rows:
            lines.append("| " + " | ".join(md_escape(self.cell(row, c)) for c in self.columns) + " |")
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        head = "".join(f'<th class="{c.kind}">{html.escape(c.label)}</th>' for c in self.columns)
        body = []
        for row in self.rows:
            cells = []
            for col in self.columns:
                style = ""
                value = row.get(col.key)
                if col.kind in ("rate", "rate_ci") and isinstance(value, int | float):
                    style = f' style="background:{_heat(value)}"'
                cells.append(f'<td class="{col.kind} c-{col.key}"{style}>{html.escape(self.cell(row, col))}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<table id="{html.escape(self.name)}"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>')


_MD_SPECIAL = set("\\`*_[]<>|~&#")


def md_escape(text: str) -> str:
    """A table cell's text with Markdown syntax escaped, so model answers render as the text they are."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text.replace("\n", " "))


def _heat(rate: float) -> str:
    """Background of a rate cell: red (0%) through yellow to green (100%), light enough to read on."""
    return f"hsl({round(120 * max(0.0, min(1.0, rate)))}, 70%, 85%)"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """One line of at most `limit` characters: newlines shown as ↵, the rest cut with …."""
    flat = text.replace("\r\n", "\n").replace("\n", "↵")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _rate_cells(row: dict[str, Any], key: str, block: dict[str, Any] | None, mode: str) -> None:
    row[key] = block[mode] if block else None
    row[f"{key}_ci"] = block[f"{mode}_ci"] if block else None


def headline_table(runs: Sequence[RunData]) -> Table:
    table = Table("headline", "Headline: accuracy by constraint count", [
        Column("model", "model"), Column("n", "constraints"), Column("items", "items", "int"),
        Column("prompt_strict", "prompt strict", "rate_ci"), Column("prompt_loose", "prompt loose", "rate_ci"),
        Column("instruction_strict", "instruction strict", "rate_ci"),
        Column("instruction_loose", "instruction loose", "rate_ci")],
        note="Prompt-level accuracy: share of items whose every constraint passes; instruction-level: share of "
             "constraint instances that pass. 95% bootstrap intervals over items in parentheses. Items: prompts "
             "with a verdict on every constraint.")
    for run in runs:
        for scope in SCOPES:
            block = run.block(scope)
            if block is None:
                continue
            row: dict[str, Any] = {"model": run.label, "n": scope, "items": block["prompt_accuracy"]["n"]}
            for level in ("prompt", "instruction"):
                for mode in ("strict", "loose"):
                    _rate_cells(row, f"{level}_{mode}", block[f"{level}_accuracy"], mode)
            table.rows.append(row)
    return table


def usage_table(runs: Sequence[RunData]) -> Table:
    table = Table("usage", "Errors, tokens and cost", [
        Column("model", "model"), Column("items", "items", "int"), Column("answered", "answered", "int"),
        Column("generation_errors", "generation errors", "int"), Column("judge_errors", "judge errors", "int"),
        Column("skipped", "judge skipped", "int"), Column("checker_errors", "checker errors", "int"),
        Column("prompt_tokens", "input tokens", "int"), Column("completion_tokens", "output tokens", "int"),
        Column("reasoning_tokens", "of which reasoning", "int"), Column("tokens_per_item", "tokens / item", "int"),
        Column("cost", "cost", "money"), Column("judge_cost", "judge cost", "money")],
        note="Output tokens include reasoning tokens, as the OpenAI usage format counts them. Cost is what the "
             "provider reported (OpenRouter does); judge skipped: judge constraints left undecided by --judge none.")
    for run in runs:
        s, e, u = run.scores, run.scores["errors"], run.scores["usage"]
        table.rows.append({
            "model": run.label, "items": s["n_items"], "answered": s["n_answered"],
            "generation_errors": e["generation"], "judge_errors": e["judge_error"], "skipped": e["skipped"],
            "checker_errors": e["checker_error"], "prompt_tokens": u["prompt_tokens"],
            "completion_tokens": u["completion_tokens"], "reasoning_tokens": u["reasoning_tokens"],
            "tokens_per_item": round(run.tokens / s["n_answered"]) if s["n_answered"] else None,
            "cost": u.get("cost"), "judge_cost": run.judge_cost})
    return table


def group_table(runs: Sequence[RunData]) -> Table:
    columns = [Column("group", "group"), Column("title", "名称")]
    for k, run in enumerate(runs):
        columns += [Column(f"strict_{k}", f"{run.label} strict", "rate_ci"), Column(f"loose_{k}", "loose", "rate"),
                    Column(f"occurrences_{k}", "instances", "int")]
    table = Table("groups", "Satisfaction rate by constraint group", columns,
                  note="Passes of a group's instances divided by its occurrences (undecided verdicts left out).")
    for group, title in GROUP_TITLES_JA.items():
        row: dict[str, Any] = {"group": group, "title": title}
        for k, run in enumerate(runs):
            block = run.scores["by_group"].get(group)
            _rate_cells(row, f"strict_{k}", block, "strict")
            row[f"loose_{k}"] = block["loose"] if block else None
            row[f"occurrences_{k}"] = block["occurrences"] if block else None
        table.rows.append(row)
    return table


def failing_examples(run: RunData) -> dict[str, tuple[str, InstanceResult]]:
    """Per constraint, the shortest answer that strictly fails it (ties: lowest item id), with its verdict:
    short answers show the reader the problem fastest. One pass over the run."""
    best: dict[str, tuple[int, str, InstanceResult]] = {}
    for item in run.verdicts:
        length = len(run.responses[item.item_id].content) if item.item_id in run.responses else 0
        for r in item.results:
            if r.passed is False and (r.id not in best or (length, item.item_id) < best[r.id][:2]):
                best[r.id] = (length, item.item_id, r)
    return {cid: (item_id, r) for cid, (_, item_id, r) in best.items()}


def _kind(constraint_id: str) -> str:
    try:
        return str(resolve(constraint_id).kind)
    except CatalogError:  # a run scored with a catalog that had this id
        return "?"


def constraint_table(runs: Sequence[RunData]) -> Table:
    columns = [Column("constraint", "constraint"), Column("kind", "kind")]
    for k, run in enumerate(runs):
        columns += [Column(f"strict_{k}", f"{run.label} strict", "rate_ci"), Column(f"loose_{k}", "loose", "rate"),
                    Column(f"occurrences_{k}", "instances", "int")]
    columns += [Column("example_item", "failing item"), Column("example_answer", "its answer"),
                Column("example_reason", "why it fails")]
    if len(runs) > 1:
        columns.insert(-3, Column("example_model", "failing model"))
    table = Table("constraints", "Constraints, worst first", columns,
                  note=f"Strict pass rates. The example is the shortest strictly failing answer (of the model with "
                       f"the lowest rate), cut to {EXCERPT} characters; ↵ marks a line break.")
    ids = sorted({cid for run in runs for cid in run.scores["by_constraint"]})
    examples = [failing_examples(run) for run in runs]
    rows = []
    for cid in ids:
        row: dict[str, Any] = {"constraint": cid, "kind": _kind(cid)}
        rates: list[tuple[float, int]] = []
        for k, run in enumerate(runs):
            block = run.scores["by_constraint"].get(cid)
            _rate_cells(row, f"strict_{k}", block, "strict")
            row[f"loose_{k}"] = block["loose"] if block else None
            row[f"occurrences_{k}"] = block["occurrences"] if block else None
            if block and block["strict"] is not None:
                rates.append((block["strict"], k))
        for _, k in sorted(rates):
            example = examples[k].get(cid)
            if example:
                item_id, result = example
                answer = runs[k].responses.get(item_id)
                row.update(example_model=runs[k].label, example_item=item_id,
                           example_answer=excerpt(answer.content) if answer else "",
                           example_reason=excerpt(result.reason))
                break
        row["_sort"] = (sum(r for r, _ in rates) / len(rates) if rates else 2.0, cid)
        rows.append(row)
    table.rows = sorted(rows, key=lambda r: r.pop("_sort"))
    return table


def settings_text(gen: Any) -> str:
    """Generation settings as set (JSON of the non-default fields), or "provider defaults"."""
    fields = {k: v for k, v in gen.model_dump(mode="json").items() if v not in (None, {}, [])}
    return json.dumps(fields, ensure_ascii=False) if fields else "provider defaults"


def metadata_table(runs: Sequence[RunData]) -> Table:
    table = Table("runs", "Runs", [
        Column("model", "model"), Column("spec", "model spec"), Column("base_url", "base URL"),
        Column("gen", "generation settings"), Column("judge", "judge"), Column("dataset", "dataset"),
        Column("sha256", "dataset sha256"), Column("selection", "selection"), Column("seed", "seed"),
        Column("version", "jfbench"), Column("folder", "run folder")])
    for run in runs:
        c = run.config
        table.rows.append({
            "model": run.label, "spec": c.model, "base_url": c.base_url or "", "judge": c.judge or "none",
            "gen": settings_text(c.gen),
            "dataset": c.dataset, "sha256": c.dataset_sha256, "seed": str(c.seed),
            "selection": f"n = {','.join(map(str, c.sizes or []))}" + (f", limit {c.limit}" if c.limit else ""),
            "version": c.jfbench_version, "folder": str(run.folder)})
    return table


# --- the report -------------------------------------------------------------------------------------------

@dataclass
class Report:
    runs: list[Any]
    tables: dict[str, Table]
    charts: dict[str, tuple[str, bytes]]  # name -> (title, PNG)
    sections: list[tuple[str | None, str | None]]  # (table, chart) in page order
    created: str


def build_report(runs: Sequence[Any]) -> Report:
    """The report of eval runs (RunData) and role-play runs (RoleplayRunData), each kind in its own sections."""
    from jfbench import charts

    runs = list(runs)
    label_runs(runs)
    evals = [r for r in runs if isinstance(r, RunData)]
    roleplays = [r for r in runs if not isinstance(r, RunData)]
    tables: list[Table] = []
    figures: dict[str, tuple[str, bytes]] = {}
    sections: list[tuple[str | None, str | None]] = []
    if evals:
        tables += [headline_table(evals), usage_table(evals), group_table(evals), constraint_table(evals),
                   metadata_table(evals)]
        figures.update(charts.all_charts(evals))
        sections += [("headline", "accuracy_by_n"), ("groups", "groups"), (None, "tokens"), ("usage", None),
                     ("constraints", None), ("runs", None)]
    if roleplays:
        from jfbench.roleplay import report as roleplay_report

        tables += roleplay_report.tables(roleplays)
        figures["roleplay_survival"] = ("Role-play: conversations still following every rule",
                                        charts.rules_kept_by_turn(roleplays))
        sections += [("roleplay", "roleplay_survival"), ("roleplay_cards", None), ("roleplay_rules", None),
                     ("roleplay_runs", None)]
    return Report(runs=runs, tables={t.name: t for t in tables}, charts=figures, sections=sections,
                  created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def _section_title(report: Report, table_name: str | None, chart_name: str | None) -> str:
    return report.tables[table_name].title if table_name else report.charts[chart_name or ""][0]


def markdown(report: Report) -> str:
    models = ", ".join(run.label for run in report.runs)
    parts = [f"# jfbench report\n\n{len(report.runs)} run(s): {md_escape(models)}. Created {report.created} by jfbench "
             f"{__version__}.\n"]
    for table_name, chart_name in report.sections:
        parts.append(f"## {_section_title(report, table_name, chart_name)}\n")
        if chart_name:
            parts.append(f"![{report.charts[chart_name][0]}](charts/{chart_name}.png)\n")
        if table_name:
            t = report.tables[table_name]
            parts.append(t.markdown() + (f"\n{t.note}\n" if t.note else "") + f"\n(CSV: `{t.name}.csv`)\n")
    return "\n".join(parts)


_CSS = """
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP","IPAexGothic",sans-serif;
margin:2rem auto;max-width:1400px;padding:0 1rem;color:#1b1f24;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de}
.meta{color:#57606a}nav a{margin-right:1rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0;display:block;overflow-x:auto}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.int,td.rate,td.rate_ci,td.money{text-align:right;white-space:nowrap}
td.text{max-width:28rem;overflow-wrap:anywhere}
td.c-constraint,td.c-model,td.c-group,td.c-title,td.c-kind,td.c-example_item,td.c-rule,td.c-card,
td.c-example_turn{white-space:nowrap}
td.c-example_answer{min-width:16rem;font-size:.78rem;color:#3d444d}
td.c-example_reason{min-width:11rem;font-size:.78rem}
img{max-width:100%;height:auto;border:1px solid #eaeef2}
.note{color:#57606a;font-size:.85rem}
"""


def html_page(report: Report) -> str:
    models = ", ".join(run.label for run in report.runs)
    body = [f"<h1>jfbench report</h1><p class=\"meta\">{len(report.runs)} run(s): {html.escape(models)}. "
            f"Created {html.escape(report.created)} by jfbench {html.escape(__version__)}.</p>"]
    nav = []
    for table_name, chart_name in report.sections:
        anchor = table_name or chart_name or ""
        title = _section_title(report, table_name, chart_name)
        nav.append(f'<a href="#s-{anchor}">{html.escape(title)}</a>')
        body.append(f'<h2 id="s-{anchor}">{html.escape(title)}</h2>')
        if chart_name:
            chart_title, png = report.charts[chart_name]
            data = base64.b64encode(png).decode("ascii")
            body.append(f'<img id="chart-{chart_name}" alt="{html.escape(chart_title)}" '
                        f'src="data:image/png;base64,{data}">')
        if table_name:
            t = report.tables[table_name]
            body.append(t.html())
            if t.note:
                body.append(f'<p class="note">{html.escape(t.note)}</p>')
    body.insert(1, "<nav>" + "".join(nav) + "</nav>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>jfbench report: {html.escape(models)}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def write_report(runs: Sequence[RunData], out: Path) -> Path:
    """Writes report.md, report.html, one CSV per table and charts/*.png into `out`; returns report.html."""
    report = build_report(runs)
    out.mkdir(parents=True, exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    for name, (_, png) in report.charts.items():
        (out / "charts" / f"{name}.png").write_bytes(png)
    for table in report.tables.values():
        write_atomic(out / f"{table.name}.csv", table.csv_text())
    write_atomic(out / "report.md", markdown(report))
    write_atomic(out / "report.html", html_page(report))
    return out / "report.html"


def default_out(folders: Sequence[Path]) -> Path:
    """Where a report of several runs goes when --out is not given: a folder named after the runs."""
    if len(folders) == 1:
        return folders[0]
    digest = hashlib.sha256("\n".join(str(f.resolve()) for f in folders).encode()).hexdigest()[:8]
    return Path("reports") / f"report-{len(folders)}-runs-{digest}"


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 12000, timeout: float = 120) -> Path:
    """A PNG of a report page rendered by headless Chromium, cut below the last drawn row. The page loads
    nothing remote; the flags also keep Chromium itself off the network."""
    from PIL import Image

    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if browser is None:
        raise RunError("a screenshot needs Chromium on PATH (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--disable-quic", f"--user-data-dir={profile}", f"--window-size={width},{height}",
                   f"--screenshot={png.resolve()}", page.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise RunError(f"Chromium could not render {page}: {exc}") from None
    with Image.open(png) as image:
        drawn = np.flatnonzero(np.asarray(image.convert("L")).min(axis=1) < 250)  # rows with anything on them
        bottom = min(image.height, int(drawn[-1]) + 24) if len(drawn) else image.height
        image.crop((0, 0, image.width, bottom)).save(png)
    return png

