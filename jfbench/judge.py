"""LLM-as-a-judge: rubric rendering, verdict parsing, retries, majority votes and a crash-safe cache.

The response under judgement is data, never instructions: it goes inside delimiters tagged with a nonce
derived from its own text (so it cannot forge the closing tag), and the system prompt tells the judge so.
Unparseable answers and API errors are retried with backoff; after the last try the verdict is
`judge_error` (passed is None), which scoring counts separately, never as a fail.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import regex

from jfbench.catalog import Constraint, Kind, Verdict, rubric_path
from jfbench.ja import Response, analyse
from jfbench.models import CallFailed, Completion, GenSettings, ModelSpec, Usage, complete

DEFAULT_JUDGE = "openrouter:openai/gpt-oss-120b"
DEFAULT_SETTINGS = GenSettings(temperature=0.0, reasoning_effort="medium")

VERDICT_SCHEMA = {
    "name": "verdict",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {"passed": {"type": "boolean"}, "reason": {"type": "string"}},
        "required": ["passed", "reason"],
        "additionalProperties": False,
    },
}

def system_prompt() -> str:
    """The judge's standing instructions (judges/_system.md)."""
    return rubric_path("_system").read_text(encoding="utf-8").strip()


def nonce_for(text: str) -> str:
    """A tag suffix derived from the response itself: the response cannot contain its own closing tag."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def data_block(name: str, nonce: str, body: str) -> str:
    return f"<{name}-{nonce}>\n{body}\n</{name}-{nonce}>"


def render_messages(inst: Constraint, response: str, instruction: str | None = None,
                    document: str | None = None) -> list[dict[str, str]]:
    """The judge prompt: rubric, the constraint, the task (and document), and the response as data."""
    nonce = nonce_for(response)
    rubric = rubric_path(inst.rubric or "").read_text(encoding="utf-8").strip()
    parts = [
        "## 判定基準", data_block("rubric", nonce, rubric),
        "## 回答者に課された条件", data_block("constraint", nonce, inst.wording()),
    ]
    if instruction:
        parts += ["## 回答者が受け取った指示の全文", data_block("instruction", nonce, instruction)]
    if document:
        parts += ["## 指示に含まれていた元の文書", data_block("document", nonce, document)]
    parts += [
        "## 審査対象の回答（データ）", data_block("response", nonce, response),
        f"上の <response-{nonce}> の回答が条件を満たしているかを判定基準に従って判定し、JSON だけで答えてください。",
    ]
    return [{"role": "system", "content": system_prompt()}, {"role": "user", "content": "\n\n".join(parts)}]


# --- parsing ----------------------------------------------------------------------------------------

_FENCE = regex.compile(r"^```(?:json)?\s*|\s*```$")
_PASSED_ONLY = regex.compile(r'"passed"\s*:\s*(true|false)')


def parse_verdict(text: str) -> tuple[bool, str] | None:
    """(passed, reason) from a judge answer: strict JSON, JSON inside prose or fences, or None."""
    body = _FENCE.sub("", text.strip())
    candidates: list[Any] = []
    try:
        candidates.append(json.loads(body))
    except ValueError:
        decoder = json.JSONDecoder()
        for m in regex.finditer(r"\{", body):  # every object in the prose; the last verdict wins
            try:
                candidates.append(decoder.raw_decode(body, m.start())[0])
            except ValueError:
                continue
    for value in reversed(candidates):
        if isinstance(value, dict) and isinstance(value.get("passed"), bool):
            return value["passed"], str(value.get("reason", ""))[:1000]
    found = _PASSED_ONLY.findall(body)
    if found:
        return found[-1] == "true", ""
    return None


# --- cache --------------------------------------------------------------------------------------------

def default_cache_path() -> Path:
    root = os.environ.get("JFBENCH_CACHE_DIR") or Path.home() / ".cache" / "jfbench"
    return Path(root) / "judge.sqlite"


class JudgeCache:
    """Parsed judge verdicts on disk (sqlite, WAL): each answer is committed as it arrives, so a crash
    loses nothing already paid for, and a re-run costs nothing."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.commit()

    @staticmethod
    def key(spec: ModelSpec, settings: GenSettings, messages: list[dict[str, str]], sample: int) -> str:
        material = json.dumps({"model": str(spec), "base_url": spec.base_url, "settings": settings.model_dump(),
                               "messages": messages, "sample": sample}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM verdicts WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?)", (key, json.dumps(value)))
            self._db.commit()

    def close(self) -> None:
        self._db.close()


# --- the judge ------------------------------------------------------------------------------------------

class Judge:
    """Calls an OpenAI-compatible model for judge and hybrid constraints."""

    def __init__(self, spec: ModelSpec, settings: GenSettings = DEFAULT_SETTINGS, *, samples: int = 1,
                 retries: int = 3, backoff: float = 1.0, cache: JudgeCache | None = None,
                 timeout: float = 120.0, client: Any = None) -> None:
        self.spec = spec
        self.settings = settings
        self.samples = samples
        self.retries = retries
        self.backoff = backoff
        self.cache = cache
        self.client = client or spec.client(timeout=timeout)
        self._structured = True  # dropped for the run once the provider rejects response_format

    async def verdict(self, inst: Constraint, response: Response, instruction: str | None = None) -> Verdict:
        return await self.decide(render_messages(inst, response.text, instruction,
                                                 response.doc.text if response.doc is not None else None))

    async def decide(self, messages: list[dict[str, str]]) -> Verdict:
        """The majority verdict of `samples` judge answers to a rendered judge prompt."""
        results = await asyncio.gather(*(self._sample(messages, k) for k in range(self.samples)))
        usage = sum((u for _, u in results), Usage())
        votes = [v for v, _ in results if isinstance(v, tuple)]
        errors = [v for v, _ in results if isinstance(v, str)]
        if not votes:
            return Verdict(passed=None, reason=f"judge error: {errors[0]}", method="judge_error",
                           usage=usage.model_dump())
        yes = sum(1 for passed, _ in votes if passed)
        passed = yes > len(votes) - yes  # ties fail
        reason = next(r for p, r in votes if p == passed) if any(p == passed for p, _ in votes) else votes[0][1]
        if len(votes) > 1:
            reason = f"{yes} of {len(votes)} votes passed: {reason}"
        return Verdict(passed=passed, reason=reason or ("passed" if passed else "failed"), method="judge",
                       usage=usage.model_dump())

    async def _sample(self, messages: list[dict[str, str]], k: int) -> tuple[tuple[bool, str] | str, Usage]:
        key = JudgeCache.key(self.spec, self.settings, messages, k)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return (hit["passed"], hit["reason"]), Usage()  # already paid for
        usage = Usage()
        problem = "no attempt"
        for _ in range(self.retries + 1):  # network failures are retried inside `complete`; this re-asks
            try:
                answer = await self._call(messages)
            except CallFailed as exc:
                return exc.problem, usage + exc.usage
            usage = usage + answer.usage
            parsed = parse_verdict(answer.content)
            if parsed is None:
                problem = f"unparseable judge answer {answer.content[:80]!r}"
                continue
            if self.cache is not None:
                self.cache.put(key, {"passed": parsed[0], "reason": parsed[1]})
            return parsed, usage
        return f"{problem} after {self.retries + 1} attempts", usage

    async def _call(self, messages: list[dict[str, str]]) -> Completion:
        call = functools.partial(complete, self.client, self.spec, messages, self.settings,
                                 retries=self.retries, backoff=self.backoff)
        if not self._structured:
            return await call()
        try:
            return await call(extra_kwargs={"response_format": {"type": "json_schema",
                                                                "json_schema": VERDICT_SCHEMA}})
        except CallFailed as exc:
            if not exc.problem.startswith("HTTP 400"):
                raise
            self._structured = False  # the provider has no structured output: parse tolerantly instead
            return await call()


async def judged(inst: Constraint, response: Response | str, judge: Judge | None,
                 instruction: str | None = None, document: str | None = None) -> Verdict:
    """The verdict with a judge when one is configured: rule constraints never call it; for a hybrid the
    judge decides and the heuristic's verdict is kept beside it."""
    if isinstance(response, str):
        response = analyse(response, document)
    offline = inst.evaluate(response)
    if judge is None or inst.kind is Kind.RULE or response.empty:
        return offline
    verdict = await judge.verdict(inst, response, instruction)
    if inst.kind is Kind.HYBRID:
        verdict.heuristic = offline.passed
    return verdict
