"""`python -m jfbench`: the jfbench command."""

from jfbench.cli import main

main()
