"""Helpers the style constraints share: the kind of each §MD line (read from the line of T it comes from,
through ja.Response.md_view) and the tokens of a span (a sentence, a parenthetical) looked up in r.tokens.
"""
from __future__ import annotations

from bisect import bisect_left

import regex

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



def _source_kinds(r: Response) -> list[str]:
    """The kind of each §MD line, read from the line of T it comes from (ja.Response.md_view)."""
    view = r.md_view
    kinds: list[str] = []
    for source, is_cell in zip(view.sources, view.cells, strict=True):
        line = r.lines[source]
        head = line[:40]
        if is_cell:
            kinds.append(CELL)
        elif "#" in head and _HEADING_MARK.match(line):
            kinds.append(HEADING)
        elif ("**" in line or "__" in line) and _BOLD_LINE.fullmatch(line) and not _TERMINATOR.search(line):
            kinds.append(HEADING)  # a line that is only a bold phrase works as a heading
        elif _ITEM_MARK.match(head):
            kinds.append(ITEM)
        else:
            kinds.append(PROSE)
    return kinds


def _compute_line_kinds(r: Response) -> list[str]:
    kinds = _source_kinds(r)
    md = r.md_lines
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
