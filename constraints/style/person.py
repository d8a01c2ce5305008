"""Grammatical person: first_person_singular, first_person_plural and impersonal (all hybrid).

First-person forms are UniDic 代名詞 words (CATALOG.md, "style"): a singular pronoun (私, 僕, 俺,
わたくし...) followed by the nominal suffix たち, 達, ら, 等 or ども is plural, as is 我々; Latin I / me /
my are singular and we / us / our plural (as written in lower case or capitalised, never US or i).
"""

from __future__ import annotations

from typing import NamedTuple

import regex

from jfbench.catalog import Example, Kind, Verdict, register
from jfbench.ja import Response, lemma_base

from ._shared import StyleConstraint

E = Example

# UniDic lemmas (without the "-代名詞" suffix): 私 covers わたし, わたくし, あたし and あたくし.
SINGULAR_LEMMAS = frozenset({"私", "僕", "俺", "我", "わし", "我が輩", "拙者", "小生", "余", "わい"})
PLURAL_LEMMAS = frozenset({"我々"})
PLURAL_SUFFIXES = frozenset({"達", "等", "共"})  # たち/達, ら/等, ども/共
_URL = regex.compile(r"https?://[^\s<>「」『』（）()、。]{1,2000}")
_EMAIL = regex.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,200}@[A-Za-z0-9.-]{1,250}")
_LATIN_SINGULAR = regex.compile(r"(?<![A-Za-z0-9_/.@'’-])(?:I|[Mm]e|[Mm]y)(?![A-Za-z0-9_/@-])")
_LATIN_PLURAL = regex.compile(r"(?<![A-Za-z0-9_/.@'’-])(?:[Ww]e|[Uu]s|[Oo]ur)(?![A-Za-z0-9_/@-])")


class Person(NamedTuple):
    singular: list[str]
    plural: list[str]


def _compute_person(r: Response) -> Person:
    singular: list[str] = []
    plural: list[str] = []
    words = r.words
    for i, w in enumerate(words):
        if w.pos1 != "代名詞":
            continue
        lemma = lemma_base(w)
        if lemma in PLURAL_LEMMAS:
            plural.append(w.surface)
        elif lemma in SINGULAR_LEMMAS:
            nxt = words[i + 1] if i + 1 < len(words) else None
            if (nxt is not None and nxt.pos1 == "接尾辞" and nxt.lemma in PLURAL_SUFFIXES
                    and nxt.line == w.line and nxt.start == w.end):
                plural.append(w.surface + nxt.surface)
            else:
                singular.append(w.surface)
    text = "\n".join(r.md_lines)
    if regex.search(r"[A-Za-z]", text):
        if "://" in text:
            text = _URL.sub(" ", text)
        if "@" in text:
            text = _EMAIL.sub(" ", text)
        singular.extend(m.group() for m in _LATIN_SINGULAR.finditer(text))
        plural.extend(m.group() for m in _LATIN_PLURAL.finditer(text))
    return Person(singular, plural)


def person(r: Response) -> Person:
    """First-person forms in the §MD text view (code blocks are not read)."""
    return r.memo("style.person", lambda: _compute_person(r))


def _listed(forms: list[str]) -> str:
    shown = list(dict.fromkeys(forms))[:4]
    return ", ".join(shown) + (f" ({len(forms)} in all)" if len(forms) > len(shown) else "")


@register
class FirstPersonSingular(StyleConstraint):
    id = "style.first_person_singular"
    kind = Kind.HYBRID
    rubric = "style_first_person_singular"
    aliases = ("FirstPersonSingularStyleConstraint",)
    conflicts = ("style.first_person_plural", "style.impersonal", "meta_output.no_self_reference",
                 "ifbench_format.one_word_per_line")
    test_wording = (
        "書き手自身の視点から、一人称単数で書いてください。「私」「僕」「俺」「わたくし」などの一人称単数の代名詞"
        "（英語なら I・me・my）を少なくとも1回使い、「私たち」「我々」「僕ら」「私ども」のような複数形は使わないでください。"
    )
    examples = (
        E(response="私は毎朝、駅まで歩いて通勤しています。歩くと頭がすっきりするので、仕事にもよい影響があると感じます。",
          passed=True),
        E(response="僕が初めて富士山に登ったのは、二十歳の夏だった。", passed=True),
        E(response="I usually start my day with a cup of coffee.", passed=True, note="Latin I and my"),
        E(response="私たちは毎朝、駅まで歩いて通勤しています。", passed=False, note="plural only"),
        E(response="朝の散歩は、頭をすっきりさせるのに効果的です。", passed=False, note="no first person"),
        E(response="私は賛成ですが、我々の部署には反対意見もあります。", passed=False, note="a plural form too"),
        E(response="私立の高校に通う生徒が増えています。", passed=False, note="私立 is not a pronoun"),
    )

    def check(self, r: Response) -> Verdict:
        found = person(r)
        if found.plural:
            return self.fail(f"uses the plural first person {_listed(found.plural)}")
        if not found.singular:
            return self.fail("no singular first-person pronoun (私, 僕, 俺, わたくし, I, me, my)")
        return self.ok(f"singular first person: {_listed(found.singular)}")


@register
class FirstPersonPlural(StyleConstraint):
    id = "style.first_person_plural"
    kind = Kind.HYBRID
    rubric = "style_first_person_plural"
    aliases = ("FirstPersonPluralStyleConstraint",)
    conflicts = ("style.first_person_singular", "style.impersonal", "meta_output.no_self_reference",
                 "ifbench_format.one_word_per_line")
    test_wording = (
        "一人称複数の視点で書いてください。「私たち」「我々」「僕ら」「私ども」などの一人称複数の表現（英語なら we・us・our）を"
        "少なくとも1回使い、「たち」「ら」「ども」の付かない「私」「僕」「俺」などの一人称単数（英語なら I・me・my）は"
        "使わないでください。"
    )
    examples = (
        E(response="私たちはこの町で生まれ育ちました。だからこそ、町の未来を真剣に考えています。", passed=True),
        E(response="我々の目標は、来年度までに売上を倍にすることだ。", passed=True),
        E(response="僕らは夜通し語り合った。", passed=True),
        E(response="私はこの町で生まれ育ちました。", passed=False, note="singular"),
        E(response="私たちの町では、私がいちばんの早起きです。", passed=False, note="a singular form too"),
        E(response="この町は海に面していて、漁業が盛んです。", passed=False, note="no first person"),
    )

    def check(self, r: Response) -> Verdict:
        found = person(r)
        if found.singular:
            return self.fail(f"uses the singular first person {_listed(found.singular)}")
        if not found.plural:
            return self.fail("no plural first-person form (私たち, 我々, 僕ら, 私ども, we, us, our)")
        return self.ok(f"plural first person: {_listed(found.plural)}")


@register
class Impersonal(StyleConstraint):
    id = "style.impersonal"
    kind = Kind.HYBRID
    rubric = "style_impersonal"
    aliases = ("ImpersonalStyleConstraint",)
    train = True
    conflicts = ("style.first_person_singular", "style.first_person_plural", "meta_output.self_reference",
                 "meta_output.no_self_reference", "ifbench_format.one_word_per_line")
    test_wording = (
        "一人称を一切使わずに書いてください。「私」「僕」「俺」「わたくし」「私たち」「我々」などの一人称の代名詞も、"
        "英語の I・me・my・we・us・our も使わないでください。"
    )
    train_wordings = (
        "書き手自身を指す言葉を使わない、客観的な文章にしてください。「私」「僕」「俺」「私たち」「我々」などの一人称代名詞や、"
        "英語の I / me / my / we / us / our は禁止です。",
        "一人称の代名詞（私、わたし、僕、俺、わたくし、私たち、我々、僕らなど）を含めずに回答してください。"
        "英語の I、me、my、we、us、our も同様に使わないでください。",
        "主観を表す一人称を避け、第三者の立場から記述してください。「私」「僕」「我々」「私たち」といった語や、英語の一人称"
        "（I, me, my, we, us, our）が一つでも入っていれば不可です。",
        "「私は」「僕は」「私たちは」「我々は」のように自分や自分たちを指す表現を使わずに書いてください。日本語の一人称代名詞も、"
        "英語の I・me・my・we・us・our も一切使用しないでください。",
        "文章中に一人称を登場させないでください。対象は「私」「わたし」「僕」「俺」「わたくし」とその複数形（私たち、我々、"
        "僕らなど）、および英語の I, me, my, we, us, our です。",
    )
    examples = (
        E(response="富士山は標高3776メートルで、日本で最も高い山です。", passed=True),
        E(response="私立大学の学費は、国立大学より高い傾向にあります。US市場でも同じ傾向が見られます。", passed=True,
          note="私立 is not a pronoun and US is not us"),
        E(response="私はこの方法をおすすめします。", passed=False),
        E(response="我々の調査では、利用者の7割が満足していた。", passed=False),
        E(response="僕らの町には大きな川が流れている。", passed=False),
        E(response="In my opinion, this approach works well.", passed=False, note="Latin my"),
    )

    def check(self, r: Response) -> Verdict:
        found = person(r)
        forms = found.singular + found.plural
        if forms:
            return self.fail(f"uses the first person: {_listed(forms)}")
        return self.ok("no first-person pronoun")
