"""Reports and comparisons built from small hand-made runs, checked against hand computations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from markdown_it import MarkdownIt
from matplotlib.image import imread
from typer.testing import CliRunner

from jfbench.catalog import instance
from jfbench.cli import app
from jfbench.compare import compare_runs, comparison_markdown, holm, mcnemar_exact
from jfbench.models import Usage
from jfbench.report import build_report, excerpt, html_page, load_run, markdown, write_report
from jfbench.run import ResponseRecord, RunConfig, RunError, write_scores
from jfbench.sampling import Item
from jfbench.verify import InstanceResult, ItemVerdicts, offline_results

runner = CliRunner()
SHA = "ab" * 32
USAGE = Usage(prompt_tokens=100, completion_tokens=40, reasoning_tokens=10, cost=0.002)
GROUP = {"format.json": "format", "length.characters": "length", "style.polite": "style",
         "content.topic_included": "content"}
HOSTILE = ('以下をご確認ください。<script>alert(1)</script> ![x](http://example.com/x.png) | **太字** '
           '<img src="http://example.com/a">')


def make_run(folder: Path, model: str, rows: list[tuple[str, list[tuple[str, bool | None, bool | None, str]], str]],
             usage: Usage = USAGE) -> Path:
    """A run folder from (item id, [(constraint, strict, loose, reason)], answer) rows, scored for real."""
    folder.mkdir(parents=True)
    config = RunConfig(model=model, dataset="test-set", dataset_sha256=SHA, sizes=[1, 2], seed=0)
    (folder / "run.json").write_text(config.model_dump_json(indent=2), encoding="utf-8")
    verdicts, responses = [], {}
    for item_id, results, answer in rows:
        verdicts.append(ItemVerdicts(item_id=item_id, n=len(results), results=[
            InstanceResult(id=cid, group=GROUP[cid], passed=strict, loose=loose, reason=reason,
                           method="skipped" if strict is None else "rule") for cid, strict, loose, reason in results]))
        responses[item_id] = ResponseRecord(item_id=item_id, content=answer, usage=usage)
    (folder / "responses.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in responses.values()),
                                            encoding="utf-8")
    items = [Item.model_construct(id=item_id) for item_id, _, _ in rows]
    write_scores(folder, items, verdicts, responses)
    return folder


ROWS_A = [
    ("n1-0000", [("format.json", True, True, "valid JSON with an object at the top level")],
     '{"都市": "札幌", "人口": 196}'),
    ("n1-0001", [("length.characters", False, False, "224 characters (whitespace excluded), needs at most 100")],
     "札幌は北海道の道庁所在地で、冬には雪まつりが開かれます。" * 8),
    ("n1-0002", [("style.polite", False, True,
                  "1 sentence(s) end in plain form, e.g. 「冬はとても寒い」 (ends in 寒い); end them in です/ます")],
     "札幌へようこそ。見どころを紹介します。\n冬はとても寒い"),
    ("n2-0000", [("format.json", True, True, "valid JSON with an object at the top level"),
                 ("style.polite", True, True, "1 sentence(s) end in です/ます form and none in plain form")],
     '{"回答": "雪まつりは二月に開かれます。"}'),
    ("n2-0001", [("length.characters", False, False, "104 characters (whitespace excluded), needs at most 80"),
                 ("style.polite", True, True, "1 sentence(s) end in です/ます form and none in plain form")], HOSTILE),
    ("n2-0002", [("format.json", True, True, "valid JSON with an object at the top level"),
                 ("content.topic_included", None, None, "needs an LLM judge (--judge none)")], '{"話題": "観光"}'),
]


# The params behind ROWS_A's rule verdicts (the rest take none); the judge constraint stays undecided.
ROWS_A_PARAMS = {("n1-0001", "length.characters"): {"max": 100}, ("n2-0001", "length.characters"): {"max": 80}}


def test_the_fixture_verdicts_are_the_checkers():
    """ROWS_A's verdicts and reasons are what the real checkers say, so the report tests show real output."""
    for item_id, results, answer in ROWS_A:
        rules = [(cid, strict, loose, reason) for cid, strict, loose, reason in results if strict is not None]
        insts = [instance(cid, ROWS_A_PARAMS.get((item_id, cid), {})) for cid, *_ in rules]
        real = [(r.id, r.passed, r.loose, r.reason) for r in offline_results(insts, answer)]
        assert real == rules, item_id


@pytest.fixture(scope="module")
def run_a(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "a", "openrouter:vendor/model-a", ROWS_A)


@pytest.fixture(scope="module")
def run_b(tmp_path_factory) -> Path:
    rows = [(item_id, [(c, True, True, "ok") for c, *_ in results], "はい。") for item_id, results, _ in ROWS_A]
    usage = Usage(prompt_tokens=100, completion_tokens=900, reasoning_tokens=800, cost=0.01)
    return make_run(tmp_path_factory.mktemp("runs") / "b", "openrouter:vendor/model-b", rows, usage)


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_headline_numbers_match_hand_computation(run_a, tmp_path):
    write_report([load_run(run_a)], tmp_path)
    rows = {r["n"]: r for r in csv_rows(tmp_path / "headline.csv")}
    # Decided items: n1-0000 pass, n1-0001 fail, n1-0002 fail (loose pass), n2-0000 pass, n2-0001 fail;
    # n2-0002 has an undecided judge constraint and leaves the prompt-level denominator.
    assert rows["all"]["items"] == "5"
    assert float(rows["all"]["prompt_strict"]) == pytest.approx(2 / 5)
    assert float(rows["all"]["prompt_loose"]) == pytest.approx(3 / 5)
    # Decided instances: 1+1+1 (n=1) + 2 + 2 + 1 = 8; passes 1 + 2 + 1 + 1 = 5 strict, 6 loose.
    assert float(rows["all"]["instruction_strict"]) == pytest.approx(5 / 8)
    assert float(rows["all"]["instruction_loose"]) == pytest.approx(6 / 8)
    assert float(rows["1"]["prompt_strict"]) == pytest.approx(1 / 3)
    assert float(rows["2"]["prompt_strict"]) == pytest.approx(1 / 2)
    lo, hi = float(rows["all"]["prompt_strict_lo"]), float(rows["all"]["prompt_strict_hi"])
    assert 0 <= lo <= 0.4 <= hi <= 1
    assert set(rows) == {"all", "1", "2"}  # no n = 4 or 8 in this run
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| openrouter:vendor/model-a | all | 5 | 40.0% (" in md


def test_groups_usage_and_constraints_match_hand_computation(run_a, tmp_path):
    write_report([load_run(run_a)], tmp_path)
    groups = {r["group"]: r for r in csv_rows(tmp_path / "groups.csv")}
    assert len(groups) == 16
    assert float(groups["format"]["strict_0"]) == 1.0 and groups["format"]["occurrences_0"] == "3"
    assert float(groups["length"]["strict_0"]) == 0.0 and groups["length"]["occurrences_0"] == "2"
    assert float(groups["style"]["strict_0"]) == pytest.approx(2 / 3)
    assert float(groups["style"]["loose_0"]) == 1.0
    assert groups["content"]["strict_0"] == "" and groups["content"]["occurrences_0"] == "1"
    assert groups["logic"]["occurrences_0"] == ""

    usage = csv_rows(tmp_path / "usage.csv")[0]
    assert (usage["items"], usage["answered"], usage["skipped"]) == ("6", "6", "1")
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["reasoning_tokens"]) == ("600", "240", "60")
    assert usage["tokens_per_item"] == "140"  # (600 + 240) / 6: reasoning is inside the completion tokens
    assert float(usage["cost"]) == pytest.approx(0.012)

    constraints = csv_rows(tmp_path / "constraints.csv")
    assert [r["constraint"] for r in constraints] == [
        "length.characters", "style.polite", "format.json", "content.topic_included"]  # worst first, undecided last
    worst = constraints[0]
    assert float(worst["strict_0"]) == 0.0 and worst["kind"] == "rule"
    # The shortest failing answer is n2-0001's (n1-0001's is 224 characters long).
    assert worst["example_item"] == "n2-0001"
    assert worst["example_reason"] == "104 characters (whitespace excluded), needs at most 80"
    assert worst["example_answer"] == HOSTILE
    assert constraints[1]["example_item"] == "n1-0002"
    assert constraints[1]["example_answer"] == "札幌へようこそ。見どころを紹介します。↵冬はとても寒い"
    assert constraints[2]["example_item"] == ""  # format.json never fails


def test_html_is_self_contained_and_escapes_answers(run_a, run_b, tmp_path):
    page = write_report([load_run(run_a), load_run(run_b)], tmp_path)
    text = page.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(text)
    assert not doc.xpath("//script | //link | //iframe | //object | //embed")
    for element in doc.iter():
        for attr in ("src", "href", "srcset", "poster", "data"):
            value = element.get(attr)
            if value is not None:
                assert value.startswith(("data:image/png;base64,", "#")), (element.tag, attr, value[:60])
    assert "url(" not in text and "@import" not in text
    images = doc.xpath("//img")
    assert sorted(img.get("id") for img in images) == ["chart-accuracy_by_n", "chart-groups", "chart-tokens"]
    assert {t.get("id") for t in doc.xpath("//table")} == {"headline", "usage", "groups", "constraints", "runs"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Both models are in every comparative table, and the example answer is from the failing model A.
    constraints = doc.xpath("//table[@id='constraints']")[0].text_content()
    assert "openrouter:vendor/model-a strict" in constraints and "openrouter:vendor/model-b strict" in constraints
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    rendered = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(md))
    assert not rendered.xpath("//script | //a")  # the answer's markup stays text
    assert sorted(img.get("src") for img in rendered.xpath("//img")) == [
        "charts/accuracy_by_n.png", "charts/groups.png", "charts/tokens.png"]
    assert "<script>alert(1)</script>" in rendered.text_content()
    assert "charts/accuracy_by_n.png" in md and "charts/groups.png" in md and "charts/tokens.png" in md


def test_charts_are_nonblank_pngs(run_a, run_b, tmp_path):
    write_report([load_run(run_a), load_run(run_b)], tmp_path)
    for name in ("accuracy_by_n", "groups", "tokens"):
        path = tmp_path / "charts" / f"{name}.png"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = imread(path)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 400
        assert float(np.std(pixels[..., :3])) > 0.05, name  # not a blank canvas
        # The first model's bar colour (#4C72B0) is drawn.
        blue = np.all(np.abs(pixels[..., :3] - np.array([0x4C, 0x72, 0xB0]) / 255) < 0.02, axis=-1)
        assert blue.sum() > 50, name


def test_report_of_a_run_without_answers(tmp_path):
    run = make_run(tmp_path / "empty", "vllm:nothing", [])
    page = write_report([load_run(run)], run)
    assert page.exists() and (run / "report.md").exists()
    headline = csv_rows(run / "headline.csv")
    assert headline[0]["prompt_strict"] == ""


def test_same_model_twice_gets_distinct_labels(run_a, tmp_path):
    copy = tmp_path / "a-again"
    copy.mkdir()
    for name in ("run.json", "scores.json", "verdicts.jsonl", "responses.jsonl"):
        (copy / name).write_bytes((run_a / name).read_bytes())
    report = build_report([load_run(run_a), load_run(copy)])
    labels = [r.label for r in report.runs]
    assert labels[0] != labels[1] and all("model-a" in label for label in labels)
    assert "a-again" in markdown(report) and "a-again" in html_page(report)


def test_excerpt():
    assert excerpt("一行目\n二行目") == "一行目↵二行目"
    long = "あ" * 500
    assert len(excerpt(long)) == 120 and excerpt(long).endswith("…")


# --- CLI --------------------------------------------------------------------------------------------------

def test_cli_report_writes_every_file(run_a, run_b, tmp_path):
    result = runner.invoke(app, ["report", str(run_a), str(run_b), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output
    for name in ("report.md", "report.html", "headline.csv", "groups.csv", "constraints.csv", "usage.csv",
                 "runs.csv", "charts/accuracy_by_n.png", "charts/groups.png", "charts/tokens.png"):
        assert (tmp_path / "r" / name).exists(), name
    runs = csv_rows(tmp_path / "r" / "runs.csv")
    assert [r["spec"] for r in runs] == ["openrouter:vendor/model-a", "openrouter:vendor/model-b"]
    assert runs[0]["sha256"] == SHA and runs[0]["judge"] == "none"


@pytest.mark.parametrize("problem", ["missing", "no_scores", "bad_scores", "not_scores", "twice"])
def test_cli_report_bad_input_is_one_line(run_a, tmp_path, problem):
    folder = tmp_path / "run"
    args = [str(folder)]
    if problem != "missing":
        folder.mkdir()
        (folder / "run.json").write_bytes((run_a / "run.json").read_bytes())
    if problem == "bad_scores":
        (folder / "scores.json").write_text("{", encoding="utf-8")
    if problem == "not_scores":
        (folder / "scores.json").write_text(json.dumps({"accuracy": 1}), encoding="utf-8")
    if problem == "twice":
        args = [str(run_a), str(run_a)]
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.output.count("\n") == 1, result.output
    expected = {"missing": "is not a folder", "no_scores": "jfbench score", "bad_scores": "not JSON",
                "not_scores": "not a jfbench", "twice": "given twice"}[problem]
    assert expected in result.output


def test_eval_writes_the_report_by_default(tmp_path):
    demo = Path(__file__).resolve().parents[1] / "data" / "examples" / "jfbench-ja-v1-demo.jsonl"
    result = runner.invoke(app, ["eval", "--model", f"replay:{demo}", "--limit", "8", "--judge", "none",
                                 "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert f"report: {tmp_path / 'run' / 'report.html'}" in result.output
    assert (tmp_path / "run" / "report.md").exists()
    result = runner.invoke(app, ["score", str(tmp_path / "run"), "--no-report"])
    assert result.exit_code == 0 and "report:" not in result.output


# --- compare ----------------------------------------------------------------------------------------------

def compare_pair(tmp_path: Path) -> tuple[Path, Path]:
    """10 one-constraint items: A passes 0-5, B passes 0-3 and 6-9 (4 gained, 2 lost); 4 two-constraint
    items that A passes and B fails on style.polite (4 lost)."""
    rows_a, rows_b = [], []
    for k in range(10):
        rows_a.append((f"n1-{k:04}", [("format.json", k < 6, k < 6, "r")], "{}"))
        rows_b.append((f"n1-{k:04}", [("format.json", k < 4 or k >= 6, k < 4 or k >= 6, "r")], "{}"))
    for k in range(4):
        rows_a.append((f"n2-{k:04}", [("format.json", True, True, "r"), ("style.polite", True, True, "r")], "{}"))
        rows_b.append((f"n2-{k:04}", [("format.json", True, True, "r"), ("style.polite", False, False, "r")], "{}"))
    return (make_run(tmp_path / "ca", "vllm:before", rows_a), make_run(tmp_path / "cb", "vllm:after", rows_b))


def test_mcnemar_and_holm_by_hand():
    assert mcnemar_exact(5, 0) == pytest.approx(2 / 32)
    assert mcnemar_exact(4, 2) == pytest.approx(2 * (1 + 6 + 15) / 64)
    assert mcnemar_exact(0, 0) == 1.0 and mcnemar_exact(3, 3) == 1.0
    assert holm([0.01, 0.04, None, 0.03]) == pytest.approx([0.03, 0.06, None, 0.06])


def test_compare_numbers_match_hand_computation(tmp_path):
    a, b = compare_pair(tmp_path)
    comp = compare_runs(load_run(a), load_run(b))
    by_n = {p.scope: p for p in comp.by_n}
    assert comp.shared == 14
    one = by_n["1"]
    assert (one.pairs, one.a, one.b, one.gained, one.lost) == (10, 0.6, 0.8, 4, 2)
    assert one.diff == pytest.approx(0.2) and one.p == pytest.approx(44 / 64)
    assert one.ci[0] <= 0.2 <= one.ci[1]
    two = by_n["2"]
    assert (two.a, two.b, two.lost) == (1.0, 0.0, 4) and two.p == pytest.approx(2 / 16)
    assert two.ci == pytest.approx((-1.0, -1.0))  # every resample loses all four
    overall = by_n["all"]
    assert overall.diff == pytest.approx(8 / 14 - 10 / 14)
    assert overall.p == pytest.approx(2 * (1 + 10 + 45 + 120 + 210) / 1024)
    groups = {p.scope: p for p in comp.by_group}
    assert groups["format"].diff == pytest.approx(12 / 14 - 10 / 14) and groups["format"].p == pytest.approx(44 / 64)
    assert groups["style"].p == pytest.approx(0.125) and groups["style"].p_holm == pytest.approx(0.25)
    assert groups["format"].p_holm == pytest.approx(44 / 64)
    assert groups["logic"].pairs == 0 and groups["logic"].p is None
    assert [c.scope for c in comp.constraints] == ["style.polite", "format.json"]
    md = comparison_markdown(comp)
    assert "| n = 2 | 4 | 100.0% | 0.0% | -100.0 | -100.0 to -100.0 | 0 | 4 | 0.125 |" in md


def test_compare_same_run_shows_no_change(run_a):
    comp = compare_runs(load_run(run_a), load_run(run_a))
    assert all(p.diff in (0, None) and p.p in (1.0, None) for p in comp.by_n + comp.by_group)
    assert comp.constraints == []


def test_compare_refuses_other_sets_and_disjoint_runs(run_a, tmp_path):
    other = make_run(tmp_path / "o", "vllm:x", [("n8-0000", [("format.json", True, True, "r")], "{}")])
    with pytest.raises(RunError, match="share no answered item"):
        compare_runs(load_run(run_a), load_run(other))
    config = json.loads((other / "run.json").read_text())
    config["dataset_sha256"] = "cd" * 32
    (other / "run.json").write_text(json.dumps(config))
    with pytest.raises(RunError, match="different benchmark sets"):
        compare_runs(load_run(run_a), load_run(other))


def test_cli_compare_prints_tables_and_writes_markdown(tmp_path):
    a, b = compare_pair(tmp_path)
    out = tmp_path / "cmp.md"
    result = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Prompt-level accuracy" in result.output and "style.polite" in result.output
    assert "0.688" in result.output and "0.125" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# jfbench comparison") and "style.polite" in text
    bad = runner.invoke(app, ["compare", str(a), str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "is not a folder" in bad.output
