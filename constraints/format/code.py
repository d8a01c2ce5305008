"""format: code payloads (Python, JavaScript, unified diff).

Nothing is ever executed. Python goes through `ast.parse` after a bracket-depth pre-scan; JavaScript through
tree-sitter-javascript with a parse budget; diffs through a line parser that checks every hunk's counts.
Each language has three rows that share one parse: plain (fence optional), fenced (fence required) and
no_fence (no fence line anywhere in T).
"""

from __future__ import annotations

import ast
import gc
import random
import threading
import time
from typing import Any, ClassVar

import regex
from pydantic import Field

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

from ._wrap import FenceRule, unwrap

E = Example

_X10 = ("ifbench_format.one_word_per_line",)
# A fence line anywhere in T, at any indentation (the no_fence rows forbid them all).
_FENCE_LINE = regex.compile(r"^[ \t]*(?:`{3,}|~{3,})", regex.MULTILINE)


def _fence_line(text: str) -> int | None:
    m = _FENCE_LINE.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


class CodeFormat(Constraint):
    """A §WRAP code format: the payload per `FENCE` and `TAGS`, then the language's `parse_error`."""

    TAGS: ClassVar[tuple[str, ...]]
    FENCE: ClassVar[FenceRule] = "allowed"
    LANGUAGE: ClassVar[str]

    @staticmethod
    def parse_error(text: str) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self, r: Response) -> Verdict:
        if self.FENCE == "forbidden":
            line = _fence_line(r.text)
            if line is not None:
                return self.fail(f"line {line} is a code fence; the answer must not contain ``` or ~~~ lines")
        payload = unwrap(r, self.TAGS, self.FENCE)
        if payload.text is None:
            return self.fail(payload.reason)
        error = r.memo((self.LANGUAGE, payload.text), lambda: self.parse_error(payload.text))
        if error:
            return self.fail(error)
        where = "in one fenced block" if payload.fenced else "unfenced"
        return self.ok(f"valid {self.LANGUAGE} {where}, with at least one real statement")


# --- Python ---------------------------------------------------------------------------------------

# CPython's tokenizer stops at 200 nested brackets by itself; this pre-scan also counts brackets inside
# strings, so it allows a margin, and only keeps hostile input (20k nested brackets) from the parser.
MAX_PY_BRACKETS = 500

def _bracket_depth_exceeds(text: str, limit: int) -> int | None:
    """The line where bracket nesting first exceeds `limit`, or None (closers never go below 0)."""
    depth = 0
    for m in regex.finditer(r"[(\[{]|[)\]}]", text):
        if m.group() in "([{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, m.start()) + 1
        elif depth:
            depth -= 1
    return None


def _trivial(stmt: ast.stmt) -> bool:
    """A bare name, dotted name or constant as a statement (`日本語`, `os.path`, `"説明"`, `-1`)."""
    if not isinstance(stmt, ast.Expr):
        return False
    e = stmt.value
    while isinstance(e, ast.Attribute | ast.UnaryOp):
        e = e.value if isinstance(e, ast.Attribute) else e.operand
    return isinstance(e, ast.Name | ast.Constant)


def python_error(text: str) -> str | None:
    """Why `text` is not a Python module with a real statement, or None. Parsed only, never executed."""
    line = _bracket_depth_exceeds(text, MAX_PY_BRACKETS)
    if line is not None:
        return f"brackets are nested more than {MAX_PY_BRACKETS} levels deep (line {line})"
    gc_was_on = gc.isenabled()
    gc.disable()  # a large module is ~10^5 AST nodes; cyclic GC passes while building them cost most of the time
    try:
        module = ast.parse(text)
    except SyntaxError as exc:  # includes IndentationError and TabError
        return f"Python syntax error on line {exc.lineno}: {exc.msg}"
    except (RecursionError, MemoryError):
        return "the code is nested too deeply for the Python parser"
    except ValueError as exc:
        return f"not parseable Python: {exc}"
    finally:
        if gc_was_on:
            gc.enable()
    if not module.body:
        return "the code has no statement"
    if all(_trivial(s) for s in module.body):
        return "the code holds only bare names or constants; it needs an assignment, definition, call or other statement"
    return None


_PY_TAGS = ("python", "py", "python3")
_PY_RULE = ("代入・関数定義・関数呼び出しなど処理を行う文を少なくとも1つ含めてください"
            "（変数名や値を書いただけの行しかないコードは不可）")

_PY_OK = ("def 平均(values):\n    \"\"\"平均値を返す。\"\"\"\n    return sum(values) / len(values)\n\n"
          "print(平均([1, 2, 3]))")


@register
class Python(CodeFormat):
    id = "format.python"
    group = Group.FORMAT
    aliases = ("PythonFormatConstraint",)
    output_format = True
    conflicts = _X10
    TAGS = (*_PY_TAGS, "")
    LANGUAGE = "Python"
    parse_error = staticmethod(python_error)

    test_wording = (
        "回答全体をPythonのソースコードにしてください。全体を```pythonのコードブロック1つで囲んでも囲まなくても構いませんが、"
        "コードの前後に説明文を書いてはいけません（説明はコメントで書いてください）。コードはPythonとして構文エラーなく"
        f"解析できるものにし、{_PY_RULE}。"
    )
    examples = (
        E(response=_PY_OK, passed=True),
        E(response="```python\nimport math\n\n# 円の面積を求める\nr = 3\narea = math.pi * r ** 2\n```", passed=True,
          note="fenced"),
        E(response="```\nprint('こんにちは')\n```", passed=True, note="an untagged fence is allowed"),
        E(response="日本語", passed=False, note="anchor defect: a single Japanese word is a bare name"),
        E(response='"""説明だけの文字列"""', passed=False, note="a constant alone"),
        E(response="以下が平均を求めるコードです。\n```python\nprint(sum([1, 2]) / 2)\n```", passed=False,
          note="near miss: a preface sentence"),
        E(response="def f(x):\n    return x +\n", passed=False, note="syntax error"),
        E(response="平均を求めるにはsum関数とlen関数を使います。", passed=False, note="prose"),
        E(response="```javascript\nconsole.log(1)\n```", passed=False, note="the fence is tagged javascript"),
    )


@register
class PythonFenced(CodeFormat):
    id = "format.python_fenced"
    group = Group.FORMAT
    aliases = ("WithCodeFencePythonFormatConstraint",)
    train = True
    output_format = True
    conflicts = ("format.python", *_X10)
    TAGS = _PY_TAGS
    FENCE = "required"
    LANGUAGE = "Python"
    parse_error = staticmethod(python_error)

    test_wording = (
        "回答全体を、```pythonの行で始まり```の行で終わる1つのコードブロックにしてください（言語名はpyやpython3でも可）。"
        "ブロックの前後には説明文を含め何も書かないでください。ブロックの中身はPythonとして構文エラーなく解析できる"
        f"コードにし、{_PY_RULE}。"
    )
    train_wordings = (
        "```pythonで始めて```で閉じるコードブロック1つだけで回答してください（pyやpython3の表記も可）。ブロックの外には前置きも補足も書かないこと。中のコードはPythonの構文として正しく解析でき、変数名や値だけの行ではなく、代入・関数定義・関数呼び出しといった実際の処理を行う文を1つ以上含むこと。",
        "出力は、言語名python（py・python3も可）を付けたコードフェンスで囲んだPythonコードのみとします。フェンスの前にも後にも文章を置かないでください。コードには構文エラーがあってはならず、名前や定数を並べただけのものは不可で、代入、def・classによる定義、関数呼び出しなどの文が最低1つ必要です。",
        "Pythonのコードを```pythonのコードブロック1つに入れ、それを回答のすべてにしてください。説明を加えたい場合はコード内のコメントにしてください。ブロック内はPythonとして文法的に正しく、処理を行う文（代入、関数やクラスの定義、関数呼び出しなど）を少なくとも1つ含み、変数名や値を置いただけのコードにならないようにしてください。",
        "回答は```python（または```py、```python3）で始まり```で終わるコードブロックのみにしてください。ブロック以外のテキストは一切不要です。中身はPythonのパーサーでエラーにならないコードとし、変数名・文字列・数値だけの行しかないコードは認められないので、代入や定義、呼び出しなどの文を1つ以上入れてください。",
        "次の形式を守ってください：回答の1行目は```python（py、python3でも可）、最後の行は```、その間はPythonコードだけ。コードブロックの外に文章を書かず、コードは構文的に正しいものにし、単語や値を書いただけでなく、代入・関数定義・関数呼び出しなど何らかの処理をする文を必ず1つは入れてください。",
    )
    examples = (
        E(response=f"```python\n{_PY_OK}\n```", passed=True),
        E(response="```py\nnames = ['佐藤', '鈴木']\nfor name in names:\n    print(name)\n```", passed=True,
          note="tag py"),
        E(response=_PY_OK, passed=False, note="no fence"),
        E(response=f"```python\n{_PY_OK}\n```\nこのコードは平均を表示します。", passed=False,
          note="anchor defect: text after the fence"),
        E(response=f"平均を求めるコードです。\n```python\n{_PY_OK}\n```", passed=False, note="near miss: a preface"),
        E(response="```python\n日本語\n```", passed=False, note="a bare name"),
        E(response="```\nprint(1)\n```", passed=False, note="an untagged fence"),
        E(response="```python\nprint(1\n```", passed=False, note="syntax error"),
        E(response="平均はsum関数とlen関数で求められます。", passed=False, note="prose"),
    )


@register
class PythonNoFence(CodeFormat):
    id = "format.python_no_fence"
    group = Group.FORMAT
    aliases = ("NoCodeFencePythonFormatConstraint",)
    output_format = True
    conflicts = ("format.python", *_X10)
    TAGS = _PY_TAGS
    FENCE = "forbidden"
    LANGUAGE = "Python"
    parse_error = staticmethod(python_error)

    test_wording = (
        "回答全体をPythonのソースコードだけにしてください。```や~~~で始まるコードフェンスの行は回答のどこにも書かず、"
        "説明文も付けず（説明はコメントで書く）、回答そのものがPythonとして構文エラーなく解析できるようにしてください。"
        f"{_PY_RULE}。"
    )
    examples = (
        E(response=_PY_OK, passed=True),
        E(response="# 合計を表示する\ntotal = sum(range(10))\nprint(total)", passed=True,
          note="comments are code, not text outside it"),
        E(response=f"```python\n{_PY_OK}\n```", passed=False, note="fenced"),
        E(response=f"{_PY_OK}\n```", passed=False, note="anchor defect: a fence line after the code"),
        E(response=f"平均を求めるコードです。\n{_PY_OK}", passed=False, note="near miss: a prose line"),
        E(response="日本語", passed=False, note="a bare name"),
        E(response="平均はsum関数とlen関数で求められます。", passed=False, note="prose"),
    )


# --- JavaScript -----------------------------------------------------------------------------------

_JS_DECLARATIONS = ("function_declaration", "generator_function_declaration", "class_declaration",
                    "variable_declaration", "lexical_declaration", "import_statement", "export_statement")
_JS_IDENTIFIERS = ("identifier", "property_identifier", "shorthand_property_identifier",
                   "shorthand_property_identifier_pattern", "statement_identifier", "private_property_identifier")
# ECMAScript IdentifierName (tree-sitter's grammar accepts any non-ASCII run, such as 「今日は晴れです。」).
_JS_NAME = regex.compile(r"(?:[\p{ID_Start}$_]|\\u[0-9A-Fa-f]{4}|\\u\{[0-9A-Fa-f]{1,6}\})"
                         r"(?:[\p{ID_Continue}$\u200c\u200d]|\\u[0-9A-Fa-f]{4}|\\u\{[0-9A-Fa-f]{1,6}\})*")
# tree-sitter's error recovery is superlinear on some garbage (200k quotes: ~1 s; some 200k mixes: > 10 s).
# Valid code parses at ~0.1 s per megabyte, so a parse still running after this budget is cancelled and
# failed. This is the only time-based verdict in the module and only hostile input reaches it.
JS_PARSE_SECONDS = 0.4

_JS_LOCK = threading.Lock()
_JS: dict[str, Any] = {}


def _js() -> dict[str, Any]:
    """The tree-sitter parser, built once on first use."""
    if not _JS:
        import tree_sitter
        import tree_sitter_javascript

        language = tree_sitter.Language(tree_sitter_javascript.language())
        _JS.update(
            parser=tree_sitter.Parser(language),
        )
    return _JS


def _first_error(node: Any) -> Any:
    """The first ERROR or MISSING node in document order (iterative descent along has_error)."""
    while not (node.is_error or node.is_missing):
        for child in node.children:
            if child.has_error:
                node = child
                break
        else:
            return node
    return node


_JS_REAL = frozenset((*_JS_DECLARATIONS, "call_expression"))
_JS_NAMES = frozenset(_JS_IDENTIFIERS)
_JSX = frozenset(("jsx_element", "jsx_self_closing_element"))
_JS_LEAVES = frozenset(("string", "comment", "regex", "number"))


def _js_walk(tree: Any, data: bytes) -> tuple[str, Any]:
    """One pre-order walk (document order, iterative): ("jsx" | "name", first offending node), or
    ("real" | "none", None) for whether a declaration or call occurs. Queries are not used: tree-sitter's
    query cursor is quadratic on left-nested chains such as f()()()… (99k calls: 37 s)."""
    check_names = not data.isascii()
    cursor = tree.walk()
    real = False
    while True:
        node = cursor.node
        kind = node.type
        if kind in _JSX:
            return "jsx", node
        if kind in _JS_REAL:
            real = True
        elif check_names and kind in _JS_NAMES:
            raw = data[node.start_byte:node.end_byte]
            if not raw.isascii() and not _JS_NAME.fullmatch(raw.decode("utf-8", "replace")):
                return "name", node
        if kind not in _JS_LEAVES and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return ("real" if real else "none"), None


_JS_DIRECT_BYTES = 2048  # measured: random garbage this short recovers in < 20 ms; longer input keeps the deadline


# Japanese sentence punctuation is no JavaScript token; without quotes, comments or regex slashes it cannot
# sit inside a string either, so such a text is prose and needs no parse.
_PROSE_PUNCT = regex.compile(r"[。、「」]")
_STRING_OR_COMMENT = regex.compile(r"[\"'`/]")


def javascript_error(text: str) -> str | None:
    """Why `text` is not JavaScript with a declaration or call, or None. Parsed only, never executed.

    Node.text is never read: on a tree parsed from a read callback it crashes the binding; source slices
    come from our own bytes instead."""
    prose = _PROSE_PUNCT.search(text)
    if prose and not _STRING_OR_COMMENT.search(text):
        line = text.count("\n", 0, prose.start()) + 1
        return f"JavaScript syntax error on line {line}: {prose.group()!r} outside a string (prose is not code)"
    js = _js()
    data = text.encode("utf-8")
    view = memoryview(data)
    deadline = time.perf_counter() + JS_PARSE_SECONDS
    with _JS_LOCK:
        try:
            if len(data) <= _JS_DIRECT_BYTES:  # too short for runaway error recovery: skip the callbacks
                tree = js["parser"].parse(data)
            else:
                tree = js["parser"].parse(lambda byte, _point: view[byte:],
                                          progress_callback=lambda _o, _e: time.perf_counter() > deadline)
        except ValueError:
            return (f"the JavaScript parser gave up after {JS_PARSE_SECONDS} s of error recovery; "
                    "the text is not valid JavaScript")
    root = tree.root_node

    def at(node: Any) -> str:
        return data[node.start_byte:node.start_byte + 60].decode("utf-8", "replace").split("\n")[0]

    if root.has_error:
        bad = _first_error(root)
        line = bad.start_point.row + 1
        if bad.is_missing:
            return f"JavaScript syntax error on line {line}: missing {bad.type!r}"
        return f"JavaScript syntax error on line {line} near {at(bad)!r}"
    verdict, node = _js_walk(tree, data)
    if verdict == "jsx":
        return f"line {node.start_point.row + 1} is JSX markup, not plain JavaScript"
    if verdict == "name":
        name = data[node.start_byte:node.end_byte].decode("utf-8", "replace")
        return (f"JavaScript syntax error on line {node.start_point.row + 1}: {name!r} is not a valid identifier "
                "(prose is not code)")
    if verdict == "none":
        return ("the code has no declaration (function, class, var/let/const, import, export) "
                "and no function call")
    return None


_JS_RULE = ("関数・クラス・変数（var・let・const）の宣言、import・export、関数呼び出しのいずれかを少なくとも1つ"
            "含めてください（JSXやTypeScriptの構文は使わないこと）")
_JS_OK = ("// 配列の平均を求める\nfunction average(values) {\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}\n\n"
          "console.log(average([1, 2, 3]));")


@register
class Javascript(CodeFormat):
    id = "format.javascript"
    group = Group.FORMAT
    aliases = ("JavascriptFormatConstraint",)
    output_format = True
    conflicts = _X10
    TAGS = ("js", "javascript", "mjs", "")
    LANGUAGE = "JavaScript"
    parse_error = staticmethod(javascript_error)

    test_wording = (
        "回答全体をJavaScriptのソースコードにしてください。全体を```javascriptのコードブロック1つで囲んでも囲まなくても"
        "構いませんが、コードの前後に説明文を書いてはいけません（説明はコメントで書いてください）。コードは"
        f"JavaScriptとして構文エラーなく解析できるものにし、{_JS_RULE}。"
    )
    examples = (
        E(response=_JS_OK, passed=True),
        E(response="```js\nconst 名前 = '山田';\nconsole.log(`こんにちは、${名前}さん`);\n```", passed=True,
          note="fenced; Japanese identifiers are valid ECMAScript names"),
        E(response="```\nimport { readFile } from 'node:fs/promises';\nexport const load = (p) => readFile(p, 'utf8');\n```",
          passed=True, note="a module with import/export"),
        E(response="日本語", passed=False, note="anchor defect: a bare Japanese word is only an identifier"),
        E(response="今日は晴れです。\n明日も晴れるでしょう。\nconsole.log(1);", passed=False,
          note="prose lines: 。 is not an identifier character (tree-sitter alone would accept them)"),
        E(response="以下がコードです。\n```javascript\nconsole.log(1);\n```", passed=False, note="near miss: a preface"),
        E(response="function f( {\n  return 1;\n}", passed=False, note="syntax error"),
        E(response="const App = () => <div>こんにちは</div>;", passed=False, note="JSX"),
        E(response="配列の平均はreduceで合計してから要素数で割ります。", passed=False, note="prose"),
    )


@register
class JavascriptFenced(CodeFormat):
    id = "format.javascript_fenced"
    group = Group.FORMAT
    aliases = ("WithCodeFenceJavascriptFormatConstraint",)
    train = True
    output_format = True
    conflicts = ("format.javascript", *_X10)
    TAGS = ("js", "javascript")
    FENCE = "required"
    LANGUAGE = "JavaScript"
    parse_error = staticmethod(javascript_error)

    test_wording = (
        "回答全体を、```javascriptの行で始まり```の行で終わる1つのコードブロックにしてください（言語名はjsでも可）。"
        "ブロックの前後には説明文を含め何も書かないでください。ブロックの中身はJavaScriptとして構文エラーなく解析できる"
        f"コードにし、{_JS_RULE}。"
    )
    train_wordings = (
        "```javascriptで始めて```で閉じるコードブロック1つだけで回答してください（```jsでも可）。ブロックの外には前置きも補足も書かないこと。中のコードはJavaScriptの構文として正しく解析でき、関数・クラス・変数（var/let/const）の宣言、import/export、関数呼び出しのうち少なくとも1つを含み、JSXやTypeScriptの構文を使わないこと。",
        "出力は、言語名javascript（またはjs）を付けたコードフェンスで囲んだJavaScriptコードのみとします。フェンスの前にも後にも文章を置かないでください。コードには構文エラーがあってはならず、識別子を置いただけのものは不可で、宣言（function・class・var・let・const）、import・export文、関数呼び出しのいずれかが最低1つ必要です。JSXとTypeScriptは使用できません。",
        "JavaScriptのコードを```javascriptのコードブロック1つに入れ、それを回答のすべてにしてください。説明を加えたい場合はコード内のコメントにしてください。ブロック内はJavaScriptとして文法的に正しく、関数呼び出しか、関数・クラス・変数の宣言、またはimport・exportを1つ以上含めます。JSXやTypeScript固有の書き方は使えません。",
        "回答は```javascript（または```js）で始まり```で終わるコードブロックのみにしてください。ブロック以外のテキストは一切不要です。中身はJavaScriptのパーサーでエラーにならないコードとし、宣言（関数・クラス・var/let/const）、import/export、関数呼び出しのどれも含まないコードは認められません。JSXとTypeScriptの構文も避けてください。",
        "次の形式を守ってください：回答の1行目は```javascript（jsでも可）、最後の行は```、その間はJavaScriptのコードだけ。コードブロックの外に文章を書かず、素のJavaScript（JSX・TypeScriptなし）で構文的に正しく書き、何らかの宣言（function、class、var、let、const）、import・export、または関数呼び出しを必ず1つは入れてください。",
    )
    examples = (
        E(response=f"```javascript\n{_JS_OK}\n```", passed=True),
        E(response="```js\nclass Counter {\n  #n = 0;\n  inc() { return ++this.#n; }\n}\n```", passed=True,
          note="tag js"),
        E(response=_JS_OK, passed=False, note="no fence"),
        E(response=f"```javascript\n{_JS_OK}\n```\n実行すると2が表示されます。", passed=False,
          note="anchor defect: text after the fence"),
        E(response=f"平均を求めるコードです。\n```javascript\n{_JS_OK}\n```", passed=False, note="near miss: a preface"),
        E(response="```javascript\n日本語\n```", passed=False, note="a bare identifier"),
        E(response="```\nconsole.log(1);\n```", passed=False, note="an untagged fence"),
        E(response="```javascript\nconsole.log(1;\n```", passed=False, note="syntax error"),
        E(response="平均はreduceで求められます。", passed=False, note="prose"),
    )


@register
class JavascriptNoFence(CodeFormat):
    id = "format.javascript_no_fence"
    group = Group.FORMAT
    aliases = ("NoCodeFenceJavascriptFormatConstraint",)
    output_format = True
    conflicts = ("format.javascript", *_X10)
    TAGS = ("js", "javascript", "mjs")
    FENCE = "forbidden"
    LANGUAGE = "JavaScript"
    parse_error = staticmethod(javascript_error)

    test_wording = (
        "回答全体をJavaScriptのソースコードだけにしてください。```や~~~で始まるコードフェンスの行は回答のどこにも書かず、"
        "説明文も付けず（説明はコメントで書く）、回答そのものがJavaScriptとして構文エラーなく解析できるようにして"
        f"ください。{_JS_RULE}。"
    )
    examples = (
        E(response=_JS_OK, passed=True),
        E(response="let total = 0;\nfor (const x of [1, 2, 3]) total += x;", passed=True),
        E(response=f"```javascript\n{_JS_OK}\n```", passed=False, note="fenced"),
        E(response=f"{_JS_OK}\n```", passed=False, note="anchor defect: a fence line after the code"),
        E(response=f"平均を求めるコードです。\n{_JS_OK}", passed=False, note="near miss: a prose line"),
        E(response="日本語", passed=False, note="a bare identifier"),
        E(response="平均はreduceで求められます。", passed=False, note="prose"),
    )


# --- unified diff ---------------------------------------------------------------------------------

_HUNK = regex.compile(r"@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@(?:[ \t].*)?")
_GIT_HEADER = regex.compile(
    r"(?:diff |index |old mode |new mode |deleted file mode |new file mode |similarity index |dissimilarity index "
    r"|rename from |rename to |copy from |copy to )")


def _is_file_header(lines: list[str], i: int) -> bool:
    return (lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")) or bool(
        _GIT_HEADER.match(lines[i]))


def _body_counts(lines: list[str], i: int) -> tuple[int, int]:
    """Old and new line counts of the hunk body that starts at line i, read up to the next header."""
    old = new = 0
    while i < len(lines) and lines[i][:1] in (" ", "+", "-", "\\") and not _is_file_header(lines, i):
        c = lines[i][:1]
        old += c in " -"
        new += c in " +"
        i += 1
    return old, new


def diff_error(lines: list[str], tail: list[str], min_hunks: int) -> str | None:
    """Why `lines` is not a unified diff with >= min_hunks hunks whose counts match, or None.

    `tail` holds context lines that trimming T removed (a final " " line): the last hunk may use them."""
    real = len(lines)
    lines = lines + tail
    hunks = 0
    i = 0
    while i < real:
        while i < real and _GIT_HEADER.match(lines[i]):
            i += 1
        if i >= real or not lines[i].startswith("--- "):
            found = repr(lines[i][:30]) if i < real else "the end"
            return f"line {i + 1}: expected a '--- ' file header, found {found}"
        if i + 1 >= real or not lines[i + 1].startswith("+++ "):
            return f"line {i + 2}: expected a '+++ ' file header after the '--- ' line"
        i += 2
        if i >= real or not lines[i].startswith("@@"):
            return f"line {i + 1}: the file header has no hunk (@@ -a,b +c,d @@)"
        while i < real and lines[i].startswith("@@"):
            m = _HUNK.fullmatch(lines[i])
            if m is None:
                return f"line {i + 1}: malformed hunk header {lines[i][:40]!r}; use @@ -a,b +c,d @@"
            hunks += 1
            b = int(m.group(2)) if m.group(2) is not None else 1
            d = int(m.group(4)) if m.group(4) is not None else 1
            start = i = i + 1
            old = new = 0
            while (old < b or new < d) and i < len(lines) and lines[i][:1] in (" ", "+", "-", "\\"):
                c = lines[i][:1]
                old += c in " -"
                new += c in " +"
                i += 1
            while i < real and lines[i].startswith("\\"):
                i += 1
            if (old < b or new < d) and i < real and not lines[i].startswith("@@") and not _is_file_header(lines, i):
                return (f"line {i + 1} does not start with ' ', '+', '-' or '\\': {lines[i][:30]!r} (hunk {hunks} "
                        f"still needs {b - old} old and {d - new} new lines)")
            if (old, new) != (b, d) or (i < real and lines[i][:1] in " +-" and not _is_file_header(lines, i)):
                old, new = _body_counts(lines[:real], start)
                if old != b:
                    return f"hunk {hunks} declares {b} old lines but has {old}"
                if new != d:
                    return f"hunk {hunks} declares {d} new lines but has {new}"
        if i < real and not _is_file_header(lines, i):
            return f"line {i + 1} is not part of the diff: {lines[i][:30]!r} (body lines start with ' ', '+', '-' or '\\')"
    if hunks < min_hunks:
        return f"{hunks} hunk(s), needs at least {min_hunks}"
    return None


_DIFF_OK = ("--- a/hello.py\n+++ b/hello.py\n@@ -1,3 +1,3 @@\n def greet():\n-    print('こんにちは')\n"
            "+    print('こんばんは')\n     return None")
_DIFF_TWO = ("diff --git a/app.js b/app.js\nindex 3b18e51..a9c4f2d 100644\n--- a/app.js\n+++ b/app.js\n"
             "@@ -1,2 +1,3 @@\n const a = 1;\n+const b = 2;\n console.log(a);\n"
             "@@ -10,3 +11,2 @@ function main() {\n   start();\n-  debug();\n   stop();")


@register
class UnifiedDiff(Constraint):
    id = "format.unified_diff"
    group = Group.FORMAT
    aliases = ("DiffFormatConstraint",)
    output_format = True
    conflicts = _X10
    TAGS: ClassVar[tuple[str, ...]] = ("diff", "patch", "")

    class Params(ParamsBase):
        min_hunks: int = Field(default=1, ge=1, le=20)

    test_wording = (
        "回答全体をunified diff形式（diff -u の出力形式）のパッチ1つだけにしてください（```diffのコードブロックで囲むのは可、"
        "前後に説明文は書かない）。必要ならdiff --gitなどの行を先頭に置き、次に「--- 変更前のファイル名」と"
        "「+++ 変更後のファイル名」の2行、続けて「@@ -開始行,行数 +開始行,行数 @@」で始まるハンクを{min_hunks}個以上"
        "書いてください。ハンク内の各行は半角スペース（変更なし）、+（追加）、-（削除）のいずれか（または"
        "「\\ No newline at end of file」）で始め、変更のない空行も半角スペース1つだけの行として書きます。"
        "@@行に書いた行数と実際の行数（変更前はスペース行と-行、変更後はスペース行と+行の数）は正確に一致させてください。"
    )
    examples = (
        E(response=_DIFF_OK, passed=True),
        E(response="--- a/memo.txt\n+++ b/memo.txt\n@@ -1,3 +1,3 @@\n-買い物\n+買い物リスト\n 牛乳\n \n", passed=True,
          note="the last context line is a lone space that trimming T removed; it is recovered from R"),
        E(response=f"```diff\n{_DIFF_TWO}\n```", passed=True, params={"min_hunks": 2},
          note="fenced, git header lines, two hunks"),
        E(response="--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-古い行\n+新しい行\n\\ No newline at end of file",
          passed=True, note="counts omitted mean 1"),
        E(response="--- a/hello.py\n+++ b/hello.py\n@@ -1,5 +1,5 @@\n def greet():\n-    print('こんにちは')\n"
                   "+    print('こんばんは')\n     return None", passed=False,
          note="anchor defect: the hunk declares 5 lines but has 3"),
        E(response=_DIFF_TWO.replace("@@ -10,3 +11,2 @@", "@@ -10,3 +11,3 @@"), passed=False,
          params={"min_hunks": 2}, note="near miss: hunk 2's new count is off by one"),
        E(response=_DIFF_OK, passed=False, params={"min_hunks": 2}, note="one hunk, needs 2"),
        E(response=f"変更点は次のとおりです。\n{_DIFF_OK}", passed=False, note="a preface sentence"),
        E(response="--- a/x.txt\n+++ b/x.txt\n@@ -1,2 +1,2 @@\n-古い行\n+新しい行\n変更なしの行", passed=False,
          note="a context line without its leading space"),
        E(response="print('こんにちは') を print('こんばんは') に変更しました。", passed=False, note="prose"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_hunks=rng.randint(1, 2))

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, self.TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        tail: list[str] = []
        if not payload.fenced:  # T was trimmed: recover trailing context lines made only of spaces
            for line in r.raw[len(r.raw.rstrip()):].split("\n")[1:]:
                if not line.startswith(" "):
                    break
                tail.append(line)
        error = diff_error(payload.text.split("\n"), tail, self.params.min_hunks)
        if error:
            return self.fail(error)
        return self.ok("a unified diff whose hunk counts match their headers")
