"""No vacuous passes: "only X" and format-like checkers reject ordinary Japanese answers."""

import pytest
from conftest import ordinary_answers, sampled_instances

from jfbench import catalog

# Constraints that an ordinary Japanese answer can only meet by deliberate effort. (An all-full-width
# answer or a one-line answer with no space is ordinary Japanese that genuinely complies, so
# character.full_width and character.no_whitespace are not on this list.)
EXCLUSIVE = {
    "character.hiragana_only", "character.katakana_only", "character.kanji_only", "character.romaji_only",
    "character.half_width",
}
VACUITY = [c for c in catalog.all_constraints() if c.output_format or c.id in EXCLUSIVE]
ANSWERS = ordinary_answers()


def test_the_corpus_is_large_and_varied():
    assert len(ANSWERS) >= 50
    assert len({a["category"] for a in ANSWERS}) >= 20
    assert len({a["text"] for a in ANSWERS}) == len(ANSWERS)


@pytest.mark.parametrize("cls", VACUITY, ids=lambda c: c.id)
def test_ordinary_answers_do_not_pass(cls):
    instances = [cls(e.params) for e in cls.examples if e.passed] + sampled_instances(cls, draws=4)
    for inst in instances:
        passing = [a["id"] for a in ANSWERS if inst.evaluate(a["text"]).passed]
        assert not passing, f"{inst!r} passes ordinary answers {passing[:5]}"
