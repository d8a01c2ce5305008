"""The eval pipeline end to end against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openai_server import ScriptedOpenAIServer

from jfbench.catalog import instance
from jfbench.cli_run import build_set
from jfbench.models import GenSettings, ModelSpec, split_reasoning
from jfbench.run import (
    ResponseRecord,
    RunConfig,
    RunError,
    evaluate,
    load_config,
    load_items,
    load_replay,
    read_jsonl,
    rescore,
    select_items,
)
from jfbench.scoring import score
from jfbench.verify import InstanceResult, ItemVerdicts, loose_variants, offline_results

ANSWER = "はい。水は大切です。毎日こまめに飲みましょう。"


@pytest.fixture(scope="module")
def small_set(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("set") / "set.jsonl"
    path.write_text(build_set(seed=7, prompts_file=None, per_size=3, sizes=(1, 2, 4, 8)), encoding="utf-8")
    return path


def _run(items, folder, server, **kwargs):
    spec = ModelSpec.parse("vllm:test-model", base_url=server.base_url)
    _, digest = load_items(kwargs.pop("set_path"))
    config = RunConfig(model=str(spec), base_url=spec.base_url, dataset="test", dataset_sha256=digest)
    return asyncio.run(evaluate(items, folder, config, spec, backoff=0.01, timeout=5, **kwargs))


def test_flaky_server_every_item_ends_with_one_response(small_set, tmp_path):
    items, _ = load_items(small_set)
    script = [
        {"sleep": 0.05, "content": ANSWER},
        {"status": 429, "retry_after": "0.05"},
        {"status": 500},
        {"error_body": {"error": {"message": "upstream overloaded", "code": 502}}},
        {"content": ""},
        {"content": "<think>まず考える。</think>" + ANSWER},
        {"content": ANSWER, "message": {"reasoning": "reasoning text"}},
        {"sleep": 0.02, "content": ANSWER},
    ]
    with ScriptedOpenAIServer(script) as server:
        result = _run(items, tmp_path, server, concurrency=4, set_path=small_set)
    responses = read_jsonl(tmp_path / "responses.jsonl", ResponseRecord)
    assert [r.item_id for r in responses] == [it.id for it in items]  # one line per item, in order
    assert result.failed == [] and result.answered == len(items)
    assert all(r.content.strip() for r in responses)  # the empty answer was retried
    assert not any("<think>" in r.content for r in responses)
    assert any(r.reasoning == "まず考える。" for r in responses)
    assert any(r.reasoning == "reasoning text" for r in responses)
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert scores["n_items"] == len(items) and scores["errors"]["generation"] == 0
    assert scores["usage"]["prompt_tokens"] >= 100 * len(items)
    assert scores["usage"]["reasoning_tokens"] > 0 and scores["usage"]["cost"] > 0
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert "api_key" not in json.dumps(run).lower()


def test_persistent_failures_are_recorded_and_retried_on_resume(small_set, tmp_path):
    items, _ = load_items(small_set)
    with ScriptedOpenAIServer([{"status": 500}]) as server:
        result = _run(items[:3], tmp_path, server, retries=1, set_path=small_set)
    assert sorted(result.failed) == sorted(it.id for it in items[:3])
    assert read_jsonl(tmp_path / "responses.jsonl", ResponseRecord) == []
    assert json.loads((tmp_path / "scores.json").read_text())["errors"]["generation"] == 3
    rescored = rescore(tmp_path, items[:3], load_config(tmp_path))  # failures stay failures when re-scored
    assert rescored["errors"]["generation"] == 3 and rescored["n_items"] == 3
    with ScriptedOpenAIServer([{"content": ANSWER}]) as server:
        result = _run(items[:3], tmp_path, server, set_path=small_set)
        assert len(server.requests) == 3
    assert result.failed == []
    assert len(read_jsonl(tmp_path / "responses.jsonl", ResponseRecord)) == 3


def test_a_bad_key_stops_the_run_without_retrying_every_item(small_set, tmp_path):
    items, _ = load_items(small_set)
    with ScriptedOpenAIServer([{"status": 401}]) as server:
        result = _run(items, tmp_path, server, concurrency=1, set_path=small_set)
        assert len(server.requests) == 1
    assert result.fatal and "401" in result.fatal


def test_resume_cuts_a_partial_line_and_never_regenerates(small_set, tmp_path):
    items, _ = load_items(small_set)
    done = [ResponseRecord(item_id=it.id, content="前の回答です。") for it in items[:2]]
    (tmp_path / "responses.jsonl").write_text(
        "".join(r.model_dump_json() + "\n" for r in done) + '{"item_id": "' + items[2].id + '", "cont',
        encoding="utf-8")
    with ScriptedOpenAIServer([{"content": ANSWER}]) as server:
        _run(items, tmp_path, server, set_path=small_set)
        asked = [body["messages"][0]["content"] for body in server.requests]
    assert len(asked) == len(items) - 2
    assert items[0].text not in asked and items[1].text not in asked
    responses = read_jsonl(tmp_path / "responses.jsonl", ResponseRecord)
    assert [r.item_id for r in responses] == [it.id for it in items]
    assert responses[0].content == "前の回答です。"


def test_a_folder_of_another_run_is_refused(small_set, tmp_path):
    items, _ = load_items(small_set)
    with ScriptedOpenAIServer([{"content": ANSWER}]) as server:
        _run(items[:1], tmp_path, server, set_path=small_set)
        spec = ModelSpec.parse("vllm:other-model", base_url=server.base_url)
        config = RunConfig(model=str(spec), base_url=spec.base_url, dataset="t", dataset_sha256="x",
                           gen=GenSettings(temperature=0.5))
        with pytest.raises(RunError, match="other settings"):
            asyncio.run(evaluate(items[:1], tmp_path, config, spec))


def _cli(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "jfbench", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, **kwargs)


def test_sigkill_mid_run_then_rerun_loses_and_duplicates_nothing(small_set, tmp_path):
    items, _ = load_items(small_set)
    out = tmp_path / "run"
    args = ["eval", "--model", "vllm:m", "--set", str(small_set), "--judge", "none", "--out", str(out),
            "--concurrency", "2"]
    with ScriptedOpenAIServer([{"sleep": 0.15, "content": ANSWER}]) as server:
        proc = _cli(*args, "--base-url", server.base_url)
        deadline = time.monotonic() + 60
        path = out / "responses.jsonl"
        while time.monotonic() < deadline:
            if path.exists() and path.read_text(encoding="utf-8").count("\n") >= 4:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        saved = {r.item_id for r in read_jsonl(path, ResponseRecord)}
        assert 4 <= len(saved) < len(items)
        first_requests = len(server.requests)
        proc = _cli(*args, "--base-url", server.base_url)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        asked_again = [b["messages"][0]["content"] for b in server.requests[first_requests:]]
    by_text = {it.text: it.id for it in items}
    assert not saved & {by_text[t] for t in asked_again}  # finished items were not regenerated
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(x)["item_id"] for x in lines) == sorted(it.id for it in items)


def test_rescore_reproduces_the_scores(small_set, tmp_path):
    items, _ = load_items(small_set)
    with ScriptedOpenAIServer([{"content": ANSWER}]) as server:
        _run(items, tmp_path, server, set_path=small_set)
    before = (tmp_path / "scores.json").read_text(encoding="utf-8")
    (tmp_path / "scores.json").unlink()
    proc = _cli("score", str(tmp_path), "--set", str(small_set))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (tmp_path / "scores.json").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--model", "openrouter:openai/gpt-5.1"], {"OPENROUTER_API_KEY": ""}, "OPENROUTER_API_KEY"),
    (["--model", "acme:foo"], {}, "unknown provider"),
    (["--model", "vllm:m", "--base-url", "http://127.0.0.1:9/v1"], {}, "cannot connect to 127.0.0.1:9"),
    (["--model", "vllm:m"], {}, "needs --base-url"),
    (["--model", "vllm:m", "--base-url", "http://127.0.0.1:9/v1", "--gen", "temperature=hot"], {}, "--gen temperature"),
])
def test_bad_input_is_one_line_and_exit_2(small_set, tmp_path, args, env, message):
    proc = _cli("eval", *args, "--set", str(small_set), "--judge", "none", "--out", str(tmp_path / "r"), env=env)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stderr
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_malformed_prompts_file_names_the_line(tmp_path):
    bad = tmp_path / "prompts.jsonl"
    bad.write_text('{"text": "一つ目の依頼です。"}\n{"text": "二つ目\n', encoding="utf-8")
    proc = _cli("build", "--out", str(tmp_path / "s.jsonl"), "--prompts", str(bad))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and f"{bad}:2:" in stderr


def test_replay_with_an_unknown_item_id(small_set, tmp_path):
    items, _ = load_items(small_set)
    replay = tmp_path / "answers.jsonl"
    replay.write_text(json.dumps({"item_id": "n9-9999", "response": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(RunError, match="unknown item id 'n9-9999'"):
        load_replay(replay, items)
    proc = _cli("eval", "--model", f"replay:{replay}", "--set", str(small_set), "--judge", "none",
                "--out", str(tmp_path / "r"))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "unknown item id" in stderr


def test_limit_spreads_over_constraint_counts(small_set):
    items, _ = load_items(small_set)
    picked = select_items(items, None, 6)
    assert [it.n for it in picked] == [1, 2, 4, 8, 1, 2]
    assert {it.n for it in select_items(items, [2, 4], None)} == {2, 4}


# --- scoring by hand ---------------------------------------------------------------------------------------

def _r(cid: str, group: str, passed, loose=None) -> InstanceResult:
    return InstanceResult(id=cid, group=group, passed=passed, loose=passed if loose is None else loose,
                          method="rule" if passed is not None else "skipped", reason="")


def test_scores_match_a_hand_computation():
    items = [
        ItemVerdicts(item_id="a", n=1, results=[_r("length.characters", "length", True)]),
        ItemVerdicts(item_id="b", n=2, results=[_r("format.json", "format", True),
                                                _r("length.characters", "length", False, True)]),
        ItemVerdicts(item_id="c", n=2, results=[_r("format.json", "format", False),
                                                _r("style.polite", "style", None)]),
        ItemVerdicts(item_id="d", n=2, results=[_r("format.csv", "format", True), _r("style.polite", "style", True)]),
    ]
    s = score(items, generation_errors=["e"])
    assert s["n_items"] == 5 and s["n_answered"] == 4 and s["errors"]["generation"] == 1
    # prompt level: c is undecided (a skipped judge verdict); a and d pass, b fails strictly, passes loosely
    assert s["prompt_accuracy"]["strict"] == pytest.approx(2 / 3)
    assert s["prompt_accuracy"]["loose"] == pytest.approx(3 / 3)
    # instruction level: 6 decided instances, 4 pass strictly, 5 loosely
    assert s["instruction_accuracy"]["strict"] == pytest.approx(4 / 6)
    assert s["instruction_accuracy"]["loose"] == pytest.approx(5 / 6)
    assert s["by_n"]["2"]["prompt_accuracy"]["strict"] == pytest.approx(1 / 2)
    assert s["by_group"]["format"]["strict"] == pytest.approx(2 / 3) and s["by_group"]["format"]["occurrences"] == 3
    assert s["by_group"]["style"]["strict"] == pytest.approx(1.0) and s["by_group"]["style"]["n"] == 1
    assert s["by_constraint"]["length.characters"]["loose"] == pytest.approx(1.0)
    assert s["errors"]["skipped"] == 1
    lo, hi = s["instruction_accuracy"]["strict_ci"]
    assert 0 <= lo <= 4 / 6 <= hi <= 1


# --- loose mode and reasoning ------------------------------------------------------------------------------

def test_loose_mode_forgives_a_chatty_first_line_but_not_for_negation():
    answer = "承知しました！\n春は花が咲く季節だ。\n夏は暑い日が続く。"
    plain = instance("style.plain")
    [res] = offline_results([plain], answer)
    assert res.passed is False and res.loose is True
    assert "春は花が咲く季節だ。\n夏は暑い日が続く。" in loose_variants(answer)
    # not(contains 猫): the answer has 猫 only in its first line, so it fails strictly; dropping that line
    # would "satisfy" the negation, which loose mode must not allow.
    negated = instance("logic.negation", {"inner": "content.keyword_included",
                                          "inner_params": {"keywords": {"猫": 1}, "relation": "at_least"}})
    [neg] = offline_results([negated], "猫がいる。\n犬もいる。")
    assert neg.passed is False and neg.loose is False
    inner = instance("content.keyword_included", {"keywords": {"猫": 1}, "relation": "at_least"})
    assert offline_results([inner], "犬もいる。")[0].passed is False  # the cut variant breaks the inner


def test_think_blocks_are_reasoning():
    assert split_reasoning("<think>a\nb</think>\n答え") == ("答え", "a\nb")
    assert split_reasoning("<think>まだ考え中") == ("", "まだ考え中")
    assert split_reasoning("普通の答え <think>x</think>") == ("普通の答え <think>x</think>", None)


def test_processing_checks_read_the_task_text_when_there_is_no_document(small_set):
    from jfbench.sampling import InstanceSpec, Item

    task = "春の花について教えてください。"
    item = Item(id="x", n=1, prompt_id="p", category="c", prompt=task, document=None,
                constraints=[InstanceSpec(id="processing.repeat_document", params={"times": 2})], text=task)
    [res] = offline_results(item.instances(), f"{task}\n{task}\n桜がきれいです。", item.source_text)
    assert res.passed is True, res.reason


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(small_set, tmp_path):
    out = tmp_path / "run"
    with ScriptedOpenAIServer([{"sleep": 0.3, "content": ANSWER}]) as server:
        proc = _cli("eval", "--model", "vllm:m", "--base-url", server.base_url, "--set", str(small_set),
                    "--judge", "none", "--out", str(out), "--concurrency", "1")
        path = out / "responses.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (path.exists() and path.read_text(encoding="utf-8").strip()):
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    assert read_jsonl(path, ResponseRecord)  # what was answered is kept


def test_generation_settings_reach_each_provider_as_it_expects(monkeypatch, tmp_path):
    from jfbench.models import complete

    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-test")
    settings = GenSettings.parse(["temperature=0.3", "max_tokens=50", "seed=7", "reasoning_effort=high",
                                  'extra_body={"top_k": 20}'])
    with ScriptedOpenAIServer([{"content": ANSWER}]) as server:
        for provider in ("openrouter", "vllm"):
            spec = ModelSpec.parse(f"{provider}:vendor/m", base_url=server.base_url)

            async def ask(spec=spec):
                client = spec.client(timeout=5)
                try:
                    return await complete(client, spec, [{"role": "user", "content": "こんにちは"}], settings)
                finally:
                    await client.close()

            asyncio.run(ask())
        openrouter, vllm = server.requests
    assert openrouter["reasoning"] == {"effort": "high"} and "reasoning_effort" not in openrouter
    assert vllm["reasoning_effort"] == "high" and "reasoning" not in vllm
    for body in (openrouter, vllm):
        assert (body["temperature"], body["max_tokens"], body["seed"], body["top_k"]) == (0.3, 50, 7, 20)


def test_bare_openrouter_names_and_rate_limits():
    assert ModelSpec.parse("openrouter:gpt-5.1").model == "openai/gpt-5.1"
    assert ModelSpec.parse("openrouter:claude-sonnet-4.5").model == "anthropic/claude-sonnet-4.5"
    with pytest.raises(Exception, match="write it in full"):
        ModelSpec.parse("openrouter:mystery-model")
    from jfbench.models import RateLimiter

    async def starts() -> list[float]:
        limiter = RateLimiter(rpm=600)  # one start every 0.1 s
        times = []
        for _ in range(4):
            await limiter.wait()
            times.append(time.monotonic())
        return times

    t = asyncio.run(starts())
    assert t[-1] - t[0] >= 0.28


def test_offline_demo_runs_the_whole_pipeline(tmp_path):
    """The README's first command: bundled answers to 40 items, scored without a key or a network."""
    root = Path(__file__).resolve().parents[1]
    demo = root / "data" / "examples" / "jfbench-ja-v1-demo.jsonl"
    proc = _cli("eval", "--model", f"replay:{demo}", "--limit", "40", "--judge", "none", "--out", str(tmp_path),
                env={"OPENROUTER_API_KEY": "", "OPENAI_API_KEY": ""})
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert scores["n_items"] == scores["n_answered"] == 40
    assert {n: b["n_items"] for n, b in scores["by_n"].items()} == {"1": 10, "2": 10, "4": 10, "8": 10}
    strict = scores["instruction_accuracy"]["strict"]
    assert 0.3 < strict < 0.9  # some answers comply, some do not
    assert 0 < scores["prompt_accuracy"]["strict"] < 1
    assert "prompt strict" in stdout


def test_error_thresholds_decide_the_exit_code(small_set, tmp_path):
    items, _ = load_items(small_set)
    replay = tmp_path / "answers.jsonl"
    replay.write_text("".join(json.dumps({"item_id": it.id, "response": ANSWER}, ensure_ascii=False) + "\n"
                              for it in items[:-2]), encoding="utf-8")
    base = ["eval", "--model", f"replay:{replay}", "--set", str(small_set), "--judge", "none"]
    for extra, code in ((["--max-errors", "1"], 1), (["--max-errors", "2"], 0), (["--fail-on-error", "0.1"], 1),
                        (["--fail-on-error", "0.2"], 0), ([], 0)):
        proc = _cli(*base, "--out", str(tmp_path / f"r{len(extra)}{code}{extra[-1] if extra else ''}"), *extra)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == code, (extra, stderr)
        assert "2 items failed" in stderr
