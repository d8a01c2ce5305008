"""jfbench: verifiable Japanese instruction following."""

__version__ = "0.1.0"
