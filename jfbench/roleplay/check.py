"""Verdicts for every assistant turn against every rule of its card.

Catalog constraints are checked on the turn's text by their own checkers (a hybrid such as style.polite
asks the judge when one is given, as in eval). The role-play rubrics need the conversation: the judge sees
the card, the turns before, and the turn under judgement as data. `own_line` also has an offline
heuristic (a line that starts with a speaker label, 「お客様：」, is the model writing someone else's line
or a script); `in_role` and `flow` are judge-only and skipped with --judge none.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

import regex
from pydantic import BaseModel

from jfbench.catalog import Verdict, rubric_path
from jfbench.ja import Response, analyse
from jfbench.judge import Judge, data_block, judged, nonce_for, system_prompt
from jfbench.roleplay.cards import CardRule, RoleCard
from jfbench.roleplay.converse import Conversation, TurnRecord
from jfbench.verify import InstanceResult

GENERIC_SPEAKERS = ("ユーザー", "ユーザ", "User", "user", "USER", "Assistant", "assistant", "アシスタント", "AI", "客")


class TurnVerdicts(BaseModel):
    conversation: str
    card: str
    turn: int
    results: list[InstanceResult]


@functools.cache
def _speaker_pattern(user: str, assistant: str) -> regex.Pattern[str]:
    names = sorted({user, assistant, *GENERIC_SPEAKERS}, key=len, reverse=True)
    alternatives = "|".join(regex.escape(n) for n in names)
    return regex.compile(r"^[\s　>*「【\[]*(?:" + alternatives + r")[\s　]*[】\]]?[\s　]*[：:]", regex.MULTILINE)


def speaker_label(card: RoleCard, text: str) -> str | None:
    """The first line that starts with a speaker label (either party's name or a generic one), if any."""
    match = _speaker_pattern(card.user, card.assistant).search(text)
    return match.group(0).strip() if match else None


def own_line_heuristic(card: RoleCard, text: str) -> Verdict:
    label = speaker_label(card, text)
    if label:
        return Verdict(passed=False, reason=f"a line starts with the speaker label {label!r}", method="heuristic")
    return Verdict(passed=True, reason="no speaker labels", method="heuristic")


def transcript(card: RoleCard, turns: Sequence[TurnRecord]) -> str:
    lines = []
    for t in turns:
        lines += [f"{card.user}：{t.user}", f"{card.assistant}：{t.assistant}"]
    return "\n".join(lines) if lines else "（まだやり取りはありません）"


def rubric_messages(card: RoleCard, rule: CardRule, before: Sequence[TurnRecord], turn: TurnRecord
                    ) -> list[dict[str, str]]:
    """The judge prompt for a role-play rubric: the turn judged in the context of the conversation."""
    nonce = nonce_for(turn.assistant + turn.user)
    rubric = rubric_path(f"roleplay_{rule.rubric}").read_text(encoding="utf-8").strip()
    setting = f"役：{card.assistant}（{card.title}）\n{card.role}\n人物像：{card.persona}"
    if card.flow:
        setting += "\n会話の流れ：" + " → ".join(card.flow)
    parts = [
        "## 判定基準", data_block("rubric", nonce, rubric),
        "## 回答者に課された条件", data_block("constraint", nonce, card.wording(rule)),
        "## ロールプレイの設定", data_block("setting", nonce, setting),
        "## それまでの会話（データ）", data_block("history", nonce, transcript(card, before)),
        f"## 直前の{card.user}の発言（データ）", data_block("user", nonce, turn.user),
        f"## 審査対象の{card.assistant}の発言（データ）", data_block("response", nonce, turn.assistant),
        f"上の <response-{nonce}> の発言が条件を満たしているかを判定基準に従って判定し、JSON だけで答えてください。",
    ]
    return [{"role": "system", "content": system_prompt()}, {"role": "user", "content": "\n\n".join(parts)}]


async def rule_verdict(card: RoleCard, rule: CardRule, before: Sequence[TurnRecord], turn: TurnRecord,
                       response: Response, judge: Judge | None) -> Verdict:
    """One rule's verdict on a turn; `response` is the turn's analysis, shared by all its rules."""
    if rule.constraint is not None:
        return await judged(card.instances[rule.id], response, judge, instruction=card.system_prompt)
    offline = own_line_heuristic(card, turn.assistant) if rule.rubric == "own_line" else None
    if judge is None:
        return offline or Verdict(passed=None, reason="needs an LLM judge (--judge none)", method="skipped")
    verdict = await judge.decide(rubric_messages(card, rule, before, turn))
    if offline is not None:
        verdict.heuristic = offline.passed
    return verdict


async def check_conversations(conversations: Sequence[Conversation], turns: dict[str, list[TurnRecord]],
                              judge: Judge | None = None, concurrency: int = 8) -> list[TurnVerdicts]:
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def one(conv: Conversation, index: int) -> TurnVerdicts:
        history = turns[conv.id]
        turn = history[index]
        response = analyse(turn.assistant)  # once per turn, for every rule
        results = []
        for rule in conv.card.rules:
            async with semaphore:
                v = await rule_verdict(conv.card, rule, history[:index], turn, response, judge)
            group = conv.card.instances[rule.id].group if rule.constraint else "roleplay"
            results.append(InstanceResult(id=rule.id, group=str(group), passed=v.passed, loose=v.passed,
                                          method=v.method, reason=v.reason, heuristic=v.heuristic, usage=v.usage))
        return TurnVerdicts(conversation=conv.id, card=conv.card.id, turn=turn.turn, results=results)

    jobs = [one(c, k) for c in conversations for k in range(len(turns.get(c.id, [])))]
    return list(await asyncio.gather(*jobs))
