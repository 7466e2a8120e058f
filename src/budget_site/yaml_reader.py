"""Read one YAML file into plain data plus the line of every value.

PyYAML alone silently keeps the last of duplicate keys, turns ``2023-01-01``
into a date and ``no`` into False, and expands alias bombs. Composing the node
tree ourselves lets us refuse those and keep each value's position for
error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .filesystem import cause_of
from .problems import JsonPath, Problem
from .yaml_syntax import HIDDEN_BREAKS, NOT_PRINTABLE, explain, folded_lines

MAX_FILE_BYTES = 2 * 1024 * 1024

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10× faster
_PLAIN_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")


class AmbiguousNumber(str):
    """A plain scalar YAML would read as a number in a surprising way
    (``010``, ``1_000``, ``1e3``): text where text is expected, an error
    where a number is."""


@dataclass
class ReadResult:
    source: Path
    data: Any = None
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    numeric_text: dict[JsonPath, str] = field(default_factory=dict)  # unquoted numbers as written
    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: JsonPath) -> tuple[int | None, int | None]:
        """The position of ``path`` or of its nearest ancestor that has one."""
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]


def read_yaml(path: Path, loader: type = _Loader) -> ReadResult:
    """Read ``path``; problems are collected in the result, never raised. ``loader``:
    libyaml's, or PyYAML's pure-Python one (the tests use both)."""
    result = ReadResult(path)

    def fail(message: str, line: int | None = None, column: int | None = None) -> ReadResult:
        result.problems.append(Problem(path, line, column, (), message))
        return result

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return fail(f"无法读取文件：{cause_of(exc)}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(f"文件过大（{len(raw)} 字节），上限为 {MAX_FILE_BYTES} 字节")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gbk")
            hint = "；看起来是 GBK 编码，请在编辑器中另存为 UTF-8"
        except UnicodeDecodeError:
            pass
        return fail(f"文件不是 UTF-8 编码{hint}", line)
    if not text.strip():
        return fail("文件是空的")
    tab = re.search(r"^[ ]*\t", text, re.MULTILINE)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        return fail("行首用了制表符（Tab）缩进，YAML 只能用空格缩进", line, 1)
    for pattern, what in ((NOT_PRINTABLE, "不可见的控制字符"), (HIDDEN_BREAKS, "不可见的换行符")):
        if found := pattern.search(text):
            line = text.count("\n", 0, found.start()) + 1
            column = found.start() - text.rfind("\n", 0, found.start())
            return fail(f"含有{what} U+{ord(found.group()):04X}（常见于从网页或 Word 复制的文字），请删除",
                        line, column)

    result.lines = text.split("\n")
    try:
        parser = loader(text)
        try:
            node = parser.get_single_node()
        finally:
            parser.dispose()
    except yaml.YAMLError as exc:
        mistake = explain(exc, result.lines)
        return fail(f"YAML 格式错误：{mistake.message}", mistake.line, mistake.column)
    if node is None:
        return fail("文件是空的")
    result.data = _convert(node, (), path, result, set())
    return result


def _convert(node: yaml.Node, path: JsonPath, file: Path, result: ReadResult, seen: set[int]) -> Any:
    """Node tree -> data. An alias (``*name``) is the same node object met a
    second time; it is refused rather than expanded, which also defuses
    alias bombs."""
    if id(node) in seen:
        line = result.positions.get(path[:-1], (None,))[0]
        result.problems.append(Problem(
            file, line, None, path,
            f"不允许使用 YAML 别名（*引用，锚点在第 {node.start_mark.line + 1} 行），请把内容直接写出来",
        ))
        return None
    seen.add(id(node))
    result.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(message: str) -> None:
        line, column = result.positions[path]
        result.problems.append(Problem(file, line, column, path, message))

    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problem("键必须是简单的文字")
                continue
            key = key_node.value
            if key in mapping:
                line = key_node.start_mark.line + 1
                first = result.positions.get(path + (key,), (None,))[0]
                result.problems.append(Problem(
                    file, line, key_node.start_mark.column + 1, path + (key,),
                    f"键“{key}”重复（第 {first} 行已有），YAML 会悄悄丢掉前一个值",
                ))
                continue
            mapping[key] = _convert(value_node, path + (key,), file, result, seen)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), file, result, seen) for i, item in enumerate(node.value)]
    if node.tag in (_INT, _FLOAT) and not node.style:
        result.numeric_text[path] = node.value
    result.problems += folded_lines(node, path, file, result.lines)
    if not node.style and _comment_follows(node, result.lines):
        line, column = result.positions[path]
        result.problems.append(Problem(
            file, line, column, path,
            "这个值后面的“ #”及其后的文字是 YAML 注释，不会发布；如果它是内容的一部分，请给整个值加引号",
            "warning",
        ))
    return _scalar(node, problem)


def _comment_follows(node: yaml.ScalarNode, lines: list[str]) -> bool:
    """``text: 第1项 #2`` publishes only "第1项": YAML drops " #2" as a comment."""
    end = node.end_mark
    return end.line < len(lines) and re.match(r"\s+#", lines[end.line][end.column:]) is not None


def _scalar(node: yaml.ScalarNode, problem) -> Any:
    """Convert a scalar, refusing what YAML would silently reinterpret."""
    text = node.value
    if node.style or node.tag == _STR:  # plain style is None (Python) or "" (libyaml)
        return text  # quoted or block text is always text
    if node.tag == _NULL:
        return None
    if node.tag == _BOOL:
        problem(f"“{text}”会被 YAML 读成是/否（布尔值）；如果是文字，请加引号：\"{text}\"")
        return text
    if node.tag == _TIMESTAMP:
        problem(f"“{text}”会被 YAML 读成日期；请加引号：\"{text}\"")
        return text
    if node.tag in (_INT, _FLOAT):
        if not _PLAIN_DECIMAL.match(text):
            return AmbiguousNumber(text)
        return int(text) if node.tag == _INT else Decimal(text)
    return text
