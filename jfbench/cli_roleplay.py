"""The `jfbench roleplay` command (registered on the app of jfbench.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jfbench.cli import JudgeBaseUrl, JudgeCachePath, UsageError, app, err, fail_usage, make_judge, out
from jfbench.cli_run import ProgressView, ReportOption, fmt_rate, run_live, write_run_report
from jfbench.models import GenSettings, ModelError


@app.command()
def roleplay(
    model: Annotated[str, typer.Option(help="provider:model of the role player, or replay:FILE.jsonl "
                                       "({conversation, turn, response} lines).")],
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    user_model: Annotated[str | None, typer.Option("--user-model", help="User simulator model spec.")] = None,
    user_base_url: Annotated[str | None, typer.Option("--user-base-url", help="The simulator's server URL.")] = None,
    user_script: Annotated[Path | None, typer.Option("--user-script", help="Scripted user turns: JSONL of "
                                                     "{card, turns} lines (default: the cards' own scripts).")] = None,
    turns: Annotated[str, typer.Option(help="Assistant turns per conversation: N or LOW-HIGH.")] = "20-40",
    repeats: Annotated[int, typer.Option(min=1, max=100, help="Conversations per card.")] = 1,
    cards: Annotated[str | None, typer.Option(help="Card ids to run, comma-separated (default: all).")] = None,
    cards_dir: Annotated[Path | None, typer.Option("--cards-dir", help="A folder of your own role cards (*.yaml).")]
    = None,
    judge: Annotated[str, typer.Option(help="Judge model spec, or none (judge-only rubrics are skipped).")]
    = "openrouter:openai/gpt-oss-120b",
    judge_base_url: JudgeBaseUrl = None,
    judge_cache: JudgeCachePath = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Run folder (default reports/roleplay-<model>-<key>/).")]
    = None,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Conversations in flight.")] = 8,
    rpm: Annotated[float | None, typer.Option(min=0.1, help="At most this many requests per minute.")] = None,
    seed: Annotated[int, typer.Option(help="Seed (conversation lengths, bootstrap).")] = 0,
    gen: Annotated[list[str] | None, typer.Option("--gen", help="Generation setting k=v (repeatable).")] = None,
    user_gen: Annotated[list[str] | None, typer.Option("--user-gen", help="The simulator's settings k=v.")] = None,
    retries: Annotated[int, typer.Option(min=0, max=20, help="Retries per request.")] = 5,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per request.")] = 600.0,
    report: ReportOption = True,
) -> None:
    """Multi-turn role-play: the model keeps a role and its rules for 20-40 turns; every turn is checked."""
    from jfbench.roleplay.cards import CardError, load_cards
    from jfbench.roleplay.converse import (
        BUNDLED_SCRIPT,
        RoleplayConfig,
        Sides,
        cards_digest,
        load_replay_turns,
        load_user_script,
        parse_turns,
        plan,
    )
    from jfbench.roleplay.run import run_roleplay
    from jfbench.run import RunError, check_reachable, model_spec

    try:
        if user_model and user_script:
            raise UsageError("give --user-model or --user-script, not both")
        selected = load_cards(cards_dir, [c.strip() for c in cards.split(",") if c.strip()] if cards else None)
        parse_turns(turns)
        spec = model_spec(model, base_url)
        settings = GenSettings.parse(gen)
        sides = Sides(spec=spec, settings=settings)
        if spec.provider == "replay":
            sides.replay = load_replay_turns(Path(spec.model))
        else:
            spec.check_credentials()
            check_reachable(spec.base_url or "")
        if user_model:
            sides.user_spec = model_spec(user_model, user_base_url or base_url)
            sides.user_settings = GenSettings.parse(user_gen)
            sides.user_spec.check_credentials()
            check_reachable(sides.user_spec.base_url or "")
            user = str(sides.user_spec)
        else:
            sides.scripts = load_user_script(user_script, selected) if user_script else \
                {c.id: c.user_script for c in selected}
            missing = [c.id for c in selected if c.id not in sides.scripts]
            if missing:
                raise RunError(f"the user script has no turns for card {missing[0]!r}")
            user = f"script:{user_script}" if user_script else BUNDLED_SCRIPT
        judge_model = make_judge(judge, judge_base_url, 1, judge_cache)
        config = RoleplayConfig(model=str(spec), base_url=spec.base_url, gen=settings, user=user,
                                user_gen=sides.user_settings or GenSettings(), turns=turns, repeats=repeats,
                                cards=[c.id for c in selected], cards_sha256=cards_digest(selected),
                                judge=None if judge_model is None else judge, seed=seed)
        folder = out_dir or Path("reports") / f"roleplay-{spec.slug}-{config.key()}"
    except (UsageError, RunError, ModelError, CardError) as exc:
        fail_usage(str(exc))
    total = sum(c.turns for c in plan(selected, turns, repeats, seed))
    state = ProgressView(total, "roleplay")
    result = run_live(state, folder, "turns", run_roleplay(
        selected, folder, config, sides, judge=judge_model, concurrency=concurrency, rpm=rpm, retries=retries,
        timeout=timeout, progress=state.progress))
    print_roleplay_summary(result.scores, folder)
    if report:
        write_run_report(folder)
    if result.fatal:
        err.print(f"[bold red]error:[/] the model cannot answer: {result.fatal}", highlight=False)
        raise typer.Exit(2)
    if result.stopped:
        err.print(f"{len(result.stopped)} conversations stopped early (see {folder / 'errors.jsonl'}); run the same "
                  "command again to continue them", highlight=False)


def print_roleplay_summary(scores: dict, folder: Path) -> None:
    rate = scores["following_rate"]
    table = Table(title=f"jfbench role-play ({scores['turns']} of {scores['planned_turns']} turns, "
                        f"{scores['conversations']} conversations)")
    for col in ("card", "turns", "all rules followed", "first break (turn)"):
        table.add_column(col, justify="left" if col == "card" else "right")
    for card, block in scores["by_card"].items():
        breaks = ", ".join("–" if b is None else str(b) for b in block["first_breaks"])
        turns = sum(c["turns"] for c in scores["by_conversation"].values() if c["card"] == card)
        table.add_row(card, str(turns), fmt_rate(block["value"], block["ci"]), breaks)
    median = scores["first_break"]["median"]["value"]
    table.add_row("all", str(scores["turns"]), fmt_rate(rate["value"], rate["ci"]),
                  f"median {'–' if median is None else f'{median:g}'}, "
                  f"{scores['first_break']['never_broke']} never broke", style="bold")
    out.print(table)
    if scores["skipped_rules"]:
        out.print(f"skipped (no judge): {', '.join(scores['skipped_rules'])}", highlight=False)
    out.print(f"run folder: {folder}", highlight=False)


def rescore_roleplay_cmd(run_dir: Path, judge: str, judge_base_url: str | None, judge_cache: Path | None,
                         cards_dir: Path | None, report: bool) -> None:
    """`jfbench score` of a role-play run folder: verdicts and scores again from the saved turns."""
    from jfbench.roleplay.cards import CardError, load_cards
    from jfbench.roleplay.run import rescore_roleplay
    from jfbench.run import RunError

    try:
        scores = rescore_roleplay(run_dir, load_cards(cards_dir), make_judge(judge, judge_base_url, 1, judge_cache))
    except (UsageError, RunError, CardError) as exc:
        fail_usage(str(exc))
    print_roleplay_summary(scores, run_dir)
    if report:
        write_run_report(run_dir)

