"""jfbench as a pytest plugin (entry point `pytest11`): a regression gate for model teams and a `jfbench`
fixture for application teams. With none of its options given, the plugin only registers them, the fixture
and two markers; it imports nothing heavy until a gate or a check needs it.

Gate. `pytest --jfbench-run RUN_DIR --jfbench-baseline BASELINE.json` reads two scores files (scores.json of
`jfbench eval` / `jfbench score`; a baseline is the same format) and adds one test per gated metric, without
any test file: overall prompt-level accuracy (strict and loose), prompt-level strict accuracy per constraint
count (`by_n`), and the strict satisfaction rate of each group (`by_group`). They are named
`jfbench::prompt_accuracy.strict`, `jfbench::by_n.4.prompt_accuracy.strict`, `jfbench::by_group.format` and
carry the marker `jfbench`, so `-k` and `-m jfbench` select them. They are added in
pytest_collection_modifyitems under a session-level collector (the run is not a file in the user's tree, so
pytest_collect_file cannot reach it), with pytest's own collect hooks called so that counts and reports see
them; the price is that they cannot be named as command-line node ids.

Significance rule. Both files carry 95% percentile-bootstrap intervals over items; se = (hi - lo) / 3.92. A
metric fails when the drop d = baseline - run exceeds the tolerance (an absolute difference of rates) and
the one-sided z = d / sqrt(se_b^2 + se_r^2) exceeds the standard normal quantile of 1 - significance. Two
refinements of that rule:
- a percentile bootstrap collapses to a zero-width interval when every item agrees (a rate of 0 or 1), which
  would make any drop from a perfect baseline "infinitely significant". For such a side with n >= 2 the se
  is the Agresti-Coull binomial se instead; with n < 2, or no interval at all, the test falls back to the
  tolerance alone and the failure message says so;
- the two runs usually answer the same items, so their errors are positively correlated and the true se
  of the difference is smaller than sqrt(se_b^2 + se_r^2): the test is conservative (it errs towards
  passing). A paired test would need both runs' verdicts, which a baseline file does not hold.
With 20-odd metrics tested at once, expect an occasional false alarm at 0.05 when nothing changed but the
tolerance is small; lower --jfbench-significance for a stricter family-wise rate.
A metric in the baseline but missing from the run fails; one with no decided verdicts (value None) on
either side is skipped with the reason; one only in the run is skipped (nothing to compare with).

`--jfbench-min-score X` gates the run's overall prompt-level strict accuracy (the point estimate) against an
absolute floor, with or without a baseline. `--jfbench-update-baseline` replaces the gate by one test,
`jfbench::update_baseline`, that writes the run's scores (atomically) as the baseline file. Every option is
also an ini option (`jfbench_run`, `jfbench_baseline`, ...; paths relative to the ini file); options that
need a run are errors only when given on the command line, so a project may fix `jfbench_baseline` in its
ini and pass `--jfbench-run` in CI only.

Fixture. `jfbench.check(response, "format.json", **params)` returns the strict Verdict and
`jfbench.assert_follows(response, [...])` raises AssertionError listing every violated constraint with its
reason. Offline, rule constraints decide and hybrids use their heuristic; judge-only constraints are
undecided, which fails assert_follows (naming --jfbench-judge) unless allow_undecided=True. With
`--jfbench-judge SPEC`, judge and hybrid constraints are decided by the judge model, on one event loop in a
background thread (the client stays on one loop, and async tests can call the fixture too).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from jfbench.catalog import Constraint, Verdict
    from jfbench.ja import Response

Z95 = NormalDist().inv_cdf(0.975)  # the bootstrap intervals are 95%: se = width / (2 * 1.96)
EPSILON = 1e-9  # rates are ratios of small integers: 0.8 - 0.79 must not exceed a tolerance of 0.01

# option -> (metavar, help); each is also an ini option (jfbench_run, ...). Values are strings, checked in
# _configure_gate, so a bad number is a usage error rather than argparse noise.
OPTIONS: dict[str, tuple[str, str]] = {
    "--jfbench-run": ("RUN_DIR", "run folder of `jfbench eval` / `jfbench score` to gate (holds scores.json)"),
    "--jfbench-baseline": ("FILE", "baseline scores file (a scores.json) the run must not fall below"),
    "--jfbench-tolerance": ("X", "largest drop of a rate that passes regardless of significance (default 0.01)"),
    "--jfbench-significance": ("A", "one-sided significance level of a drop (default 0.05)"),
    "--jfbench-min-score": ("X", "floor for the run's overall prompt-level strict accuracy"),
    "--jfbench-judge": ("SPEC", "judge model for the jfbench fixture (e.g. openrouter:openai/gpt-oss-120b)"),
    "--jfbench-judge-base-url": ("URL", "base URL of the judge's OpenAI-compatible server (vllm:...)"),
}
NEEDS_RUN = ("--jfbench-baseline", "--jfbench-tolerance", "--jfbench-significance", "--jfbench-min-score")


def _dest(option: str) -> str:
    return option.removeprefix("--").replace("-", "_")


# --- the scores file (what crosses the file boundary) ---------------------------------------------------

def scores_model() -> Any:
    """scoring.ScoresFile, the model of scores.json and so of a baseline. Imported on first use: scoring
    (numpy, pydantic) costs time that every pytest run in every project with jfbench installed would pay."""
    from jfbench.scoring import ScoresFile

    return ScoresFile


def read_scores(path: Path, what: str) -> tuple[Any, dict[str, Any]]:
    """The validated scores file and its raw JSON; every problem is one pytest.UsageError line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise pytest.UsageError(f"{what}: cannot read {path} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise pytest.UsageError(f"{what}: {path} is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise pytest.UsageError(f"{what}: {path} is not valid JSON ({exc.msg} at line {exc.lineno} "
                                f"column {exc.colno})") from None
    if not isinstance(raw, dict):
        raise pytest.UsageError(f"{what}: {path} is not a jfbench scores file (a JSON object is expected)")
    from pydantic import ValidationError

    try:
        return scores_model().model_validate(raw), raw
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise pytest.UsageError(f"{what}: {path} is not a jfbench scores file ({where}: "
                                f"{first['msg'].removeprefix('Value error, ')}); use a run's scores.json or "
                                "write one with --jfbench-update-baseline") from None


# --- metrics and the comparison -------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    value: float | None
    ci: tuple[float | None, float | None]
    n: int

    def show(self) -> str:
        if self.value is None:
            return "none"
        lo, hi = self.ci
        if lo is None or hi is None:
            return f"{self.value:.3f}"
        return f"{self.value:.3f} [{lo:.3f}, {hi:.3f}]"

    def se(self) -> float | None:
        """The standard error behind the interval; None when there is no usable interval."""
        lo, hi = self.ci
        if self.value is None or lo is None or hi is None:
            return None
        if hi - lo > 0:
            return (hi - lo) / (2 * Z95)
        if self.n < 2:
            return None
        # A degenerate bootstrap (every item agrees): the Agresti-Coull se still reflects n.
        n = self.n + Z95 ** 2
        p = (self.value * self.n + Z95 ** 2 / 2) / n
        return math.sqrt(p * (1 - p) / n)


def _metric(rate: Any, mode: str = "strict") -> Metric:
    return Metric(getattr(rate, mode), getattr(rate, f"{mode}_ci"), rate.n)


def gated_metrics(scores: Any) -> dict[str, Metric]:
    """The gated metrics of a ScoresFile, by test name."""
    out = {f"prompt_accuracy.{mode}": _metric(scores.prompt_accuracy, mode) for mode in ("strict", "loose")}
    for n in sorted(scores.by_n, key=lambda k: (len(k), k)):  # "8" before "16"
        out[f"by_n.{n}.prompt_accuracy.strict"] = _metric(scores.by_n[n].prompt_accuracy)
    for group in sorted(scores.by_group):
        out[f"by_group.{group}"] = _metric(scores.by_group[group])
    return out


Outcome = Literal["pass", "fail", "skip"]


@dataclass
class Check:
    """One gate test: its outcome is decided when the files are read; the test only reports it."""

    name: str
    outcome: Outcome
    message: str  # the failure message, the skip reason, or why it passed
    note: str  # the short verdict for the summary table
    baseline: Metric | None = None
    run: Metric | None = None

    @property
    def diff(self) -> float | None:
        if self.baseline is None or self.run is None or self.baseline.value is None or self.run.value is None:
            return None
        return self.run.value - self.baseline.value


def _absent(name: str) -> str:
    """Why a metric can be missing from a run, in its words."""
    if name.startswith("by_n."):
        return f"the run has no items with {name.split('.')[1]} constraints"
    if name.startswith("by_group."):
        return f"the run has no constraints of group {name.split('.', 1)[1]!r}"
    return "the run has no such metric"


def compare(name: str, baseline: Metric | None, run: Metric | None, tolerance: float,
            significance: float) -> Check:
    if baseline is None:
        return Check(name, "skip", f"{name} is not in the baseline (nothing to compare with); "
                     "write a new baseline with --jfbench-update-baseline to gate it", "not in baseline", None, run)
    if run is None:
        return Check(name, "fail", f"{name} is in the baseline ({baseline.show()}) but missing from the run: "
                     f"{_absent(name)}; score the full set, or update the baseline", "missing from run", baseline)
    for side, metric in (("baseline", baseline), ("run", run)):
        if metric.value is None:
            return Check(name, "skip", f"{name}: no decided verdicts in the {side} (judge-only constraints "
                         "scored without a judge?)", f"no value in {side}", baseline, run)
    assert baseline.value is not None and run.value is not None
    drop = baseline.value - run.value
    head = f"{name} fell from {baseline.show()} (baseline) to {run.show()} (run): {-drop:+.3f}"
    if drop <= tolerance + EPSILON:
        note = "improved" if drop < -EPSILON else "equal" if abs(drop) <= EPSILON else "within tolerance"
        return Check(name, "pass", f"{name}: {run.show()} vs {baseline.show()}, {note}", note, baseline, run)
    se_b, se_r = baseline.se(), run.se()
    if se_b is None or se_r is None:
        sides = " and ".join(f"the {s} (n = {m.n})" for s, m, se in (("baseline", baseline, se_b),
                                                                     ("run", run, se_r)) if se is None)
        return Check(name, "fail", f"{head}, beyond the tolerance {tolerance:.3f}; decided on the tolerance alone: "
                     f"no interval for {sides}", "beyond tolerance (no interval)", baseline, run)
    critical = NormalDist().inv_cdf(1 - significance)
    spread = math.hypot(se_b, se_r)
    z = drop / spread if spread > 0 else math.inf
    if z > critical:
        return Check(name, "fail", f"{head}, beyond the tolerance {tolerance:.3f} and significant at "
                     f"{significance:g} (z = {z:.2f} > {critical:.2f}; se baseline {se_b:.3f}, run {se_r:.3f})",
                     f"significant drop (z = {z:.2f})", baseline, run)
    return Check(name, "pass", f"{head}: beyond the tolerance {tolerance:.3f} but not significant at "
                 f"{significance:g} (z = {z:.2f} <= {critical:.2f})", f"not significant (z = {z:.2f})",
                 baseline, run)


def floor_check(scores: Any, floor: float) -> Check:
    run = _metric(scores.prompt_accuracy)
    name = "min_score.prompt_accuracy.strict"
    if run.value is None:  # a floor that cannot be checked must not pass silently
        return Check(name, "fail", "prompt_accuracy.strict has no value (no item was fully decided); the floor "
                     f"{floor:.3f} cannot be checked: score the run with a judge", "no value", None, run)
    if run.value < floor - EPSILON:
        return Check(name, "fail", f"prompt_accuracy.strict is {run.show()}, below the floor {floor:.3f} "
                     "(--jfbench-min-score)", f"below {floor:.3f}", None, run)
    return Check(name, "pass", f"prompt_accuracy.strict is {run.show()}, at or above the floor {floor:.3f}",
                 f">= {floor:.3f}", None, run)


# --- configuration --------------------------------------------------------------------------------------

@dataclass
class Gate:
    run_dir: Path
    scores_path: Path
    baseline_path: Path | None
    tolerance: float
    significance: float
    checks: list[Check] = field(default_factory=list)
    update: bool = False
    raw_scores: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)


GATE_KEY = pytest.StashKey[Gate]()
JUDGE_KEY = pytest.StashKey["JudgeRunner | None"]()
JUDGE_SPEC_KEY = pytest.StashKey["tuple[str, str | None] | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jfbench", "jfbench: regression gate over a run's scores, and the jfbench fixture")
    for option, (metavar, text) in OPTIONS.items():
        group.addoption(option, dest=_dest(option), metavar=metavar, default=None, help=text)
        parser.addini(_dest(option), f"{text} (as {option})", default="")
    group.addoption("--jfbench-update-baseline", dest="jfbench_update_baseline", action="store_true",
                    default=False, help="write the run's scores as the new --jfbench-baseline file instead of gating")


def _setting(config: pytest.Config, option: str) -> tuple[str | None, str]:
    """The option's value and where it came from: the command line wins over the ini file."""
    value = config.getoption(_dest(option))
    if value is not None:
        return value, "cli"
    ini = config.getini(_dest(option))
    return (ini.strip() or None) if isinstance(ini, str) else None, "ini"


def _path(config: pytest.Config, value: str, source: str) -> Path:
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    if source == "ini":
        base = config.inipath.parent if config.inipath else config.rootpath
    else:
        base = config.invocation_params.dir
    return base / path


def _number(option: str, value: str | None, default: float, low: float, high: float, *,
            open_low: bool = False, open_high: bool = False) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise pytest.UsageError(f"{option}: {value!r} is not a number") from None
    too_low = number <= low if open_low else number < low
    too_high = number >= high if open_high else number > high
    if math.isnan(number) or too_low or too_high:
        bounds = f"{low:g} {'<' if open_low else '<='} x {'<' if open_high else '<='} {high:g}"
        raise pytest.UsageError(f"{option}: {value} is out of range ({bounds})")
    return number


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "jfbench: a jfbench regression-gate test (select them with -m jfbench)")
    config.addinivalue_line("markers", "jfbench_constraints(*constraints): the constraints the jfbench "
                            "fixture's assert_follows checks when given none (ids or (id, params) pairs)")
    if config.getoption("help", False):
        return
    _configure_judge(config)
    gate = _configure_gate(config)
    if gate is not None:
        config.stash[GATE_KEY] = gate
        config.pluginmanager.register(GatePlugin(gate), "jfbench-gate")


def _configure_gate(config: pytest.Config) -> Gate | None:
    run_value, run_source = _setting(config, "--jfbench-run")
    update = bool(config.getoption("jfbench_update_baseline"))
    values = {option: _setting(config, option) for option in NEEDS_RUN}
    if run_value is None:
        given = [o for o in NEEDS_RUN if values[o][1] == "cli" and values[o][0] is not None]
        if update:
            given.insert(0, "--jfbench-update-baseline")
        if given:
            raise pytest.UsageError(f"{given[0]} needs --jfbench-run RUN_DIR (the run folder to gate)")
        return None
    baseline_value, baseline_source = values["--jfbench-baseline"]
    floor_value = values["--jfbench-min-score"][0]
    if update and baseline_value is None:
        raise pytest.UsageError("--jfbench-update-baseline needs --jfbench-baseline FILE (where to write it)")
    if baseline_value is None and floor_value is None:
        raise pytest.UsageError("--jfbench-run needs --jfbench-baseline FILE (or --jfbench-update-baseline to "
                                "create it) or --jfbench-min-score X")
    tolerance = _number("--jfbench-tolerance", values["--jfbench-tolerance"][0], 0.01, 0.0, 1.0)
    significance = _number("--jfbench-significance", values["--jfbench-significance"][0], 0.05, 0.0, 1.0,
                           open_low=True, open_high=True)
    floor = _number("--jfbench-min-score", floor_value, 0.0, 0.0, 1.0) if floor_value is not None else None

    run_dir = _path(config, run_value, run_source)
    if not run_dir.exists():
        raise pytest.UsageError(f"--jfbench-run: no run folder at {run_dir}")
    scores_path = run_dir / "scores.json" if run_dir.is_dir() else run_dir
    if not scores_path.exists():
        raise pytest.UsageError(f"--jfbench-run: {run_dir} has no scores.json; score the run first with "
                                f"`jfbench score {run_dir}`")
    scores, raw = read_scores(scores_path, "--jfbench-run")
    baseline_path = _path(config, baseline_value, baseline_source) if baseline_value is not None else None
    gate = Gate(run_dir, scores_path, baseline_path, tolerance, significance, update=update, raw_scores=raw,
                source=_run_source(run_dir if run_dir.is_dir() else run_dir.parent))
    if update:
        assert baseline_path is not None
        if baseline_path.is_dir():
            raise pytest.UsageError(f"--jfbench-baseline: {baseline_path} is a folder; give the file to write, "
                                    f"e.g. {baseline_path / 'baseline.json'}")
    elif baseline_path is not None:
        if not baseline_path.exists():
            raise pytest.UsageError(f"--jfbench-baseline: no file at {baseline_path}; create it from a run with "
                                    "--jfbench-update-baseline")
        if baseline_path.is_dir():
            raise pytest.UsageError(f"--jfbench-baseline: {baseline_path} is a folder; give a scores file "
                                    f"(e.g. {baseline_path / 'scores.json'})")
        base, base_raw = read_scores(baseline_path, "--jfbench-baseline")
        gate.notes = _comparability(base_raw, raw, gate.source)
        ours, theirs = gated_metrics(scores), gated_metrics(base)
        names = [*theirs, *(k for k in ours if k not in theirs)]
        gate.checks = [compare(k, theirs.get(k), ours.get(k), tolerance, significance) for k in names]
    if floor is not None:
        gate.checks.append(floor_check(scores, floor))
    return gate


def _run_source(folder: Path) -> dict[str, Any]:
    """What the baseline records about the run it came from (run.json is optional: scores alone suffice)."""
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(run, dict):
        return {}
    return {k: run[k] for k in ("model", "dataset", "dataset_sha256", "sizes", "limit", "judge", "jfbench_version")
            if k in run}


def _comparability(baseline: dict[str, Any], run: dict[str, Any], source: dict[str, Any]) -> list[str]:
    """Notes (not failures) when the two files do not measure the same thing."""
    notes = []
    theirs = baseline.get("baseline_source") or {}
    if isinstance(theirs, dict) and theirs.get("dataset_sha256") and source.get("dataset_sha256") \
            and theirs["dataset_sha256"] != source["dataset_sha256"]:
        notes.append("the baseline was scored on another benchmark set (sha256 "
                     f"{str(theirs['dataset_sha256'])[:12]} vs {str(source['dataset_sha256'])[:12]})")
    if baseline.get("n_items") != run.get("n_items"):
        notes.append(f"the baseline has {baseline.get('n_items')} items, the run {run.get('n_items')}")
    return notes


# --- the gate's tests -----------------------------------------------------------------------------------

class GateFailure(Exception):
    """A gated metric regressed; the message says which, by how much, and why it counts."""


class GateCollector(pytest.Collector):
    """The session-level parent of the gate's tests (node id `jfbench`)."""

    def collect(self) -> Iterable[pytest.Item]:
        gate = self.config.stash[GATE_KEY]
        if gate.update:
            yield UpdateItem.from_parent(self, name="update_baseline")
        for check in gate.checks:
            yield GateItem.from_parent(self, name=check.name, check=check)


class GateItem(pytest.Item):
    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker("jfbench")

    def runtest(self) -> None:
        if self.check.outcome == "skip":
            pytest.skip(self.check.message)
        if self.check.outcome == "fail":
            raise GateFailure(self.check.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, GateFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"jfbench gate: {self.name}"


class UpdateItem(GateItem):
    """Writes the baseline when it runs (so --collect-only and -k deselection write nothing)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(check=Check("update_baseline", "pass", "", "written"), **kwargs)

    def runtest(self) -> None:
        gate = self.config.stash[GATE_KEY]
        assert gate.baseline_path is not None
        data = {**gate.raw_scores, "baseline_source": {"run": str(gate.run_dir), **gate.source}}
        from jfbench.run import write_atomic

        try:
            write_atomic(gate.baseline_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise GateFailure(f"cannot write the baseline {gate.baseline_path}: {exc.strerror or exc}") from None


class GatePlugin:
    """The gate's hooks, registered for one config only when a run is given (so plain pytest runs, and nested
    pytester runs, never see them)."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    @pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so they apply to the gate's tests too
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> None:
        collector = GateCollector.from_parent(session, name="jfbench", nodeid="jfbench")
        # The hooks a collected file goes through, so the terminal's count, --co and plugins see these tests.
        session.ihook.pytest_collectstart(collector=collector)
        report = session.ihook.pytest_make_collect_report(collector=collector)
        session.ihook.pytest_collectreport(report=report)
        for item in report.result if report.passed else ():
            if isinstance(item, pytest.Item):
                session.ihook.pytest_itemcollected(item=item)
                items.append(item)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid.startswith("jfbench::") and (report.when == "call" or report.outcome != "passed"):
            self.gate.outcomes[report.nodeid.removeprefix("jfbench::")] = report.outcome

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        gate, tr = self.gate, terminalreporter
        tr.write_sep("=", "jfbench gate")
        tr.write_line(f"run: {gate.run_dir}" + (f" ({gate.source['model']})" if gate.source.get("model") else ""))
        if gate.update:
            done = gate.outcomes.get("update_baseline")
            state = {"passed": "wrote", "failed": "could not write"}.get(done or "", "did not write (not run)")
            tr.write_line(f"{state} the baseline {gate.baseline_path}")
        elif gate.baseline_path is not None:
            critical = NormalDist().inv_cdf(1 - gate.significance)
            tr.write_line(f"baseline: {gate.baseline_path}; a drop fails beyond the tolerance {gate.tolerance:g} "
                          f"when significant at {gate.significance:g} (one-sided z > {critical:.2f})")
        for note in gate.notes:
            tr.write_line(f"note: {note}", yellow=True)
        if not gate.checks:
            return
        width = max(len("metric"), *(len(c.name) for c in gate.checks))
        cell = 22
        tr.write_line(f"{'metric':<{width}}  {'baseline':<{cell}}  {'run':<{cell}}  {'diff':>7}  verdict")
        colours = {"PASS": {"green": True}, "FAIL": {"red": True, "bold": True}, "SKIP": {"yellow": True}}
        for c in gate.checks:
            base = c.baseline.show() if c.baseline else "-" if c.name.startswith("min_score") else "missing"
            run = c.run.show() if c.run else "missing"
            diff = f"{c.diff:+.3f}" if c.diff is not None else ""
            label = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}.get(gate.outcomes.get(c.name, ""))
            verdict = f"{label}: {c.note}" if label else f"not run (would {c.outcome}: {c.note})"
            tr.write_line(f"{c.name:<{width}}  {base:<{cell}}  {run:<{cell}}  {diff:>7}  {verdict}",
                          **colours.get(label or "", {}))


def pytest_unconfigure(config: pytest.Config) -> None:
    runner = config.stash.get(JUDGE_KEY, None)
    if runner is not None:
        config.stash[JUDGE_KEY] = None
        runner.close()


# --- the fixture ----------------------------------------------------------------------------------------

def _configure_judge(config: pytest.Config) -> None:
    """Check --jfbench-judge up front (a bad spec or a missing key is a usage error, not a failing test);
    the judge itself is built on first use."""
    spec, _ = _setting(config, "--jfbench-judge")
    base_url, _ = _setting(config, "--jfbench-judge-base-url")
    if spec is None or spec.lower() == "none":
        config.stash[JUDGE_SPEC_KEY] = None
        return
    from jfbench.models import ModelError, ModelSpec

    try:
        model = ModelSpec.parse(spec, base_url)
        if model.provider == "replay":
            raise ModelError("a replay spec cannot judge; give a model, e.g. openrouter:openai/gpt-oss-120b")
        model.check_credentials()
    except ModelError as exc:
        raise pytest.UsageError(f"--jfbench-judge: {exc}") from None
    config.stash[JUDGE_SPEC_KEY] = (spec, base_url)


class JudgeRunner:
    """A judge and the event loop it lives on, in a daemon thread: sync tests and async tests (whose loop
    is running) can both wait for a verdict, and the client never changes loops."""

    def __init__(self, spec: str, base_url: str | None) -> None:
        import asyncio
        import threading

        from jfbench.cli import UsageError, make_judge

        try:
            self.judge = make_judge(spec, base_url, 1, None)
        except UsageError as exc:
            raise pytest.UsageError(f"--jfbench-judge: {exc}") from None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="jfbench-judge", daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        import asyncio

        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        try:
            self.run(self.judge.client.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)
            self.loop.close()
            if self.judge.cache is not None:
                self.judge.cache.close()


def _instances(specs: Any) -> list[Constraint]:
    """Constraint instances from ids, (id, params) pairs, {"id", "params"} dicts or instances."""
    from jfbench import catalog

    if isinstance(specs, (str, catalog.Constraint, dict)) or (
            isinstance(specs, tuple) and len(specs) == 2 and isinstance(specs[0], str)
            and (specs[1] is None or isinstance(specs[1], dict))):
        specs = [specs]  # one constraint given on its own
    out: list[Constraint] = []
    for spec in specs:
        if isinstance(spec, catalog.Constraint):
            out.append(spec)
        elif isinstance(spec, str):
            out.append(catalog.instance(spec))
        elif isinstance(spec, dict) and isinstance(spec.get("id"), str):
            out.append(catalog.instance(spec["id"], _params(spec["id"], spec.get("params"))))
        elif isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[0], str):
            out.append(catalog.instance(spec[0], _params(spec[0], spec[1])))
        else:
            raise catalog.CatalogError(f"cannot read the constraint {spec!r}: give an id, an (id, params) pair "
                                       'or {"id": ..., "params": {...}}')
    return out


def _checked_instances(specs: Any) -> list[Constraint]:
    """_instances, with a bad id or bad params raised from here: the user's call is the last frame shown."""
    __tracebackhide__ = True
    from jfbench.catalog import CatalogError

    try:
        return _instances(specs)
    except CatalogError as exc:
        raise CatalogError(str(exc)) from None


def _params(name: str, params: Any) -> dict[str, Any]:
    from jfbench.catalog import CatalogError

    if params is None:
        return {}
    if not isinstance(params, dict):
        raise CatalogError(f"{name}: params must be a dict, got {type(params).__name__}")
    return params


def _label(inst: Constraint) -> str:
    params = inst.params.model_dump(exclude_defaults=True)
    return f"{inst.id} {json.dumps(params, ensure_ascii=False)}" if params else inst.id


def _excerpt(text: str, limit: int = 200) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


class Checker:
    """The `jfbench` fixture: checks answers against catalog constraints.

    check(response, "length.characters", min=1, max=150) -> Verdict
    assert_follows(response, ["format.json", ("length.characters", {"max": 150})]) -> list[Verdict]
    """

    def __init__(self, marked: Sequence[Any] = (), judge: Callable[[], JudgeRunner | None] | None = None) -> None:
        self.marked = list(marked)  # from @pytest.mark.jfbench_constraints, outermost first
        self._judge = judge or (lambda: None)

    def __repr__(self) -> str:
        return f"<jfbench checker: {len(self.marked)} marked constraint(s)>"

    def check(self, response: str, constraint: str, /, *, document: str | None = None,
              instruction: str | None = None, **params: Any) -> Verdict:
        """The strict verdict of one constraint (id or JFBench alias) with `params` on the answer."""
        __tracebackhide__ = True
        inst = _checked_instances([(constraint, params)])[0]
        return self._verdict(inst, _analysed(response, document), instruction)

    def verdicts(self, response: str, constraints: Any = None, *, document: str | None = None,
                 instruction: str | None = None) -> list[tuple[Constraint, Verdict]]:
        """Every constraint's verdict (the marker's constraints when none are given)."""
        __tracebackhide__ = True
        instances = _checked_instances(self.marked if constraints is None else constraints)
        if not instances:
            raise ValueError("no constraints to check: pass a list, or mark the test with "
                             "@pytest.mark.jfbench_constraints(...)")
        analysed = _analysed(response, document)  # once: every constraint reads the same analysis
        return [(inst, self._verdict(inst, analysed, instruction)) for inst in instances]

    def assert_follows(self, response: str, constraints: Any = None, *, document: str | None = None,
                       instruction: str | None = None, allow_undecided: bool = False) -> list[Verdict]:
        """Raise AssertionError listing every constraint the answer violates, with the reason. Undecided
        verdicts (a judge constraint without --jfbench-judge, a judge error) fail too, unless allow_undecided."""
        __tracebackhide__ = True
        results = self.verdicts(response, constraints, document=document, instruction=instruction)
        problems = []
        for inst, verdict in results:
            if verdict.passed is False:
                problems.append(f"{_label(inst)}: {verdict.reason}")
            elif verdict.passed is None and (verdict.method == "error" or not allow_undecided):
                if verdict.method == "skipped":
                    why = ("undecided: a judge constraint; run pytest with --jfbench-judge SPEC, or pass "
                           "allow_undecided=True")
                elif verdict.method == "judge_error":
                    why = f"undecided: {verdict.reason} (pass allow_undecided=True to accept)"
                else:
                    why = f"undecided: {verdict.reason}"
                problems.append(f"{_label(inst)}: {why}")
        if problems:
            lines = [f"the answer violates {len(problems)} of {len(results)} constraints:"]
            lines += [f"  - {p}" for p in problems]
            lines.append(f"answer: {_excerpt(response)}")
            raise AssertionError("\n".join(lines))
        return [v for _, v in results]

    def _verdict(self, inst: Constraint, analysed: Response, instruction: str | None) -> Verdict:
        runner = self._judge()
        if runner is None:
            return inst.evaluate(analysed)
        from jfbench.judge import judged

        return runner.run(judged(inst, analysed, runner.judge, instruction=instruction))


def _analysed(response: str, document: str | None) -> Response:
    from jfbench.ja import analyse

    if not isinstance(response, str):  # e.g. a whole API response object instead of its text
        raise TypeError(f"the response must be a str, got {type(response).__name__}")
    return analyse(response, document)


def _judge_getter(config: pytest.Config) -> Callable[[], JudgeRunner | None]:
    def get() -> JudgeRunner | None:
        spec = config.stash.get(JUDGE_SPEC_KEY, None)
        if spec is None:
            return None
        if config.stash.get(JUDGE_KEY, None) is None:
            config.stash[JUDGE_KEY] = JudgeRunner(*spec)
        return config.stash[JUDGE_KEY]

    return get


@pytest.fixture
def jfbench(request: pytest.FixtureRequest) -> Checker:
    """Check answers against jfbench constraints: jfbench.check(...), jfbench.assert_follows(...)."""
    marked: list[Any] = []
    for marker in reversed(list(request.node.iter_markers("jfbench_constraints"))):  # module, class, test
        for arg in marker.args:  # constraints one by one, or one list of them
            if isinstance(arg, list):
                marked.extend(arg)
            else:
                marked.append(arg)
    return Checker(marked, _judge_getter(request.config))
