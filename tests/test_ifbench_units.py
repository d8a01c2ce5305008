"""Hand-checked counting units of the ifbench rows (CATALOG.md §W, §S, §N, §K, §R).

Each test states, for two or three short sentences, what a careful reader counts by hand: the words, the
names, the sentence-opening conjunctions, the pronouns, the function words, the morae. The expected values
were worked out by hand and then confirmed against fugashi 1.5 + unidic-lite 1.0.8, so a tagger or
dictionary upgrade that changes a unit fails here first, with a readable diff.
"""

import pytest

from jfbench import ja
from jfbench.constraints.ifbench_count import (
    CONJUNCTION_PHRASES,
    PERSON_NAMES,
    opening_conjunction,
    phrase_units,
)
from jfbench.constraints.ifbench_ratio import word_trigrams
from jfbench.ja import Response

# --- words, names, conjunctions, pronouns and function words (ifbench_count, ifbench_ratio) ----------------


def _words(text: str) -> list[str]:
    return [w.surface for w in Response(text).words]


def _function_words(text: str) -> list[str]:
    return [w.surface for w in Response(text).words if w.pos1 in ja.FUNCTION_POS]


@pytest.mark.parametrize(("text", "words", "function"), [
    # a する-verb is two words: the noun and する (a content word, lemma 為る)
    ("毎日勉強する。", ["毎日", "勉強", "する"], []),
    ("コーヒーとケーキを注文しました。", ["コーヒー", "と", "ケーキ", "を", "注文", "し", "まし", "た"],
     ["と", "を", "まし", "た"]),
    # numbers written in kanji are words (名詞 数詞); the counter つ is a suffix, neither content nor function
    ("三千円を二つ払いました。", ["三千", "円", "を", "二", "つ", "払い", "まし", "た"], ["を", "まし", "た"]),
    # a quote inside a sentence: its brackets are not words, and しよう is one verb token
    ("人々は「スーパーで買い物しよう」と言った。",
     ["人々", "は", "スーパー", "で", "買い物", "しよう", "と", "言っ", "た"], ["は", "で", "と", "た"]),
    # 々 stays inside its word; long vowels ー stay inside theirs
    ("時々、佐々木さんとラーメンを食べる。",
     ["時々", "佐々木", "さん", "と", "ラーメン", "を", "食べる"], ["と", "を"]),
    ("すごーい！", ["すごーい"], []),
])
def test_words_and_function_words(text, words, function):
    assert _words(text) == words
    assert _function_words(text) == function


def test_kanji_numerals_are_not_number_tokens():
    r = Response("三千円を二つ払い、残りは1,000円でした。")
    assert [t.text for t in r.numbers] == ["1,000"]
    assert [t.surface for t in r.kanji_numerals] == ["三千", "二"]


def test_content_words_and_same_word_identity():
    r = Response("姉は駅へ行く。兄は店に行った。AIとａｉ。")
    content = [w.surface for w in r.words if w.pos1 in ja.CONTENT_POS]
    assert content == ["姉", "駅", "行く", "兄", "店", "行っ", "AI", "ａｉ"]
    keys = {w.surface: set(zip(("surface", "lemma"), ja.same_word_keys(w), strict=True)) for w in r.words}
    assert keys["行く"] & keys["行っ"] == {("lemma", "行く")}  # different surfaces, one lemma
    assert keys["AI"] == keys["ａｉ"]  # NFKC + casefold
    assert not keys["姉"] & keys["兄"]
    # unique_words identity is the folded surface only: 行く and 行っ are two kinds, AI and ａｉ one
    assert len(r.words) == 14 and len(set(r.folded_words)) == 12  # は repeats, ａｉ folds to ai
    assert sorted(set(r.folded_words)) == sorted({"姉", "は", "駅", "へ", "行く", "兄", "店", "に", "行っ", "た",
                                                  "ai", "と"})


def test_sentences_and_their_words():
    r = Response("「本当？」と彼は聞いた。すごい！\nそうですか？")
    assert [(s.text, s.kind) for s in r.sentences] == [
        ("「本当？」と彼は聞いた。", "statement"), ("すごい！", "exclamation"), ("そうですか？", "question")]
    assert [len(ws) for ws in r.sentence_words] == [6, 1, 3]  # 本当/と/彼/は/聞い/た; すごい; そう/です/か


def test_word_trigrams_stay_within_lines():
    r = Response("地域の図書館は\n本を無料で貸す")
    assert word_trigrams(r) == [("地域", "の", "図書"), ("の", "図書", "館"), ("図書", "館", "は"),
                                ("本", "を", "無料"), ("を", "無料", "で"), ("無料", "で", "貸す")]


# names ------------------------------------------------------------------------------------------------

def test_the_name_list_is_fifty_distinct_multi_character_names():
    assert len(PERSON_NAMES) == 50 == len(set(PERSON_NAMES))
    assert all(len(name) >= 2 for name in PERSON_NAMES)


@pytest.mark.parametrize("name", PERSON_NAMES)
def test_each_name_is_one_person_name_token_and_never_a_common_noun(name):
    for carrier in ("{}", "{}さんは駅に向かった。", "昨日、{}と話した。", "友人の{}が来た。", "{}の研究を手伝う。"):
        text = carrier.format(name)
        hits = [t for t in ja.tokenize_line(text) if t.surface == name]
        assert len(hits) == 1, (text, [t.surface for t in ja.tokenize_line(text)])
        assert (hits[0].pos1, hits[0].pos2, hits[0].pos3) == ("名詞", "固有名詞", "人名"), text
    # no other analysis among UniDic's 30 best reads the whole name as one word of another kind
    # (陽子 = proton, 千尋, 美咲 = a place name and 勇気 fail this and are not on the list)
    for analysis in ja.tagger().nbest(name, 30).split("EOS"):
        rows = [row.split("\t") for row in analysis.strip().split("\n") if row]
        if len(rows) == 1 and rows[0][0] == name:
            assert rows[0][1:4] == ["名詞", "固有名詞", "人名"], (name, rows[0])


@pytest.mark.parametrize(("text", "names"), [
    ("健太と奈々は京子さんに会った。", {"健太", "奈々", "京子"}),
    ("直樹くんと真由美ちゃんが来た。", {"直樹", "真由美"}),
    ("光が差し込み、翼を広げた鳥が楓の木に止まった。", set()),  # single-kanji names are not on the list
    ("けんたとキョウコが来た。", set()),  # kana spellings are other words
])
def test_names_in_sentences(text, names):
    listed = set(PERSON_NAMES)
    assert {w for w in Response(text).folded_words if w in listed} == names


# conjunctions -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", CONJUNCTION_PHRASES)
def test_each_conjunction_phrase_tokenizes_the_same_alone_and_at_a_sentence_start(phrase):
    units = ja.keyword_units(phrase)
    assert "".join(units) == phrase
    for carrier in ("{}、雨が降った。", "{}、私はそう思う。", "晴れた。{}、風は強い。"):
        r = Response(carrier.format(phrase))
        opening = [s for s, ws in zip(r.sentences, r.sentence_words, strict=True) if s.text.startswith(phrase)]
        words = r.sentence_words[r.sentences.index(opening[0])]
        assert tuple(ja.fold_word(w.surface) for w in words[:len(units)]) == units, carrier
        assert opening_conjunction(words) == phrase, carrier


def test_phrases_are_matched_longest_first():
    lengths = [len(u) for u in phrase_units()]
    assert lengths == sorted(lengths, reverse=True)


@pytest.mark.parametrize(("text", "openers"), [
    ("しかし、雨だ。だからこそ行く。それでは始めます。", ["しかし", "だから", "それでは"]),
    ("もしもし、またね。なおさら、よってたかって", [None, None]),  # the anchor's substrings are not openers
    ("けれども、時間がない。彼は「しかし、違う」と言った。", ["けれど", None]),  # けれど/も; mid-sentence quote
    ("「しかし、本当だろうか」と考えた。また明日。", ["しかし", "また"]),  # a quote mark is skipped
])
def test_sentence_opening_conjunctions(text, openers):
    r = Response(text)
    assert [opening_conjunction(ws) for ws in r.sentence_words] == openers


# pronouns ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "pronouns"), [
    ("私たちはあなたと彼女に会った。", ["私", "あなた", "彼女"]),  # たち is a suffix
    ("これはどこで誰が作ったのか。", ["これ", "どこ", "誰"]),
    ("自分のことは自分でやる。皆そう思う。", []),  # 自分 and 皆 are nouns, そう an adverb
    ("これとこれ、それからあれ。", ["これ", "これ", "それ"]),  # sentence-final あれ is an interjection
])
def test_pronouns(text, pronouns):
    assert [w.surface for w in Response(text).words if w.pos1 == "代名詞"] == pronouns


# stop words -------------------------------------------------------------------------------------------

def test_function_word_share_of_a_noun_heavy_and_an_ordinary_paragraph():
    noun_heavy = Response("会議要旨。議題は来期予算案、新規採用計画、社内研修制度の三項目。")
    assert _function_words(noun_heavy.text) == ["は", "の"]
    assert len(noun_heavy.words) == 16  # 会議/要旨/議題/は/来期/予算/案/新規/採用/計画/社内/研修/制度/の/三/項目
    ordinary = Response("本日は、新しい業務システムの導入について説明します。")
    # について is three short units, に/つい/て: 5 function words of 13 (38 %)
    assert _function_words(ordinary.text) == ["は", "の", "に", "て", "ます"]
    assert len(ordinary.words) == 13


# --- readings, morae, initials and vowels (ifbench_words, ifbench_sentence) ---------------------------------

from jfbench.constraints.ifbench_sentence import alliteration_run  # noqa: E402
from jfbench.constraints.ifbench_words import (  # noqa: E402
    POSITION_KEYWORDS,
    initials,
    palindrome_indexes,
    paragraph_words,
    pron_of,
    single_noun,
    word_groups,
)


def _reading_rows(text: str) -> list[tuple]:
    """(surface, reading, morae, vowels, initial, content?) per word; vowels as a string, "_" for none."""
    rows = []
    r = Response(text)
    for w, kana, first in zip(r.words, r.readings, initials(r), strict=True):
        vowels = "".join(v or "_" for v in ja.mora_vowels(kana)) if kana else None
        rows.append((w.surface, kana, ja.mora_count(kana) if kana else None, vowels, first,
                     w.pos1 in ja.CONTENT_POS))
    return rows


@pytest.mark.parametrize(("text", "rows"), [
    # ヴ: small ァ joins ヴ into one mora with the vowel a; the initial folds ヴ to ウ; ン has no vowel
    ("ヴァイオリンとコーヒー", [("ヴァイオリン", "ヴァイオリン", 5, "aioi_", "ウ", True),
                              ("と", "ト", 1, "o", "ト", False),
                              ("コーヒー", "コーヒー", 4, "ooii", "コ", True)]),  # ー repeats the vowel before it
    # 々 stays in its word and reads as written in the dictionary; する is a content word (動詞) of its own
    ("人々が勉強する", [("人々", "ヒトビト", 4, "ioio", "ヒ", True), ("が", "ガ", 1, "a", "カ", False),
                       ("勉強", "ベンキョウ", 4, "e_ou", "ヘ", True), ("する", "スル", 2, "uu", "ス", True)]),
    # kanji numbers are read (ニジュウ: ジュ is one mora); the counter 人 is a suffix, not a content word
    ("二十人と三千円", [("二十", "ニジュウ", 3, "iuu", "ニ", True), ("人", "ニン", 2, "i_", "ニ", False),
                       ("と", "ト", 1, "o", "ト", False), ("三千", "サンゼン", 4, "a_e_", "サ", True),
                       ("円", "エン", 2, "e_", "エ", True)]),
    # ッ is a mora with no vowel; small ャ/ョ join the kana before them; the particle を reads ヲ (vowel o)
    ("学校でシャツを一緒に", [("学校", "ガッコウ", 4, "a_ou", "カ", True), ("で", "デ", 1, "e", "テ", False),
                             ("シャツ", "シャツ", 2, "au", "シ", True), ("を", "ヲ", 1, "o", "ヲ", False),
                             ("一緒", "イッショ", 3, "i_o", "イ", True), ("に", "ニ", 1, "i", "ニ", False)]),
    # Arabic digits and half-width Latin have no reading (their initial is the lower-cased first character);
    # full-width ＡＩ has a dictionary reading
    ("2025年のＡＩとAI", [("2025", None, None, None, "2", True), ("年", "ネン", 2, "e_", "ネ", True),
                          ("の", "ノ", 1, "o", "ノ", False), ("ＡＩ", "エーアイ", 4, "eeai", "エ", True),
                          ("と", "ト", 1, "o", "ト", False), ("AI", None, None, None, "a", True)]),
    # a lengthened adjective stays one word; ー repeats o
    ("すごーい", [("すごーい", "スゴーイ", 4, "uooi", "ス", True)]),
    # the particle は is read ハ (its kana), not ワ (its pron)
    ("私は", [("私", "ワタクシ", 4, "aaui", "ワ", True), ("は", "ハ", 1, "a", "ハ", False)]),
])
def test_readings_morae_vowels_and_initials(text, rows):
    assert _reading_rows(text) == rows


def test_fold_kana_for_initials_and_palindromes():
    assert ja.fold_kana("ガ") == ja.fold_kana("か") == "カ"
    assert ja.fold_kana("ぱ") == ja.fold_kana("バ") == "ハ"
    assert ja.fold_kana("ヴ") == "ウ" and ja.fold_kana("ッ") == "ツ" and ja.fold_kana("ャ") == "ヤ"
    assert ja.fold_kana("キャベツ") == "キヤヘツ"


@pytest.mark.parametrize(("text", "prons"), [
    # special morae are read from pron: 学校 ガッコー and 先生 センセー have ー although their kana has ウ/イ
    ("学校の先生", {"学校": "ガッコー", "の": "ノ", "先生": "センセー"}),
    ("ヴァイオリンを", {"ヴァイオリン": "バイオリン", "を": "オ"}),
    ("勉強した", {"勉強": "ベンキョー", "し": "シ", "た": "タ"}),  # し (する) has no special mora
])
def test_pron_for_special_morae(text, prons):
    assert {w.surface: pron_of(w) for w in Response(text).words} == prons


@pytest.mark.parametrize(("text", "palindromes"), [
    ("トマトと八百屋とキツツキ", ["トマト", "八百屋", "キツツキ"]),
    ("痛い。しかし、スイスのルールは微かに違う。", ["痛い", "しかし", "スイス", "ルール", "微か"]),
    ("新聞紙と桃とママ", []),  # 新聞紙 = 新聞+紙 (シンブン); モモ and ママ have 2 morae
    ("とまと", []),  # hiragana とまと is とま+と
    ("轆轤で逆さに", ["轆轤", "逆さ"]),  # ロクロ, サカサ
])
def test_palindrome_readings(text, palindromes):
    r = Response(text)
    assert [r.words[i].surface for i in palindrome_indexes(r)] == palindromes


def test_same_word_identity_and_groups():
    same_word = ja.same_word
    words = Response("手紙を書く。昨日も書いた。明日も書きたい。ＡＩとAIとai。姉と兄。").words
    by = {w.surface: w for w in words}
    assert same_word(by["書く"], by["書い"]) and same_word(by["書い"], by["書き"])  # one lemma 書く
    assert same_word(by["ＡＩ"], by["AI"]) and same_word(by["AI"], by["ai"])  # NFKC + casefold
    assert not same_word(by["姉"], by["兄"])
    r = Response("手紙を書く。昨日も書いた。明日も書きたい。ＡＩとAIとai。姉と兄。")
    groups = word_groups([k for w, k in zip(r.words, r.word_keys, strict=True) if w.pos1 in ja.CONTENT_POS])
    sizes = sorted((groups.count(g) for g in set(groups)), reverse=True)
    assert sizes == [3, 3, 1, 1, 1, 1, 1]  # 書く ×3, AI ×3; 手紙, 昨日, 明日, 姉, 兄
    # 行った is read as 行う (オコナッ), so it is not the same word as 行く
    go = Response("駅に行く。昨日も行った。").words
    assert not same_word(go[2], go[5])


def test_paragraph_words_trace_markdown_lines_back_to_paragraphs():
    r = Response("春は花。春だ。\n\n| a | b |\n|---|---|\n| 夏 | 夏 |\n\n```\ncode\n\n```\n\n<!-- x\n\n-->秋の空は秋。")
    assert len(r.paragraphs) == 5
    assert [[w.surface for w in p] for p in paragraph_words(r)] == [
        ["春", "は", "花", "春", "だ"], ["a", "b", "夏", "夏"], [], [], ["秋", "の", "空", "は", "秋"]]


@pytest.mark.parametrize(("text", "runs"), [
    ("空が青い。赤い雨が降る。カラスが川で体を洗う。白い城が静かに沈む。", [1, 2, 3, 4]),
    ("学校から帰る。", [2]),  # ガッコウ folds to カ; the particle から is skipped
    ("赤い2つの雨。", [1]),  # the unreadable 2 breaks アカイ … アメ
    ("2025。", [0]),
])
def test_alliteration_runs(text, runs):
    r = Response(text)
    keys = initials(r)
    assert [alliteration_run(r.words[a:b], r.readings[a:b], keys[a:b]) for a, b in r.sentence_word_ranges] == runs


@pytest.mark.parametrize("keyword", POSITION_KEYWORDS)
def test_position_keywords_are_single_stable_nouns(keyword):
    assert single_noun(keyword)
