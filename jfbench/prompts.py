"""Base prompts: the task texts that constraints are attached to; the bundled pools and user files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


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


class PromptFileError(ValueError):
    """A malformed prompts file: one line naming the file and line, exit code 2."""


# Field names accepted for the task text, in order: ours, then the JSONL of translated IFBench prompts.
TEXT_FIELDS = ("text", "prompt_text", "japanese_prompt_without_constraints", "prompt")


def bundled_prompts(pool: str = "test") -> list[BasePrompt]:
    """The bundled pool data/prompts/<pool>.jsonl (test or train)."""
    path = resources.files("jfbench.data") / "prompts" / f"{pool}.jsonl"
    return _from_jsonl(path.read_text(encoding="utf-8"), f"data/prompts/{pool}.jsonl")


def load_prompts(path: Path) -> list[BasePrompt]:
    """Base prompts from a user file: JSONL (our fields, or a `japanese_prompt_without_constraints` field
    as in the translated IFBench prompts) or CSV with a `text` column (optional id, category, document)."""
    if not path.exists():
        raise PromptFileError(f"prompts file {path} does not exist")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PromptFileError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    prompts = _from_csv(raw, str(path)) if path.suffix.lower() == ".csv" else _from_jsonl(raw, str(path))
    if not prompts:
        raise PromptFileError(f"{path} holds no prompts")
    ids = [p.id for p in prompts]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise PromptFileError(f"{path}: the prompt id {duplicate!r} appears twice; ids must be unique")
    return prompts


def _record(row: dict[str, Any], where: str, number: int) -> BasePrompt:
    text = next((row[k] for k in TEXT_FIELDS if isinstance(row.get(k), str) and row[k].strip()), None)
    if text is None:
        raise PromptFileError(f"{where}:{number}: no prompt text (a non-empty field {' or '.join(TEXT_FIELDS)})")
    raw_id = row.get("id", row.get("key", number))
    fields: dict[str, Any] = {"id": str(raw_id), "text": text.strip()}
    for key in ("category", "document"):
        if isinstance(row.get(key), str) and row[key].strip():
            fields[key] = row[key]
    if isinstance(row.get("topics"), list):
        fields["topics"] = tuple(str(t) for t in row["topics"])
    try:
        return BasePrompt.model_validate(fields)
    except ValidationError as exc:
        raise PromptFileError(f"{where}:{number}: {exc.errors()[0]['msg']}") from None


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of the non-blank lines of a JSONL text, for errors that name the line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _from_jsonl(raw: str, where: str) -> list[BasePrompt]:
    out = []
    for number, line in numbered_lines(raw):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PromptFileError(f"{where}:{number}: not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise PromptFileError(f"{where}:{number}: a line must be a JSON object")
        out.append(_record(row, where, number))
    return out


def _from_csv(raw: str, where: str) -> list[BasePrompt]:
    reader = csv.DictReader(raw.splitlines())
    if not reader.fieldnames or not any(f in reader.fieldnames for f in TEXT_FIELDS):
        raise PromptFileError(f"{where}: the CSV header needs a text column (one of {', '.join(TEXT_FIELDS)})")
    return [_record(row, where, number) for number, row in enumerate(reader, start=2)]
