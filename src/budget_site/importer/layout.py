"""Cutting a document at its headings: title page, 目录, Part 1, Part 2."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .characters import CHAPTER_NUMBERING, CODE, join_chinese, squeeze, strip_numbering
from .lines import Line

_PARTS = {"第一部分": "部门整体绩效目标", "第二部分": "预算项目绩效目标"}
CHAPTERS = {"总体绩效目标": "overall_goals", "分项绩效目标": "itemised_goals", "工作保障措施": "measures"}
CHAPTER_NAMES = {
    "overall_goals": "一、总体绩效目标", "itemised_goals": "二、分项绩效目标", "measures": "三、工作保障措施",
}
_TOC_LEADER = re.compile(r"\s*(?:(?:[.．·•。]{2,}|…+)\s*\d*|\t\s*\d+)\s*$")  # dots, or a Word TOC tab
PAGE_NUMBER = re.compile(r"^(?:-\s*\d+\s*-|\d{1,3}|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?)$")
PROJECT_TITLE_SUFFIX = "绩效目标表"
_UNIT_LINE = re.compile(r"^(?P<code>[0-9A-Za-z][0-9A-Za-z_\- ]*?)\s*(?P<name>[^\x00-\x7f].*)$")
_MONEY_LINE = re.compile(r"^单位\s*[：:]\s*(?P<unit>\S.*)$")


@dataclass
class Layout:
    """The document cut into its parts; every line is in exactly one of them."""

    title_page: list[Line]
    toc: list[Line]
    stray: list[Line]  # between the table of contents and Part 1
    part_one: list[Line]
    part_two: list[Line]


def part_heading(line: Line) -> str | None:
    """"第一部分" or "第二部分" when the line is that heading (alone or with its title)."""
    if line.is_row:
        return None
    key = line.key
    for part, title in _PARTS.items():
        if key in (part, part + title):
            return part
    return None


def chapter_of(line: Line) -> str | None:
    """The field a Part 1 chapter heading ("二、分项绩效目标") stands for."""
    if line.is_row:
        return None
    return CHAPTERS.get(CHAPTER_NUMBERING.sub("", line.key))


def project_title(line: Line) -> str | None:
    """The project name in a table title "1.××绩效目标表", or None."""
    if line.is_row or not line.key.endswith(PROJECT_TITLE_SUFFIX):
        return None
    return strip_numbering(line.text).removesuffix(PROJECT_TITLE_SUFFIX).strip() or None


def unit_line(line: Line) -> str | None:
    """The unit code of a line like "230001 博野县信访局本级", or None."""
    match = None if line.is_row else _UNIT_LINE.match(line.raw)
    if not match:
        return None
    code = squeeze(match["code"])  # unit codes have 6 digits or so; "12 月底前" is no unit line
    return code if CODE.match(code) and len(code) >= 4 and any(c.isdigit() for c in code) else None


def money_unit(line: Line) -> str | None:
    match = None if line.is_row else _MONEY_LINE.match(line.text)
    return match["unit"] if match else None


def is_table_header(line: Line) -> bool:
    """A line that belongs above a project table: its title, unit line or money unit."""
    return bool(project_title(line) or unit_line(line) or money_unit(line))


def is_code_row(line: Line) -> bool:
    return line.is_row and line.key == "项目编码"


def toc_entry(line: Line) -> str | None:
    """The text of a table-of-contents entry ("一、总体绩效目标..... | 2 |"), or None."""
    if line.is_row:
        filled = [join_chinese(c) for _, c in line.filled()]
        if len(filled) == 2 and filled[1].isdigit():
            leader = _TOC_LEADER.search(filled[0])
            return filled[0][: leader.start()] if leader else filled[0]
        if len(filled) != 1:
            return None
        text = filled[0]
    else:
        text = line.text
    leader = _TOC_LEADER.search(text)
    return text[: leader.start()] if leader and leader.start() > 0 else None


def _find(lines: list[Line], test: Callable[[Line], Any], start: int = 0) -> int | None:
    return next((i for i in range(start, len(lines)) if test(lines[i])), None)


def locate(lines: list[Line]) -> Layout:
    """Cut the document at its headings: 目录, 第一部分, 第二部分."""
    toc_at = _find(lines, lambda line: not line.is_row and line.key == "目录")
    if toc_at is not None:
        body_at = _toc_end(lines, toc_at)
        title_page, toc = lines[:toc_at], lines[toc_at + 1: body_at]
    else:
        body_at = _find(lines, _is_structural)
        body_at = len(lines) if body_at is None else body_at
        title_page, toc = lines[:body_at], []
    body = lines[body_at:]
    one = _find(body, lambda line: part_heading(line) == "第一部分")
    two = _find(body, lambda line: part_heading(line) == "第二部分", one or 0)
    if two is None:
        two = _project_start(body, one or 0)
    stray = body[:one] if one is not None else []
    return Layout(title_page, toc, stray, body[len(stray): two], body[two:])


def _is_structural(line: Line) -> bool:
    """A line that can only be in the body: a heading or a project table."""
    return bool(part_heading(line) or chapter_of(line) or project_title(line) or line.is_row)


def _toc_end(lines: list[Line], toc_at: int) -> int:
    """Index after the last entry of the table of contents that starts at ``toc_at``.

    The body starts with a part heading, like the contents, so the contents
    end at their last entry before the first line only the body has (a
    chapter heading or a project table); lines between entries stay in the
    contents, where unrecognised ones are kept as unplaced.
    """
    body = _find(lines, lambda line: bool(chapter_of(line) or project_title(line) or is_code_row(line)), toc_at)
    entries = [i for i in range(toc_at + 1, len(lines) if body is None else body) if toc_entry(lines[i])]
    return entries[-1] + 1 if entries else toc_at + 1


def _project_start(body: list[Line], start: int) -> int:
    """Where Part 2 begins when its heading is missing: the first project
    table, with the title, unit line and money unit written above it."""
    first = _find(body, lambda line: line.is_row or project_title(line) is not None, start)
    if first is None:
        return len(body)
    while first > start and is_table_header(body[first - 1]):
        first -= 1
    return first


def without_heading(lines: list[Line], part: str) -> list[Line]:
    """Part lines after the heading "第一部分" and its title line "部门整体绩效目标"."""
    if not lines or part_heading(lines[0]) != part:
        return lines
    rest = lines[1:]
    if rest and not rest[0].is_row and rest[0].key == _PARTS[part] and lines[0].key == part:
        rest = rest[1:]
    return rest
