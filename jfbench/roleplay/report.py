"""The role-play part of a report: run data and tables (rendered by jfbench.report like every table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jfbench.report import Column, Table, excerpt, read_scores, settings_text
from jfbench.roleplay.check import TurnVerdicts
from jfbench.roleplay.converse import RoleplayConfig, TurnRecord, read_turns
from jfbench.roleplay.run import load_roleplay_config
from jfbench.roleplay.score import SCHEMA
from jfbench.run import read_jsonl


@dataclass
class RoleplayRunData:
    """A finished role-play run folder, read-only."""

    folder: Path
    config: RoleplayConfig
    scores: dict[str, Any]
    verdicts: list[TurnVerdicts]
    turns: dict[str, list[TurnRecord]]
    label: str = ""


def load_roleplay_run(folder: Path) -> RoleplayRunData:
    config = load_roleplay_config(folder)
    scores = read_scores(folder, "schema", SCHEMA)
    verdicts = read_jsonl(folder / "verdicts.jsonl", TurnVerdicts, repair=False)
    return RoleplayRunData(folder, config, scores, verdicts, read_turns(folder, repair=False))


def _rate(row: dict[str, Any], key: str, block: dict[str, Any] | None) -> None:
    row[key] = block["value"] if block else None
    row[f"{key}_ci"] = block["ci"] if block else None


def headline_table(runs: Sequence[RoleplayRunData]) -> Table:
    table = Table("roleplay", "Role-play: turns that follow every rule", [
        Column("model", "model"), Column("user", "user side"), Column("conversations", "conversations", "int"),
        Column("turns", "turns", "int"), Column("rate", "all rules followed", "rate_ci"),
        Column("first_break", "median first break (turn)"), Column("never_broke", "never broke", "int"),
        Column("tokens", "tokens", "int"), Column("skipped", "rules skipped (no judge)")],
        note="Share of assistant turns that satisfy every rule of their card, with a 95% bootstrap interval over "
             "conversations. First break: the turn where a conversation first breaks a rule (median over the "
             "conversations that break one).")
    for run in runs:
        s = run.scores
        median = s["first_break"]["median"]["value"]
        row = {"model": run.label, "user": run.config.user, "conversations": s["conversations"], "turns": s["turns"],
               "first_break": "–" if median is None else f"{median:g}", "never_broke": s["first_break"]["never_broke"],
               "tokens": s["usage"]["prompt_tokens"] + s["usage"]["completion_tokens"],
               "skipped": ", ".join(s["skipped_rules"])}
        _rate(row, "rate", s["following_rate"])
        table.rows.append(row)
    return table


def card_table(runs: Sequence[RoleplayRunData]) -> Table:
    columns = [Column("card", "card")]
    for k, run in enumerate(runs):
        columns += [Column(f"rate_{k}", f"{run.label}", "rate_ci"), Column(f"breaks_{k}", "first breaks")]
    table = Table("roleplay_cards", "Role-play by card", columns,
                  note="First breaks: per conversation, the turn of the first broken rule (– for none).")
    for card in sorted({c for run in runs for c in run.scores["by_card"]}):
        row: dict[str, Any] = {"card": card}
        for k, run in enumerate(runs):
            block = run.scores["by_card"].get(card)
            _rate(row, f"rate_{k}", block)
            row[f"breaks_{k}"] = ", ".join("–" if b is None else str(b) for b in block["first_breaks"]) if block else ""
        table.rows.append(row)
    return table


def failing_turns(run: RoleplayRunData) -> dict[str, tuple[TurnVerdicts, str, str]]:
    """Per rule, the shortest assistant turn that fails it, with its text and the verdict's reason."""
    best: dict[str, tuple[tuple[int, str, int], tuple[TurnVerdicts, str, str]]] = {}
    for v in run.verdicts:
        text = run.turns[v.conversation][v.turn - 1].assistant
        key = (len(text), v.conversation, v.turn)
        for r in v.results:
            if r.passed is False and (r.id not in best or key < best[r.id][0]):
                best[r.id] = (key, (v, text, r.reason))
    return {rule: example for rule, (_, example) in best.items()}


def rule_table(runs: Sequence[RoleplayRunData]) -> Table:
    columns = [Column("rule", "rule")]
    for k, run in enumerate(runs):
        columns.append(Column(f"rate_{k}", f"{run.label}", "rate_ci"))
    columns += [Column("example_turn", "failing turn"), Column("example_answer", "its text"),
                Column("example_reason", "why it fails")]
    table = Table("roleplay_rules", "Role-play by rule, worst first", columns,
                  note="Pass rate of each rule over the turns it was decided on; the example is the shortest failing "
                       "turn (of the model with the lowest rate).")
    rows = []
    examples = [failing_turns(run) for run in runs]
    for rule in sorted({r for run in runs for r in run.scores["by_rule"]}):
        row: dict[str, Any] = {"rule": rule}
        rates = []
        for k, run in enumerate(runs):
            block = run.scores["by_rule"].get(rule)
            _rate(row, f"rate_{k}", block)
            if block and block["value"] is not None:
                rates.append((block["value"], k))
        for _, k in sorted(rates):
            example = examples[k].get(rule)
            if example:
                v, text, reason = example
                row.update(example_turn=f"{v.conversation} #{v.turn}", example_answer=excerpt(text),
                           example_reason=excerpt(reason))
                break
        row["_sort"] = (sum(r for r, _ in rates) / len(rates) if rates else 2.0, rule)  # mean, as in eval
        rows.append(row)
    table.rows = sorted(rows, key=lambda r: r.pop("_sort"))
    return table


def metadata_table(runs: Sequence[RoleplayRunData]) -> Table:
    table = Table("roleplay_runs", "Role-play runs", [
        Column("model", "model"), Column("spec", "model spec"), Column("gen", "generation settings"),
        Column("user", "user side"), Column("turns", "turns"), Column("cards", "cards"), Column("judge", "judge"),
        Column("seed", "seed"), Column("version", "jfbench"), Column("folder", "run folder")])
    for run in runs:
        c = run.config
        table.rows.append({"model": run.label, "spec": c.model, "user": c.user, "judge": c.judge or "none",
                           "gen": settings_text(c.gen),
                           "turns": f"{c.turns} (×{c.repeats})" if c.repeats > 1 else c.turns,
                           "cards": f"{len(c.cards)}: {', '.join(c.cards)}", "seed": str(c.seed),
                           "version": c.jfbench_version, "folder": str(run.folder)})
    return table


def tables(runs: Sequence[RoleplayRunData]) -> list[Table]:
    return [headline_table(runs), card_table(runs), rule_table(runs), metadata_table(runs)]
