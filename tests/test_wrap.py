"""The wrapper rule (CATALOG.md §WRAP) that every whole-response format shares."""

import pytest

from jfbench.constraints.format._wrap import unwrap
from jfbench.ja import Response

TAGS = ("json", "")


@pytest.mark.parametrize(("text", "payload", "reason"), [
    ('{"a": 1}', '{"a": 1}', ""),
    ('```json\n{"a": 1}\n```', '{"a": 1}', ""),
    ('```JSON\n{"a": 1}\n```', '{"a": 1}', ""),  # tags are case-insensitive
    ('```\n{"a": 1}\n```', '{"a": 1}', ""),  # an empty info string is allowed
    ('~~~~json\n{"a": 1}\n~~~~~', '{"a": 1}', ""),  # tildes; the closing fence may be longer
    ('  ```json\n{"a": 1}\n```  ', '{"a": 1}', ""),  # T is trimmed first
    ('```\n\n<?xml version="1.0"?><a/>\n\n```', '<?xml version="1.0"?><a/>', ""),  # blank edges dropped
    ('以下がJSONです。\n```json\n{"a": 1}\n```', None, "text before the fenced block"),
    ('```json\n{"a": 1}\n```\n以上です。', None, "text after the fenced block"),
    ('はい。\n```json\n{}\n```\nどうぞ。', None, "text before and after"),
    ('```json\n{}\n```\n```json\n{}\n```', None, "2 fenced blocks"),
    ('```json\n{"a": 1}', None, "never closed"),
    ('```python\nx = 1\n```', None, "tagged 'python'"),
    ('````json\n{}\n```', None, "never closed"),  # a shorter closing fence does not close
])
def test_unwrap_allowed(text, payload, reason):
    got = unwrap(Response(text), TAGS)
    assert got.text == payload
    assert reason in got.reason


def test_unwrap_forbidden_and_required():
    fenced = Response("```python\nprint(1)\n```")
    assert unwrap(fenced, ("",), "forbidden").text is None
    assert "must not be fenced" in unwrap(fenced, ("",), "forbidden").reason
    assert unwrap(fenced, ("python", "py"), "required").text == "print(1)"
    bare = Response("print(1)")
    assert unwrap(bare, ("python",), "required").text is None
    assert "needs one fenced code block" in unwrap(bare, ("python",), "required").reason
    assert unwrap(bare, ("",), "forbidden").text == "print(1)"


def test_unwrap_is_memoised_per_answer():
    r = Response('```json\n{}\n```')
    assert unwrap(r, TAGS) is unwrap(r, TAGS)
