"""The registry against the spec (CATALOG.md) and its own validation rules."""

import random

import pytest
from conftest import COMPLETE_GROUPS, catalog_list, catalog_rows, eligible_prompts, sampled_instances

from jfbench import catalog
from jfbench.catalog import CatalogError, Constraint, Example, Group, Params

ALL = catalog.all_constraints()


def test_every_id_is_a_catalog_row_and_complete_groups_are_complete():
    rows = catalog_rows()
    registered = {c.id for c in ALL}
    assert registered <= set(rows), sorted(registered - set(rows))
    for group in COMPLETE_GROUPS:
        expected = {i for i in rows if i.startswith(group + ".")}
        assert expected <= registered, sorted(expected - registered)


def test_the_whole_catalog_is_registered():
    counts = {g: sum(1 for c in ALL if c.group.value == g) for g in COMPLETE_GROUPS}
    assert counts == {"character": 13, "length": 8, "notation": 21, "logic": 2, "format": 35, "structure": 2,
                      "content": 9, "processing": 13, "meta_output": 8, "style": 26, "ifbench_count": 6,
                      "ifbench_format": 9, "ifbench_ratio": 5, "ifbench_repeat": 2, "ifbench_sentence": 3,
                      "ifbench_words": 12}
    assert len(ALL) == 174
    kinds = {k: sum(1 for c in ALL if c.kind.value == k) for k in ("rule", "judge", "hybrid")}
    assert kinds == {"rule": 132, "judge": 23, "hybrid": 19}
    assert sum(c.train for c in ALL) == 72 and sum(c.output_format for c in ALL) == 31


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.id)
def test_alias_kind_and_flags_match_the_catalog(cls):
    row = catalog_rows()[cls.id]
    expected_alias = f"jfbench:{cls.id}" if row["alias"] == "new" else row["alias"]
    assert cls.aliases[0] == expected_alias
    assert cls.kind.value == row["kind"]
    assert cls.train == (cls.id in catalog_list("## Train split"))
    assert cls.output_format == (cls.id in catalog_list("## Output-format constraints"))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.id)
def test_sampler_is_deterministic_and_valid(cls):
    prompts = eligible_prompts(cls)
    for seed in range(5):
        prompt = prompts[seed % len(prompts)]
        a = cls.sample(random.Random(seed), prompt)
        b = cls.sample(random.Random(seed), prompt)
        assert a == b
        cls(a.model_dump())  # round-trips through validation


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.id)
def test_wordings_render_and_state_the_params(cls):
    instances = sampled_instances(cls, draws=30)
    by_wording: dict[str, dict] = {}
    for inst in instances:
        rendered = [inst.wording(), *(inst.wording(i) for i in range(len(cls.train_wordings)))]
        names = catalog.placeholders(cls.test_wording)
        assert not [w for w in rendered if any("{" + n + "}" in w for n in names)], "unfilled placeholder"
        assert len(set(rendered)) == len(rendered), "paraphrases must differ once rendered"
        params = inst.params.model_dump()
        # The wording fully determines the verdict: different params never render the same wording.
        assert by_wording.setdefault(inst.wording(), params) == params
    if cls.Params.model_fields:
        assert len({str(i.params.model_dump()) for i in instances}) >= 2, "sampler draws a single value"


def test_conflicts_are_symmetric_and_families_apply():
    a = catalog.instance("character.full_width")
    b = catalog.instance("character.half_width")
    assert catalog.conflict_between(a, b) and catalog.conflict_between(b, a)
    hira = catalog.instance("character.hiragana_only")
    assert catalog.conflict_between(hira, catalog.instance("character.katakana_only"))
    assert catalog.conflict_between(hira, catalog.instance("notation.halfwidth_digits"))
    assert catalog.conflict_between(catalog.instance("notation.halfwidth_digits"), hira)
    assert catalog.conflict_between(hira, catalog.instance("character.no_commas")) is None
    assert catalog.conflict_between(hira, hira)


def test_resolve_by_alias_and_suggestions():
    assert catalog.resolve("CharactersLengthConstraint").id == "length.characters"
    with pytest.raises(CatalogError, match=r"did you mean length\.characters"):
        catalog.resolve("length.charcters")


def test_invalid_params_name_the_field_and_the_range():
    with pytest.raises(CatalogError, match=r"length\.characters: min: .*greater than or equal to 1"):
        catalog.instance("length.characters", {"min": 0, "max": 100})
    with pytest.raises(CatalogError, match="extra_field"):
        catalog.instance("character.no_commas", {"extra_field": 1})


# --- the registry rejects malformed constraints ------------------------------------------------------

def _make(**overrides):
    class P(Params):
        n: int = 3

    attrs = dict(
        id="length.broken_test", group=Group.LENGTH, aliases=("BrokenConstraint",), Params=P,
        test_wording="ちょうど{n}文で書いてください。",
        examples=(Example(response="はい。", passed=True), Example(response="いいえ", passed=False)),
        check=lambda self, r: self.ok("x"),
    )
    attrs.update(overrides)
    return type("Broken", (Constraint,), attrs)


@pytest.mark.parametrize(("overrides", "message"), [
    ({}, None),
    ({"test_wording": "ちょうど{m}文で書いてください。"}, "match no parameter"),
    ({"id": "character.broken_test"}, "group"),
    ({"examples": (Example(response="はい。", passed=True),)}, "passing and one failing"),
    ({"train": True, "train_wordings": ("{n}文の1", "{n}文の2", "{n}文の3", "{n}文の4")}, "5 distinct"),
    ({"train": True, "train_wordings": ("ちょうど{n}文で書いてください。", "{n}文2", "{n}文3", "{n}文4", "{n}文5")},
     "differ from the test wording"),
    ({"train_wordings": ("{n}文の1",)}, "only train constraints"),
    ({"train": True, "train_wordings": ("{n}文1", "{n}文2", "{n}文3", "{n}文4", "五文で")}, "placeholders"),
    ({"aliases": ()}, "aliases"),
    ({"examples": (Example(response="はい。", passed=True, params={"n": 0.5}),
                   Example(response="x", passed=False))}, "n"),
])
def test_spec_validation(overrides, message):
    cls = _make(**overrides)
    if message is None:
        catalog.ConstraintSpec.from_class(cls)
        return
    with pytest.raises(CatalogError, match=message):
        catalog.ConstraintSpec.from_class(cls)


def test_duplicate_ids_are_rejected():
    with pytest.raises(CatalogError, match="duplicate"):
        catalog.register(_make(id="length.characters"))


def test_every_constraint_package_is_shipped():
    """A group (or engine part) that grows into a folder must be listed in pyproject.toml, or `pip install .`
    drops it."""
    import tomllib

    from conftest import ROOT

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {"jfbench.constraints." + ".".join(p.parent.relative_to(ROOT / "constraints").parts)
               for p in (ROOT / "constraints").rglob("__init__.py") if p.parent != ROOT / "constraints"}
    folders |= {"jfbench." + ".".join(p.parent.relative_to(ROOT / "jfbench").parts)
                for p in (ROOT / "jfbench").rglob("__init__.py") if p.parent != ROOT / "jfbench"}
    assert folders <= listed, sorted(folders - listed)
