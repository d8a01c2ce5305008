"""The shared Markdown parse of the format group: markdown-it-py over T, memoised per answer.

`md_tokens(r)` is the token stream of T under MarkdownIt("commonmark") with the GFM `table` and
`strikethrough` rules enabled. Other modules import it from here; always call `md_limit(r)` first
(see "Bounds" below). Differences from a bare parser, all invisible to a renderer:

- Pipes inside code spans do not separate table cells (CATALOG.md, format.markdown_table). GFM splits
  them, so before parsing, on the lines of a candidate table only, an unescaped `|` inside a code span
  is rewritten as `\\|`; the line count is unchanged, so every token `map` still indexes `r.lines`.
- Some tokens carry facts the checkers need in `token.meta`: a `fence` has `closed` (whether a closing
  fence was found, CommonMark rules); a `table_open` has `rows`, a list of (line, source cell count)
  for the header and every body row (markdown-it pads short rows and drops extra cells, so the token
  stream alone cannot show a missing cell); a `link_open` or `image` has `ref` (None for an inline
  link or autolink, else "full", "collapsed" or "shortcut") and `label` (the normalised reference label).
- The parse env (`md_env(r)`) holds markdown-it's `references` and `duplicate_refs`.

Bounds. markdown-it-py is pure Python. Its cost grows with lines, table cells and inline markup
(up to ~80 us per `[` in chains like "![a](![a](..."), so structure checks refuse, with the reason from
`md_limit(r)`, answers over MAX_CHARS characters, MAX_LINES lines, MAX_PIPES pipe characters or
MAX_MARKS inline markup characters (`[ * _ ` <` outside fenced code). No real answer comes near these.
Within the bounds the worst inputs measured (image-opener chains, tables of links, 3,000 mixed block
lines, dense emphasis) take under 0.35 s per checker, both parses included, on a loaded 2-core machine.
`md_tokens` returns [] for a refused answer. markdown-it stops at 20 levels of block nesting (its
recursion guard) and drops what lies deeper; `md_limit` refuses that too.

Emphasis is analysed separately (`emphasis(r)`): the CommonMark flanking rules reject Japanese
emphasis such as `**「重要」**です`, so the inline content is parsed a second time with CJK-friendly
flanking (a delimiter run next to punctuation still flanks when its other side is a CJK character,
as in the "CJK-friendly emphasis" amendment of markdown-it-cjk-friendly). It reports every span and
every `*` / `_` delimiter run that could open or close emphasis but was left unpaired.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import regex
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, normalizeReference
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token

from jfbench.ja import Response

MAX_CHARS = 50_000
MAX_LINES = 3_000
MAX_PIPES = 6_000
MAX_MARKS = 3_000  # inline markup characters [ * _ ` < outside fenced code
_MARKS = regex.compile(r"[\[*_`<]")
MAX_NESTING = 20


# --- bounds -----------------------------------------------------------------------------------------

def md_limit(r: Response) -> str | None:
    """Why this answer is too large to check as Markdown, or None."""
    return r.memo(("md", "limit"), lambda: _limit(r))


def _limit(r: Response) -> str | None:
    text = r.text
    if len(text) > MAX_CHARS:
        return f"the answer has {len(text):,} characters; Markdown structure is checked up to {MAX_CHARS:,}"
    if len(r.lines) > MAX_LINES:
        return f"the answer has {len(r.lines):,} lines; Markdown structure is checked up to {MAX_LINES:,}"
    pipes = text.count("|")
    if pipes > MAX_PIPES:
        return f"the answer has {pipes:,} pipe characters; Markdown tables are checked up to {MAX_PIPES:,}"
    marks = _inline_marks(r)
    if marks > MAX_MARKS:
        return (f"the answer has {marks:,} inline markup characters ([ * _ ` <) outside code blocks; "
                f"Markdown is checked up to {MAX_MARKS:,}")
    tokens, _ = _parse(r)
    if any(t.level >= MAX_NESTING - 1 for t in tokens):
        return f"Markdown nesting deeper than {MAX_NESTING - 1} levels is not checked"
    return None


# --- the parser ---------------------------------------------------------------------------------------

def _wrap_fence(rule: Any) -> Any:
    def fence(state: Any, start: int, end: int, silent: bool) -> bool:
        n = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if not silent and len(state.tokens) > n:
            token = state.tokens[-1]
            last = token.map[1] - 1
            closed = False
            if last > start and not state.is_code_block(last):
                body = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]].rstrip(" \t")
                closed = bool(body) and set(body) == {token.markup[0]} and len(body) >= len(token.markup)
            token.meta["closed"] = closed
        return True
    return fence


def _wrap_table(rule: Any) -> Any:
    def table(state: Any, start: int, end: int, silent: bool) -> bool:
        n = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if not silent and len(state.tokens) > n:
            opener = state.tokens[n]
            rows = []
            for token in state.tokens[n:]:
                if token.type == "tr_open":
                    line = token.map[0]
                    text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].strip()
                    cells = escapedSplit(text)
                    if cells and cells[0] == "":
                        cells.pop(0)
                    if cells and cells[-1] == "":
                        cells.pop()
                    rows.append((line, len(cells)))
            opener.meta["rows"] = rows
        return True
    return table


_FULL_REF = regex.compile(r"\]\[((?:[^\[\]\\]|\\.){0,999})\]$", regex.DOTALL)


def _wrap_link(rule: Any, image: bool) -> Any:
    skip = 2 if image else 1

    def link(state: Any, silent: bool) -> bool:
        start, n = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            consumed = state.src[start:state.pos]
            token = next((t for t in state.tokens[n:] if t.type in ("link_open", "image")), None)
            if token is not None:
                ref: str | None = None
                label = ""
                if not consumed.endswith(")"):
                    m = _FULL_REF.search(consumed)
                    if m and m.group(1):
                        ref, label = "full", m.group(1)
                    elif m:
                        ref, label = "collapsed", consumed[skip:m.start()]
                    else:
                        ref, label = "shortcut", consumed[skip:-1]
                token.meta["ref"] = ref
                token.meta["label"] = normalizeReference(label) if ref else ""
        return True
    return link


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    block = {r.name: r for r in md.block.ruler.__rules__}
    # `at` replaces the options too: keep each rule's alt list (which blocks it may interrupt).
    md.block.ruler.at("fence", _wrap_fence(block["fence"].fn), {"alt": list(block["fence"].alt)})
    md.block.ruler.at("table", _wrap_table(block["table"].fn), {"alt": list(block["table"].alt)})
    inline = {r.name: r.fn for r in md.inline.ruler.__rules__}
    md.inline.ruler.at("link", _wrap_link(inline["link"], image=False))
    md.inline.ruler.at("image", _wrap_link(inline["image"], image=True))
    return md


_MD = _build()

# A GFM delimiter row, possibly inside a blockquote or list item.
_DELIMITER_ROW = regex.compile(r"^[ \t>]{0,40}(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_BACKTICKS = regex.compile(r"`+")


def code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of the content of every code span of one line (CommonMark backtick matching)."""
    runs = []
    for m in _BACKTICKS.finditer(line):
        s = k = m.start()
        while k > 0 and line[k - 1] == "\\":
            k -= 1
        runs.append((s, m.end(), (s - k) % 2 == 1))  # (start, end, first backtick escaped)
    by_length: dict[int, list[int]] = {}
    for i, (s, e, _) in enumerate(runs):
        by_length.setdefault(e - s, []).append(i)
    spans = []
    i = 0
    while i < len(runs):
        s, e, escaped = runs[i]
        if escaped:  # outside code a backslash makes the first backtick literal
            s += 1
        same = by_length.get(e - s, [])
        j = bisect_right(same, i)
        if s < e and j < len(same):
            close = same[j]
            spans.append((e, runs[close][0]))
            i = close + 1
        else:
            i += 1
    return spans


def _protect_code_pipes(line: str) -> str:
    spans = code_spans(line)
    if not spans:
        return line
    out, last = [], 0
    for s, e in spans:
        out.append(line[last:s])
        out.append(regex.sub(r"(?<!\\)\|", r"\\|", line[s:e]))
        last = e
    out.append(line[last:])
    return "".join(out)


def _source(r: Response) -> str:
    """T with pipes inside code spans escaped on the lines of candidate tables (see the module doc)."""
    lines = r.lines
    if "|" not in r.text or "`" not in r.text:
        return r.text
    fenced = r.fenced
    out = list(lines)
    changed = False
    for i, line in enumerate(lines):
        if fenced[i] or "|" not in line or "-" not in line or not _DELIMITER_ROW.match(line):
            continue
        j = i - 1
        rows = [j] if j >= 0 else []
        k = i + 1
        while k < len(lines) and lines[k].strip() and not fenced[k]:
            rows.append(k)
            k += 1
        for k in rows:
            if "`" in lines[k] and "|" in lines[k] and not fenced[k]:
                out[k] = _protect_code_pipes(lines[k])
                changed = changed or out[k] != lines[k]
    return "\n".join(out) if changed else r.text


def _inline_marks(r: Response) -> int:
    def compute() -> int:
        if len(r.text) > MAX_CHARS:
            return len(r.text)
        return sum(len(_MARKS.findall(line)) for line, fenced in zip(r.lines, r.fenced, strict=True) if not fenced)
    return r.memo(("md", "marks"), compute)


# Text without any of these is plain paragraphs: it holds no construct any check looks for, so it is not
# parsed (markdown-it-py is pure Python and most answers to non-Markdown constraints are plain prose).
_MARKDOWN_SIGNS = regex.compile(r"[#*_|>\[\]`~<\\]|^[ \t]*(?:[-+=]|\d{1,9}[.)])|^(?: {4}|\t)", regex.MULTILINE)


def _parse(r: Response) -> tuple[list[Token], dict[str, Any]]:
    def compute() -> tuple[list[Token], dict[str, Any]]:
        text = r.text
        if not _MARKDOWN_SIGNS.search(text):
            return [], {}
        if (len(text) > MAX_CHARS or len(r.lines) > MAX_LINES or text.count("|") > MAX_PIPES
                or _inline_marks(r) > MAX_MARKS):
            return [], {}
        env: dict[str, Any] = {}
        return _MD.parse(_source(r), env), env
    return r.memo(("md", "parse"), compute)


def md_tokens(r: Response) -> list[Token]:
    """The markdown-it-py tokens of T (memoised); [] when `md_limit(r)` refuses the answer."""
    return _parse(r)[0]


def md_env(r: Response) -> dict[str, Any]:
    """The parse env: `references` (label -> href, title, map) and `duplicate_refs`."""
    return _parse(r)[1]


# --- views ----------------------------------------------------------------------------------------

def inline_text(token: Token) -> str:
    """Plain text of an inline token: text, code and image alt, markup removed."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 0-based index into r.lines
    setext: bool


def headings(r: Response) -> list[Heading]:
    def compute() -> list[Heading]:
        tokens = md_tokens(r)
        out = []
        for i, t in enumerate(tokens):
            if t.type == "heading_open":
                text = inline_text(tokens[i + 1]).strip() if i + 1 < len(tokens) else ""
                out.append(Heading(int(t.tag[1]), text, t.map[0], t.markup in ("=", "-")))
        return out
    return r.memo(("md", "headings"), compute)


@dataclass
class ListItem:
    line: int
    number: int | None  # ordered items: the number written
    empty: bool


@dataclass
class MdList:
    ordered: bool
    marker: str  # "-", "*", "+" for bullets; "." or ")" for ordered lists
    depth: int  # 0 for a list not inside another list
    line: int
    items: list[ListItem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "ordered" if self.ordered else "bullet"


@dataclass(frozen=True)
class Lists:
    lists: list[MdList]
    mixed: list[tuple[int, str, str]]  # (line, kind before, kind after) of adjacent lists of different kinds


def lists(r: Response) -> Lists:
    def compute() -> Lists:
        tokens = md_tokens(r)
        out: list[MdList] = []
        stack: list[MdList] = []
        mixed = []
        previous: dict[int, str] = {}  # block level -> type of the previous sibling block
        for i, t in enumerate(tokens):
            if t.block and t.type != "inline" and t.nesting >= 0:
                before = previous.get(t.level)
                if t.type in ("bullet_list_open", "ordered_list_open") and before in (
                        "bullet_list_open", "ordered_list_open") and before != t.type:
                    kinds = {"bullet_list_open": "bullet", "ordered_list_open": "ordered"}
                    mixed.append((t.map[0], kinds[before], kinds[t.type]))
                previous[t.level] = t.type
                if t.nesting == 1:
                    previous[t.level + 1] = ""
            if t.type in ("bullet_list_open", "ordered_list_open"):
                lst = MdList(t.type == "ordered_list_open", t.markup, len(stack), t.map[0])
                out.append(lst)
                stack.append(lst)
            elif t.type in ("bullet_list_close", "ordered_list_close"):
                stack.pop()
            elif t.type == "list_item_open" and stack:
                empty = i + 1 < len(tokens) and tokens[i + 1].type == "list_item_close"
                number = int(t.info) if stack[-1].ordered and t.info.isdigit() else None
                stack[-1].items.append(ListItem(t.map[0], number, empty))
        return Lists(out, mixed)
    return r.memo(("md", "lists"), compute)


@dataclass(frozen=True)
class Table:
    line: int  # header line
    end: int  # one past the last row line
    columns: int  # header cells, as markdown-it parsed them
    header: list[str]
    rows: list[tuple[int, int]]  # (line, source cell count), header first, delimiter row excluded
    level: int  # block nesting level (0 = not inside a quote or list)

    @property
    def body_rows(self) -> int:
        return len(self.rows) - 1


def tables(r: Response) -> list[Table]:
    def compute() -> list[Table]:
        tokens = md_tokens(r)
        out = []
        for i, t in enumerate(tokens):
            if t.type != "table_open":
                continue
            header = []
            j = i + 1
            while j < len(tokens) and tokens[j].type != "thead_close":
                if tokens[j].type == "inline":
                    header.append(tokens[j].content.strip())
                j += 1
            out.append(Table(t.map[0], t.map[1], len(header), header, t.meta.get("rows", []), t.level))
        return out
    return r.memo(("md", "tables"), compute)


@dataclass(frozen=True)
class Link:
    image: bool
    href: str
    text: str  # link text, or an image's alt text
    line: int
    ref: str | None  # None, "full", "collapsed" or "shortcut"
    label: str


def _child_lines(token: Token) -> list[int]:
    """The source line of each child of an inline token."""
    base = token.map[0] if token.map else 0
    out = []
    for child in token.children or []:
        out.append(base)
        if child.type in ("softbreak", "hardbreak"):
            base += 1
    return out


def links(r: Response) -> list[Link]:
    def compute() -> list[Link]:
        out = []
        for t in md_tokens(r):
            if t.type != "inline" or not t.children:
                continue
            children = t.children
            lines = _child_lines(t)
            for k, c in enumerate(children):
                if c.type == "image":
                    out.append(Link(True, str(c.attrs.get("src", "")), c.content, lines[k],
                                    c.meta.get("ref"), c.meta.get("label", "")))
                elif c.type == "link_open":
                    depth, text = 1, []
                    for d in children[k + 1:]:
                        depth += d.nesting if d.type in ("link_open", "link_close") else 0
                        if depth == 0:
                            break
                        if d.type in ("text", "code_inline"):
                            text.append(d.content)
                    out.append(Link(False, str(c.attrs.get("href", "")), "".join(text), lines[k],
                                    c.meta.get("ref"), c.meta.get("label", "")))
        return out
    return r.memo(("md", "links"), compute)


@dataclass(frozen=True)
class Fence:
    line: int
    info: str
    closed: bool
    markup: str


def fences(r: Response) -> list[Fence]:
    return r.memo(("md", "fences"), lambda: [Fence(t.map[0], t.info.strip(), bool(t.meta.get("closed")), t.markup)
                                             for t in md_tokens(r) if t.type == "fence"])


_SLUG_DROP = regex.compile(r"[^\p{L}\p{N}\p{M}\p{Pc}\- ]")


def slugify(text: str) -> str:
    """GitHub-style heading slug: lower-cased, punctuation and symbols removed, spaces become '-'."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def heading_slugs(r: Response) -> list[str]:
    """The anchors GitHub gives the headings, with -1, -2 ... appended to repeats."""
    seen: dict[str, int] = {}
    out = []
    for h in headings(r):
        slug = slugify(h.text)
        if slug in seen:
            seen[slug] += 1
            out.append(f"{slug}-{seen[slug]}")
        else:
            seen[slug] = 0
            out.append(slug)
    return out


def anchor_of(href: str) -> str | None:
    """The fragment of an in-page link (`#...`), percent-decoded, or None."""
    return unquote(href[1:]) if href.startswith("#") else None


# --- emphasis with CJK-friendly flanking -------------------------------------------------------------

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}\u3000-\u303f\u30fb\u30fc\uff00-\uffef]")
_BARE_URL = regex.compile(r"(?:https?|ftp)://[^\s<>*「」（）、。]{1,2000}")


def _punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _in_url(state: Any, pos: int) -> bool:
    """Whether `pos` lies inside a bare URL of the inline source (computed once per source)."""
    src = state.src
    cached = state.env.get("_jf_urls")
    if cached is None or cached[0] is not src:
        spans = [(m.start(), m.end()) for m in _BARE_URL.finditer(src)] if "://" in src else []
        cached = state.env["_jf_urls"] = (src, spans)
    spans = cached[1]
    k = bisect_right(spans, (pos, 1 << 60)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _cjk_emphasis(state: Any, silent: bool) -> bool:
    """markdown-it's emphasis tokenizer with CJK-friendly flanking; marks each delimiter's position."""
    start = state.pos
    src = state.src
    marker = src[start]
    if silent or marker not in ("_", "*"):
        return False
    pos = start
    while pos < state.posMax and src[pos] == marker:
        pos += 1
    count = pos - start
    last = src[start - 1] if start > 0 else " "
    nxt = src[pos] if pos < state.posMax else " "
    last_punct, next_punct = _punct(last), _punct(nxt)
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
    last_cjk, next_cjk = bool(_CJK.match(last)), bool(_CJK.match(nxt))
    left = not next_space and (not next_punct or last_space or last_punct or last_cjk)
    right = not last_space and (not last_punct or next_space or next_punct or next_cjk)
    if marker == "*":
        can_open, can_close = left, right
    else:
        can_open = left and (not right or last_punct)
        can_close = right and (not left or next_punct)
        if (can_open or can_close) and _in_url(state, start):
            can_open = can_close = False
    for k in range(count):
        token = state.push("text", "", 0)
        token.content = marker
        token.meta["pos"] = start + k
        state.delimiters.append(Delimiter(marker=ord(marker), length=count, token=len(state.tokens) - 1,
                                          end=-1, open=can_open, close=can_close))
    state.pos = pos
    return True


def _record_unpaired(state: Any) -> None:
    lists_ = [state.delimiters] + [m["delimiters"] for m in state.tokens_meta if m and "delimiters" in m]
    found = state.env.setdefault("_jf_unpaired", [])
    for delims in lists_:
        matched = set()
        for i, d in enumerate(delims):
            if d.end >= 0:
                matched.add(i)
                matched.add(d.end)
        for i, d in enumerate(delims):
            if i not in matched and d.marker in (0x2A, 0x5F) and (d.open or d.close):
                found.append(state.tokens[d.token].meta.get("pos", 0))


def _build_cjk() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("strikethrough")
    md.inline.ruler.at("emphasis", _cjk_emphasis)
    md.inline.ruler2.after("emphasis", "jf_unpaired", _record_unpaired)
    return md


_MD_CJK = _build_cjk()


@dataclass(frozen=True)
class Span:
    kind: str  # "em" or "strong"
    line: int


@dataclass(frozen=True)
class Unpaired:
    line: int
    run: str  # the unpaired delimiter characters, e.g. "**"
    context: str  # a few characters around them


@dataclass(frozen=True)
class Emphasis:
    spans: list[Span]
    unpaired: list[Unpaired]

    @property
    def strong(self) -> int:
        return sum(1 for s in self.spans if s.kind == "strong")


def emphasis(r: Response) -> Emphasis:
    """Emphasis spans and unpaired `*` / `_` delimiter runs outside code, with CJK-friendly flanking."""
    def compute() -> Emphasis:
        spans: list[Span] = []
        unpaired: list[Unpaired] = []
        refs = md_env(r).get("references", {})
        for t in md_tokens(r):
            if t.type != "inline" or ("*" not in t.content and "_" not in t.content):
                continue
            env: dict[str, Any] = {"references": refs}
            src = t.content
            parsed = _MD_CJK.parseInline(src, env)
            base = t.map[0] if t.map else 0
            children = parsed[0].children or [] if parsed else []
            line = base
            for c in children:
                if c.type in ("softbreak", "hardbreak"):
                    line += 1
                elif c.type in ("em_open", "strong_open"):
                    spans.append(Span(c.type[:-5], line))
            positions = sorted(env.get("_jf_unpaired", []))
            k = 0
            line, counted = base, 0  # lines are counted incrementally: positions are sorted
            while k < len(positions):
                j = k
                while j + 1 < len(positions) and positions[j + 1] == positions[j] + 1 and \
                        src[positions[j + 1]] == src[positions[k]]:
                    j += 1
                p = positions[k]
                context = src[max(0, p - 8):positions[j] + 9].replace("\n", " ")
                line += src.count("\n", counted, p)
                counted = p
                unpaired.append(Unpaired(line, src[p:positions[j] + 1], context))
                k = j + 1
        return Emphasis(spans, unpaired)
    return r.memo(("md", "emphasis"), compute)
