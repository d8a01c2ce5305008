import json
import random
import re
from pathlib import Path

import pytest

from jfbench import catalog
from jfbench.prompts import BasePrompt

ROOT = Path(__file__).resolve().parents[1]
CATALOG_MD = ROOT.parent / "shared" / "CATALOG.md"
DATA = Path(__file__).parent / "data"

# Groups whose every CATALOG.md row is implemented; the others are still partial.
COMPLETE_GROUPS = {g.value for g in catalog.Group}  # all 16 groups

SAMPLE_PROMPTS = [
    BasePrompt(id="p1", category="explanation",
               text="日本の梅雨について、小学生にもわかるように説明してください。梅雨前線や季節の変化にも触れてください。"),
    BasePrompt(id="p2", category="summary", text="次の文章を要約してください。",
               document="江戸時代の町人文化は、商業の発展とともに花開いた。歌舞伎や浮世絵は庶民の娯楽として広まり、"
                        "出版業の発達によって読み物も身近になった。"),
    # Documents with 3-8 one-line sentences and numbers, so the processing sorts have eligible prompts.
    BasePrompt(id="p3", category="rewrite", text="次の案内文を、観光客向けにやさしく書き直してください。",
               document="富士山の標高は3776メートルです。山頂付近の気温は夏でも10度を下回ることがあります。"
                        "毎年7月から9月までが登山シーズンです。外国人観光客にはハイキングコースも人気です。"),
    BasePrompt(id="p4", category="summary", text="次の日記を三人称で要約してください。",
               document="2023年4月1日、田中さんは大阪から京都へ引っ越した。\n新しい職場までは電車で15分かかる。\n"
                        "休日にはカフェで本を読むのが楽しみだ。"),
    # Prompts with reviewed subtopics, so content.topic_included / topic_excluded have eligible prompts.
    BasePrompt(id="p5", category="explanation",
               text="次の文章をもとに、地域の図書館の役割を中学生向けに説明してください。",
               document="地域の図書館は、本を無料で貸し出すだけの場所ではない。子ども向けの読み聞かせ会や、"
                        "高齢者向けのパソコン教室も開かれている。静かに勉強できる席を求めて、放課後に通う学生も多い。",
               topics=("本の無料貸し出し", "読み聞かせ会などの催し", "高齢者向けの講座", "学生の学習の場")),
    BasePrompt(id="p6", category="advice",
               text="次の条件で、初めての一人暮らしの部屋選びのアドバイスを書いてください。",
               document="予算は家賃7万円まで。職場までは電車で30分以内を希望。自炊をしたいので、キッチンは広めがよい。",
               topics=("家賃と初期費用", "通勤時間と立地", "キッチンの広さ", "防犯と安全")),
]


def ordinary_answers() -> list[dict]:
    path = DATA / "ordinary_answers.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def catalog_rows() -> dict[str, dict]:
    """id -> {alias, kind} parsed from ../shared/CATALOG.md (the spec); skips when shared/ is absent."""
    if not CATALOG_MD.exists():
        pytest.skip("../shared/CATALOG.md is not beside the repository")
    rows = {}
    for m in re.finditer(r"^\| `([a-z_]+\.[a-z0-9_]+)` \| (\S+) \| (rule|judge|hybrid) \|", CATALOG_MD.read_text(),
                         re.MULTILINE):
        rows[m.group(1)] = {"alias": m.group(2), "kind": m.group(3)}
    return rows


def catalog_list(heading: str) -> set[str]:
    """The ids of the code block that follows a CATALOG.md heading (train split, output formats)."""
    if not CATALOG_MD.exists():
        pytest.skip("../shared/CATALOG.md is not beside the repository")
    text = CATALOG_MD.read_text()
    section = text[text.index(heading):]
    block = section[section.index("```") + 3:]
    return set(block[:block.index("```")].split())


def sampled_instances(cls, draws: int = 12):
    """Instances from the constraint's own sampler over a few seeds and prompts."""
    prompts = eligible_prompts(cls)
    return [cls(cls.sample(random.Random(seed), prompts[seed % len(prompts)])) for seed in range(draws)]


def eligible_prompts(cls) -> list:
    """The test prompts (and None, for no prompt) the constraint may be attached to; never empty."""
    prompts = [p for p in [None, *SAMPLE_PROMPTS] if cls.eligible(p)]
    assert prompts, f"{cls.id} is eligible for none of the test prompts"
    return prompts


@pytest.fixture(scope="session")
def constraints():
    return catalog.all_constraints()
