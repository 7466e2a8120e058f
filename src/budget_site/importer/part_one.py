"""第一部分 部门整体绩效目标: overall goals, itemised goals, safeguard measures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .characters import NUMBERING, strip_numbering
from .context import Context
from .layout import CHAPTER_NAMES, PAGE_NUMBER, chapter_of, without_heading
from .lines import Line

_GOAL_LABEL = re.compile(r"^(?P<label>绩效目标|绩效指标)\s*[：:]\s*(?P<text>.*)$")
_GOAL_FIELDS = {"绩效目标": "goal", "绩效指标": "indicator"}


@dataclass
class PartOne:
    overall_goals: list[str] = field(default_factory=list)
    itemised_goals: list[dict[str, str]] = field(default_factory=list)
    measures: list[dict[str, str]] = field(default_factory=list)
    chapters: dict[str, int] = field(default_factory=dict)  # field -> line of its heading


def parse_part_one(lines: list[Line], ctx: Context) -> PartOne:
    """The three chapters of 第一部分 部门整体绩效目标."""
    part = PartOne()
    lines = without_heading(lines, "第一部分")
    chapter: str | None = None
    sections: dict[str, list[Line]] = {name: [] for name in CHAPTER_NAMES}
    for line in lines:
        heading = chapter_of(line)
        if heading:
            chapter = heading
            part.chapters.setdefault(heading, line.number)
        elif line.is_row:
            ctx.unplace(line, "第一部分中的表格行未能归入任何字段")
        elif PAGE_NUMBER.match(line.raw):
            ctx.unplace(line, "这一行像是页码，未能归入任何字段")
        elif chapter is None:
            ctx.unplace(line, "第一部分中、各章标题之前的这一行未能归入任何字段")
        else:
            sections[chapter].append(line)
    part.overall_goals = [ctx.words(line.raw) for line in sections["overall_goals"]]
    part.itemised_goals = _parse_itemised_goals(sections["itemised_goals"], ctx)
    part.measures = _parse_measures(sections["measures"], ctx)
    return part


@dataclass
class _Item:
    """An itemised goal or measure while it is being read."""

    title: str
    lines: list[Line]
    fields: dict[str, str] = field(default_factory=dict)

    def append(self, name: str, line: Line, text: str) -> None:
        """Add ``text`` to field ``name``; a second line starts a new paragraph."""
        self.lines.append(line)
        previous = self.fields.get(name, "")
        self.fields[name] = f"{previous}\n{text}" if previous else text


def _parse_itemised_goals(lines: list[Line], ctx: Context) -> list[dict[str, str]]:
    """Items "1.标题" / "绩效目标：…" / "绩效指标：…"; a line that goes on
    after a label continues that field."""
    items: list[_Item] = []
    current_field: str | None = None
    for i, line in enumerate(lines):
        text = ctx.words(line.raw)
        label = _GOAL_LABEL.match(text)
        current = items[-1] if items else None
        if label and current is not None and _GOAL_FIELDS[label["label"]] not in current.fields:
            current_field = _GOAL_FIELDS[label["label"]]
            current.append(current_field, line, label["text"])
        elif not label and _starts_goal(lines, i, current):
            items.append(_Item(strip_numbering(text), [line]))
            current_field = None
        elif not label and current is not None and current_field is not None:
            current.append(current_field, line, text)
        else:
            ctx.unplace(line, "二、分项绩效目标中的这一行未能归入任何分项")
    return [goal for item in items if (goal := _finish_goal(item, ctx))]


def _starts_goal(lines: list[Line], i: int, current: _Item | None) -> bool:
    """A title is followed by "绩效目标：", or is numbered after a complete item."""
    following = lines[i + 1] if i + 1 < len(lines) else None
    if following is not None and (label := _GOAL_LABEL.match(following.text)) and label["label"] == "绩效目标":
        return True
    complete = current is None or {"goal", "indicator"} <= current.fields.keys()
    return complete and bool(NUMBERING.match(lines[i].text))


def _finish_goal(item: _Item, ctx: Context) -> dict[str, str] | None:
    missing = [label for label, name in _GOAL_FIELDS.items() if not item.fields.get(name)]
    if not item.title:
        missing.insert(0, "标题")
    if missing:
        ctx.unplace(item.lines, f"分项绩效目标缺少{'、'.join(f'“{m}”' for m in missing)}，整项未录入")
        return None
    return {"title": item.title, "goal": item.fields["goal"], "indicator": item.fields["indicator"]}


def _parse_measures(lines: list[Line], ctx: Context) -> list[dict[str, str]]:
    """Numbered titles, each followed by its paragraph(s)."""
    items: list[_Item] = []
    for line in lines:
        text = ctx.words(line.raw)
        if NUMBERING.match(text):
            items.append(_Item(strip_numbering(text), [line]))
        elif items:
            items[-1].append("text", line, text)
        else:
            ctx.unplace(line, "三、工作保障措施中、第一条措施之前的这一行未能归入任何字段")
    measures = []
    for item in items:
        if item.title and item.fields.get("text"):
            measures.append({"title": item.title, "text": item.fields["text"]})
        else:
            ctx.unplace(item.lines, "工作保障措施只有标题、没有内容（或没有标题），整条未录入")
    return measures
