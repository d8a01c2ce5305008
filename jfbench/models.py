"""Model specs, generation settings and the one robust chat call (used by the runner and the judge).

A spec is `provider:model`: `openrouter:openai/gpt-5.1` (a bare `openrouter:gpt-5.1` gets its vendor
prefix), `openai:gpt-4.1-mini`, `vllm:<model>` with a base URL for any OpenAI-compatible server, or
`replay:answers.jsonl` to score answers produced elsewhere. API keys come from the environment only and are
never written to a file or a log.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from pathlib import Path
from typing import Any, Literal

import openai
import regex
from openai import AsyncOpenAI
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Provider = Literal["openrouter", "openai", "vllm", "replay"]

PROVIDERS: dict[str, tuple[str | None, str | None]] = {
    # provider: (default base URL, API key variable)
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "openai": ("https://api.openai.com/v1", "OPENAI_API_KEY"),
    "vllm": (None, "VLLM_API_KEY"),  # any OpenAI-compatible server; the key is optional
    "replay": (None, None),  # answers from a file: no server
}

# OpenRouter ids are vendor/model; a bare name gets the vendor its family belongs to.
OPENROUTER_VENDORS = (
    (r"gpt-|o[1-9](?:-|$)|chatgpt-|codex-", "openai"),
    (r"claude-", "anthropic"),
    (r"gemini-|gemma-", "google"),
    (r"llama-|meta-llama", "meta-llama"),
    (r"mistral-|mixtral-|magistral-|devstral-|codestral-", "mistralai"),
    (r"qwen", "qwen"),
    (r"deepseek-", "deepseek"),
    (r"grok-", "x-ai"),
    (r"command-", "cohere"),
    (r"kimi-", "moonshotai"),
    (r"glm-", "z-ai"),
)


class ModelError(ValueError):
    """A bad model spec, setting or missing credentials: one line a user can act on."""


class ModelSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    provider: Provider
    model: str = Field(min_length=1)
    base_url: str | None = None

    @classmethod
    def parse(cls, spec: str, base_url: str | None = None) -> ModelSpec:
        provider, sep, model = spec.partition(":")
        if not sep or not model:
            raise ModelError(f"model spec {spec!r} is not provider:model, e.g. openrouter:openai/gpt-5.1")
        if provider not in PROVIDERS:
            raise ModelError(f"unknown provider {provider!r} in {spec!r}; use one of {', '.join(PROVIDERS)}")
        if provider == "replay":
            return cls(provider="replay", model=model)
        if provider == "openrouter" and "/" not in model:
            model = openrouter_id(model)
        url = base_url or PROVIDERS[provider][0]
        if url is None:
            raise ModelError(f"{spec!r} needs --base-url (the OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1)")
        return cls(provider=provider, model=model, base_url=url)

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"

    @property
    def slug(self) -> str:
        """A file-name-safe name for run folders."""
        name = Path(self.model).stem if self.provider == "replay" else self.model
        return regex.sub(r"[^A-Za-z0-9._-]+", "-", f"{self.provider}-{name}").strip("-")

    def check_credentials(self) -> None:
        variable = PROVIDERS[self.provider][1]
        if self.provider in ("openrouter", "openai") and not os.environ.get(variable or ""):
            raise ModelError(f"{self} needs the environment variable {variable} (export {variable}=...)")

    def client(self, timeout: float = 120.0) -> AsyncOpenAI:
        """An SDK client; retries are ours (`complete` counts and backs off itself)."""
        if self.provider == "replay":
            raise ModelError(f"{self} replays a file and has no client")
        self.check_credentials()
        key = os.environ.get(PROVIDERS[self.provider][1] or "", "")
        return AsyncOpenAI(api_key=key or "not-needed", base_url=self.base_url, timeout=timeout, max_retries=0)


def openrouter_id(name: str) -> str:
    for pattern, vendor in OPENROUTER_VENDORS:
        if regex.match(pattern, name, flags=regex.IGNORECASE):
            return f"{vendor}/{name}"
    raise ModelError(f"cannot tell the OpenRouter vendor of {name!r}; write it in full, e.g. openrouter:vendor/{name}")


class GenSettings(BaseModel):
    """Generation settings (`--gen k=v`), sent with every request."""

    model_config = ConfigDict(extra="forbid")
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    seed: int | None = None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    extra_body: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def parse(cls, pairs: list[str] | None) -> GenSettings:
        """`--gen k=v` pairs; extra_body takes a JSON object."""
        values: dict[str, Any] = {}
        for pair in pairs or []:
            key, sep, value = pair.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ModelError(f"--gen {pair!r} is not key=value, e.g. --gen temperature=0")
            if key not in cls.model_fields:
                raise ModelError(f"--gen {key!r} is not a setting; use one of {', '.join(cls.model_fields)}")
            if key == "extra_body":
                try:
                    values[key] = json.loads(value)
                except json.JSONDecodeError as exc:
                    raise ModelError(f"--gen extra_body is not JSON ({exc.msg}); "
                                     "e.g. extra_body='{\"top_k\": 20}'") from exc
            else:
                values[key] = value
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ModelError(f"--gen {err['loc'][0]}: {err['msg']}") from exc

    def request_kwargs(self, provider: str = "openai") -> dict[str, Any]:
        """Keyword arguments for chat.completions.create, as each provider expects them."""
        kwargs: dict[str, Any] = {}
        extra = dict(self.extra_body)
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        if self.max_tokens is not None:
            kwargs["max_tokens"] = self.max_tokens
        if self.seed is not None:
            kwargs["seed"] = self.seed
        if self.reasoning_effort is not None:
            if provider == "openrouter":  # OpenRouter's unified reasoning object
                extra.setdefault("reasoning", {})["effort"] = self.reasoning_effort
            else:
                kwargs["reasoning_effort"] = self.reasoning_effort
        if extra:
            kwargs["extra_body"] = extra
        return kwargs


class Usage(BaseModel):
    """Tokens and cost of one call (cost when the provider reports it, as OpenRouter does)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float | None = None

    def __add__(self, other: Usage) -> Usage:
        cost = None if self.cost is None and other.cost is None else (self.cost or 0) + (other.cost or 0)
        return Usage(prompt_tokens=self.prompt_tokens + other.prompt_tokens,
                     completion_tokens=self.completion_tokens + other.completion_tokens,
                     reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens, cost=cost)

    @classmethod
    def from_response(cls, usage: Any) -> Usage:
        if usage is None:
            return cls()
        details = getattr(usage, "completion_tokens_details", None)
        extra = getattr(usage, "model_extra", None) or {}
        cost = extra.get("cost")
        return cls(prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                   completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                   reasoning_tokens=(getattr(details, "reasoning_tokens", 0) or 0) if details else 0,
                   cost=float(cost) if isinstance(cost, int | float) else None)


# --- the chat call ---------------------------------------------------------------------------------------

class Completion(BaseModel):
    """One answer: the text to check, the reasoning kept apart, and what it cost."""

    content: str
    reasoning: str | None = None
    finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    attempts: int = 1


class CallFailed(Exception):
    """No answer after all attempts; `fatal` when retrying cannot help (bad key, unknown model)."""

    def __init__(self, problem: str, fatal: bool = False, usage: Usage | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fatal = fatal
        self.usage = usage or Usage()


RETRY_STATUS = frozenset({408, 409, 425, 429})
MAX_RETRY_AFTER = 900.0  # seconds: a server's Retry-After is honoured up to this (the SDK stops at 60)
_THINK = regex.compile(r"^\s*<think>(.*?)(?:</think>\s*|$)", regex.DOTALL)


def split_reasoning(content: str) -> tuple[str, str | None]:
    """(answer, reasoning): a leading <think>...</think> block is reasoning, not answer; an unclosed one
    (the model ran out of tokens while thinking) leaves no answer."""
    m = _THINK.match(content)
    if not m:
        return content, None
    return content[m.end():], m.group(1).strip()


class RateLimiter:
    """At most `rpm` request starts per minute (evenly spaced), shared by all tasks of a run."""

    def __init__(self, rpm: float | None) -> None:
        self.interval = 60.0 / rpm if rpm else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER) if value else None
    except ValueError:
        return None


async def complete(client: AsyncOpenAI, spec: ModelSpec, messages: list[dict[str, str]],
                   settings: GenSettings | None = None, *, retries: int = 5, backoff: float = 1.0,
                   max_backoff: float = 60.0, limiter: RateLimiter | None = None,
                   extra_kwargs: dict[str, Any] | None = None) -> Completion:
    """One chat completion with retries: connection errors, timeouts, 408/409/429/5xx, HTTP-200 bodies
    that carry an error or no choices, and empty answers are retried with exponential backoff and jitter
    (a Retry-After header wins, even beyond the SDK's cap). Other 4xx fail at once (`fatal` for 401, 403,
    404: no later request can succeed)."""
    kwargs = {**(settings or GenSettings()).request_kwargs(spec.provider), **(extra_kwargs or {})}
    usage = Usage()
    problem = "no attempt"
    wait: float | None = None
    last_empty: Completion | None = None
    for attempt in range(retries + 1):
        if attempt:
            delay = wait if wait is not None else min(max_backoff, backoff * 2 ** (attempt - 1))
            await asyncio.sleep(delay * (1 if wait is not None else 0.5 + random.random() / 2))
        wait = None
        if limiter is not None:
            await limiter.wait()
        try:
            resp = await client.chat.completions.create(model=spec.model, messages=messages, **kwargs)
        except openai.APIStatusError as exc:
            status = exc.status_code
            if status in RETRY_STATUS or status >= 500:
                problem = f"HTTP {status}"
                wait = _retry_after(exc)
                continue
            fatal = status in (401, 403, 404)
            raise CallFailed(f"HTTP {status}: {_message(exc)}", fatal=fatal, usage=usage) from exc
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            problem = type(exc).__name__
            continue
        usage = usage + Usage.from_response(getattr(resp, "usage", None))
        error = (getattr(resp, "model_extra", None) or {}).get("error")
        choices = getattr(resp, "choices", None) or []
        if error or not choices:
            problem = f"error in an HTTP 200 body: {_short(error)}" if error else "a reply with no choices"
            continue
        choice = choices[0]
        message = choice.message
        extra = getattr(message, "model_extra", None) or {}
        reasoning = extra.get("reasoning") or extra.get("reasoning_content")
        content, think = split_reasoning(message.content or "")
        if think:
            reasoning = f"{reasoning}\n{think}" if reasoning else think
        result = Completion(content=content, reasoning=reasoning or None, finish_reason=choice.finish_reason,
                            usage=usage, attempts=attempt + 1)
        if not content.strip() and choice.finish_reason != "length":
            problem, last_empty = "an empty answer", result  # often transient; a truncated one is the model's
            continue
        return result
    if last_empty is not None and problem == "an empty answer":
        return last_empty.model_copy(update={"usage": usage, "attempts": retries + 1})
    raise CallFailed(f"{problem} after {retries + 1} attempts", usage=usage)


def _message(exc: openai.APIStatusError) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _short(inner["message"])
    return _short(str(exc))


def _short(value: Any, limit: int = 160) -> str:
    text = value.get("message", value) if isinstance(value, dict) else value
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"
