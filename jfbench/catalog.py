"""The constraint catalog: Constraint, Verdict, Group, the registry and its validation.

A constraint is a class with declarative data (id, group, wordings, params, examples, conflicts) and
one pure `check`. Instantiating it with params gives an *instance*. Every module in
`jfbench.constraints` is imported once and every class is validated at import, so a malformed
constraint fails loudly before any answer is checked.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
import pkgutil
import random
import string
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jfbench.ja import Response, analyse


class Group(StrEnum):
    CHARACTER = "character"
    CONTENT = "content"
    FORMAT = "format"
    IFBENCH_COUNT = "ifbench_count"
    IFBENCH_FORMAT = "ifbench_format"
    IFBENCH_RATIO = "ifbench_ratio"
    IFBENCH_REPEAT = "ifbench_repeat"
    IFBENCH_SENTENCE = "ifbench_sentence"
    IFBENCH_WORDS = "ifbench_words"
    LENGTH = "length"
    LOGIC = "logic"
    META_OUTPUT = "meta_output"
    NOTATION = "notation"
    PROCESSING = "processing"
    STRUCTURE = "structure"
    STYLE = "style"

    @property
    def title_ja(self) -> str:
        """A short Japanese name for reports and charts."""
        return GROUP_TITLES_JA[self.value]


GROUP_TITLES_JA = {
    "character": "文字種", "content": "内容", "format": "出力形式", "ifbench_count": "個数（IFBench）",
    "ifbench_format": "書式（IFBench）", "ifbench_ratio": "比率（IFBench）", "ifbench_repeat": "反復（IFBench）",
    "ifbench_sentence": "文（IFBench）", "ifbench_words": "語（IFBench）", "length": "長さ", "logic": "論理",
    "meta_output": "出力の作法", "notation": "表記", "processing": "文書の加工", "structure": "構成",
    "style": "文体",
}


class Kind(StrEnum):
    RULE = "rule"
    JUDGE = "judge"
    HYBRID = "hybrid"


Method = Literal["rule", "heuristic", "judge", "judge_error", "skipped", "error"]


class Verdict(BaseModel):
    """passed is None when no verdict could be reached: skipped (no judge), judge_error, or a bad input."""

    passed: bool | None
    reason: str
    method: Method = "rule"
    heuristic: bool | None = None  # a hybrid's offline verdict, kept beside the judge's
    usage: dict[str, Any] | None = None  # judge tokens and cost


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Params(BaseModel):
    """Base for parameter models: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(BaseModel):
    model_config = ConfigDict(frozen=True)
    response: str
    passed: bool
    params: dict[str, Any] = Field(default_factory=dict)
    document: str | None = None
    note: str = ""


class CatalogError(ValueError):
    """A bad constraint id, alias or params: the message is one line a user can act on."""


# Ids of whole-response payload formats (CATALOG.md family E1); other groups declare conflicts with it.
PAYLOAD_FORMATS = (
    "format.json", "format.json_schema", "format.json_lines", "format.csv", "format.tsv", "format.yaml",
    "format.xml", "format.html", "format.html_table", "format.latex", "format.latex_table",
    "format.markdown_table", "format.mediawiki_table", "format.python", "format.python_fenced",
    "format.python_no_fence", "format.javascript", "format.javascript_fenced", "format.javascript_no_fence",
    "format.unified_diff",
)

# The E1 allow-list: the only ids a payload format may share a prompt with (logic items by their inner).
PAYLOAD_COMPANIONS = (
    "character.*", "content.keyword_included", "content.keyword_excluded", "content.topic_included",
    "content.topic_excluded", "content.grounded_in_prompt", "length.characters", "length.words", "notation.*",
    "style.japanese", "style.english", "style.british_english", "style.american_english", "style.no_english",
    "style.no_japanese", "style.polite", "style.plain", "style.formal_tone", "style.business_tone",
    "style.easy_vocabulary", "style.difficult_vocabulary", "meta_output.no_greeting",
    "meta_output.no_explanation", "meta_output.no_self_reference", "meta_output.no_self_attestation",
)

# X9: ids whose answers are not Japanese text, so no readings-based (UniDic) constraint can join them.
NON_JAPANESE_IDS = (
    "style.english", "style.british_english", "style.american_english", "style.no_japanese",
    "character.romaji_only", "character.half_width",
)

# Exclusive families of CATALOG.md: at most one member per prompt.
FAMILIES: dict[str, tuple[str, ...]] = {
    "E1": PAYLOAD_FORMATS,
    "E2": ("character.hiragana_only", "character.katakana_only", "character.kanji_only", "character.romaji_only"),
    "E3": ("character.full_width", "character.half_width"),
    "E4": ("character.lowercase", "character.uppercase"),
    "E5": ("style.polite", "style.plain", "style.taigendome"),
    "E6": ("style.past_tense", "style.present_tense", "style.taigendome"),
    "E7": ("style.easy_vocabulary", "style.difficult_vocabulary"),
    "E8": ("style.angry_emotion", "style.happy_emotion", "style.joyful_emotion", "style.sad_emotion"),
    "E11": ("meta_output.greeting", "meta_output.no_greeting"),
    "E15": ("content.topic_included", "content.topic_excluded"),
    "E19a": ("notation.postal_code_hyphen", "notation.postal_code_no_hyphen"),
    "E19b": ("notation.phone_hyphen", "notation.phone_no_hyphen"),
    "E20": ("processing.repeat_document", "processing.sort_sentences_codepoint",
            "processing.sort_sentences_length", "processing.sort_sentences_number",
            "processing.replace_span", "processing.split_document"),
}


class Demands(BaseModel):
    """What an instance forces on every answer that satisfies it, for the sampler's budget checks
    (CATALOG.md P1-P4, P7): each field is this instance's own term; sampling.budget_problem combines them.
    Defaults demand nothing."""

    model_config = ConfigDict(frozen=True)
    min_chars: float = 0  # P1 lower-bound term L (chars(T))
    max_chars: float | None = None  # P1 upper-bound term U
    min_sentences: int = 0  # P2 lower bound
    max_sentences: int | None = None  # P2: the upper bound (length.sentences)
    max_chars_per_sentence: int | None = None  # P1: U <= sentences_max x this
    min_words: int = 0  # P8
    max_words: int | None = None  # P1 (U <= 4 x words_max), P8
    forced_lines: int = 0  # P2/P3: non-empty lines forced by lists, headings, sections, tables
    min_paragraphs: int = 0  # P3
    max_paragraphs: int | None = None  # P3
    numbers: int = 0  # P4: Arabic number tokens forced
    max_numbers: int | None = None  # P4: ifbench_count.numbers
    forced_texts: tuple[str, ...] = ()  # P7: literal text T must contain
    keyword_chars: int = 0  # P6: sum of count x chars(keyword) of required keywords


# JFBench constructor arguments that are not parameters: the template seed, the LLM client (the judge is
# configured at run time) and the source document (it comes with the check: `jfbench check --document`).
JFBENCH_RUNTIME_KWARGS = frozenset({"seed", "client", "document"})


class Constraint:
    """One constraint type. `Constraint(params)` is an instance; `check` is pure."""

    id: ClassVar[str]
    group: ClassVar[Group]
    kind: ClassVar[Kind] = Kind.RULE
    aliases: ClassVar[tuple[str, ...]] = ()
    train: ClassVar[bool] = False
    output_format: ClassVar[bool] = False
    Params: ClassVar[type[BaseModel]] = NoParams
    test_wording: ClassVar[str]
    train_wordings: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    # id patterns (fnmatch) this constraint never combines with; symmetric, see `conflict_between`.
    conflicts: ClassVar[tuple[str, ...]] = ()
    # JFBench keyword argument name -> our param name, for calls through the alias.
    jfbench_kwargs: ClassVar[dict[str, str]] = {}

    def __init__(self, params: BaseModel | dict[str, Any] | None = None) -> None:
        if isinstance(params, self.Params):
            self.params = params
        else:
            self.params = validate_params(type(self), params or {})

    def __repr__(self) -> str:
        return f"{self.id}({self.params.model_dump()})"

    # Judge and hybrid constraints name their rubric: judges/<rubric>.md (one file per constraint or family).
    rubric: ClassVar[str | None] = None

    # --- parameters and wording ------------------------------------------------------------------
    @classmethod
    def eligible(cls, prompt: Any) -> bool:
        """Whether this constraint can be attached to the prompt (e.g. it needs a source document of some
        shape); the sampler draws another constraint when not. `sample` is only called for eligible prompts."""
        return True

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> BaseModel:
        """Draw realistic parameter values; constraints with parameters override this."""
        return cls.Params()

    def display(self) -> dict[str, str]:
        """Derived placeholder values (e.g. a range rendered in Japanese); override when needed."""
        return {}

    def wording(self, index: int | None = None) -> str:
        """The test wording (index None) or train paraphrase `index`, with the params filled in."""
        template = self.test_wording if index is None else self.train_wordings[index]
        values = {**self.params.model_dump(), **self.display()}
        return template.format(**values)

    # --- checking --------------------------------------------------------------------------------
    def check(self, response: Response) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError

    def evaluate(self, response: Response | str, document: str | None = None) -> Verdict:
        """Strict verdict with the shared rules: an empty answer fails, a judge kind is skipped offline."""
        if isinstance(response, str):
            response = analyse(response, document)
        if response.empty:
            return Verdict(passed=False, reason="the answer is empty", method="rule")
        if self.kind is Kind.JUDGE:
            return Verdict(passed=None, reason="needs an LLM judge", method="skipped")
        try:
            verdict = self.check(response)
        except Exception as exc:  # a checker bug must not abort a batch; the fuzz tests catch these
            return Verdict(passed=None, reason=f"checker error: {type(exc).__name__}: {exc}", method="error")
        if self.kind is Kind.HYBRID:  # offline, a hybrid's check is its heuristic; the judge decides later
            verdict.method = "heuristic"
        return verdict

    @staticmethod
    def ok(reason: str) -> Verdict:
        return Verdict(passed=True, reason=reason)

    @staticmethod
    def fail(reason: str) -> Verdict:
        return Verdict(passed=False, reason=reason)

    # --- interop and conflicts -------------------------------------------------------------------
    @classmethod
    def params_from_jfbench(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Translate JFBench constructor kwargs into our params (unknown kwargs are errors)."""
        params: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in JFBENCH_RUNTIME_KWARGS:
                continue
            if key not in cls.jfbench_kwargs:
                known = ", ".join(cls.jfbench_kwargs) or "none"
                raise CatalogError(f"{cls.aliases[0]} takes no JFBench argument {key!r} (known: {known})")
            params[cls.jfbench_kwargs[key]] = value
        return cls.adapt_jfbench_params(params)

    @classmethod
    def adapt_jfbench_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        """Hook for translations that are more than a rename."""
        return params

    def param_conflict(self, other: Constraint) -> str | None:
        """Parameter-level contradictions with another instance; override where the catalog has some."""
        return None

    def demands(self, prompt: Any = None) -> Demands:
        """This instance's terms in the sampler's budgets (P1-P4, P7) for this prompt; override where the
        catalog lists one."""
        return Demands()

    def forced_text_problem(self, text: str) -> str | None:
        """P7: why a literal text the answer must contain (a copied document, a prefix, template labels)
        breaks this instance's character-level rule (script, width, case, punctuation, whitespace,
        numerals, excluded keywords, sentence length), or None. Only such rules override this."""
        return None


# --- registry -------------------------------------------------------------------------------------

_REGISTRY: dict[str, type[Constraint]] = {}
_ALIASES: dict[str, str] = {}
_LOADED = False


def register(cls: type[Constraint]) -> type[Constraint]:
    spec = ConstraintSpec.from_class(cls)
    if spec.id in _REGISTRY:
        raise CatalogError(f"duplicate constraint id {spec.id}")
    for alias in cls.aliases:
        if alias in _ALIASES:
            raise CatalogError(f"alias {alias} names both {_ALIASES[alias]} and {cls.id}")
        _ALIASES[alias] = cls.id
    _REGISTRY[cls.id] = cls
    return cls


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module("jfbench.constraints")
    for module in sorted(pkgutil.walk_packages(package.__path__, "jfbench.constraints."), key=lambda m: m.name):
        importlib.import_module(module.name)


def all_constraints() -> list[type[Constraint]]:
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def ids() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def resolve(name: str) -> type[Constraint]:
    """A constraint class by id or JFBench alias; an unknown name gets the nearest suggestions."""
    _load()
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name in _ALIASES:
        return _REGISTRY[_ALIASES[name]]
    near = difflib.get_close_matches(name, [*_REGISTRY, *_ALIASES], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else "; run `jfbench list` to see all ids"
    raise CatalogError(f"unknown constraint {name!r}{hint}")


def validate_params(cls: type[Constraint], params: dict[str, Any]) -> BaseModel:
    try:
        return cls.Params.model_validate(params)
    except ValidationError as exc:
        raise CatalogError(f"{cls.id}: {describe_validation_error(exc, cls.Params)}") from None


def allowed_range(model: type[BaseModel], name: str) -> str:
    """The declared bounds of a numeric field, e.g. "1 <= min <= 100000", or ""."""
    field = model.model_fields.get(name)
    if field is None:
        return ""
    low = high = ""
    for m in field.metadata:
        for attr, fmt in (("ge", "{} <= "), ("gt", "{} < ")):
            if getattr(m, attr, None) is not None:
                low = fmt.format(getattr(m, attr))
        for attr, fmt in (("le", " <= {}"), ("lt", " < {}")):
            if getattr(m, attr, None) is not None:
                high = fmt.format(getattr(m, attr))
    return f"{low}{name}{high}" if low or high else ""


def describe_validation_error(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "params"
        got = f" (got {err['input']!r})" if err["type"] != "missing" and where != "params" else ""
        bounds = allowed_range(model, where) if model is not None else ""
        allowed = f"; allowed: {bounds}" if bounds else ""
        if err["type"] == "extra_forbidden" and model is not None:
            allowed = f"; known params: {', '.join(model.model_fields) or 'none'}"
        parts.append(f"{where}: {err['msg'].removeprefix('Value error, ')}{got}{allowed}")
    return "; ".join(parts)


def instance(name: str, params: dict[str, Any] | None = None, jfbench_kwargs: dict[str, Any] | None = None
             ) -> Constraint:
    """An instance by id or alias, from our params or from JFBench's constructor kwargs."""
    cls = resolve(name)
    if jfbench_kwargs is not None:
        if params:
            raise CatalogError("give either params or JFBench kwargs, not both")
        params = cls.params_from_jfbench(jfbench_kwargs)
    return cls(params or {})


def instance_from_jfbench(record: dict[str, Any]) -> Constraint:
    """An instance from JFBench's serialised form {"module", "name", "kwargs"} (optionally wrapped)."""
    if record.get("__type__") == "constraint":
        record = record["value"]
    if not isinstance(record, dict) or "name" not in record:
        raise CatalogError('a JFBench constraint record needs "name" and "kwargs"')
    return instance(record["name"], jfbench_kwargs=dict(record.get("kwargs") or {}))


# --- conflicts ------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)  # the sampler asks about the same id pairs hundreds of thousands of times
def _matches(cid: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(cid, p) for p in patterns)


def effective_id(c: Constraint) -> str:
    """The id a constraint counts as in conflict rules: a logic item counts as its inner constraint."""
    cached = c.__dict__.get("_effective_id")
    if cached is None:
        inner = getattr(c, "inner", None)
        cached = c.__dict__["_effective_id"] = inner.id if isinstance(inner, Constraint) else c.id
    return cached


def _payload_conflict(payload_id: str, other_id: str, other_effective: str) -> str | None:
    """E1: a payload format shares a prompt only with the ids of PAYLOAD_COMPANIONS."""
    if payload_id not in PAYLOAD_FORMATS or other_id in PAYLOAD_FORMATS:
        return None
    if _matches(other_effective, PAYLOAD_COMPANIONS):
        return None
    return f"{other_id} cannot join the payload format {payload_id} (E1)"


@lru_cache(maxsize=65536)
def _id_conflict(a_id: str, a_effective: str, a_conflicts: tuple[str, ...],
                 b_id: str, b_effective: str, b_conflicts: tuple[str, ...]) -> str | None:
    """The rules that depend on ids alone: families, declared conflicts, E1."""
    if a_id == b_id:
        return f"{a_id} appears twice"
    for name, members in FAMILIES.items():
        if a_id in members and b_id in members:
            return f"{a_id} and {b_id} are both in family {name}"
    if _matches(b_id, a_conflicts) or _matches(a_id, b_conflicts):
        return f"{a_id} conflicts with {b_id}"
    return _payload_conflict(a_id, b_id, b_effective) or _payload_conflict(b_id, a_id, a_effective)


def conflict_between(a: Constraint, b: Constraint) -> str | None:
    """Why two instances may not share a prompt (families, declared conflicts, params), or None."""
    return (_id_conflict(a.id, effective_id(a), tuple(a.conflicts), b.id, effective_id(b), tuple(b.conflicts))
            or a.param_conflict(b) or b.param_conflict(a))


# --- validation at import -------------------------------------------------------------------------

def rubric_path(name: str) -> Path:
    """The judge rubric file judges/<name>.md, shipped as package data of jfbench.judges."""
    return Path(importlib.import_module("jfbench.judges").__file__).parent / f"{name}.md"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class ConstraintSpec(BaseModel):
    """What every constraint must satisfy; built from the class at registration."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    group: Group
    kind: Kind
    aliases: tuple[str, ...] = Field(min_length=1)
    train: bool
    output_format: bool
    test_wording: str = Field(min_length=8)
    train_wordings: tuple[str, ...]
    examples: tuple[Example, ...]
    params_fields: tuple[str, ...]

    @classmethod
    def from_class(cls, c: type[Constraint]) -> ConstraintSpec:
        try:
            spec = cls(id=c.id, group=c.group, kind=c.kind, aliases=c.aliases, train=c.train,
                       output_format=c.output_format, test_wording=c.test_wording,
                       train_wordings=c.train_wordings, examples=c.examples,
                       params_fields=tuple(c.Params.model_fields), rubric=c.rubric)
        except ValidationError as exc:
            raise CatalogError(f"{getattr(c, 'id', c.__name__)}: {describe_validation_error(exc)}") from None
        spec.check_wordings(c)
        return spec

    rubric: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConstraintSpec:
        if self.kind is not Kind.RULE:
            if not self.rubric:
                raise ValueError("judge and hybrid constraints name a rubric in judges/")
            if not rubric_path(self.rubric).is_file():
                raise ValueError(f"rubric {self.rubric!r} has no file judges/{self.rubric}.md")
        if self.id.split(".")[0] != self.group.value:
            raise ValueError(f"id prefix must be the group {self.group.value}")
        if self.train:
            if len(self.train_wordings) != 5 or len(set(self.train_wordings)) != 5:
                raise ValueError("a train constraint needs 5 distinct train wordings")
            if self.test_wording in self.train_wordings:
                raise ValueError("train wordings must differ from the test wording")
        elif self.train_wordings:
            raise ValueError("only train constraints carry train wordings")
        if not any(e.passed for e in self.examples) or all(e.passed for e in self.examples):
            raise ValueError("needs at least one passing and one failing example")
        return self

    def check_wordings(self, c: type[Constraint]) -> None:
        wordings = (self.test_wording, *self.train_wordings)
        names = placeholders(self.test_wording)
        for w in wordings:
            if placeholders(w) != names:
                raise CatalogError(f"{self.id}: every wording must use the placeholders {sorted(names)}: {w}")
        for example in self.examples:
            inst = c(example.params)  # raises CatalogError on bad example params
            known = set(self.params_fields) | set(inst.display())
            if not names <= known:
                raise CatalogError(f"{self.id}: placeholders {sorted(names - known)} match no parameter")
            for i in range(len(self.train_wordings)):
                inst.wording(i)
            inst.wording()
