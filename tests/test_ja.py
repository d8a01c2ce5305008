"""Japanese text analysis (jfbench/ja.py) on hand-checked sentences: the counting units of CATALOG.md."""

import pytest
import regex

from jfbench import ja
from jfbench.ja import Response, analyse


def sentences(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in Response(text).sentences]


def words(text: str) -> list[str]:
    return [w.surface for w in Response(text).words]


# --- §IN ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("completion", "raw"), [
    ("<think>考え中</think>\r\n答えです。\r", "\n答えです。\n"),
    ("<think>a</think>x<think>b</think>答え", "答え"),
    ("<think>閉じていない", ""),
    ("か\u3099", "が"),  # NFC
])
def test_normalize_completion(completion, raw):
    assert ja.normalize_completion(completion) == raw


def test_text_is_stripped_raw_is_not():
    r = Response("  答え\u3000\n")
    assert r.raw == "  答え\u3000\n" and r.text == "答え"
    assert Response(" \u3000\n").empty


def test_normalize_document():
    assert ja.normalize_document("\n\n本文です。    \n二行目\t\n\n") == "本文です。\n二行目"


# --- §C -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("が👍🏽👨‍👩‍👧 \u3000a", 4),
    ("か\u3099", 1),
    ("ｶﾞｷﾞ", 2),
    ("今日は 晴れ\nです。", 8),
    ("**強調**", 6),
    ("\u00a0\t", 0),
])
def test_char_count(text, count):
    assert ja.char_count(text) == count


# --- §B §P ----------------------------------------------------------------------------------------

def test_blank_lines_and_paragraphs_ignore_blank_lines_inside_fences():
    text = "一段落目です。\n\n\n```python\nx = 1\n\ny = 2\n```\n\u3000\n最後の段落。"
    r = Response(text)
    assert r.blank_lines == 3  # two after the first paragraph, one U+3000 line; not the one in the fence
    assert len(r.paragraphs) == 3


def test_unclosed_fence_runs_to_the_end():
    r = Response("本文\n```\ncode\n\nmore")
    assert r.blank_lines == 0 and len(r.paragraphs) == 1


# --- §MD §S ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("彼は「行くよ。すぐ戻る！」と言った。本当に？",
     [("彼は「行くよ。すぐ戻る！」と言った。", "statement"), ("本当に？", "question")]),
    ("本当？！すごい!! やった", [("本当？！", "question"), ("すごい!!", "exclamation"), ("やった", "statement")]),
    ("円周率は3.14です。詳細はexample.comへ。v1.2を使う。",
     [("円周率は3.14です。", "statement"), ("詳細はexample.comへ。", "statement"), ("v1.2を使う。", "statement")]),
    ("It works. Really?", [("It works.", "statement"), ("Really?", "question")]),
    ("見てください。😀 次です。", [("見てください。😀", "statement"), ("次です。", "statement")]),
    ("「そうだ。」」彼は言った。", [("「そうだ。」」彼は言った。", "statement")]),  # unmatched closer ignored
    ("え…そうなの：本当♪", [("え…そうなの：本当♪", "statement")]),  # non-terminators
    ("一行目\n二行目。", [("一行目", "statement"), ("二行目。", "statement")]),
    ("（括弧が閉じない。\n次の行。", [("（括弧が閉じない。", "statement"), ("次の行。", "statement")]),
    ("。。。！？", []),  # no letter or digit: not a sentence
    ("「引用」です。", [("「引用」です。", "statement")]),
])
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_markdown_view_strips_markup_and_code():
    text = (
        "# 見出し\n"
        "> 引用です。\n"
        "- **重要**な点は[こちら](https://example.com)です。\n"
        "1. 最初の項目\n"
        "（2）二番目\n"
        "① 丸数字\n"
        "<!-- コメント -->本文<br>です。\n"
        "```\nコードの中。\n```\n"
        "| 列A | 列B |\n|---|:--:|\n| セル1 | セル2 |"
    )
    assert Response(text).md_lines == [
        "見出し", "引用です。", "重要な点はこちらです。", "最初の項目", "二番目", "丸数字", "本文です。",
        "列A ", "列B ", "セル1 ", "セル2 ",
    ]


def test_sentence_words_follow_sentences():
    r = Response("今日は晴れ。明日は雨！")
    assert [[w.surface for w in ws] for ws in r.sentence_words] == [["今日", "は", "晴れ"], ["明日", "は", "雨"]]


# --- §W -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("食べました。", ["食べ", "まし", "た"]),
    ("東京都に行く", ["東京", "都", "に", "行く"]),
    ("勉強する", ["勉強", "する"]),  # する-verb: two short units
    ("価格は1,500円、3.14倍", ["価格", "は", "1,500", "円", "3.14", "倍"]),
    ("人々がヴァイオリンを弾く", ["人々", "が", "ヴァイオリン", "を", "弾く"]),
    ("ラーメン、😀！", ["ラーメン"]),
    ("「引用」と（括弧）", ["引用", "と", "括弧"]),
])
def test_words(text, expected):
    assert words(text) == expected


def test_content_and_function_words():
    r = Response("私は本を読みました")
    kinds = [(w.surface, w.pos1 in ja.CONTENT_POS, w.pos1 in ja.FUNCTION_POS) for w in r.words]
    assert kinds == [("私", True, False), ("は", False, True), ("本", True, False), ("を", False, True),
                     ("読み", True, False), ("まし", False, True), ("た", False, True)]


# --- §R -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "reading", "morae"), [
    ("東京", "トウキョウ", 4),
    ("キャット", "キャット", 3),
    ("きゃっ", "キャッ", 2),
    ("ラーメン", "ラーメン", 4),
    ("ヴァイオリン", "ヴァイオリン", 5),
])
def test_reading_and_morae(text, reading, morae):
    token = Response(text).words[0]
    assert ja.reading(token) == reading
    assert ja.mora_count(reading) == morae


def test_latin_and_digits_are_unreadable():
    assert ja.reading(Response("2025").words[0]) is None
    assert ja.reading(Response("API").words[0]) is None


# --- §N -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "numbers"), [
    ("2025年4月1日", ["2025", "4", "1"]),
    ("13:45です、第3章", ["13", "45", "3"]),
    ("1,000円と3.14と1,0000", ["1,000", "3.14", "1", "0000"]),
    ("版は1.2.3、IPは192.168.0.1", []),
    ("１２３と４５．６", ["123", "45.6"]),
    ("1. 項目", ["1"]),
])
def test_numbers(text, numbers):
    assert [n.text for n in Response(text).numbers] == numbers


def test_number_token_parts():
    n = Response("合計は1,234.50円").numbers[0]
    assert (n.integer, n.fraction, n.grouped, n.value) == ("1234", "50", True, 1234.5)


@pytest.mark.parametrize(("text", "numerals"), [
    ("一つ、二十、三千人", ["一", "二十", "三千"]),
    ("一般に一緒に十分。千葉県と一部", []),
    ("百二十三万円", ["百二十三万"]),
])
def test_kanji_numerals(text, numerals):
    assert [t.surface for t in Response(text).kanji_numerals] == numerals


# --- §K -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "keyword", "count"), [
    ("もしもし、聞こえますか", "もし", 0),
    ("日本語を学ぶ日本人", "日本", 2),
    ("今日は晴れ", "日", 0),
    ("AIとＡＩとai", "AI", 3),
    ("東京都と東京", "東京", 2),
])
def test_keyword_token_mode(text, keyword, count):
    assert Response(text).count_keyword(keyword) == count


# --- the cache ------------------------------------------------------------------------------------

def test_analyse_caches_and_is_bounded():
    first = analyse("同じ答え")
    assert analyse("同じ答え") is first
    for i in range(ja._CACHE_SIZE + 5):
        analyse(f"別の答え{i}")
    assert len(ja._CACHE) == ja._CACHE_SIZE
    assert analyse("同じ答え") is not first


def test_tokenizes_once_per_answer(monkeypatch):
    calls = []
    real = ja.tokenize_line
    monkeypatch.setattr(ja, "tokenize_line", lambda line, n=0: calls.append(line) or real(line, n))
    from jfbench import catalog

    r = Response("今日は晴れです。明日は雨でしょう。\n二行目です。")
    for cls in catalog.all_constraints():
        for example in cls.examples[:1]:
            cls(example.params).evaluate(r)
    answer_lines = [line for line in calls if line in r.md_lines]  # keywords are tokenized (and cached) too
    assert len(answer_lines) == 2  # one call per non-empty line of the Markdown view, once


@pytest.mark.parametrize(("kana", "morae", "vowels"), [
    ("キャット", ["キャ", "ッ", "ト"], ["a", None, "o"]),
    ("トーキョー", ["ト", "ー", "キョ", "ー"], ["o", "o", "o", "o"]),
    ("シンブン", ["シ", "ン", "ブ", "ン"], ["i", None, "u", None]),
    ("ヴァイオリン", ["ヴァ", "イ", "オ", "リ", "ン"], ["a", "i", "o", "i", None]),
])
def test_morae_and_vowels(kana, morae, vowels):
    assert ja.morae(kana) == morae
    assert ja.mora_vowels(kana) == vowels
    assert ja.mora_count(kana) == len(morae)


@pytest.mark.parametrize(("text", "folded"), [
    ("がっこう", "カツコウ"), ("パン", "ハン"), ("ヴァイオリン", "ウアイオリン"),
    ("トマト", "トマト"), ("ぢゃ", "チヤ"),
])
def test_fold_kana(text, folded):
    assert ja.fold_kana(text) == folded


def test_simple_ranges_hold_no_grapheme_extenders():
    """char_count counts code points inside SIMPLE_RANGES; that is exact only if none can join a cluster."""
    joining = regex.compile(r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
                            r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}]")
    bad = [hex(cp) for a, b in ja.SIMPLE_RANGES for cp in range(a, b + 1)
           if not 0xD800 <= cp <= 0xDFFF and joining.match(chr(cp))]
    assert bad == []
