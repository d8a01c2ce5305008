"""Conflict rules of CATALOG.md ("Conflicts"): families, E1's allow-list, implications, cross rules."""

import itertools

import pytest

from jfbench import catalog


def inst(cid: str, **params):
    return catalog.instance(cid, params or catalog.resolve(cid).examples[0].params)


def test_conflicts_are_symmetric_for_every_pair():
    instances = [cls(cls.examples[0].params) for cls in catalog.all_constraints()]
    for a, b in itertools.combinations(instances, 2):
        assert bool(catalog.conflict_between(a, b)) == bool(catalog.conflict_between(b, a)), (a.id, b.id)


@pytest.mark.parametrize(("a", "b", "conflict"), [
    ("format.json", "format.csv", True),  # E1: one payload format per prompt
    ("format.json", "length.paragraphs", True),  # E1 allow-list
    ("format.json", "length.characters", False),
    ("format.json", "notation.date_ymd", False),
    ("format.json", "content.keyword_included", False),
    ("format.json", "processing.prefix", True),
    ("format.json", "character.no_commas", True),  # X6
    ("format.json", "character.full_width", True),  # X2
    ("format.json_schema", "format.json", True),  # implication
    ("format.markdown_document", "format.markdown_list", True),
    ("format.markdown_table", "format.markdown_table_consistent", True),
    ("format.python_fenced", "format.python", True),
    ("format.javascript_no_fence", "format.javascript", True),
    ("format.markdown_document", "processing.prefix", True),  # X7
    ("structure.headings", "processing.prefix", True),
    ("format.sentence_delimiter", "content.ends_with_question", True),  # X6
    ("format.bullet_points", "format.numbered_list", False),
])
def test_rule_pairs(a, b, conflict):
    x, y = inst(a), inst(b)
    assert bool(catalog.conflict_between(x, y)) is conflict, catalog.conflict_between(x, y)


def test_logic_items_count_as_their_inner_for_payload_formats():
    json_answer = inst("format.json")
    neg = catalog.instance("logic.negation", {"inner": "length.max_chars_per_sentence",
                                               "inner_params": {"max_chars": 60}})
    double = catalog.instance("logic.double_negation", {"inner": "length.characters",
                                                         "inner_params": {"min": 50, "max": 300}})
    assert catalog.conflict_between(json_answer, neg)
    assert catalog.conflict_between(json_answer, double) is None


def test_full_width_allows_full_width_bullets_only():
    full = inst("character.full_width")
    def bullets(marker):
        return catalog.instance("format.bullet_points", {"marker": marker, "count": 3})

    assert catalog.conflict_between(full, bullets("・")) is None
    assert catalog.conflict_between(full, bullets("- "))
