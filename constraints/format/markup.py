"""format: markup payloads (XML, HTML, HTML tables, LaTeX, LaTeX tables, MediaWiki tables).

Every row here is a §WRAP format: the payload comes from `unwrap` with the row's tags, and the parsers
are bounded before they run (no DTDs or entities for XML, a nesting pre-scan for HTML and LaTeX,
pylatexenc only on payloads of at most 30,000 characters).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from xml.etree.ElementTree import Element

import regex
from html5lib import HTMLParser
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import tokenTypes
from html5lib.html5parser import ParseError
from lxml import etree
from pydantic import Field

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

from ._tables import table_demands
from ._wrap import unwrap

E = Example

# Ids that force one word per line cannot hold any markup payload (CATALOG.md X10).
_X10 = ("ifbench_format.one_word_per_line",)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _snippet(text: str, width: int = 30) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= width else text[:width] + "…"


# --- shared table parameters ----------------------------------------------------------------------

class TableParams(ParamsBase):
    """Column and data-row counts of a table; None (an alias call) leaves that count open: then any
    number of data rows >= 1 and any column count >= 2, equal in every row."""

    columns: int | None = Field(default=None, ge=2, le=20)
    rows: int | None = Field(default=None, ge=1, le=50)


def _table_display(p: TableParams) -> dict[str, str]:
    return {"rows_ja": f"ちょうど{p.rows}行" if p.rows is not None else "1行以上",
            "columns_ja": f"ちょうど{p.columns}列" if p.columns is not None else "2列以上"}


def _check_counts(header: int, data: list[int], p: TableParams, unit: str, note: str) -> str | None:
    """The shared count rule: header width, data-row count, every data row as wide as the header.
    Returns a failure reason or None; `note` says how spans were counted."""
    if p.columns is not None and header != p.columns:
        return f"the header row has {header} {unit}s, needs {p.columns} ({note})"
    if p.columns is None and header < 2:
        return f"the header row has {header} {unit}, needs at least 2 ({note})"
    if p.rows is not None and len(data) != p.rows:
        return f"the table has {len(data)} data row(s), needs exactly {p.rows}"
    if not data:
        return "the table has no data row after the header row"
    for i, width in enumerate(data, 1):
        if width != header:
            return f"data row {i} has {width} {unit}s, the header row has {header} ({note})"
    return None


# --- XML ------------------------------------------------------------------------------------------

_DTD = regex.compile(r"<!(?:DOCTYPE|ENTITY)", regex.IGNORECASE)


def _xml_parser() -> etree.XMLParser:
    # No entity expansion, no network, no DTD loading, libxml2's default depth (256) and size limits.
    # `encoding` makes the parser read our UTF-8 bytes whatever an <?xml ... encoding=?> says.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           encoding="utf-8")


def parse_xml(text: str) -> tuple[Any | None, str]:
    """(root element, "") or (None, reason). DTDs and entity declarations are rejected before parsing."""
    if not text.lstrip().startswith("<"):  # prose: nothing may precede the first markup (spares lxml)
        return None, "not well-formed XML: the document must start with markup such as <?xml ...?> or <root>"
    m = _DTD.search(text)
    if m:
        return None, f"line {_line_of(text, m.start())} declares {m.group()}; DTDs and entities are not allowed"
    try:
        root = etree.fromstring(text.encode("utf-8"), _xml_parser())
    except etree.XMLSyntaxError as exc:
        return None, f"not well-formed XML: line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError) as exc:  # defensive: lxml rejects some inputs with ValueError
        return None, f"not parseable XML: {exc}"
    return root, ""


@register
class Xml(Constraint):
    id = "format.xml"
    group = Group.FORMAT
    aliases = ("XmlFormatConstraint",)
    train = True
    output_format = True
    conflicts = _X10
    TAGS: ClassVar[tuple[str, ...]] = ("xml", "")

    class Params(ParamsBase):
        root: Literal["any", "response", "items", "document", "data"] = "any"

    test_wording = (
        "回答全体を整形式のXML文書1つだけにしてください（```xmlのコードブロックで囲んでも構いませんが、前後に説明文を"
        "書いてはいけません）。先頭の<?xml ...?>宣言は任意ですが、<!DOCTYPE>やエンティティの宣言は使えません。"
        "ルート要素はただ1つ（{root_desc}）とし、その中に子要素を少なくとも1つ入れてください。"
    )
    train_wordings = (
        "XMLだけで回答してください。出力はXMLとして正しく解析できる1つの文書とし、ルート要素（{root_desc}）の下に子要素を1つ以上置くこと。<?xml ...?>宣言は付けても付けなくてもよく、DOCTYPE宣言やENTITY宣言は禁止です。```xmlのコードブロックに入れるのは構いませんが、それ以外の文章は書かないでください。",
        "出力は説明文なしのXML文書にしてください。開始タグと終了タグの対応が取れた整形式のXMLで、ルート要素は1つだけ（{root_desc}）、その子要素が最低1つ必要です。DOCTYPEやENTITYの宣言は入れないでください。XML宣言を書くことと、全体を```xmlで囲むことは任意です。",
        "回答は1つのXML文書として書いてください。ルート要素（{root_desc}）がちょうど1つあり、その中に少なくとも1つの子要素があることが条件です。文書型宣言（<!DOCTYPE>）とエンティティ宣言（<!ENTITY>）は使用不可、<?xml?>宣言は任意です。XMLの前後に地の文を付けないでください（```xmlのコードブロックで全体を囲むのは可）。",
        "XMLパーサーでそのまま読み込める形で回答してください。ルート要素は1つ（{root_desc}）で、子要素を1つ以上含めます。DOCTYPE宣言とエンティティ宣言は書かず、XML以外の文章も加えないでください。XML宣言の有無と、```xmlのブロックで囲むかどうかは自由です。",
        "整形式のXMLのみを出力してください。条件は、ルート要素がただ1つ（{root_desc}）であること、子要素が最低1つあること、<!DOCTYPE>や<!ENTITY>を含まないことです。<?xml ...?>宣言を付けたり全体を```xmlのコードブロックにしたりするのは構いませんが、前置きや補足の文章は不要です。",
    )
    examples = (
        E(response='<?xml version="1.0" encoding="UTF-8"?>\n<response>\n  <title>梅雨の説明</title>\n'
                   "  <item>梅雨前線が停滞して雨が続きます。</item>\n</response>",
          passed=True, params={"root": "response"}),
        E(response="```xml\n<items>\n  <item id=\"1\">りんご</item>\n  <item id=\"2\">みかん</item>\n</items>\n```",
          passed=True, params={"root": "items"}, note="fenced payload"),
        E(response="<data><row><name>東京</name><pop>1400万</pop></row></data>", passed=True,
          note="root any (alias default): any name passes"),
        E(response='<r:response xmlns:r="urn:example"><r:item>晴れ</r:item></r:response>', passed=True,
          params={"root": "response"}, note="a prefixed root matches by its local name"),
        E(response="<!-- 回答 -->\n<document>\n  <section>本文です。&amp;記号も使えます。</section>\n</document>",
          passed=True, params={"root": "document"}, note="comments and predefined entities are fine"),
        E(response="以下がXMLです。\n<response><item>晴れ</item></response>", passed=False,
          params={"root": "response"}, note="near miss: a preface sentence before the XML"),
        E(response="梅雨は6月ごろに始まり、7月中旬に明けることが多いです。", passed=False,
          note="prose is not XML"),
        E(response="<response><item>晴れ</item></respons>", passed=False, params={"root": "response"},
          note="mismatched end tag"),
        E(response="<data><item>晴れ</item></data>", passed=False, params={"root": "response"},
          note="root element has the wrong name"),
        E(response="<response>今日は晴れです。</response>", passed=False, params={"root": "response"},
          note="the root has text but no child element"),
        E(response='<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "あ">\n]>\n<r><x>&a;</x></r>', passed=False,
          note="DTDs and entity declarations are rejected outright"),
        E(response="<a><b>1</b></a>\n<c><d>2</d></c>", passed=False, note="two root elements"),
        E(response="```json\n<items><item>1</item></items>\n```", passed=False, params={"root": "items"},
          note="the fence is tagged json"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(root=rng.choice(["any", "response", "items", "document", "data"]))

    def display(self) -> dict[str, str]:
        root = self.params.root
        return {"root_desc": "要素名は自由" if root == "any" else f"要素名は「{root}」"}

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        root, reason = r.memo(("xml", payload.text), lambda: parse_xml(payload.text))
        if root is None:
            return self.fail(reason)
        local = etree.QName(root).localname
        name = f"{root.prefix}:{local}" if root.prefix else local
        if self.params.root != "any" and self.params.root not in (name, local):
            return self.fail(f"the root element is <{name}>, needs <{self.params.root}>")
        children = sum(1 for child in root if isinstance(child.tag, str))
        if not children:
            return self.fail(f"the root element <{name}> has no child element")
        return self.ok(f"well-formed XML, root <{name}> with {children} child element(s)")


# --- HTML -----------------------------------------------------------------------------------------

# Elements that never nest (void) or whose end tag is optional and implied by a sibling: left out of
# the nesting pre-scan, which only has to keep hostile input (20k nested <div>, which costs html5lib
# quadratic time) away from the parser.
_NO_NEST = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li dt dd tr td th option optgroup rb rt rtc rp thead tbody tfoot colgroup caption html head body".split())
_TAG = regex.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,40})(?=[\s/>])")
_OPEN_TAG = regex.compile(r"<[A-Za-z][^<>]*")
# Real pages nest a few dozen elements; html5lib's cost grows with the stack of open elements (each
# unclosed formatting element is cloned again for every new block), so deeper input is refused.
MAX_HTML_DEPTH = 100
# html5lib checks each attribute against all earlier ones of its tag (quadratic: 20k attributes take 11 s).
MAX_HTML_ATTRIBUTES = 1000


def html_prescan_error(text: str) -> str | None:
    """Nesting depth and attributes per tag, by a linear scan (approximate: it ignores comments and script
    text), so hostile markup never reaches html5lib."""
    depth = 0
    for m in _TAG.finditer(text):
        if m.group(2).lower() in _NO_NEST:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_HTML_DEPTH:
                return f"elements are nested more than {MAX_HTML_DEPTH} levels deep (line {_line_of(text, m.start())})"
    for m in _OPEN_TAG.finditer(text):
        if len(m.group()) > 2 * MAX_HTML_ATTRIBUTES and len(m.group().split()) > MAX_HTML_ATTRIBUTES:
            return f"a tag on line {_line_of(text, m.start())} has more than {MAX_HTML_ATTRIBUTES} attributes"
    return None


_START_TAG = tokenTypes["StartTag"]
# html5lib is pure Python (~15-20 µs per token): past this many tokens (tags and text runs, far more than any
# answer-sized page holds) the parse stops and the answer fails as too large, so a check stays well under 1 s.
MAX_HTML_TOKENS = 20_000


class _TooManyTokens(Exception):
    pass


class _RecordingTokenizer(HTMLTokenizer):
    """html5lib's tokenizer, noting which start tags were written out (html, head and body are implied
    by the parser when absent, so the tree alone cannot tell) and enforcing the token budget."""

    def __iter__(self):
        seen = self.parser.explicit_tags
        budget = MAX_HTML_TOKENS
        for token in super().__iter__():
            budget -= 1
            if budget < 0:
                raise _TooManyTokens
            if token["type"] == _START_TAG:
                seen.add(token["name"])
            yield token


class _RecordingHtmlParser(HTMLParser):
    def __init__(self, strict: bool) -> None:
        super().__init__(strict=strict, namespaceHTMLElements=False)
        self.explicit_tags: set[str] = set()

    def mainLoop(self) -> None:
        self.tokenizer.__class__ = _RecordingTokenizer
        super().mainLoop()


_TOO_LARGE = f"the HTML is too large to check (more than {MAX_HTML_TOKENS:,} tags and text runs)"


_DOCTYPE = regex.compile(r"<!doctype[ \t\n]+html[ \t\n]*>", regex.IGNORECASE)


def _html_document(text: str) -> tuple[Element | None, set[str], str]:
    if not _DOCTYPE.match(text):
        return None, set(), f"the document must start with <!DOCTYPE html>; it starts with {_snippet(text, 20)!r}"
    depth = html_prescan_error(text)
    if depth:
        return None, set(), depth
    parser = _RecordingHtmlParser(strict=True)
    try:
        tree = parser.parse(text)
    except _TooManyTokens:
        return None, set(), _TOO_LARGE
    except ParseError as exc:
        (line, col) = parser.errors[-1][0] if parser.errors else (0, 0)
        return None, set(), f"HTML syntax error at line {line}, column {col}: {exc}"
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, set(), f"HTML could not be parsed: {type(exc).__name__}"
    return tree, parser.explicit_tags, ""


@register
class Html(Constraint):
    id = "format.html"
    group = Group.FORMAT
    aliases = ("HtmlFormatConstraint",)
    train = True
    output_format = True
    conflicts = _X10
    TAGS: ClassVar[tuple[str, ...]] = ("html", "")

    test_wording = (
        "回答全体を1つの完全なHTML文書にしてください（```htmlのコードブロックで囲むのは可、前後に説明文は書かない）。"
        "先頭を<!DOCTYPE html>とし、<html>要素の中に<head>要素と<body>要素を明示的に書き、<head>には中身が空でない"
        "<title>を入れてください。タグの閉じ忘れや誤った入れ子などがなく、HTML5の構文エラーが1つもない文書にしてください。"
    )
    train_wordings = (
        "ブラウザでそのまま開けるHTML文書だけを出力してください。1行目は<!DOCTYPE html>、続いて<html>を開き、その中に<head>（空でない<title>を含む）と<body>をどちらも省略せずに書きます。HTML5として構文エラーがないこと（終了タグの対応、要素の入れ子など）も必要です。```htmlで囲むのは構いませんが、文書の外に文章を書かないでください。",
        "出力はHTML5の完全な文書1つに限ります。<!DOCTYPE html>で始め、<html>・<head>・<body>の各タグを明記し、<head>の中に内容のある<title>要素を置いてください。HTMLパーサーが構文エラーを報告しない正しいマークアップにし、前置きや補足の文章は付けないこと（```htmlのコードブロックは可）。",
        "HTMLファイルの中身として、次を満たす文書だけを返してください：先頭が<!DOCTYPE html>であること、<html>要素とその中の<head>・<body>要素が書かれていること、<head>に空でない<title>があること、HTML5の構文エラー（閉じ忘れ・入れ子の誤りなど）がないこと。全体を```htmlで囲むのは任意で、HTML以外の文章は不要です。",
        "回答はHTML文書のみとしてください。省略形ではなく、<!DOCTYPE html>宣言、<html>、<head>（文字の入った<title>を含む）、<body>をすべて含む完全な形で書き、HTML5として構文上のエラーがないようにします。説明文は文書の前にも後にも書かないでください（```htmlのコードブロックにするのは可）。",
        "完全なHTML文書の形で答えてください。<!DOCTYPE html>から書き始め、<html>の中に<head>と<body>を明示し、<head>には空でない<title>を入れること。タグの対応や入れ子に誤りがなくHTML5の構文エラーが出ないことも条件です。コードブロック（```html）で囲むかどうかは自由ですが、それ以外の文章は書かないこと。",
    )
    examples = (
        E(response='<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="UTF-8">\n<title>梅雨の説明</title>\n'
                   "</head>\n<body>\n<h1>梅雨とは</h1>\n<p>6月ごろに雨の日が続く季節です。<br>梅雨前線が原因です。</p>\n"
                   "<ul><li>北海道には梅雨がほとんどない<li>沖縄は5月に始まる</ul>\n</body>\n</html>", passed=True,
          note="optional end tags (li) are valid HTML5"),
        E(response="```html\n<!doctype html>\n<html>\n<head><title>自己紹介</title></head>\n"
                   "<body><p>山田です。よろしくお願いします。</p></body>\n</html>\n```", passed=True,
          note="fenced, lower-case doctype"),
        E(response="<p>梅雨は6月ごろに始まります。</p>", passed=False,
          note="a fragment: the wording now asks for the full document, so this fails as announced"),
        E(response="<!DOCTYPE html>\n<title>梅雨</title>\n<p>雨の季節です。</p>", passed=False,
          note="valid HTML5 with implied html/head/body, but the wording asks for them explicitly"),
        E(response="<!DOCTYPE html>\n<html>\n<head><title></title></head>\n<body><p>本文</p></body>\n</html>",
          passed=False, note="empty title"),
        E(response="<!DOCTYPE html>\n<html>\n<head><title>説明</title></head>\n<body>\n<div><p>本文</p>\n</body>\n</html>",
          passed=False, note="near miss: an unclosed <div> is a strict parse error"),
        E(response="以下のHTMLをご覧ください。\n<!DOCTYPE html>\n<html><head><title>a</title></head><body>b</body></html>",
          passed=False, note="a preface sentence"),
        E(response="梅雨は6月ごろに始まり、7月中旬に明けます。", passed=False, note="prose"),
        E(response="<!DOCTYPE html>\n<html>\n<head></head>\n<body><title>題</title><p>本文</p></body>\n</html>",
          passed=False, note="the title is in the body, not the head"),
    )

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        tree, explicit, reason = r.memo(("html-document", payload.text), lambda: _html_document(payload.text))
        if tree is None:
            return self.fail(reason)
        missing = [f"<{t}>" for t in ("html", "head", "body") if t not in explicit]
        if missing:
            return self.fail(f"the document does not write {', '.join(missing)} explicitly")
        head = tree.find("head")
        title = head.find("title") if head is not None else None
        if title is None:
            return self.fail("<head> has no <title>")
        if not "".join(title.itertext()).strip():
            return self.fail("the <title> is empty")
        return self.ok("a complete HTML5 document with no parse error")


# --- HTML table -----------------------------------------------------------------------------------

def _span(cell: Element, name: str, limit: int) -> int:
    m = regex.match(r"\s*(\d{1,6})", cell.get(name) or "")
    return min(max(int(m.group(1)), 1), limit) if m else 1


def _html_table(text: str) -> tuple[list[tuple[int, int, int, int]] | None, str]:
    """Rows of the only table as (width in grid columns, th cells, td cells, explicit cells), or a reason."""
    body = text.strip()
    if not regex.match(r"<table(?=[\s>])", body, flags=regex.IGNORECASE):
        return None, f"the answer must be one <table> element; it starts with {_snippet(body, 20)!r}"
    if not regex.search(r"</table\s*>$", body, flags=regex.IGNORECASE):
        return None, f"the answer must end with </table>; it ends with {body[-20:]!r}"
    depth = html_prescan_error(body)
    if depth:
        return None, depth
    try:
        fragment = _RecordingHtmlParser(strict=False).parseFragment(body)
    except _TooManyTokens:
        return None, _TOO_LARGE
    except (RecursionError, MemoryError, ValueError) as exc:
        return None, f"HTML could not be parsed: {type(exc).__name__}"
    nodes = list(fragment)
    if (fragment.text or "").strip():
        return None, f"text outside the table: {_snippet(fragment.text)!r}"
    if len(nodes) != 1 or nodes[0].tag != "table":
        names = ", ".join(f"<{n.tag}>" if isinstance(n.tag, str) else "a comment" for n in nodes)
        return None, f"the answer must be exactly one <table> element, found {names or 'nothing'}"
    table = nodes[0]
    if (table.tail or "").strip():
        return None, f"text after the table: {_snippet(table.tail)!r}"
    if sum(1 for _ in table.iter("table")) > 1:
        return None, "the table contains a nested table"
    trs: list[Element] = []
    for child in table:
        if child.tag in ("thead", "tbody", "tfoot"):
            trs.extend(c for c in child if c.tag == "tr")
        elif child.tag == "tr":
            trs.append(child)
    rows = []
    covered = 0  # grid columns still covered by rowspans from earlier rows
    expiring: dict[int, int] = {}  # row index -> columns whose rowspan ends before it
    for k, tr in enumerate(trs):
        covered -= expiring.pop(k, 0)
        cells = [c for c in tr if c.tag in ("td", "th")]
        width = covered
        for c in cells:
            cols = _span(c, "colspan", 1000)
            width += cols
            span = _span(c, "rowspan", 1000)
            if span > 1:
                covered += cols
                expiring[k + span] = expiring.get(k + span, 0) + cols
        rows.append((width, sum(c.tag == "th" for c in cells), sum(c.tag == "td" for c in cells), len(cells)))
    return rows, ""


@register
class HtmlTable(Constraint):
    id = "format.html_table"
    group = Group.FORMAT
    aliases = ("HtmlTableFormatConstraint",)
    train = True
    output_format = True
    conflicts = _X10
    Params = TableParams
    TAGS: ClassVar[tuple[str, ...]] = ("html", "")

    test_wording = (
        "回答全体をHTMLの<table>要素1つだけにしてください（```htmlのコードブロックで囲むのは可、表の前後に文章は書かない）。"
        "最初の行は<th>セルだけの見出し行とし、その後に<td>セルを含むデータ行を{rows_ja}続けてください。見出し行の列数は"
        "{columns_ja}とし、各データ行の列数も見出し行と同じにしてください（colspanで結合したセルは結合した列数で数えます）。"
        "表の中に別の表を入れないでください。"
    )
    train_wordings = (
        "HTMLの表（<table>要素）1つだけを出力してください。表の外には何も書かず（```htmlで囲むのは可）、1行目は<th>のみの見出し行、続くデータ行（<td>を含む<tr>）は{rows_ja}にします。見出し行の列数は{columns_ja}で、どのデータ行も同じ列数にそろえてください。colspanを使ったセルは結合した列の数だけ数えます。表の入れ子は禁止です。",
        "回答は<table>タグで始まり</table>タグで終わる表1つにしてください（```htmlのコードブロックにしても構いません）。先頭の行を<th>による見出し行、その下に<td>のデータ行を{rows_ja}置き、列数は見出し行が{columns_ja}、データ行も見出し行と同数とします（colspanは結合数で計算）。<table>の中に別の<table>を入れないでください。",
        "次の条件を満たすHTMLの表だけを返してください。・要素は<table>1つで、前後に説明文なし（```htmlで囲むのは可）・最初の行は<th>セルだけの見出し行・その後のデータ行（<td>を含む）は{rows_ja}・見出し行の列数は{columns_ja}、データ行も同じ列数（colspanは結合した列数で数える）・表の入れ子なし。",
        "出力をHTMLの<table>要素1つに限定してください。見出し行を<th>セルで1行書き、その後に<td>セルを含むデータ行を{rows_ja}書きます。見出し行の列数は{columns_ja}にし、各データ行の列数も見出し行にそろえます（colspan指定のセルは指定した列数分と数えます）。表の中に表を入れたり、表の外に文章を書いたりしないでください（```htmlのコードブロックは可）。",
        "表はHTMLで、<table>要素1つだけの回答にしてください。1行目は見出し用の<th>セルのみ、2行目以降は<td>セルを含むデータ行で、データ行の数は{rows_ja}です。列は見出し行で{columns_ja}とし、全データ行を同じ列数にしてください（colspanは結合した列数で換算）。入れ子の表と表外の文章は不可、```htmlで囲むのは構いません。",
    )
    examples = (
        E(response="<table>\n  <tr><th>都市</th><th>人口</th><th>特徴</th></tr>\n"
                   "  <tr><td>東京</td><td>1400万</td><td>首都</td></tr>\n"
                   "  <tr><td>大阪</td><td>880万</td><td>商業の中心</td></tr>\n</table>", passed=True,
          params={"columns": 3, "rows": 2}),
        E(response="```html\n<table>\n<thead><tr><th>項目</th><th>内容</th></tr></thead>\n<tbody>\n"
                   "<tr><td>日時</td><td>6月1日</td></tr>\n<tr><td colspan=\"2\">雨天中止</td></tr>\n"
                   "<tr><td>場所</td><td>公園</td></tr>\n</tbody>\n</table>\n```", passed=True,
          params={"columns": 2, "rows": 3}, note="anchor defect: a fenced table passes; colspan counted"),
        E(response="<table>\n<tr><th>曜日</th><th>時間</th><th>内容</th></tr>\n"
                   "<tr><td rowspan=\"2\">月</td><td>午前</td><td>会議</td></tr>\n<tr><td>午後</td><td>作業</td></tr>\n</table>",
          passed=True, params={"columns": 3, "rows": 2}, note="a rowspan keeps covering its column in the next row"),
        E(response="<table><caption>比較</caption><tr><th>名前</th><th>値</th></tr><tr><th>A</th><td>1</td></tr></table>",
          passed=True, note="alias default: any row count, a row header th is fine"),
        E(response="<table>\n<tr><th>都市</th><th>人口</th><th>特徴</th></tr>\n<tr><td>東京</td><td>1400万</td></tr>\n"
                   "<tr><td>大阪</td><td>880万</td><td>商業</td></tr>\n</table>", passed=False,
          params={"columns": 3, "rows": 2}, note="near miss: a data row is missing a cell"),
        E(response="<table>\n<tr><th>都市</th><th>人口</th></tr>\n<tr><td>東京</td><td>1400万</td></tr>\n</table>",
          passed=False, params={"columns": 2, "rows": 2}, note="one data row, needs 2"),
        E(response="主要都市の表です。\n<table><tr><th>都市</th><th>人口</th></tr><tr><td>東京</td><td>1400万</td></tr></table>",
          passed=False, params={"columns": 2, "rows": 1}, note="text before the table"),
        E(response="<table><tr><td>都市</td><td>人口</td></tr><tr><td>東京</td><td>1400万</td></tr></table>",
          passed=False, params={"columns": 2, "rows": 1}, note="no th header row"),
        E(response="<table><tr><th>a</th><th>b</th></tr><tr><td><table><tr><td>x</td></tr></table></td><td>1</td></tr>"
                   "</table>", passed=False, note="nested table"),
        E(response="| 都市 | 人口 |\n|---|---|\n| 東京 | 1400万 |", passed=False, note="a Markdown table, not HTML"),
        E(response="東京の人口は約1400万人、大阪は約880万人です。", passed=False, note="prose"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(columns=rng.randint(2, 5), rows=rng.randint(2, 8))

    def display(self) -> dict[str, str]:
        return _table_display(self.params)

    def demands(self, prompt: Any = None) -> Demands:
        return table_demands(self.params.columns, self.params.rows, row_per_line=False)  # rows may share a line

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        rows, reason = r.memo(("html-table", payload.text), lambda: _html_table(payload.text))
        if rows is None:
            return self.fail(reason)
        if not rows:
            return self.fail("the table has no <tr> row")
        header, *data = rows
        if header[2] or not header[1]:
            return self.fail("the first row must be a header row of <th> cells only")
        for i, (_, _, td, _) in enumerate(data, 1):
            if not td:
                return self.fail(f"data row {i} has no <td> cell (only one header row is allowed)")
        reason = _check_counts(header[0], [w for w, *_ in data], self.params, "column", "colspan counted")
        if reason:
            return self.fail(reason)
        return self.ok(f"one table: a header row and {len(data)} data rows of {header[0]} columns")


# --- LaTeX ----------------------------------------------------------------------------------------

# Environments whose body is taken literally (braces and % inside do not count).
_VERBATIM_ENVS = frozenset({"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment", "filecontents"})
_TEX_TOKEN = regex.compile(r"\\(begin|end)[ \t]*\{([^{}\n]{0,80})\}|\\verb(?![A-Za-z@])\*?|\\[A-Za-z@]+|\\.|[{}%]",
                           regex.DOTALL)
MAX_TEX_DEPTH = 200


@dataclass(frozen=True)
class TexEnv:
    name: str
    depth: int  # groups and environments open around \begin
    begin: tuple[int, int]  # span of \begin{name} in the comment-free text
    end: tuple[int, int]  # span of \end{name} in the comment-free text
    end_source: int  # end of \end{name} in the payload


@dataclass(frozen=True)
class TexScan:
    """The linear scan of a LaTeX payload: the first structural error, the text with `%` comments and
    verbatim bodies removed (line breaks kept, so line numbers still match) and the environments."""

    error: str | None
    text: str
    envs: tuple[TexEnv, ...]


def scan_tex(src: str) -> TexScan:
    out: list[str] = []
    out_len = 0
    last = 0  # src[last:] has not been copied to out yet
    pos = 0
    stack: list[tuple[str, str, int, int, int]] = []  # (kind, name, source pos, out begin start, out begin end)
    envs: list[TexEnv] = []

    def o(i: int) -> int:  # position in the comment-free text of a source position >= last
        return out_len + i - last

    def fail(message: str) -> TexScan:
        return TexScan(message, "", ())

    def describe(item: tuple[str, str, int, int, int]) -> str:
        kind, name, at, _, _ = item
        what = "{" if kind == "{" else f"\\begin{{{name}}}"
        return f"{what} on line {_line_of(src, at)}"

    while True:
        m = _TEX_TOKEN.search(src, pos)
        if m is None:
            break
        tok, start, end = m.group(), m.start(), m.end()
        pos = end
        if tok == "%":  # a comment runs to the end of the line; the line break stays
            nl = src.find("\n", start)
            nl = len(src) if nl < 0 else nl
            out.append(src[last:start])
            out_len += start - last
            last = pos = nl
        elif tok.startswith("\\verb") and not m.group(1):
            if end >= len(src) or src[end].isspace():
                return fail(f"\\verb on line {_line_of(src, start)} has no delimiter")
            close = src.find(src[end], end + 1)
            nl = src.find("\n", end)
            if close < 0 or 0 <= nl < close:
                return fail(f"\\verb on line {_line_of(src, start)} is not closed on the same line")
            out.append(src[last:end + 1] + src[close])  # drop the literal text
            out_len += end + 2 - last
            last = pos = close + 1
        elif m.group(1) == "begin":
            name = m.group(2).strip()
            if name in _VERBATIM_ENVS:
                closing = f"\\end{{{name}}}"
                close = src.find(closing, end)
                if close < 0:
                    return fail(f"\\begin{{{name}}} on line {_line_of(src, start)} is never closed")
                begin_span = (o(start), o(end))
                body = src[end:close]
                out.append(src[last:end] + "\n" * body.count("\n") + closing)
                out_len += end - last + body.count("\n") + len(closing)
                envs.append(TexEnv(name, len(stack), begin_span, (out_len - len(closing), out_len),
                                   close + len(closing)))
                last = pos = close + len(closing)
                continue
            stack.append(("env", name, start, o(start), o(end)))
            if len(stack) > MAX_TEX_DEPTH:
                return fail(f"groups and environments are nested more than {MAX_TEX_DEPTH} levels deep "
                            f"(line {_line_of(src, start)})")
        elif m.group(1) == "end":
            name = m.group(2).strip()
            if not stack:
                return fail(f"\\end{{{name}}} on line {_line_of(src, start)} has no matching \\begin{{{name}}}")
            top = stack[-1]
            if top[0] == "{":
                return fail(f"{describe(top)} is still open at \\end{{{name}}} on line {_line_of(src, start)}")
            if top[1] != name:
                return fail(f"{describe(top)} is closed by \\end{{{name}}} on line {_line_of(src, start)}")
            stack.pop()
            envs.append(TexEnv(name, len(stack), (top[3], top[4]), (o(start), o(end)), end))
        elif tok == "{":
            stack.append(("{", "", start, 0, 0))
            if len(stack) > MAX_TEX_DEPTH:
                return fail(f"groups and environments are nested more than {MAX_TEX_DEPTH} levels deep "
                            f"(line {_line_of(src, start)})")
        elif tok == "}":
            if not stack:
                return fail(f"unmatched }} on line {_line_of(src, start)}")
            top = stack[-1]
            if top[0] != "{":
                return fail(f"{describe(top)} is closed by }} on line {_line_of(src, start)}")
            stack.pop()
        # other tokens (\command, \{ \} \% \\ and other escapes) are skipped
    if stack:
        return fail(f"{describe(stack[-1])} is never closed")
    out.append(src[last:])
    envs.sort(key=lambda e: e.begin[0])
    return TexScan(None, "".join(out), tuple(envs))


def tex_scan(r: Response, text: str) -> TexScan:
    return r.memo(("tex-scan", text), lambda: scan_tex(text))


_DOCUMENTCLASS = regex.compile(r"\\documentclass[ \t\n]*(?:\[[^\]]{0,500}\])?[ \t\n]*\{[^{}\n]{1,80}\}")
_NON_TEXT_ARG = regex.compile(
    r"\\(?:begin|end|label|ref|eqref|pageref|cite[a-z]{0,10}|includegraphics|input|include|bibliography"
    r"|bibliographystyle|usepackage|url|hspace|vspace|setlength|addtolength|newcommand|renewcommand)\*?"
    r"[ \t]*(?:\[[^\]\n]{0,200}\])?[ \t]*\{[^{}]{0,200}\}")
_COMMAND = regex.compile(r"\\[A-Za-z@]+\*?|\\.", regex.DOTALL)
_WORD = regex.compile(r"[\p{L}\p{N}]")
# pylatexenc is pure Python and slow: 1.5-10 µs per character depending on the markup (60,000 characters of
# `a\\` took 0.5-0.9 s here), so it only runs on payloads of at most 30,000 characters (~0.3 s worst case);
# longer payloads are decided by the linear scan alone. Real answers are far shorter than this bound.
PYLATEXENC_LIMIT = 30_000


def _pylatexenc_error(text: str) -> str | None:
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerError, LatexWalkerParseError

    try:
        LatexWalker(text, tolerant_parsing=False).get_latex_nodes()
    except LatexWalkerParseError as exc:
        return f"LaTeX parse error on line {exc.lineno}: {exc.msg}"
    except (LatexWalkerError, RecursionError, MemoryError, ValueError) as exc:
        return f"LaTeX parse error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@register
class Latex(Constraint):
    id = "format.latex"
    group = Group.FORMAT
    aliases = ("LatexFormatConstraint",)
    train = True
    output_format = True
    conflicts = _X10
    TAGS: ClassVar[tuple[str, ...]] = ("latex", "tex", "")

    test_wording = (
        r"回答全体を1つの完全なLaTeX文書にしてください（```latexのコードブロックで囲むのは可、前後に説明文は書かない）。"
        r"\documentclass{{…}}で始め、\begin{{document}}と\end{{document}}の間に1語以上の本文を書き、\end{{document}}の後には"
        r"何も書かないでください。%から行末までのコメントを除いた部分で波括弧{{ }}の対応が取れ、すべての\begin{{…}}が"
        r"正しく入れ子になった同名の\end{{…}}で閉じられ、数式の$も閉じているなど、構文エラーのない文書にしてください。"
    )
    train_wordings = (
        r"コンパイル可能なLaTeX文書だけを出力してください。\documentclass{{…}}から書き始め、本文（1語以上）を\begin{{document}}と\end{{document}}で挟み、\end{{document}}より後ろには何も置かないこと。コメント（%以降）以外で{{と}}の数と対応をそろえ、\begin{{…}}と\end{{…}}を同じ名前で正しく入れ子にし、$の閉じ忘れなどの構文エラーがないようにしてください。```latexで囲むのは構いませんが、説明文は不要です。",
        r"答えはLaTeXのソースとして書き、文書クラス宣言\documentclass{{…}}、\begin{{document}}、少なくとも1語の本文、\end{{document}}をこの順に含めてください。\end{{document}}の後ろは空にします。%コメントの外では波括弧が閉じており、環境はすべて開いた順と逆の順に同じ名前の\end{{…}}で閉じ、数式の$も対になっている必要があります。前後の文章は書かないでください（```latexのコードブロックは可）。",
        r"LaTeXの完全な原稿の形で回答してください。条件：先頭が\documentclass{{…}}、本文は\begin{{document}}～\end{{document}}の中に1語以上、\end{{document}}の後に何もないこと、%コメントの外で{{ }}の対応が取れていること、\begin{{…}}と\end{{…}}が名前も入れ子も一致していること、その他LaTeXの構文エラー（閉じていない$など）がないこと。全体を```latexまたは```texで囲むのは可、それ以外の文章は不可です。",
        r"LaTeXで書かれた文書1つだけを返してください。\documentclass{{…}}で始まり、\begin{{document}}の後に本文を1語以上書いて、最後を\end{{document}}で締めくくります（その後ろには何も書かない）。%以降のコメントを除いて波括弧の開きと閉じが対応し、各環境が正しく入れ子になって同名の\end{{…}}で閉じられ、$も閉じているなど、構文的に正しい文書にしてください。```latexのブロックで囲んでも構いません。",
        r"出力は単体でコンパイルできるLaTeXファイルの中身にしてください。\documentclass{{…}}、\begin{{document}}、本文（最低1語）、\end{{document}}の順に書き、\end{{document}}以降には何も書きません。%によるコメントの外側では{{と}}が釣り合い、\begin{{x}}はすべて入れ子の順序どおりに\end{{x}}で閉じ、数式の$の閉じ忘れなど構文エラーがないこと。説明文は付けず、```latexで囲むのは任意です。",
    )
    examples = (
        E(response="\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n\\section{梅雨}\n"
                   "梅雨は6月ごろに始まります。% 地域差あり {\n\\begin{itemize}\n  \\item 雨が多い\n  \\item 湿度が高い\n"
                   "\\end{itemize}\n気温は$25^\\circ$C前後です。\n\\end{document}", passed=True,
          note="a brace inside a comment does not count"),
        E(response="```latex\n\\documentclass[12pt]{jarticle}\n\\begin{document}\n"
                   "こんにちは。\\{ と \\} は記号です。\n\\end{document}\n```", passed=True, note="fenced; escaped braces"),
        E(response="\\documentclass{article}\n\\begin{document}\nコード例：\\verb|{|\n\\begin{verbatim}\nif (x) { % 開き括弧だけ\n"
                   "\\end{verbatim}\n\\end{document}", passed=True, note="verbatim text is not scanned for braces"),
        E(response="梅雨は6月ごろに始まり、7月中旬に明けます。", passed=False,
          note="anchor defect: prose passed the tolerant parser"),
        E(response="\\documentclass{article}\n\\begin{document}\n{abc\n\\end{document}", passed=False,
          note="anchor defect: an unclosed brace"),
        E(response="\\documentclass{article}\n\\begin{document}\n\\begin{itemize}\n\\item 一つ目\n\\end{enumerate}\n"
                   "\\end{document}", passed=False, note="anchor defect: an environment closed by another name"),
        E(response="\\documentclass{article}\n\\begin{document}\n\\begin{itemize}\n\\item 一つ目\n\\end{document}",
          passed=False, note="an unclosed environment"),
        E(response="\\documentclass{article}\n\\begin{document}\n本文です。\n\\end{document}\n以上がLaTeX文書です。",
          passed=False, note="near miss: text after \\end{document}"),
        E(response="\\begin{document}\n本文です。\n\\end{document}", passed=False, note="no \\documentclass"),
        E(response="\\documentclass{article}\n\\begin{document}\n\\maketitle\n\\end{document}", passed=False,
          note="the body has no word"),
        E(response="\\documentclass{article}\n\\begin{document}\n面積は$\\pi r^2 です。\n\\end{document}", passed=False,
          note="unclosed math (pylatexenc)"),
    )

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        src = payload.text
        scan = tex_scan(r, src)
        if scan.error:
            return self.fail(scan.error)
        text = scan.text
        dc = _DOCUMENTCLASS.search(text)
        if dc is None:
            return self.fail("no \\documentclass{…}")
        if text[:dc.start()].strip():
            return self.fail(f"text before \\documentclass: “{_snippet(text[:dc.start()])}”")
        docs = [e for e in scan.envs if e.name == "document"]
        if len(docs) != 1:
            return self.fail(f"needs exactly one \\begin{{document}} … \\end{{document}}, found {len(docs)}")
        doc = docs[0]
        if doc.begin[0] < dc.start():
            return self.fail("\\begin{document} comes before \\documentclass")
        after = src[doc.end_source:]
        if after.strip():
            return self.fail(f"text after \\end{{document}}: “{_snippet(after)}”")
        body = _COMMAND.sub(" ", _NON_TEXT_ARG.sub(" ", text[doc.begin[1]:doc.end[0]]))
        if not _WORD.search(body):
            return self.fail("the document body has no word")
        if len(src) <= PYLATEXENC_LIMIT:
            error = r.memo(("pylatexenc", src), lambda: _pylatexenc_error(src))
            if error:
                return self.fail(error)
        return self.ok("a complete LaTeX document: balanced braces and environments")


# --- LaTeX table ----------------------------------------------------------------------------------

def _group_end(text: str, i: int) -> int:
    """Index after the brace group that opens at text[i] == "{" (braces are known to balance), or -1."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _spec_columns(spec: str, nesting: int = 0) -> int | str:
    """Columns of a tabular column spec, or a reason. l c r count 1, p{…} m{…} b{…} count 1, | and @{…} !{…}
    >{…} <{…} count 0, *{n}{spec} counts n times."""
    count = 0
    i = 0
    while i < len(spec):
        c = spec[i]
        if c.isspace() or c == "|":
            i += 1
        elif c in "lcr":
            count += 1
            i += 1
        elif c in "pmb@!<>":
            j = i + 1
            while j < len(spec) and spec[j].isspace():
                j += 1
            end = _group_end(spec, j) if j < len(spec) and spec[j] == "{" else -1
            if end < 0:
                return f"column type {c} in the column spec needs a {{…}} argument"
            count += c in "pmb"
            i = end
        elif c == "*":
            first = _group_end(spec, i + 1) if spec[i + 1:i + 2] == "{" else -1
            second = _group_end(spec, first) if first > 0 and spec[first:first + 1] == "{" else -1
            times = spec[i + 2:first - 1].strip() if first > 0 else ""
            if second < 0 or not times.isdigit() or int(times) > 100 or nesting > 5:
                return "*{n}{…} in the column spec is malformed"
            inner = _spec_columns(spec[first + 1:second - 1], nesting + 1)
            if isinstance(inner, str):
                return inner
            count += int(times) * inner
            i = second
        else:
            return f"unknown column type {c!r} in the column spec (use l, c, r or p{{…}})"
    return count


_ROW_TOKEN = regex.compile(r"\\\\\*?(?:[ \t]*\[[^\]\n]{0,40}\])?|\\tabularnewline(?![A-Za-z])|\\[A-Za-z@]+|\\.|[{}&]",
                           regex.DOTALL)
_RULES = regex.compile(
    r"(?:\s|\\(?:hline|toprule|midrule|bottomrule|morecmidrules)(?![A-Za-z])(?:\[[^\]\n]{0,40}\])?"
    r"|\\cline[ \t]*\{[^{}\n]{0,20}\}|\\cmidrule[ \t]*(?:\[[^\]\n]{0,40}\])?[ \t]*(?:\([^)\n]{0,10}\))?[ \t]*\{[^{}\n]{0,20}\}"
    r"|\\addlinespace(?:\[[^\]\n]{0,40}\])?)*")
_MULTICOLUMN = regex.compile(r"\s*\\multicolumn[ \t]*\{[ \t]*(\d{1,3})[ \t]*\}")
_TABLE_EXTRAS = regex.compile(r"\s+|\\centering(?![A-Za-z])|\\label[ \t]*\{[^{}\n]{0,200}\}|\\caption(?![A-Za-z])")


def _tabular_rows(body: str) -> list[list[str]]:
    """Rows of a tabular body (split at \\\\ and & outside braces), rule-only rows dropped."""
    rows: list[list[str]] = []
    cells: list[str] = []
    depth = 0
    cell_start = 0
    for m in _ROW_TOKEN.finditer(body):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 0 and tok == "&":
            cells.append(body[cell_start:m.start()])
            cell_start = m.end()
        elif depth == 0 and (tok.startswith("\\\\") or tok == "\\tabularnewline"):
            cells.append(body[cell_start:m.start()])
            rows.append(cells)
            cells = []
            cell_start = m.end()
    cells.append(body[cell_start:])
    rows.append(cells)
    out = []
    for row in rows:
        row[0] = row[0][_RULES.match(row[0]).end():]
        if len(row) == 1 and not _RULES.sub("", row[0]).strip():
            continue  # a rule line, or the empty tail after the last \\
        out.append(row)
    return out


def _latex_table(scan: TexScan) -> tuple[tuple[int, list[int]] | None, str]:
    """(spec columns, cells per row) of the only tabular, or a reason."""
    text = scan.text
    top = [e for e in scan.envs if e.depth == 0]
    if not top:
        return None, "no tabular environment"
    if len(top) > 1 or top[0].name not in ("table", "tabular"):
        names = ", ".join(e.name for e in top)
        return None, f"the answer must be one tabular (optionally inside one table); found environments {names}"
    outer = top[0]
    outside = text[:outer.begin[0]] + text[outer.end[1]:]
    if outside.strip():
        return None, f"text outside the {outer.name} environment: “{_snippet(outside)}”"
    tabulars = [e for e in scan.envs if e.name == "tabular"]
    if len(tabulars) != 1:
        return None, f"needs exactly one tabular, found {len(tabulars)}"
    tab = tabulars[0]
    if outer.name == "table":
        inner = [e for e in scan.envs if e.depth == 1]
        if inner != [tab]:
            names = ", ".join(e.name for e in inner if e is not tab)
            if not names:
                return None, "the tabular must sit directly inside the table environment, not inside a {…} group"
            return None, (f"the table environment may hold only the tabular, \\centering, \\caption and \\label; "
                          f"found the environment(s) {names}")
        rest = text[outer.begin[1]:tab.begin[0]] + " " + text[tab.end[1]:outer.end[0]]
        rest = regex.sub(r"^\s*\[[^\]\n]{0,20}\]", "", rest)  # placement [htbp]
        i = 0
        while i < len(rest):
            m = _TABLE_EXTRAS.match(rest, i)
            if m is None:
                return None, (f"the table environment may hold only the tabular, \\centering, \\caption and \\label; "
                              f"found “{_snippet(rest[i:], 20)}”")
            i = m.end()
            if m.group() == "\\caption":
                i = regex.match(r"\s*(?:\[[^\]\n]{0,200}\])?\s*", rest, pos=i).end()
                end = _group_end(rest, i) if rest[i:i + 1] == "{" else -1
                if end < 0:
                    return None, "\\caption needs a {…} argument"
                i = end
    head = text[tab.begin[1]:tab.end[0]]
    m = regex.match(r"\s*(?:\[[a-z]{0,3}\])?\s*", head)
    i = m.end()
    end = _group_end(head, i) if head[i:i + 1] == "{" else -1
    if end < 0:
        return None, "\\begin{tabular} has no {column spec}"
    columns = _spec_columns(head[i + 1:end - 1])
    if isinstance(columns, str):
        return None, columns
    widths = []
    for row in _tabular_rows(head[end:]):
        widths.append(sum(int(mc.group(1)) if (mc := _MULTICOLUMN.match(cell)) else 1 for cell in row))
    return (columns, widths), ""


@register
class LatexTable(Constraint):
    id = "format.latex_table"
    group = Group.FORMAT
    aliases = ("LatexTableFormatConstraint",)
    output_format = True
    conflicts = _X10
    Params = TableParams
    TAGS: ClassVar[tuple[str, ...]] = ("latex", "tex", "")

    test_wording = (
        r"回答全体をLaTeXのtabular環境1つだけにしてください（```latexのコードブロックで囲むのは可、前後に説明文は書かない）。"
        r"tabularをtable環境で囲む場合、table環境の中に置けるのは\centering・\caption・\labelだけです。列指定（l、c、r、"
        r"p{{…}}）の列数を{columns_ja}とし、1行目を見出し行、その後にデータ行を{rows_ja}書いて、各行を\\で区切ってください。"
        r"どの行のセル数も列指定の列数に一致させてください（\multicolumn{{n}}{{…}}{{…}}はn個分と数えます）。"
        r"\hlineやbooktabsの罫線（\toprule・\midrule・\bottomrule）は使えます。"
    )
    examples = (
        E(response="\\begin{table}[htbp]\n\\centering\n\\caption{主要都市の比較}\n\\label{tab:cities}\n"
                   "\\begin{tabular}{|l|r|c|}\n\\hline\n都市 & 人口（万人） & 地方 \\\\\n\\hline\n"
                   "東京 & 1400 & 関東 \\\\\n大阪 & 880 & 近畿 \\\\\n\\hline\n\\end{tabular}\n\\end{table}",
          passed=True, params={"columns": 3, "rows": 2}, note="anchor defect: caption and label inside table pass"),
        E(response="```latex\n\\begin{tabular}{lp{4cm}}\n\\toprule\n項目 & 説明 \\\\\n\\midrule\n"
                   "梅雨 & 6月ごろの長雨 \\\\\n台風 & 夏から秋の強い低気圧 \\\\\n"
                   "\\multicolumn{2}{c}{出典：気象庁} \\\\\n\\bottomrule\n\\end{tabular}\n```", passed=True,
          params={"columns": 2, "rows": 3}, note="fenced, booktabs rules, \\multicolumn{2} counts as 2"),
        E(response="\\begin{tabular}{cc}\nA & B \\\\\n1 & 2\n\\end{tabular}", passed=True,
          note="alias default; the last row may omit \\\\"),
        E(response="\\begin{tabular}{lrc}\n都市 & 人口 & 地方 \\\\\n東京 & 1400 \\\\\n大阪 & 880 & 近畿 \\\\\n"
                   "\\end{tabular}", passed=False, params={"columns": 3, "rows": 2},
          note="near miss: a row with a missing cell"),
        E(response="\\begin{tabular}{lr}\n都市 & 人口 \\\\\n東京 & 1400 \\\\\n\\end{tabular}", passed=False,
          params={"columns": 2, "rows": 2}, note="one data row, needs 2"),
        E(response="\\begin{tabular}{lr}\n都市 & 人口 & 地方 \\\\\n東京 & 1400 & 関東 \\\\\n\\end{tabular}",
          passed=False, params={"columns": 3, "rows": 1}, note="the column spec has 2 columns"),
        E(response="主要都市の表です。\n\\begin{tabular}{lr}\n都市 & 人口 \\\\\n東京 & 1400 \\\\\n\\end{tabular}",
          passed=False, note="text before the tabular"),
        E(response="\\begin{table}\n\\small\n\\begin{tabular}{lr}\n都市 & 人口 \\\\\n東京 & 1400 \\\\\n\\end{tabular}\n"
                   "\\end{table}", passed=False, note="\\small is not one of \\centering, \\caption, \\label"),
        E(response="| 都市 | 人口 |\n|---|---|\n| 東京 | 1400 |", passed=False, note="a Markdown table"),
        E(response="\\begin{tabular}{lr}\n都市 & 人口 \\\\\n東京 & {1400 \\\\\n\\end{tabular}", passed=False,
          note="an unclosed brace"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(columns=rng.randint(2, 5), rows=rng.randint(2, 8))

    def display(self) -> dict[str, str]:
        return _table_display(self.params)

    def demands(self, prompt: Any = None) -> Demands:
        return table_demands(self.params.columns, self.params.rows, row_per_line=False)  # rows may share a line

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        scan = tex_scan(r, payload.text)
        if scan.error:
            return self.fail(scan.error)
        table, reason = _latex_table(scan)
        if table is None:
            return self.fail(reason)
        spec, widths = table
        p = self.params
        if p.columns is not None and spec != p.columns:
            return self.fail(f"the column spec has {spec} columns, needs {p.columns}")
        if not widths:
            return self.fail("the tabular has no row")
        if widths[0] != spec:
            return self.fail(f"the header row has {widths[0]} cells, the column spec has {spec} "
                             "(\\multicolumn{n} counts n)")
        reason = _check_counts(spec, widths[1:], p, "cell", "\\multicolumn{n} counts n")
        if reason:
            return self.fail(reason)
        return self.ok(f"one tabular: a header row and {len(widths) - 1} rows of {spec} cells")


# --- MediaWiki table ------------------------------------------------------------------------------

_WIKI_ATTRS = regex.compile(r"^\s*[A-Za-z-]{1,30}\s*=")
_WIKI_COLSPAN = regex.compile(r"colspan\s*=\s*[\"']?\s*(\d{1,3})", regex.IGNORECASE)


def _wiki_cells(content: str, kind: str) -> list[tuple[str, int]]:
    """(kind, colspan) of the cells written on one line after its leading ! or |."""
    parts = regex.split(r"!!|\|\|", content) if kind == "!" else content.split("||")
    cells = []
    for part in parts:
        span = 1
        attrs, bar, _ = part.partition("|")
        if bar and "[[" not in attrs and "{{" not in attrs and _WIKI_ATTRS.match(attrs):
            m = _WIKI_COLSPAN.search(attrs)
            span = min(max(int(m.group(1)), 1), 100) if m else 1
        cells.append((kind, span))
    return cells


def _wiki_table(text: str) -> tuple[list[list[tuple[str, int]]] | None, str]:
    lines = [(i, line.strip()) for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    if not lines or not lines[0][1].startswith("{|"):
        first = lines[0][1] if lines else ""
        return None, f"the table must open with {{| on the first line; it starts with {_snippet(first, 20)!r}"
    if lines[-1][1] != "|}":
        return None, f"the last line must be |}} alone; it is {_snippet(lines[-1][1], 20)!r}"
    rows: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] | None = None
    for k, (no, line) in enumerate(lines[1:-1], 1):
        if line.startswith("{|"):
            return None, f"line {no} opens a nested table"
        if line.startswith("|}"):
            return None, f"line {no} closes the table before its last line"
        if line.startswith("|+"):
            if k != 1:
                return None, f"line {no}: the caption |+ must come right after {{|"
            continue
        if line.startswith("|-"):
            current = []
            rows.append(current)
        elif line[0] in "!|":
            if current is None:  # the first row may omit its |- line
                current = []
                rows.append(current)
            current.extend(_wiki_cells(line[1:], line[0]))
        elif current is None or not current:
            return None, f"line {no} is not part of a table row: {_snippet(line, 20)!r}"
        # any other line continues the previous cell's text
    if len(rows) > 1 and not rows[-1]:
        rows.pop()  # a |- right before |} opens an empty row, which MediaWiki does not render
    return rows, ""


@register
class MediawikiTable(Constraint):
    id = "format.mediawiki_table"
    group = Group.FORMAT
    aliases = ("MediawikiTableFormatConstraint",)
    output_format = True
    conflicts = _X10
    Params = TableParams
    TAGS: ClassVar[tuple[str, ...]] = ("mediawiki", "wiki", "")

    test_wording = (
        "回答全体をMediaWiki記法の表1つだけにしてください（コードブロックで囲む場合は```mediawikiか言語名なしの```を使い、"
        "前後に説明文は書かない）。1行目は{{|で始め、最終行は|}}だけにします。表題を付ける場合は{{|の直後に|+の行を"
        "置いてください。表の最初の行は!で始まる見出しセルだけの見出し行とし、その後にデータ行を{rows_ja}書きます。"
        "各データ行は|-の行で始め、|で始まるセルを並べてください（1行に複数のセルを書く場合、見出し行は!!、データ行は||で"
        "区切ります）。見出し行の列数は{columns_ja}とし、各データ行のセル数も見出し行と同じにしてください"
        "（colspanで結合したセルは結合した列数で数えます）。"
    )
    examples = (
        E(response='{| class="wikitable"\n|+ 主要都市\n! 都市 !! 人口 !! 地方\n|-\n| 東京 || 1400万 || 関東\n'
                   "|-\n| 大阪 || 880万 || 近畿\n|}", passed=True, params={"columns": 3, "rows": 2}),
        E(response="```\n{|\n|-\n! 項目\n! 内容\n|-\n| 日時\n| 6月1日\n|-\n| [[公園|中央公園]]\n| 雨天中止\n|}\n```",
          passed=True, params={"columns": 2, "rows": 2}, note="fenced, one cell per line, a piped wiki link"),
        E(response='{|\n! 名前 !! 値\n|-\n| colspan="2" | 合計なし\n|}', passed=True,
          note="alias default; colspan counted"),
        E(response="{|\n! 都市 !! 人口 !! 地方\n|-\n| 東京 || 1400万\n|-\n| 大阪 || 880万 || 近畿\n|}", passed=False,
          params={"columns": 3, "rows": 2}, note="near miss: a row with a missing cell"),
        E(response="{|\n! 都市 !! 人口\n|-\n| 東京 || 1400万\n|}", passed=False, params={"columns": 2, "rows": 2},
          note="anchor defect: one data row, needs 2"),
        E(response="{|\n| 都市 || 人口\n|-\n| 東京 || 1400万\n|-\n| 大阪 || 880万\n|}", passed=False,
          params={"columns": 2, "rows": 2}, note="no ! header row"),
        E(response="{|\n! 都市 !! 人口\n| 東京 || 1400万\n|}", passed=False,
          note="the data row does not start with |-"),
        E(response="主要都市の表です。\n{|\n! 都市 !! 人口\n|-\n| 東京 || 1400万\n|}", passed=False,
          note="text before the table"),
        E(response="| 都市 | 人口 |\n|---|---|\n| 東京 | 1400万 |", passed=False, note="a Markdown table"),
        E(response="{|\n! 都市 !! 人口\n|-\n| 東京 || 1400万", passed=False, note="the table is not closed"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(columns=rng.randint(2, 5), rows=rng.randint(2, 6))

    def display(self) -> dict[str, str]:
        return _table_display(self.params)

    def demands(self, prompt: Any = None) -> Demands:
        return table_demands(self.params.columns, self.params.rows, row_per_line=True)

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        rows, reason = _wiki_table(payload.text)
        if rows is None:
            return self.fail(reason)
        if not rows or not rows[0]:
            return self.fail("the table has no header row of ! cells")
        header, *data = rows
        if any(kind != "!" for kind, _ in header):
            return self.fail("the first row must be a header row of ! cells only "
                             "(start each data row with its own |- line)")
        for i, row in enumerate(data, 1):
            if not row:
                return self.fail(f"data row {i} has no cell")
            if all(kind == "!" for kind, _ in row):
                return self.fail(f"data row {i} has only ! cells; only one header row is allowed")
        reason = _check_counts(sum(s for _, s in header), [sum(s for _, s in row) for row in data], self.params,
                               "cell", "colspan counted")
        if reason:
            return self.fail(reason)
        return self.ok(f"one MediaWiki table: a header row and {len(data)} data rows")
