"""Language: english, japanese, no_english, no_japanese (hybrid) and british_english, american_english (judge).

Script tests look at code points (§C): kana and kanji are the Hiragana, Katakana and Han scripts plus ー,
々, 〆 and 〇 (jfbench.ja.KANA_OR_KANJI); a Latin letter is a letter (L*) of the Latin script, ASCII or
full-width (Ａ, ｂ), so Roman numerals such as Ⅱ are not letters.
"""

from __future__ import annotations

import regex

from jfbench.catalog import Example, Kind, Verdict, register
from jfbench.ja import KANA_OR_KANJI, Response

from ._shared import StyleConstraint

E = Example

_LETTER = regex.compile(r"\p{L}")
_LATIN = regex.compile(r"[\p{sc=Latin}&&\p{L}]", regex.V1)
_JAPANESE_LETTER = regex.compile(r"[[\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Han}ー]&&\p{L}]", regex.V1)
_HIRAGANA = regex.compile(r"\p{sc=Hiragana}")
_INLINE_CODE = regex.compile(r"`[^`\n]{1,2000}`")
_URL = regex.compile(r"https?://[^\s<>「」『』（）()、。]{1,2000}|www\.[A-Za-z0-9.-]{1,250}[^\s<>「」『』（）()、。]{0,2000}")
ENGLISH_MIN_LATIN = 0.9
JAPANESE_MIN_SHARE = 0.7
_LATIN_RUN = regex.compile(r"[\p{sc=Latin}&&\p{L}]+", regex.V1)
_ENGLISH_SIDE = ("style.english", "style.british_english", "style.american_english", "style.no_japanese")
# X9: ids that need Japanese readings or UniDic POS on Japanese text.
READING_IDS = (
    "ifbench_words.special_mora", "ifbench_words.alternating_mora_parity", "ifbench_words.limited_vowels",
    "ifbench_words.palindromes", "ifbench_words.no_same_initial_adjacent", "ifbench_sentence.alliteration_increment",
    "ifbench_count.pronouns", "ifbench_count.conjunctions", "ifbench_count.person_names", "ifbench_ratio.stop_words",
)


def _where(text: str, i: int) -> str:
    return text[max(0, i - 10):i + 10].replace("\n", " ")


def _prose(r: Response) -> str:
    """T without fenced code, inline code and URLs: the text whose language `style.japanese` reads."""
    text = "\n".join("" if fenced else line for line, fenced in zip(r.lines, r.fenced, strict=True))
    if "`" in text:
        text = _INLINE_CODE.sub(" ", text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    return text


# --- English --------------------------------------------------------------------------------------

@register
class English(StyleConstraint):
    id = "style.english"
    kind = Kind.HYBRID
    rubric = "style_english"
    aliases = ("EnglishStyleConstraint",)
    train = True
    conflicts = ("style.japanese", "style.no_english", "style.british_english", "style.american_english",
                 "style.no_japanese", *READING_IDS, "ifbench_format.one_word_per_line")
    test_wording = (
        "回答はすべて自然な英語で書いてください。ひらがな・カタカナ・漢字は一文字も使わず、日本の人名や地名を書くときは"
        "ローマ字（例：Tokyo、Tanaka）にしてください。"
    )
    train_wordings = (
        "英語だけで回答してください。ひらがな・カタカナ・漢字を含めてはいけません。日本の地名や人名はローマ字（Kyoto、Suzuki など）で書いてください。",
        "回答の言語は英語とします。文章全体を自然な英文で書き、日本語の文字（かな・漢字）は一文字も使わないでください。固有名詞もローマ字で表記してください。",
        "日本語ではなく英語で答えてください。かな・漢字が一文字でも入っていれば不可です。日本語の名前や地名はローマ字（例：Osaka）に置き換えてください。",
        "全文を英語で書いてください。ひらがな、カタカナ、漢字は使用禁止で、文字はほぼすべてアルファベットになるようにしてください。日本の固有名詞はローマ字で構いません。",
        "英語を母語とする人が読んで自然な英文で回答してください。日本語の文字（ひらがな・カタカナ・漢字）は使わず、日本特有の名前はローマ字で綴ってください。",
    )
    examples = (
        E(response="The rainy season in Japan, called tsuyu, usually starts in early June and lasts about six weeks.",
          passed=True, note="a romaji term is allowed"),
        E(response="Mount Fuji is 3,776 m high. Most climbers start from the fifth station!", passed=True),
        E(response="The rainy season in Japan is called 梅雨 (tsuyu).", passed=False, note="kanji"),
        E(response="日本の梅雨は6月に始まります。", passed=False),
        E(response="Привет! Это ответ по-русски, not English.", passed=False, note="under 90 % Latin letters"),
        E(response="— 2024 —", passed=False, note="no sentence with a letter"),
    )

    def check(self, r: Response) -> Verdict:
        m = KANA_OR_KANJI.search(r.text)
        if m:
            return self.fail(f"contains the Japanese character {m.group()!r} near {_where(r.text, m.start())!r}")
        letters = len(_LETTER.findall(r.text))
        if not letters:
            return self.fail("contains no letters")
        latin = len(_LATIN.findall(r.text))
        if latin < ENGLISH_MIN_LATIN * letters:
            return self.fail(f"{latin} of {letters} letters are Latin ({latin / letters:.0%}), needs at least 90%")
        if not r.sentences:
            return self.fail("contains no sentence")
        return self.ok(f"no kana or kanji; {latin / letters:.0%} of letters are Latin")


_BRITISH_EXAMPLE = ("The colour of the autumn leaves in Kyoto is at its best in late November, so I'd recommend "
                    "organising your trip around then and booking a centrally located flat.")
_AMERICAN_EXAMPLE = ("The color of the fall leaves in Kyoto is at its best in late November, so I'd recommend "
                     "organizing your trip around then and booking a centrally located apartment.")


@register
class BritishEnglish(StyleConstraint):
    id = "style.british_english"
    kind = Kind.JUDGE
    rubric = "style_british_english"
    aliases = ("BritishEnglishStyleConstraint",)
    conflicts = ("style.english", "style.american_english", "style.no_japanese", "style.japanese", "style.no_english",
                 *READING_IDS, "ifbench_format.one_word_per_line")
    test_wording = (
        "回答はイギリス英語で書いてください。綴り（colour、organise、centre など）や語彙（flat、lift、autumn など）を"
        "イギリス式にそろえ、アメリカ式の綴りや言い回しを混ぜないでください。ひらがな・カタカナ・漢字は使わないでください。"
    )
    examples = (
        E(response=_BRITISH_EXAMPLE, passed=True),
        E(response="We travelled by train and stopped at the theatre before catching the lift to the flat.", passed=True),
        E(response=_AMERICAN_EXAMPLE, passed=False, note="American spelling and vocabulary"),
        E(response="The colour was lovely, and we organized a tour of the center.", passed=False,
          note="mixed spellings"),
        E(response="京都の紅葉は11月下旬が見頃です。", passed=False, note="not English"),
    )


@register
class AmericanEnglish(StyleConstraint):
    id = "style.american_english"
    kind = Kind.JUDGE
    rubric = "style_american_english"
    aliases = ("AmericanEnglishStyleConstraint",)
    conflicts = ("style.english", "style.british_english", "style.no_japanese", "style.japanese", "style.no_english",
                 *READING_IDS, "ifbench_format.one_word_per_line")
    test_wording = (
        "回答はアメリカ英語で書いてください。綴り（color、organize、center など）や語彙（apartment、elevator、fall など）を"
        "アメリカ式にそろえ、イギリス式の綴りや言い回しを混ぜないでください。ひらがな・カタカナ・漢字は使わないでください。"
    )
    examples = (
        E(response=_AMERICAN_EXAMPLE, passed=True),
        E(response="We traveled by subway, grabbed some cookies, and took the elevator up to our apartment.",
          passed=True),
        E(response=_BRITISH_EXAMPLE, passed=False, note="British spelling and vocabulary"),
        E(response="The color was lovely, and we organised a tour of the centre.", passed=False,
          note="mixed spellings"),
        E(response="京都の紅葉は11月下旬が見頃です。", passed=False, note="not English"),
    )


@register
class NoJapanese(StyleConstraint):
    id = "style.no_japanese"
    kind = Kind.HYBRID
    rubric = "style_no_japanese"
    aliases = ("NoJapaneseStyleConstraint",)
    conflicts = ("style.japanese", "style.no_english", "style.english", *READING_IDS,
                 "ifbench_format.one_word_per_line")
    test_wording = "日本語の文字（ひらがな・カタカナ・漢字）を一文字も使わずに回答してください。"
    examples = (
        E(response="Tokyo is the capital of Japan.", passed=True),
        E(response="Sushi, ramen, tempura — 3 dishes to try! 🍣", passed=True),
        E(response="Tokyo（東京）is the capital of Japan.", passed=False, note="kanji"),
        E(response="Try the ラーメン in Sapporo.", passed=False, note="katakana"),
        E(response="The long-vowel mark ー is used in loanwords.", passed=False, note="ー counts as kana"),
        E(response="ｻｯﾎﾟﾛ is in Hokkaido.", passed=False, note="half-width katakana"),
    )

    @staticmethod
    def _japanese(text: str) -> str | None:
        m = KANA_OR_KANJI.search(text)
        return f"contains the Japanese character {m.group()!r} near {_where(text, m.start())!r}" if m else None

    def forced_text_problem(self, text: str) -> str | None:
        return self._japanese(text)

    def check(self, r: Response) -> Verdict:
        bad = self._japanese(r.text)
        if bad:
            return self.fail(bad)
        return self.ok("contains no kana or kanji")


# --- Japanese -------------------------------------------------------------------------------------

@register
class Japanese(StyleConstraint):
    id = "style.japanese"
    kind = Kind.HYBRID
    rubric = "style_japanese"
    aliases = ("JapaneseStyleConstraint",)
    train = True
    conflicts = _ENGLISH_SIDE
    test_wording = (
        "自然な日本語で回答してください。専門用語・固有名詞・コード・記号・絵文字に英字を使うのは構いませんが、文章そのものは"
        "日本語（ひらがな・カタカナ・漢字）で書き、英語の文で答えないでください。"
    )
    train_wordings = (
        "回答は日本語で書いてください。英語の文章で答えるのは不可ですが、製品名・専門用語・コードなどにアルファベットが混ざるのは問題ありません。",
        "日本語を使って自然な文章で答えてください。本文はひらがな・カタカナ・漢字を中心に書き、英語で説明しないこと（固有名詞や用語、コード、URLの英字は可）。",
        "日本語で回答すること。英文での回答や、大半が英語の回答は認めません。用語・名称・コード・記号・絵文字はそのまま使って構いません。",
        "言語は日本語でお願いします。文の大部分をかな・漢字で書き、途中で英語に切り替えないでください。API名や人名などのアルファベット表記はそのままで大丈夫です。",
        "自然な日本語の文章で答えてください。英語で書かれた文章は不合格です。ただし、英字の固有名詞・専門用語・プログラムコード・URL・記号・絵文字は使用できます。",
    )
    examples = (
        E(response="梅雨は、6月ごろから7月中旬にかけて雨の多い時期のことです。", passed=True),
        E(response="PythonではリストをJSONに変換するとき、`json.dumps(data, ensure_ascii=False)` を使います。\n"
                   "```python\nimport json\nprint(json.dumps({'name': 'Taro', 'items': [1, 2, 3]}))\n```\n"
                   "詳しくは https://docs.python.org/3/library/json.html を参照してください。", passed=True,
          note="code and URLs are not read"),
        E(response="The rainy season in Japan is called tsuyu.", passed=False, note="English"),
        E(response="The rainy season is called 梅雨 and it lasts about six weeks in most regions of Japan.",
          passed=False, note="mostly Latin letters"),
        E(response="はい、わかりました。The rainy season in Japan usually lasts about six weeks.", passed=False,
          note="kana and kanji are under 70 % of letters"),
        E(response="カタカナ　ノ　ミ　デ　カイタ　ブン", passed=False, note="no hiragana"),
        E(response="1234 + 5678 = 6912", passed=False, note="no hiragana"),
    )

    def check(self, r: Response) -> Verdict:
        text = _prose(r)
        if not _HIRAGANA.search(text):
            return self.fail("contains no hiragana outside code and URLs")
        # A Latin word (iPhone, ChatGPT) counts as one letter: the wording allows Latin terms and names, so a
        # share by code points would fail natural technical Japanese; English sentences still fall far short.
        folded = _LATIN_RUN.sub("A", text)
        letters = len(_LETTER.findall(folded))
        japanese = len(_JAPANESE_LETTER.findall(folded))
        if japanese < JAPANESE_MIN_SHARE * letters:
            return self.fail(f"kana and kanji are {japanese} of {letters} letters ({japanese / letters:.0%}, each Latin "
                             "word counted once) outside code and URLs, needs at least 70%")
        return self.ok(f"kana and kanji are {japanese / letters:.0%} of letters outside code and URLs")


@register
class NoEnglish(StyleConstraint):
    id = "style.no_english"
    kind = Kind.HYBRID
    rubric = "style_no_english"
    aliases = ("NoEnglishStyleConstraint",)
    train = True
    conflicts = _ENGLISH_SIDE
    test_wording = (
        "英字（アルファベット）を一文字も使わずに書いてください。半角の A〜Z・a〜z だけでなく、全角の英字も使えません。"
        "英語の用語や略語は、カタカナや日本語に言い換えてください（例：「AI」ではなく「人工知能」）。"
    )
    train_wordings = (
        "回答にアルファベットを含めないでください（半角・全角とも不可）。英単語や略称は、カタカナ表記か日本語訳に置き換えてください。",
        "英語の単語・文字を使わずに回答してください。A〜Z、a〜zのラテン文字は、全角で書いたものも含めて一切禁止です。",
        "ラテン文字（英字）が一文字も出てこない文章にしてください。製品名や専門用語もカタカナや漢字で書き、全角英字での表記も避けてください。",
        "英字を使用しないこと。URL、略語、単位記号（km、kg など）も英字なので使わず、「キロメートル」のように日本語で書いてください。",
        "英語表記を完全に排除して書いてください。半角・全角を問わずアルファベットを使ってはいけません。必要な用語はカタカナや和訳で表してください。",
    )
    examples = (
        E(response="人工知能の活用は、医療や教育の分野でも広がっています。", passed=True),
        E(response="東京から大阪までは約500キロメートルです。Ⅲ号車に乗ってください。", passed=True,
          note="digits and the Roman numeral Ⅲ are not letters"),
        E(response="AIの活用は、医療や教育の分野でも広がっています。", passed=False),
        E(response="東京から大阪までは約500kmです。", passed=False, note="a unit symbol is Latin"),
        E(response="ＳＮＳの利用者は増え続けています。", passed=False, note="full-width Latin"),
        E(response="詳しくは公式サイトをご覧ください。\n```\nprint(1)\n```", passed=False, note="code is read too"),
    )

    @staticmethod
    def _latin(text: str) -> str | None:
        m = _LATIN.search(text)
        return f"contains the Latin letter {m.group()!r} near {_where(text, m.start())!r}" if m else None

    def forced_text_problem(self, text: str) -> str | None:
        return self._latin(text)

    def check(self, r: Response) -> Verdict:
        bad = self._latin(r.text)
        if bad:
            return self.fail(bad)
        return self.ok("contains no Latin letters")
