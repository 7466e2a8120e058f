"""The mistakes clerks make in YAML, each told in Chinese at the line of the
mistake with what to type instead, by libyaml's parser and by the pure-Python one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_site.problems import Problem
from budget_site.validation import validate_document
from budget_site.yaml_reader import read_yaml
from budget_site.yaml_syntax import field_names

from conftest import ROOT, examples

REFERENCE = ROOT / "data" / "2023" / "230001.yaml"
REFERENCE_TEXT = REFERENCE.read_text("utf-8")
LOADERS = [pytest.param(yaml.CSafeLoader, id="libyaml"), pytest.param(yaml.SafeLoader, id="python")]
# ASCII words of our own messages: a few names, and the fields of the data format
OUR_WORDS = {"YAML", "Tab", "Word", "UTF", "GBK"} | field_names()


def problems_of(path: Path, loader: type) -> list[Problem]:
    read = read_yaml(path, loader)
    return read.problems + validate_document(read)


def chinese_and_placed(problem: Problem, text: str) -> None:
    """A message in Chinese, at a line of the file, with no English of the parser: every
    ASCII word in it is one of ours or comes from the file (a field name, a fixed line)."""
    assert re.search("[\u4e00-\u9fff]", problem.message), problem
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]+", re.sub(r"U\+[0-9A-F]{4,6}", "", problem.message)))
    assert words <= OUR_WORDS | set(re.findall(r"[A-Za-z][A-Za-z0-9_]+", text)), problem
    assert problem.line is not None and 1 <= problem.line <= len(text.split("\n")), problem


# (what the clerk typed instead of a line of the reference, the line, the message)
MISTAKES = {
    "full-width colon after a key": (
        "    money_unit: 万元", "    money_unit：万元", 57,
        "YAML 格式错误：字段名“money_unit”后面用了全角冒号“：”，YAML 只认英文冒号；请改成：money_unit: 万元"),
    "no space after the colon": (
        "      total: 45.00", "      total:45.00", 59,
        "YAML 格式错误：字段名“total”的冒号后面缺少空格；请改成：total: 45.00"),
    "full-width comma in braces": (
        "      - {period: 3月底, share: 30}", "      - {period: 3月底，share: 30}", 64,
        "YAML 格式错误：花括号里的字段之间用了全角逗号“，”，YAML 只认英文逗号“,”；"
        "请改成：- {period: 3月底, share: 30}"),
    "sentence with ': '": (
        "    use_of_funds: 常年驻京值班经费", "    use_of_funds: 常年驻京值班经费，比例: 100%", 62,
        "YAML 格式错误：值里有“冒号+空格”，YAML 会把它当作字段的分隔；请给整个值加英文双引号："
        "use_of_funds: \"常年驻京值班经费，比例: 100%\""),
    "sentence with ': ' in braces": (
        "description: 登记办理群众来信数量,", "description: 登记办理群众来信数量 比例: 100%,", 70,
        "YAML 格式错误：花括号里的值有“冒号+空格”，YAML 会把它当作字段的分隔；请给这个值加英文双引号："
        "- {level1: 产出指标, level2: 数量指标, level3: 重点排查人员准确率, "
        "description: \"登记办理群众来信数量 比例: 100%\", value: 100%, basis: 尽职尽责}"),
    "sentence with ': ' as a list item": (
        "  - 负责县群众工作中心工作。", "  - 通知: 负责县群众工作中心工作。", 20,
        "应为文本，实际是键值对（映射）；因为文字里有“冒号+空格”，YAML 把它读成了字段和值。"
        "请给整个值加英文双引号：- \"通知: 负责县群众工作中心工作。\""),
    "Chinese quotes around a sentence with ': '": (
        "    use_of_funds: 常年驻京值班经费", "    use_of_funds: “常年驻京值班经费 比例: 100%”", 62,
        "YAML 格式错误：中文引号“”在 YAML 里不起引号的作用，值里有“冒号+空格”时要用英文引号；"
        "请改成：use_of_funds: \"常年驻京值班经费 比例: 100%\""),
    "full-width brackets": (
        "      - {period: 3月底, share: 30}", "      - 【period: 3月底, share: 30】", 64,
        "YAML 格式错误：用了全角括号“【】”，一行写一项时要用英文花括号“{ }”；请改成：- {period: 3月底, share: 30}"),
    "full-width parentheses": (
        "      - {period: 3月底, share: 30}", "      - （period: 3月底, share: 30）", 64,
        "YAML 格式错误：用了全角括号“（）”，一行写一项时要用英文花括号“{ }”；请改成：- {period: 3月底, share: 30}"),
    "leading %": (
        "    target: 1.目标内容 1", "    target: %100", 68,
        "YAML 格式错误：值不能以“%”开头（它在 YAML 里有特殊含义）；请给整个值加英文双引号：target: \"%100\""),
    "leading % in braces": (
        "value: 100%, basis: 尽职尽责}", "value: %100, basis: 尽职尽责}", 70,
        "YAML 格式错误：值不能以“%”开头（它在 YAML 里有特殊含义）；请给整个值加英文双引号："
        "- {level1: 产出指标, level2: 数量指标, level3: 重点排查人员准确率, description: 登记办理群众来信数量, "
        "value: \"%100\", basis: 尽职尽责}"),
    "leading @": (
        "    target: 1.目标内容 1", "    target: @信访局", 68,
        "YAML 格式错误：值不能以“@”开头（它在 YAML 里有特殊含义）；请给整个值加英文双引号：target: \"@信访局\""),
    "a key indented by a space too many": (
        "    use_of_funds: 常年驻京值班经费", "     use_of_funds: 常年驻京值班经费", 62,
        "YAML 格式错误：这一行缩进了 5 个空格，与同一级的字段对不齐：从第 54 行起，这一级的字段都缩进 4 个空格"
        "（同一级的字段必须左对齐）"),
    "a list item indented by a space too many": (
        "      - {period: 6月底, share: 30}", "       - {period: 6月底, share: 30}", 65,
        "YAML 格式错误：这一行缩进了 7 个空格，与同一列表的项对不齐：从第 64 行起，这个列表的各项“- ”都缩进 6 个空格"
        "（项里的字段再多缩进两格）"),
    "a paragraph glued to the one above": (
        "  - 调查研究", "   - 调查研究", 14,
        "第 14 行像是新的一个列表项，却被 YAML 接到了第 13 行的文字后面，成了同一段文字"
        "（“…建议征集工作。 - 调查研究和综…”），"
        "因为它的“- ”比第 13 行的“- ”多缩进了 1 个空格；如果它是单独的一项，请让它与第 13 行对齐"),
    "a thousands separator": (
        "      total: 45.00", "      total: 1,286.50", 59,
        "应为数字，实际是文本“1,286.50”；金额不要写千分位逗号，请写成 1286.50"),
    "a full-width thousands separator": (
        "      total: 45.00", "      total: 1，286.50", 59,
        "应为数字，实际是文本“1，286.50”；金额不要写千分位逗号，请写成 1286.50"),
    "a paragraph broken over two lines": (
        "  - 负责县群众工作中心工作。", "  - 负责县群众\n    工作中心工作。", 20,
        "这段文字从第 20 行写到了第 21 行，YAML 会把换行变成一个空格插进文字里；请把整段写在一行里"),
}


def with_mistake(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert REFERENCE_TEXT.count(old) >= 1
    text = REFERENCE_TEXT.replace(old, new, 1)
    path = tmp_path / "2023" / "230001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_told_at_its_line_with_the_fix(tmp_path, mistake, loader):
    old, new, line, message = MISTAKES[mistake]
    path, text = with_mistake(tmp_path, old, new)
    found = problems_of(path, loader)
    assert (line, message) in [(p.line, p.message) for p in found], found
    for problem in found:
        chinese_and_placed(problem, text)


def test_the_reference_has_no_problem_with_either_loader():
    for loader in (yaml.CSafeLoader, yaml.SafeLoader):
        assert problems_of(REFERENCE, loader) == []


# ------------------------------------------------------------------ property test

SYNTAX = list(" -:：，,{}[]【】（）“”\"'%@#&*!|>?`\\\n") + ["a", "中", "1", "  ", ": ", "- "]
LINES = REFERENCE_TEXT.split("\n")


@st.composite
def mutated(draw) -> str:
    """The reference with a few clerk-like edits: characters inserted, deleted or
    replaced, a line indented more or less, a line doubled or dropped."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        j = draw(st.integers(0, len(line)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "indent", "dedent", "double", "drop"]))
        if edit == "insert":
            line = line[:j] + draw(st.sampled_from(SYNTAX)) + line[j:]
        elif edit == "delete":
            line = line[:j] + line[j + draw(st.integers(1, 3)):]
        elif edit == "replace":
            line = line[:j] + draw(st.sampled_from(SYNTAX)) + line[j + 1:]
        elif edit == "indent":
            line = " " * draw(st.integers(1, 3)) + line
        elif edit == "dedent":
            line = line[draw(st.integers(1, 3)):]
        elif edit == "double":
            lines.insert(i, line)
        lines[i] = line
        if edit == "drop" and len(lines) > 1:
            del lines[i]
    return "\n".join(lines)


@settings(max_examples=examples(300))
@given(text=mutated())
def test_any_edit_of_the_reference_is_told_in_chinese_at_an_existing_line(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("mutated") / "230001.yaml"
    path.write_text(text, encoding="utf-8")
    for loader in (yaml.CSafeLoader, yaml.SafeLoader):
        for problem in problems_of(path, loader):
            chinese_and_placed(problem, text)


# ------------------------------------------------------------------ 数据格式说明

def common_mistakes_table() -> list[tuple[str, str]]:
    """(the mistake as typed, the message) of each row of 数据格式说明's 常见错误 table."""
    text = (ROOT / "docs" / "data-format.md").read_text("utf-8")
    section = text.split("\n## 常见错误\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in section.splitlines()
            if line.startswith("| `")]
    return [(re.match(r"`([^`]+)`", row[0]).group(1), row[1].strip()) for row in rows]


def shown_as(doc_message: str, message: str) -> bool:
    """The table may leave out part of a long message with “…”."""
    pattern = ".*?".join(re.escape(part) for part in doc_message.split("…"))
    return re.fullmatch(pattern, message, re.S) is not None


def test_the_common_mistakes_table_shows_the_messages_the_program_prints(tmp_path):
    """Each row is one of MISTAKES, whose message test_each_mistake checks against the program."""
    rows = common_mistakes_table()
    assert len(rows) >= 10
    for typed, doc_message in rows:
        matching = [name for name, (_old, new, _line, message) in MISTAKES.items()
                    if new.strip().split("\n")[0] == typed.removesuffix("…") and shown_as(doc_message, message)]
        assert matching, f"数据格式说明的常见错误表中这一行与程序的提示不符：{typed} | {doc_message}"
        old, new, line, message = MISTAKES[matching[0]]
        path, _text = with_mistake(tmp_path, old, new)
        assert (line, message) in [(p.line, p.message) for p in problems_of(path, yaml.CSafeLoader)]


def test_a_break_between_words_is_no_warning(tmp_path):
    """YAML writers fold long text at spaces between words; folding restores them."""
    path, _text = with_mistake(tmp_path, "  - 负责县群众工作中心工作。", "  - 负责 county\n    work 工作。")
    assert problems_of(path, yaml.CSafeLoader) == []
