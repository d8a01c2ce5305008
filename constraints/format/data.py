"""format: data payloads (JSON, JSON Schema, JSON Lines, CSV, TSV, YAML); CATALOG.md "format", §WRAP rows.

Every constraint here takes its payload through `_wrap.unwrap` with the row's fence tags and fails with the
wrapper's reason when there is none. The parsers are bounded before they run: JSON gets a bracket-depth
pre-scan (json.loads recurses), YAML gets a nesting pre-scan (libyaml recurses and segfaults on deep
block nesting, and is quadratic on deep flow nesting) and an event pre-scan that bounds aliases and the
alias-expanded size before `yaml.load` with a safe loader. Nothing is ever executed.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import warnings
from typing import Any, ClassVar, Literal

import regex
import yaml
from jsonschema import Draft202012Validator
from pydantic import Field
from referencing import Registry
from referencing.exceptions import NoSuchResource

from jfbench.catalog import Constraint, Demands, Example, Group, Verdict, register
from jfbench.catalog import Params as ParamsBase
from jfbench.ja import Response, char_count
from jfbench.prompts import as_prompt

from ._tables import table_demands
from ._wrap import unwrap

E = Example

JSON_TAGS = ("json", "")
JSONL_TAGS = ("jsonl", "json", "")
CSV_TAGS = ("csv", "")
TSV_TAGS = ("tsv", "")
YAML_TAGS = ("yaml", "yml", "")

MAX_JSON_DEPTH = 500


def _clip(text: str, limit: int = 160) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --- JSON ---------------------------------------------------------------------------------------------

# A JSON string, unrolled so that it is linear; used to hide brackets inside strings from the depth scan.
_JSON_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The maximum nesting depth of [ and { outside JSON strings (an upper bound for a broken text)."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(text: str) -> tuple[Any, str | None]:
    """(value, None) for one standard JSON text, or (None, reason). No NaN/Infinity; depth <= 500."""
    depth = json_depth(text) if text.lstrip()[:1] in ("[", "{") else 0  # json.loads fails fast otherwise
    if depth > MAX_JSON_DEPTH:
        return None, f"brackets nest {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted"
    try:
        return json.loads(text, parse_constant=_no_constants), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, f"not valid JSON: {_clip(str(exc))}"


def _json_payload(r: Response, tags: tuple[str, ...]) -> tuple[Any, str | None]:
    """The parsed §WRAP JSON payload, shared by format.json and format.json_schema."""

    def compute() -> tuple[Any, str | None]:
        payload = unwrap(r, tags)
        if payload.text is None:
            return None, payload.reason
        if not payload.text.strip():
            return None, "the code block is empty"
        return parse_json(payload.text)

    return r.memo(("json-value", tags), compute)


_JSON_TOP = {
    "object": "オブジェクト（{ } で囲んだ形）",
    "array": "配列（[ ] で囲んだ形）",
    "any": "オブジェクト（{ } で囲んだ形）か配列（[ ] で囲んだ形）のどちらか",
}


@register
class Json(Constraint):
    id = "format.json"
    group = Group.FORMAT
    aliases = ("JsonFormatConstraint",)
    train = True
    output_format = True

    class Params(ParamsBase):
        # "any" is the alias-call default (JFBench has no such argument): an object or an array.
        top_level: Literal["object", "array", "any"] = "any"

    test_wording = (
        "回答全体を、そのまま読み込める正しいJSONにしてください。最上位（トップレベル）の値は{top_ja}とし、"
        "数値や文字列だけのJSONにはしないでください。NaNやInfinity、コメント、末尾の余分なカンマは使えません。"
        "JSONの前後に説明や挨拶を書かず、JSONだけを出力してください（全体を```jsonで始まるコードブロック1つに入れるのは構いません）。"
    )
    train_wordings = (
        "出力はJSONデータのみとします。一番外側は{top_ja}にしてください。標準のJSONとして解析できること（NaN・Infinity・コメント・末尾カンマは不可）が条件で、前置きや補足の文章は一切付けないでください。コードブロックを使う場合は```jsonのブロック1つだけにしてください。",
        "JSON形式だけで答えてください。トップレベルは{top_ja}でなければならず、単独の数値や文字列は認められません。JSONの外に文章を書かないこと、またNaN・Infinity・コメント・末尾カンマのような標準外の書き方をしないことに注意してください（```jsonのコードブロック1つで全体を囲むのは可）。",
        "回答は機械がそのまま読み込めるJSONにしてください。外側の構造は{top_ja}です。解説・見出し・締めの言葉などJSON以外のものは含めず、NaN、Infinity、コメント、最後の要素の後ろのカンマも使わないでください。```jsonのコードブロック1つにまとめてもかまいません。",
        "有効なJSONを1つだけ返してください。最上位の値の型は{top_ja}とします。JSONの前後には何も書かず（コードブロックにするなら```jsonのもの1つのみ）、NaN・Infinity・コメント・末尾カンマといったJSONで許されない記法は避けてください。",
        "JSONで出力してください。条件は次のとおりです：最上位は{top_ja}であること、標準のJSONとしてパースできること（NaN・Infinity・コメント・末尾カンマなし）、JSON以外の文章を書かないこと。全体を```jsonのコードブロック1つで囲むことは許されます。",
    )
    examples = (
        E(response='{"city": "京都", "season": "秋", "spots": ["清水寺", "嵐山", "東福寺"]}', passed=True,
          params={"top_level": "object"}),
        E(response='```json\n[\n  {"name": "りんご", "price": 120},\n  {"name": "みかん", "price": 80}\n]\n```',
          passed=True, params={"top_level": "array"}, note="anchor defect: fenced JSON must pass"),
        E(response='~~~\n{"answer": "はい", "confidence": 0.8}\n~~~', passed=True, params={"top_level": "object"},
          note="an untagged tilde fence is allowed"),
        E(response='[{"曜日": "月", "予定": "会議"}]', passed=True, params={},
          note="alias call: top_level any accepts an array"),
        E(response="42", passed=False, params={}, note="anchor defect: a bare scalar is not an object or array"),
        E(response='"東京は日本の首都です。"', passed=False, params={"top_level": "object"},
          note="a bare string fails"),
        E(response='[{"name": "りんご"}]', passed=False, params={"top_level": "object"},
          note="an array where an object is required"),
        E(response='以下がJSONです。\n```json\n{"city": "京都", "season": "秋"}\n```', passed=False,
          params={"top_level": "object"}, note="near miss: a preface sentence before the block"),
        E(response='{"city": "京都", "season": "秋",}', passed=False, params={"top_level": "object"},
          note="trailing comma"),
        E(response='{"temperature": NaN, "unit": "℃"}', passed=False, params={"top_level": "object"},
          note="NaN is not JSON"),
        E(response="京都の紅葉は11月下旬が見頃です。清水寺や嵐山が人気です。", passed=False, params={},
          note="prose fails"),
        E(response='```json\n{"city": "京都"}\n', passed=False, params={"top_level": "object"},
          note="an unclosed fence"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(top_level=rng.choice(("object", "array")))

    def display(self) -> dict[str, str]:
        return {"top_ja": _JSON_TOP[self.params.top_level]}

    def check(self, r: Response) -> Verdict:
        value, error = _json_payload(r, JSON_TAGS)
        if error:
            return self.fail(error)
        want = self.params.top_level
        is_object, is_array = isinstance(value, dict), isinstance(value, list)
        if want == "object" and not is_object:
            return self.fail(f"the top-level value is {_type_name(value)}; it must be a JSON object")
        if want == "array" and not is_array:
            return self.fail(f"the top-level value is {_type_name(value)}; it must be a JSON array")
        if not (is_object or is_array):
            return self.fail(f"the top-level value is {_type_name(value)}; it must be an object or an array")
        return self.ok(f"valid JSON with {_type_name(value)} at the top level")


# --- JSON Schema ----------------------------------------------------------------------------------------

def _s(description: str, min_length: int = 1, **extra: Any) -> dict[str, Any]:
    return {"description": description, "type": "string", **extra, "minLength": min_length}


def _enum(description: str, values: list[str]) -> dict[str, Any]:
    return {"description": description, "type": "string", "enum": values}


def _int(description: str, minimum: int, maximum: int) -> dict[str, Any]:
    return {"description": description, "type": "integer", "minimum": minimum, "maximum": maximum}


def _arr(description: str, items: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    # minItems/maxItems precede items: the validator reports an oversized array before walking it.
    return {"description": description, "type": "array", "minItems": lo, "maxItems": hi, "items": items}


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = (), description: str | None = None
         ) -> dict[str, Any]:
    head = {"description": description} if description else {}
    return {**head, "type": "object", "required": [k for k in properties if k not in optional],
            "additionalProperties": False, "properties": properties}


def _root(title: str, description: str, properties: dict[str, Any], optional: tuple[str, ...] = ()
          ) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
            **_obj(properties, optional, description)}


_DATE = _s("日付（YYYY-MM-DD形式）", 10, pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$", examples=["2025-04-01"])

# The curated schemas of format.json_schema (CATALOG.md: 10 schemas, draft 2020-12; every object has
# additionalProperties false and required keys; types, enums, minItems/maxItems and minLength throughout).
SCHEMAS: dict[str, dict[str, Any]] = {
    "recipe": _root("レシピ", "料理1品の作り方", {
        "name": _s("料理名"),
        "servings": _int("何人分か", 1, 10),
        "difficulty": _enum("難しさ", ["かんたん", "ふつう", "むずかしい"]),
        "ingredients": _arr("材料の一覧", _obj({
            "item": _s("材料名"),
            "amount": _s("分量（例：大さじ1、200g）"),
        }), 2, 15),
        "steps": _arr("手順（順番どおり）", _obj({
            "order": _int("手順の番号（1から）", 1, 20),
            "instruction": _s("その手順でする作業", 5),
            "minutes": _int("目安の時間（分）。省略可", 0, 240),
        }, optional=("minutes",)), 2, 10),
    }),
    "meeting_summary": _root("会議の要約", "1回の会議の記録", {
        "title": _s("会議名"),
        "date": _DATE,
        "attendees": _arr("出席者の名前", _s("出席者名"), 2, 10),
        "summary": _s("議論の要約", 20),
        "decisions": _arr("決定事項", _s("決定事項1件", 5), 1, 5),
        "action_items": _arr("今後の作業", _obj({
            "task": _s("作業内容", 3),
            "owner": _s("担当者名"),
            "due": {**_DATE, "description": "期限（YYYY-MM-DD形式）。省略可"},
        }, optional=("due",)), 1, 8),
    }),
    "product_review": _root("商品レビュー", "1つの商品についてのレビュー", {
        "product": _s("商品名"),
        "category": _enum("商品の分類", ["家電", "食品", "書籍", "衣類", "日用品", "その他"]),
        "rating": _int("5段階評価（1が最低、5が最高）", 1, 5),
        "pros": _arr("良い点", _s("良い点1つ", 2), 1, 5),
        "cons": _arr("気になる点", _s("気になる点1つ", 2), 1, 5),
        "recommend": {"description": "人にすすめるかどうか", "type": "boolean"},
        "comment": _s("総評", 20),
    }),
    "travel_itinerary": _root("旅行の日程", "旅行の計画", {
        "destination": _s("行き先"),
        "nights": _int("宿泊数（日帰りは0）", 0, 14),
        "transport": _enum("主な交通手段", ["電車", "飛行機", "車", "バス", "船"]),
        "days": _arr("日ごとの予定", _obj({
            "day": _int("何日目か（1から）", 1, 15),
            "area": _s("その日に回る地域"),
            "activities": _arr("すること", _s("予定1つ", 2), 1, 5),
            "meal": _s("食事の予定。省略可"),
        }, optional=("meal",)), 1, 7),
        "budget_yen": _int("1人あたりの予算（円）", 0, 10_000_000),
    }),
    "faq": _root("よくある質問", "あるテーマについての質問と回答の一覧", {
        "topic": _s("テーマ"),
        "items": _arr("質問と回答", _obj({
            "question": _s("質問", 5),
            "answer": _s("回答", 10),
        }), 3, 8),
    }),
    "book_recommendation": _root("おすすめの本", "あるテーマについて読む本の推薦", {
        "theme": _s("テーマ"),
        "audience": _enum("想定する読者", ["子ども", "学生", "社会人", "シニア", "すべての人"]),
        "books": _arr("推薦する本", _obj({
            "title": _s("書名"),
            "author": _s("著者名"),
            "genre": _enum("ジャンル", ["小説", "ビジネス", "科学", "歴史", "エッセイ", "実用書", "その他"]),
            "reason": _s("すすめる理由", 10),
            "level": _enum("読みやすさ。省略可", ["やさしい", "ふつう", "むずかしい"]),
        }, optional=("level",)), 2, 5),
    }),
    "todo_list": _root("やることリスト", "ある目的のために行う作業の一覧", {
        "title": _s("リストの名前"),
        "deadline": {**_DATE, "description": "全体の期限（YYYY-MM-DD形式）。省略可"},
        "tasks": _arr("作業", _obj({
            "task": _s("作業内容", 2),
            "priority": _enum("優先度", ["高", "中", "低"]),
            "done": {"description": "完了していればtrue", "type": "boolean"},
        }), 3, 10),
    }, optional=("deadline",)),
    "event_notice": _root("イベントのお知らせ", "催し物の告知", {
        "event_name": _s("イベント名"),
        "date": _DATE,
        "start_time": _s("開始時刻（HH:MM、24時間制）", 5, pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
                         examples=["10:00"]),
        "venue": _s("会場"),
        "capacity": _int("定員（人）", 1, 100_000),
        "fee_yen": _int("参加費（円、無料は0）", 0, 1_000_000),
        "registration": _enum("申し込み方法", ["不要", "事前申込制", "当日受付"]),
        "description": _s("内容の紹介", 20),
    }),
    "glossary": _root("用語集", "あるテーマに関する用語の解説", {
        "topic": _s("テーマ"),
        "terms": _arr("用語", _obj({
            "term": _s("用語"),
            "reading": _s("読み方（ひらがな）"),
            "definition": _s("意味の説明", 10),
            "related": _arr("関連する用語。省略可", _s("関連用語"), 1, 3),
        }, optional=("related",)), 3, 10),
    }),
    "weather_report": _root("天気予報", "ある地点の1日の天気予報", {
        "location": _s("地点"),
        "date": _DATE,
        "periods": _arr("時間帯ごとの予報（朝・昼・夜）", _obj({
            "time_of_day": _enum("時間帯", ["朝", "昼", "夜"]),
            "condition": _enum("天気", ["晴れ", "くもり", "雨", "雪", "雷雨"]),
            "temperature_c": {"description": "気温（℃）", "type": "number", "minimum": -50, "maximum": 50},
            "precipitation_percent": _int("降水確率（%）", 0, 100),
        }), 3, 3),
        "advice": _s("服装や持ち物のアドバイス", 10),
    }),
}
SchemaName = Literal["recipe", "meeting_summary", "product_review", "travel_itinerary", "faq",
                     "book_recommendation", "todo_list", "event_notice", "glossary", "weather_report"]

# Schemas that fit any task (their content is about the prompt's topic); the others fit only prompts of
# the listed categories, so the sampler does not ask for a recipe in answer to a history question.
_GENERIC_SCHEMAS = ("faq", "glossary", "book_recommendation")
_SCHEMA_CATEGORIES: dict[str, frozenset[str]] = {
    "recipe": frozenset({"cooking", "food", "recipe"}),
    "meeting_summary": frozenset({"business", "meeting", "work"}),
    "product_review": frozenset({"shopping", "product", "review"}),
    "travel_itinerary": frozenset({"travel", "trip"}),
    "todo_list": frozenset({"planning", "life", "lifestyle", "work", "business", "health", "housework"}),
    "event_notice": frozenset({"event", "community", "notice"}),
    "weather_report": frozenset({"weather", "nature", "outdoor"}),
}


def _refuse_retrieval(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


_NO_REMOTE = Registry(retrieve=_refuse_retrieval)  # no remote $ref is ever fetched


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_NO_REMOTE)  # no format_checker: format is annotation only


VALIDATORS: dict[str, Draft202012Validator] = {name: _validator(s) for name, s in SCHEMAS.items()}


def minimal_instance(schema: dict[str, Any]) -> Any:
    """The smallest valid instance of a curated schema (required keys only, minItems items, minLength)."""
    if "enum" in schema:
        return min(schema["enum"], key=lambda v: (len(json.dumps(v, ensure_ascii=False)), str(v)))
    if "pattern" in schema:
        return min(schema["examples"], key=len)
    kind = schema["type"]
    if kind == "object":
        return {k: minimal_instance(schema["properties"][k]) for k in schema["required"]}
    if kind == "array":
        return [minimal_instance(schema["items"])] * schema.get("minItems", 0)
    if kind == "string":
        return "x" * schema.get("minLength", 0)
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is None or low <= 0) and (high is None or high >= 0):
            return 0
        return low if low is not None and low > 0 else high
    if kind == "boolean":
        return True
    raise ValueError(f"minimal_instance: unsupported schema {schema!r}")


def _min_chars(name: str) -> int:
    instance = minimal_instance(SCHEMAS[name])
    errors = list(VALIDATORS[name].iter_errors(instance))
    if errors:  # a curated schema whose minimal instance is invalid is a bug in this module
        raise ValueError(f"schema {name}: minimal instance is invalid: {errors[0].message}")
    return char_count(json.dumps(instance, ensure_ascii=False, separators=(",", ":")))


# chars(T) (§C) of the smallest valid answer per schema: the P1 lower bound used by the sampler.
SCHEMA_MIN_CHARS: dict[str, int] = {name: _min_chars(name) for name in SCHEMAS}


def _keys(value: Any) -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            out.append(key)
            out.extend(_keys(sub))
    elif isinstance(value, list):
        for sub in value:
            out.extend(_keys(sub))
    return out


# The property names every valid answer writes (those of the minimal instance: required keys, inside arrays
# with minItems >= 1): forced text for the sampler's P7 check. Optional keys are not forced.
SCHEMA_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(dict.fromkeys(_keys(minimal_instance(s)))) for name, s in SCHEMAS.items()}


with warnings.catch_warnings():  # the catalog's param name `schema` shadows BaseModel.schema (deprecated)
    warnings.simplefilter("ignore", UserWarning)

    class _SchemaParams(ParamsBase):
        schema: SchemaName = "recipe"  # default for calls without params (new row: no JFBench kwargs)


def json_path(path: Any) -> str:
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out


def schema_message(error: Any) -> str:
    """The validator's message, with the offending instance shortened (it may be a 200k-item array)."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    shown = _clip(json.dumps(value, ensure_ascii=False) if not isinstance(value, dict | list) else "", 60)
    if keyword == "type":
        return f"{_type_name(value)} where the schema needs type {expected!r}"
    if keyword in ("minItems", "maxItems") and isinstance(value, list):
        return f"the array has {len(value)} item(s); {keyword} is {expected}"
    if keyword in ("minLength", "maxLength") and isinstance(value, str):
        return f"{shown} has {len(value)} character(s); {keyword} is {expected}"
    if keyword == "pattern":
        return f"{shown} does not match the pattern {expected}"
    if keyword == "enum":
        return f"{shown or _type_name(value)} is not one of {json.dumps(expected, ensure_ascii=False)}"
    return _clip(error.message, 200)


@register
class JsonSchema(Constraint):
    id = "format.json_schema"
    group = Group.FORMAT
    aliases = ("jfbench:format.json_schema",)
    train = True
    output_format = True
    conflicts = ("format.json",)  # implication: json_schema ⊃ json

    Params = _SchemaParams

    test_wording = (
        "次のJSON Schema（draft 2020-12）に適合するJSONを出力してください。\n\n{schema_json}\n\n"
        "スキーマにないキーは追加せず、required に挙げられたキーはすべて含め、型・選択肢（enum）・要素数"
        "（minItems/maxItems）・文字数（minLength）・数値の範囲（minimum/maximum）・書式（pattern）の条件を守ってください。"
        "出力するのはスキーマそのものではなく、スキーマに合うデータ1つです。前後に説明を付けず、JSONだけを出力してください"
        "（全体を```jsonのコードブロック1つで囲むのは構いません）。"
    )
    train_wordings = (
        "以下のJSON Schema（draft 2020-12）を満たすJSONデータだけを回答してください。\n\n{schema_json}\n\nrequiredのキーは必ず入れ、定義されていないキーは加えないこと。型、enumの選択肢、配列の要素数、文字列の最小文字数、数値の範囲、patternの書式もすべてスキーマどおりにしてください。JSON以外の文章は書かず、コードブロックにするなら```jsonのもの1つだけにしてください。",
        "回答は、次に示すスキーマ（JSON Schema draft 2020-12）で検証して合格するJSONにしてください。\n\n{schema_json}\n\n必須キーの欠落、スキーマにない余分なキー、型やenumの違反、minItems・maxItems・minLength・minimum・maximum・patternの違反があると不合格です。スキーマ自体を書き写すのではなく、それに合うデータを1つ出力し、前置きや解説は付けないでください（```jsonで囲んだコードブロック1つなら可）。",
        "出力形式：下記のJSON Schema（draft 2020-12）に準拠したJSONのみ。\n\n{schema_json}\n\n・requiredのキーをすべて含める\n・スキーマに記載のないキーは使わない\n・型、enum、要素数（minItems/maxItems）、文字数（minLength）、数値の範囲、patternを守る\n・JSONの前後に文章を置かない（```jsonのコードブロック1つで囲むのは可）",
        "次のJSON Schema（draft 2020-12）の定義に沿って、データをJSONで書いてください。\n\n{schema_json}\n\nキーはスキーマのpropertiesにあるものだけを使い、requiredのものは省略しないでください。値の型、enumの候補、配列の個数の下限と上限、文字列の長さの下限、数値の範囲、patternで決められた書式にも従うこと。回答はJSON本体のみとし、説明文を添えないでください（```jsonのコードブロック1つにまとめるのは構いません）。",
        "以下のスキーマ（JSON Schema draft 2020-12）に対して妥当なJSONインスタンスを1つ作り、それだけを出力してください。\n\n{schema_json}\n\n余分なキーの追加や必須キーの省略は不可です。型・enum・minItems/maxItems・minLength・minimum/maximum・patternもすべて満たしてください。JSON以外のテキスト（前置き・補足）は書かず、必要なら```jsonのコードブロック1つで全体を囲んでください。",
    )
    examples = (
        E(response=json.dumps({
            "title": "週末の大掃除", "tasks": [
                {"task": "窓を拭く", "priority": "中", "done": False},
                {"task": "換気扇の油汚れを落とす", "priority": "高", "done": False},
                {"task": "古い雑誌をまとめて出す", "priority": "低", "done": True},
            ]}, ensure_ascii=False, indent=2), passed=True, params={"schema": "todo_list"},
            note="the optional deadline may be left out"),
        E(response="```json\n" + json.dumps({
            "name": "肉じゃが", "servings": 2, "difficulty": "ふつう",
            "ingredients": [{"item": "じゃがいも", "amount": "3個"}, {"item": "牛こま切れ肉", "amount": "200g"}],
            "steps": [{"order": 1, "instruction": "材料を食べやすい大きさに切る", "minutes": 10},
                      {"order": 2, "instruction": "鍋で炒めてから煮汁で煮込む", "minutes": 20}],
        }, ensure_ascii=False, indent=2) + "\n```", passed=True, params={"schema": "recipe"},
            note="fenced, with the optional minutes"),
        E(response=json.dumps({
            "location": "札幌", "date": "2025-01-15", "periods": [
                {"time_of_day": "朝", "condition": "雪", "temperature_c": -6.5, "precipitation_percent": 70},
                {"time_of_day": "昼", "condition": "くもり", "temperature_c": -1, "precipitation_percent": 40},
                {"time_of_day": "夜", "condition": "雪", "temperature_c": -8, "precipitation_percent": 60}],
            "advice": "路面の凍結に注意し、滑りにくい靴で出かけましょう。"}, ensure_ascii=False), passed=True,
            params={"schema": "weather_report"}),
        E(response=json.dumps({
            "name": "肉じゃが", "servings": 2, "difficulty": "ふつう",
            "ingredients": [{"item": "じゃがいも", "amount": "3個"}, {"item": "牛こま切れ肉", "amount": "200g"}],
            "steps": [{"order": 1, "instruction": "材料を食べやすい大きさに切る"},
                      {"order": 2, "instruction": "鍋で炒めてから煮汁で煮込む"},
                      {"order": 3, "time": 10}],
        }, ensure_ascii=False), passed=False, params={"schema": "recipe"},
            note="at $.steps[2]: 'instruction' is a required property (and 'time' is unknown)"),
        E(response=json.dumps({
            "title": "週末の大掃除", "tasks": [
                {"task": "窓を拭く", "priority": "普通", "done": False},
                {"task": "換気扇の掃除", "priority": "高", "done": False},
                {"task": "雑誌を出す", "priority": "低", "done": True}]}, ensure_ascii=False),
            passed=False, params={"schema": "todo_list"}, note="'普通' is not in the priority enum"),
        E(response=json.dumps({
            "title": "週末の大掃除", "tasks": [
                {"task": "窓を拭く", "priority": "中", "done": False},
                {"task": "換気扇の掃除", "priority": "高", "done": False}]}, ensure_ascii=False),
            passed=False, params={"schema": "todo_list"}, note="minItems 3: only 2 tasks"),
        E(response=json.dumps({
            "topic": "梅雨", "items": [
                {"question": "梅雨はいつ始まりますか？", "answer": "沖縄では5月ごろ、本州では6月ごろに始まります。"},
                {"question": "梅雨前線とは何ですか？", "answer": "冷たい空気と暖かい空気の境目にできる前線です。"},
                {"question": "梅雨明けの目安は？", "answer": "太平洋高気圧が強まり、晴れの日が続くようになったら梅雨明けです。"}],
            "source": "気象庁"}, ensure_ascii=False), passed=False, params={"schema": "faq"},
            note="additionalProperties false: 'source' is not allowed"),
        E(response="梅雨についてのFAQをJSONでまとめました。\n```json\n" + json.dumps({
            "topic": "梅雨", "items": [
                {"question": "梅雨はいつ始まりますか？", "answer": "沖縄では5月ごろ、本州では6月ごろに始まります。"},
                {"question": "梅雨前線とは何ですか？", "answer": "冷たい空気と暖かい空気の境目にできる前線です。"},
                {"question": "梅雨明けの目安は？", "answer": "太平洋高気圧が強まり、晴れの日が続くようになったら梅雨明けです。"}],
        }, ensure_ascii=False, indent=2) + "\n```", passed=False, params={"schema": "faq"},
            note="near miss: a preface before the block"),
        E(response=json.dumps({
            "event_name": "地域清掃ボランティア", "date": "2025/5/10", "start_time": "9:00", "venue": "中央公園",
            "capacity": 30, "fee_yen": 0, "registration": "事前申込制",
            "description": "公園とその周辺のごみ拾いを行います。軍手とごみ袋は用意します。"}, ensure_ascii=False),
            passed=False, params={"schema": "event_notice"}, note="the date does not match the YYYY-MM-DD pattern"),
        E(response="梅雨は6月ごろに始まり、7月中旬ごろに明けることが多いです。", passed=False,
          params={"schema": "faq"}, note="prose fails"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        p = as_prompt(prompt)
        if p is None:
            names = list(SCHEMAS)
        else:
            names = [n for n in SCHEMAS if n in _GENERIC_SCHEMAS
                     or p.category.lower() in _SCHEMA_CATEGORIES.get(n, frozenset())]
        return cls.Params(schema=rng.choice(names))

    def display(self) -> dict[str, str]:
        return {"schema_json": json.dumps(SCHEMAS[self.params.schema], ensure_ascii=False, indent=2)}

    def demands(self, prompt: Any = None) -> Demands:
        name = self.params.schema  # P1: the smallest valid answer; P7: the keys it must write
        return Demands(min_chars=SCHEMA_MIN_CHARS[name], forced_texts=SCHEMA_KEYS[name])

    def check(self, r: Response) -> Verdict:
        value, error = _json_payload(r, JSON_TAGS)
        if error:
            return self.fail(error)
        name = self.params.schema
        # The first error in schema order: array sizes and unknown keys are reported before a walk.
        first = next(iter(VALIDATORS[name].iter_errors(value)), None)
        if first is not None:
            return self.fail(f"at {json_path(first.absolute_path)}: {schema_message(first)} (schema {name})")
        return self.ok(f"valid JSON that matches the {name} schema")


# --- JSON Lines ------------------------------------------------------------------------------------------

@register
class JsonLines(Constraint):
    id = "format.json_lines"
    group = Group.FORMAT
    aliases = ("jfbench:format.json_lines",)
    train = True
    output_format = True

    class Params(ParamsBase):
        min_lines: int = Field(default=3, ge=1, le=1000)

    test_wording = (
        "回答はJSON Lines形式にしてください。1行に1つずつJSONオブジェクト（{{ }} で囲んだもの）を書き、"
        "少なくとも{min_lines}行出力してください。各行はその行だけで正しいJSONとして読めるようにし、"
        "1つのオブジェクトを複数行に分けたり、空行を入れたりしないでください。配列や数値だけの行も認められません。"
        "前置きや説明は書かず、データの行だけを出力してください（```jsonl のコードブロック1つで囲むのは構いません）。"
    )
    train_wordings = (
        "JSON Lines（1行に1件のJSONオブジェクト）で出力してください。行数は{min_lines}行以上とし、どの行も {{ }} で囲んだオブジェクト1つだけを含む、単独で解析できるJSONにしてください。オブジェクトの途中で改行しないこと、空行を挟まないこと、データ以外の説明文を書かないことを守ってください（```jsonlのコードブロック1つに入れるのは可）。",
        "データを{min_lines}行以上のJSON Lines形式で書いてください。各行＝1つのJSONオブジェクト（{{ }}）です。整形のための改行や空行は入れず、配列・文字列・数値だけの行も作らないでください。回答にはデータ行以外を含めないでください（全体を```jsonlか```jsonのコードブロック1つで囲むことはできます）。",
        "出力はJSONL形式のみとします。1行につき1個のJSONオブジェクト（{{ }} で囲む）を置き、最低{min_lines}行にしてください。1行ずつ別々にJSONとして読み込めること、空行がないこと、前後に解説がないことが条件です。```jsonl のコードブロック1つで囲んでもかまいません。",
        "JSON Lines形式で答えてください。行の数は少なくとも{min_lines}で、それぞれの行がちょうど1つのJSONオブジェクト（{{ }} の形）になっている必要があります。インデントして複数行に広げる書き方、空行、オブジェクト以外の値だけの行、JSON以外の文章はいずれも不可です（```jsonlのコードブロック1つは可）。",
        "改行区切りJSON（JSON Lines）で出力してください。{{ }} で囲んだJSONオブジェクトを1行に1つずつ、{min_lines}行以上並べること。各行は単体で有効なJSONにし、空行は入れないでください。前置き・まとめなどの文章は書かず、データ行だけを出力します（必要なら```jsonlのコードブロック1つで囲んでください）。",
    )
    examples = (
        E(response='{"name": "佐藤", "age": 34, "city": "大阪"}\n{"name": "鈴木", "age": 28, "city": "福岡"}\n'
                   '{"name": "高橋", "age": 45, "city": "札幌"}', passed=True, params={"min_lines": 3}),
        E(response='```jsonl\n{"季節": "春", "花": "桜"}\n{"季節": "夏", "花": "ひまわり"}\n{"季節": "秋", "花": "コスモス"}\n'
                   '{"季節": "冬", "花": "椿"}\n```', passed=True, params={"min_lines": 4}, note="fenced"),
        E(response='{"name": "佐藤", "age": 34}\n{"name": "鈴木", "age": 28}', passed=False, params={"min_lines": 3},
          note="2 lines, needs 3"),
        E(response='{"name": "佐藤"}\n\n{"name": "鈴木"}\n{"name": "高橋"}', passed=False, params={"min_lines": 3},
          note="a blank line"),
        E(response='{\n  "name": "佐藤",\n  "age": 34\n}', passed=False, params={"min_lines": 1},
          note="pretty-printed JSON is not one object per line"),
        E(response='{"name": "佐藤"}\n["鈴木", 28]\n{"name": "高橋"}', passed=False, params={"min_lines": 3},
          note="line 2 is an array"),
        E(response='以下がデータです。\n{"name": "佐藤"}\n{"name": "鈴木"}\n{"name": "高橋"}', passed=False,
          params={"min_lines": 3}, note="near miss: a preface line"),
        E(response="佐藤さんは大阪、鈴木さんは福岡、高橋さんは札幌に住んでいます。", passed=False,
          params={"min_lines": 1}, note="prose fails"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(min_lines=rng.randint(3, 8))

    def check(self, r: Response) -> Verdict:
        payload = unwrap(r, JSONL_TAGS)
        if payload.text is None:
            return self.fail(payload.reason)
        if not payload.text.strip():
            return self.fail("the JSON Lines payload is empty")
        lines = payload.text.strip("\n").split("\n")
        depth = json_depth(payload.text)
        if depth > MAX_JSON_DEPTH:
            return self.fail(f"brackets nest {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted")
        for i, line in enumerate(lines, 1):
            if not line.strip():
                return self.fail(f"line {i} is blank; JSON Lines allows no blank lines")
            try:
                value = json.loads(line, parse_constant=_no_constants)
            except json.JSONDecodeError as exc:
                return self.fail(f"line {i} is not a complete JSON value (column {exc.colno}: {exc.msg}); "
                                 "each object must be on one line")
            except (ValueError, RecursionError) as exc:
                return self.fail(f"line {i} is not valid JSON: {_clip(str(exc))}")
            if not isinstance(value, dict):
                return self.fail(f"line {i} is {_type_name(value)}, not a JSON object")
        if len(lines) < self.params.min_lines:
            return self.fail(f"{len(lines)} JSON line(s), needs at least {self.params.min_lines}")
        return self.ok(f"{len(lines)} lines, each one JSON object")


# --- CSV and TSV ----------------------------------------------------------------------------------------

class _Table(Constraint):
    """Shared checker for CSV and TSV: 1 header row plus `rows` data rows of `columns` fields each."""

    delimiter: ClassVar[str]
    tags: ClassVar[tuple[str, ...]]
    label: ClassVar[str]

    class Params(ParamsBase):
        # None = unconstrained (alias calls; JFBench has no such arguments): >= 2 columns, >= 1 data row.
        columns: int | None = Field(default=None, ge=2, le=50)
        rows: int | None = Field(default=None, ge=1, le=500)

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(columns=rng.randint(2, 5), rows=rng.randint(3, 8))

    def demands(self, prompt: Any = None) -> Demands:
        return table_demands(self.params.columns, self.params.rows, row_per_line=True)

    def display(self) -> dict[str, str]:
        c, n = self.params.columns, self.params.rows
        return {
            "columns_ja": f"ちょうど{c}列" if c is not None else "2列以上",
            "rows_ja": f"ちょうど{n}行" if n is not None else "1行以上",
        }

    def _read(self, r: Response) -> tuple[list[tuple[int, list[str]]] | None, str]:
        def compute() -> tuple[list[tuple[int, list[str]]] | None, str]:
            payload = unwrap(r, self.tags)
            if payload.text is None:
                return None, payload.reason
            reader = csv.reader(io.StringIO(payload.text.strip("\n"), newline=""),
                                delimiter=self.delimiter, strict=True)
            rows: list[tuple[int, list[str]]] = []
            previous = 0
            try:
                for row in reader:
                    rows.append((previous + 1, row))
                    previous = reader.line_num
            except csv.Error as exc:
                return None, f"{self.label} parse error on line {reader.line_num}: {exc}"
            return rows, ""

        return r.memo(("table", self.tags, self.delimiter), compute)

    def _space_hint(self, line: str) -> str:
        if self.delimiter == "\t" and (" " in line or "\u3000" in line):
            return "; the fields seem to be separated by spaces, but TSV needs a TAB character between fields"
        return ""

    def check(self, r: Response) -> Verdict:
        rows, error = self._read(r)
        if rows is None:
            return self.fail(error)
        lines = r.memo(("table-lines", self.tags), lambda: (unwrap(r, self.tags).text or "").strip("\n").split("\n"))
        if not rows:
            return self.fail(f"the {self.label} payload is empty")
        for line_no, row in rows:
            if not row or (len(row) == 1 and not row[0].strip()):
                return self.fail(f"line {line_no} is blank; {self.label} allows no blank lines")
        want_cols, want_rows = self.params.columns, self.params.rows
        header_line, header = rows[0]
        first_line = lines[header_line - 1] if header_line - 1 < len(lines) else ""
        hint = self._space_hint(first_line) if len(header) == 1 else ""
        if want_cols is not None and len(header) != want_cols:
            return self.fail(f"the header row has {len(header)} field(s), needs exactly {want_cols} separated by "
                             f"{self._delimiter_name()}{hint}")
        if len(header) < 2:
            return self.fail(f"the header row has 1 field; {self.label} needs at least 2 columns "
                             f"separated by {self._delimiter_name()}{hint}")
        for k, name in enumerate(header, 1):
            if not name.strip():
                return self.fail(f"header field {k} is empty")
        seen: dict[str, int] = {}
        for k, name in enumerate(header, 1):
            if name.strip() in seen:
                return self.fail(f"header fields {seen[name.strip()]} and {k} are both {name.strip()!r}; "
                                 "header fields must be distinct")
            seen[name.strip()] = k
        for index, (line_no, row) in enumerate(rows[1:], 1):
            if len(row) != len(header):
                source = lines[line_no - 1] if line_no - 1 < len(lines) else ""
                hint = self._space_hint(source) if len(row) < len(header) else ""
                return self.fail(f"data row {index} (line {line_no}) has {len(row)} field(s), the header has "
                                 f"{len(header)}{hint}")
        data_rows = len(rows) - 1
        if data_rows == 0:
            return self.fail(f"a header row but no data row; {self.label} needs at least 1 data row")
        if want_rows is not None and data_rows != want_rows:
            return self.fail(f"{data_rows} data row(s) after the header, needs exactly {want_rows}")
        return self.ok(f"{self.label} with a header and {data_rows} data row(s) of {len(header)} fields")

    def _delimiter_name(self) -> str:
        return "commas" if self.delimiter == "," else "TAB characters"


_CSV_EXAMPLE = "商品名,価格（円）,在庫\nりんご,120,35\nみかん,80,50\nぶどう,450,12"


@register
class Csv(_Table):
    id = "format.csv"
    group = Group.FORMAT
    aliases = ("CsvFormatConstraint",)
    train = True
    output_format = True
    delimiter = ","
    tags = CSV_TAGS
    label = "CSV"

    test_wording = (
        "回答はCSV形式のデータだけにしてください。1行目を見出し（ヘッダー）行とし、その下にデータ行を{rows_ja}"
        "続けてください（見出し行は数えません）。列数は{columns_ja}で、すべての行を同じ列数にそろえます。"
        "区切りには半角カンマ「,」を使い、カンマ・改行・ダブルクォートを含む値は「\"」で囲んでください"
        "（値の中の「\"」は「\"\"」と2つ重ねます）。見出しは空欄にせず、互いに重複させないでください。"
        "空行や前置き・説明文は入れず、CSVのデータだけを出力してください（全体を```csvのコードブロック1つで囲むのは構いません）。"
    )
    train_wordings = (
        "CSVで出力してください。先頭行は列名を並べたヘッダー行、続いてデータ行を{rows_ja}（ヘッダーを除く）とし、列数は{columns_ja}で全行共通にします。値は半角カンマ「,」で区切り、値にカンマ・改行・「\"」が含まれる場合はその値を「\"」で囲み、中の「\"」は「\"\"」と書きます。列名は空にせず重複も避けてください。空行やCSV以外の文章は含めないでください（```csvのコードブロック1つで囲むのは可）。",
        "表データをCSV形式で作ってください。条件：1行目はヘッダー（空欄・重複のない列名）、その後にデータ行が{rows_ja}、列数は{columns_ja}、区切り文字は半角カンマ。カンマや改行、ダブルクォートを含む項目はダブルクォートで囲み、項目内のダブルクォートは2つ重ねること。空行を入れず、説明文も付けないでください。```csvのコードブロック1つにまとめてもかまいません。",
        "回答はカンマ区切り（CSV）のデータのみとします。最初の行に見出しを置き、データ行を{rows_ja}書いてください（見出しの行は含めずに数えます）。どの行も同じ列数で{columns_ja}になるようにし、区切りは半角の「,」だけを使います。値の中にカンマ・改行・「\"」があるときは値全体を「\"」で囲み、「\"」自体は「\"\"」と重ねてください。見出しに空欄や同じ名前を作らず、空行や前後の説明も入れないでください（```csvのコードブロック1つなら可）。",
        "次の形式のCSVだけを返してください。・ヘッダー行1行（各列名は空でなく互いに異なる）・データ行{rows_ja}・列数は{columns_ja}（全行で同じ）・区切りは半角カンマ・カンマ、改行、ダブルクォートを含む値はダブルクォートで囲み、中のダブルクォートは2つ重ねる・空行と説明文は不可。全体を```csvのコードブロック1つで囲むことは認められます。",
        "CSV形式で回答してください。ヘッダー行の下にデータ行を{rows_ja}並べ、各行の列数を{columns_ja}にそろえてください。区切りには半角カンマを用い、カンマ・改行・「\"」を含む値は「\"」でくくって、その中の「\"」は「\"\"」とします。列名は空欄や重複のないものにしてください。CSVの前後に文章を書いたり、途中に空行を入れたりしないでください（```csvのコードブロック1つで囲んでも構いません）。",
    )
    examples = (
        E(response=_CSV_EXAMPLE, passed=True, params={"columns": 3, "rows": 3}),
        E(response='```csv\n名前,住所,メモ\n田中,"東京都千代田区1-1","午前中に訪問, 要連絡"\n'
                   '山本,大阪府大阪市北区2-3,"「至急」と伝言"\n伊藤,"福岡県福岡市, 中央区","引用符は""このように""書く"\n```',
          passed=True, params={"columns": 3, "rows": 3}, note="anchor defect: quoted fields with commas; fenced"),
        E(response="日付,天気\n4/1,晴れ\n4/2,雨", passed=True, params={},
          note="alias call: structure only (header, >= 1 data row, >= 2 columns)"),
        E(response="商品名,価格（円）,在庫\nりんご,120,35\nみかん,80\nぶどう,450,12", passed=False,
          params={"columns": 3, "rows": 3}, note="near miss: data row 2 has 2 fields"),
        E(response=_CSV_EXAMPLE, passed=False, params={"columns": 3, "rows": 4}, note="3 data rows, needs 4"),
        E(response=_CSV_EXAMPLE, passed=False, params={"columns": 4, "rows": 3}, note="3 columns, needs 4"),
        E(response="商品名,価格,在庫\nりんご,120,35\n\nみかん,80,50\nぶどう,450,12", passed=False,
          params={"columns": 3, "rows": 3}, note="a blank line"),
        E(response="商品名,価格,商品名\nりんご,120,青森\nみかん,80,愛媛\nぶどう,450,山梨", passed=False,
          params={"columns": 3, "rows": 3}, note="duplicate header fields"),
        E(response="商品名,,在庫\nりんご,120,35\nみかん,80,50\nぶどう,450,12", passed=False,
          params={"columns": 3, "rows": 3}, note="an empty header field"),
        E(response="名前,住所\n田中,東京都千代田区1-1, 1階\n山本,大阪府大阪市", passed=False, params={},
          note="an unquoted comma inside a value splits it"),
        E(response="以下がCSVです。\n```csv\n" + _CSV_EXAMPLE + "\n```", passed=False,
          params={"columns": 3, "rows": 3}, note="a preface before the block"),
        E(response="りんごは120円、みかんは80円、ぶどうは450円です。", passed=False, params={},
          note="anchor defect: prose without commas fails"),
    )


_TSV_EXAMPLE = "都市\t人口（万人）\t地方\n東京\t1400\t関東\n大阪\t880\t近畿\n名古屋\t230\t中部"


@register
class Tsv(_Table):
    id = "format.tsv"
    group = Group.FORMAT
    aliases = ("TsvFormatConstraint",)
    train = True
    output_format = True
    delimiter = "\t"
    tags = TSV_TAGS
    label = "TSV"

    test_wording = (
        "回答はTSV（タブ区切り）形式のデータだけにしてください。1行目を見出し（ヘッダー）行とし、その下にデータ行を"
        "{rows_ja}続けてください（見出し行は数えません）。列数は{columns_ja}で、すべての行を同じ列数にそろえます。"
        "列の区切りには必ずタブ文字を使い、半角・全角スペースで代用してはいけません。タブ・改行・ダブルクォートを含む値は"
        "「\"」で囲んでください（値の中の「\"」は「\"\"」と書きます）。見出しは空欄にせず、互いに重複させないでください。"
        "空行や前置き・説明文は入れず、TSVのデータだけを出力してください（全体を```tsvのコードブロック1つで囲むのは構いません）。"
    )
    train_wordings = (
        "TSVで出力してください。先頭行は列名のヘッダー行、その後にデータ行を{rows_ja}（ヘッダーを除く）とし、列数は{columns_ja}で全行共通にします。列と列の間はタブ文字1つで区切り、スペースを区切りに使うことはできません。値にタブ・改行・「\"」が入る場合は「\"」で囲み、中の「\"」は「\"\"」にします。列名は空欄や重複のないものにし、空行や説明文は入れないでください（```tsvのコードブロック1つで囲むのは可）。",
        "表をタブ区切りテキスト（TSV）で作ってください。条件：1行目はヘッダー（空でなく重複しない列名）、続いてデータ行が{rows_ja}、列数は{columns_ja}、区切りはタブ文字（スペースは不可）。タブや改行、ダブルクォートを含む項目はダブルクォートで囲み、項目内のダブルクォートは2つ重ねること。空行と説明文は不要です。```tsvのコードブロック1つにまとめても構いません。",
        "回答はタブ区切り（TSV）のデータのみとします。最初の行に見出しを置き、データ行を{rows_ja}書いてください（見出しの行は数えません）。どの行も同じ列数で{columns_ja}になるようにし、項目の間にはタブ文字を入れてください。空白を並べて位置をそろえる書き方は認められません。値の中にタブ・改行・「\"」があれば「\"」で囲み、「\"」は「\"\"」と重ねます。見出しに空欄や同名を作らず、空行や前後の説明も入れないでください（```tsvのコードブロック1つなら可）。",
        "次の形式のTSVだけを返してください。・ヘッダー行1行（列名は空でなく互いに異なる）・データ行{rows_ja}・列数は{columns_ja}（全行で同じ）・区切りはタブ文字で、スペースでの代用は不可・タブ、改行、ダブルクォートを含む値はダブルクォートで囲み、中のダブルクォートは2つ重ねる・空行と説明文は不可。全体を```tsvのコードブロック1つで囲むことは認められます。",
        "タブ区切り形式（TSV）で回答してください。ヘッダー行の下にデータ行を{rows_ja}並べ、各行の列数を{columns_ja}にそろえます。列の区切りは必ずタブ文字にし、半角スペースや全角スペースは使わないでください。タブ・改行・「\"」を含む値は「\"」でくくり、その中の「\"」は「\"\"」とします。列名は空欄や重複のないものにし、TSVの前後に文章を書いたり空行を入れたりしないでください（```tsvのコードブロック1つで囲んでも構いません）。",
    )
    examples = (
        E(response=_TSV_EXAMPLE, passed=True, params={"columns": 3, "rows": 3}),
        E(response="```tsv\n" + _TSV_EXAMPLE + "\n福岡\t160\t九州\n```", passed=True, params={"columns": 3, "rows": 4},
          note="fenced"),
        E(response="曜日\t予定\n月\t会議\n火\t出張", passed=True, params={}, note="alias call: structure only"),
        E(response=_TSV_EXAMPLE.replace("\t", "  "), passed=False, params={"columns": 3, "rows": 3},
          note="anchor defect: spaces instead of tabs"),
        E(response="都市\t人口（万人）\t地方\n東京\t1400\t関東\n大阪 880\t近畿\n名古屋\t230\t中部", passed=False,
          params={"columns": 3, "rows": 3}, note="near miss: one row uses a space"),
        E(response=_TSV_EXAMPLE, passed=False, params={"columns": 3, "rows": 5}, note="3 data rows, needs 5"),
        E(response="都市\t人口\t\n東京\t1400\t関東\n大阪\t880\t近畿\n名古屋\t230\t中部", passed=False,
          params={"columns": 3, "rows": 3}, note="an empty header field"),
        E(response="東京の人口は約1400万人、大阪は約880万人です。", passed=False, params={},
          note="anchor defect: prose without tabs fails"),
        E(response="都市ごとの人口です。\n" + _TSV_EXAMPLE, passed=False, params={"columns": 3, "rows": 3},
          note="a preface line becomes a 1-field header"),
    )


# --- YAML -----------------------------------------------------------------------------------------------

_YAML_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _YamlLoader(_YAML_BASE):  # type: ignore[misc, valid-type]
    """The safe loader without implicit int, float and timestamp typing: those plain scalars stay strings.
    The check counts entries and never needs typed numbers, and YAML 1.1 typing is hostile: a base-60
    scalar such as 1:1:1:... takes quadratic time to build, a 5,000-digit integer raises, and an impossible
    date such as 2024-13-45 raises instead of staying text."""


_UNTYPED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _UNTYPED]
    for first, resolvers in _YAML_BASE.yaml_implicit_resolvers.items()
}

MAX_YAML_FLOW_DEPTH = 100
MAX_YAML_BLOCK_COLUMNS = 400
MAX_YAML_ALIASES = 100
# Events (nodes) after alias expansion: bounds billion laughs, and bounds the time of yaml.load, whose
# Python-level resolver costs about 3 microseconds per scalar (no real answer has 50k nodes).
MAX_YAML_EXPANDED_EVENTS = 50_000
_YAML_LINE_NEST = re.compile(r"^( *)((?:[-?:] +)*)", re.MULTILINE)
_YAML_DOC_START = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)
_YAML_PREAMBLE_LINE = re.compile(r"^(?:[ \t]*(?:#.*)?|%.*)$")


def _yaml_prescan(text: str) -> str | None:
    """Why a YAML payload is refused before parsing (nesting, document markers), or None."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    if deepest > MAX_YAML_FLOW_DEPTH:
        return f"brackets nest {deepest} levels deep; at most {MAX_YAML_FLOW_DEPTH} are accepted"
    widest = max((m.end() - m.start() for m in _YAML_LINE_NEST.finditer(text)), default=0)
    if widest > MAX_YAML_BLOCK_COLUMNS:
        return f"a line is indented or nested {widest} columns deep; at most {MAX_YAML_BLOCK_COLUMNS} are accepted"
    starts = [m.start() for m in _YAML_DOC_START.finditer(text)]
    if len(starts) > 1:
        return f"'---' appears {len(starts)} times; use it at most once, at the start"
    if starts:
        before = text[:starts[0]].split("\n")[:-1]
        if not all(_YAML_PREAMBLE_LINE.match(line) for line in before):
            line_no = text.count("\n", 0, starts[0]) + 1
            return f"'---' on line {line_no} is not at the start; it may only open the document"
    return None


def _yaml_events_check(text: str) -> str | None:
    """Bound aliases and the alias-expanded size of the event stream (billion laughs)."""
    aliases = 0
    total = 0
    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = []
    for event in yaml.parse(text, Loader=_YamlLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                return f"more than {MAX_YAML_ALIASES} aliases (*name); write the values out"
            total += sizes.get(event.anchor, 1)
        else:
            total += 1
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append((event.anchor, total))
            elif isinstance(event, yaml.CollectionEndEvent) and stack:
                anchor, start = stack.pop()
                if anchor is not None:
                    sizes[anchor] = total - start + 1
            elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
        if total > MAX_YAML_EXPANDED_EVENTS:
            return f"the document has more than {MAX_YAML_EXPANDED_EVENTS} nodes (aliases expanded); too large for an answer"
    return None


def _yaml_error(exc: Exception) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        problem = exc.problem or exc.context or "syntax error"
        if "expected a single document" in str(exc.context or ""):
            problem = "more than one YAML document"
        return f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"not valid YAML: {_clip(str(exc))}"


# YAML collections need one of these: a ": " or ":" at a line end (mapping), a "- " item, or flow brackets.
_YAML_COLLECTION_SIGN = regex.compile(r":(?:[ \t]|$)|^[ \t]*-(?:[ \t]|$)|^[ \t]*[\[{?]", regex.MULTILINE)


def parse_yaml(text: str) -> tuple[Any, str | None]:
    if not _YAML_COLLECTION_SIGN.search(text):  # plain prose: at most a scalar, never a collection
        return text, None
    reason = _yaml_prescan(text)
    if reason:
        return None, reason
    try:
        reason = _yaml_events_check(text)
        if reason:
            return None, reason
        return yaml.load(text, Loader=_YamlLoader), None  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, _yaml_error(exc)


_YAML_TOP = {
    "mapping": "マッピング（「キー: 値」の行が並ぶ形）",
    "sequence": "シーケンス（「- 」で始まる項目が並ぶ形）",
    "any": "マッピング（「キー: 値」の並び）かシーケンス（「- 」で始まる項目の並び）のどちらか",
}
_YAML_ENTRY = {"mapping": "キー", "sequence": "項目", "any": "キー（シーケンスなら項目）"}


@register
class Yaml(Constraint):
    id = "format.yaml"
    group = Group.FORMAT
    aliases = ("YamlFormatConstraint",)
    train = True
    output_format = True

    class Params(ParamsBase):
        # Alias-call defaults (JFBench has no such arguments): a mapping or a sequence with >= 2 entries.
        top_level: Literal["mapping", "sequence", "any"] = "any"
        min_entries: int = Field(default=2, ge=1, le=100)

    test_wording = (
        "回答はYAMLとして読み込めるデータだけにしてください。最上位は{top_ja}とし、最上位の{entry_ja}を"
        "{min_entries}個以上含めてください。文章をそのまま書いただけの回答は認められません。文書の区切り「---」は"
        "使うなら先頭に1回だけとし、前置きや説明の文章は書かないでください（全体を```yamlのコードブロック1つで囲むのは構いません）。"
    )
    train_wordings = (
        "YAML形式で出力してください。一番外側の構造は{top_ja}にし、その直下の{entry_ja}は{min_entries}個以上必要です。YAMLとして解析できない部分や、YAMLの外に置いた説明文があってはいけません。「---」は冒頭に1回まで使えます（```yamlのコードブロック1つで囲むのは可）。",
        "回答全体を正しいYAMLにしてください。最上位の型は{top_ja}で、最上位に並ぶ{entry_ja}の数は{min_entries}以上とします。散文だけの回答は不可です。前置き・補足の文章は書かず、「---」を使う場合は先頭に1つだけにしてください。```yamlのコードブロック1つにまとめてもかまいません。",
        "データをYAMLで書いてください。条件：最上位は{top_ja}、最上位の{entry_ja}は少なくとも{min_entries}個、YAMLパーサーでそのまま読めること、YAML以外の文章を含めないこと、「---」は先頭に1回だけ（使わなくてもよい）。全体を```yamlのコードブロック1つで囲むことは認められます。",
        "YAMLだけで答えてください。トップレベルを{top_ja}とし、そこに{entry_ja}を{min_entries}個以上置いてください。ただの文章や、YAMLの前後に付けた解説は認められません。文書区切りの「---」は最初の行に1回だけなら使えます（```yaml のコードブロック1つでの囲みは可）。",
        "出力はYAMLデータのみとします。最上位の構造は{top_ja}で、最上位の{entry_ja}を最低{min_entries}個含めること。説明文や挨拶を添えず、YAMLとして読み込める形だけを返してください。「---」を書くなら冒頭の1回に限ります。必要なら全体を```yamlのコードブロック1つで囲んでください。",
    )
    examples = (
        E(response="name: 肉じゃが\nservings: 2\ningredients:\n  - じゃがいも\n  - 玉ねぎ\n  - 牛こま切れ肉",
          passed=True, params={"top_level": "mapping", "min_entries": 3}),
        E(response="```yaml\n- 東京タワー\n- 浅草寺\n- 上野動物園\n```", passed=True,
          params={"top_level": "sequence", "min_entries": 3}, note="fenced"),
        E(response="---\n原因: 設定ファイルの読み込みに失敗したため、アプリケーションが起動できませんでした。\n"
                   "対策: 設定ファイルの場所を確認し、権限を見直したうえで再起動してください。",
          passed=True, params={"top_level": "mapping", "min_entries": 2},
          note="a mapping whose values are long Japanese sentences is YAML; one leading ---"),
        E(response="date: 2024-13-45\nplace: 会議室A", passed=True, params={},
          note="alias call; an impossible date stays a string"),
        E(response="- 1:1:1:1\n- 007\n- 123456789012345678901234567890", passed=True,
          params={"top_level": "sequence", "min_entries": 3}, note="numbers stay untyped strings"),
        E(response="京都の紅葉は11月下旬が見頃です。清水寺や嵐山は混雑するので、朝早く出かけましょう。", passed=False,
          params={}, note="anchor defect: prose is a YAML scalar and fails"),
        E(response="「IndexError: list index out of range」は、リストの範囲外の要素を参照したときに出るエラーです。",
          passed=False, params={"top_level": "mapping", "min_entries": 2},
          note="prose that parses as a one-key mapping fails min_entries"),
        E(response="name: 肉じゃが\nservings: 2", passed=False, params={"top_level": "sequence", "min_entries": 2},
          note="a mapping where a sequence is required"),
        E(response="name: 肉じゃが\nservings: 2", passed=False, params={"top_level": "mapping", "min_entries": 3},
          note="2 keys, needs 3"),
        E(response="以下がYAMLです。\n```yaml\nname: 肉じゃが\nservings: 2\n```", passed=False,
          params={"top_level": "mapping", "min_entries": 2}, note="near miss: a preface before the block"),
        E(response="name: 肉じゃが\nservings: 2\n---\nname: カレー\nservings: 4", passed=False,
          params={"top_level": "mapping", "min_entries": 2}, note="a second --- starts another document"),
        E(response="name: 肉じゃが\n  servings: 2\ningredients: [じゃがいも, 玉ねぎ", passed=False,
          params={"top_level": "mapping", "min_entries": 2}, note="a syntax error"),
    )

    @classmethod
    def sample(cls, rng: random.Random, prompt: Any = None) -> ParamsBase:
        return cls.Params(top_level=rng.choice(("mapping", "sequence")), min_entries=rng.randint(2, 5))

    def display(self) -> dict[str, str]:
        return {"top_ja": _YAML_TOP[self.params.top_level], "entry_ja": _YAML_ENTRY[self.params.top_level]}

    def check(self, r: Response) -> Verdict:
        def compute() -> tuple[Any, str | None]:
            payload = unwrap(r, YAML_TAGS)
            if payload.text is None:
                return None, payload.reason
            return parse_yaml(payload.text)

        value, error = r.memo(("yaml-value", YAML_TAGS), compute)
        if error:
            return self.fail(error)
        want, need = self.params.top_level, self.params.min_entries
        if isinstance(value, dict):
            kind, unit = "mapping", "key"
        elif isinstance(value, list):
            kind, unit = "sequence", "item"
        elif value is None:
            return self.fail("the YAML document is empty")
        else:
            return self.fail(f"the YAML is a single {type(value).__name__} scalar (plain text), not a mapping of "
                             "'key: value' lines or a sequence of '- ' items")
        if want != "any" and kind != want:
            return self.fail(f"the top level is a {kind}; it must be a {want}")
        if len(value) < need:
            return self.fail(f"the top-level {kind} has {len(value)} {unit}(s), needs at least {need}")
        return self.ok(f"valid YAML: a top-level {kind} with {len(value)} {unit}s")
