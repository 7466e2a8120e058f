"""Say in Chinese what is wrong with a YAML file that does not parse, at the
line where the writer made the mistake, with the line as it should be.

The parsers (libyaml and PyYAML's pure-Python one) word their errors
differently and point where they noticed the problem, often the line after
the mistake. So the wording is never shown: the error is sorted into a kind
by what the parser was doing (its context) and what it found (its problem),
and the lines around it are searched for the mistakes people who type
Chinese all day make (full-width ``：`` ``，`` ``【】``, a missing space after
``:``, a sentence with ``: ``, a leading ``%``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .problems import JsonPath, Problem

# YAML refuses these characters anywhere (YAML 1.1 "printable"); a byte-order mark is
# allowed only at the start, which decoding with utf-8-sig has taken off.
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# Invisible line breaks (from web pages or Word): YAML counts them as new lines, editors do not.
HIDDEN_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")
FULL_WIDTH_OPEN = "【（｛［"
FULL_WIDTH_CLOSE = "】）｝］"
CHINESE_QUOTES = "“”‘’"
# Two Chinese characters or punctuation marks: a line break between them becomes a stray space.
_CHINESE = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{2}")
LOOKBACK = 3  # lines above the parser's mark searched for the mistake
# Where a field name can stand: at the start of a line (after list dashes), or after
# "{" or "," in braces (after "，" too, when that comma is the mistake).
_FIELD_AT_START = r"^\s*(?:-\s+)*"
_FIELD_IN_BRACES = r"[{,，][ \t]*"
# What comes before a value: indentation, list dashes, a field name and its colon.
_VALUE_PREFIX = r"^(\s*(?:-\s+)*(?:[A-Za-z_][\w-]*\s*:\s+)?)"


@dataclass(frozen=True)
class Mistake:
    line: int  # 1-based
    column: int | None  # 1-based
    message: str


@cache
def field_names() -> frozenset[str]:
    """Every field name of the data format, from the JSON Schema."""
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(resources.files("budget_site").joinpath("schema/unit.schema.json").read_text("utf-8")))
    return frozenset(names)


@cache
def _key_pattern() -> str:
    """A field name of the data format, as a regular expression group."""
    return "(" + "|".join(sorted(map(re.escape, field_names()), key=len, reverse=True)) + r")(?![\w-])"


# --------------------------------------------------------------- fixing lines

def quote(text: str) -> str:
    """``text`` as a quoted YAML scalar: double quotes, or single quotes when it has ``"`` or ``\\``."""
    if '"' in text or "\\" in text:
        return "'" + text.replace("'", "''") + "'"
    return f'"{text}"'


def quote_block_value(line: str) -> str:
    """``  - key: a: b`` -> ``  - key: "a: b"``: the value after the field name (or the
    list item's dash), quoted."""
    start = re.match(_VALUE_PREFIX, line).end()
    value = line[start:].rstrip()
    if len(value) >= 2 and value[0] in CHINESE_QUOTES and value[-1] in CHINESE_QUOTES:
        value = value[1:-1]
    return line[:start] + quote(value)


def quote_flow_value(line: str, column: int) -> str:
    """Quote the value inside ``{…}`` that holds ``column`` (0-based)."""
    starts = list(re.finditer(r"[{,]\s*[A-Za-z_][\w-]*\s*:\s+", line[:column]))
    start = starts[-1].end() if starts else 0
    end_match = re.compile(r"[,}]").search(line, column)
    end = end_match.start() if end_match else len(line.rstrip())
    value = line[start:end].rstrip()
    return line[:start] + quote(value) + line[start + len(value):]


# --------------------------------------------------------------- Chinese-keyboard mistakes

@dataclass(frozen=True)
class _Found:
    column: int  # 0-based
    message: str


def keyboard_mistake(line: str) -> _Found | None:
    """A mistake of the Chinese keyboard in a line where YAML syntax is expected:
    full-width brackets, quotes, colon or comma, or no space after a field's colon."""
    for check in (_brackets, _chinese_quotes, _full_width_colon, _full_width_comma, _no_space):
        if found := check(line):
            return found
    return None


def _field_places(line: str) -> list[str]:
    return [_FIELD_AT_START, _FIELD_IN_BRACES] if "{" in line else [_FIELD_AT_START]


def _full_width_colon(line: str) -> _Found | None:
    for place in _field_places(line):
        if m := re.search(place + _key_pattern() + r"[ \t]*：[ \t]*", line):
            fixed = line[:m.end(1)] + ": " + line[m.end():]
            return _Found(m.end(1), f"字段名“{m.group(1)}”后面用了全角冒号“：”，YAML 只认英文冒号；"
                                    f"请改成：{fixed.strip()}")
    return None


def _full_width_comma(line: str) -> _Found | None:
    if "{" in line and (m := re.search(r"[ \t]*，[ \t]*" + _key_pattern() + r"[ \t]*:", line)):
        fixed = line[:m.start()] + ", " + line[m.start(1):]
        return _Found(m.start(), f"花括号里的字段之间用了全角逗号“，”，YAML 只认英文逗号“,”；请改成：{fixed.strip()}")
    return None


def _no_space(line: str) -> _Found | None:
    for place in _field_places(line):
        if m := re.search(place + _key_pattern() + r":(?=[^\s,}])", line):
            fixed = line[:m.end()] + " " + line[m.end():]
            return _Found(m.end() - 1, f"字段名“{m.group(1)}”的冒号后面缺少空格；请改成：{fixed.strip()}")
    return None


def _brackets(line: str) -> _Found | None:
    """``- 【period: 3月底, share: 30】``: full-width brackets where ``{ }`` belong."""
    m = re.match(_VALUE_PREFIX + f"([{FULL_WIDTH_OPEN}])(.*)([{FULL_WIDTH_CLOSE}])" + r"\s*$", line)
    if not m or not re.search(_key_pattern() + r"\s*[:：]", m.group(3)):
        return None
    fixed = m.group(1) + "{" + m.group(3) + "}"
    return _Found(m.start(2), f"用了全角括号“{m.group(2)}{m.group(4)}”，一行写一项时要用英文花括号“{{ }}”；"
                              f"请改成：{fixed.strip()}")


def _chinese_quotes(line: str) -> _Found | None:
    """``value: “比例: 100%”``: Chinese quotes do not quote in YAML."""
    m = re.match(_VALUE_PREFIX + f"([{CHINESE_QUOTES}])(.*)([{CHINESE_QUOTES}])" + r"\s*$", line)
    if not m or ": " not in m.group(3):
        return None
    return _Found(m.start(2), "中文引号“”在 YAML 里不起引号的作用，值里有“冒号+空格”时要用英文引号；"
                              f"请改成：{(m.group(1) + quote(m.group(3))).strip()}")


# --------------------------------------------------------------- parser errors by kind

# (kind, words of the parser's context or problem): the first that matches wins; the
# words are those of both libyaml and PyYAML.
_KINDS = [
    ("tab", ("tab character", "'\\t'")),
    ("token", ("cannot start any token",)),
    ("document", ("single document", "another document", "document start", "document end",
                  "document indicator", "nothing after", "stream-start", "stream start")),
    ("directive", ("directive",)),
    ("anchor", ("anchor", "alias")),
    ("tag", ("tag",)),
    ("escape", ("escape", "hexdecimal", "hexadecimal", "unicode")),
    ("quoted", ("quoted scalar", "double-quoted", "single-quoted")),
    ("block_scalar", ("block scalar", "indentation indicator", "chomping")),
    ("colon_in_value", ("mapping values are not allowed",)),
    ("question_mark", ("mapping keys are not allowed",)),
    ("dash", ("block sequence entries are not allowed",)),
    ("no_colon", ("could not find expected ':'", "simple key")),
    ("flow", ("flow mapping", "flow sequence", "flow node", "',' or", "unexpected ':'")),
    ("block_mapping", ("while parsing a block mapping",)),
    ("block_list", ("while parsing a block collection", "'-' indicator")),
    ("node", ("node content", "node", "plain scalar")),
]

_MESSAGES = {
    "tab": "出现了制表符（Tab），请改用空格",
    "token": "值不能以“{char}”开头（它在 YAML 里有特殊含义）；请给整个值加英文双引号：{fixed}",
    "document": "一个文件只能写一个单位：不要用“---”或“...”分隔，也不要在行首多写括号",
    "directive": "行首的“%”在 YAML 里有特殊含义；如果它是内容，请给整个值加英文双引号",
    "anchor": "以“&”或“*”开头的值在 YAML 里有特殊含义；请给整个值加英文双引号",
    "tag": "以“!”开头的值在 YAML 里有特殊含义；请给整个值加英文双引号",
    "escape": "双引号里的反斜杠“\\”有特殊含义；请改用英文单引号括起整个值，或把“\\”写成两个",
    "quoted": "从这里开始的引号没有结束；请在值的末尾补上同样的英文引号（值里有双引号时，整个值改用单引号）",
    "block_scalar": "“|”或“>”开头的多行文字写法不对；请把这段文字写在一行里，加英文双引号",
    "colon_in_value": "值里有“冒号+空格”，YAML 会把它当作字段的分隔；请给整个值加英文双引号：{fixed}",
    "question_mark": "值里的“? ”在 YAML 里有特殊含义；请给整个值加英文双引号：{fixed}",
    "dash": "这里不能开始一个列表项“- ”：缩进不对，或者上一行的冒号后面已经写了值",
    "no_colon": "这一行缺少英文冒号：字段名后面要写“: ”（英文冒号加空格），如“name: 博野县信访局”；"
                "如果这一行是上一行文字的延续，请把它接到上一行",
    "flow_colon": "花括号里的值有“冒号+空格”，YAML 会把它当作字段的分隔；请给这个值加英文双引号：{fixed}",
    "flow": "花括号或方括号里的写法不对：各项之间用英文逗号“,”加空格分隔，括号要成对；"
            "值里有英文逗号、冒号或括号时，请给这个值加英文双引号",
    "block_mapping": "这一行缩进了 {spaces} 个空格，与同一级的字段对不齐：从第 {other} 行起，这一级的字段都缩进 "
                     "{expected} 个空格（同一级的字段必须左对齐）",
    "block_list": "这一行缩进了 {spaces} 个空格，与同一列表的项对不齐：从第 {other} 行起，这个列表的各项“- ”都缩进 "
                  "{expected} 个空格（项里的字段再多缩进两格）",
    "node": "这里缺少值，或者值以特殊符号开头；请补上值，或给整个值加英文双引号",
    "other": "这一行的写法不符合 YAML 格式：请检查缩进、冒号后的空格和括号是否成对，值里有特殊符号时请加英文双引号",
}


def _kind(error: yaml.MarkedYAMLError) -> str:
    words = f"{error.context or ''} | {error.problem or ''}".lower()
    return next((kind for kind, needles in _KINDS if any(n in words for n in needles)), "other")


def explain(error: yaml.YAMLError, lines: list[str]) -> Mistake:
    """The mistake behind a parser error, at its line, in Chinese."""
    last = max(len(lines), 1)

    def clamp(line0: int) -> int:
        return min(max(line0, 0), last - 1)

    if not isinstance(error, yaml.MarkedYAMLError) or not (error.problem_mark or error.context_mark):
        return Mistake(1, None, _MESSAGES["other"])
    kind = _kind(error)
    mark = error.problem_mark or error.context_mark
    if kind in ("no_colon", "quoted") and error.context_mark:
        mark = error.context_mark  # where the key or the quote starts
    index = clamp(mark.line)
    column = mark.column if mark.line == index else 0
    other = error.context_mark.line + 1 if error.context_mark else None
    top = clamp(min(index - LOOKBACK, error.context_mark.line if error.context_mark else index))
    for i in range(index, top - 1, -1):
        if i < len(lines) and (found := keyboard_mistake(lines[i])):
            return Mistake(i + 1, found.column + 1, found.message)
    text = lines[index] if index < len(lines) else ""
    char = text[column] if column < len(text) else ""
    in_braces = "{" in text[:column]
    if kind == "flow" and char == ":":
        fixed = quote_flow_value(text, column).strip()
        return Mistake(index + 1, column + 1, _MESSAGES["flow_colon"].format(fixed=fixed))
    if kind in ("block_mapping", "block_list") and (other is None or other - 1 == index):
        kind = "other"
    fixed = quote_flow_value(text, column) if in_braces else quote_block_value(text)
    spaces = len(text) - len(text.lstrip(" "))
    expected = error.context_mark.column if error.context_mark else 0
    message = _MESSAGES[kind].format(char=char, fixed=fixed.strip(), other=other, spaces=spaces, expected=expected)
    return Mistake(index + 1, column + 1, message)


# --------------------------------------------------------------- silent folds

def folded_lines(node: yaml.ScalarNode, path: JsonPath, file, lines: list[str]) -> list[Problem]:
    """A value YAML joined from several lines, each line break turned into a space.

    A continuation line that looks like a list item (``- ``) or a field (``key:``) is
    an error: one space too many before ``- `` silently glues a paragraph to the one
    above. A break between two Chinese characters is a warning: it becomes a space
    inside the Chinese text.
    A field name typed with ``：`` or without a space after ``:`` is an error too.
    """
    if node.style in ("|", ">"):
        return []
    first, last = node.start_mark.line, node.end_mark.line
    if node.end_mark.column == 0 and last > first:
        last -= 1
    if not node.style and re.match(_key_pattern() + r"[ \t]*(：|:\S)", node.value):
        if found := keyboard_mistake(lines[first]):
            return [Problem(file, first + 1, found.column + 1, path, found.message)]
    if last <= first:
        return []
    for j in range(first + 1, last + 1):
        text = lines[j].lstrip(" ")
        if found := keyboard_mistake(lines[j]):
            return [Problem(file, j + 1, found.column + 1, path, found.message)]
        if text.startswith("- ") or text == "-" or re.match(_key_pattern() + r"[ \t]*[:：]", text):
            return [Problem(file, j + 1, len(lines[j]) - len(text) + 1, path, _glued(node.value, lines, first, j))]
    if not any(_CHINESE.fullmatch(lines[j - 1].rstrip()[-1:] + lines[j].lstrip()[:1])
               for j in range(first + 1, last + 1)):
        return []  # breaks between words, as YAML writers fold long text: the spaces are meant
    return [Problem(file, first + 1, node.start_mark.column + 1, path,
                    f"这段文字从第 {first + 1} 行写到了第 {last + 1} 行，YAML 会把换行变成一个空格插进文字里；"
                    "请把整段写在一行里", "warning")]


def _glued(value: str, lines: list[str], first: int, j: int) -> str:
    text = lines[j].strip()
    at = value.find(text[:8])
    seam = f"（“…{value[max(at - 8, 0):at + 8]}…”）" if at > 0 else ""
    what = "像是新的一个列表项" if text.startswith("-") else "像是一个字段"
    reason = "它比上面同一级的行多缩进了空格"
    above = lines[first].lstrip(" ")
    if text.startswith("-") and above.startswith("- "):
        extra = (len(lines[j]) - len(lines[j].lstrip(" "))) - (len(lines[first]) - len(above))
        if extra > 0:
            reason = f"它的“- ”比第 {first + 1} 行的“- ”多缩进了 {extra} 个空格"
    return (f"第 {j + 1} 行{what}，却被 YAML 接到了第 {first + 1} 行的文字后面，成了同一段文字{seam}，"
            f"因为{reason}；如果它是单独的一项，请让它与第 {first + 1} 行对齐")
