"""character (13): punctuation, whitespace, width, script and case (CATALOG.md, "character")."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from jfbench.catalog import PAYLOAD_FORMATS, Constraint, Example, Group, Verdict, register
from jfbench.ja import HAN, HIRAGANA, KATAKANA, Response, base_code_points, has_japanese

E = Example

# --- punctuation ----------------------------------------------------------------------------------

# Exempt spans for Western punctuation: URLs, e-mail addresses, dotted identifiers, inline code.
_EXEMPT_SPANS = regex.compile(
    r"`[^`\n]{1,2000}`|https?://[^\s<>「」『』（）()、。]{1,2000}"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,200}@[A-Za-z0-9.-]{1,250}|(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+"
)
_WESTERN_MARKS = regex.compile(r"[,.，．､｡]")
_ORDERED_MARKER = regex.compile(r"^[ \t]*[0-9]+\.(?=[ \t])", regex.MULTILINE)


def _code_free(response: Response) -> str:
    """T with fenced code lines blanked out (punctuation inside code is not prose)."""
    return "\n".join("" if fenced else line for line, fenced in zip(response.lines, response.fenced, strict=True))


def _western_punctuation(text: str) -> list[tuple[int, str]]:
    """Positions of `, . ， ． ､ ｡` used as punctuation (CATALOG.md exemptions applied)."""
    masked = _EXEMPT_SPANS.sub(lambda m: " " * len(m.group()), text)
    masked = _ORDERED_MARKER.sub(lambda m: " " * len(m.group()), masked)
    found = []
    for m in _WESTERN_MARKS.finditer(masked):
        i = m.start()
        between_digits = 0 < i < len(masked) - 1 and masked[i - 1].isdigit() and masked[i + 1].isdigit()
        if not (between_digits and m.group() in ",.，．"):
            found.append((i, m.group()))
    return found


def _context(text: str, i: int) -> str:
    return text[max(0, i - 8):i + 8].replace("\n", " ")


@register
class JapanesePunctuation(Constraint):
    id = "character.japanese_punctuation"
    group = Group.CHARACTER
    aliases = ("JapanesePunctuationConstraint",)
    train = True
    conflicts = ("format.csv", "format.json", "format.json_schema", "format.json_lines", "format.javascript*",
                 "format.python*", "format.citations", "style.english", "style.british_english",
                 "style.american_english", "character.romaji_only", "character.half_width")
    test_wording = ("句読点には「、」と「。」だけを使い、そのどちらかを少なくとも1回は使ってください。"
                    "「,」「.」「，」「．」や半角の「､」「｡」を句読点として使ってはいけません。ただし、3.14や1,000のように"
                    "数字にはさまれた記号、URL・メールアドレス・example.comのような英字表記やコードの中の記号、"
                    "行頭の「1. 」のような番号は構いません。")
    train_wordings = (
        "文の区切りには和文の句読点「、」「。」を用いてください。カンマやピリオド（, . ， ．）と半角の「､」「｡」は、数字の小数点・桁区切り、URLやメールアドレス、コードの中、行頭の「1. 」のような番号を除いて使わないこと。",
        "読点は「、」、句点は「。」で統一し、回答中で少なくとも一度は使ってください。半角・全角のカンマとピリオド、半角の「､」「｡」は句読点として使用禁止です（1,000や3.14のような数値、URL・メールアドレス・コードの中、「1. 」のような行頭の番号は可）。",
        "句読点は日本語の「、」「。」にそろえ、「,」「.」「，」「．」「､」「｡」を句読点代わりに使わないでください。「、」か「。」は最低1つ必要です。数字の中の記号（3.14など）、URL・メールアドレス・コード内の記号、行頭のリスト番号「1. 」は問題ありません。",
        "和文の句読点（、。）を使って書いてください。カンマ・ピリオド類（, . ， ． ､ ｡）で文を区切ってはいけません。ただし数値の中（2.5、10,000）、URL・メールアドレス・コードの中、行頭の「1. 」のような番号は例外です。",
        "回答中の句読点はすべて「、」と「。」にし、そのどちらかを必ず使ってください。「,」「.」「，」「．」と半角の「､」「｡」は区切りに使えませんが、3.5や10,000のような数字の表記、URLやメールアドレス、コード、行頭の「1. 」などの番号には使ってかまいません。",
    )
    examples = (
        E(response="今日は晴れです。明日は、雨が降るでしょう。", passed=True),
        E(response="円周率はおよそ3.14で、人口は約1,000人です。", passed=True),
        E(response="詳しくは https://example.com/a.html を見てください。", passed=True),
        E(response="手順は次のとおりです。\n1. 材料を切る。\n2. 炒める。", passed=True),
        E(response="今日は晴れです．明日は，雨が降るでしょう．", passed=False),
        E(response="今日は晴れです. 明日は雨です.", passed=False),
        E(response="結果は2024.", passed=False, note="a mark after a digit is still a period"),
        E(response="句読点のない文章です", passed=False, note="§EX: at least one 、 or 。"),
    )

    @staticmethod
    def _western(text: str) -> str | None:
        bad = _western_punctuation(text)
        if bad:
            i, mark = bad[0]
            return f"uses {mark!r} as punctuation near {_context(text, i)!r} ({len(bad)} in all)"
        return None

    def forced_text_problem(self, text: str) -> str | None:
        return self._western(text)

    def check(self, r: Response) -> Verdict:
        text = _code_free(r)
        bad = self._western(text)
        if bad:
            return self.fail(bad)
        if "、" not in text and "。" not in text:
            return self.fail("contains no 、 or 。")
        return self.ok("uses only 、 and 。 as punctuation")


@register
class NoCommas(Constraint):
    id = "character.no_commas"
    group = Group.CHARACTER
    aliases = ("NoCommasConstraint",)
    conflicts = ("format.csv", "format.json", "format.json_schema", "format.json_lines", "format.javascript*",
                 "format.python*", "format.citations", "ifbench_count.punctuation")
    test_wording = ("読点「、」（半角の「､」を含む）やカンマ「,」「，」を一切使わずに書いてください。"
                    "ただし、1,000のように数字と数字の間に入る桁区切りのカンマは構いません。")
    examples = (
        E(response="今日は晴れです。明日は雨が降るでしょう。", passed=True),
        E(response="参加者は1,000人を超えました。", passed=True),
        E(response="今日は晴れです。明日は、雨です。", passed=False),
        E(response="第3、次に進みます。", passed=False, note="a comma after a digit is still a comma"),
        E(response="りんご, みかん, ぶどうを買いました。", passed=False),
    )
    _COMMA = regex.compile(r"[、,，､]")

    def forced_text_problem(self, text: str) -> str | None:
        return self._comma(text)

    def _comma(self, t: str) -> str | None:
        for m in self._COMMA.finditer(t):
            i = m.start()
            if m.group() in ",，" and 0 < i < len(t) - 1 and t[i - 1].isdigit() and t[i + 1].isdigit():
                continue
            return f"uses {m.group()!r} near {_context(t, i)!r}"
        return None

    def check(self, r: Response) -> Verdict:
        bad = self._comma(r.text)
        if bad:
            return self.fail(bad)
        return self.ok("contains no comma")


@register
class NoJapanesePunctuation(Constraint):
    id = "character.no_japanese_punctuation"
    group = Group.CHARACTER
    aliases = ("NoJapanesePunctuationConstraint",)
    conflicts = ("ifbench_count.punctuation",)
    test_wording = "句読点「、」「。」（半角の「､」「｡」を含む）を一切使わずに書いてください。"
    examples = (
        E(response="今日は晴れです\n明日は雨が降るでしょう！", passed=True),
        E(response="答えは3です", passed=True),
        E(response="答えは3。", passed=False, note="no digit exemption"),
        E(response="今日は、晴れです", passed=False),
        E(response="ｵﾜﾘ｡", passed=False),
        E(response="！？", passed=False, note="needs at least one sentence"),
    )
    _MARKS = regex.compile(r"[、。､｡]")

    def forced_text_problem(self, text: str) -> str | None:
        return self._mark(text)

    def _mark(self, text: str) -> str | None:
        m = self._MARKS.search(text)
        return f"uses {m.group()!r} near {_context(text, m.start())!r}" if m else None

    def check(self, r: Response) -> Verdict:
        bad = self._mark(r.text)
        if bad:
            return self.fail(bad)
        if not r.sentences:
            return self.fail("contains no sentence")
        return self.ok("contains no 、 or 。")


# --- whitespace -----------------------------------------------------------------------------------

@register
class NoTrailingWhitespace(Constraint):
    id = "character.no_trailing_whitespace"
    group = Group.CHARACTER
    aliases = ("NoSuffixWhitespaceConstraint",)
    test_wording = "どの行の末尾にも空白（半角スペース、タブ、全角スペース）を残さず、回答の最後も空白や空行で終わらせないでください。"
    examples = (
        E(response="一行目です。\n二行目です。", passed=True),
        E(response="一行目です。\n二行目です。\n", passed=True, note="one final line break is allowed"),
        E(response="一行目です。 \n二行目です。", passed=False),
        E(response="一行目です。\n二行目です。\u3000", passed=False),
        E(response="一行目です。\n\n", passed=False, note="ends in a blank line"),
        E(response="値\t\n次の行", passed=False),
    )
    _TRAILING = regex.compile(r"[ \t\u3000]+\n")

    def check(self, r: Response) -> Verdict:
        raw = r.raw
        m = self._TRAILING.search(raw)
        if m:
            line_no = raw.count("\n", 0, m.start()) + 1
            return self.fail(f"line {line_no} ends with whitespace")
        body = raw[:-1] if raw.endswith("\n") else raw
        if body != body.rstrip():
            return self.fail("the answer ends with whitespace or blank lines")
        return self.ok("no trailing whitespace")


@register
class NoWhitespace(Constraint):
    id = "character.no_whitespace"
    group = Group.CHARACTER
    aliases = ("NoWhitespaceConstraint",)
    conflicts = (
        "length.line_breaks", "length.blank_lines", "length.sections",
        *(f for f in PAYLOAD_FORMATS if f not in {"format.json", "format.json_schema", "format.xml"}),
        "format.bullet_points", "format.citations", "format.markdown*", "format.numbered_list", "format.indent",
        "structure.*", "ifbench_format.*", "ifbench_words.paragraph_same_first_last",
        "processing.repeat_document", "processing.sort_sentences_*", "processing.split_document",
        "style.english", "style.british_english", "style.american_english", "character.romaji_only",
        "notation.title_case", "meta_output.explanation_at_end",
    )
    test_wording = "空白文字（半角・全角スペース、タブ、改行）を一切使わず、回答全体を一続きの一行で書いてください。"
    examples = (
        E(response="今日は晴れです。明日は雨でしょう。", passed=True),
        E(response="今日は晴れです。 明日は雨でしょう。", passed=False),
        E(response="今日は晴れです。\n明日は雨でしょう。", passed=False),
        E(response="今日は\u3000晴れです。", passed=False),
        E(response="今日は\u00a0晴れです。", passed=False, note="NBSP is whitespace"),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        if other.id == "length.paragraphs" and (getattr(other.params, "max", None) or 2) >= 2:
            return "no_whitespace allows one paragraph only"
        return None

    @staticmethod
    def _whitespace(text: str) -> str | None:
        for i, ch in enumerate(text):
            if ch.isspace():
                return f"contains whitespace U+{ord(ch):04X} at position {i + 1}"
        return None

    def forced_text_problem(self, text: str) -> str | None:
        return self._whitespace(text)

    def check(self, r: Response) -> Verdict:
        bad = self._whitespace(r.text)
        if bad:
            return self.fail(bad)
        return self.ok("contains no whitespace")


# --- width ----------------------------------------------------------------------------------------

def _first_offender(text: str, allowed_ws: str, ok_width: set[str], extra_ok: str = "") -> str | None:
    for ch in base_code_points(text):
        if ch.isspace():
            if ch not in allowed_ws:
                return ch
        elif unicodedata.east_asian_width(ch) not in ok_width and ch not in extra_ok:
            return ch
    return None


def _describe(ch: str) -> str:
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})"


@register
class FullWidth(Constraint):
    id = "character.full_width"
    group = Group.CHARACTER
    aliases = ("FullWidthCharacterConstraint",)
    train = True
    conflicts = (
        *PAYLOAD_FORMATS, "notation.halfwidth_digits", "notation.email", "notation.camel_case",
        "notation.snake_case", "notation.title_case", "character.half_width", "character.romaji_only",
        "character.lowercase", "character.uppercase", "style.english", "style.british_english",
        "style.american_english", "ifbench_format.sub_bullets", "ifbench_format.thesis_lines",
        "ifbench_format.staircase_indent",
    )
    test_wording = "すべて全角文字で書いてください。英数字や記号も全角（例：ＡＢＣ、１２３、！）にし、半角文字や半角カタカナ、半角スペースは使わないでください。"
    train_wordings = (
        "半角文字を一切使わず、全角文字だけで回答してください。アルファベットや数字、記号も全角にし、字間を空けるときは全角スペースを使います（改行は使えます）。",
        "回答は全角文字のみで構成してください（英字・数字・記号も全角。半角カナと半角スペースは禁止）。",
        "数字やアルファベットを含め、すべての文字を全角で書いてください。半角の英数字・記号・カタカナ・スペースは使えません。",
        "全角で統一して書いてください。たとえば「2025」は「２０２５」、「OK」は「ＯＫ」と表記し、半角スペースも使わないこと。",
        "出力に半角文字が一文字も入らないようにしてください。英数字・記号・カタカナは全角を使い、スペースが必要なら全角スペースにしてください。",
    )
    examples = (
        E(response="今日の気温は２５度です。ＯＫ！", passed=True),
        E(response="全角スペースは\u3000使えます。\n改行も可能です。", passed=True),
        E(response="今日の気温は25度です。", passed=False),
        E(response="ｶﾀｶﾅは半角です。", passed=False),
        E(response="今日は 晴れです。", passed=False, note="ASCII space"),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        # X2. The literals of format.sentence_delimiter, processing.prefix and processing.suffix are forced
        # texts: the sampler's P7 check runs forced_text_problem on them.
        p = other.params
        if other.id.startswith("format.") and not (
            (other.id == "format.bullet_points" and getattr(p, "marker", None) == "・")
            or other.id == "format.sentence_delimiter"
            or (other.id == "format.indent" and getattr(p, "unit", None) == "fullwidth_space")
        ):
            return "format syntax needs half-width characters"
        return None

    @staticmethod
    def _offender(text: str) -> str | None:
        bad = _first_offender(text, "\n\u3000", {"F", "W", "A"})
        return None if bad is None else f"contains the non-full-width character {_describe(bad)}"

    def forced_text_problem(self, text: str) -> str | None:
        return self._offender(text)

    def check(self, r: Response) -> Verdict:
        bad = self._offender(r.text)
        if bad is not None:
            return self.fail(bad)
        return self.ok("every character is full-width")


@register
class HalfWidth(Constraint):
    id = "character.half_width"
    group = Group.CHARACTER
    aliases = ("HalfWidthCharacterConstraint",)
    conflicts = (
        "character.hiragana_only", "character.kanji_only", "character.japanese_punctuation",
        "style.japanese", "style.polite", "style.plain", "style.past_tense", "style.present_tense",
        "style.taigendome", "style.*_tone", "style.*_emotion", "style.*_vocabulary", "style.no_typo",
        "style.first_person_*", "style.impersonal", "style.no_stage_directions", "meta_output.*",
        "notation.wareki_date", "notation.kanji_numerals", "notation.ruby", "ifbench_count.punctuation",
        "ifbench_words.special_mora", "ifbench_words.alternating_mora_parity", "ifbench_words.limited_vowels",
        "ifbench_words.palindromes", "ifbench_words.no_same_initial_adjacent",
        "ifbench_sentence.alliteration_increment", "ifbench_count.pronouns", "ifbench_count.conjunctions",
        "ifbench_count.person_names", "ifbench_ratio.stop_words",
    )
    test_wording = "すべて半角文字（半角英数字・記号・半角カタカナ）で書いてください。ひらがな、漢字、全角文字、全角スペースは使わないでください。"
    examples = (
        E(response="Hello, world! 1+1=2.", passed=True),
        E(response="ｺﾝﾆﾁﾊ｡ ｹﾞﾝｷﾃﾞｽｶ?", passed=True),
        E(response="He said “yes”.", passed=True, note="curly quotes are allowed"),
        E(response="Hello\u3000world", passed=False, note="U+3000 is full-width"),
        E(response="こんにちは", passed=False),
        E(response="ＡＢＣ", passed=False),
    )

    def param_conflict(self, other: Constraint) -> str | None:
        style = getattr(other.params, "style", None)
        if other.id == "notation.yen_amount" and style == "suffix":
            return "the 円 suffix is not half-width"
        if other.id == "notation.date_ymd" and style == "YYYY年MM月DD日":
            return "年月日 are not half-width"
        if other.id == "length.sections" and getattr(other.params, "marker", None) in {"bracket", "numbered"}:
            return "section markers need full-width characters"
        return None

    @staticmethod
    def _offender(text: str) -> str | None:
        bad = _first_offender(text, " \t\n", {"Na", "H"}, extra_ok="“”‘’")
        return None if bad is None else f"contains the non-half-width character {_describe(bad)}"

    def forced_text_problem(self, text: str) -> str | None:
        return self._offender(text)

    def check(self, r: Response) -> Verdict:
        bad = self._offender(r.text)
        if bad is not None:
            return self.fail(bad)
        return self.ok("every character is half-width")


# --- scripts --------------------------------------------------------------------------------------

_ARABIC_NUMBER_IDS = (
    "notation.decimal_places", "notation.rounding", "notation.digit_grouping", "notation.postal_code_*",
    "notation.phone_*", "notation.date_ymd", "notation.time_24h", "notation.yen_amount", "notation.zero_padding",
    "notation.si_units", "ifbench_count.numbers", "processing.statistic", "format.numbered_list",
    "notation.halfwidth_digits", "notation.no_kanji_numerals",
)
_LATIN_IDS = (
    "notation.email", "notation.camel_case", "notation.snake_case", "notation.title_case", "notation.si_units",
    "character.lowercase", "character.uppercase", "style.english", "style.british_english",
    "style.american_english", "style.no_japanese",
)
_SCRIPT_ONLY_CONFLICTS = (
    *_ARABIC_NUMBER_IDS, *_LATIN_IDS,
    *(f for f in PAYLOAD_FORMATS if f not in {"format.csv", "format.tsv", "format.json", "format.json_lines",
                                             "format.yaml", "format.markdown_table"}),
    "format.markdown_links_images", "format.markdown_reference_links", "format.citations", "notation.ruby",
    "ifbench_format.thesis_lines",
)
_LETTER_OR_NUMBER = regex.compile(r"[\p{L}\p{N}]")


@lru_cache(maxsize=8)
def _script_patterns(allowed: str) -> tuple[regex.Pattern, regex.Pattern]:
    return regex.compile(rf"(?![{allowed}])[\p{{L}}\p{{N}}]"), regex.compile(rf"[{allowed}]")


def _other_script(text: str, allowed: str, name: str) -> str | None:
    """The forbidding side of a script-only rule: a letter or digit outside `allowed`."""
    bad = _script_patterns(allowed)[0].search(text)
    return f"contains {_describe(bad.group())}, which is not {name}" if bad else None


def _script_check(c: Constraint, r: Response, allowed: str, name: str) -> Verdict:
    bad = _other_script(r.text, allowed, name)
    if bad:
        return c.fail(bad)
    if not _script_patterns(allowed)[1].search(r.text):
        return c.fail(f"contains no {name}")
    return c.ok(f"every letter and digit is {name}")


@register
class HiraganaOnly(Constraint):
    id = "character.hiragana_only"
    group = Group.CHARACTER
    aliases = ("HiraganaCharacterConstraint",)
    train = True
    conflicts = (*_SCRIPT_ONLY_CONFLICTS, "notation.kanji_numerals", "notation.wareki_date")
    test_wording = "ひらがなだけで書いてください。漢字・カタカナ・アルファベット・数字は使わず、数もひらがなで書いてください（長音符「ー」と句読点・記号は使えます）。"
    train_wordings = (
        "回答はすべてひらがなで書いてください。漢字やカタカナ、英字、数字は使用せず、数はひらがなで表してください。記号や句読点は使ってかまいません。",
        "文字はひらがなのみを使ってください。ほかの文字（漢字・カタカナ・ローマ字・数字）は禁止で、「３」なら「さん」のように書きます。",
        "ひらがな以外の文字（漢字、カタカナ、英数字）を使わずに答えてください。句読点や「ー」は使用できます。",
        "小さな子どもにも読めるよう、ひらがなだけで回答してください。数字や英字、カタカナ、漢字は使わないこと。",
        "全文をひらがな表記にしてください。漢字・カタカナ・アルファベット・算用数字は一つも含めず、数字はひらがなで書いてください。",
    )
    examples = (
        E(response="きょうは　いい　てんきですね。", passed=True),
        E(response="らーめんを　みっつ　たべました！", passed=True),
        E(response="きょうは いい てんき。😀", passed=True),
        E(response="今日はいい天気ですね。", passed=False),
        E(response="らーめんを3つたべました。", passed=False),
        E(response="Hello world.", passed=False, note="English is not hiragana"),
        E(response="カタカナです。", passed=False),
        E(response="！？。", passed=False, note="needs at least one hiragana"),
    )

    def forced_text_problem(self, text: str) -> str | None:
        return _other_script(text, HIRAGANA, "hiragana")

    def check(self, r: Response) -> Verdict:
        return _script_check(self, r, HIRAGANA, "hiragana")


@register
class KanjiOnly(Constraint):
    id = "character.kanji_only"
    group = Group.CHARACTER
    aliases = ("KanjiCharacterConstraint",)
    conflicts = _SCRIPT_ONLY_CONFLICTS
    test_wording = ("漢字だけで書いてください。ひらがな・カタカナ・アルファベット・算用数字は使わず、"
                    "数は漢数字で書いてください（「々」と句読点・記号は使えます）。")
    examples = (
        E(response="人々幸福。", passed=True),
        E(response="本日晴天、気温二十五度。", passed=True),
        E(response="今日は晴れ。", passed=False),
        E(response="気温25度。", passed=False),
        E(response="Kanji only.", passed=False),
        E(response="。、！", passed=False),
    )

    def forced_text_problem(self, text: str) -> str | None:
        return _other_script(text, HAN, "kanji")

    def check(self, r: Response) -> Verdict:
        return _script_check(self, r, HAN, "kanji")


@register
class KatakanaOnly(Constraint):
    id = "character.katakana_only"
    group = Group.CHARACTER
    aliases = ("KatakanaCharacterConstraint",)
    conflicts = (*_SCRIPT_ONLY_CONFLICTS, "notation.kanji_numerals", "notation.wareki_date")
    test_wording = "カタカナだけで書いてください。ひらがな・漢字・アルファベット・数字は使わず、数もカタカナで書いてください（「ー」「・」と句読点・記号は使えます）。"
    examples = (
        E(response="キョウハ　イイ　テンキデス。", passed=True),
        E(response="ヴァイオリンヲ・ミッツ・カイマシタ。ヶ", passed=True),
        E(response="ｶﾀｶﾅ ﾃﾞｽ", passed=True, note="half-width katakana is katakana"),
        E(response="キョウハ　いい　テンキ。", passed=False),
        E(response="ミッツ3ツ", passed=False),
        E(response="Katakana.", passed=False),
    )

    def forced_text_problem(self, text: str) -> str | None:
        return _other_script(text, KATAKANA, "katakana")

    def check(self, r: Response) -> Verdict:
        return _script_check(self, r, KATAKANA, "katakana")


# --- case and romaji -------------------------------------------------------------------------------

_LATIN = regex.compile(r"\p{sc=Latin}")


@register
class Lowercase(Constraint):
    id = "character.lowercase"
    group = Group.CHARACTER
    aliases = ("LowercaseCharacterConstraint",)
    conflicts = ("notation.camel_case", "notation.title_case")
    test_wording = ("アルファベットはすべて小文字で書き、大文字は使わないでください（全角の「Ａ」やアクセント付きの「É」のような大文字も不可）。"
                    "回答にはアルファベットを少なくとも1文字含めてください。")
    examples = (
        E(response="python は便利な言語です。", passed=True),
        E(response="ｐｙｔｈｏｎ と café。", passed=True),
        E(response="Python は便利な言語です。", passed=False),
        E(response="ｐｙｔｈｏＮ です。", passed=False, note="full-width capital"),
        E(response="Élan です。", passed=False, note="accented capital"),
        E(response="英単語を含まない回答です。", passed=False, note="needs a Latin letter"),
    )

    @staticmethod
    def _capital(text: str) -> str | None:
        upper = next((c for c in _LATIN.findall(text) if c.isupper()), None)
        return None if upper is None else f"contains the capital letter {upper!r}"

    def forced_text_problem(self, text: str) -> str | None:
        return self._capital(text)

    def check(self, r: Response) -> Verdict:
        letters = _LATIN.findall(r.text)
        bad = self._capital(r.text)
        if bad:
            return self.fail(bad)
        if not any(c.isalpha() for c in letters):
            return self.fail("contains no Latin letter")
        return self.ok("every Latin letter is lower-case")


@register
class Uppercase(Constraint):
    id = "character.uppercase"
    group = Group.CHARACTER
    aliases = ("UppercaseCharacterConstraint",)
    conflicts = ("notation.camel_case", "notation.snake_case", "notation.title_case", "format.python*",
                 "format.javascript*", "format.latex*", "format.json_schema")
    test_wording = ("アルファベットはすべて大文字で書き、小文字は使わないでください（全角の「ａ」やアクセント付きの「é」のような小文字も不可）。"
                    "回答にはアルファベットを少なくとも1文字含めてください。")
    examples = (
        E(response="NASA と JAXA の協力。", passed=True),
        E(response="ＡＰＩ と ÉLAN。", passed=True),
        E(response="Nasa と JAXA。", passed=False),
        E(response="ＡＰｉ です。", passed=False, note="full-width lower-case"),
        E(response="ÉLAn です。", passed=False),
        E(response="大文字なし。", passed=False, note="needs a Latin letter"),
    )

    @staticmethod
    def _small(text: str) -> str | None:
        lower = next((c for c in _LATIN.findall(text) if c.islower()), None)
        return None if lower is None else f"contains the lower-case letter {lower!r}"

    def forced_text_problem(self, text: str) -> str | None:
        return self._small(text)

    def check(self, r: Response) -> Verdict:
        letters = _LATIN.findall(r.text)
        bad = self._small(r.text)
        if bad:
            return self.fail(bad)
        if not any(c.isalpha() for c in letters):
            return self.fail("contains no Latin letter")
        return self.ok("every Latin letter is upper-case")


# Syllables of Hepburn, Kunrei and Nihon-shiki spellings (after long vowels are folded).
_ROMAJI_SYLLABLE = (
    r"(?:[aiueo]"
    r"|(?:ky|gy|sh|sy|zy|j|jy|ch|cy|ty|dy|ny|hy|by|py|my|ry)[aueo]|(?:sh|j|ch)i"
    r"|ts?u|fu|dz?u|tu|du|zu|su"
    r"|[kgsztdnhbpmr][aiueo]|f[aiueo]|w[aiueo]|y[aueo]|v[aiueo]"
    r"|n'?(?![aiueoy])|n'(?=[aiueoy]))"
)
_ROMAJI_WORD = regex.compile(rf"(?:(?:([kgsztdhbpmrfjcw])(?=\1)|t(?=ch))?{_ROMAJI_SYLLABLE})+")
_NON_LATIN_LETTER = regex.compile(r"(?!\p{sc=Latin})\p{L}")
_WORD_BREAK = regex.compile(r"[^\p{L}'’]+|-")
_LETTER = regex.compile(r"\p{L}")
_LONG_VOWELS = str.maketrans("āīūēôâîûêōÂÎÛÊÔĀĪŪĒŌ", "aiueoaiueoaiueoaiueo")


@register
class RomajiOnly(Constraint):
    id = "character.romaji_only"
    group = Group.CHARACTER
    aliases = ("RomajiCharacterConstraint",)
    conflicts = (
        "character.japanese_punctuation", "style.japanese", "style.polite", "style.plain", "style.taigendome",
        "style.past_tense", "style.present_tense", "style.no_english", "notation.kanji_numerals",
        "notation.ruby", "notation.wareki_date", "ifbench_words.special_mora",
        "ifbench_words.alternating_mora_parity", "ifbench_words.limited_vowels", "ifbench_words.palindromes",
        "ifbench_words.no_same_initial_adjacent", "ifbench_sentence.alliteration_increment",
        "ifbench_count.pronouns", "ifbench_count.conjunctions", "ifbench_count.person_names",
        "ifbench_ratio.stop_words", *PAYLOAD_FORMATS,
    )
    test_wording = ("日本語をローマ字だけで書いてください。つづりはヘボン式・訓令式・日本式のどれでも構いません。"
                    "長音は「Tōkyō」「Tôkyô」のように記号付きの母音で表すか、「okaasan」「toukyou」のように母音を続けて書きます。"
                    "かなや漢字は使わず、英単語やアルファベットの略語も使わないでください（外来語も日本語の読みどおりにローマ字で書きます）。")
    examples = (
        E(response="Kyou wa ii tenki desu ne.", passed=True),
        E(response="watasi wa tukue no ue ni hon o okimasita.", passed=True, note="Kunrei spelling"),
        E(response="Tōkyō e ikimashita. Kin'yōbi deshita.", passed=True),
        E(response="Gakkou de benkyou shimasu.", passed=True),
        E(response="I like sushi very much.", passed=False, note="English words"),
        E(response="Kyou wa 晴れ desu.", passed=False),
        E(response="123 456", passed=False, note="needs a romaji word"),
    )

    @staticmethod
    def _not_romaji(text: str) -> tuple[str | None, list[str]]:
        """(why the text breaks the rule or None, its words): kana, kanji, other letters, non-romaji words."""
        if has_japanese(text):
            return "contains kana or kanji", []
        letters = _NON_LATIN_LETTER.search(text)
        if letters:
            return f"contains the non-Latin letter {letters.group()!r}", []
        words = [w for w in _WORD_BREAK.split(text) if _LETTER.search(w)]
        for word in words:
            plain = unicodedata.normalize("NFKC", word).translate(_LONG_VOWELS)
            plain = "".join(c for c in unicodedata.normalize("NFD", plain) if not unicodedata.combining(c))
            plain = plain.casefold().replace("’", "'").strip("'")
            if not _ROMAJI_WORD.fullmatch(plain):
                return f"{word!r} is not a romanised Japanese word", words
        return None, words

    def forced_text_problem(self, text: str) -> str | None:
        return self._not_romaji(text)[0]

    def check(self, r: Response) -> Verdict:
        bad, words = self._not_romaji(r.text)
        if bad:
            return self.fail(bad)
        if not words:
            return self.fail("contains no romaji word")
        return self.ok(f"all {len(words)} words are romaji")
