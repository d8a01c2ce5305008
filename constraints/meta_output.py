"""meta_output (8): what an answer says about itself: greetings and lead-ins, self-reference, self-attestation
and explanations of the answer (CATALOG.md, "meta_output").

Six rows are hybrid: an LLM judge decides online, and check() is the offline heuristic of the row, built on
frozen lexicons matched in §K token mode over the §W words of §S sentences:

- greeting / no_greeting read the opening sentence: the first §S sentence, after at most 3 leading address
  lines ("田中様", "お客様各位", "件名：…"), which belong to a letter's header rather than to its first sentence.
- self_reference / no_self_reference: first-person 代名詞 words (FIRST_PERSON_LEMMAS), Latin I / me / my (/ we),
  and, for no_self_reference, phrases that refer to the answer as an artifact (SELF_REFERENCE_PHRASES).
- self_attestation / no_self_attestation: a sentence with すべて/全て, a rule noun (条件/指示/制約/ルール) and a
  compliance verb (満たす/守る/従う/遵守), compared by UniDic lemma so that every inflection counts.

no_explanation and explanation_at_end are judge rows (no offline check).
"""

from __future__ import annotations

import regex

from jfbench.catalog import Constraint, Example, Group, Kind, Verdict, register
from jfbench.ja import Response, Sentence, Token, fold_word, keyword_units, lemma_base

E = Example

# --- lexicons (frozen) ------------------------------------------------------------------------------

# Greetings: meta_output.greeting looks for one among the first 3 words of the opening sentence,
# meta_output.no_greeting anywhere in it. Token mode: おはよう also covers おはようございます.
GREETINGS: tuple[str, ...] = (
    "こんにちは", "こんにちわ", "こんばんは", "こんばんわ", "おはよう", "はじめまして", "初めまして",
    "お世話になっております", "お世話になっています", "お世話になります", "お疲れ様", "お疲れさま", "おつかれさま",
    "ご無沙汰しております", "お久しぶり", "拝啓", "謹啓", "前略", "ようこそ", "いらっしゃいませ", "ごきげんよう",
    "あけましておめでとう", "明けましておめでとう", "もしもし", "やあ",
    "Hello", "Hi", "Hey", "Good morning", "Good afternoon", "Good evening", "Greetings",
)
# Acknowledgements and compliments on the question: anywhere in the opening sentence.
ACKNOWLEDGEMENTS: tuple[str, ...] = (
    "承知しました", "承知いたしました", "承知です", "かしこまりました", "了解しました", "了解いたしました", "了解です",
    "ありがとうございます", "良い質問", "いい質問", "素晴らしい質問", "素敵な質問", "面白い質問", "喜んで",
    "お任せください", "Great question", "I'd be happy", "Happy to help",
)
# Lead-ins that announce the content instead of giving it: anywhere in the opening sentence.
LEAD_INS: tuple[str, ...] = (
    "説明します", "説明いたします", "説明していきます", "解説します", "解説いたします", "解説していきます",
    "紹介します", "紹介いたします", "紹介していきます", "お答えします", "お答えいたします", "回答します",
    "回答いたします", "お伝えします", "まとめます", "まとめました", "まとめてみました", "要約します", "要約しました",
    "作成しました", "作成します", "書き直しました", "書いてみました", "見ていきましょう", "考えてみましょう",
    "次のとおり", "次の通り", "以下のとおり", "以下の通り", "次のように", "以下のように",
    "Here is", "Here are", "Here's", "Let me",
)
# Openers that are an acknowledgement or a lead-in only as the opening sentence's first words
# (もちろん or 以下 later in a sentence is ordinary content).
OPENERS: tuple[str, ...] = (
    "はい", "ええ", "もちろん", "なるほど", "そうですね", "いいですね", "わかりました", "分かりました", "了解",
    "それでは", "では", "以下", "こちらが", "こちらは",
    "Sure", "Certainly", "Absolutely", "Of course", "OK", "Okay", "Yes",
)

# UniDic lemmas (the "-代名詞" disambiguation removed) of first-person 代名詞 words: 私 covers わたし, わたくし,
# あたし, あたい and ワタシ; 僕 covers ぼく and ボク; 我 covers 吾; 我々 covers われわれ; 己等 is おいら, 己 is おら.
FIRST_PERSON_LEMMAS = frozenset({"私", "僕", "俺", "我", "我々", "わし", "我が輩", "拙者", "余", "己等", "己"})
# Phrases that refer to the answer as an artifact or to the writer as an AI (token mode, anywhere). Bare
# 言語モデル / AI are not listed: an answer about language models would use them as its subject matter.
SELF_REFERENCE_PHRASES: tuple[str, ...] = (
    "この回答", "本回答", "今回の回答", "上記の回答", "以上の回答", "当回答", "この答え", "本稿",
    "AIとして", "AIアシスタントとして", "言語モデルとして", "小生", "当方", "弊社",
)

_URL_OR_MAIL = regex.compile(r"https?://[^\s<>「」『』（）()、。]{1,2000}|[A-Za-z0-9._%+-]{1,200}@[A-Za-z0-9.-]{1,250}")
_LATIN_I_ME_MY = regex.compile(r"(?<![\p{L}\p{N}_/.@'’-])(?:I|[Mm]e|[Mm]y)(?![\p{L}\p{N}_/@-])")
_LATIN_WE = regex.compile(r"(?<![\p{L}\p{N}_/.@'’-])[Ww]e(?![\p{L}\p{N}_/@-])")
_HAS_LATIN = regex.compile(r"[A-Za-z]")

# Self-attestation (CATALOG.md: すべて/全て + 条件/指示/制約/ルール + 満たし/守り/従い/遵守), by lemma.
_ALL_LEMMAS = frozenset({"全て"})
_RULE_LEMMAS = frozenset({"条件", "指示", "制約", "ルール"})
_COMPLY_LEMMAS = frozenset({"満たす", "守る", "従う", "順守", "遵守"})

# Address lines of a letter that may precede its opening sentence.
_ADDRESSEE = regex.compile(r"(?:様|さま|殿|各位|御中|さん|先生|くん|ちゃん)へ?[、,：:]?$")
_HEADER_LINE = regex.compile(r"(?:件名|宛先|差出人|Subject|To|From)[ \t]{0,3}[：:]")
_MAX_ADDRESS_LINES = 3




def _find(folded: list[str], item: str, last_start: int | None = None) -> int | None:
    """The start of the first token-mode occurrence of item in folded words (starting at or before last_start)."""
    units = keyword_units(item)
    m = len(units)
    if not m:
        return None
    stop = len(folded) - m if last_start is None else min(len(folded) - m, last_start)
    i = 0
    while i <= stop:
        try:
            i = folded.index(units[0], i, stop + 1)
        except ValueError:
            return None
        if tuple(folded[i:i + m]) == units:
            return i
        i += 1
    return None


def _is_address_line(r: Response, s: Sentence) -> bool:
    """A whole §MD line that only names the addressee (田中様, お客様各位) or is a mail header (件名：…)."""
    line = r.md_lines[s.line].strip()
    if s.text != line or len(line) > 40:
        return False
    return _HEADER_LINE.match(line) is not None or _ADDRESSEE.search(line) is not None


def opening(r: Response) -> tuple[Sentence, list[Token]] | None:
    """The opening sentence and its words: the first §S sentence after leading address lines."""
    def compute() -> tuple[Sentence, list[Token]] | None:
        for i, (s, words) in enumerate(zip(r.sentences, r.sentence_words, strict=True)):
            if i < _MAX_ADDRESS_LINES and i + 1 < len(r.sentences) and _is_address_line(r, s):
                continue
            return s, words
        return None
    return r.memo("meta_output.opening", compute)


def _greeting_at(folded: list[str], last_start: int | None) -> tuple[str, int] | None:
    for item in GREETINGS:
        at = _find(folded, item, last_start)
        if at is not None:
            return item, at
    return None


def _preamble(s: Sentence, words: list[Token]) -> str | None:
    """Why the opening sentence is a greeting, acknowledgement or lead-in, or None."""
    folded = [fold_word(w.surface) for w in words]
    found = _greeting_at(folded, None)
    if found:
        return f"the greeting {found[0]!r}"
    for kind, items, last in (("acknowledgement", ACKNOWLEDGEMENTS, None), ("lead-in", LEAD_INS, None),
                              ("opener", OPENERS, 0)):
        for item in items:
            if _find(folded, item, last) is not None:
                return f"the {kind} {item!r}"
    if s.text.endswith(("：", ":")) and any(w.pos1 in ("動詞", "助動詞") for w in words):
        return "a lead-in clause ending in a colon"
    return None


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


def first_person(r: Response, *, with_we: bool) -> list[str]:
    """First-person 代名詞 words (FIRST_PERSON_LEMMAS) and Latin I / me / my (and we) in the §MD view."""
    found = [w.surface for w in r.words if w.pos1 == "代名詞" and lemma_base(w) in FIRST_PERSON_LEMMAS]
    text = "\n".join(r.md_lines)
    if _HAS_LATIN.search(text):
        text = _URL_OR_MAIL.sub(" ", text)
        found.extend(m.group() for m in _LATIN_I_ME_MY.finditer(text))
        if with_we:
            found.extend(m.group() for m in _LATIN_WE.finditer(text))
    return found


def attests(words: list[Token]) -> bool:
    """The self-attestation pattern on one sentence's words (全条件 counts as すべての条件)."""
    lemmas = [lemma_base(w) for w in words]
    if not any(lemma in _RULE_LEMMAS for lemma in lemmas):
        return False
    if not any(lemma in _COMPLY_LEMMAS for lemma in lemmas) and not any(w.surface == "遵守" for w in words):
        return False
    if any(lemma in _ALL_LEMMAS for lemma in lemmas):
        return True
    return any(w.pos1 == "接頭辞" and w.surface == "全" and i + 1 < len(words) and lemma_base(words[i + 1]) in _RULE_LEMMAS
               for i, w in enumerate(words))


def attestations(r: Response) -> list[str]:
    return r.memo("meta_output.attestations", lambda: [
        s.text for s, words in zip(r.sentences, r.sentence_words, strict=True) if attests(words)])


def _listed(forms: list[str]) -> str:
    shown = list(dict.fromkeys(forms))[:4]
    return ", ".join(repr(f) for f in shown) + (f" ({len(forms)} in all)" if len(forms) > len(shown) else "")


# --- base -------------------------------------------------------------------------------------------

class MetaOutput(Constraint):
    """JFBench's meta_output classes take an LLM `client`; it means nothing here, so an alias call drops it."""

    group = Group.META_OUTPUT



# --- greetings --------------------------------------------------------------------------------------

@register
class Greeting(MetaOutput):
    id = "meta_output.greeting"
    kind = Kind.HYBRID
    rubric = "meta_output_greeting"
    aliases = ("GreetingOutputConstraint",)
    train = True
    conflicts = ("processing.prefix", "ifbench_words.start_with_verb", "ifbench_format.output_template",
                 "ifbench_format.one_word_per_line")
    test_wording = (
        "回答の最初の文を、「こんにちは」「おはようございます」「はじめまして」「お世話になっております」のような"
        "挨拶の言葉にしてください。お礼（「ご質問ありがとうございます」）や返事（「承知しました」）は挨拶に数えません。"
    )
    train_wordings = (
        "書き出しの一文は挨拶にしてください（例：「こんにちは。」「お世話になっております。」）。"
        "「承知しました」のような返事やお礼の言葉だけでは挨拶になりません。",
        "回答は挨拶から始めてください。1文目に「こんにちは」「はじめまして」などの挨拶の言葉を置き、その後に本題を書きます。"
        "お礼や了解の返事は挨拶とはみなしません。",
        "冒頭の文で、まず読み手に挨拶をしてください。「おはようございます」「お疲れさまです」のような挨拶の言葉を使い、"
        "「ありがとうございます」「かしこまりました」だけで始めないこと。",
        "最初の一文には「こんにちは」「お世話になっております」といった挨拶を書き、本題はその後に続けてください。"
        "感謝や承諾の言葉は挨拶に含めません。",
        "はじめに挨拶の一文を入れてから答えてください。挨拶とは「こんにちは」「こんばんは」「はじめまして」などの言葉で、"
        "「了解しました」やお礼の言葉は該当しません。",
    )
    examples = (
        E(response="こんにちは。今日は梅雨について説明します。梅雨は6月から7月ごろに雨が続く季節です。", passed=True),
        E(response="皆さん、こんにちは！梅雨の季節がやってきましたね。", passed=True,
          note="こんにちは is the third word (皆 / さん / こんにちは)"),
        E(response="田中様\n\nいつもお世話になっております。株式会社ABCの佐藤です。", passed=True,
          note="the address line is skipped; the opening sentence is the greeting"),
        E(response="はじめまして、新入社員の山田です。", passed=True),
        E(response="梅雨は6月から7月ごろに雨が続く季節です。こんにちは。", passed=False,
          note="the greeting is not the first sentence"),
        E(response="ご質問ありがとうございます。梅雨は雨が続く季節です。", passed=False,
          note="thanks are not a greeting"),
        E(response="承知しました。以下に説明します。", passed=False, note="an acknowledgement is not a greeting"),
        E(response="今日は、梅雨について説明します。", passed=False,
          note="今日は (today) is not こんにちは in token mode"),
    )

    def check(self, r: Response) -> Verdict:
        found = opening(r)
        if found is None:
            return self.fail("no sentence")
        s, words = found
        hit = _greeting_at([fold_word(w.surface) for w in words], 2)
        if hit is None:
            return self.fail(f"the first sentence {_short(s.text)!r} does not start with a greeting "
                             "(こんにちは, おはようございます, はじめまして, お世話になっております ...)")
        return self.ok(f"the first sentence opens with the greeting {hit[0]!r}")


@register
class NoGreeting(MetaOutput):
    id = "meta_output.no_greeting"
    kind = Kind.HYBRID
    rubric = "meta_output_no_greeting"
    aliases = ("NoGreetingOutputConstraint",)
    train = True
    test_wording = (
        "挨拶や前置きを書かず、最初の文からいきなり本題に入ってください。「こんにちは」などの挨拶、「承知しました」"
        "「ご質問ありがとうございます」などの返事やお礼、「以下に説明します」のような予告の文で始めてはいけません。"
    )
    train_wordings = (
        "1文目から回答の中身を書いてください。挨拶、了解の返事、お礼、「次のとおりです」のような前置きはすべて不要です。",
        "冒頭の挨拶や「かしこまりました」「以下にまとめます」といった導入の一文は省き、本題そのものから書き始めてください。",
        "前置きなしで答えてください。「こんにちは」「はい、喜んで」「良い質問ですね」「説明します」のような言葉で"
        "書き出さず、最初の文で内容を述べること。",
        "回答の書き出しは本題の内容にしてください。挨拶・お礼・承諾の言葉や、これから何を書くかを予告するだけの文を先頭に置かないこと。",
        "いきなり本題から始めてください。「承知いたしました」「ご質問ありがとうございます」「以下が回答です」のような"
        "前置きの文は書かないでください。",
    )
    examples = (
        E(response="梅雨は、6月から7月ごろに雨の日が続く季節です。", passed=True),
        E(response="# 梅雨とは\n\n6月から7月ごろに雨の日が続く季節のことです。", passed=True,
          note="a title is content, not a lead-in"),
        E(response="材料（2人分）：\n- 豚肉 200g\n- キャベツ 1/4個", passed=True,
          note="a label ending in a colon is not a lead-in clause"),
        E(response="こんにちは！梅雨について説明しますね。", passed=False, note="greeting"),
        E(response="ご質問ありがとうございます。梅雨は雨が続く季節です。", passed=False, note="thanks"),
        E(response="承知しました。梅雨は6月から7月ごろの雨季です。", passed=False, note="acknowledgement"),
        E(response="以下に梅雨の特徴をまとめました：\n- 6月から7月ごろ\n- 雨の日が多い", passed=False,
          note="a lead-in clause"),
        E(response="Sure! Here is a summary of the rainy season.", passed=False, note="English opener"),
    )

    def check(self, r: Response) -> Verdict:
        found = opening(r)
        if found is None:
            return self.fail("no sentence")
        s, words = found
        why = _preamble(s, words)
        if why:
            return self.fail(f"the first sentence {_short(s.text)!r} is a preamble: {why}")
        return self.ok(f"starts with the content: {_short(s.text)!r}")


# --- self-reference ---------------------------------------------------------------------------------

@register
class NoSelfReference(MetaOutput):
    id = "meta_output.no_self_reference"
    kind = Kind.HYBRID
    rubric = "meta_output_no_self_reference"
    aliases = ("NoSelfReferenceConstraint",)
    train = True
    conflicts = ("meta_output.self_reference", "meta_output.self_attestation", "style.impersonal",
                 "style.first_person_singular", "style.first_person_plural")
    test_wording = (
        "書き手自身や、この回答そのものに言及しないでください。「私」「僕」「私たち」「我々」などの一人称"
        "（英語の I・me・my・we も含む）や、「この回答では」「AIとして」のような表現は使わないでください。"
    )
    train_wordings = (
        "内容だけを客観的に書き、書き手や回答について語らないでください。一人称（私、僕、私たち、我々、I、we など）や"
        "「本回答では」「AIとして」といった言い回しは禁止です。",
        "自分自身を指す言葉を使わないでください。「私」「僕」「我々」などの一人称、英語の I / me / my / we、"
        "「この回答」「AIとして」のように回答や書き手に触れる表現はすべて避けること。",
        "回答者の存在を感じさせない書き方にしてください。一人称の代名詞や英語の I・me・my・we、"
        "「この回答では〜」「言語モデルとして〜」といった自己言及を含めないでください。",
        "話題そのものについてだけ書き、「私は」「私たちは」「この回答では」「AIとして」のように書き手や回答自体に触れる表現を"
        "使わないでください（英語の I・me・my・we も不可）。",
        "自己言及をしないでください。一人称（私・僕・俺・我々など、英語の I・me・my・we）も、回答そのものを指す"
        "「この回答」「本稿」などの表現も使わずに書いてください。",
    )
    examples = (
        E(response="梅雨は、6月から7月ごろに雨の日が続く季節です。北と南の空気がぶつかって前線ができます。", passed=True),
        E(response="大規模言語モデルは、大量の文章から言葉の使われ方を学習したAIです。", passed=True,
          note="language models as the subject matter are not self-reference"),
        E(response="私立高校と公立高校では、学費に大きな差があります。", passed=True, note="私立 is not a pronoun"),
        E(response="私は梅雨が好きです。雨の音が落ち着くからです。", passed=False, note="私"),
        E(response="この回答では、梅雨のしくみを簡単に説明します。", passed=False, note="refers to the answer"),
        E(response="AIとして個人的な意見は持ちませんが、一般的には賛成意見が多いです。", passed=False),
        E(response="In my view, the rainy season is important for farming.", passed=False, note="Latin my"),
        E(response="我々は環境問題にもっと関心を持つべきだ。", passed=False, note="我々"),
    )

    def check(self, r: Response) -> Verdict:
        problems = []
        forms = first_person(r, with_we=True)
        if forms:
            problems.append(f"first-person form {_listed(forms)}")
        phrases = [p for p in SELF_REFERENCE_PHRASES if r.count_keyword(p)]
        if phrases:
            problems.append(f"self-reference phrase {_listed(phrases)}")
        if problems:
            return self.fail("uses the " + " and the ".join(problems))
        return self.ok("no first-person form and no phrase about the answer itself")


@register
class SelfReference(MetaOutput):
    id = "meta_output.self_reference"
    kind = Kind.HYBRID
    rubric = "meta_output_self_reference"
    aliases = ("SelfReferenceConstraint",)
    conflicts = ("meta_output.no_self_reference", "style.impersonal")
    test_wording = (
        "回答の中で、書き手自身を一人称で少なくとも1回指してください（「私」「僕」「私たち」「我々」など。英語なら I・me・my）。"
    )
    examples = (
        E(response="私は梅雨が好きです。雨の音を聞いていると落ち着くからです。", passed=True),
        E(response="僕の考えでは、在宅勤務のほうが効率的だ。", passed=True),
        E(response="I think the rainy season is important for farming.", passed=True, note="Latin I"),
        E(response="私たちの暮らしは、梅雨の雨に支えられています。", passed=True, note="私 + たち is first person"),
        E(response="梅雨は、6月から7月ごろに雨の日が続く季節です。", passed=False, note="no first person"),
        E(response="この回答では、梅雨のしくみを説明します。", passed=False,
          note="refers to the answer, but not to the writer in the first person"),
        E(response="私立の図書館は、週末も開いています。", passed=False, note="私立 is not a pronoun"),
    )

    def check(self, r: Response) -> Verdict:
        forms = first_person(r, with_we=False)
        if not forms:
            return self.fail("no first-person form (私, 僕, 俺, 我々, I, me, my ...)")
        return self.ok(f"refers to the writer with {_listed(forms)}")


# --- self-attestation -------------------------------------------------------------------------------

@register
class SelfAttestation(MetaOutput):
    id = "meta_output.self_attestation"
    kind = Kind.HYBRID
    rubric = "meta_output_self_attestation"
    aliases = ("SelfAttestationConstraint",)
    conflicts = ("meta_output.no_self_attestation", "meta_output.no_self_reference",
                 "ifbench_format.one_word_per_line")
    test_wording = (
        "回答のどこかに、この回答が与えられた条件（指示）をすべて満たしていると述べる一文を入れてください"
        "（例：「この回答は、すべての条件を満たしています。」）。"
    )
    examples = (
        E(response="梅雨は6月から7月ごろに雨が続く季節です。\n\nこの回答は、すべての条件を満たしています。", passed=True),
        E(response="※ご指示いただいた制約はすべて守って作成しました。", passed=True),
        E(response="全ての指示に従い、300字以内でまとめました。梅雨は雨が続く季節です。", passed=True),
        E(response="上記のルールを全て遵守しています。", passed=True, note="遵守 (lemma 順守)"),
        E(response="梅雨は6月から7月ごろに雨が続く季節です。", passed=False, note="no attestation"),
        E(response="条件を満たすよう努めました。", passed=False, note="not all conditions (no すべて)"),
        E(response="指示どおり、300字以内でまとめました。", passed=False,
          note="complies with one instruction; the statement must cover all of them"),
        E(response="すべての部屋に暖房が完備されています。", passed=False, note="すべて without a rule or compliance"),
    )

    def check(self, r: Response) -> Verdict:
        found = attestations(r)
        if not found:
            return self.fail("no sentence states that all conditions/instructions are met "
                             "(すべて/全て + 条件/指示/制約/ルール + 満たす/守る/従う/遵守)")
        return self.ok(f"attests compliance: {_short(found[0])!r}")


@register
class NoSelfAttestation(MetaOutput):
    id = "meta_output.no_self_attestation"
    kind = Kind.HYBRID
    rubric = "meta_output_no_self_attestation"
    aliases = ("NoSelfAttestationConstraint",)
    train = True
    test_wording = (
        "「すべての条件を満たしています」「指示どおりに作成しました」のように、回答が指示や条件に従っていることを"
        "述べる文を入れないでください。"
    )
    train_wordings = (
        "回答の中で、条件や指示を守ったと自分で宣言しないでください（例：「全ての制約を満たしました」は不可）。",
        "「この回答はすべてのルールに従っています」のような、指示を満たしたことを確認・表明する文は書かないでください。",
        "条件をクリアしたことをアピールする一文（「指示をすべて守りました」など）は不要です。内容だけを書いてください。",
        "末尾などに「以上、すべての条件を満たした回答です」のような自己申告を付け加えないでください。",
        "回答が要件に沿っていることを述べる文（「指示どおり〜しました」「条件をすべて遵守しています」など）を含めないでください。",
    )
    examples = (
        E(response="梅雨は6月から7月ごろに雨が続く季節です。", passed=True),
        E(response="梅雨前線は、北の冷たい空気と南の暖かい空気の境目にできます。\n\n以上です。", passed=True),
        E(response="この規則は、すべての社員に適用されます。", passed=True, note="a rule as the topic, no compliance verb"),
        E(response="梅雨は雨が続く季節です。\n\nこの回答は、すべての条件を満たしています。", passed=False),
        E(response="ご指示いただいた制約はすべて守って作成しました。", passed=False),
        E(response="全条件を満たしています。梅雨は雨が続く季節です。", passed=False, note="全条件 = すべての条件"),
    )

    def check(self, r: Response) -> Verdict:
        found = attestations(r)
        if found:
            return self.fail(f"a sentence attests compliance: {_short(found[0])!r}")
        return self.ok("no sentence attests compliance with the conditions")


# --- explanations (judge) ---------------------------------------------------------------------------

@register
class NoExplanation(MetaOutput):
    id = "meta_output.no_explanation"
    kind = Kind.JUDGE
    rubric = "meta_output_no_explanation"
    aliases = ("NoExplanationConstraint",)
    train = True
    test_wording = (
        "求められた内容だけを書き、その後に回答についての説明・理由・注記・感想（「〜を意識して書きました」"
        "「※〜は意訳です」「参考になれば幸いです」など）を付け加えないでください。"
    )
    train_wordings = (
        "回答本体を書き終えたら、そこで終えてください。どう書いたか、なぜそうしたかの解説や補足の注記は不要です。",
        "求められたものだけを出力してください。末尾に「〜の点に配慮しました」のような説明や、「※」で始まる注釈を加えないこと。",
        "答えの後ろに、作成意図の説明、言い訳、補足コメント、締めの感想などを一切付けないでください。",
        "回答の最後に解説や正当化を書き足さないでください。成果物そのものだけで完結させること。",
        "本文の後に「この〜では…を工夫しました」「参考になれば幸いです」のような、回答についてのコメントを添えないでください。",
    )
    examples = (
        E(response="紫陽花や\n雨音しずか\n昼の庭", passed=True, note="the poem only"),
        E(response="Rainy season in Japan usually lasts from June to July.", passed=True,
          note="a translation with nothing after it"),
        E(response="紫陽花や\n雨音しずか\n昼の庭\n\n梅雨の静けさを表すために、季語の「紫陽花」を使いました。", passed=False,
          note="explains how the poem was made"),
        E(response="Rainy season in Japan usually lasts from June to July.\n\n※「梅雨」は rainy season と訳しました。",
          passed=False, note="a translator's note"),
        E(response="梅雨は6月から7月ごろの雨季です。\n\n参考になれば幸いです。", passed=False,
          note="a closing comment about the answer"),
    )


@register
class ExplanationAtEnd(MetaOutput):
    id = "meta_output.explanation_at_end"
    kind = Kind.JUDGE
    rubric = "meta_output_explanation_at_end"
    aliases = ("ExplanationConstraint",)
    train = True
    conflicts = ("meta_output.no_explanation", "content.no_reasons", "content.irrelevant", "processing.suffix",
                 "ifbench_format.one_word_per_line", "character.no_whitespace")
    test_wording = (
        "回答の本体を書いた後、空行をはさんで最後の段落に、その回答をなぜ、どのように作ったのかを3文以内で"
        "短く説明してください。"
    )
    train_wordings = (
        "本文のあとに空行を1行入れ、最後の段落として、回答の作り方や意図を説明する文を3文以内で添えてください。",
        "回答を書き終えたら、空行で区切った締めの段落に「なぜこのように書いたか」「どう工夫したか」を短く（3文まで）説明してください。",
        "最後に、空行のあとの独立した段落で、この回答を作るときに考えたことや理由を3文以内で説明してください。",
        "まず求められた内容を書き、最後の段落（空行で本文と分ける）には、作成の意図や方法の説明を1〜3文で書いてください。",
        "回答の末尾に、空行をあけて短い解説の段落を置いてください。内容はこの回答をどのように・なぜそう作ったかで、3文以内とします。",
    )
    examples = (
        E(response="紫陽花や\n雨音しずか\n昼の庭\n\n梅雨の静けさを表すために、季語の「紫陽花」と雨音を組み合わせました。",
          passed=True),
        E(response="梅雨は、6月から7月ごろに雨が続く季節です。冷たい空気と暖かい空気がぶつかって前線ができます。\n\n"
                   "小学生にも伝わるよう、難しい言葉を避けて説明しました。", passed=True),
        E(response="紫陽花や\n雨音しずか\n昼の庭", passed=False, note="no explanation"),
        E(response="梅雨の静けさを表すために、季語の「紫陽花」を使いました。\n\n紫陽花や\n雨音しずか\n昼の庭", passed=False,
          note="the explanation comes first"),
        E(response="紫陽花や\n雨音しずか\n昼の庭\n\n季語には「紫陽花」を選びました。梅雨の季語だからです。"
                   "雨音で静けさを表しました。昼の庭は情景を具体的にするためです。全体の音のリズムも整えました。",
          passed=False, note="5 sentences, more than 3"),
        E(response="紫陽花や\n雨音しずか\n昼の庭\n\n梅雨どきは、紫陽花がきれいに咲く季節です。", passed=False,
          note="the last paragraph is more content, not an explanation of the answer"),
    )
