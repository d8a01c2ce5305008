"""notation: Gregorian dates, 24-hour times and era (wareki) dates, all on §FOLD."""

from __future__ import annotations

import datetime
import random
import re
from typing import Any, Literal

import regex
from pydantic import Field

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response

from ._common import COLON_TIME, ERAS, KNUM, date_like, kanji_to_int, mask, snippet, valid_date

E = Example

# --- date_ymd ----------------------------------------------------------------------------------------

_STYLE_PATTERNS = {
    "YYYY年MM月DD日": regex.compile(r"(?<![0-9])([0-9]{4})年([0-9]{2})月([0-9]{2})日"),
    "YYYY-MM-DD": regex.compile(r"(?<![0-9])(?<![0-9][\-/.])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])(?![\-/.][0-9])"),
    "YYYY/MM/DD": regex.compile(r"(?<![0-9])(?<![0-9][\-/.])([0-9]{4})/([0-9]{2})/([0-9]{2})(?![0-9])(?![\-/.][0-9])"),
}
_STYLE_EXAMPLES = {"YYYY年MM月DD日": "2024年01月05日", "YYYY-MM-DD": "2024-01-05", "YYYY/MM/DD": "2024/01/05"}
DateStyle = Literal["YYYY年MM月DD日", "YYYY-MM-DD", "YYYY/MM/DD"]


@register
class DateYmd(Constraint):
    id = "notation.date_ymd"
    group = Group.NOTATION
    aliases = ("DateNotationConstraint",)
    train = True
    conflicts = ("notation.wareki_date",)  # X12

    # JFBench's class has no kwargs; its instruction asked for zero-padded YYYY年MM月DD日.
    class Params(ParamsBase):
        style: DateStyle = "YYYY年MM月DD日"

    test_wording = ("実在する日付を少なくとも1つ書き、すべての日付を{style}形式（例：{example}。月と日は2桁にゼロ埋め）で"
                    "表記してください。「1月5日」のような年のない書き方、ゼロ埋めしない書き方、ほかの区切り記号、"
                    "英語式の表記（Jan 5, 2024など）、和暦（令和6年1月5日など）は使わないでください。")
    train_wordings = (
        "回答には実在する日付を1つ以上含め、表記は{style}（例：{example}）に統一してください。月日は必ず2桁で書き、年を省いた「3月5日」、ゼロ埋めなしの表記、別の区切り文字、和暦の日付は避けること。",
        "日付はすべて西暦の{style}形式で、{example}のように月と日をゼロ埋めして書いてください。実在する日付を最低1つ含め、それ以外の日付表記（年なし、ゼロ埋めなし、別の区切り、和暦）は禁止です。",
        "日付表記のルール：形式は{style}のみ（{example}のように2桁の月日）。カレンダー上に存在する日付を少なくとも1つ書くこと。「5月3日」「2024/5/3」「令和6年5月3日」のような他形式は一切使わないでください。",
        "文中に実在の日付を入れ、どれも{example}と同じ{style}形式にしてください。月・日が1桁でも0を補い、年を省略した日付や和暦、異なる区切り方の日付は書かないでください。",
        "日付は{style}（例：{example}）という一つの形式だけで書いてください。存在する日付が1つ以上必要です。年のない月日表記、0を付けない月日、他の区切り記号、元号による日付はいずれも不可とします。",
    )
    examples = (
        E(response="今日は2024年01月05日です。", passed=True, note="anchor defect: a date glued to Japanese failed"),
        E(response="締め切りは2024年03月31日、発表は2024年04月10日（水）です。", passed=True),
        E(response="今日は２０２４年０１月０５日です。", passed=True, note="full-width digits fold"),
        E(response="今日は2024年1月5日です。", passed=False, note="not zero-padded"),
        E(response="今日は1月5日です。", passed=False, note="no year"),
        E(response="期間は2024年01月05日から01月10日までです。", passed=False, note="M月D日 without a year"),
        E(response="今日は2023年02月29日です。", passed=False, note="not a valid Gregorian date"),
        E(response="今日は令和6年1月5日です。", passed=False, note="an era date"),
        E(response="今日は2024年01月05日、つまり2024/01/05です。", passed=False, note="another separator"),
        E(response="今日はいい天気です。", passed=False, note="needs a date"),
        E(response="リリースは2024-01-05で、バージョン1.2.3です。", passed=True, params={"style": "YYYY-MM-DD"},
          note="a dotted version is not date-like"),
        E(response="開始は2024-01-05T10:00です。", passed=True, params={"style": "YYYY-MM-DD"}),
        E(response="リリースは2024-1-5です。", passed=False, params={"style": "YYYY-MM-DD"}),
        E(response="リリースは2024/01/05です。", passed=False, params={"style": "YYYY-MM-DD"}),
        E(response="リリースは2024/01/05です。", passed=True, params={"style": "YYYY/MM/DD"}),
        E(response="リリースは2024/01/05、公開は2024.01.20です。", passed=False, params={"style": "YYYY/MM/DD"}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(style=rng.choice(list(_STYLE_PATTERNS)))

    def display(self) -> dict[str, str]:
        return {"example": _STYLE_EXAMPLES[self.params.style]}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=3)  # P4: year, month and day of one date

    def param_conflict(self, other: Constraint) -> str | None:
        if self.params.style == "YYYY年MM月DD日" and other.id in {"character.half_width", "character.romaji_only"}:
            return "X3/X4: 年月日 are neither half-width nor romaji"
        return None

    def check(self, r: Response) -> Verdict:
        f = r.folded
        style = self.params.style
        matches = list(_STYLE_PATTERNS[style].finditer(f))
        for m in matches:
            y, mo, d = (int(g) for g in m.groups())
            if not valid_date(y, mo, d):
                return self.fail(f"{m.group()} is not a valid date")
        rest = mask(f, (m.span() for m in matches)) if matches else f
        for m in date_like(rest):
            return self.fail(f"found {snippet(f, *m.span())!r}, which is not {style}")
        if not matches:
            return self.fail(f"contains no date in the form {style}")
        return self.ok(f"{len(matches)} dates, all {style}")


# --- time_24h ----------------------------------------------------------------------------------------

_OTHER_TIME = re.compile(  # stdlib re: 2.5x faster on this alternation
    rf"午[前後][ ]?[0-9{KNUM}]"
    r"|(?<![0-9])[0-9]{1,2}[ ]?時(?![間限期])"
    rf"|(?<![{KNUM}])[{KNUM}]{{1,3}}時(?:[{KNUM}]{{1,3}}分|半)"
    r"|(?<![0-9])[0-9]{1,2}(?::[0-9]{2}){0,2}[ ]?(?:[AaPp]\.?[Mm]\.?)(?![A-Za-z])"
)
_TIME_FORMS = {
    None: ("「HH:MM」または「HH:MM:SS」", "09:05、18:30:00"),
    False: ("秒を含まない「HH:MM」", "09:05、18:30"),
    True: ("秒まで含む「HH:MM:SS」", "09:05:00、18:30:15"),
}


@register
class Time24h(Constraint):
    id = "notation.time_24h"
    group = Group.NOTATION
    aliases = ("TimeNotationConstraint",)
    train = True

    # seconds: True = every time is HH:MM:SS, False = every time is HH:MM. None (the default, used by
    # alias calls) accepts both, because JFBench's instruction asked for "HH:MM または HH:MM:SS".
    # The sampler draws only True or False.
    class Params(ParamsBase):
        seconds: bool | None = None

    test_wording = ("時刻を少なくとも1つ書き、すべての時刻を24時間制で、{form}の形（例：{example}。時は00〜23の2桁）で"
                    "表記してください。「午前」「午後」や「9時」「9時30分」のような書き方、「9:30」のような1桁の時は"
                    "使わないでください（「3時間」のような時間の長さは構いません）。")
    train_wordings = (
        "回答に時刻を1つ以上含め、どれも24時間表記で{form}の形（例：{example}）にしてください。時は必ず2桁（00〜23）にし、午前・午後や「○時○分」の表記、1桁の時は避けること。",
        "時刻は{example}のような24時間制の表記に統一し、{form}の形で書いてください。少なくとも1つ時刻を書き、「午後3時」「15時」「9:00」のような書き方はしないでください。",
        "時刻を示すときは{form}の形（24時間制、時は00から23の2桁。例：{example}）だけを用いてください。時刻は最低1つ必要で、午前・午後や「N時」「N時M分」という表記は禁止です。",
        "24時間表記で時刻を書いてください。形式は{form}（{example}など）で、1桁の時はゼロを補います。「午前10時」「10時半」などの表現は使わず、時刻を少なくとも1つ入れてください。",
        "回答中の時刻はすべて24時間制とし、{form}の形（例：{example}、時は00〜23）で記すこと。時刻を1つ以上含め、午前・午後や「14時30分」のような漢字の表記、ゼロ埋めしない時は不可とします。",
    )
    examples = (
        E(response="開始は13:45です。", passed=True, note="anchor defect: a time glued to Japanese failed"),
        E(response="受付は09:00から17:30まで、24時間対応の窓口もあります。", passed=True, params={"seconds": False},
          note="24時間 is a duration, not a time"),
        E(response="打ち上げは09:05:30、分離は09:15:00でした。", passed=True, params={"seconds": True}),
        E(response="開始は13:45、終了は14:30:15です。", passed=True, note="seconds = None accepts both forms"),
        E(response="開始は１３：４５です。", passed=True, params={"seconds": False}, note="full-width text folds"),
        E(response="開始は9:30です。", passed=False, note="one-digit hour"),
        E(response="開始は午後1時45分です。", passed=False),
        E(response="開始は13時45分です。", passed=False),
        E(response="開始は13:45、終了は15時です。", passed=False, note="every time must use the form"),
        E(response="開始は十時半です。", passed=False),
        E(response="開始は25:10です。", passed=False, note="hour out of range"),
        E(response="開始は01:30 PMです。", passed=False),
        E(response="開始は13:45:00です。", passed=False, params={"seconds": False}, note="seconds not asked for"),
        E(response="開始は13:45です。", passed=False, params={"seconds": True}, note="seconds required"),
        E(response="開始時刻は未定です。", passed=False, note="needs a time"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(seconds=rng.random() < 0.3)

    def display(self) -> dict[str, str]:
        form, example = _TIME_FORMS[self.params.seconds]
        return {"form": form, "example": example}

    def demands(self, prompt: Any = None) -> Demands:
        return Demands(numbers=3 if self.params.seconds else 2)  # P4: HH:MM(:SS) of one time

    def check(self, r: Response) -> Verdict:
        f = r.folded
        seconds = self.params.seconds
        count = 0
        for m in COLON_TIME.finditer(f):
            t = m.group()
            if len(m.group("h")) == 1:
                return self.fail(f"{t} has a one-digit hour; write it zero-padded")
            if int(m.group("h")) > 23 or int(m.group("m")) > 59 or (m.group("s") and int(m.group("s")) > 59):
                return self.fail(f"{t} is not a valid 24-hour time")
            if seconds is True and not m.group("s"):
                return self.fail(f"{t} has no seconds; write HH:MM:SS")
            if seconds is False and m.group("s"):
                return self.fail(f"{t} has seconds; write HH:MM")
            count += 1
        other = _OTHER_TIME.search(f)
        if other:
            return self.fail(f"found {snippet(f, *other.span())!r}, which is not a zero-padded 24-hour time")
        if not count:
            return self.fail("contains no time in 24-hour HH:MM form")
        return self.ok(f"{count} times, all in 24-hour form")


# --- wareki_date -------------------------------------------------------------------------------------

_WAREKI = regex.compile(
    rf"(?P<era>{ERAS})[ ]?(?P<y>元|[0-9]{{1,3}}|[{KNUM}]{{1,4}})[ ]?年[ ]?(?P<m>[0-9]{{1,2}}|[{KNUM}]{{1,3}})[ ]?月"
    rf"[ ]?(?P<d>[0-9]{{1,2}}|[{KNUM}]{{1,4}})[ ]?日"
)
# era: (offset to the Gregorian year, last valid era year, first day, last day)
_ERA_RANGES = {
    "明治": (1867, 45, None, datetime.date(1912, 7, 30)),
    "大正": (1911, 15, datetime.date(1912, 7, 30), datetime.date(1926, 12, 25)),
    "昭和": (1925, 64, datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
    "平成": (1988, 31, datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
    "令和": (2018, None, datetime.date(2019, 5, 1), None),
}
_WESTERN = regex.compile(
    r"(?<![0-9])[0-9]{4}[ ]?年"
    r"|(?<![0-9])[0-9]{4}(?P<sep>[\-/])[0-9]{1,2}(?P=sep)[0-9]{1,2}(?![0-9])"
)


def wareki_problem(m: regex.Match[str]) -> str | None:
    """Why an era date is invalid (year range, calendar, era boundaries), or None."""
    era = m.group("era")
    y, mo, d = kanji_to_int(m.group("y")), kanji_to_int(m.group("m")), kanji_to_int(m.group("d"))
    if y is None or mo is None or d is None:
        return "has a numeral that cannot be read"
    offset, last_year, first, last = _ERA_RANGES[era]
    if y < 1 or (last_year is not None and y > last_year):
        return f"has an invalid year: {era} runs from year 1 to {last_year}" if last_year else "has year 0"
    if not valid_date(offset + y, mo, d):
        return "is not a date in the calendar"
    day = datetime.date(offset + y, mo, d)
    if (first and day < first) or (last and day > last):
        return f"lies outside the {era} era"
    return None


@register
class WarekiDate(Constraint):
    id = "notation.wareki_date"
    group = Group.NOTATION
    aliases = ("jfbench:notation.wareki_date",)
    train = True
    conflicts = ("notation.date_ymd",)  # X12

    class Params(ParamsBase):
        min_dates: int = Field(default=1, ge=1, le=10)
        western_forbidden: bool = False

    test_wording = ("和暦（明治・大正・昭和・平成・令和）の日付を{min_dates}つ以上書いてください（例：令和6年4月1日、"
                    "平成元年1月8日）。元号・年・月・日をすべて書き、年は「元」、算用数字、漢数字のいずれで表しても構いません。"
                    "どの日付も、その元号の期間内に実在する日付にしてください。{western_rule}")
    train_wordings = (
        "元号を用いた和暦の日付を{min_dates}か所以上含めてください（例：令和5年10月1日、昭和64年1月7日）。元号・年・月・日をすべて書き、その元号の期間内に実在する日付であること。年は元・数字・漢数字のどれでも構いません。{western_rule}",
        "{min_dates}つ以上の日付を、明治・大正・昭和・平成・令和のいずれかの元号を使って「令和6年5月1日」のように年月日で示してください。年は元年・数字・漢数字のいずれでもよく、改元をまたぐ誤った日付（例：平成31年5月1日）は不可です。{western_rule}",
        "日付は和暦で書き、少なくとも{min_dates}つ含めてください。形式は元号＋年＋月＋日（「平成元年1月8日」「令和二年三月一日」など）で、その元号が実際に使われていた期間の実在する日付に限ります。{western_rule}",
        "和暦表記の年月日を{min_dates}件以上入れてください。元号（明治〜令和）、年（元年、数字、漢数字のいずれも可）、月、日を欠かさず書き、存在しない日付や元号の期間外の日付は使わないこと。{western_rule}",
        "回答中に元号付きの日付（例：昭和39年10月10日）を最低{min_dates}つ書いてください。年は「元」、算用数字、漢数字のいずれかで表し、元号の期間内の実在する日付にしてください。{western_rule}",
    )
    examples = (
        E(response="東京オリンピックは昭和39年10月10日に開幕しました。", passed=True),
        E(response="令和元年5月1日に改元されました。", passed=True),
        E(response="平成元年1月8日から新しい元号が使われました。", passed=True),
        E(response="新駅は令和二年三月十四日に開業しました。", passed=True, note="kanji numerals"),
        E(response="明治45年7月30日に大正元年7月30日が続きます。", passed=True, params={"min_dates": 2},
          note="the last day of 明治 and the first of 大正 are the same day"),
        E(response="令和６年４月１日（2024年）に入学しました。", passed=True, note="western years allowed by default"),
        E(response="令和6年4月1日に入学しました。", passed=True, params={"western_forbidden": True}),
        E(response="平成31年5月1日に改元されました。", passed=False, note="平成 ends on 31年4月30日"),
        E(response="昭和64年1月8日に改元されました。", passed=False, note="昭和 ends on 64年1月7日"),
        E(response="大正15年12月26日の出来事です。", passed=False, note="大正 ends on 15年12月25日"),
        E(response="平成32年1月1日の予定でした。", passed=False, note="平成 has no year 32"),
        E(response="令和6年2月30日に集合です。", passed=False, note="not a calendar date"),
        E(response="2024年4月1日に入学しました。", passed=False, note="needs an era date"),
        E(response="令和6年に入学しました。", passed=False, note="a year alone is not a date"),
        E(response="令和6年4月1日（2024年）に入学しました。", passed=False, params={"western_forbidden": True}),
        E(response="令和6年4月1日、すなわち2024/04/01に入学しました。", passed=False,
          params={"western_forbidden": True}),
        E(response="令和6年4月1日に入学しました。", passed=False, params={"min_dates": 2}),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_dates=rng.randint(1, 2), western_forbidden=rng.random() < 0.5)

    def display(self) -> dict[str, str]:
        if self.params.western_forbidden:
            return {"western_rule": "西暦の表記（「2024年」のような4桁の年や「2024-01-05」「2024/01/05」）は使わないでください。"}
        return {"western_rule": "西暦を併記しても構いません。"}

    def check(self, r: Response) -> Verdict:
        f = r.folded
        count = 0
        for m in _WAREKI.finditer(f):
            problem = wareki_problem(m)
            if problem:
                return self.fail(f"the era date {m.group()!r} {problem}")
            count += 1
        if self.params.western_forbidden:
            w = _WESTERN.search(f)
            if w:
                return self.fail(f"found the Western year or date {w.group()!r}")
        need = self.params.min_dates
        if count < need:
            return self.fail(f"{count} era dates, needs at least {need}")
        return self.ok(f"{count} valid era dates")
