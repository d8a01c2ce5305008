"""CATALOG.md "Parameter-level contradictions" (P1-P10): each rule rejects a hand-made impossible combination
and accepts a close possible one, through the sampler's own `combination_problem`; and the sampler never
draws an item that breaks them."""

import json
import time
from pathlib import Path

import pytest

from jfbench import catalog
from jfbench.prompts import BasePrompt
from jfbench.sampling import Sampler, combination_problem

ROOT = Path(__file__).resolve().parents[1]

# One-line documents (§DOC) for the processing rows.
KANJI_DOC = "春は桜が咲きます。夏は海で泳ぎます。"
HIRAGANA_DOC = "はるは さくらが さきます。なつは うみで およぎます。"
SPACED_DOC = "Python 3.12 では型ヒントの書き方がさらに簡単になりました。"
UNSPACED_DOC = "江戸時代の町人文化は、商業の発展とともに花開いた。"
LONG_SENTENCE = ("地域の図書館は本を無料で貸し出すだけでなく"
                 "子ども向けの読み聞かせ会や高齢者向けのパソコン講座も毎月開いている。")  # 55 characters
SHORT_SENTENCES = "地域の図書館は本を無料で貸し出します。読み聞かせ会や講座も開いています。"


def inst(cid: str, **params):
    return catalog.instance(cid, params)


def doc_prompt(document: str) -> BasePrompt:
    return BasePrompt(id="doc", text="次の文章を読んで答えてください。", document=document)


def problem(*instances, prompt=None):
    return combination_problem(list(instances), prompt)


def rejected(rule: str, *instances, prompt=None) -> str:
    reason = problem(*instances, prompt=prompt)
    assert reason is not None, f"{[i.id for i in instances]} should break {rule}"
    assert rule in reason, reason
    return reason


def accepted(*instances, prompt=None) -> None:
    reason = problem(*instances, prompt=prompt)
    assert reason is None, reason


# --- P1 character budget -------------------------------------------------------------------------------

def test_p1_characters_against_paragraphs():
    chars = inst("length.characters", min=100, max=150)
    rejected("P1", chars, inst("length.paragraphs", min=8, max=8))  # L = 200 > 0.8 x 150
    accepted(chars, inst("length.paragraphs", min=4, max=4))  # L = 100 <= 120


def test_p1_words_max_and_sentence_length_cap_the_answer():
    words = inst("length.words", max=20)  # U = 80
    rejected("P1", words, inst("format.bullet_points", marker="・", count=10))  # L = 80 > 64
    accepted(words, inst("format.bullet_points", marker="・", count=5))
    per_sentence = inst("length.max_chars_per_sentence", max_chars=30)
    rejected("P1", per_sentence, inst("length.sentences", max=3), inst("length.characters", min=80))  # U = 90
    accepted(per_sentence, inst("length.sentences", max=4), inst("length.characters", min=80))  # U = 120


def test_p1_document_copies_and_schema_answers():
    prompt = doc_prompt(UNSPACED_DOC)  # 24 characters
    copies = inst("processing.repeat_document", times=3)  # 72
    rejected("P1", copies, inst("length.characters", max=80), prompt=prompt)
    accepted(copies, inst("length.characters", max=100), prompt=prompt)
    schema = inst("format.json_schema", schema="weather_report")  # the smallest valid answer: 310 characters
    rejected("P1", schema, inst("length.characters", max=300))
    accepted(schema, inst("length.characters", max=400))


# --- P2 sentence budget --------------------------------------------------------------------------------

def test_p2_positions_need_sentences():
    at_most_2 = inst("length.sentences", max=2)
    rejected("P2", at_most_2, inst("ifbench_sentence.keyword_in_sentence", index=3, keyword="結論"))
    accepted(at_most_2, inst("ifbench_sentence.keyword_in_sentence", index=2, keyword="結論"))
    rejected("P2", at_most_2, inst("ifbench_words.sentence_chain", min_sentences=3))
    rejected("P2", at_most_2, inst("ifbench_ratio.statement_question_ratio"))
    rejected("P2", at_most_2, inst("format.numbered_list", count=3))  # every list line is a sentence
    accepted(at_most_2, inst("ifbench_format.emoji_sentence_end"))


def test_p2_equal_sentence_words_needs_exactly_three():
    equal = inst("ifbench_ratio.equal_sentence_words")
    rejected("P2", equal, inst("length.sentences", min=4))
    rejected("P2", equal, inst("length.paragraphs", min=4, max=5))
    rejected("P2", equal, inst("ifbench_words.keyword_at_position", sentence_index=4, word_index=1, keyword="結論"))
    accepted(equal, inst("length.sentences", min=2, max=4))
    accepted(equal, inst("length.paragraphs", min=3, max=3))


# --- P3 lines, paragraphs and blank lines ------------------------------------------------------------------

def test_p3_blank_lines_bound_paragraphs():
    rejected("P3", inst("length.blank_lines", n=1), inst("length.paragraphs", min=3, max=4))
    accepted(inst("length.blank_lines", n=2), inst("length.paragraphs", min=3, max=4))
    rejected("P3", inst("ifbench_words.limited_vowels", max_vowels=3), inst("length.blank_lines", n=1))
    rejected("P3", inst("ifbench_words.limited_vowels", max_vowels=3),
             inst("ifbench_words.paragraph_same_first_last", min_paragraphs=2))
    accepted(inst("ifbench_words.limited_vowels", max_vowels=3), inst("length.paragraphs", min=1, max=1))


def test_p3_line_breaks_bound_lines():
    rejected("P3", inst("length.line_breaks", n=3), inst("format.bullet_points", marker="・", count=5))
    accepted(inst("length.line_breaks", n=4), inst("format.bullet_points", marker="・", count=5))
    rejected("P3", inst("length.line_breaks", n=4), inst("length.paragraphs", min=4, max=4))  # needs 7 lines
    accepted(inst("length.line_breaks", n=6), inst("length.paragraphs", min=4, max=4))
    rejected("P3", inst("length.line_breaks", n=5), inst("ifbench_format.staircase_indent", min_lines=7))
    rejected("P3", inst("length.line_breaks", n=2), inst("length.blank_lines", n=2))  # 2 blank + 2 text lines


# --- P4 number budget ---------------------------------------------------------------------------------------

def test_p4_forced_numbers_against_exact_count():
    date, decimal = inst("notation.date_ymd", style="YYYY-MM-DD"), inst("notation.decimal_places", places=2)
    rejected("P4", inst("ifbench_count.numbers", count=3), date, decimal)
    accepted(inst("ifbench_count.numbers", count=4), date, decimal)
    rejected("P4", inst("ifbench_count.numbers", count=4), inst("format.numbered_list", count=5))
    accepted(inst("ifbench_count.numbers", count=5), inst("format.numbered_list", count=5))
    rejected("P4", inst("ifbench_count.numbers", count=2), inst("notation.time_24h", seconds=True))
    accepted(inst("ifbench_count.numbers", count=2), inst("notation.time_24h", seconds=False))


# --- P5 decimals (a pair rule) ------------------------------------------------------------------------------

def test_p5_decimal_places_within_rounding():
    rejected("P5", inst("notation.decimal_places", places=3), inst("notation.rounding", max_places=2))
    accepted(inst("notation.decimal_places", places=2), inst("notation.rounding", max_places=2))


# --- P6 keywords --------------------------------------------------------------------------------------------

def test_p6_keyword_characters_within_half_the_budget():
    cap = inst("length.characters", max=20)  # keywords may take 10 characters
    rejected("P6", cap, inst("content.keyword_included", keywords={"具体例": 4}, relation="at_least"))
    accepted(cap, inst("content.keyword_included", keywords={"具体例": 3}, relation="at_least"))


def test_p6_required_and_forbidden_keywords():
    excluded = inst("content.keyword_excluded", keywords=["結論"])
    assert problem(excluded, inst("ifbench_sentence.keyword_in_sentence", index=2, keyword="結論"))
    accepted(excluded, inst("ifbench_sentence.keyword_in_sentence", index=2, keyword="目的"))
    assert problem(inst("character.hiragana_only"),
                   inst("content.keyword_included", keywords={"結論": 1}, relation="at_least"))
    # not(keyword_included K) forbids K, which a forced text or another row may not require.
    negated = inst("logic.negation", inner="content.keyword_included",
                   inner_params={"keywords": {"回答": 1}, "relation": "at_least"})
    rejected("P6", negated, inst("ifbench_sentence.keyword_in_sentence", index=2, keyword="回答"))
    rejected("P7", negated, inst("processing.prefix", prefix="回答："))
    accepted(negated, inst("processing.prefix", prefix="結論："))


def test_p6_excluded_keyword_in_forced_text():
    excluded = inst("content.keyword_excluded", keywords=["回答"])
    rejected("P7", excluded, inst("processing.prefix", prefix="【回答】"))
    accepted(excluded, inst("processing.prefix", prefix="結論："))
    prompt = doc_prompt(UNSPACED_DOC)
    rejected("P7", inst("content.keyword_excluded", keywords=["商業"]), inst("processing.repeat_document", times=2),
             prompt=prompt)
    accepted(inst("content.keyword_excluded", keywords=["農業"]), inst("processing.repeat_document", times=2),
             prompt=prompt)


# --- P7 forced text ---------------------------------------------------------------------------------------

def test_p7_hiragana_only_with_a_kanji_document():
    copies = inst("processing.repeat_document", times=2)
    rejected("P7", inst("character.hiragana_only"), copies, prompt=doc_prompt(KANJI_DOC))
    accepted(inst("character.hiragana_only"), copies, prompt=doc_prompt(HIRAGANA_DOC))


def test_p7_no_whitespace_with_a_spaced_document():
    replaced = inst("processing.replace_span", start=1, end=2, replacement="＊＊＊")
    rejected("P7", inst("character.no_whitespace"), replaced, prompt=doc_prompt(SPACED_DOC))
    accepted(inst("character.no_whitespace"), replaced, prompt=doc_prompt(UNSPACED_DOC))


def test_p7_sentence_length_with_a_long_document_sentence():
    assert len(LONG_SENTENCE) == 55
    limit = inst("length.max_chars_per_sentence", max_chars=40)
    copies = inst("processing.repeat_document", times=2)
    rejected("P7", limit, copies, prompt=doc_prompt(LONG_SENTENCE))
    accepted(limit, copies, prompt=doc_prompt(SHORT_SENTENCES))


def test_p7_full_width_with_an_ascii_prefix():
    rejected("P7", inst("character.full_width"), inst("processing.prefix", prefix="A:"))
    accepted(inst("character.full_width"), inst("processing.prefix", prefix="【回答】"))
    rejected("P7", inst("character.full_width"), inst("processing.suffix", suffix="[END]"))
    rejected("P7", inst("character.full_width"), inst("format.sentence_delimiter", delimiter="<END>"))
    accepted(inst("character.full_width"), inst("format.sentence_delimiter", delimiter="◆"))


def test_p7_literals_against_case_script_and_language_rules():
    rejected("P7", inst("character.lowercase"), inst("format.sentence_delimiter", delimiter="<END>"))
    accepted(inst("character.lowercase"), inst("format.sentence_delimiter", delimiter="||"))
    rejected("P7", inst("character.katakana_only"), inst("ifbench_format.output_template"))
    rejected("P7", inst("style.no_english"), inst("format.json_schema", schema="faq"))  # Latin keys
    rejected("P7", inst("style.no_english"), inst("processing.prefix", prefix="Answer:"))
    accepted(inst("style.no_english"), inst("processing.prefix", prefix="回答："))
    prompt = doc_prompt(UNSPACED_DOC)
    sort = inst("processing.sort_sentences_length", order="desc")
    rejected("P7", inst("character.no_commas"), inst("processing.split_document", parts=2), prompt=prompt)
    rejected("P7", inst("character.no_japanese_punctuation"), sort, prompt=prompt)
    rejected("P7", inst("notation.kanji_numerals"), inst("processing.extract_prefix", length=10),
             prompt=doc_prompt(SPACED_DOC))
    accepted(inst("notation.kanji_numerals"), inst("processing.extract_suffix", length=6),
             prompt=doc_prompt(SPACED_DOC))


def test_p7_checks_only_what_a_rule_forbids():
    # A forced text with no number does not break no_kanji_numerals (its "at least one" side is the answer's).
    accepted(inst("notation.no_kanji_numerals"), inst("processing.prefix", prefix="【回答】"))
    rejected("P7", inst("notation.no_kanji_numerals"), inst("processing.repeat_document", times=2),
             prompt=doc_prompt("会議は三回開かれた。"))


# --- P8 position and count versus length ---------------------------------------------------------------------

def test_p8_words_implied_by_other_rows():
    rejected("P8", inst("ifbench_count.unique_words", min_unique=60), inst("length.words", max=90))
    accepted(inst("ifbench_count.unique_words", min_unique=60), inst("length.words", max=100))
    rejected("P8", inst("ifbench_count.pronouns", min_pronouns=5), inst("length.words", max=24))
    accepted(inst("ifbench_count.pronouns", min_pronouns=5), inst("length.words", max=25))
    rejected("P8", inst("ifbench_words.no_same_initial_adjacent"), inst("length.words", max=9))
    accepted(inst("ifbench_words.no_same_initial_adjacent"), inst("length.words", max=10))
    rejected("P8", inst("ifbench_format.one_word_per_line", min_lines=12), inst("length.words", max=10))


# --- P9 structure counts and P10 logic (pair rules) -------------------------------------------------------------

def test_p9_structure_counts():
    sub = inst("ifbench_format.sub_bullets", min_bullets=2)
    rejected("P9", inst("format.bullet_points", marker="- ", count=3), sub)
    accepted(inst("format.bullet_points", marker="・", count=3), sub)


def test_p10_logic():
    negated = inst("logic.negation", inner="length.max_chars_per_sentence", inner_params={"max_chars": 60})
    assert problem(negated, inst("length.characters", max=50))
    accepted(negated, inst("length.characters", max=100))
    twice = inst("logic.double_negation", inner="processing.prefix", inner_params={"prefix": "A:"})
    rejected("P7", twice, inst("character.full_width"))  # double_negation(I) takes I's forced text
    assert problem(inst("logic.negation", inner="character.japanese_punctuation"), twice)  # one logic item


# --- the sampler ------------------------------------------------------------------------------------------------

def test_sampled_items_satisfy_every_rule():
    prompts = [BasePrompt.model_validate(json.loads(line))
               for line in (ROOT / "data" / "prompts" / "test.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    by_id = {p.id: p for p in prompts}
    sampler = Sampler(prompts, seed=20251121)
    started = time.monotonic()
    for n in (2, 4, 8):
        for k in range(200):
            item = sampler.item(n, f"n{n}-{k:04d}")
            instances = item.instances()  # rebuilt from the stored params, as eval does
            assert combination_problem(instances, by_id[item.prompt_id]) is None, item.id
            assert any(i.output_format for i in instances), f"{item.id} has no output-format constraint"
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("cls", catalog.all_constraints(), ids=lambda c: c.id)
def test_demands_are_computable_with_and_without_a_prompt(cls):
    prompt = doc_prompt(SHORT_SENTENCES)
    for example in cls.examples:
        instance = cls(example.params)
        for p in (None, prompt):
            d = instance.demands(p)
            assert d.min_chars >= 0 and all(isinstance(t, str) and t for t in d.forced_texts)
