"""Forced texts (CATALOG.md P7): literal text an answer must contain, analysed once for the checks that
`Constraint.forced_text_problem` runs on it at sampling time."""

from __future__ import annotations

from functools import lru_cache

from jfbench.ja import Response


@lru_cache(maxsize=1024)
def forced_view(text: str) -> Response:
    """The analysed forced text. Sampling checks the same document texts many times; this cache keeps them
    out of `ja.analyse`'s answer cache."""
    return Response(text)
