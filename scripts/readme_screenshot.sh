#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of a report: the bundled demo answers scored offline,
# reported, and drawn by headless Chromium (Debian: apt-get install chromium). Also a by-hand check that
# the page renders with its charts (tests/test_report_browser.py does it automatically).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jfbench eval --model replay:data/examples/jfbench-ja-v1-demo.jsonl --limit 40 --judge none \
    --out "$work/demo" --no-report > /dev/null
python - "$work/demo" <<'PY'
import sys
from pathlib import Path

from jfbench.report import load_run, screenshot, write_report

page = write_report([load_run(Path(sys.argv[1]))], Path(sys.argv[1]))
print(screenshot(page, Path("docs/report.png"), height=2250))
PY
