"""notation: e-mail addresses, postal codes and phone numbers."""

from __future__ import annotations

from typing import Any

import regex

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.ja import Response

from ._common import (
    POSTAL_HYPHEN,
    POSTAL_HYPHEN_LOOSE,
    READABLE_ONLY_IDS,
    phone_hyphen,
    phone_plain,
    postal_plain,
    snippet,
)

E = Example

# --- e-mail ------------------------------------------------------------------------------------------

# A candidate is a maximal run of ASCII letters, digits, RFC 5322 atext symbols, "." and "@" that holds
# an "@". Any other character (kana, kanji, full-width ＠, space, brackets, ":") ends the run.
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~\-"
_RUN = regex.compile(rf"[{_ATEXT}.@]+")
_DOT_ATOM = regex.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_LABEL = regex.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?")
_TLD = regex.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59}")
_URL = regex.compile(r"https?://[^\s<>「」『』（）()、。]{1,2000}")


def _email_problem(address: str) -> str | None:
    """Why `address` is not a valid e-mail address, or None."""
    if len(address) > 254:
        return "is longer than 254 characters"
    if address.count("@") != 1:
        return "must contain exactly one @"
    local, domain = address.split("@")
    if not local:
        return "has an empty local part"
    if len(local) > 64:
        return "has a local part longer than 64 characters"
    if not _DOT_ATOM.fullmatch(local):
        return "has a local part that is not a dot-atom (empty or doubled dots)"
    labels = domain.split(".")
    if len(labels) < 2:
        return "needs a domain of at least two labels (example.jp)"
    for label in labels:
        if not _LABEL.fullmatch(label):
            return f"has the invalid domain label {label[:30]!r}"
    if not _TLD.fullmatch(labels[-1]):
        return f"has the non-alphabetic top-level domain {labels[-1][:30]!r}"
    return None


def email_candidates(text: str) -> list[str]:
    masked = _URL.sub(lambda m: " " * len(m.group()), text) if "://" in text else text
    out = []
    for m in _RUN.finditer(masked):
        s = m.group()
        if "@" not in s:
            continue
        # quotes and sentence punctuation around an address are not part of it
        s = s.lstrip("'`").rstrip(".'`!?")
        out.append(s)
    return out


@register
class Email(Constraint):
    id = "notation.email"
    group = Group.NOTATION
    aliases = ("EmailAddressNotationConstraint",)
    train = True
    conflicts = READABLE_ONLY_IDS
    test_wording = ("メールアドレスを少なくとも1つ、「info@example.co.jp」のような正しい形式で、半角の英数字と記号で書いてください"
                    "（@の前は英数字と記号、@の後は「.」で区切られた2つ以上の部分からなるドメインで、末尾は英字のトップレベルドメイン）。"
                    "URLの中を除き、回答中で@を含む表記はすべて正しいメールアドレスにしてください。")
    train_wordings = (
        "回答に有効なメールアドレス（例：support@example.com）を1つ以上含めてください。アドレスは半角で書き、@の後ろには「example.jp」のようにドットで区切ったドメインを付けること。@を使う表記はすべて正しいアドレスである必要があります。",
        "連絡先として、半角のメールアドレスを最低1件記載してください。形式は「ユーザー名@ドメイン名」で、ドメインはドットを含み、英字の末尾（.comや.jpなど）で終わること。不完全なアドレスや「@tanaka」のようなアドレスでない@付きの表記は使わないでください。",
        "メールアドレスは正しい書式で書いてください。少なくとも1つは必要で、すべて半角英数字と記号で「name@example.org」のように表します。@を含むのに形式が崩れている文字列があってはいけません。",
        "半角英数字によるメールアドレスを1つ以上入れてください（例：contact@example.jp）。全角の＠や、ドメイン部分にドットがないアドレスは不可で、@を含む文字列はどれも有効なアドレスにしてください。",
        "回答にはメールアドレスを最低1つ記し、そのすべてを「ローカル部@ドメイン」の正しい形式（ドメインは2つ以上のラベルと英字のトップレベルドメイン、全体は半角）で書くこと。",
    )
    examples = (
        E(response="お問い合わせはsupport@example.co.jpまでお送りください。", passed=True),
        E(response="連絡先はinfo@example.jpです。", passed=True, note="an address glued to kana is found"),
        E(response="Send it to taro.yamada+news@mail.example.com.", passed=True, note="a final period is not part of it"),
        E(response="宛先：user@xn--eckwd4c7c.xn--zckzah（日本語ドメインはpunycodeで表記）", passed=True),
        E(response="詳細は https://example.com/@team を参照し、team@example.com に連絡してください。", passed=True,
          note="an @ inside a URL is not an address"),
        E(response="連絡先はinfo@exampleです。", passed=False, note="the domain needs two labels"),
        E(response="連絡先はinfo＠example.jpです。", passed=False, note="a full-width ＠ is not an address"),
        E(response="連絡先はメールでお願いします。", passed=False, note="needs an address"),
        E(response="連絡先はtaro..yamada@example.comです。", passed=False, note="doubled dot in the local part"),
        E(response="連絡先はinfo@example.jp、担当は@suzukiです。", passed=False, note="every candidate must be valid"),
        E(response="連絡先はinfo@exa_mple.jpです。", passed=False, note="_ is not allowed in a domain label"),
        E(response="連絡先はinfo@example.123です。", passed=False, note="the top-level domain is not alphabetic"),
    )

    def check(self, r: Response) -> Verdict:
        if "@" not in r.text:
            return self.fail("contains no e-mail address")
        candidates = email_candidates(r.text)
        for c in candidates:
            problem = _email_problem(c)
            if problem:
                return self.fail(f"{c[:60]!r} is not a valid e-mail address: it {problem}")
        if not candidates:
            return self.fail("contains no e-mail address")
        return self.ok(f"{len(candidates)} valid e-mail addresses")


# --- postal codes ------------------------------------------------------------------------------------

@register
class PostalCodeNoHyphen(Constraint):
    id = "notation.postal_code_no_hyphen"
    group = Group.NOTATION
    aliases = ("NoHyphenJpPostalCodeNotationConstraint",)
    test_wording = ("郵便番号を少なくとも1つ、ハイフンを入れない7桁の数字（例：〒1000001 または 1000001）で書いてください。"
                    "「100-0001」のようなハイフン付きの郵便番号は使わないでください。")
    examples = (
        E(response="〒1000001 東京都千代田区千代田1-1にお送りください。", passed=True),
        E(response="郵便番号1500002の住所へ送ります。", passed=True),
        E(response="〒１０００００１ 東京都千代田区", passed=True, note="full-width digits fold"),
        E(response="〒100-0001 東京都千代田区千代田1-1にお送りください。", passed=False),
        E(response="今年の売上は1234567円でした。", passed=False,
          note="anchor defect: an amount of 7 digits counted as a postal code"),
        E(response="〒1000001の本社と、〒150-0002の支社があります。", passed=False, note="no hyphenated code allowed"),
        E(response="〒100‐0001 東京都千代田区", passed=False, note="a U+2010 hyphen is still a hyphen"),
        E(response="登録番号は12345678です。", passed=False, note="8 digits are not a postal code"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: 1000001

    def check(self, r: Response) -> Verdict:
        f = r.folded
        m = POSTAL_HYPHEN_LOOSE.search(f)
        if m:
            return self.fail(f"found the hyphenated postal code {snippet(f, *m.span())!r}")
        found = list(postal_plain(f))
        if not found:
            return self.fail("contains no 7-digit postal code")
        return self.ok(f"{len(found)} postal codes without a hyphen")


@register
class PostalCodeHyphen(Constraint):
    id = "notation.postal_code_hyphen"
    group = Group.NOTATION
    aliases = ("WithHyphenJpPostalCodeNotationConstraint",)
    train = True
    test_wording = ("郵便番号を少なくとも1つ、「〒100-0001」のように3桁・ハイフン「-」・4桁の形式で書いてください"
                    "（〒は付けても付けなくても構いません）。「〒1000001」のようなハイフンなしの書き方はしないでください。")
    train_wordings = (
        "回答に郵便番号を1つ以上含め、「123-4567」のように上3桁と下4桁の間にハイフンを入れて書いてください。〒を付けてハイフンを省いた形（〒1234567）は不可です。",
        "郵便番号はハイフン付きの7桁（例：〒150-0002）で表記してください。最低1つは郵便番号を書き、〒の直後に7桁を続けるハイフンなしの書き方は使わないこと。",
        "住所を書く際は郵便番号も記載し、形式は「3桁-4桁」（例：100-0005、〒は任意）にしてください。「〒1000005」のようにハイフンを抜いた表記は避けてください。",
        "少なくとも1つの郵便番号を「〒530-0001」のような「数字3桁＋ハイフン＋数字4桁」の形で示してください。ハイフンのない〒付き7桁表記は使用しないでください。",
        "郵便番号を書くときは、前半3桁と後半4桁をハイフンでつなぎます（例：060-0001）。回答に郵便番号を1つ以上含め、「〒0600001」のような区切りのない形は使わないこと。",
    )
    examples = (
        E(response="〒100-0001 東京都千代田区千代田1-1", passed=True),
        E(response="郵便番号は150-0002です。", passed=True, note="glued to Japanese text"),
        E(response="〒１００－０００１ 東京都千代田区", passed=True, note="full-width digits and hyphen fold"),
        E(response="〒1000001 東京都千代田区千代田1-1", passed=False),
        E(response="本社は〒100-0001、支社は〒1500002です。", passed=False, note="no unhyphenated code after 〒"),
        E(response="住所は東京都千代田区です。", passed=False, note="needs a postal code"),
        E(response="お電話は03-1234-5678までどうぞ。", passed=False, note="part of a phone number is not a postal code"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=2)  # P4: 100-0001

    def check(self, r: Response) -> Verdict:
        f = r.folded
        for m in postal_plain(f):
            if m.group(1):
                return self.fail(f"found {snippet(f, *m.span())!r}, a postal code after 〒 without a hyphen")
        found = POSTAL_HYPHEN.findall(f)
        if not found:
            return self.fail("contains no postal code of the form 123-4567")
        return self.ok(f"{len(found)} hyphenated postal codes")


# --- phone numbers -----------------------------------------------------------------------------------

@register
class PhoneNoHyphen(Constraint):
    id = "notation.phone_no_hyphen"
    group = Group.NOTATION
    aliases = ("NoHyphenPhoneNumberNotationConstraint",)
    test_wording = ("電話番号を少なくとも1つ、「0312345678」「09012345678」のようにハイフンを入れず、0で始まる10〜11桁の"
                    "数字で続けて書いてください。「03-1234-5678」のようなハイフン付きの表記は使わないでください。")
    examples = (
        E(response="お問い合わせは0312345678までどうぞ。", passed=True),
        E(response="携帯は09012345678です。昨年の売上は123456789012円でした。", passed=True,
          note="anchor defect: an unrelated large number failed the answer"),
        E(response="お問い合わせは03-1234-5678までどうぞ。", passed=False),
        E(response="代表0312345678、携帯090-1234-5678です。", passed=False, note="no hyphenated number allowed"),
        E(response="代表0312345678、携帯090–1234–5678です。", passed=False, note="an en dash counts as a hyphen"),
        E(response="売上は1234567890円でした。", passed=False, note="not a phone number: no leading 0"),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=1)  # P4: 0312345678

    def check(self, r: Response) -> Verdict:
        f = r.folded
        for m in phone_hyphen(f, loose=True):
            return self.fail(f"found the hyphenated phone number {m.group()!r}")
        found = list(phone_plain(f))
        if not found:
            return self.fail("contains no phone number of 0 plus 9-10 digits")
        return self.ok(f"{len(found)} phone numbers without hyphens")


@register
class PhoneHyphen(Constraint):
    id = "notation.phone_hyphen"
    group = Group.NOTATION
    aliases = ("WithHyphenPhoneNumberNotationConstraint",)
    train = True
    test_wording = ("電話番号を少なくとも1つ、「03-1234-5678」や「090-1234-5678」のように0で始まり、3つの数字のまとまりを"
                    "2つのハイフンでつないだ形（数字は合計10〜11桁）で書いてください。「0312345678」のような"
                    "ハイフンなしの表記は使わないでください。")
    train_wordings = (
        "回答に電話番号を1つ以上含め、市外局番・市内局番・加入者番号の間をハイフンで区切って書いてください（例：06-1234-5678、080-1234-5678。0で始まる10〜11桁）。ハイフンを省いた「09012345678」のような書き方は不可です。",
        "電話番号はハイフン区切り（0から始まり、数字3グループ・ハイフン2つ・合計10〜11桁。例：045-123-4567）で表記してください。最低1つ記載し、ハイフンなしで続けた番号は使わないこと。",
        "連絡先の電話番号を「0X-XXXX-XXXX」「0XX-XXXX-XXXX」のようにハイフンで3つに区切って書いてください（数字は合計10〜11桁）。少なくとも1件必要で、数字を連続させた表記は避けてください。",
        "少なくとも一つ電話番号を入れ、「03-1234-5678」の形式のようにハイフン2つで区切ってください（先頭は0、数字は10桁か11桁）。区切りのない0始まりの10〜11桁の数字列は書かないでください。",
        "電話番号を書くときは必ずハイフンを2か所入れ、0で始まる10〜11桁の番号にしてください（例：0120-123-456）。電話番号を最低1つ含め、「0120123456」のような連続表記は禁止です。",
    )
    examples = (
        E(response="お問い合わせは03-1234-5678までどうぞ。", passed=True),
        E(response="携帯は090-1234-5678、フリーダイヤルは0120-123-456です。", passed=True),
        E(response="お問い合わせは０３－１２３４－５６７８まで。", passed=True, note="full-width text folds"),
        E(response="お問い合わせは0312345678までどうぞ。", passed=False),
        E(response="代表03-1234-5678、携帯09012345678です。", passed=False, note="no unhyphenated number allowed"),
        E(response="内線は03-123-456です。", passed=False, note="8 digits are not a phone number"),
        E(response="お問い合わせはメールでお願いします。", passed=False),
    )

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=3)  # P4: 03-1234-5678

    def check(self, r: Response) -> Verdict:
        f = r.folded
        for m in phone_plain(f):
            return self.fail(f"found {m.group()!r}, a phone number without hyphens")
        found = list(phone_hyphen(f))
        if not found:
            return self.fail("contains no phone number like 03-1234-5678 (0 first, 2 hyphens, 10-11 digits)")
        return self.ok(f"{len(found)} hyphenated phone numbers")
