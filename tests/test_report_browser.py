"""The report as a person sees it: headless Chromium draws report.html and we look at the pixels.

Needs Chromium (Debian: apt-get install chromium); .ci/run installs it where it can. Without it the test
is skipped, and scripts/readme_screenshot.sh is the same check by hand.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image
from test_report import ROWS_A, make_run, runner

from jfbench.cli import app
from jfbench.report import BROWSERS

pytestmark = pytest.mark.skipif(not any(shutil.which(b) for b in BROWSERS), reason="Chromium is not installed")


def test_chromium_draws_the_report_with_its_charts(tmp_path):
    run = make_run(tmp_path / "run", "openrouter:vendor/model-a", ROWS_A)
    result = runner.invoke(app, ["report", str(run), "--screenshot"])
    assert result.exit_code == 0, result.output
    image = np.asarray(Image.open(run / "report.png").convert("RGB")).astype(int)
    height, width, _ = image.shape
    assert width == 1280 and 1500 < height < 12000  # cut below the page's last row
    assert image.std() > 20  # not blank
    # The charts' bar colour (#4C72B0) fills many pixels only if the embedded PNGs were decoded and drawn;
    # the heat-coloured table cells (hsl 0-120, light) are drawn only if the CSS applied.
    blue = np.all(np.abs(image - [0x4C, 0x72, 0xB0]) <= 3, axis=-1)
    assert blue.sum() > 5000
    red_cell = np.all(np.abs(image - [0xF3, 0xBC, 0xBC]) <= 6, axis=-1)  # hsl(0, 70%, 85%): a 0% cell
    assert red_cell.sum() > 500
