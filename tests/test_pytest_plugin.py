"""The pytest plugin (jfbench/pytest_plugin.py) as users run it: pytest sessions inside this one (pytester).

Run folders are built from hand-made verdicts through jfbench.scoring.score, so every rate and interval the
gate reads is a real one.
"""

import json
import math
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from openai_server import ScriptedOpenAIServer

from jfbench.pytest_plugin import Checker, gated_metrics, scores_model
from jfbench.run import RunConfig
from jfbench.scoring import score
from jfbench.verify import InstanceResult, ItemVerdicts

pytest_plugins = ["pytester"]

GROUP_OF = {"format.json": "format", "length.characters": "length", "style.polite": "style",
            "notation.date_ymd": "notation"}


def verdict(cid: str, passed: bool | None) -> InstanceResult:
    return InstanceResult(id=cid, group=GROUP_OF[cid], passed=passed, loose=passed,
                          method="rule" if passed is not None else "skipped",
                          reason="hand-made" if passed is not None else "needs an LLM judge")


def simple(passes: int, total: int, cid: str = "format.json") -> list[ItemVerdicts]:
    """`total` items with one constraint each, the first `passes` of them passing."""
    return [ItemVerdicts(item_id=f"item-{k:03d}", n=1, results=[verdict(cid, k < passes)]) for k in range(total)]


def mixed(total: int = 24, sizes: tuple[int, ...] = (1, 2, 4)) -> list[ItemVerdicts]:
    """Items with 1, 2 and 4 constraints over four groups, about two thirds of the constraints passing."""
    ids = list(GROUP_OF)
    items = []
    for k in range(total):
        n = sizes[k % len(sizes)]
        items.append(ItemVerdicts(item_id=f"item-{k:03d}", n=n, results=[
            verdict(ids[(k + j) % len(ids)], (7 * k + j) % 3 != 0) for j in range(n)]))
    return items


def write_run(folder: Path, items: list[ItemVerdicts], sha: str = "ab" * 32) -> Path:
    """A run folder as `jfbench eval` leaves it (run.json and scores.json; the other files are not read)."""
    folder.mkdir(parents=True)
    config = RunConfig(model="replay:answers.jsonl", dataset="jfbench-ja-v1.jsonl", dataset_sha256=sha)
    (folder / "run.json").write_text(config.model_dump_json(indent=2), encoding="utf-8")
    (folder / "scores.json").write_text(json.dumps(score(items), ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def scores_of(folder: Path) -> dict:
    return json.loads((folder / "scores.json").read_text(encoding="utf-8"))


# Inner sessions skip the cache and hypothesis's plugin, which imports hypothesis (0.8 s) at every summary.
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(*QUIET, *args)


def summary_rows(result: pytest.RunResult) -> dict[str, str]:
    """metric name -> its line in the terminal summary table."""
    lines = result.outlines[result.outlines.index(next(x for x in result.outlines if "jfbench gate" in x)):]
    return {line.split()[0]: line for line in lines if line.startswith(("prompt_accuracy", "by_", "min_score"))}


def has_line(result: pytest.RunResult, text: str) -> bool:
    """Whether a line of the output contains `text` (fnmatch patterns would read "[0.1, 0.2]" as a class)."""
    return any(text in line for line in result.outlines)


def assert_usage_error(result: pytest.RunResult, *phrases: str) -> str:
    """pytest's own way of refusing bad input: exit code 4 and one "ERROR: ..." line, no traceback."""
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.startswith("ERROR: ")]
    assert len(errors) == 1, result.errlines
    for phrase in phrases:
        assert phrase in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    return errors[0]


# --- registration ---------------------------------------------------------------------------------------

def test_registered_as_a_pytest11_entry_point_and_idle_without_options(pytester):
    assert [ep.value for ep in entry_points(group="pytest11") if ep.name == "jfbench"] == ["jfbench.pytest_plugin"]
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert "jfbench-0.1.0" in result.stdout.str() and "jfbench gate" not in result.stdout.str()
    help_text = run(pytester, "--help").stdout.str()
    for option in ("--jfbench-run", "--jfbench-baseline", "--jfbench-tolerance", "--jfbench-significance",
                   "--jfbench-update-baseline", "--jfbench-min-score", "--jfbench-judge"):
        assert option in help_text


# --- the gate -------------------------------------------------------------------------------------------

def test_equal_baseline_passes_every_gated_metric_without_a_test_file(pytester):
    folder = write_run(pytester.path / "run", mixed())
    scores = scores_of(folder)
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "run/scores.json", "-v")
    expected = 2 + len(scores["by_n"]) + len(scores["by_group"])
    assert (len(scores["by_n"]), len(scores["by_group"])) == (3, 4)
    result.assert_outcomes(passed=expected)
    result.stdout.fnmatch_lines(["*jfbench::prompt_accuracy.strict PASSED*",
                                 "*jfbench::prompt_accuracy.loose PASSED*",
                                 "*jfbench::by_n.4.prompt_accuracy.strict PASSED*",
                                 "*jfbench::by_group.format PASSED*"])
    rows = summary_rows(result)
    assert len(rows) == expected and all("PASS: equal" in row and "+0.000" in row for row in rows.values())


def test_significant_drop_fails_and_the_message_has_the_numbers(pytester):
    write_run(pytester.path / "base", simple(32, 40))
    write_run(pytester.path / "run", simple(16, 40))
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json")
    result.assert_outcomes(failed=4)  # overall strict and loose, by_n.1, by_group.format
    assert result.ret == pytest.ExitCode.TESTS_FAILED

    # By hand: 32/40 = 0.8 against 16/40 = 0.4; se from each 95% interval; one-sided z against 1.645.
    b = scores_of(pytester.path / "base")["prompt_accuracy"]
    r = scores_of(pytester.path / "run")["prompt_accuracy"]
    assert (b["strict"], r["strict"]) == (0.8, 0.4)
    se_b, se_r = ((ci[1] - ci[0]) / 3.92 for ci in (b["strict_ci"], r["strict_ci"]))
    z = (0.8 - 0.4) / math.sqrt(se_b ** 2 + se_r ** 2)
    assert z > 1.645
    ci = "[{:.3f}, {:.3f}]".format
    assert has_line(result, f"prompt_accuracy.strict fell from 0.800 {ci(*b['strict_ci'])} (baseline) to 0.400 "
                            f"{ci(*r['strict_ci'])} (run): -0.400, beyond the tolerance 0.010 and significant at "
                            f"0.05 (z = {z:.2f} > 1.64; se baseline {se_b:.3f}, run {se_r:.3f})")
    row = summary_rows(result)["prompt_accuracy.strict"]
    assert "-0.400" in row and f"FAIL: significant drop (z = {z:.2f})" in row


def test_a_small_drop_inside_the_tolerance_passes(pytester):
    write_run(pytester.path / "base", simple(32, 40))
    write_run(pytester.path / "run", simple(31, 40))  # 0.775: 0.025 below
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json",
                 "--jfbench-tolerance", "0.05")
    result.assert_outcomes(passed=4)
    assert "PASS: within tolerance" in summary_rows(result)["prompt_accuracy.strict"]


def test_a_drop_beyond_the_tolerance_that_is_not_significant_passes(pytester):
    write_run(pytester.path / "base", simple(8, 10))
    write_run(pytester.path / "run", simple(7, 10))  # 0.1 below, on 10 items: well inside the noise
    b = scores_of(pytester.path / "base")["prompt_accuracy"]
    r = scores_of(pytester.path / "run")["prompt_accuracy"]
    se = [(ci[1] - ci[0]) / 3.92 for ci in (b["strict_ci"], r["strict_ci"])]
    z = 0.1 / math.hypot(*se)
    assert z < 1.645
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json")
    result.assert_outcomes(passed=4)
    assert f"PASS: not significant (z = {z:.2f})" in summary_rows(result)["prompt_accuracy.strict"]
    # The same drop with a stricter significance level is still not enough; a looser one is.
    run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json",
        "--jfbench-significance", "0.001").assert_outcomes(passed=4)
    run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json",
        "--jfbench-significance", "0.45", "-k", "prompt_accuracy.strict and not by_n").assert_outcomes(failed=1)


def test_without_intervals_the_tolerance_alone_decides(pytester):
    write_run(pytester.path / "base", simple(1, 1))  # one item: a zero-width interval, n = 1
    write_run(pytester.path / "run", simple(0, 1))
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json",
                 "-k", "prompt_accuracy.strict and not by_n")
    result.assert_outcomes(failed=1)
    assert has_line(result, "prompt_accuracy.strict fell from 1.000 [1.000, 1.000] (baseline) to 0.000 "
                            "[0.000, 0.000] (run): -1.000, beyond the tolerance 0.010; decided on the "
                            "tolerance alone: no interval for the baseline (n = 1) and the run (n = 1)")


def test_a_perfect_baseline_is_not_infinitely_certain():
    """A zero-width bootstrap interval at 1.0 over 10 items still has a binomial spread (Agresti-Coull)."""
    base = gated_metrics(scores_model().model_validate(score(simple(10, 10))))["prompt_accuracy.strict"]
    assert base.ci == (1.0, 1.0) and 0.03 < base.se() < 0.1
    assert gated_metrics(scores_model().model_validate(score(simple(1, 1))))["prompt_accuracy.strict"].se() is None


def test_missing_metrics_fail_and_undecided_ones_skip(pytester):
    write_run(pytester.path / "base", mixed(sizes=(1, 2)))
    # The run has no items with 2 constraints, judged style verdicts only (undecided), and no notation.
    run_items = [ItemVerdicts(item_id=f"item-{k:03d}", n=1, results=[
        verdict("format.json", True) if k % 2 else verdict("style.polite", None)]) for k in range(12)]
    write_run(pytester.path / "run", run_items)
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", "base/scores.json", "-rs",
                 "--jfbench-tolerance", "1")
    result.stdout.fnmatch_lines([
        "by_n.2.prompt_accuracy.strict is in the baseline (*) but missing from the run: the run has no items "
        "with 2 constraints; score the full set, or update the baseline",
        "by_group.notation is in the baseline (*) but missing from the run: the run has no constraints of "
        "group 'notation'*",
    ])
    result.stdout.fnmatch_lines(["SKIPPED*by_group.style: no decided verdicts in the run*"])
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 3 and outcomes["skipped"] == 1  # by_n.2, by_group.notation, by_group.length


def test_update_baseline_writes_the_format_the_gate_reads(pytester):
    folder = write_run(pytester.path / "run", mixed())
    target = pytester.path / "baselines" / "model.json"
    run(pytester, "--jfbench-run", "run", "--jfbench-baseline", str(target), "--jfbench-update-baseline",
        "--collect-only")
    assert not target.exists()  # collecting writes nothing
    result = run(pytester, "--jfbench-run", "run", "--jfbench-baseline", str(target), "--jfbench-update-baseline")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"wrote the baseline {target}"])
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["baseline_source"]["model"] == "replay:answers.jsonl"
    assert gated_metrics(scores_model().model_validate(written)) == \
        gated_metrics(scores_model().model_validate(scores_of(folder)))
    assert [p.name for p in target.parent.iterdir()] == ["model.json"]  # no temporary file left behind
    run(pytester, "--jfbench-run", "run", "--jfbench-baseline", str(target)).assert_outcomes(passed=9)
    # A run of another benchmark set is still compared, with a note that the numbers may not be comparable.
    write_run(pytester.path / "other", mixed(), sha="cd" * 32)
    result = run(pytester, "--jfbench-run", "other", "--jfbench-baseline", str(target))
    result.assert_outcomes(passed=9)
    assert has_line(result, "note: the baseline was scored on another benchmark set (sha256 abababababab vs "
                            "cdcdcdcdcdcd)")


def test_absolute_floor(pytester):
    write_run(pytester.path / "run", simple(16, 40))  # 0.4
    passing = run(pytester, "--jfbench-run", "run", "--jfbench-min-score", "0.35", "-v")
    passing.assert_outcomes(passed=1)
    passing.stdout.fnmatch_lines(["*jfbench::min_score.prompt_accuracy.strict PASSED*"])
    failing = run(pytester, "--jfbench-run", "run", "--jfbench-min-score", "0.5")
    failing.assert_outcomes(failed=1)
    lo, hi = scores_of(pytester.path / "run")["prompt_accuracy"]["strict_ci"]
    assert has_line(failing, f"prompt_accuracy.strict is 0.400 [{lo:.3f}, {hi:.3f}], below the floor 0.500 "
                             "(--jfbench-min-score)")


def test_k_and_m_select_gate_tests_and_user_tests_still_run(pytester):
    write_run(pytester.path / "run", mixed())
    pytester.makepyfile(test_app="def test_app():\n    assert True\n")
    args = ("--jfbench-run", "run", "--jfbench-baseline", "run/scores.json")
    run(pytester, *args).assert_outcomes(passed=10)
    run(pytester, *args, "-k", "by_group").assert_outcomes(passed=4, deselected=6)
    run(pytester, *args, "-m", "jfbench").assert_outcomes(passed=9, deselected=1)
    result = run(pytester, *args, "-k", "by_n.4")
    result.assert_outcomes(passed=1, deselected=9)
    assert "not run (would pass: equal)" in summary_rows(result)["by_group.format"]


def test_ini_options_with_paths_relative_to_the_ini_file(pytester):
    write_run(pytester.path / "runs" / "a", mixed())
    pytester.makeini("[pytest]\njfbench_run = runs/a\njfbench_baseline = runs/a/scores.json\n"
                     "jfbench_tolerance = 0.02\n")
    sub = pytester.mkdir("sub")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(sub)
        result = pytester.runpytest_inprocess(*QUIET, str(pytester.path))
    result.assert_outcomes(passed=9)
    assert "tolerance 0.02" in result.stdout.str()


def test_a_baseline_in_the_ini_file_alone_leaves_plain_runs_alone(pytester):
    pytester.makeini("[pytest]\njfbench_baseline = baselines/model.json\n")
    pytester.makepyfile(test_app="def test_app():\n    assert True\n")
    run(pytester).assert_outcomes(passed=1)


@pytest.mark.parametrize(("args", "phrases"), [
    (["--jfbench-run", "nowhere", "--jfbench-baseline", "base/scores.json"], ["--jfbench-run: no run folder at"]),
    (["--jfbench-run", "empty", "--jfbench-baseline", "base/scores.json"],
     ["has no scores.json", "jfbench score"]),
    (["--jfbench-run", "broken", "--jfbench-baseline", "base/scores.json"],
     ["scores.json is not valid JSON (Expecting"]),
    (["--jfbench-run", "base", "--jfbench-baseline", "missing.json"],
     ["--jfbench-baseline: no file at", "--jfbench-update-baseline"]),
    (["--jfbench-run", "base", "--jfbench-baseline", "base/run.json"],
     ["is not a jfbench scores file (schema_version: Field required)"]),
    (["--jfbench-run", "base", "--jfbench-baseline", "future.json"], ["schema_version 2; this jfbench reads 1"]),
    (["--jfbench-baseline", "base/scores.json"], ["--jfbench-baseline needs --jfbench-run"]),
    (["--jfbench-min-score", "0.3"], ["--jfbench-min-score needs --jfbench-run"]),
    (["--jfbench-update-baseline"], ["--jfbench-update-baseline needs --jfbench-run"]),
    (["--jfbench-run", "base", "--jfbench-update-baseline"], ["--jfbench-update-baseline needs --jfbench-baseline"]),
    (["--jfbench-run", "base"], ["--jfbench-run needs --jfbench-baseline"]),
    (["--jfbench-run", "base", "--jfbench-min-score", "high"], ["--jfbench-min-score: 'high' is not a number"]),
    (["--jfbench-run", "base", "--jfbench-baseline", "base", "--jfbench-significance", "0"],
     ["--jfbench-significance: 0 is out of range"]),
])
def test_bad_input_is_one_clean_error_line(pytester, args, phrases):
    base = write_run(pytester.path / "base", simple(3, 4))
    (pytester.path / "empty").mkdir()
    (pytester.path / "broken").mkdir()
    (pytester.path / "broken" / "scores.json").write_text('{"schema_version": 1,', encoding="utf-8")
    (pytester.path / "future.json").write_text(
        (base / "scores.json").read_text(encoding="utf-8").replace('"schema_version": 1', '"schema_version": 2'),
        encoding="utf-8")
    assert_usage_error(run(pytester, *args), *phrases)


# --- the fixture ----------------------------------------------------------------------------------------

APP_TESTS = '''
import json

import pytest

SUMMARY = '{"要約": "台風の接近により、明日の午後は大雨になる見込みです。", "注意": "不要な外出は控えてください。"}'


def test_summary_is_short_json(jfbench):
    verdict = jfbench.check(SUMMARY, "format.json", top_level="object")
    assert verdict.passed and verdict.method == "rule"
    jfbench.assert_follows(SUMMARY, [("format.json", {}), ("length.characters", {"min": 1, "max": 150})])


def test_plain_reply_breaks_the_rules(jfbench):
    jfbench.assert_follows("明日は晴れるので、傘は要らない。",
                           ["format.json", ("length.characters", {"min": 1, "max": 10}), "style.polite",
                            ("character.no_commas", {})])


@pytest.mark.jfbench_constraints("style.polite")
class TestReplies:
    @pytest.mark.jfbench_constraints([("length.characters", {"max": 30})])
    def test_markers_supply_the_constraints(self, jfbench):
        verdicts = jfbench.assert_follows("明日は晴れる見込みです。傘は要りません。")
        assert [v.method for v in verdicts] == ["heuristic", "rule"]  # the class's, then the test's


def test_processing_constraints_read_the_document(jfbench):
    document = "富士山は日本で最も高い山です。標高は3776メートルです。"
    jfbench.assert_follows("富士山は日本", [("processing.extract_prefix", {"length": 6})], document=document)


def test_judge_constraint_needs_a_judge(jfbench):
    jfbench.assert_follows("本日はご来店いただき、誠にありがとうございます。", ["style.formal_tone", "style.polite"])


def test_undecided_can_be_allowed(jfbench):
    verdicts = jfbench.assert_follows("本日はご来店いただき、誠にありがとうございます。",
                                      ["style.formal_tone"], allow_undecided=True)
    assert verdicts[0].passed is None and verdicts[0].method == "skipped"


def test_unknown_id(jfbench):
    jfbench.check("こんにちは。", "format.jsn")


def test_bad_params(jfbench):
    jfbench.assert_follows("こんにちは。", [("length.characters", {"min": 0})])
'''


def test_fixture_passes_and_fails_with_every_violated_constraint_and_its_reason(pytester):
    pytester.makepyfile(test_app=APP_TESTS)
    result = run(pytester, "-rf")
    result.assert_outcomes(passed=4, failed=4)
    result.stdout.fnmatch_lines([
        "E       AssertionError: the answer violates 4 of 4 constraints:",
        "E         - format.json: not valid JSON at line 1, column 1*",
        "E         - length.characters {\"min\": 1, \"max\": 10}: 16 characters (whitespace excluded), needs "
        "between 1 and 10",
        "E         - style.polite: 1 sentence(s) end in plain form*",
        "E         - character.no_commas: *",
        "E       answer: '明日は晴れるので、傘は要らない。'",
    ], consecutive=True)
    result.stdout.fnmatch_lines([
        "E       AssertionError: the answer violates 1 of 2 constraints:",
        "E         - style.formal_tone: undecided: a judge constraint; run pytest with --jfbench-judge SPEC, or "
        "pass allow_undecided=True",
    ])
    result.stdout.fnmatch_lines([
        ">       jfbench.check(\"こんにちは。\", \"format.jsn\")",
        "E       jfbench.catalog.CatalogError: unknown constraint 'format.jsn'; did you mean format.json*",
    ], consecutive=True)
    result.stdout.fnmatch_lines(["E       jfbench.catalog.CatalogError: length.characters: min: Input should be "
                                 "greater than or equal to 1 (got 0); allowed: 1 <= min <= 100000"])


def test_fixture_with_a_judge_model(pytester, monkeypatch, tmp_path):
    monkeypatch.setenv("JFBENCH_CACHE_DIR", str(tmp_path / "cache"))
    pytester.makepyfile(test_app=textwrap.dedent('''
        def test_formal(jfbench):
            answer = "本日はご来店いただき、誠にありがとうございます。"
            verdicts = jfbench.assert_follows(answer, ["style.formal_tone", ("length.characters", {"max": 50})],
                                              instruction="来店客へのお礼を一文で書いてください。")
            assert [v.method for v in verdicts] == ["judge", "rule"]
            assert jfbench.check(answer, "style.polite").method == "judge"
    '''))
    good = json.dumps({"passed": True, "reason": "改まった語彙と敬語で書かれています"}, ensure_ascii=False)
    with ScriptedOpenAIServer([{"content": good}]) as server:
        result = run(pytester, "--jfbench-judge", "vllm:judge-model", "--jfbench-judge-base-url", server.base_url)
    result.assert_outcomes(passed=1)
    assert len(server.requests) == 2  # formal_tone and the hybrid polite; the rule constraint never asks
    assert "来店客へのお礼" in json.dumps(server.requests[0], ensure_ascii=False)


def test_a_bad_judge_spec_is_a_clean_error(pytester, monkeypatch):
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    assert_usage_error(run(pytester, "--jfbench-judge", "openrouter:openai/gpt-oss-120b"), "OPENROUTER_API_KEY")
    assert_usage_error(run(pytester, "--jfbench-judge", "nonsense"), "--jfbench-judge: model spec 'nonsense'")


def test_checker_outside_pytest_and_its_inputs():
    checker = Checker()
    assert checker.check("明日は晴れる見込みです。", "length.characters", max=12).passed
    assert not checker.check("明日は晴れる見込みです。", "length.characters", max=11).passed
    # One constraint on its own, {"id", "params"} records (a benchmark item's form) and JFBench aliases.
    assert checker.assert_follows("明日は晴れる見込みです。", ("length.characters", {"max": 12}))
    assert checker.assert_follows("明日は晴れる見込みです。", [{"id": "length.characters", "params": {"max": 12}},
                                                       ("CharactersLengthConstraint", {"min": 5}), "style.polite"])
    with pytest.raises(ValueError, match="no constraints to check"):
        checker.assert_follows("明日は晴れる見込みです。")
    with pytest.raises(TypeError, match="the response must be a str"):
        checker.check(None, "style.polite")
    with pytest.raises(ValueError, match="params must be a dict"):
        checker.assert_follows("はい。", [("length.characters", 12)])
