"""JFBench interop: every constraint answers to its JFBench class name and constructor kwargs."""

import pytest

from jfbench import catalog
from jfbench.catalog import CatalogError

ALL = catalog.all_constraints()

# JFBench constructor kwargs (as JFBench's build script writes them) -> the params they must become.
KWARGS = {
    "CharactersLengthConstraint": ({"min_length": 100, "max_length": 200}, {"min": 100, "max": 200}),
    "ParagraphsLengthConstraint": ({"min_paragraphs": 7, "max_paragraphs": 10}, {"min": 7, "max": 10}),
    "SentencesLengthConstraint": ({"min_sentences": 3, "max_sentences": 4}, {"min": 3, "max": 4}),
    "WordsLengthConstraint": ({"minimum": 10, "maximum": 20}, {"min": 10, "max": 20}),
    "NewLinesLengthConstraint": ({"newlines": 3}, {"n": 3}),
    "BlankLinesLengthConstraint": ({"blank_lines": 2}, {"n": 2}),
    "DecimalPlacesNotationConstraint": ({"required_decimal_places": 2}, {"places": 2}),
    "RoundingNotationConstraint": ({"digits": 2}, {"max_places": 2}),
    "ZeroPaddingNotationConstraint": ({"width": 5}, {"width": 5}),
}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.id)
def test_alias_resolves_to_the_same_constraint(cls):
    for alias in cls.aliases:
        assert catalog.resolve(alias) is cls


@pytest.mark.parametrize("cls", [c for c in ALL if not c.jfbench_kwargs and not c.id.startswith("logic.")],
                         ids=lambda c: c.id)
def test_alias_without_kwargs_round_trips(cls):
    """An alias call with no kwargs (and JFBench's seed) checks exactly what our id with defaults checks."""
    via_alias = catalog.instance(cls.aliases[0], jfbench_kwargs={"seed": 7})
    ours = cls({})
    assert via_alias.params == ours.params
    for example in cls.examples:
        if not example.params:
            assert via_alias.evaluate(example.response).passed == ours.evaluate(example.response).passed


@pytest.mark.parametrize(("alias", "kwargs", "params"), [(a, k, p) for a, (k, p) in KWARGS.items()])
def test_kwargs_translate(alias, kwargs, params):
    inst = catalog.instance(alias, jfbench_kwargs=kwargs)
    dumped = inst.params.model_dump()
    assert {k: dumped[k] for k in params} == params


def test_serialised_record_and_nested_logic():
    record = {"module": "jfbench.constraints.length.characters", "name": "CharactersLengthConstraint",
              "kwargs": {"min_length": 2, "max_length": 4}}
    inst = catalog.instance_from_jfbench(record)
    assert inst.id == "length.characters"
    assert inst.evaluate("あいう").passed is True
    neg = catalog.instance_from_jfbench({"name": "NegationLogicConstraint", "kwargs": {
        "positive_constraint": {"__type__": "constraint", "value": record}}})
    assert neg.id == "logic.negation"
    assert neg.evaluate("あいう").passed is False and neg.evaluate("あいうえおか").passed is True
    double = catalog.instance_from_jfbench({"name": "DoubleNegationLogicConstraint", "kwargs": {
        "positive_constraint": {"module": "x", "name": "NoCommasConstraint", "kwargs": {}}}})
    assert double.evaluate("晴れ").passed is True and double.evaluate("晴れ、雨").passed is False


def test_bad_kwargs_are_clear():
    with pytest.raises(CatalogError, match=r"no JFBench argument"):
        catalog.instance("CharactersLengthConstraint", jfbench_kwargs={"min_length": 1, "sections_delimiterx": 1})
    with pytest.raises(CatalogError, match="either params or JFBench kwargs"):
        catalog.instance("NoCommasConstraint", {"a": 1}, jfbench_kwargs={})
    with pytest.raises(CatalogError, match="name"):
        catalog.instance_from_jfbench({"kwargs": {}})
