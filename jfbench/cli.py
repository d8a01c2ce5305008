"""The `jfbench` command: list, show and check constraints."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.table import Table

from jfbench import __version__, catalog
from jfbench.catalog import CatalogError, Constraint, Verdict

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jfbench: verifiable Japanese instruction following.")
# Wide when piped, so tables of ids are not truncated in files and CI logs.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class UsageError(Exception):
    """Bad user input: printed as one line, exit code 2."""


def fail_usage(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(2)


def _json_arg(value: str | None, flag: str) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{flag} is not valid JSON ({exc.msg} at column {exc.colno}); "
                         f"""example: {flag} '{{"min": 100, "max": 150}}'""") from None
    if not isinstance(parsed, dict):
        raise UsageError(f"{flag} must be a JSON object, got {type(parsed).__name__}")
    return parsed


def _text_arg(value: str, flag: str) -> str:
    """A literal, or @path to read a UTF-8 file."""
    if not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {flag} file {path}: {exc.strerror or exc}") from None


@app.callback(invoke_without_command=True)
def _root(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False) -> None:
    if version:
        out.print(f"jfbench {__version__}")
        raise typer.Exit()


# --- list / show ----------------------------------------------------------------------------------

def constraint_summary(cls: type[Constraint]) -> dict[str, Any]:
    """The JSON description of one constraint (`jfbench list --json`)."""
    return {
        "id": cls.id,
        "group": cls.group.value,
        "kind": cls.kind.value,
        "train": cls.train,
        "output_format": cls.output_format,
        "aliases": list(cls.aliases),
        "params": cls.Params.model_json_schema(),
        "test_wording": cls.test_wording,
        "train_wordings": list(cls.train_wordings),
        "examples": [{"params": e.params, "response": e.response, "passed": e.passed,
                      **({"document": e.document} if e.document is not None else {})} for e in cls.examples],
        "conflicts": list(cls.conflicts),
    }


def _selected(group: str | None, train: bool) -> list[type[Constraint]]:
    groups = {g.value for g in catalog.Group}
    if group is not None and group not in groups:
        raise UsageError(f"unknown group {group!r}; groups: {', '.join(sorted(groups))}")
    return [c for c in catalog.all_constraints()
            if (group is None or c.group.value == group) and (not train or c.train)]


@app.command("list")
def list_cmd(
    group: Annotated[str | None, typer.Option(help="Only this group, e.g. length.")] = None,
    train: Annotated[bool, typer.Option("--train", help="Only the JFTrain split.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List the constraints of the catalog."""
    try:
        selected = _selected(group, train)
    except UsageError as exc:
        fail_usage(str(exc))
    if as_json:
        sys.stdout.write(json.dumps([constraint_summary(c) for c in selected], ensure_ascii=False, indent=1))
        sys.stdout.write("\n")
        return
    table = Table(title=f"{len(selected)} constraints")
    table.add_column("id", no_wrap=True)
    for column in ("kind", "train", "format", "params", "JFBench alias"):
        table.add_column(column, overflow="fold")
    for c in selected:
        table.add_row(c.id, c.kind.value, "yes" if c.train else "", "yes" if c.output_format else "",
                      ", ".join(c.Params.model_fields) or "-", c.aliases[0])
    out.print(table)


@app.command()
def show(constraint: Annotated[str, typer.Argument(help="Constraint id or JFBench alias.")]) -> None:
    """Show one constraint: wordings, parameters and examples."""
    try:
        cls = catalog.resolve(constraint)
    except CatalogError as exc:
        fail_usage(str(exc))
    out.print(f"[bold]{cls.id}[/]  group={cls.group.value} kind={cls.kind.value} train={cls.train} "
              f"output_format={cls.output_format}")
    out.print(f"aliases: {', '.join(cls.aliases)}", highlight=False)
    if cls.Params.model_fields:
        out.print("params:")
        for name, field in cls.Params.model_fields.items():
            annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
            bounds = catalog.allowed_range(cls.Params, name)
            default = "" if field.is_required() else f" = {field.get_default(call_default_factory=True)!r}"
            line = f"  {name}: {annotation.replace('typing.', '')}{default}" + (f"  ({bounds})" if bounds else "")
            out.print(line, highlight=False, markup=False)
    example = cls.examples[0]
    inst = cls(example.params)
    out.print(f"\n[bold]test wording[/] (params {json.dumps(example.params, ensure_ascii=False)}):")
    out.print(f"  {inst.wording()}", markup=False)
    for i in range(len(cls.train_wordings)):
        out.print(f"[bold]train wording {i}[/]: {inst.wording(i)}", highlight=False)
    out.print("\n[bold]examples[/]:")
    for e in cls.examples:
        mark = "[green]pass[/]" if e.passed else "[red]fail[/]"
        params = f" {json.dumps(e.params, ensure_ascii=False)}" if e.params else ""
        out.print(f"  {mark}{params}: ", end="")
        out.print(json.dumps(e.response, ensure_ascii=False), markup=False, highlight=False)
    if cls.conflicts:
        out.print(f"\n[bold]conflicts[/]: {', '.join(cls.conflicts)}", highlight=False)


# --- check ----------------------------------------------------------------------------------------

class CheckCase(BaseModel):
    """One line of `jfbench check --cases`."""

    model_config = ConfigDict(extra="forbid")
    id: Any = None
    constraint: str | dict[str, Any]
    params: dict[str, Any] | None = None
    kwargs: dict[str, Any] | None = None
    response: str
    document: str | None = None
    instruction: str | None = None  # the prompt the model saw, shown to the judge
    label: bool | None = None  # a human label, for `jfbench judge-agreement`

    def build(self) -> Constraint:
        if isinstance(self.constraint, dict):  # JFBench's serialised {"module", "name", "kwargs"}
            if self.params is not None or self.kwargs is not None:
                raise CatalogError("a serialised JFBench constraint carries its own kwargs")
            return catalog.instance_from_jfbench(self.constraint)
        return catalog.instance(self.constraint, self.params, self.kwargs)


def verdict_record(case_id: Any, constraint: str | None, verdict: Verdict) -> dict[str, Any]:
    record: dict[str, Any] = {"id": case_id, "constraint": constraint}
    record.update(verdict.model_dump(exclude_none=True, exclude={"passed"}))
    record["passed"] = verdict.passed
    return {k: record[k] for k in ("id", "constraint", "passed", "reason", "method", "heuristic", "usage")
            if k in record}


def parse_line(line: str, line_no: int) -> tuple[CheckCase, Constraint] | dict[str, Any]:
    """The case and its instance, or an error record for a bad line."""
    case_id = None
    try:
        raw = json.loads(line)
        if isinstance(raw, dict):
            case_id = raw.get("id")
        case = CheckCase.model_validate(raw)
        return case, case.build()
    except json.JSONDecodeError as exc:
        return _error_record(case_id, f"line {line_no}: not JSON ({exc.msg})")
    except ValidationError as exc:
        return _error_record(case_id, f"line {line_no}: {catalog.describe_validation_error(exc)}")
    except CatalogError as exc:
        return _error_record(case_id, f"line {line_no}: {exc}")


async def check_case(case: CheckCase, inst: Constraint, judge: Any, timings: bool) -> dict[str, Any]:
    from jfbench.judge import judged

    start = time.perf_counter()
    verdict = await judged(inst, case.response, judge, case.instruction, case.document)
    record = verdict_record(case.id, inst.id, verdict)
    if timings:
        record["seconds"] = round(time.perf_counter() - start, 6)
    return record


def _error_record(case_id: Any, message: str) -> dict[str, Any]:
    return {"id": case_id, "constraint": None, "passed": None, "reason": message, "method": "error",
            "error": message}


def _open_cases(cases: str):
    if cases == "-":
        return sys.stdin
    path = Path(cases)
    if not path.is_file():
        raise UsageError(f"cases file {path} does not exist; give a JSONL file or - for standard input")
    return path.open(encoding="utf-8")


JudgeOption = Annotated[str, typer.Option("--judge", help="Judge model spec (provider:model), or none for offline.")]
JudgeBaseUrl = Annotated[str | None, typer.Option("--judge-base-url", help="Base URL for a vllm: judge.")]
JudgeSamples = Annotated[int, typer.Option("--judge-samples", min=1, max=9, help="Majority vote over k samples.")]
JudgeCachePath = Annotated[Path | None, typer.Option("--judge-cache", help="Judge cache (sqlite) path.")]
Concurrency = Annotated[int, typer.Option(min=1, max=256, help="Judge calls in flight at once.")]


def make_judge(spec: str, base_url: str | None, samples: int, cache: Path | None) -> Any:
    """A Judge, or None for `--judge none`. Bad specs and missing keys raise UsageError."""
    if spec.lower() == "none":
        return None
    from jfbench.judge import DEFAULT_SETTINGS, Judge, JudgeCache, default_cache_path
    from jfbench.models import ModelError, ModelSpec

    try:
        model = ModelSpec.parse(spec, base_url)
        return Judge(model, DEFAULT_SETTINGS, samples=samples, cache=JudgeCache(cache or default_cache_path()))
    except ModelError as exc:
        raise UsageError(str(exc)) from None


@app.command()
def check(
    constraint: Annotated[str | None, typer.Argument(help="Constraint id or JFBench alias (one-off mode).")] = None,
    response: Annotated[str | None, typer.Option(help="The answer to check, or @file.")] = None,
    params: Annotated[str | None, typer.Option(help="Params as a JSON object.")] = None,
    kwargs: Annotated[str | None, typer.Option(help="JFBench constructor kwargs as a JSON object.")] = None,
    document: Annotated[str | None, typer.Option(help="The prompt's source document, or @file.")] = None,
    cases: Annotated[str | None, typer.Option(help="JSONL file of cases (or - for stdin): batch mode.")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="Add seconds per verdict.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One-off: print the verdict as JSON.")] = False,
    instruction: Annotated[str | None, typer.Option(help="The prompt the model saw (for the judge), or @file.")]
    = None,
    judge: JudgeOption = "none",
    judge_base_url: JudgeBaseUrl = None,
    judge_samples: JudgeSamples = 1,
    judge_cache: JudgeCachePath = None,
    concurrency: Concurrency = 8,
) -> None:
    """Check answers against constraints: one-off, or a JSONL batch with --cases.

    One-off exit codes: 0 passed, 1 failed, 2 bad input. Batch mode writes one JSON verdict per input line.
    """
    try:
        if cases is not None:
            if constraint is not None or response is not None:
                raise UsageError("give either --cases or a constraint with --response, not both")
            judge_model = make_judge(judge, judge_base_url, judge_samples, judge_cache)
            asyncio.run(_check_batch(cases, timings, judge_model, concurrency))
            return
        if constraint is None or response is None:
            raise UsageError("give a constraint id and --response TEXT (or --response @file), or --cases FILE")
        inst = catalog.instance(constraint, _json_arg(params, "--params"), _json_arg(kwargs, "--kwargs"))
        text = _text_arg(response, "--response")
        doc = _text_arg(document, "--document") if document is not None else None
        task = _text_arg(instruction, "--instruction") if instruction is not None else None
        judge_model = make_judge(judge, judge_base_url, judge_samples, judge_cache)
    except (UsageError, CatalogError) as exc:
        fail_usage(str(exc))
    from jfbench.judge import judged

    start = time.perf_counter()
    verdict = asyncio.run(judged(inst, text, judge_model, task, doc))
    seconds = time.perf_counter() - start
    if as_json:
        record = verdict_record(None, inst.id, verdict)
        if timings:
            record["seconds"] = round(seconds, 6)
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        label = {True: "[green]PASS[/]", False: "[red]FAIL[/]", None: "[yellow]SKIP[/]"}[verdict.passed]
        timing = f" ({seconds * 1000:.1f} ms)" if timings else ""
        out.print(f"{label} {inst.id} ({verdict.method}): ", end="")
        out.print(f"{verdict.reason}{timing}", markup=False, highlight=False)
    raise typer.Exit(0 if verdict.passed in (True, None) else 1)


async def _check_batch(cases: str, timings: bool, judge: Any, concurrency: int) -> None:
    """Verdicts in input order; judge calls run concurrently, each line is written as soon as it and all
    lines before it are done, so an interrupted batch keeps everything already printed."""
    stream = _open_cases(cases)
    gate = asyncio.Semaphore(concurrency)

    async def one(parsed: tuple[CheckCase, Constraint] | dict[str, Any]) -> dict[str, Any]:
        if isinstance(parsed, dict):
            return parsed
        async with gate:
            return await check_case(*parsed, judge, timings)

    pending: list[asyncio.Task[dict[str, Any]]] = []

    def write_ready() -> None:
        while pending and pending[0].done():
            sys.stdout.write(json.dumps(pending.pop(0).result(), ensure_ascii=False) + "\n")
            sys.stdout.flush()

    try:
        for line_no, line in enumerate(stream, 1):
            if not line.strip():
                continue
            pending.append(asyncio.create_task(one(parse_line(line, line_no))))
            if len(pending) >= 4 * concurrency:  # bounded memory: wait for the oldest line
                await pending[0]
            await asyncio.sleep(0)
            write_ready()
        while pending:
            await pending[0]
            write_ready()
    except UnicodeDecodeError as exc:
        raise UsageError(f"{cases} is not UTF-8 text ({exc.reason})") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


class Agreement(BaseModel):
    """Per-constraint agreement between the offline heuristic, the LLM judge and human labels."""

    constraint: str
    cases: int = 0
    heuristic_vs_label: list[int] = [0, 0]  # [agreeing, compared]
    judge_vs_label: list[int] = [0, 0]
    heuristic_vs_judge: list[int] = [0, 0]
    judge_errors: int = 0

    def add(self, pair: str, a: bool | None, b: bool | None) -> None:
        if a is not None and b is not None:
            counts = getattr(self, pair)
            counts[0] += a == b
            counts[1] += 1

    def rates(self) -> dict[str, float | None]:
        return {f"{pair}_rate": (c[0] / c[1] if c[1] else None)
                for pair in ("heuristic_vs_label", "judge_vs_label", "heuristic_vs_judge")
                for c in [getattr(self, pair)]}


@app.command("judge-agreement")
def judge_agreement(
    cases: Annotated[str, typer.Argument(help="JSONL cases (constraint, params, response, optional label).")],
    judge: JudgeOption = "none",
    judge_base_url: JudgeBaseUrl = None,
    judge_samples: JudgeSamples = 1,
    judge_cache: JudgeCachePath = None,
    concurrency: Concurrency = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Agreement of hybrid heuristics with the LLM judge and with human labels, per constraint."""
    try:
        judge_model = make_judge(judge, judge_base_url, judge_samples, judge_cache)
        stream = _open_cases(cases)
        parsed = [parse_line(line, n) for n, line in enumerate(stream, 1) if line.strip()]
    except UsageError as exc:
        fail_usage(str(exc))
    bad = [p for p in parsed if isinstance(p, dict)]
    if bad:
        fail_usage(f"{len(bad)} bad case lines, first: {bad[0]['error']}")
    results = asyncio.run(_agreement(parsed, judge_model, concurrency))  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps([{**a.model_dump(), **a.rates()} for a in results], ensure_ascii=False) + "\n")
        return
    table = Table(title="agreement (agreeing / compared)")
    for column in ("constraint", "cases", "heuristic vs label", "judge vs label", "heuristic vs judge", "judge errors"):
        table.add_column(column, no_wrap=column == "constraint")

    def cell(c: list[int]) -> str:
        return f"{c[0] / c[1]:.0%} ({c[0]}/{c[1]})" if c[1] else "-"

    for a in results:
        table.add_row(a.constraint, str(a.cases), cell(a.heuristic_vs_label), cell(a.judge_vs_label),
                      cell(a.heuristic_vs_judge), str(a.judge_errors))
    out.print(table)


async def _agreement(parsed: list[tuple[CheckCase, Constraint]], judge: Any, concurrency: int) -> list[Agreement]:
    from jfbench.judge import judged

    gate = asyncio.Semaphore(concurrency)
    by_id: dict[str, Agreement] = {}

    async def one(case: CheckCase, inst: Constraint) -> None:
        offline = inst.evaluate(case.response, case.document)
        online = None
        if judge is not None and inst.kind is not catalog.Kind.RULE:
            async with gate:
                online = await judged(inst, case.response, judge, case.instruction, case.document)
        a = by_id.setdefault(inst.id, Agreement(constraint=inst.id))
        a.cases += 1
        heuristic = offline.passed if offline.method in ("rule", "heuristic") else None
        judged_passed = online.passed if online is not None else None
        a.judge_errors += online is not None and online.method == "judge_error"
        a.add("heuristic_vs_label", heuristic, case.label)
        a.add("judge_vs_label", judged_passed, case.label)
        a.add("heuristic_vs_judge", heuristic, judged_passed)

    await asyncio.gather(*(one(case, inst) for case, inst in parsed))
    return [by_id[k] for k in sorted(by_id)]


def main() -> None:
    app()


from jfbench import cli_report, cli_roleplay, cli_run  # noqa: E402, F401  register their commands on `app` (needs it defined)
