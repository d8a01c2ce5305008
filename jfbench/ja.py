"""Japanese text analysis: the one place that normalises, segments and tokenizes answers.

Every definition here is a section of CATALOG.md ("Counting and matching rules"), named in the
docstrings by its tag (§IN, §C, §L, §B, §P, §MD, §S, §W, §R, §N, §K, §FOLD). A `Response` computes
each view lazily and once, so checking one answer against many constraints tokenizes it once.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple, TypeVar

import regex

# --- characters (§C) -------------------------------------------------------------------------

WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_WS_CLASS = "".join(f"\\u{ord(c):04x}" for c in WHITESPACE)
_NON_WS_GRAPHEME = regex.compile(rf"(?![{_WS_CLASS}])\X")
# Code points that take the class of the preceding base (§C): marks, ZWJ, variation selectors.
_ATTACHED_RE = regex.compile(r"[\p{M}\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Ranges where every code point is a grapheme cluster of its own (no Extend, ZWJ, SpacingMark, Prepend,
# Regional_Indicator or Hangul jamo; checked against \p{GCB=...} in tests/test_ja.py): Latin, punctuation,
# symbols, CJK, kana (not U+302A-302F, U+3099/309A, U+FF9E/FF9F) and emoji without modifiers or flags.
SIMPLE_RANGES = (
    (0x0000, 0x02FF), (0x2000, 0x200B), (0x200E, 0x20CF), (0x2100, 0x2BFF), (0x3000, 0x3029), (0x3030, 0x3098),
    (0x309B, 0x30FF), (0x3100, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFF9D), (0xFFA0, 0xFFEF),
    (0x1F000, 0x1F1E5), (0x1F200, 0x1F3FA), (0x1F400, 0x1FAFF),
)
_SIMPLE_TEXT = regex.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in SIMPLE_RANGES) + "]*")


def is_space(ch: str) -> bool:
    return ch.isspace()


def char_count(text: str) -> int:
    """chars(x): non-whitespace extended grapheme clusters."""
    if _SIMPLE_TEXT.fullmatch(text):  # no combining sequences possible: count code points
        return len("".join(text.split()))  # split() drops exactly the isspace() code points
    return len(_NON_WS_GRAPHEME.findall(text))


def graphemes(text: str) -> list[str]:
    return regex.findall(r"\X", text)


def base_code_points(text: str) -> str:
    """The text without code points that attach to a preceding base, for per-code-point class tests."""
    return _ATTACHED_RE.sub("", text)


# --- script classes ---------------------------------------------------------------------------

HIRAGANA = r"\p{sc=Hiragana}ー"
KATAKANA = r"\p{sc=Katakana}ーｰﾞﾟ"  # half-width voiced marks are Common
HAN = r"\p{sc=Han}々〆〇"
KANA_OR_KANJI = regex.compile(rf"[\p{{sc=Hiragana}}\p{{sc=Katakana}}{HAN}ー]")
LATIN_LETTER = regex.compile(r"\p{sc=Latin}")


def has_japanese(text: str) -> bool:
    return KANA_OR_KANJI.search(text) is not None


# --- width folding (§FOLD) --------------------------------------------------------------------

_FOLD_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def fold_width(text: str) -> str:
    """Full-width ASCII variants U+FF01-FF5E become ASCII; offsets are preserved (1:1)."""
    return text.translate(_FOLD_TABLE)


# --- input (§IN) --------------------------------------------------------------------------------

def normalize_completion(completion: str) -> str:
    """R: remove reasoning up to the last </think>, unify line ends, NFC."""
    end = completion.rfind("</think>")
    if end >= 0:
        completion = completion[end + len("</think>"):]
    if "<think>" in completion:  # an unclosed reasoning block leaves nothing
        completion = ""
    completion = completion.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", completion)


def normalize_document(text: str) -> str:
    """§DOC normalisation: LF, NFC, no trailing whitespace per line, no leading/trailing blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# --- lines, fences, paragraphs (§L §B §P) -------------------------------------------------------

_FENCE_OPEN = regex.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def fence_mask(lines: list[str]) -> list[bool]:
    """True for lines inside a fenced code block, fence lines included (CommonMark rules)."""
    mask = [False] * len(lines)
    fence: str | None = None
    for i, line in enumerate(lines):
        if fence is None:
            m = _FENCE_OPEN.match(line)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = m.group(1)
                mask[i] = True
        else:
            mask[i] = True
            stripped = line.strip()
            if (len(line) - len(line.lstrip(" ")) <= 3 and stripped
                    and set(stripped) == {fence[0]} and len(stripped) >= len(fence)):
                fence = None
    return mask


def is_blank(line: str) -> bool:
    return not line.strip()


# --- the Markdown text view (§MD) ---------------------------------------------------------------

_HTML_COMMENT = regex.compile(r"<!--.*?-->", regex.DOTALL)
_TABLE_DELIMITER = regex.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_BLOCK_MARKUP = regex.compile(
    r"^ {0,3}(?:>[ \t]?)*"
    r"(?:#{1,6}(?=[ \t]|$)[ \t]*)?"
    r"(?:[-*+•][ \t]+|・[ \t]*|(?:\d{1,9}[.)][ \t]+|[(（]\d{1,9}[)）][ \t]*|[①-⑳][ \t]*))?"
)
_INLINE = [
    # Inner classes exclude the opening bracket too, so "[[[[..." fails fast instead of backtracking.
    (regex.compile(r"!\[([^\[\]\n]{0,500})\]\([^()\n]{0,2000}\)"), r"\1"),
    (regex.compile(r"\[([^\[\]\n]{0,500})\]\([^()\n]{0,2000}\)"), r"\1"),
    (regex.compile(r"\*\*([^*\n]{1,2000}?)\*\*"), r"\1"),
    (regex.compile(r"__([^_\n]{1,2000}?)__"), r"\1"),
    (regex.compile(r"`([^`\n]{1,2000})`"), r"\1"),
    (regex.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,500})?/?>"), ""),
]


_BLOCK_START = frozenset(" >#-*+•・0123456789(（") | {chr(c) for c in range(ord("①"), ord("⑳") + 1)}
_INLINE_HINT = regex.compile(r"[*_`\[<]")


def _split_cells(line: str) -> list[str]:
    cells = regex.split(r"(?<!\\)\|", line.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


class MarkdownView(NamedTuple):
    """§MD lines, each with the index of the line of T it comes from and whether it is a table cell."""

    lines: list[str]
    sources: list[int]
    cells: list[bool]


def markdown_view(text: str) -> MarkdownView:
    """§MD: the lines that sentences and words are read from, traced back to the lines of T."""
    all_lines = text.split("\n")
    mask = fence_mask(all_lines)
    kept_index = [i for i, fenced in enumerate(mask) if not fenced]
    if not kept_index:  # everything is code
        return MarkdownView([], [], [])
    kept = "\n".join(all_lines[i] for i in kept_index)
    if "<!--" in kept:  # a comment keeps its line breaks, so every kept line still maps to its source
        kept = _HTML_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), kept)
    lines = kept.split("\n")
    delimiter = [("|" in ln and "-" in ln and _TABLE_DELIMITER.match(ln) is not None) for ln in lines]
    in_table = [False] * len(lines)
    for i, is_delim in enumerate(delimiter):
        if not is_delim:
            continue
        j = i - 1
        if j >= 0 and "|" in lines[j]:
            in_table[j] = True
        j = i + 1
        while j < len(lines) and "|" in lines[j] and not delimiter[j]:
            in_table[j] = True
            j += 1
    out: list[str] = []
    sources: list[int] = []
    cells: list[bool] = []
    for k, (line, is_delim, is_row) in enumerate(zip(lines, delimiter, in_table, strict=True)):
        if is_delim:
            continue
        for piece in (_split_cells(line) if is_row else [line]):
            if piece[:1] in _BLOCK_START:
                piece = _BLOCK_MARKUP.sub("", piece, count=1)
            if _INLINE_HINT.search(piece):
                for pattern, repl in _INLINE:
                    piece = pattern.sub(repl, piece)
            out.append(piece)
            sources.append(kept_index[k])
            cells.append(is_row)
    return MarkdownView(out, sources, cells)


# --- sentences (§S) -----------------------------------------------------------------------------

OPENERS = "「『（(【［[〈《“"
CLOSERS = "」』）)】］]〉》”"
_SENTENCE_EVENT = regex.compile(
    r"[「『（(【［\[〈《“」』）)】］\]〉》”]|[。！？!?]+|\.(?=\s|$)"
)
_TRAILER = regex.compile(  # closers and emoji that directly follow a terminator run
    r"(?:[」』）)】］\]〉》”]|\p{Extended_Pictographic}"
    r"[\p{M}\ufe0f\u200d\p{Extended_Pictographic}\p{Emoji_Modifier}]*)*")
_HAS_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


class Sentence(NamedTuple):
    text: str
    kind: str  # "question" | "exclamation" | "statement"
    line: int  # index into Response.md_lines
    start: int
    end: int


def _sentence_kind(terminator: str) -> str:
    if "?" in terminator or "？" in terminator:
        return "question"
    if "!" in terminator or "！" in terminator:
        return "exclamation"
    return "statement"


def split_sentences(md_lines: list[str]) -> list[Sentence]:
    sentences: list[Sentence] = []

    def emit(line_no: int, line: str, start: int, end: int, terminator: str) -> None:
        piece = line[start:end]
        if _HAS_LETTER_OR_DIGIT.search(piece):
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            sentences.append(Sentence(piece.strip(), _sentence_kind(terminator), line_no,
                                      start + lead, start + trail))

    for line_no, line in enumerate(md_lines):
        depth = 0
        start = 0
        for m in _SENTENCE_EVENT.finditer(line):
            token = m.group()
            if token in OPENERS:
                depth += 1
            elif token in CLOSERS:
                depth = max(0, depth - 1)
            elif depth == 0 and m.start() >= start:
                end = m.end()
                trailer = _TRAILER.match(line, end)
                if trailer:
                    end = trailer.end()
                emit(line_no, line, start, end, token)
                start = end
        if start < len(line):
            emit(line_no, line, start, len(line), "")
    return sentences


# --- tokens and words (§W §R) ---------------------------------------------------------------------

class Token(NamedTuple):
    surface: str
    pos1: str
    pos2: str
    pos3: str
    lemma: str
    kana: str | None
    pron: str | None
    ctype: str
    cform: str
    line: int
    start: int
    end: int


NON_WORD_POS = frozenset({"補助記号", "記号", "空白"})
FUNCTION_POS = frozenset({"助詞", "助動詞"})
CONTENT_POS = frozenset({"名詞", "代名詞", "動詞", "形容詞", "形状詞", "副詞", "連体詞", "接続詞", "感動詞"})
_DIGITS = regex.compile(r"[0-9０-９]+")


# MeCab prints one row per token with just the UniDic fields we use (one C call per piece, no per-node
# Python objects): surface, pos1, pos2, pos3, cType, cForm, lemma, pron, kana, and the whitespace MeCab
# skipped before the token (%pS), which gives offsets without searching. Unknown words print empty
# lemma/pron/kana. Fields end with \x1f and rows with \x1e, which the text cannot contain (they are
# replaced by spaces first); the EOS marker is not whitespace because fugashi strips the output.
_F, _R = "\x1f", "\x1e"
_TAGGER_ARGS = (
    "--output-format-type= "
    f'--node-format="%m{_F}%f[0]{_F}%f[1]{_F}%f[2]{_F}%f[4]{_F}%f[5]{_F}%f[7]{_F}%f[9]{_F}%f[17]{_F}%pS{_R}" '
    f'--unk-format="%m{_F}%f[0]{_F}%f[1]{_F}%f[2]{_F}%f[4]{_F}%f[5]{_F}{_F}{_F}{_F}%pS{_R}" '
    '--eos-format="EOS"'
)
_SEPARATORS = str.maketrans({_F: " ", _R: " "})


@lru_cache(maxsize=1)
def tagger():
    import fugashi  # imported lazily: `jfbench list` should not pay for the dictionary

    return fugashi.Tagger(_TAGGER_ARGS)


_CHUNK = 400  # MeCab is superlinear on long runs of unknown symbols (and can crash): feed it short pieces
_CHUNK_BREAK = regex.compile(r"[。！？!?、，,.\s」』）)]")
def _chunks(line: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most _CHUNK chars, cut after punctuation or space where possible."""
    if len(line) <= _CHUNK:
        return [(0, line)]
    out = []
    pos = 0
    while pos < len(line):
        end = min(len(line), pos + _CHUNK)
        if end < len(line):
            cut = None
            for m in _CHUNK_BREAK.finditer(line, pos + _CHUNK // 2, end):
                cut = m.end()
            end = cut or end
        out.append((pos, line[pos:end]))
        pos = end
    return out


_SYMBOL_RUN = regex.compile(r"[^\p{L}\p{N}]{16,}")


def _pieces(line: str) -> list[tuple[int, str]]:
    """Chunks to tokenize; long runs with no letter or digit are kept whole as one non-word token."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SYMBOL_RUN.finditer(line):
        out.extend((pos + o, p) for o, p in _chunks(line[pos:m.start()]))
        out.append((m.start(), m.group()))
        pos = m.end()
    out.extend((pos + o, p) for o, p in _chunks(line[pos:]))
    return out


def tokenize_line(line: str, line_no: int = 0) -> list[Token]:
    """UniDic short-unit tokens of one line, with offsets into the line."""
    tokens: list[Token] = []
    tag = tagger()
    new = tuple.__new__  # skips NamedTuple's Python-level __new__: tokens are many
    for offset, piece in _pieces(line):
        if len(piece) >= 16 and _SYMBOL_RUN.fullmatch(piece):
            body = piece.strip()
            if body:
                lead = piece.index(body[0])
                tokens.append(Token(body, "補助記号", "一般", "", body, None, None, "", "", line_no,
                                    offset + lead, offset + lead + len(body)))
            continue
        if _F in piece or _R in piece:
            piece = piece.translate(_SEPARATORS)
        pos = 0
        for row in tag.parse(piece).split(_R):
            f = row.split(_F)
            if len(f) != 10:  # EOS
                continue
            surface = f[0]
            start = pos + len(f[9])
            if not piece.startswith(surface, start):  # never seen; a guard, not a path
                start = max(pos, piece.find(surface, pos))
            pos = start + len(surface)
            tokens.append(new(Token, (
                surface, f[1], f[2], f[3], f[6] or surface, f[8] or None, f[7] or None,
                f[4], f[5], line_no, offset + start, offset + pos)))
    return tokens


_NUMBER_SEPARATORS = frozenset({",", ".", "，", "．"})


def _join_numbers(tokens: list[Token]) -> list[Token]:
    """Digit tokens joined by ',' or '.' between digits (1,000 / 3.14) form one word."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.pos2 == "数詞" and _DIGITS.fullmatch(tok.surface):
            end_tok = tok
            j = i
            while (j + 2 < len(tokens) and tokens[j + 1].surface in _NUMBER_SEPARATORS
                   and _DIGITS.fullmatch(tokens[j + 2].surface)
                   and tokens[j + 1].start == end_tok.end and tokens[j + 2].start == tokens[j + 1].end):
                end_tok = tokens[j + 2]
                j += 2
            if j > i:
                tok = tok._replace(surface="".join(t.surface for t in tokens[i:j + 1]), end=end_tok.end)
                tok = tok._replace(lemma=tok.surface)
            out.append(tok)
            i = j + 1
            continue
        out.append(tok)
        i += 1
    return out


_SMALL_KANA = frozenset("ャュョァィゥェォヮ")
_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
_KANA_RE = regex.compile(r"[\p{sc=Hiragana}\p{sc=Katakana}ー]+")


def to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


def reading(token: Token) -> str | None:
    """§R: the UniDic kana; a kana-only surface reads as itself; anything else is unreadable."""
    if token.kana:
        return token.kana
    if _KANA_RE.fullmatch(token.surface):
        return to_katakana(token.surface)
    return None


def mora_count(kana: str) -> int:
    return sum(1 for ch in kana if ch not in _SMALL_KANA and ("ァ" <= ch <= "ヺ" or ch == "ー"))


def morae(kana: str) -> list[str]:
    """The morae of a katakana reading: small ャュョァィゥェォヮ join the kana before them; ッ, ン, ー are morae."""
    out: list[str] = []
    for ch in kana:
        if ch in _SMALL_KANA and out:
            out[-1] += ch
        elif "ァ" <= ch <= "ヺ" or ch == "ー":
            out.append(ch)
    return out


_VOWEL_ROWS = {
    "a": "アァカガサザタダナハバパマヤャラワヮヵ",
    "i": "イィキギシジチヂニヒビピミリヰ",
    "u": "ウゥクグスズツヅヌフブプムユュルヴ",
    "e": "エェケゲセゼテデネヘベペメレヱヶ",
    "o": "オォコゴソゾトドノホボポモヨョロヲ",
}
_VOWEL_OF = {ch: v for v, row in _VOWEL_ROWS.items() for ch in row}


def mora_vowels(kana: str) -> list[str | None]:
    """§R vowel of each mora: from its last kana's row (キャ -> a); ー repeats the previous; ッ and ン have none."""
    out: list[str | None] = []
    for mora in morae(kana):
        if mora == "ー":
            out.append(out[-1] if out else None)
        else:
            out.append(_VOWEL_OF.get(mora[-1]))
    return out


_SMALL_TO_FULL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def fold_kana(text: str) -> str:
    """§R fold: katakana, no dakuten or handakuten, small kana full size (ガ -> カ, ャ -> ヤ, ぱ -> ハ)."""
    decomposed = unicodedata.normalize("NFD", to_katakana(text))
    plain = decomposed.replace("\u3099", "").replace("\u309a", "")
    return unicodedata.normalize("NFC", plain).replace("ヴ", "ウ").translate(_SMALL_TO_FULL)


# --- numbers (§N) -------------------------------------------------------------------------------

_NUMBER = regex.compile(r"(?<![0-9])[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?![0-9])")
_DOTTED_RUN = regex.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+){2,}(?![0-9])")
KANJI_NUMERAL_CHARS = frozenset("〇一二三四五六七八九十百千万億兆")


class NumberToken(NamedTuple):
    text: str
    integer: str  # digits of the integer part, without grouping commas
    fraction: str | None  # fractional digits as written (1.50 -> "50"), None for integers
    grouped: bool
    start: int
    end: int

    @property
    def value(self) -> float:
        return float(self.integer + ("." + self.fraction if self.fraction else ""))


def find_numbers(folded: str) -> list[NumberToken]:
    dotted = [(m.start(), m.end()) for m in _DOTTED_RUN.finditer(folded)] if folded.count(".") >= 2 else []
    starts = [s for s, _ in dotted]
    out = []
    for m in _NUMBER.finditer(folded):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < dotted[k][1]:
            continue
        text = m.group()
        integer, _, fraction = text.partition(".")
        out.append(NumberToken(text, integer.replace(",", ""), fraction or None, "," in integer,
                               m.start(), m.end()))
    return out


# --- keyword occurrences (§K) ---------------------------------------------------------------------

@lru_cache(maxsize=65536)  # words repeat a lot within and across answers
def fold_word(surface: str) -> str:
    return unicodedata.normalize("NFKC", surface).casefold()


@lru_cache(maxsize=4096)
def keyword_units(keyword: str) -> tuple[str, ...]:
    return tuple(fold_word(t.surface) for t in tokenize_line(keyword) if t.pos1 not in NON_WORD_POS)


def count_token_occurrences(folded: list[str], keyword: str) -> int:
    """Non-overlapping runs of consecutive words (NFKC + casefold surfaces) equal to the keyword's words."""
    units = keyword_units(keyword)
    if len(units) <= 1:
        return folded.count(units[0]) if units else 0
    count = i = 0
    m, last = len(units), len(folded) - len(units)
    while i <= last:
        try:
            i = folded.index(units[0], i, last + 1)
        except ValueError:
            break
        if tuple(folded[i:i + m]) == units:
            count += 1
            i += m
        else:
            i += 1
    return count


T = TypeVar("T")

def lemma_base(token: Token) -> str:
    """The UniDic lemma without its "-…" disambiguation suffix (トマト-tomato -> トマト, 円-助数詞 -> 円)."""
    lemma = token.lemma
    if "-" in lemma[1:] and "-" not in token.surface:
        lemma = lemma.split("-", 1)[0]
    return lemma


def lemma_key(token: Token) -> str:
    """The folded lemma base: the second §W same-word identity."""
    return fold_word(lemma_base(token))


def same_word_keys(token: Token) -> tuple[str, str]:
    """§W same-word identities: the NFKC + casefold surface and the folded lemma base."""
    return fold_word(token.surface), lemma_key(token)


def same_word(a: Token, b: Token) -> bool:
    """§W same word: equal surfaces after NFKC + casefold, or equal lemmas without the "-…" suffix."""
    (sa, la), (sb, lb) = same_word_keys(a), same_word_keys(b)
    return sa == sb or la == lb


# --- the analysed response ------------------------------------------------------------------------

@dataclass(eq=False)
class Response:
    """One model answer, analysed lazily. `raw` is R (§IN) and `text` is T."""

    completion: str
    document: str | None = None

    @cached_property
    def raw(self) -> str:
        return normalize_completion(self.completion)

    @cached_property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def empty(self) -> bool:
        return not self.text

    @cached_property
    def chars(self) -> int:
        return char_count(self.text)

    @cached_property
    def folded(self) -> str:
        return fold_width(self.text)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def fenced(self) -> list[bool]:
        return fence_mask(self.lines)

    @cached_property
    def blank_lines(self) -> int:
        return sum(1 for line, f in zip(self.lines, self.fenced, strict=True) if not f and is_blank(line))

    @cached_property
    def paragraphs(self) -> list[list[str]]:
        """§P: maximal runs of lines with no blank line (fenced lines are never blank)."""
        paragraphs: list[list[str]] = []
        current: list[str] = []
        for line, fenced in zip(self.lines, self.fenced, strict=True):
            if not fenced and is_blank(line):
                if current:
                    paragraphs.append(current)
                current = []
            else:
                current.append(line)
        if current:
            paragraphs.append(current)
        return paragraphs

    @cached_property
    def md_view(self) -> MarkdownView:
        return markdown_view(self.text)

    @property
    def md_lines(self) -> list[str]:
        return self.md_view.lines

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.md_lines)

    @cached_property
    def tokens(self) -> list[Token]:
        out: list[Token] = []
        for i, line in enumerate(self.md_lines):
            if line.strip():
                out.extend(tokenize_line(line, i))
        return out

    @cached_property
    def words(self) -> list[Token]:
        tokens = self.tokens
        if any(sep in self.text for sep in _NUMBER_SEPARATORS):  # §MD lines only drop text, never add it
            tokens = _join_numbers(tokens)
        return [t for t in tokens if t.pos1 not in NON_WORD_POS]

    @cached_property
    def sentence_word_ranges(self) -> list[tuple[int, int]]:
        """(first, end) indexes into `words` of each sentence's words, parallel to `sentences` (one merge
        pass; both are in text order). Words between sentences (in no sentence) belong to none."""
        out: list[tuple[int, int]] = []
        words = self.words
        i = 0
        for s in self.sentences:
            while i < len(words) and (words[i].line, words[i].start) < (s.line, s.start):
                i += 1
            first = i
            while i < len(words) and words[i].line == s.line and words[i].end <= s.end:
                i += 1
            out.append((first, i))
        return out

    @cached_property
    def sentence_words(self) -> list[list[Token]]:
        """The words of each sentence, parallel to `sentences`."""
        words = self.words
        return [words[a:b] for a, b in self.sentence_word_ranges]

    @cached_property
    def content_indexes(self) -> list[int]:
        """Indexes into `words` of the content words (CONTENT_POS)."""
        return [i for i, w in enumerate(self.words) if w.pos1 in CONTENT_POS]

    @cached_property
    def content_words(self) -> list[Token]:
        words = self.words
        return [words[i] for i in self.content_indexes]

    @cached_property
    def readings(self) -> list[str | None]:
        """§R reading of each word, parallel to `words`."""
        return [reading(w) for w in self.words]

    @cached_property
    def word_keys(self) -> list[tuple[str, str]]:
        """§W same-word identities (folded surface, folded lemma base) of each word, parallel to `words`."""
        return [(s, lemma_key(w)) for s, w in zip(self.folded_words, self.words, strict=True)]

    @cached_property
    def numbers(self) -> list[NumberToken]:
        return find_numbers(self.folded)

    @cached_property
    def kanji_numerals(self) -> list[Token]:
        """§N kanji numerals; adjacent numeral tokens (百/二十/三/万) merge into one number (百二十三万)."""
        runs: list[list[Token]] = []
        for t in self.tokens:
            if t.pos2 != "数詞" or not t.surface or not set(t.surface) <= KANJI_NUMERAL_CHARS:
                continue
            if runs and runs[-1][-1].line == t.line and runs[-1][-1].end == t.start:
                runs[-1].append(t)
            else:
                runs.append([t])
        out = []
        for run in runs:
            surface = "".join(t.surface for t in run)
            out.append(run[0]._replace(surface=surface, lemma=surface, end=run[-1].end))
        return out

    @cached_property
    def doc(self) -> Response | None:
        # Through the shared cache: a batch checks many answers against the same prompt's document.
        return None if self.document is None else analyse(normalize_document(self.document))

    @cached_property
    def folded_words(self) -> list[str]:
        """Word surfaces after NFKC + casefold, the identity of §K token mode."""
        return [fold_word(w.surface) for w in self.words]

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A view computed elsewhere (a Markdown parse, an unwrapped payload) cached with this answer,
        so constraints that share it compute it once."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def count_keyword(self, keyword: str) -> int:
        return count_token_occurrences(self.folded_words, keyword)


_CACHE: OrderedDict[tuple[str, str | None], Response] = OrderedDict()
_CACHE_SIZE = 256


def analyse(completion: str, document: str | None = None) -> Response:
    """A `Response` for this answer, shared with earlier calls through a bounded LRU cache."""
    key = (completion, document)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    response = Response(completion, document)
    _CACHE[key] = response
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return response
