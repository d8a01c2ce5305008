"""Every example of every constraint is a test: the spec of the catalog."""

import pytest

from jfbench import catalog

CASES = [
    pytest.param(cls, i, ex, id=f"{cls.id}[{i}]")
    for cls in catalog.all_constraints()
    for i, ex in enumerate(cls.examples)
]


@pytest.mark.parametrize(("cls", "index", "example"), CASES)
def test_example(cls, index, example):
    verdict = cls(example.params).evaluate(example.response, example.document)
    if cls.kind is catalog.Kind.JUDGE:
        assert verdict.method == "skipped"
        return
    assert verdict.passed is example.passed, f"{example.response!r}: {verdict.reason} {example.note}"
    assert verdict.reason
