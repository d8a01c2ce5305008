"""notation: camelCase, snake_case and Title Case identifiers, and ruby (furigana) annotations."""

from __future__ import annotations

import random
from typing import Any, Literal

import regex
from pydantic import Field

from jfbench.catalog import Constraint, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import HAN, Response

from ._common import READABLE_ONLY_IDS

E = Example

# --- camelCase and snake_case (§N Latin-token lookarounds) ------------------------------------------
# Possessive quantifiers: a maximal identifier either passes the lookahead or no shorter one can, and
# without them a 200k-character "AbAb…_" backtracks for over a second.

_CAMEL = {
    "upper": regex.compile(r"(?<![A-Za-z0-9_])[A-Z][a-z0-9]++(?:[A-Z][a-z0-9]++)++(?![A-Za-z0-9_])"),
    "lower": regex.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*+(?:[A-Z][a-z0-9]++)++(?![A-Za-z0-9_])"),
}
_CAMEL_FORMS = {
    "upper": "先頭も大文字のUpperCamelCase（PascalCase。例：UserName、HttpClient）",
    "lower": "先頭が小文字のlowerCamelCase（例：userName、httpClient）",
}
_SNAKE = regex.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*+(?:_[a-z0-9]++)++(?![A-Za-z0-9_])")


@register
class CamelCase(Constraint):
    id = "notation.camel_case"
    group = Group.NOTATION
    aliases = ("CamelcaseNotationConstraint",)
    conflicts = READABLE_ONLY_IDS

    # JFBench's class has no kwargs and required UpperCamelCase, so alias calls get variant = upper.
    class Params(ParamsBase):
        variant: Literal["upper", "lower"] = "upper"
        min_identifiers: int = Field(default=1, ge=1, le=10)

    test_wording = ("{form}で書いた英字の識別子を、互いに異なるものを{min_identifiers}つ以上含めてください"
                    "（2語以上をつなぎ、2語目以降は各語の先頭を大文字にした形です。アンダースコアは使わず、"
                    "「HTTPClient」「getURL」のように大文字を続けるのも不可です）。")
    examples = (
        E(response="これはMyWordです。", passed=True, note="anchor defect: glued text failed"),
        E(response="クラス名はUserAccountとHttpClient2にします。", passed=True,
          params={"variant": "upper", "min_identifiers": 2}),
        E(response="変数userNameとitemCountを使います。", passed=True, params={"variant": "lower", "min_identifiers": 2}),
        E(response="クラス名はuserAccountにします。", passed=False, note="lowerCamel when upper is asked"),
        E(response="クラス名はUser_Accountにします。", passed=False),
        E(response="クラス名はUSERにします。", passed=False),
        E(response="変数UserNameを使います。", passed=False, params={"variant": "lower", "min_identifiers": 1}),
        E(response="変数userNameを、もう一度userNameとして使います。", passed=False,
          params={"variant": "lower", "min_identifiers": 2}, note="identifiers must be distinct"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(variant=rng.choice(["upper", "lower"]), min_identifiers=rng.randint(1, 3))

    def display(self) -> dict[str, str]:
        return {"form": _CAMEL_FORMS[self.params.variant]}

    def check(self, r: Response) -> Verdict:
        found = set(_CAMEL[self.params.variant].findall(r.folded))
        need = self.params.min_identifiers
        if len(found) < need:
            return self.fail(f"{len(found)} distinct {self.params.variant} camel-case identifiers, needs {need}")
        return self.ok(f"{len(found)} distinct camel-case identifiers such as {sorted(found)[0]}")


@register
class SnakeCase(Constraint):
    id = "notation.snake_case"
    group = Group.NOTATION
    aliases = ("SnakecaseNotationConstraint",)
    conflicts = READABLE_ONLY_IDS

    class Params(ParamsBase):
        min_identifiers: int = Field(default=1, ge=1, le=10)

    test_wording = ("snake_case（小文字の英字で始まり、小文字の英数字をアンダースコアでつないだ形。例：user_name、"
                    "max_count）の識別子を、互いに異なるものを{min_identifiers}つ以上含めてください。")
    examples = (
        E(response="変数my_varを使います。", passed=True, note="anchor defect: glued text failed"),
        E(response="関数get_user_nameとretry_count_2を定義します。", passed=True, params={"min_identifiers": 2}),
        E(response="変数myVarを使います。", passed=False),
        E(response="変数My_Varを使います。", passed=False, note="upper-case letters are not snake_case"),
        E(response="変数_tmpを使います。", passed=False, note="must start with a letter and join parts"),
        E(response="変数my_varと、再びmy_varを使います。", passed=False, params={"min_identifiers": 2},
          note="identifiers must be distinct"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_identifiers=rng.randint(1, 3))

    def check(self, r: Response) -> Verdict:
        found = set(_SNAKE.findall(r.folded))
        need = self.params.min_identifiers
        if len(found) < need:
            return self.fail(f"{len(found)} distinct snake_case identifiers, needs {need}")
        return self.ok(f"{len(found)} distinct snake_case identifiers such as {sorted(found)[0]}")


# --- Title Case ----------------------------------------------------------------------------------

_MINOR_WORDS = frozenset("a an the and but or nor for of in on at to by as with".split())
_LATIN = r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
# An English word: a run of Latin letters (inner apostrophes allowed). Runs glued to a digit or "_"
# (5km, 3rd, my_var) are units or identifiers, not English words.
_WORD = regex.compile(rf"(?<![{_LATIN}0-9_])[{_LATIN}]++(?:['’][{_LATIN}]++)*+(?![{_LATIN}0-9_])")
_NOT_PROSE = regex.compile(
    r"https?://[^\s<>「」『』（）()、。]{1,2000}|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,200}@[A-Za-z0-9.\-]{1,250}"
)


@register
class TitleCase(Constraint):
    id = "notation.title_case"
    group = Group.NOTATION
    aliases = ("TitlecaseNotationConstraint",)
    conflicts = READABLE_ONLY_IDS
    test_wording = ("英語で2語以上のフレーズ（例：The Lord of the Rings）を少なくとも1つ含め、回答中の英字の単語は"
                    "略語なども含めてすべて先頭を大文字にするタイトルケースで書いてください。ただし a, an, the, and, but, "
                    "or, nor, for, of, in, on, at, to, by, as, with は、フレーズの先頭でなければ小文字でも構いません"
                    "（フレーズとは半角スペース1つで区切って続けた英単語のまとまりで、カンマやハイフンの直後は"
                    "新しいフレーズの先頭になります）。")
    examples = (
        E(response="おすすめの本は「The Art of War」です。", passed=True),
        E(response="映画Back to the Futureを観ました。", passed=True, note="anchor defect: glued text failed"),
        E(response="距離は5kmで、読んだ本はThe Old Man and the Seaです。", passed=True,
          note="a unit glued to a digit is not an English word"),
        E(response="おすすめはPythonです。", passed=False, note="anchor defect: a single word passed"),
        E(response="おすすめの本は「The art of war」です。", passed=False),
        E(response="おすすめの本は「the Art of War」です。", passed=False, note="a minor word starts the phrase"),
        E(response="おすすめの本は「The Art Of War」ですが、iPhone Appsも便利です。", passed=False,
          note="every English word counts: iPhone starts lower-case"),
        E(response="英語は使いません。", passed=False),
    )

    def check(self, r: Response) -> Verdict:
        f = r.folded
        text = _NOT_PROSE.sub(lambda m: "\x00" * len(m.group()), f) if ("@" in f or "://" in f) else f
        longest = 0
        run = 0
        prev_end = -2
        for m in _WORD.finditer(text):
            word = m.group()
            first = not (m.start() == prev_end + 1 and text[prev_end] == " ")
            run = 1 if first else run + 1
            longest = max(longest, run)
            prev_end = m.end()
            if not word[0].isupper() and (first or word.lower() not in _MINOR_WORDS):
                return self.fail(f"the English word {word!r} does not start with a capital letter")
        if longest < 2:
            return self.fail("contains no English phrase of two or more words")
        return self.ok("every English word is title-cased")


# --- ruby ----------------------------------------------------------------------------------------

_RUBY_ELEMENT = regex.compile(r"<ruby>((?:[^<]|<(?!/?ruby>)){0,2000}?)</ruby>", regex.IGNORECASE)
_RP = regex.compile(r"<rp>[^<]{0,20}</rp>", regex.IGNORECASE)
_RT = regex.compile(r"<rt>([^<]{0,200})</rt>", regex.IGNORECASE)
_TAG = regex.compile(r"</?[A-Za-z]{1,10}>")
_HAN_CHAR = regex.compile(rf"[{HAN}]")
_KANA_RUN = regex.compile(r"[\p{sc=Hiragana}\p{sc=Katakana}ー]{1,200}")
_PAREN_RUBY = regex.compile(rf"(?<![{HAN}])[{HAN}]++（[\p{{sc=Hiragana}}\p{{sc=Katakana}}ー]{{1,200}}）")
_RUBY_FORMS = {
    "html": "「<ruby>漢字<rt>かんじ</rt></ruby>」のようなHTMLのrubyタグ（<rp>タグの併用も可）",
    "paren": "「漢字（かんじ）」のように漢字の直後に全角かっこで読みを添える書き方",
}


def html_ruby_count(text: str) -> int:
    """Annotations in <ruby> elements: each <rt> with kana text whose base holds a Han character."""
    count = 0
    for m in _RUBY_ELEMENT.finditer(text):
        body = _RP.sub("", m.group(1))
        pos = 0
        for rt in _RT.finditer(body):
            base = _TAG.sub("", body[pos:rt.start()])
            pos = rt.end()
            if _HAN_CHAR.search(base) and _KANA_RUN.fullmatch(rt.group(1).strip()):
                count += 1
    return count


@register
class Ruby(Constraint):
    id = "notation.ruby"
    group = Group.NOTATION
    aliases = ("FuriganaNotationConstraint",)
    train = True

    # JFBench's class has no kwargs and asked for <ruby> tags, so alias calls get style = html.
    class Params(ParamsBase):
        style: Literal["html", "paren"] = "html"
        min_ruby: int = Field(default=1, ge=1, le=10)

    test_wording = "漢字に読み仮名（ルビ）を{min_ruby}か所以上付けてください。形式は{form}とし、読みはひらがなまたはカタカナで書いてください。"
    train_wordings = (
        "回答中の漢字{min_ruby}か所以上にふりがなを付けてください。形式は{form}で、読みにはひらがなまたはカタカナを用いること。",
        "ふりがなを最低{min_ruby}つ付けてください。{form}を用いて、漢字を含む語にひらがなやカタカナで読みを添えます。",
        "難しい漢字には読み方を示してください。{form}を使い、少なくとも{min_ruby}か所で仮名の読みを付けること。",
        "{min_ruby}か所以上、漢字の語に仮名でルビを振ってください。ルビの形式：{form}。",
        "読み仮名を付けた漢字を{min_ruby}つ以上含めてください。ルビの書き方は{form}に従い、読みは仮名だけで書いてください。",
    )
    examples = (
        E(response="<ruby>漢字<rt>かんじ</rt></ruby>を学びます。", passed=True),
        E(response="<ruby>東京<rp>（</rp><rt>とうきょう</rt><rp>）</rp></ruby>に行きます。", passed=True,
          note="anchor defect: <rp> was rejected"),
        E(response="<ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>と<ruby>人々<rt>ひとびと</rt></ruby>", passed=True,
          params={"style": "html", "min_ruby": 3}, note="one annotation per <rt>; 々 is Han"),
        E(response="漢字（かんじ）を学びます。", passed=False, note="paren form when html is asked"),
        E(response="<ruby>漢字<rt>kanji</rt></ruby>を学びます。", passed=False, note="the reading must be kana"),
        E(response="<ruby>かな<rt>かな</rt></ruby>を学びます。", passed=False, note="the base needs a kanji"),
        E(response="<ruby>漢字<rt>かんじ</rt></ruby>を学びます。", passed=False, params={"style": "html", "min_ruby": 2}),
        E(response="人々（ひとびと）が集まりました。", passed=True, params={"style": "paren"},
          note="M-IFEval defect: 々 fell outside the range"),
        E(response="東京（とうきょう）と大阪（オオサカ）を訪れました。", passed=True,
          params={"style": "paren", "min_ruby": 2}),
        E(response="人々(ひとびと)が集まりました。", passed=False, params={"style": "paren"},
          note="ASCII parentheses are not the full-width form"),
        E(response="東京（Tokyo）を訪れました。", passed=False, params={"style": "paren"}),
        E(response="<ruby>東京<rt>とうきょう</rt></ruby>を訪れました。", passed=False, params={"style": "paren"}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(style=rng.choice(["html", "paren"]), min_ruby=rng.randint(1, 3))

    def display(self) -> dict[str, str]:
        return {"form": _RUBY_FORMS[self.params.style]}

    def check(self, r: Response) -> Verdict:
        if self.params.style == "html":
            found = html_ruby_count(r.text) if "<" in r.text else 0
        else:
            found = len(_PAREN_RUBY.findall(r.text))
        need = self.params.min_ruby
        if found < need:
            return self.fail(f"{found} {self.params.style} ruby annotations (kanji base, kana reading), needs {need}")
        return self.ok(f"{found} {self.params.style} ruby annotations")
