"""Model specs and OpenAI-compatible async clients (openrouter, openai, vllm/any base URL).

A spec is `provider:model`, e.g. `openrouter:openai/gpt-oss-120b`. API keys come from the environment
only and are never written to a file or a log.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from openai import AsyncOpenAI
from pydantic import BaseModel, ConfigDict, Field

Provider = Literal["openrouter", "openai", "vllm"]

PROVIDERS: dict[str, tuple[str | None, str | None]] = {
    # provider: (default base URL, API key variable)
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "openai": ("https://api.openai.com/v1", "OPENAI_API_KEY"),
    "vllm": (None, "VLLM_API_KEY"),  # any OpenAI-compatible server; the key is optional
}


class ModelError(ValueError):
    """A bad model spec or missing credentials: one line a user can act on."""


class ModelSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    provider: Provider
    model: str = Field(min_length=1)
    base_url: str | None = None

    @classmethod
    def parse(cls, spec: str, base_url: str | None = None) -> ModelSpec:
        provider, sep, model = spec.partition(":")
        if not sep or not model:
            raise ModelError(f"model spec {spec!r} is not provider:model, e.g. openrouter:openai/gpt-oss-120b")
        if provider not in PROVIDERS:
            raise ModelError(f"unknown provider {provider!r} in {spec!r}; use one of {', '.join(PROVIDERS)}")
        url = base_url or PROVIDERS[provider][0]
        if url is None:
            raise ModelError(f"{spec!r} needs --base-url (the OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1)")
        return cls(provider=provider, model=model, base_url=url)

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"

    def client(self, timeout: float = 120.0) -> AsyncOpenAI:
        """An SDK client; retries are ours (the judge and runner count and back off themselves)."""
        variable = PROVIDERS[self.provider][1]
        key = os.environ.get(variable or "", "")
        if not key and self.provider != "vllm":
            raise ModelError(f"{self} needs the environment variable {variable}")
        return AsyncOpenAI(api_key=key or "not-needed", base_url=self.base_url, timeout=timeout, max_retries=0)


class GenSettings(BaseModel):
    """Generation settings (`--gen k=v`), sent with every request."""

    model_config = ConfigDict(extra="forbid")
    temperature: float | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    extra_body: dict[str, Any] = Field(default_factory=dict)

    def request_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        if self.max_tokens is not None:
            kwargs["max_tokens"] = self.max_tokens
        if self.reasoning_effort is not None:
            kwargs["reasoning_effort"] = self.reasoning_effort
        if self.extra_body:
            kwargs["extra_body"] = self.extra_body
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
