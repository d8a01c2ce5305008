"""The `jfbench` command as a user runs it (in-process through typer's runner, and once as a real process)."""

import json
import subprocess
import sys

from conftest import ROOT
from typer.testing import CliRunner

from jfbench import catalog
from jfbench.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_list_json_describes_every_constraint():
    result = run("list", "--json")
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    assert {e["id"] for e in entries} == set(catalog.ids())
    required = {"id", "group", "kind", "train", "output_format", "aliases", "params", "test_wording",
                "train_wordings", "examples"}
    for entry in entries:
        assert required <= set(entry)
        assert entry["examples"] and {"params", "response", "passed"} <= set(entry["examples"][0])
        assert entry["params"]["type"] == "object"


def test_list_filters():
    train = json.loads(run("list", "--json", "--train").stdout)
    assert train and all(e["train"] for e in train)
    group = json.loads(run("list", "--json", "--group", "character").stdout)
    assert len(group) == 13
    bad = run("list", "--group", "charcter")
    assert bad.exit_code == 2 and "unknown group" in bad.stderr


def test_list_table_shows_full_ids():
    result = run("list", "--group", "character")
    assert result.exit_code == 0 and "character.japanese_punctuation" in result.stdout


def test_show():
    result = run("show", "NoCommasConstraint")
    assert result.exit_code == 0
    assert "character.no_commas" in result.stdout and "examples" in result.stdout


def test_check_one_off_exit_codes():
    ok = run("check", "character.no_commas", "--response", "今日は晴れです。")
    assert ok.exit_code == 0 and "PASS" in ok.stdout
    bad = run("check", "character.no_commas", "--response", "今日は、晴れです。")
    assert bad.exit_code == 1 and "FAIL" in bad.stdout and "、" in bad.stdout


def test_check_one_off_json_with_params_and_file(tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("あ" * 120, encoding="utf-8")
    result = run("check", "length.characters", "--params", '{"min": 100, "max": 150}',
                 "--response", f"@{answer}", "--json", "--timings")
    record = json.loads(result.stdout)
    assert result.exit_code == 0
    assert record["constraint"] == "length.characters" and record["passed"] is True and record["seconds"] >= 0


def test_check_through_jfbench_alias_and_kwargs():
    result = run("check", "CharactersLengthConstraint", "--kwargs", '{"min_length": 3, "max_length": 5}',
                 "--response", "あいうえおか", "--json")
    record = json.loads(result.stdout)
    assert result.exit_code == 1 and record["constraint"] == "length.characters" and record["passed"] is False


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    cases = [
        (["check", "length.charcters", "--response", "x"], "did you mean length.characters"),
        (["check", "length.characters", "--params", '{"min": 0, "max": 10}', "--response", "x"], "min"),
        (["check", "length.characters", "--params", "{min: 1}", "--response", "x"], "--params is not valid JSON"),
        (["check", "length.characters", "--params", "[1]", "--response", "x"], "must be a JSON object"),
        (["check", "character.no_commas", "--response", f"@{tmp_path / 'missing.txt'}"], "cannot read"),
        (["check", "--cases", str(tmp_path / "missing.jsonl")], "does not exist"),
        (["check", "character.no_commas"], "--response"),
        (["check", "NoCommasConstraint", "--kwargs", '{"width": 3}', "--response", "x"], "width"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_batch_keeps_order_and_survives_bad_lines(tmp_path):
    lines = [
        {"id": "a", "constraint": "character.no_commas", "response": "今日は、晴れ"},
        "this is not json",
        {"id": "c", "constraint": "NoCommasConstraint", "kwargs": {}, "response": "晴れ"},
        {"id": "d", "constraint": "length.characters", "params": {"min": 5}, "response": "x"},
        {"id": "e", "constraint": "character.no_comas", "response": "x"},
        {"id": "f", "constraint": {"module": "jfbench.constraints.length.characters",
                                   "name": "CharactersLengthConstraint",
                                   "kwargs": {"min_length": 1, "max_length": 3}}, "response": "あい"},
        {"id": "g", "constraint": "character.no_commas"},
        {"id": "h", "constraint": "character.no_commas", "response": ""},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
                    + "\n\n", encoding="utf-8")
    result = run("check", "--cases", str(path), "--timings")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", "d", "e", "f", "g", "h"]
    assert [o["passed"] for o in out] == [False, None, True, False, None, True, None, False]
    assert [o["method"] for o in out] == ["rule", "error", "rule", "rule", "error", "rule", "error", "rule"]
    assert out[3]["constraint"] == "length.characters" and "seconds" in out[0]
    assert "did you mean" in out[4]["error"] and "response" in out[6]["error"]


def test_batch_from_stdin():
    stdin = json.dumps({"id": 1, "constraint": "character.no_whitespace", "response": "あい う"}) + "\n"
    result = run("check", "--cases", "-", stdin=stdin)
    assert json.loads(result.stdout)["passed"] is False


def test_bundled_demo_cases_run_as_installed():
    """The README's first command, as a real process."""
    cases = str(ROOT / "data" / "demo_cases.jsonl")
    proc = subprocess.run([sys.executable, "-m", "jfbench", "check", "--cases", cases],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) >= 10 and {o["passed"] for o in out} == {True, False}
    assert all(o["method"] == "rule" for o in out)
