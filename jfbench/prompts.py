"""Base prompts: the task texts that constraints are attached to."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BasePrompt(BaseModel):
    """One base prompt. `document` is the source passage for tasks that have one (§DOC)."""

    model_config = ConfigDict(frozen=True)
    id: str
    text: str
    category: str = "general"
    document: str | None = None

    @property
    def task_text(self) -> str:
        """What §DOC is computed from: the source passage when there is one, else the task text."""
        return self.document if self.document is not None else self.text
