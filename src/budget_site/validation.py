"""Check data against the schema and the rules across files, in Chinese.

The JSON Schema in ``schema/unit.schema.json`` is the machine-readable
contract; this module turns its findings into messages a finance officer can
act on, each with file, line, column and field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .problems import JsonPath, Problem
from .yaml_reader import AmbiguousNumber, ReadResult
from .yaml_syntax import quote_block_value

MONEY_FIELDS = ("total", "fiscal", "other")


@cache
def unit_schema() -> dict[str, Any]:
    text = resources.files("budget_site").joinpath("schema/unit.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    """One validator for all files, over the schema with its ``$ref``s inlined:
    resolving references is most of jsonschema's time on a county's files."""
    return Draft202012Validator(_inline_refs(unit_schema(), unit_schema()["$defs"]))


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline_refs(defs[node["$ref"].removeprefix("#/$defs/")], defs)
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


@cache
def _quick_check() -> Callable[[Any], Any]:
    """The same schema compiled to Python code by fastjsonschema, some ten times
    quicker than jsonschema: nearly every file is valid, and only one it rejects
    goes through jsonschema, for every problem with its place. The schema uses no
    keyword whose meaning differs between draft 7 (fastjsonschema's newest) and
    2020-12; test_validation compares the two verdicts."""
    schema = {k: v for k, v in _validator().schema.items() if k not in ("$schema", "$id")}
    return fastjsonschema.compile({"$schema": "http://json-schema.org/draft-07/schema#", **schema})


def schema_accepts(data: Any) -> bool:
    try:
        _quick_check()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate_document(read: ReadResult) -> list[Problem]:
    """Schema problems of one file's data, most specific first per field."""
    if read.data is None:
        return []
    validator = _validator()
    errors = [] if schema_accepts(read.data) else list(validator.iter_errors(read.data))
    if errors and _restore_numbers_written_as_text(errors, read):
        errors = list(validator.iter_errors(read.data))
    problems = [_to_problem(error, read) for error in _leaf_errors(errors)]
    problems += _money_precision(read)
    problems += _bidi_controls(read)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _restore_numbers_written_as_text(errors: list[ValidationError], read: ReadResult) -> bool:
    """An unquoted ``230001`` where text is expected is taken as the text the
    writer typed, digit for digit; YAML would have made it a number."""
    restored = False
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "type" and error.validator_value == "string" and path in read.numeric_text:
            _set(read.data, path, read.numeric_text[path])
            restored = True
    return restored


def _set(data: Any, path: JsonPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _leaf_errors(found: list[ValidationError]) -> list[ValidationError]:
    """For ``anyOf`` failures report the most relevant branch, not the union."""
    errors = []
    for error in found:
        if error.context:
            best = min(error.context, key=lambda e: (e.validator == "type", len(e.message)))
            errors.append(best)
        else:
            errors.append(error)
    return errors


_TYPE_NAMES = {
    "string": "文本", "integer": "整数", "number": "数字", "object": "键值对（映射）",
    "array": "列表（每项以“- ”开头）", "null": "空值",
}


_PATTERN_MESSAGES = {
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "日期应写成“2023-01-31”这样的格式（加引号），实际是{value}",
    "^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$": "编码只能由字母、数字、“-”和“_”组成（最长 64 位），实际是{value}",
    "\\S": "不能只有空格",
}
THOUSANDS = re.compile(r"^-?[0-9]{1,3}([,，][0-9]{3})+(\.[0-9]+)?$")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _bidi_controls(read: ReadResult) -> list[Problem]:
    """Invisible direction overrides make a page show text in another order than
    it is stored (a known spoofing trick); data never needs them."""
    problems = []

    def walk(value: Any, path: JsonPath) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str) and (match := BIDI_CONTROLS.search(value)):
            line, column = read.position(path)
            problems.append(Problem(read.source, line, column, path,
                                    f"含有不可见的文字方向控制字符 U+{ord(match.group()):04X}，"
                                    "会使网页上的文字显示顺序错乱，请删除"))

    walk(read.data, ())
    return problems


def _describe(value: Any) -> str:
    if isinstance(value, AmbiguousNumber):
        return f"写法有歧义的数字“{value}”（前导 0、下划线、科学计数或进制写法）"
    if isinstance(value, bool):
        return "是/否（布尔值）"
    if value is None:
        return "空值"
    if isinstance(value, dict):
        return "键值对（映射）"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}"
    return f"文本“{_short(str(value))}”"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _to_problem(error: ValidationError, read: ReadResult) -> Problem:
    path: JsonPath = tuple(error.absolute_path)
    line, column = read.position(path)
    value = error.instance
    kind = error.validator
    if kind == "type":
        expected = error.validator_value
        names = "或".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        message = f"应为{names}，实际是{_describe(value)}"
        if expected == "number" and isinstance(value, str) and THOUSANDS.match(value):
            message += f"；金额不要写千分位逗号，请写成 {re.sub('[,，]', '', value)}"
        elif expected == "number" and isinstance(value, str) and not isinstance(value, AmbiguousNumber):
            message += "；数字不要加引号，也不要带单位或 %"
        elif expected == "string" and isinstance(value, dict) and len(value) == 1 and line is not None:
            message += ("；因为文字里有“冒号+空格”，YAML 把它读成了字段和值。请给整个值加英文双引号："
                        + quote_block_value(read.lines[line - 1]).strip())
    elif kind == "required":
        missing = error.message.split("'")[1]
        path = path + (missing,)
        message = f"缺少必填字段“{missing}”"
    elif kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        path = path + (extra[0],) if len(extra) == 1 else path
        line, column = read.position(path)
        message = f"不认识的字段：{'、'.join(extra)}（请检查拼写，参见数据格式说明）"
    elif kind == "minLength":
        message = "不能为空"
    elif kind == "minItems":
        message = f"至少需要 {error.validator_value} 项"
    elif kind == "pattern":
        message = _PATTERN_MESSAGES.get(error.validator_value, "格式不对：{value}").format(value=_describe(value))
    elif kind in ("minimum", "maximum"):
        bound = "不能小于" if kind == "minimum" else "不能大于"
        message = f"{bound} {error.validator_value}，实际是 {value}"
    else:  # pragma: no cover - every validator in the schema is handled above
        message = error.message
    return Problem(read.source, line, column, path, message)


def _money_precision(read: ReadResult) -> list[Problem]:
    problems = []
    projects = read.data.get("projects") if isinstance(read.data, dict) else None
    for i, project in enumerate(projects if isinstance(projects, list) else []):
        budget = project.get("budget") if isinstance(project, dict) else None
        if not isinstance(budget, dict):
            continue
        for key in MONEY_FIELDS:
            value = budget.get(key)
            if isinstance(value, Decimal) and value.as_tuple().exponent < -2:
                path = ("projects", i, "budget", key)
                line, column = read.position(path)
                problems.append(Problem(read.source, line, column, path,
                                        f"金额最多两位小数，实际是 {value}"))
    return problems
