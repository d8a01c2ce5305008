"""make-train rows (JFTrain) and the reward functions."""

from __future__ import annotations

import collections
import json
import subprocess
import sys

import pytest

from jfbench import catalog
from jfbench.prompts import BasePrompt, bundled_prompts
from jfbench.reward import compute_score, reward_fn
from jfbench.sampling import combination_problem
from jfbench.train import decontaminate, size_counts, train_rows

TRAIN_IDS = {c.id for c in catalog.all_constraints() if c.train}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return list(train_rows(bundled_prompts("train"), 2000, seed=5))


def test_the_train_pool_is_disjoint_from_the_test_pool():
    train, test = bundled_prompts("train"), bundled_prompts("test")
    assert len(train) >= 1000 and len({p.id for p in train}) == len(train)
    assert not {p.id for p in train} & {p.id for p in test}
    kept, dropped = decontaminate(train, test)
    assert dropped == [] and len(kept) == len(train)


def test_rows_are_deterministic_and_follow_the_rules(rows):
    again = list(train_rows(bundled_prompts("train"), 2000, seed=5))
    assert [json.dumps(r, ensure_ascii=False) for r in again] == [json.dumps(r, ensure_ascii=False) for r in rows]
    assert collections.Counter(r["n_constraints"] for r in rows) == size_counts(2000)
    assert size_counts(2000) == {1: 572, 2: 572, 4: 571, 8: 285}
    prompts = {p.id: p for p in bundled_prompts("train")}
    wordings: collections.defaultdict[str, set[int]] = collections.defaultdict(set)
    for r in rows:
        assert {c["id"] for c in r["constraints"]} <= TRAIN_IDS
        instances = [catalog.instance(c["id"], c["params"]) for c in r["constraints"]]
        if r["n_constraints"] >= 2:
            assert any(i.output_format for i in instances)
        assert combination_problem(instances, prompts[r["prompt_id"]]) is None
        text = r["messages"][0]["content"]
        for c, inst in zip(r["constraints"], instances, strict=True):
            assert c["wording"] in range(5)
            assert inst.wording(c["wording"]) in text and inst.wording() not in text  # never the test wording
            wordings[c["id"]].add(c["wording"])
        truth = json.loads(r["ground_truth"])
        assert r["dataset"] == "jfbench" and [c["id"] for c in truth["constraints"]] == [
            c["id"] for c in r["constraints"]]
    assert set(wordings) == TRAIN_IDS  # every train constraint, with all five paraphrases
    assert all(w == set(range(5)) for w in wordings.values())


def test_decontamination_drops_copies_of_test_prompts():
    test = bundled_prompts("test")
    mine = [BasePrompt(id="copy", text=test[0].text, document=test[0].document),
            BasePrompt(id="near", text=test[1].text + "よろしくお願いします。"),
            BasePrompt(id="own", text="週末に家族で楽しめるボードゲームを三つ紹介してください。")]
    kept, dropped = decontaminate(mine, test)
    assert dropped == ["copy", "near"] and [p.id for p in kept] == ["own"]


def test_rewards_score_the_share_of_constraints_met(rows):
    row = next(r for r in rows if r["n_constraints"] == 1 and r["constraints"][0]["id"] == "length.characters"
               and r["constraints"][0]["params"].get("min"))
    params = row["constraints"][0]["params"]
    good = "あ" * params["min"]
    assert compute_score("jfbench", good, row["ground_truth"]) == 1.0
    assert compute_score("jfbench", "短い。", row["ground_truth"]) == 0.0
    assert reward_fn([row["messages"]], [[{"role": "assistant", "content": "<think>考え中</think>" + good}]],
                     [row["ground_truth"]]) == [1.0]


def test_make_train_command(tmp_path):
    out = tmp_path / "train.jsonl"
    proc = subprocess.run([sys.executable, "-m", "jfbench", "make-train", "--n", "200", "--out", str(out),
                           "--format", "messages", "--seed", "3"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200 and "ground_truth" not in json.loads(lines[0])
    bad = subprocess.run([sys.executable, "-m", "jfbench", "make-train", "--n", "5", "--out", str(out),
                          "--format", "dpo"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "sft and dpo need --sample-model" in bad.stderr


# --- best-of-N ------------------------------------------------------------------------------------------

def _items_for_best_of_n():
    from jfbench.sampling import InstanceSpec, Item

    specs = [InstanceSpec(id="length.characters", params={"min": 10, "max": 40}, wording=0),
             InstanceSpec(id="content.keyword_included", params={"keywords": {"桜": 1}, "relation": "at_least"},
                          wording=1)]
    return [Item(id=f"t{k}", n=2, prompt_id="p", category="c", prompt="春について書いてください。", document=None,
                 constraints=specs, text=f"春について書いてください。({k})") for k in range(3)]


GOOD = "春は桜が咲き、町がやわらかな色に包まれます。"  # 22 characters, with 桜
BAD_ONE = "春は暖かくなり、町がやわらかな色に包まれます。"  # no 桜
BAD_TWO = "春。"  # too short, no 桜


def test_best_of_n_writes_verified_sft_and_dpo_rows(tmp_path):
    import asyncio

    from openai_server import ScriptedOpenAIServer

    from jfbench.models import GenSettings, ModelSpec
    from jfbench.train import best_of_n

    items = _items_for_best_of_n()
    script = [{"content": GOOD}, {"content": BAD_ONE}, {"content": BAD_TWO}] * 2 + [{"content": BAD_ONE}]
    with ScriptedOpenAIServer(script) as server:
        spec = ModelSpec.parse("vllm:m", base_url=server.base_url)
        stats = asyncio.run(best_of_n(items, tmp_path / "work", spec, GenSettings(temperature=1.0),
                                      tmp_path / "dpo.jsonl", "dpo", samples=3, concurrency=1, backoff=0.01))
        assert len(server.requests) == 9
        sft = asyncio.run(best_of_n(items, tmp_path / "work", spec, GenSettings(temperature=1.0),
                                    tmp_path / "sft.jsonl", "sft", samples=3, concurrency=1))
        assert len(server.requests) == 9  # the saved answers are reused, not asked again
    assert stats == {"items": 3, "answers": 9, "failed": 0, "rows": 2, "rewritten": 0} and sft["rows"] == 2
    dpo_rows = [json.loads(x) for x in (tmp_path / "dpo.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in dpo_rows:
        assert row["chosen"] == [{"role": "assistant", "content": GOOD}]
        assert row["rejected"] == [{"role": "assistant", "content": BAD_TWO}] and row["rejected_failed"] == 2
        assert row["prompt"][0]["role"] == "user"
    sft_rows = [json.loads(x) for x in (tmp_path / "sft.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["messages"][-1] == {"role": "assistant", "content": GOOD} for r in sft_rows)
    verdicts = (tmp_path / "work" / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(verdicts) == 9


def test_a_verified_rewrite_becomes_the_chosen_answer(tmp_path):
    import asyncio

    from openai_server import ScriptedOpenAIServer

    from jfbench.models import GenSettings, ModelSpec
    from jfbench.train import best_of_n

    items = _items_for_best_of_n()[:1]
    with ScriptedOpenAIServer([{"content": BAD_ONE}, {"content": BAD_TWO}, {"content": GOOD}]) as server:
        spec = ModelSpec.parse("vllm:m", base_url=server.base_url)
        stats = asyncio.run(best_of_n(items, tmp_path / "work", spec, GenSettings(), tmp_path / "dpo.jsonl", "dpo",
                                      samples=2, concurrency=1, rewrite_spec=spec))
        rewrite_request = server.requests[2]["messages"][0]["content"]
    assert stats["rewritten"] == 1 and stats["rows"] == 1
    assert BAD_ONE in rewrite_request and "【満たしていない条件】" in rewrite_request  # the best failing answer
    [row] = [json.loads(x) for x in (tmp_path / "dpo.jsonl").read_text(encoding="utf-8").splitlines()]
    assert row["chosen"][0]["content"] == GOOD and row["rejected"][0]["content"] == BAD_TWO


def test_best_of_n_command_resumes_after_a_kill(tmp_path):
    import signal
    import time

    from openai_server import ScriptedOpenAIServer

    out, work = tmp_path / "sft.jsonl", tmp_path / "work"
    args = [sys.executable, "-m", "jfbench", "make-train", "--n", "6", "--out", str(out), "--format", "sft",
            "--samples", "2", "--work-dir", str(work), "--concurrency", "1", "--seed", "1"]
    with ScriptedOpenAIServer([{"sleep": 0.1, "content": GOOD}]) as server:
        proc = subprocess.Popen([*args, "--sample-model", "vllm:m", "--base-url", server.base_url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answers = work / "responses.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (answers.exists() and
                                                   answers.read_text(encoding="utf-8").count("\n") >= 3):
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first = len(server.requests)
        saved = answers.read_text(encoding="utf-8").count("\n")
        done = subprocess.run([*args, "--sample-model", "vllm:m", "--base-url", server.base_url],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert len(server.requests) - first == 12 - saved  # only the missing answers were asked for
    lines = answers.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12 and len({json.loads(x)["item_id"] for x in lines}) == 12
    assert out.exists()
