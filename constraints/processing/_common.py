"""Shared pieces of the processing group: the prompt's document (§DOC), 1-based character positions,
line-block matching and JFBench keyword translation.

The document of a prompt is `jfbench.prompts.document_text(prompt)` (its source passage, else its task
text) normalised as §DOC says. At check time it is `r.doc`, the analysed document handed to the check
call (`jfbench check --document`, or the document an eval item carries). Positions are 1-based §C
characters (grapheme clusters) and count spaces and line breaks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

from jfbench.catalog import CatalogError
from jfbench.ja import Response, analyse, graphemes, normalize_document
from jfbench.prompts import document_text

# How every document wording names §DOC on first mention; later mentions say 課題文.
DOC = "課題文（資料の文章が示されていればその文章全体、なければ依頼の文そのもの。この条件の部分は含みません）"
# How positions are counted, in every wording that uses them.
POSITIONS = "文字は先頭を1文字目として数え、空白や改行も1文字と数えます"

NO_DOCUMENT = "no document: this constraint reads the prompt's document (give it with `jfbench check --document`)"

# Conflicts every processing row shares: E16 (irrelevance) and X10 (one word per line).
COMMON_CONFLICTS = ("content.irrelevant", "ifbench_format.one_word_per_line")

LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


# --- the document at sampling time ------------------------------------------------------------------

def prompt_document(prompt: Any) -> str:
    """§DOC of a prompt ("" without one)."""
    return normalize_document(document_text(prompt)) if prompt is not None else ""


def prompt_view(prompt: Any) -> Response | None:
    """The analysed §DOC of a prompt (the same analysis `r.doc` gives at check time), or None."""
    text = prompt_document(prompt)
    return analyse(text) if text.strip() else None


# --- the document at check time ------------------------------------------------------------------------

def document_of(r: Response) -> str | None:
    """§DOC exactly (normalised, first-line indentation kept), or None when the check call has none."""
    if r.doc is None or not r.doc.completion.strip():
        return None
    return r.doc.completion


@lru_cache(maxsize=64)
def clusters(text: str) -> tuple[str, ...]:
    """§C characters (extended grapheme clusters, whitespace included): what positions index."""
    return tuple(graphemes(text))


def span(doc: str, start: int, end: int) -> str:
    """Characters start..end (1-based, inclusive) of the document."""
    return "".join(clusters(doc)[start - 1:end])


def show(text: str, limit: int = 40) -> str:
    """A short repr for reasons."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --- reading the answer ------------------------------------------------------------------------------

def stripped_lines(r: Response) -> list[str]:
    """T's lines without leading and trailing whitespace (shared by the line-based checks)."""
    return r.memo(("processing", "stripped-lines"), lambda: [line.strip() for line in r.lines])


def copy_view(r: Response) -> str:
    """The answer with trailing whitespace removed from every line: §DOC's own normalisation, so an
    invisible trailing space neither makes nor breaks a document copy. Built from R rather than T so that a
    copy of a document whose first line is indented keeps its indentation at the start of the answer."""
    return r.memo(("processing", "copy-view"), lambda: "\n".join(line.rstrip() for line in r.raw.split("\n")))


def find_block(lines: list[str], expected: list[str]) -> tuple[int | None, int, int]:
    """Where `expected` occurs as consecutive lines: (start, _, _), or (None, best_len, best_start) for the
    longest run of its leading items found, to explain a miss."""
    n = len(expected)
    best = (0, -1)
    first = expected[0]
    for i, line in enumerate(lines):
        if line != first:
            continue
        k = 1
        while k < n and i + k < len(lines) and lines[i + k] == expected[k]:
            k += 1
        if k == n:
            return i, n, i
        best = max(best, (k, i))
    return None, best[0], best[1]


def block_miss(lines: list[str], expected: list[str], unit: str, best_len: int, best_start: int) -> str:
    """A reason for a missing line block (`unit` names one item, e.g. "sentence")."""
    if best_len:
        at = best_start + best_len
        got = lines[at] if at < len(lines) else "(end of the answer)"
        held = (f"line {best_start + 1} holds {unit} 1" if best_len == 1
                else f"lines {best_start + 1}-{at} hold {unit}s 1-{best_len}")
        return (f"{held} of the expected block, but line {at + 1} is {show(got)} where {unit} {best_len + 1} "
                f"{show(expected[best_len])} was expected")
    first = expected[0]
    for i, line in enumerate(lines):
        if first and first in line:
            return (f"{unit} 1 of the expected block, {show(first)}, is inside line {i + 1} ({show(line)}) with other "
                    "text; each line must hold only its item")
    return f"no line consists of exactly {unit} 1 of the expected block, {show(first)}"


# --- JFBench keyword arguments ----------------------------------------------------------------------------

def shift_positions(params: dict[str, Any], *names: str) -> dict[str, Any]:
    """JFBench positions are 0-based (its end is inclusive); ours are 1-based and inclusive."""
    out = dict(params)
    for name in names:
        if name in out:
            value = out[name]
            if not isinstance(value, int) or isinstance(value, bool):
                raise CatalogError(f"JFBench argument {name!r} must be an integer (got {value!r})")
            out[name] = value + 1
    return out
