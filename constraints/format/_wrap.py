"""The wrapper rule for whole-response formats (CATALOG.md §WRAP), shared by every payload format.

Strict mode: the payload is T itself or, unless the constraint forbids fences, the body of exactly one
fenced block that makes up all of T (opening fence of >= 3 backticks or tildes whose info string is empty
or one of the constraint's tags; closing fence of the same character, at least as long). Any other text
(a preface, a closing remark, a second block) fails. Loose mode (IFEval's line-dropping candidates) is
applied by scoring on top of the strict verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from jfbench.ja import Response

FenceRule = Literal["allowed", "forbidden", "required"]

_OPEN = regex.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$")


@dataclass(frozen=True)
class Payload:
    """The strict payload, or None with the reason it could not be taken."""

    text: str | None
    fenced: bool = False
    reason: str = ""
    tag: str = ""


def _is_close(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (len(line) - len(line.lstrip(" ")) <= 3 and bool(stripped) and set(stripped) == {fence[0]}
            and len(stripped) >= len(fence))


def find_blocks(lines: list[str]) -> list[tuple[int, int | None, str, str]]:
    """(open line, close line or None, fence, info tag) of every fenced block, CommonMark style."""
    blocks = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m:
            fence, tag = m.group(1), m.group(2)
            close = next((j for j in range(i + 1, len(lines)) if _is_close(lines[j], fence)), None)
            blocks.append((i, close, fence, tag))
            if close is None:
                break
            i = close + 1
        else:
            i += 1
    return blocks


def unwrap(r: Response, tags: tuple[str, ...], fence: FenceRule = "allowed") -> Payload:
    """The strict §WRAP payload of a response for a format whose fence info tags are `tags`."""
    return r.memo(("wrap", tags, fence), lambda: _unwrap(r, tags, fence))


def _unwrap(r: Response, tags: tuple[str, ...], fence: FenceRule) -> Payload:
    lines = r.lines
    blocks = r.memo("wrap.blocks", lambda: find_blocks(lines))  # shared by every format's unwrap
    wanted = ", ".join(t for t in tags if t) or "none"
    if not blocks:
        if fence == "required":
            return Payload(None, reason=f"needs one fenced code block tagged {wanted}")
        return Payload(r.text)
    first_open, first_close, _, tag = blocks[0]
    whole = first_open == 0 and first_close == len(lines) - 1 and len(blocks) == 1
    if fence == "forbidden":
        return Payload(None, reason=f"line {first_open + 1} opens a code fence; this format must not be fenced")
    if first_close is None:
        return Payload(None, reason=f"the code fence opened on line {first_open + 1} is never closed")
    if not whole:
        if len(blocks) > 1:
            return Payload(None, reason=f"{len(blocks)} fenced blocks; strict mode needs the data alone in one block")
        where = "before" if first_open > 0 else "after"
        if first_open > 0 and first_close < len(lines) - 1:
            where = "before and after"
        return Payload(None, reason=f"text {where} the fenced block; strict mode needs the data alone")
    if tag.lower() not in {t.lower() for t in tags}:
        return Payload(None, reason=f"the fence is tagged {tag!r}; expected {wanted}")
    body = lines[1:-1]
    while body and not body[0].strip():  # blank lines at the edges of the block, as T itself is trimmed
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return Payload("\n".join(body), fenced=True, tag=tag)
