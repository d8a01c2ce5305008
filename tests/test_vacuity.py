"""No vacuous passes: "only X" and format-like checkers reject ordinary Japanese answers."""

import re

import pytest
from conftest import ordinary_answers, sampled_instances

from jfbench import catalog
from jfbench.catalog import PAYLOAD_FORMATS

# Constraints that an ordinary Japanese answer can only meet by deliberate effort. (An all-full-width
# answer or a one-line answer with no space is ordinary Japanese that genuinely complies, so
# character.full_width and character.no_whitespace are not on this list.)
EXCLUSIVE = {
    "character.hiragana_only", "character.katakana_only", "character.kanji_only", "character.romaji_only",
    "character.half_width",
}
# Whole-response formats and "only X" constraints: no ordinary answer may pass them.
STRICT = [c for c in catalog.all_constraints() if c.id in PAYLOAD_FORMATS or c.id in EXCLUSIVE]
# Every other output format (lists, headings, citations...): no answer written as plain prose may pass.
LAYOUT = [c for c in catalog.all_constraints() if c.output_format and c.id not in PAYLOAD_FORMATS]
ANSWERS = ordinary_answers()
_MARKUP_LINE = re.compile(r"^\s*(?:[-*+•]\s|・|\d+[.)]\s|#|\||>|【|\[\d+\])", re.MULTILINE)
PROSE = [a for a in ANSWERS if not _MARKUP_LINE.search(a["text"])]


def test_the_corpus_is_large_and_varied():
    assert len(ANSWERS) >= 50
    assert len({a["category"] for a in ANSWERS}) >= 20
    assert len({a["text"] for a in ANSWERS}) == len(ANSWERS)
    assert len(PROSE) >= 100


def _passing(cls, answers):
    instances = [cls(e.params) for e in cls.examples if e.passed] + sampled_instances(cls, draws=4)
    return {(repr(i), a["id"]) for i in instances for a in answers if i.evaluate(a["text"]).passed}


@pytest.mark.parametrize("cls", STRICT, ids=lambda c: c.id)
def test_ordinary_answers_do_not_pass(cls):
    assert not _passing(cls, ANSWERS)


@pytest.mark.parametrize("cls", LAYOUT, ids=lambda c: c.id)
def test_plain_prose_does_not_pass(cls):
    assert not _passing(cls, PROSE)
