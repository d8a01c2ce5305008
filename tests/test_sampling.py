"""The sampler, the frozen benchmark set and base prompt files."""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import pytest

from jfbench import catalog
from jfbench.cli_run import DEFAULT_SEED, SET_PER_SIZE, SET_SIZES, build_set, bundled_set
from jfbench.prompts import BasePrompt, PromptFileError, bundled_prompts, load_prompts
from jfbench.run import load_items
from jfbench.sampling import CONDITIONS_HEADING, DOCUMENT_HEADING, Sampler, combination_problem

SHARED_IFBENCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "ifbench_ja_translated.jsonl"


def test_same_seed_same_bytes_other_seed_other_items():
    a = build_set(3, None, 4, SET_SIZES)
    assert a == build_set(3, None, 4, SET_SIZES)
    assert a != build_set(4, None, 4, SET_SIZES)


def test_the_frozen_set_is_what_build_makes():
    path = bundled_set()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (path.parent / "SHA256SUMS").read_text().split()[0] == digest
    assert build_set(DEFAULT_SEED, None, SET_PER_SIZE, SET_SIZES) == path.read_text(encoding="utf-8")


def test_frozen_set_shape_rules_and_balance():
    items, _ = load_items(bundled_set())
    assert collections.Counter(it.n for it in items) == {1: 300, 2: 300, 4: 300, 8: 300}
    prompts = {p.id: p for p in bundled_prompts("test")}
    counts: collections.Counter[str] = collections.Counter()
    for it in items:
        instances = it.instances()
        assert len(instances) == it.n and it.text.count("\n") >= 2
        assert CONDITIONS_HEADING in it.text and (DOCUMENT_HEADING in it.text) == (it.document is not None)
        if it.n >= 2:
            assert any(inst.output_format for inst in instances), it.id
        assert combination_problem(instances, prompts[it.prompt_id]) is None, it.id
        counts.update(inst.id for inst in instances)
    assert set(counts) == set(catalog.ids())  # every constraint is in the benchmark
    formats = [counts[c.id] for c in catalog.all_constraints() if c.output_format]
    assert max(formats) - min(formats) <= 2
    # ids that conflict with every output format can only appear in the 300 single-constraint items
    multi = [v for cid, v in counts.items() if v >= 10]
    assert len(multi) >= 165 and max(multi) / min(multi) <= 3


def test_rendering_states_the_task_document_and_numbered_conditions():
    prompt = BasePrompt(id="p", text="次の文章を要約してください。", document="猫は眠る。犬は走る。鳥は歌う。")
    item = Sampler([prompt], seed=1).item(2, "x")
    task, document, conditions = item.text.split("\n\n")
    assert task == prompt.text and document == f"{DOCUMENT_HEADING}\n{prompt.document}"
    lines = conditions.splitlines()
    assert lines[0] == CONDITIONS_HEADING and lines[2].startswith("1. ") and lines[3].startswith("2. ")


def test_prompt_files(tmp_path):
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("id,text,category\na1,東京の観光名所を教えてください。,travel\n", encoding="utf-8")
    [p] = load_prompts(csv_file)
    assert (p.id, p.text, p.category) == ("a1", "東京の観光名所を教えてください。", "travel")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "一つ目"}\n{"title": "二つ目"}\n', encoding="utf-8")
    with pytest.raises(PromptFileError, match=r"bad.jsonl:2: no prompt text"):
        load_prompts(bad)
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": "a", "text": "一"}\n{"id": "a", "text": "二"}\n', encoding="utf-8")
    with pytest.raises(PromptFileError, match="appears twice"):
        load_prompts(dup)
    with pytest.raises(PromptFileError, match="does not exist"):
        load_prompts(tmp_path / "missing.jsonl")


@pytest.mark.skipif(not SHARED_IFBENCH.exists(), reason="../shared/data is not present")
def test_translated_ifbench_prompts_load_with_their_japanese_text():
    prompts = load_prompts(SHARED_IFBENCH)
    assert len(prompts) == 300 and prompts[0].id == "0"
    assert all(any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in p.text) for p in prompts)
    Sampler(prompts, seed=1).item(4, "x")  # a set can be built from them


def test_bundled_prompts_are_varied_and_complete():
    prompts = bundled_prompts("test")
    assert len(prompts) == 300 and len({p.id for p in prompts}) == 300
    assert len({p.category for p in prompts}) >= 12
    assert sum(p.document is not None for p in prompts) >= 50
    assert all(3 <= len(p.topics) <= 5 for p in prompts)
    assert len({p.text[:6] for p in prompts}) >= 250  # openings vary
