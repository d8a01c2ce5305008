"""The `jfbench` command: list, show and check constraints."""

from __future__ import annotations

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


def check_line(line: str, line_no: int, timings: bool) -> dict[str, Any]:
    case_id = None
    try:
        raw = json.loads(line)
        if isinstance(raw, dict):
            case_id = raw.get("id")
        case = CheckCase.model_validate(raw)
        inst = case.build()
    except json.JSONDecodeError as exc:
        return _error_record(case_id, f"line {line_no}: not JSON ({exc.msg})")
    except ValidationError as exc:
        return _error_record(case_id, f"line {line_no}: {catalog.describe_validation_error(exc)}")
    except CatalogError as exc:
        return _error_record(case_id, f"line {line_no}: {exc}")
    start = time.perf_counter()
    verdict = inst.evaluate(case.response, case.document)
    record = verdict_record(case_id, inst.id, verdict)
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
) -> None:
    """Check answers against constraints: one-off, or a JSONL batch with --cases.

    One-off exit codes: 0 passed, 1 failed, 2 bad input. Batch mode writes one JSON verdict per input line.
    """
    try:
        if cases is not None:
            if constraint is not None or response is not None:
                raise UsageError("give either --cases or a constraint with --response, not both")
            _check_batch(cases, timings)
            return
        if constraint is None or response is None:
            raise UsageError("give a constraint id and --response TEXT (or --response @file), or --cases FILE")
        inst = catalog.instance(constraint, _json_arg(params, "--params"), _json_arg(kwargs, "--kwargs"))
        text = _text_arg(response, "--response")
        doc = _text_arg(document, "--document") if document is not None else None
    except (UsageError, CatalogError) as exc:
        fail_usage(str(exc))
    start = time.perf_counter()
    verdict = inst.evaluate(text, doc)
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


def _check_batch(cases: str, timings: bool) -> None:
    stream = _open_cases(cases)
    try:
        for line_no, line in enumerate(stream, 1):
            if not line.strip():
                continue
            record = check_line(line, line_no, timings)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    except UnicodeDecodeError as exc:
        raise UsageError(f"{cases} is not UTF-8 text ({exc.reason})") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
