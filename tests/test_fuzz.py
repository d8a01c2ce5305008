"""Fuzzing: no checker raises, and each returns within 1 s on any text up to 200k characters."""

import time

from conftest import sampled_instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jfbench import catalog
from jfbench.ja import Response

# A safety bound against catastrophic behaviour (not a speed target: see benchmarks/). CPU time of this
# process, so other work on a busy machine does not make it flaky.
LIMIT_SECONDS = 1.0
INSTANCES = [inst for cls in catalog.all_constraints() if cls.kind is not catalog.Kind.JUDGE
             for inst in [*(cls(e.params) for e in cls.examples[:2]), *sampled_instances(cls, draws=3)]]

# Characters that stress the parsers: brackets, quotes, markup, digits and separators, scripts, whitespace.
RISKY = list("（）()「」『』[]{}<>\"'`*_#|-~.,，．、。！？!?:：@/\\0123456789０１２３"
             "ー々あアｱ漢Aa \u3000\t\n😀\u200d\u3099")
units = st.text(alphabet=st.sampled_from(RISKY) | st.characters(codec="utf-8"), min_size=1, max_size=40)


@st.composite
def hostile_texts(draw):
    kind = draw(st.sampled_from(["repeat", "nest", "plain"]))
    if kind == "plain":
        return draw(st.text(min_size=1, max_size=3000))
    size = draw(st.integers(min_value=1_000, max_value=200_000))
    if kind == "nest":
        opener, closer = draw(st.sampled_from([("（", "）"), ("(", ")"), ("「", "」"), ("[", "]"), ("{", "}"),
                                               ("<a>", "</a>"), ('"', '"'), ("**", "**")]))
        depth = size // (len(opener) + len(closer))
        return opener * depth + draw(units) + closer * depth
    unit = draw(units)
    return (unit * (size // len(unit) + 1))[:size]


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
              for i in range(1, 10))
    + "]>\n<lolz>&lol9;</lolz>"
)
YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def run_all(text: str) -> None:
    response = Response(text)
    for inst in INSTANCES:
        start = time.process_time()
        verdict = inst.check(response) if not response.empty else None
        elapsed = time.process_time() - start
        assert elapsed < LIMIT_SECONDS, f"{inst!r} took {elapsed:.2f}s on {len(text)} chars"
        if verdict is not None:
            assert verdict.passed in (True, False) and verdict.reason


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_texts())
def test_checkers_never_raise_and_are_fast(text):
    run_all(text)


def test_known_hostile_inputs():
    for text in [
        "（" * 100_000 + "）" * 100_000,
        "「" * 50_000 + "あ" + "」" * 50_000,
        '"' * 50_000,
        "今日は良い天気ですね、散歩に行きましょう" * 10_000,
        "1,2.3." * 33_000,
        "[a](" * 50_000,
        "あ\n\n" * 66_000,
        "<ruby>漢<rt>" * 20_000,
        "@a." * 66_000,
        "令和" * 100_000,
        "1." * 100_000,
        "*" * 200_000,
        "```\n" * 50_000,
        "|a|b|\n" * 33_000,
        "[" * 20_000 + "]" * 20_000,
        "{" * 20_000 + "}" * 20_000,
        '{"a":' * 20_000 + "1" + "}" * 20_000,
        "<a>" * 20_000 + "</a>" * 20_000,
        "\\begin{x}" * 10_000 + "\\end{x}" * 10_000,
        "> " * 50_000 + "引用",
        "- " * 50_000 + "項目",
        BILLION_LAUGHS,
        YAML_BOMB,
        "\\documentclass{article}\n\\begin{document}\n" + "本文です。" * 30_000 + "\n\\end{document}",
    ]:
        run_all(text)
