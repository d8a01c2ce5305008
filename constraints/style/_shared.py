"""Helpers the style constraints share: the JFBench `client` kwarg, the kind of each §MD line, and the
tokens of a span (a sentence, a parenthetical) looked up in r.tokens.

The line kinds replay the steps of `jfbench.ja.markdown_text_lines` with its own patterns, so they stay
parallel to `r.md_lines`; if they ever disagree in length every line counts as prose (a safe default).
This is a candidate for ja.py (a `md_line_kinds` view next to `md_lines`).
"""

from __future__ import annotations

from bisect import bisect_left

import regex

from jfbench import ja
from jfbench.catalog import Constraint, Group
from jfbench.ja import NON_WORD_POS, Response, Token

# Kinds of §MD lines. Prose and list items hold sentences; headings, label lines ("材料：") and table
# cells do not count as sentences for the style heuristics (CATALOG.md, "style").
PROSE, ITEM, HEADING, LABEL, CELL = "prose", "item", "heading", "label", "cell"

_HEADING_MARK = regex.compile(r" {0,3}(?:>[ \t]?)*#{1,6}(?=[ \t]|$)")
_ITEM_MARK = regex.compile(r" {0,3}(?:>[ \t]?)*(?:[-*+•][ \t]+|・|\d{1,9}[.)][ \t]+|[(（]\d{1,9}[)）]|[①-⑳])")
_BOLD_LINE = regex.compile(r" {0,3}(?:>[ \t]?)*(?:(?:[-*+•][ \t]+|・|\d{1,9}[.)][ \t]+)[ \t]*)?"
                           r"(?:\*\*[^*\n]{1,200}\*\*|__[^_\n]{1,200}__)[ \t]*[：:]?[ \t]*")
_BRACKET_LINE = regex.compile(r"【[^【】\n]{1,200}】|［[^［］\n]{1,200}］")
_TERMINATOR = regex.compile(r"[。！？!?]")


class StyleConstraint(Constraint):
    """Base of the style rows. JFBench's style classes take an LLM `client` (and `seed`); a serialised
    record carries it, and it means nothing here, so an alias call drops it."""

    group = Group.STYLE



def _replay_kinds(r: Response) -> list[str]:
    """The kind of each line ja.markdown_text_lines emits, from the lines it starts from."""
    kept = "\n".join(line for line, fenced in zip(r.lines, r.fenced, strict=True) if not fenced)
    if "<!--" in kept:
        kept = ja._HTML_COMMENT.sub("", kept)
    lines = kept.split("\n")
    delimiter = [("|" in ln and "-" in ln and ja._TABLE_DELIMITER.match(ln) is not None) for ln in lines]
    in_table = [False] * len(lines)
    for i, is_delim in enumerate(delimiter):
        if not is_delim:
            continue
        if i >= 1 and "|" in lines[i - 1]:
            in_table[i - 1] = True
        j = i + 1
        while j < len(lines) and "|" in lines[j] and not delimiter[j]:
            in_table[j] = True
            j += 1
    kinds: list[str] = []
    for line, is_delim, is_row in zip(lines, delimiter, in_table, strict=True):
        if is_delim:
            continue
        if is_row:
            kinds.extend(CELL for _ in ja._split_cells(line))
            continue
        head = line[:40]
        if "#" in head and _HEADING_MARK.match(line):
            kinds.append(HEADING)
        elif ("**" in line or "__" in line) and _BOLD_LINE.fullmatch(line) and not _TERMINATOR.search(line):
            kinds.append(HEADING)  # a line that is only a bold phrase works as a heading
        elif _ITEM_MARK.match(head):
            kinds.append(ITEM)
        else:
            kinds.append(PROSE)
    return kinds


def _compute_line_kinds(r: Response) -> list[str]:
    kinds = _replay_kinds(r)
    md = r.md_lines
    if len(kinds) != len(md):  # pragma: no cover - the replay drifted from ja.markdown_text_lines
        return [PROSE] * len(md)
    for i, text in enumerate(md):
        if kinds[i] in (PROSE, ITEM):
            body = text.strip()
            if body.endswith(("：", ":")):
                kinds[i] = LABEL
            elif body[:1] in "【［" and _BRACKET_LINE.fullmatch(body):
                kinds[i] = HEADING
    return kinds


def line_kinds(r: Response) -> list[str]:
    """The kind of each line of r.md_lines (PROSE, ITEM, HEADING, LABEL or CELL)."""
    return r.memo("style.line_kinds", lambda: _compute_line_kinds(r))


class TokenIndex:
    """r.tokens looked up by (md line, span); one per answer."""

    def __init__(self, r: Response) -> None:
        self.tokens = r.tokens
        self.keys = [(t.line, t.start) for t in self.tokens]

    def inside(self, line: int, start: int, end: int, words_only: bool = False) -> list[Token]:
        out = []
        i = bisect_left(self.keys, (line, start))
        tokens = self.tokens
        while i < len(tokens) and tokens[i].line == line and tokens[i].start < end:
            t = tokens[i]
            if t.end <= end and not (words_only and t.pos1 in NON_WORD_POS):
                out.append(t)
            i += 1
        return out


def token_index(r: Response) -> TokenIndex:
    return r.memo("style.token_index", lambda: TokenIndex(r))


def snippet(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
