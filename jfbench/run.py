"""The eval pipeline: generate answers (async, resumable), check them, score them.

A run folder holds run.json (the configuration; never an API key), responses.jsonl (one answer per line,
keyed by item_id), errors.jsonl (failed generations, for the record), verdicts.jsonl and scores.json.
Answers are appended and flushed one line at a time, so a killed process loses at most the line it was
writing: on the next start that partial line is cut off, finished items are kept and never regenerated,
and failed or missing ones are retried. When generation ends, responses.jsonl is rewritten (atomically)
with exactly one line per answered item, in item order. Verdicts and scores are derived data, rewritten
whole; judge verdicts come back from the judge cache, so re-scoring never pays twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError

from jfbench import __version__
from jfbench.ja import analyse
from jfbench.judge import Judge, judged
from jfbench.models import CallFailed, GenSettings, ModelError, ModelSpec, RateLimiter, Usage, complete
from jfbench.prompts import numbered_lines
from jfbench.sampling import Item
from jfbench.scoring import score
from jfbench.verify import InstanceResult, ItemVerdicts, offline_results, result_of


class RunError(ValueError):
    """Bad input for a run (files, folders, replay data): one line a user can act on; exit code 2."""


class RunConfig(BaseModel):
    """What run.json records. `key()` hashes what decides the answers: a folder resumes only the same key."""

    model: str
    base_url: str | None = None
    dataset: str
    dataset_sha256: str
    gen: GenSettings = Field(default_factory=GenSettings)
    judge: str | None = None
    seed: int = 0
    sizes: list[int] | None = None  # the selection (not in the key: a run may grow with a larger --limit)
    limit: int | None = None
    jfbench_version: str = __version__
    python: str = platform.python_version()

    def key(self) -> str:
        fields = {"model": self.model, "dataset_sha256": self.dataset_sha256,  # not the URL: servers move
                  "gen": self.gen.model_dump(mode="json"), "seed": self.seed}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:10]


class ResponseRecord(BaseModel):
    item_id: str
    content: str
    reasoning: str | None = None
    finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    attempts: int = 1
    seconds: float = 0.0


class ErrorRecord(BaseModel):
    item_id: str
    problem: str
    usage: Usage = Field(default_factory=Usage)


# --- crash-safe JSONL -------------------------------------------------------------------------------------

def read_jsonl(path: Path, model: type[BaseModel], *, repair: bool = True) -> list[Any]:
    """The complete records of a JSONL file; a partial last line (a killed writer) is ignored, and cut off
    the file when `repair` (readers that only report leave the file alone)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):  # the tail after the last newline is a record that was never finished
        if repair:
            with path.open("r+b") as f:
                f.truncate(end)
        data = data[:end]
    out = []
    for number, line in numbered_lines(data.decode("utf-8")):
        try:
            out.append(model.model_validate_json(line))
        except ValidationError as exc:
            raise RunError(f"{path}:{number}: not a {model.__name__} record ({exc.errors()[0]['msg']}); "
                           "move the file away to start over") from exc
    return out


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it: a reader never sees half a file,
    and a failed write leaves the old one (the temporary name is per process, so writers do not collide)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Appender:
    """Appends one JSON line per record and flushes it, so a kill loses at most the line being written."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8")

    def write(self, record: BaseModel) -> None:
        self.file.write(record.model_dump_json() + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


# --- sets and replay ------------------------------------------------------------------------------------

def load_items(path: Path) -> tuple[list[Item], str]:
    """Items of a benchmark set file and its sha256."""
    if not path.exists():
        raise RunError(f"no benchmark set at {path}; build one with `jfbench build --out {path}`")
    data = path.read_bytes()
    items = []
    for number, line in numbered_lines(data.decode("utf-8")):
        try:
            items.append(Item.model_validate_json(line))
        except ValidationError as exc:
            raise RunError(f"{path}:{number}: not a benchmark item ({exc.errors()[0]['msg']})") from exc
    return items, hashlib.sha256(data).hexdigest()


def select_items(items: Sequence[Item], sizes: Iterable[int] | None = None, limit: int | None = None) -> list[Item]:
    """Items with the requested constraint counts; `limit` takes them round-robin over the counts, so a
    short run still covers 1, 2, 4 and 8."""
    wanted = set(sizes) if sizes else None
    groups: dict[int, list[Item]] = {}
    for it in items:
        if wanted is None or it.n in wanted:
            groups.setdefault(it.n, []).append(it)
    if limit is None:
        return [it for n in sorted(groups) for it in groups[n]]
    out: list[Item] = []
    k = 0
    while len(out) < limit and any(k < len(g) for g in groups.values()):
        out.extend(groups[n][k] for n in sorted(groups) if k < len(groups[n]) and len(out) < limit)
        k += 1
    return out


def load_replay(path: Path, items: Sequence[Item]) -> dict[str, str]:
    """item_id -> answer from a JSONL file of {"item_id": ..., "response": ...} lines (also "content",
    "answer" or "output"; "id" for the id). Unknown ids are an error: they mean another set."""
    if not path.exists():
        raise RunError(f"replay file {path} does not exist")
    known = {it.id for it in items}
    out: dict[str, str] = {}
    for number, line in numbered_lines(path.read_text(encoding="utf-8")):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        item_id = row.get("item_id", row.get("id")) if isinstance(row, dict) else None
        text = next((row[k] for k in ("response", "content", "answer", "output") if k in row), None) \
            if isinstance(row, dict) else None
        if not isinstance(item_id, str) or not isinstance(text, str):
            raise RunError(f"{path}:{number}: needs string fields item_id and response")
        if item_id not in known:
            raise RunError(f"{path}:{number}: unknown item id {item_id!r} (not in this benchmark set)")
        out[item_id] = text
    return out


# --- the run --------------------------------------------------------------------------------------------

@dataclass
class Progress:
    """What the progress display shows; updated as answers arrive."""

    total: int
    done: int = 0
    errors: int = 0
    usage: Usage = field(default_factory=Usage)
    on_update: Callable[[Progress], None] | None = None

    def update(self) -> None:
        if self.on_update:
            self.on_update(self)


@dataclass
class RunResult:
    folder: Path
    scores: dict[str, Any]
    answered: int
    failed: list[str]
    fatal: str | None = None


def prepare_folder(folder: Path, config: RunConfig) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    run_json = folder / "run.json"
    if run_json.exists():
        old = load_config(folder)
        if old.key() != config.key():
            raise RunError(f"{folder} holds a run of {old.model} with other settings (key {old.key()}, "
                           f"this one {config.key()}); use another --out")
    write_atomic(run_json, config.model_dump_json(indent=2) + "\n")


async def generate(items: Sequence[Item], folder: Path, spec: ModelSpec, settings: GenSettings, *,
                   concurrency: int = 8, rpm: float | None = None, retries: int = 5, backoff: float = 1.0,
                   timeout: float = 600.0, replay: dict[str, str] | None = None, client: Any = None,
                   progress: Progress | None = None) -> tuple[dict[str, ResponseRecord], list[str], str | None]:
    """Answers for every item (finished ones are read back, not regenerated); returns them, the ids that
    failed, and a fatal problem when the model cannot answer at all (a bad key, an unknown model)."""
    folder.mkdir(parents=True, exist_ok=True)
    responses_path = folder / "responses.jsonl"
    done = {r.item_id: r for r in read_jsonl(responses_path, ResponseRecord)}
    wanted = {it.id for it in items}
    done = {k: v for k, v in done.items() if k in wanted}
    pending = [it for it in items if it.id not in done]
    progress = progress or Progress(total=len(items))
    progress.done = len(done)
    progress.update()
    failed: list[str] = []
    fatal: str | None = None
    out, errors = Appender(responses_path), Appender(folder / "errors.jsonl")
    limiter = RateLimiter(rpm)
    semaphore = asyncio.Semaphore(max(1, concurrency))
    own_client = replay is None and pending and client is None
    if own_client:
        client = spec.client(timeout=timeout)

    async def one(item: Item) -> None:
        nonlocal fatal
        async with semaphore:
            if fatal:
                return
            start = time.monotonic()
            try:
                if replay is not None:
                    if item.id not in replay:
                        raise CallFailed("no answer in the replay file")
                    record = ResponseRecord(item_id=item.id, content=replay[item.id])
                else:
                    answer = await complete(client, spec, [{"role": "user", "content": item.text}], settings,
                                            retries=retries, backoff=backoff, limiter=limiter)
                    record = ResponseRecord(item_id=item.id, content=answer.content, reasoning=answer.reasoning,
                                            finish_reason=answer.finish_reason, usage=answer.usage,
                                            attempts=answer.attempts, seconds=round(time.monotonic() - start, 3))
            except CallFailed as exc:
                errors.write(ErrorRecord(item_id=item.id, problem=exc.problem, usage=exc.usage))
                failed.append(item.id)
                progress.errors += 1
                progress.usage = progress.usage + exc.usage
                if exc.fatal:
                    fatal = exc.problem
                progress.update()
                return
            out.write(record)
            done[item.id] = record
            progress.done += 1
            progress.usage = progress.usage + record.usage
            progress.update()

    try:
        await asyncio.gather(*(one(it) for it in pending))
    finally:
        out.close()
        errors.close()
        if own_client:
            await client.close()
    order = {it.id: k for k, it in enumerate(items)}
    kept = sorted(done.values(), key=lambda r: order[r.item_id])
    write_atomic(responses_path, "".join(r.model_dump_json() + "\n" for r in kept))
    return done, failed, fatal


async def check(items: Sequence[Item], responses: dict[str, ResponseRecord], judge: Judge | None = None,
                concurrency: int = 8) -> list[ItemVerdicts]:
    """Verdicts of every answered item: offline checks, and the judge for judge and hybrid constraints."""
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def one(item: Item) -> ItemVerdicts:
        answer = responses[item.id].content
        instances = item.instances()
        if judge is None:
            return ItemVerdicts(item_id=item.id, n=item.n,
                                results=offline_results(instances, answer, item.source_text))
        response = analyse(answer, item.source_text)
        results: list[InstanceResult] = []
        for inst in instances:
            async with semaphore:
                verdict = await judged(inst, response, judge, instruction=item.text)
            results.append(result_of(inst, response, verdict))
        return ItemVerdicts(item_id=item.id, n=item.n, results=results)

    return list(await asyncio.gather(*(one(it) for it in items if it.id in responses)))


def write_scores(folder: Path, items: Sequence[Item], verdicts: Sequence[ItemVerdicts],
                 responses: dict[str, ResponseRecord], seed: int = 0) -> dict[str, Any]:
    write_atomic(folder / "verdicts.jsonl", "".join(v.model_dump_json() + "\n" for v in verdicts))
    usage = sum((r.usage for r in responses.values()), Usage())
    missing = [it.id for it in items if it.id not in responses]
    scores = score(verdicts, n_items=len(items), usage=usage, generation_errors=missing, seed=seed)
    write_atomic(folder / "scores.json", json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
    return scores


async def evaluate(items: Sequence[Item], folder: Path, config: RunConfig, spec: ModelSpec, *,
                   judge: Judge | None = None, concurrency: int = 8, rpm: float | None = None,
                   retries: int = 5, backoff: float = 1.0, timeout: float = 600.0,
                   replay: dict[str, str] | None = None, client: Any = None,
                   progress: Progress | None = None) -> RunResult:
    prepare_folder(folder, config)
    responses, failed, fatal = await generate(
        items, folder, spec, config.gen, concurrency=concurrency, rpm=rpm, retries=retries, backoff=backoff,
        timeout=timeout, replay=replay, client=client, progress=progress)
    verdicts = await check(items, responses, judge, concurrency)
    scores = write_scores(folder, items, verdicts, responses, config.seed)
    return RunResult(folder=folder, scores=scores, answered=len(responses), failed=failed, fatal=fatal)


def load_config(folder: Path, model: type[BaseModel] = RunConfig) -> Any:
    """The run.json of a folder as `model` (RunConfig, or RoleplayConfig for a role-play run)."""
    run_json = folder / "run.json"
    if not run_json.exists():
        raise RunError(f"{folder} is not a run folder (no run.json)")
    try:
        return model.model_validate_json(run_json.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise RunError(f"{run_json} is not a run.json ({exc.errors()[0]['msg']})") from exc


def rescore(folder: Path, items: Sequence[Item], config: RunConfig, judge: Judge | None = None,
            concurrency: int = 8) -> dict[str, Any]:
    """Scores from the answers already in a run folder, without calling the model. `items` is the run's
    selection: items without an answer stay generation errors, as in the run itself."""
    responses = {r.item_id: r for r in read_jsonl(folder / "responses.jsonl", ResponseRecord)}
    unknown = sorted(set(responses) - {it.id for it in items})
    if unknown:
        raise RunError(f"{folder}/responses.jsonl has item {unknown[0]!r}, which is not in the benchmark set")
    verdicts = asyncio.run(check(items, responses, judge, concurrency))
    return write_scores(folder, items, verdicts, responses, config.seed)


def check_reachable(base_url: str, timeout: float = 5.0) -> None:
    """Open (and close) a TCP connection to the server, so a wrong --base-url is one clear error before any
    request instead of retries on every item. Sends nothing."""
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise RunError(f"--base-url {base_url!r} is not an http(s) URL, e.g. http://127.0.0.1:8000/v1")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RunError(f"cannot connect to {url.hostname}:{port} ({reason}); is the server at {base_url} "
                       "running and reachable?") from None


def model_spec(spec: str, base_url: str | None) -> ModelSpec:
    try:
        return ModelSpec.parse(spec, base_url)
    except ModelError as exc:
        raise RunError(str(exc)) from exc
