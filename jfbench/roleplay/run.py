"""A role-play run end to end: plan, converse (resumable), check every turn, score, write the folder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jfbench.judge import Judge
from jfbench.models import Usage
from jfbench.roleplay.cards import RoleCard
from jfbench.roleplay.check import TurnVerdicts, check_conversations
from jfbench.roleplay.converse import Conversation, RoleplayConfig, Sides, TurnRecord, converse, plan, read_turns
from jfbench.roleplay.score import score_roleplay
from jfbench.run import Progress, RunError, load_config, write_atomic


@dataclass
class RoleplayResult:
    folder: Path
    scores: dict[str, Any]
    stopped: list[str]
    fatal: str | None


def load_roleplay_config(folder: Path) -> RoleplayConfig:
    return load_config(folder, RoleplayConfig)


def prepare(folder: Path, config: RoleplayConfig) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "run.json").exists():
        old = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        if old.get("kind") != "roleplay":
            raise RunError(f"{folder} holds an eval run; use another --out for role-play")
        old_config = load_roleplay_config(folder)
        if old_config.key() != config.key():
            raise RunError(f"{folder} holds a role-play run with other settings (key {old_config.key()}, this one "
                           f"{config.key()}); use another --out")
    write_atomic(folder / "run.json", config.model_dump_json(indent=2) + "\n")


def write_results(folder: Path, conversations: Sequence[Conversation], turns: dict[str, list[TurnRecord]],
                  verdicts: Sequence[TurnVerdicts], stopped: Sequence[str], seed: int) -> dict[str, Any]:
    write_atomic(folder / "verdicts.jsonl", "".join(v.model_dump_json() + "\n" for v in verdicts))
    usage = sum((t.usage for ts in turns.values() for t in ts), Usage())
    scores = score_roleplay(verdicts, {c.id: c.turns for c in conversations}, usage, stopped, seed)
    write_atomic(folder / "scores.json", json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
    return scores


async def run_roleplay(cards: Sequence[RoleCard], folder: Path, config: RoleplayConfig, sides: Sides, *,
                       judge: Judge | None = None, concurrency: int = 8, rpm: float | None = None,
                       retries: int = 5, backoff: float = 1.0, timeout: float = 600.0,
                       progress: Progress | None = None) -> RoleplayResult:
    conversations = plan(cards, config.turns, config.repeats, config.seed)
    if sides.scripts is not None:
        for conv in conversations:
            have = len(sides.scripts.get(conv.card.id, []))
            if have < conv.turns:
                raise RunError(f"the user script of card {conv.card.id} has {have} turns; conversation {conv.id} "
                               f"needs {conv.turns} (lower --turns or give a longer --user-script)")
    prepare(folder, config)
    own = []  # clients made here are closed here, inside the event loop that used them
    if sides.client is None and sides.replay is None:
        sides.client = sides.spec.client(timeout=timeout)
        own.append(sides.client)
    if sides.user_client is None and sides.user_spec is not None:
        sides.user_client = sides.user_spec.client(timeout=timeout)
        own.append(sides.user_client)
    try:
        turns, stopped, fatal = await converse(conversations, folder, sides, concurrency=concurrency, rpm=rpm,
                                               retries=retries, backoff=backoff, progress=progress)
    finally:
        for client in own:
            await client.close()
    verdicts = await check_conversations(conversations, turns, judge, concurrency)
    scores = write_results(folder, conversations, turns, verdicts, stopped, config.seed)
    return RoleplayResult(folder, scores, stopped, fatal)


def rescore_roleplay(folder: Path, cards: Sequence[RoleCard], judge: Judge | None = None) -> dict[str, Any]:
    """Verdicts and scores again from the saved turns (after a checker fix, or with a judge)."""
    config = load_roleplay_config(folder)
    by_id = {c.id: c for c in cards}
    missing = sorted(set(config.cards) - set(by_id))
    if missing:
        raise RunError(f"the run used card {missing[0]!r}, which is not among the cards given")
    conversations = plan([by_id[c] for c in config.cards], config.turns, config.repeats, config.seed)
    turns = read_turns(folder)
    stopped = [c.id for c in conversations if len(turns.get(c.id, [])) < c.turns]
    verdicts = asyncio.run(check_conversations(conversations, turns, judge))
    return write_results(folder, conversations, turns, verdicts, stopped, config.seed)
