"""Judge rubrics (text templates), shipped as jfbench.judges."""
