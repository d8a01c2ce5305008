"""Role-play end to end against a scripted OpenAI-compatible server on 127.0.0.1, scores by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from openai_server import ScriptedOpenAIServer
from typer.testing import CliRunner

from jfbench.cli import app
from jfbench.roleplay.cards import CardError, bundled_cards_dir, load_card, load_cards
from jfbench.roleplay.check import own_line_heuristic, speaker_label
from jfbench.roleplay.converse import parse_turns, plan
from jfbench.roleplay.score import score_roleplay
from jfbench.run import RunError
from jfbench.verify import InstanceResult

runner = CliRunner()
CARD = "apparel-clerk"
GOOD = "かしこまりました。ご希望に合いそうなものをお持ちしますね。"
BREAK_7 = "かしこまりました（笑顔で）。こちらへどうぞ。"  # a stage direction
USER_LINE = "かしこまりました。\nお客様：ありがとうございます。\n店員：どういたしまして。"  # writes the user's line
AI_LINE = "私はAIなので在庫はわかりませんが、紺が人気です。"


def model_turn(body: dict) -> int:
    return sum(1 for m in body["messages"] if m["role"] == "user")


def responder(body: dict) -> dict:
    """The model under test by its name, the user simulator and the judge, told apart by their prompts."""
    system = body["messages"][0]["content"]
    if system.startswith("あなたは、日本語の指示に対する回答"):  # the judge
        response = re.search(r"<response-(\w+)>(.*)</response-\1>", body["messages"][1]["content"], re.S).group(2)
        passed = "AI" not in response
        return {"content": json.dumps({"passed": passed, "reason": "AIと名乗っている" if not passed else "役のまま"},
                                      ensure_ascii=False)}
    if system.startswith("あなたはお客様として"):  # the user simulator
        return {"content": f"シミュレーターの発言{len(body['messages']) // 2}です。"}
    turn = model_turn(body)
    model = body["model"]
    if model == "break7" and turn == 7:
        return {"content": BREAK_7}
    if model == "userline" and turn == 3:
        return {"content": USER_LINE}
    if model == "ai5" and turn == 5:
        return {"content": AI_LINE}
    return {"content": GOOD}


@pytest.fixture(scope="module")
def server():
    with ScriptedOpenAIServer(responder) as s:
        yield s


def roleplay(server, tmp_path, model, *extra):
    folder = tmp_path / model
    args = ["roleplay", "--model", f"vllm:{model}", "--base-url", server.base_url, "--cards", CARD, "--turns", "12",
            "--judge", "none", "--out", str(folder), "--no-report", *extra]
    result = runner.invoke(app, args)
    return result, folder


def scores_of(folder: Path) -> dict:
    return json.loads((folder / "scores.json").read_text(encoding="utf-8"))


# --- cards ------------------------------------------------------------------------------------------------

def test_bundled_cards_are_valid():
    cards = load_cards()
    assert len(cards) >= 12
    for card in cards:
        assert len(card.user_script) >= 40
        prompt = card.system_prompt
        for rule in card.rules:
            assert card.wording(rule) in prompt
        assert any(r.rubric == "own_line" for r in card.rules)
        assert any(r.constraint == "style.no_stage_directions" for r in card.rules)


@pytest.mark.parametrize(("change", "message"), [
    ({"rules": [{"constraint": "length.nope"}]}, "length.nope"),
    ({"rules": [{"constraint": "length.characters", "params": {"max": -3}}]}, "max"),
    ({"rules": [{"constraint": "style.polite"}, {"constraint": "style.plain"}]}, "conflict"),
    ({"rules": [{"rubric": "flow"}], "flow": []}, "flow"),
    ({"rules": [{"rubric": "in_role"}, {"rubric": "in_role"}]}, "twice"),
    ({"rules": [{"rubric": "in_role", "constraint": "style.polite"}]}, "exactly one"),
    ({"user_script": ["こんにちは。"]}, "user_script"),
])
def test_bad_cards_are_one_line_errors(tmp_path, change, message):
    data = yaml.safe_load((bundled_cards_dir() / f"{CARD}.yaml").read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CardError, match=message) as info:
        load_card(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_speaker_labels():
    card = load_cards(only=[CARD])[0]
    assert speaker_label(card, USER_LINE) == "お客様："
    assert speaker_label(card, "店員: いらっしゃいませ。") == "店員:"
    assert speaker_label(card, "【お客様】：はい") is not None
    assert own_line_heuristic(card, GOOD).passed
    assert own_line_heuristic(card, "注意：セール品は返品できません。お会計はこちらです。").passed
    assert own_line_heuristic(card, "お客様のご予算ですと、こちらが合います。").passed


def test_turn_plans():
    assert parse_turns("30") == (30, 30) and parse_turns("20-40") == (20, 40)
    for bad in ("abc", "40-20", "0", "5-500"):
        with pytest.raises(RunError):
            parse_turns(bad)
    cards = load_cards(only=[CARD])
    lengths = [c.turns for c in plan(cards, "20-40", 5, seed=1)]
    assert all(20 <= n <= 40 for n in lengths) and len(set(lengths)) > 1
    assert lengths == [c.turns for c in plan(cards, "20-40", 5, seed=1)]  # deterministic


# --- runs against the server ------------------------------------------------------------------------------

def test_a_model_that_breaks_a_rule_at_turn_7(server, tmp_path):
    result, folder = roleplay(server, tmp_path, "break7")
    assert result.exit_code == 0, result.output
    s = scores_of(folder)
    # 12 turns; with --judge none the judge-only rubrics are out of "every rule"; turn 7 breaks one.
    assert s["turns"] == 12 and s["skipped_rules"] == ["roleplay.flow", "roleplay.in_role"]
    assert s["following_rate"]["value"] == pytest.approx(11 / 12)
    assert s["by_conversation"][CARD]["first_break"] == 7
    assert s["first_break"]["median"]["value"] == 7 and s["first_break"]["never_broke"] == 0
    assert s["by_rule"]["style.no_stage_directions"]["value"] == pytest.approx(11 / 12)
    assert s["by_rule"]["style.polite"]["value"] == 1.0 and s["by_rule"]["roleplay.in_role"]["value"] is None
    lo, hi = s["following_rate"]["ci"]
    assert lo < 11 / 12 <= hi
    turns = [json.loads(line) for line in (folder / "turns.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["turn"] for t in turns] == list(range(1, 13))
    script = load_cards(only=[CARD])[0].user_script
    assert [t["user"] for t in turns] == script[:12] and turns[6]["assistant"] == BREAK_7
    # Each request carried the whole conversation so far, after the card's system prompt.
    requests = [r for r in server.requests if r["model"] == "break7"]
    assert len(requests) == 12 and len(requests[-1]["messages"]) == 1 + 2 * 11 + 1
    assert requests[-1]["messages"][0]["role"] == "system" and "店員" in requests[-1]["messages"][0]["content"]


def test_a_model_that_writes_the_users_line(server, tmp_path):
    result, folder = roleplay(server, tmp_path, "userline")
    assert result.exit_code == 0, result.output
    s = scores_of(folder)
    assert s["by_conversation"][CARD]["first_break"] == 3
    assert s["by_rule"]["roleplay.own_line"]["value"] == pytest.approx(11 / 12)
    # Turn 3 also has 3 lines = 3 sentences (allowed) and stays polite: only own_line fails.
    verdicts = [json.loads(line) for line in (folder / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()]
    third = next(v for v in verdicts if v["turn"] == 3)
    failed = [r["id"] for r in third["results"] if r["passed"] is False]
    assert failed == ["roleplay.own_line"]
    assert s["following_rate"]["value"] == pytest.approx(11 / 12)


def test_the_judge_sees_the_conversation_and_decides_rubrics(server, tmp_path):
    result, folder = roleplay(server, tmp_path, "ai5", "--judge", "vllm:judge", "--judge-base-url", server.base_url,
                              "--judge-cache", str(tmp_path / "cache.sqlite"), "--turns", "8")
    assert result.exit_code == 0, result.output
    s = scores_of(folder)
    assert s["skipped_rules"] == []
    assert s["by_conversation"][CARD]["first_break"] == 5
    assert s["by_rule"]["roleplay.in_role"]["value"] == pytest.approx(7 / 8)
    assert s["following_rate"]["value"] == pytest.approx(7 / 8)
    judge_requests = [r for r in server.requests if r["model"] == "judge"]
    fifth = [r for r in judge_requests if AI_LINE in r["messages"][1]["content"]]
    assert fifth, "the judge saw turn 5"
    # The judge prompt holds the turns before as data: turn 4's user line is in the history block.
    script = load_cards(only=[CARD])[0].user_script
    assert any(script[3] in r["messages"][1]["content"] and "それまでの会話" in r["messages"][1]["content"]
               for r in fifth)


def test_user_simulator_speaks_from_the_other_side(server, tmp_path):
    result, folder = roleplay(server, tmp_path, "sim", "--user-model", "vllm:user-sim", "--turns", "3")
    assert result.exit_code == 0, result.output
    turns = [json.loads(line) for line in (folder / "turns.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["user"] for t in turns] == ["シミュレーターの発言1です。", "シミュレーターの発言2です。",
                                          "シミュレーターの発言3です。"]
    sim = [r for r in server.requests if r["model"] == "user-sim"]
    last = sim[-1]["messages"]
    # The simulator's own earlier lines are its assistant messages; the role's lines are its user messages.
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert last[2]["content"] == "シミュレーターの発言1です。" and last[3]["content"] == GOOD


def test_resume_continues_each_conversation_where_it_stopped(tmp_path):
    failing = {"on": True}

    def flaky(body):
        if failing["on"] and model_turn(body) >= 5:
            return {"status": 400}  # not retried: the conversation stops at turn 5
        return {"content": GOOD}

    with ScriptedOpenAIServer(flaky) as s:
        result, folder = roleplay(s, tmp_path, "resume", "--retries", "0")
        assert result.exit_code == 0 and "stopped early" in result.output
        assert len((folder / "turns.jsonl").read_text().splitlines()) == 4
        assert json.loads((folder / "errors.jsonl").read_text().splitlines()[0])["turn"] == 5
        assert scores_of(folder)["errors"]["stopped_conversations"] == [CARD]
        failing["on"] = False
        before = len(s.requests)
        result, folder = roleplay(s, tmp_path, "resume")
        assert result.exit_code == 0, result.output
        assert len(s.requests) - before == 8  # turns 5-12 only
    turns = [json.loads(line) for line in (folder / "turns.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["turn"] for t in turns] == list(range(1, 13))
    assert scores_of(folder)["errors"]["stopped_conversations"] == []


def test_bad_input_is_one_line(server, tmp_path):
    cases = [
        (["--turns", "many"], "--turns"),
        (["--cards", "nope"], "unknown card"),
        (["--user-model", "vllm:x", "--user-script", str(tmp_path / "s.jsonl")], "not both"),
        (["--user-script", str(tmp_path / "missing.jsonl")], "does not exist"),
        (["--turns", "45"], "has 40 turns"),
    ]
    for extra, message in cases:
        result, _ = roleplay(server, tmp_path, "bad", *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_user_script_file(server, tmp_path):
    script = tmp_path / "script.jsonl"
    script.write_text(json.dumps({"card": CARD, "turns": ["こんにちは。", "シャツを探しています。"]},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    result, folder = roleplay(server, tmp_path, "scripted", "--user-script", str(script), "--turns", "2")
    assert result.exit_code == 0, result.output
    users = [json.loads(line)["user"] for line in (folder / "turns.jsonl").read_text(encoding="utf-8").splitlines()]
    assert users == ["こんにちは。", "シャツを探しています。"]


def test_report_and_rescore_of_a_roleplay_run(server, tmp_path):
    _, folder = roleplay(server, tmp_path, "break7")
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "Role-play: turns that follow every rule" in md and "91.7% (" in md
    assert "apparel-clerk \\#7" in md  # the failing example of style.no_stage_directions
    assert (folder / "charts" / "roleplay_survival.png").exists()
    result = runner.invoke(app, ["score", str(folder), "--no-report"])
    assert result.exit_code == 0, result.output
    assert scores_of(folder)["following_rate"]["value"] == pytest.approx(11 / 12)


def test_scores_with_several_conversations_by_hand():
    def tv(conv, turn, passed):
        from jfbench.roleplay.check import TurnVerdicts

        return TurnVerdicts(conversation=conv, card=conv.split("#")[0], turn=turn, results=[
            InstanceResult(id="style.polite", group="style", passed=passed, loose=passed, method="rule", reason="")])

    verdicts = [tv("a#1", t, t != 3) for t in range(1, 5)] + [tv("a#2", t, True) for t in range(1, 5)] + \
        [tv("b", t, t < 2) for t in range(1, 3)]
    s = score_roleplay(verdicts, {"a#1": 4, "a#2": 4, "b": 2})
    assert s["following_rate"]["value"] == pytest.approx(8 / 10)
    assert s["by_card"]["a"]["value"] == pytest.approx(7 / 8) and s["by_card"]["b"]["value"] == 0.5
    assert s["by_card"]["a"]["first_breaks"] == [3, None]
    assert s["first_break"]["median"]["value"] == 2.5 and s["first_break"]["never_broke"] == 1


def test_the_readme_demo(tmp_path):
    """README's role-play demo: 20 hand-written clerk answers with slips at turns 9, 15 and 18."""
    demo = Path(__file__).resolve().parents[1] / "data" / "examples" / "roleplay-demo.jsonl"
    result = runner.invoke(app, ["roleplay", "--model", f"replay:{demo}", "--cards", CARD, "--turns", "20",
                                 "--judge", "none", "--out", str(tmp_path / "demo"), "--no-report"])
    assert result.exit_code == 0, result.output
    assert "85.0% [65.0, 100.0]" in result.output and "median 9, 0 never broke" in result.output
    verdicts = [json.loads(line) for line in (tmp_path / "demo" / "verdicts.jsonl").read_text().splitlines()]
    failed = sorted((v["turn"], r["id"]) for v in verdicts for r in v["results"] if r["passed"] is False)
    assert failed == [(9, "style.no_stage_directions"), (15, "length.sentences"), (18, "roleplay.own_line")]
