"""The `jfbench build`, `eval` and `score` commands (registered on the app of jfbench.cli)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from jfbench.catalog import CatalogError
from jfbench.cli import JudgeBaseUrl, JudgeCachePath, JudgeOption, UsageError, app, err, fail_usage, make_judge, out
from jfbench.models import GenSettings, ModelError
from jfbench.prompts import PromptFileError, bundled_prompts, load_prompts

DEFAULT_SET = "jfbench-ja-v1"
DEFAULT_SEED = 20261121
SET_SIZES = (1, 2, 4, 8)
SET_PER_SIZE = 300

ReportOption = Annotated[bool, typer.Option("--report/--no-report",
                                            help="Write report.md, report.html, CSV tables and charts.")]


def bundled_set(name: str = DEFAULT_SET) -> Path:
    return Path(str(resources.files("jfbench.data") / "sets" / f"{name}.jsonl"))


def build_set(seed: int, prompts_file: Path | None, per_size: int, sizes: tuple[int, ...]) -> str:
    """The JSONL text of a benchmark set: deterministic in (seed, prompts, sizes, per_size, catalog)."""
    from jfbench.sampling import Sampler

    prompts = load_prompts(prompts_file) if prompts_file else bundled_prompts("test")
    sampler = Sampler(prompts, "test", seed=seed)
    return "".join(item.model_dump_json() + "\n" for item in sampler.items(sizes, per_size))


def _sizes(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        sizes = tuple(sorted({int(v) for v in value.split(",") if v.strip()}))
    except ValueError:
        raise UsageError(f"--n {value!r} is not a comma-separated list of constraint counts, e.g. --n 1,2,4") from None
    if not sizes or any(n < 1 or n > 8 for n in sizes):
        raise UsageError(f"--n {value!r}: constraint counts are between 1 and 8, e.g. --n 1,2,4,8")
    return sizes


@app.command()
def build(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the set (JSONL).")],
    seed: Annotated[int, typer.Option(help="Sampler seed.")] = DEFAULT_SEED,
    prompts: Annotated[Path | None, typer.Option(help="Base prompts (JSONL or CSV) instead of the bundled pool.")]
    = None,
    per_size: Annotated[int, typer.Option("--per-size", min=1, help="Items per constraint count.")] = SET_PER_SIZE,
    n: Annotated[str, typer.Option("--n", help="Constraint counts.")] = "1,2,4,8",
) -> None:
    """Build a benchmark set: the same seed and prompts give a byte-identical file."""
    try:
        sizes = _sizes(n) or SET_SIZES
        text = build_set(seed, prompts, per_size, sizes)
    except (UsageError, PromptFileError, CatalogError) as exc:
        fail_usage(str(exc))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out.print(f"wrote {text.count(chr(10))} items to {out_file} (sha256 {digest})", highlight=False)


def _resolve_items(set_path: Path | None, prompts: Path | None, seed: int):
    """(items, dataset label, sha256): a set file, a set built from user prompts, or the bundled set."""
    from jfbench.run import load_items

    if set_path is not None and prompts is not None:
        raise UsageError("give --set or --prompts, not both")
    if prompts is not None:
        text = build_set(seed, prompts, SET_PER_SIZE, SET_SIZES)
        from jfbench.sampling import Item

        items = [Item.model_validate_json(line) for line in text.splitlines()]
        return items, f"prompts:{prompts.name}", hashlib.sha256(text.encode()).hexdigest()
    path = set_path or bundled_set()
    items, digest = load_items(path)
    return items, (str(path) if set_path else DEFAULT_SET), digest


@app.command("eval")
def eval_cmd(
    model: Annotated[str, typer.Option(help="provider:model, e.g. openrouter:openai/gpt-5.1, or replay:FILE.jsonl")],
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    set_path: Annotated[Path | None, typer.Option("--set", help="Benchmark set JSONL (default: the bundled v1).")]
    = None,
    prompts: Annotated[Path | None, typer.Option(help="Your own base prompts (JSONL/CSV): a set is built from them.")]
    = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Evaluate only this many items (spread over --n).")] = None,
    n: Annotated[str | None, typer.Option("--n", help="Constraint counts to evaluate, e.g. 1,2,4.")] = None,
    judge: Annotated[str, typer.Option(help="Judge model spec, or none (hybrids use their heuristic).")]
    = "openrouter:openai/gpt-oss-120b",
    judge_base_url: JudgeBaseUrl = None,
    judge_cache: JudgeCachePath = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Run folder (default reports/<model>-<set>-<key>/).")]
    = None,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Requests in flight.")] = 16,
    rpm: Annotated[float | None, typer.Option(min=0.1, help="At most this many requests per minute.")] = None,
    seed: Annotated[int, typer.Option(help="Seed (scoring bootstrap; set building with --prompts).")] = DEFAULT_SEED,
    gen: Annotated[list[str] | None, typer.Option("--gen", help="Generation setting k=v (repeatable).")] = None,
    retries: Annotated[int, typer.Option(min=0, max=20, help="Retries per request.")] = 5,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per request.")] = 600.0,
    max_errors: Annotated[int | None, typer.Option("--max-errors", min=0, help="Exit 1 when more items fail.")]
    = None,
    fail_on_error: Annotated[float | None, typer.Option("--fail-on-error", min=0, max=1,
                                                       help="Exit 1 when this share of items fails.")] = None,
    report: ReportOption = True,
) -> None:
    """Evaluate a model on the benchmark: answers, verdicts and scores in a resumable run folder."""
    from jfbench.run import RunConfig, RunError, check_reachable, evaluate, load_replay, model_spec, select_items

    try:
        spec = model_spec(model, base_url)
        settings = GenSettings.parse(gen)
        all_items, dataset, digest = _resolve_items(set_path, prompts, seed)
        items = select_items(all_items, _sizes(n), limit)
        # Replay answers are checked against the whole set: answers to unselected items are fine.
        replay = load_replay(Path(spec.model), all_items) if spec.provider == "replay" else None
        if replay is None:
            spec.check_credentials()
            check_reachable(spec.base_url or "")
        judge_model = make_judge(judge, judge_base_url, 1, judge_cache)
        config = RunConfig(model=str(spec), base_url=spec.base_url, dataset=dataset, dataset_sha256=digest,
                           gen=settings, judge=None if judge_model is None else judge, seed=seed,
                           sizes=sorted({it.n for it in items}), limit=limit)
        folder = out_dir or Path("reports") / f"{spec.slug}-{Path(dataset).stem}-{config.key()}"
    except (UsageError, RunError, ModelError, PromptFileError, CatalogError) as exc:
        fail_usage(str(exc))
    if not items:
        fail_usage("no items selected; check --n and --limit")
    state = ProgressView(len(items))
    result = run_live(state, folder, "answers", evaluate(
        items, folder, config, spec, judge=judge_model, concurrency=concurrency, rpm=rpm, retries=retries,
        timeout=timeout, replay=replay, progress=state.progress))
    print_summary(result.scores, folder)
    if report:
        write_run_report(folder)
    if result.fatal:
        err.print(f"[bold red]error:[/] the model cannot answer: {result.fatal}", highlight=False)
        raise typer.Exit(2)
    failed = len(result.failed)
    if failed:
        err.print(f"{failed} items failed (see {folder / 'errors.jsonl'}); run the same command again to retry them",
                  highlight=False)
    if (max_errors is not None and failed > max_errors) or (
            fail_on_error is not None and items and failed / len(items) > fail_on_error):
        raise typer.Exit(1)


@app.command()
def score(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by jfbench eval.")],
    judge: JudgeOption = "none",
    judge_base_url: JudgeBaseUrl = None,
    judge_cache: JudgeCachePath = None,
    set_path: Annotated[Path | None, typer.Option("--set", help="The run's benchmark set, if not the bundled one.")]
    = None,
    cards_dir: Annotated[Path | None, typer.Option("--cards-dir", help="A role-play run's cards, if not bundled.")]
    = None,
    report: ReportOption = True,
) -> None:
    """Re-check and re-score a run's saved answers without calling the model (e.g. after a checker fix)."""
    from jfbench.report import run_kind
    from jfbench.run import RunError, load_config, load_items, rescore, select_items

    if run_kind(run_dir) == "roleplay":
        from jfbench.cli_roleplay import rescore_roleplay_cmd

        return rescore_roleplay_cmd(run_dir, judge, judge_base_url, judge_cache, cards_dir, report)
    try:
        config = load_config(run_dir)
        if set_path is None:
            set_path = Path(config.dataset) if Path(config.dataset).is_file() else bundled_set()
        items, digest = load_items(set_path)
        if digest != config.dataset_sha256:
            raise RunError(f"the benchmark set's sha256 {digest[:12]}… differs from the run's "
                           f"{config.dataset_sha256[:12]}…; pass the run's set with --set")
        items = select_items(items, config.sizes, config.limit)
        judge_model = make_judge(judge, judge_base_url, 1, judge_cache)
        scores = rescore(run_dir, items, config, judge_model)
    except (UsageError, RunError) as exc:
        fail_usage(str(exc))
    print_summary(scores, run_dir)
    if report:
        write_run_report(run_dir)


# --- display ----------------------------------------------------------------------------------------------

class ProgressView:
    """A rich progress bar fed by run.Progress updates: items, errors, tokens, cost, ETA."""

    def __init__(self, total: int, label: str = "eval") -> None:
        from jfbench.run import Progress as RunProgress

        self.bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=False)
        self.task = self.bar.add_task("eval", total=total, info="")
        self.progress = RunProgress(total=total, on_update=self._update)

    def _update(self, p) -> None:
        tokens = p.usage.prompt_tokens + p.usage.completion_tokens
        cost = f" ${p.usage.cost:.4f}" if p.usage.cost is not None else ""
        self.bar.update(self.task, completed=p.done,
                        info=f"errors {p.errors}  tokens {tokens:,}{cost}")


def run_live(state: ProgressView, folder: Path, unit: str, coro):
    """Runs a pipeline under its progress bar: bad input is a usage error; Ctrl-C (or SIGTERM) says what is
    saved and how to resume, exit code 130."""
    from jfbench.run import RunError

    try:
        with state.bar:
            return asyncio.run(interruptible(coro))
    except RunError as exc:
        fail_usage(str(exc))
    except KeyboardInterrupt:
        err.print(f"interrupted: {state.progress.done} of {state.progress.total} {unit} are saved in {folder}; "
                  "run the same command again to resume", highlight=False)
        raise typer.Exit(130) from None


async def interruptible(coro):
    """Run `coro`; SIGTERM is turned into KeyboardInterrupt, so both stop the run the same clean way."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(coro)
    try:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    except (NotImplementedError, RuntimeError):  # not on this platform
        pass
    try:
        return await task
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


def fmt_rate(value, ci=None) -> str:
    if value is None:
        return "-"
    text = f"{value * 100:.1f}%"
    if ci and ci[0] is not None:
        text += f" [{ci[0] * 100:.1f}, {ci[1] * 100:.1f}]"
    return text


def print_summary(scores: dict, folder: Path) -> None:
    table = Table(title=f"jfbench results ({scores['n_answered']} of {scores['n_items']} items answered)")
    for col in ("", "prompt strict", "prompt loose", "instruction strict", "instruction loose"):
        table.add_column(col)

    def row(label: str, block: dict) -> None:
        p, i = block["prompt_accuracy"], block["instruction_accuracy"]
        table.add_row(label, fmt_rate(p["strict"], p["strict_ci"]), fmt_rate(p["loose"], p["loose_ci"]),
                      fmt_rate(i["strict"], i["strict_ci"]), fmt_rate(i["loose"], i["loose_ci"]))

    row("all", scores)
    for n, block in scores["by_n"].items():
        row(f"n = {n}", block)
    out.print(table)
    e = scores["errors"]
    out.print(f"errors: {e['generation']} generation, {e['judge_error']} judge, {e['checker_error']} checker; "
              f"{e['skipped']} judge verdicts skipped (no judge)", highlight=False)
    usage = scores["usage"]
    cost = f", cost ${usage['cost']:.4f}" if usage.get("cost") is not None else ""
    out.print(f"tokens: {usage['prompt_tokens']:,} prompt, {usage['completion_tokens']:,} completion "
              f"({usage['reasoning_tokens']:,} reasoning){cost}", highlight=False)
    out.print(f"run folder: {folder}", highlight=False)


def write_run_report(folder: Path) -> None:
    """The report of a finished run (eval or role-play), written into its folder; prints its path."""
    from jfbench.report import load_run, write_report

    out.print(f"report: {write_report([load_run(folder)], folder)} (and report.md)", highlight=False)


@app.command("make-train")
def make_train(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the rows (JSONL).")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of prompts.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Sampler seed.")] = 0,
    row_format: Annotated[str, typer.Option("--format", help="rlvr or messages; sft or dpo with --sample-model.")]
    = "rlvr",
    prompts: Annotated[Path | None, typer.Option(help="Your own base prompts (JSONL/CSV) instead of the train pool.")]
    = None,
    weight_8: Annotated[float, typer.Option("--weight-8", min=0, help="Rows with 8 constraints, relative to 1/2/4.")]
    = 0.5,
    sample_model: Annotated[str | None, typer.Option("--sample-model", help="Model spec to sample answers from.")]
    = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    samples: Annotated[int, typer.Option(min=2, max=64, help="Answers per prompt.")] = 8,
    judge: Annotated[str, typer.Option(help="Judge model spec, or none.")] = "none",
    work_dir: Annotated[Path | None, typer.Option("--work-dir", help="Answers and verdicts (resumable).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Requests in flight.")] = 16,
    gen: Annotated[list[str] | None, typer.Option("--gen", help="Generation setting k=v (repeatable).")] = None,
    retries: Annotated[int, typer.Option(min=0, max=20, help="Retries per request.")] = 5,
    rewrite_model: Annotated[str | None, typer.Option("--rewrite-model",
                                                      help="Model that rewrites a prompt's best failing answer.")]
    = None,
) -> None:
    """Training data on the 72 train constraints: prompt rows with verifiable ground truth, or, with
    --sample-model, best-of-N SFT/DPO rows whose answers the checkers verified."""
    from jfbench.models import CallFailed
    from jfbench.run import RunError, check_reachable, model_spec
    from jfbench.train import best_of_n, decontaminate, train_items, train_rows

    try:
        formats = ("sft", "dpo") if sample_model else ("rlvr", "messages")
        if row_format not in formats:
            hint = "" if sample_model else " (sft and dpo need --sample-model)"
            raise UsageError(f"--format {row_format!r}: use {' or '.join(formats)}{hint}")
        pool = load_prompts(prompts) if prompts else bundled_prompts("train")
        pool, dropped = decontaminate(pool, bundled_prompts("test"))
        if not pool:
            raise UsageError("every prompt overlaps the test set; nothing is left to sample from")
        weights = {1: 1.0, 2: 1.0, 4: 1.0, 8: weight_8}
        out_file.parent.mkdir(parents=True, exist_ok=True)
        if sample_model:
            spec = model_spec(sample_model, base_url)
            settings = GenSettings.parse(gen)
            if settings.temperature is None:
                settings = settings.model_copy(update={"temperature": 1.0})  # best-of-N needs varied answers
            spec.check_credentials()
            check_reachable(spec.base_url or "")
            rewriter = model_spec(rewrite_model, base_url) if rewrite_model else None
            if rewriter is not None:
                rewriter.check_credentials()
            judge_model = make_judge(judge, None, 1, None)
            items = list(train_items(pool, n, seed, weights))
            stats = asyncio.run(best_of_n(items, work_dir or out_file.with_name(out_file.name + ".work"), spec,
                                          settings, out_file, row_format, samples, judge_model, concurrency,
                                          rewrite_spec=rewriter, retries=retries))
        else:
            tmp = out_file.with_name(out_file.name + ".tmp")
            with tmp.open("w", encoding="utf-8") as f:
                for row in train_rows(pool, n, seed, row_format, weights):  # streamed: memory stays flat
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
            tmp.replace(out_file)
            stats = {"rows": n}
    except (UsageError, PromptFileError, CatalogError, ModelError, RunError, CallFailed) as exc:
        fail_usage(str(exc))
    if dropped:
        err.print(f"dropped {len(dropped)} prompts that overlap the test set (e.g. {', '.join(dropped[:3])})",
                  highlight=False)
    detail = (f" ({stats['answers']} answers to {stats['items']} prompts, {stats['failed']} failed, "
              f"{stats['rewritten']} verified rewrites)" if "answers" in stats else "")
    out.print(f"wrote {stats['rows']} rows to {out_file} from {len(pool)} base prompts{detail}", highlight=False)
