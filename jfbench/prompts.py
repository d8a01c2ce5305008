"""Base prompts: the task texts that constraints are attached to."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class BasePrompt(BaseModel):
    """One base prompt. `document` is the source passage for tasks that have one (§DOC)."""

    model_config = ConfigDict(frozen=True)
    id: str
    text: str
    category: str = "general"
    document: str | None = None
    # Reviewed subtopics of the task (3-5), for content.topic_included / topic_excluded.
    topics: tuple[str, ...] = ()

    @property
    def task_text(self) -> str:
        """What §DOC is computed from: the source passage when there is one, else the task text."""
        return self.document if self.document is not None else self.text


def as_prompt(prompt: Any) -> BasePrompt | None:
    """Samplers accept a BasePrompt, a plain task string, a dict with its fields, or None."""
    if prompt is None or isinstance(prompt, BasePrompt):
        return prompt
    if isinstance(prompt, str):
        return BasePrompt(id="adhoc", text=prompt)
    if isinstance(prompt, dict):
        return BasePrompt.model_validate({"id": "adhoc", **prompt})
    raise TypeError(f"not a prompt: {type(prompt).__name__}")


def document_text(prompt: Any) -> str:
    """The text §DOC is computed from ("" without a prompt)."""
    p = as_prompt(prompt)
    return p.task_text if p else ""


def full_text(prompt: Any) -> str:
    """Everything the model sees of the prompt before the constraints: task text and document."""
    p = as_prompt(prompt)
    return "\n".join(t for t in (p.text, p.document) if t) if p else ""
