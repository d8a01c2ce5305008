"""Role-play conversations: the model plays a card's role for 20-40 turns against a scripted or simulated user.

The run folder follows eval's conventions: run.json (RoleplayConfig; never a key), turns.jsonl (one line
per finished turn, appended and flushed, so a killed run loses at most the turn in flight and the next
start continues every conversation where it stopped), errors.jsonl, verdicts.jsonl and scores.json.
Conversations run concurrently; the turns of one conversation are sequential, each request carrying the
whole conversation so far.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from jfbench import __version__
from jfbench.models import CallFailed, GenSettings, ModelSpec, RateLimiter, Usage, complete
from jfbench.prompts import numbered_lines
from jfbench.roleplay.cards import RoleCard
from jfbench.run import Appender, Progress, RunError, read_jsonl, write_atomic

BUNDLED_SCRIPT = "script:bundled"


class RoleplayConfig(BaseModel):
    """run.json of a role-play run. `key()` hashes what decides the conversations."""

    kind: Literal["roleplay"] = "roleplay"
    model: str
    base_url: str | None = None
    gen: GenSettings = Field(default_factory=GenSettings)
    user: str = BUNDLED_SCRIPT  # script:bundled, script:<file>, or the user simulator's model spec
    user_gen: GenSettings = Field(default_factory=GenSettings)
    turns: str = "20-40"
    repeats: int = 1
    cards: list[str]
    cards_sha256: str
    judge: str | None = None
    seed: int = 0
    jfbench_version: str = __version__

    def key(self) -> str:
        fields = {"model": self.model, "gen": self.gen.model_dump(mode="json"), "user": self.user,
                  "user_gen": self.user_gen.model_dump(mode="json"), "turns": self.turns, "repeats": self.repeats,
                  "cards_sha256": self.cards_sha256, "seed": self.seed}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:10]


class TurnRecord(BaseModel):
    conversation: str
    turn: int  # 1-based
    user: str
    assistant: str
    reasoning: str | None = None
    finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    user_usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0


class TurnError(BaseModel):
    conversation: str
    turn: int
    problem: str
    usage: Usage = Field(default_factory=Usage)


@dataclass
class Conversation:
    id: str
    card: RoleCard
    turns: int


def parse_turns(value: str) -> tuple[int, int]:
    """"30" or "20-40" as (low, high), each between 1 and 100."""
    low, _, high = value.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise RunError(f"--turns {value!r} is not a number of turns or a range, e.g. 30 or 20-40") from None
    if not 1 <= bounds[0] <= bounds[1] <= 100:
        raise RunError(f"--turns {value!r}: use 1 to 100 turns, the lower bound first (e.g. 20-40)")
    return bounds


def plan(cards: Sequence[RoleCard], turns: str, repeats: int, seed: int) -> list[Conversation]:
    """The conversations of a run: `repeats` per card, each with a length drawn from the --turns range by a
    generator seeded with the run seed and the conversation id (stable when cards are added or dropped)."""
    low, high = parse_turns(turns)
    out = []
    for card in cards:
        for k in range(1, repeats + 1):
            cid = card.id if repeats == 1 else f"{card.id}#{k}"
            out.append(Conversation(cid, card, random.Random(f"{seed}:{cid}").randint(low, high)))
    return out


def cards_digest(cards: Sequence[RoleCard]) -> str:
    text = json.dumps([c.model_dump(mode="json") for c in cards], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def load_user_script(path: Path, cards: Sequence[RoleCard]) -> dict[str, list[str]]:
    """card id -> user turns from a JSONL file of {"card": ..., "turns": [...]} lines."""
    if not path.exists():
        raise RunError(f"user script {path} does not exist")
    known = {c.id for c in cards}
    out: dict[str, list[str]] = {}
    for number, line in numbered_lines(path.read_text(encoding="utf-8")):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunError(f"{path}:{number}: not JSON ({exc.msg})") from None
        turns = row.get("turns") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("card"), str) or not isinstance(turns, list) \
                or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise RunError(f"{path}:{number}: needs a string card and a non-empty list of non-empty turns")
        if row["card"] not in known:
            raise RunError(f"{path}:{number}: unknown card {row['card']!r}")
        out[row["card"]] = turns
    return out


def load_replay_turns(path: Path) -> dict[tuple[str, int], str]:
    """(conversation, turn) -> answer from {"conversation", "turn", "response"} lines: role-play answers
    produced elsewhere, scored without a model."""
    if not path.exists():
        raise RunError(f"replay file {path} does not exist")
    out: dict[tuple[str, int], str] = {}
    for number, line in numbered_lines(path.read_text(encoding="utf-8")):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("conversation"), str) \
                or not isinstance(row.get("turn"), int) or not isinstance(row.get("response"), str):
            raise RunError(f"{path}:{number}: needs conversation (string), turn (integer) and response (string)")
        out[(row["conversation"], row["turn"])] = row["response"]
    return out


def user_simulator_messages(card: RoleCard, turns: Sequence[TurnRecord]) -> list[dict[str, str]]:
    """The simulator sees the conversation from the other side: the role's lines are its "user" messages."""
    system = (f"あなたは{card.user}として、{card.assistant}と会話しています。\n\n## あなたの設定\n{card.user_brief}\n\n"
              f"{card.user}として一回分の発言だけを書いてください。話者名、ト書き、説明は書かないでください。")
    messages = [{"role": "system", "content": system},
                {"role": "user", "content": f"（{card.assistant}の前に来ました。最初のひと言をどうぞ。）"}]
    for t in turns:
        messages += [{"role": "assistant", "content": t.user}, {"role": "user", "content": t.assistant}]
    return messages


def conversation_messages(card: RoleCard, turns: Sequence[TurnRecord], user_line: str) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": card.system_prompt}]
    for t in turns:
        messages += [{"role": "user", "content": t.user}, {"role": "assistant", "content": t.assistant}]
    return [*messages, {"role": "user", "content": user_line}]


def read_turns(folder: Path, *, repair: bool = True) -> dict[str, list[TurnRecord]]:
    """Each conversation's finished turns in order; a turn after a gap (never written in order) is dropped."""
    by_conv: dict[str, list[TurnRecord]] = {}
    for record in read_jsonl(folder / "turns.jsonl", TurnRecord, repair=repair):
        turns = by_conv.setdefault(record.conversation, [])
        if record.turn == len(turns) + 1:
            turns.append(record)
    return by_conv


@dataclass
class Sides:
    """Who speaks: the model under test (or a replay of it) and the user (script or simulator)."""

    spec: ModelSpec
    settings: GenSettings
    client: Any = None
    replay: dict[tuple[str, int], str] | None = None
    scripts: dict[str, list[str]] | None = None  # card id -> turns; None: the user simulator speaks
    user_spec: ModelSpec | None = None
    user_settings: GenSettings | None = None
    user_client: Any = None


async def converse(conversations: Sequence[Conversation], folder: Path, sides: Sides, *, concurrency: int = 8,
                   rpm: float | None = None, retries: int = 5, backoff: float = 1.0,
                   progress: Progress | None = None) -> tuple[dict[str, list[TurnRecord]], list[str], str | None]:
    """Every conversation to its planned length, resuming from turns.jsonl; returns the turns, the ids of
    conversations that stopped early on an error, and a fatal problem (bad key, unknown model) if any."""
    folder.mkdir(parents=True, exist_ok=True)
    done = read_turns(folder)
    progress = progress or Progress(total=sum(c.turns for c in conversations))
    progress.done = sum(min(len(done.get(c.id, [])), c.turns) for c in conversations)
    progress.update()
    out, errors = Appender(folder / "turns.jsonl"), Appender(folder / "errors.jsonl")
    limiter = RateLimiter(rpm)
    semaphore = asyncio.Semaphore(max(1, concurrency))
    stopped: list[str] = []
    fatal: str | None = None

    async def ask(spec: ModelSpec, client: Any, messages: list[dict[str, str]], settings: GenSettings):
        return await complete(client, spec, messages, settings, retries=retries, backoff=backoff, limiter=limiter)

    async def one(conv: Conversation) -> None:
        nonlocal fatal
        turns = done.setdefault(conv.id, [])
        async with semaphore:
            for number in range(len(turns) + 1, conv.turns + 1):
                if fatal:
                    return
                start = time.monotonic()
                user_usage = Usage()
                try:
                    if sides.scripts is not None:
                        user_line = sides.scripts[conv.card.id][number - 1]
                    else:
                        assert sides.user_spec is not None
                        said = await ask(sides.user_spec, sides.user_client, user_simulator_messages(conv.card, turns),
                                         sides.user_settings or GenSettings())
                        user_line, user_usage = said.content.strip(), said.usage
                    if sides.replay is not None:
                        if (conv.id, number) not in sides.replay:
                            raise CallFailed(f"no answer for turn {number} in the replay file")
                        record = TurnRecord(conversation=conv.id, turn=number, user=user_line,
                                            assistant=sides.replay[(conv.id, number)], user_usage=user_usage)
                    else:
                        answer = await ask(sides.spec, sides.client, conversation_messages(conv.card, turns, user_line),
                                           sides.settings)
                        record = TurnRecord(conversation=conv.id, turn=number, user=user_line,
                                            assistant=answer.content, reasoning=answer.reasoning,
                                            finish_reason=answer.finish_reason, usage=answer.usage,
                                            user_usage=user_usage, seconds=round(time.monotonic() - start, 3))
                except CallFailed as exc:
                    errors.write(TurnError(conversation=conv.id, turn=number, problem=exc.problem, usage=exc.usage))
                    stopped.append(conv.id)
                    progress.errors += 1
                    if exc.fatal:
                        fatal = exc.problem
                    progress.update()
                    return
                out.write(record)
                turns.append(record)
                progress.done += 1
                progress.usage = progress.usage + record.usage + record.user_usage
                progress.update()

    try:
        await asyncio.gather(*(one(c) for c in conversations))
    finally:
        out.close()
        errors.close()
    wanted = {c.id: c.turns for c in conversations}
    kept = {cid: turns[: wanted[cid]] for cid, turns in done.items() if cid in wanted}
    write_atomic(folder / "turns.jsonl", "".join(t.model_dump_json() + "\n" for c in conversations
                                                  for t in kept.get(c.id, [])))
    return kept, sorted(set(stopped)), fatal
