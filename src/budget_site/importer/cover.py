"""The title page (unit, year, 编制, 审核) and the table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import Context
from .layout import part_heading, toc_entry
from .lines import Line

_YEAR_LINE = re.compile(r"^(?P<name>.*?)\s*(?P<year>\d{4})\s*年\s*(?:度\s*)?部门预算绩效文本$")
_PREPARED = re.compile(r"^(?:编制单位\s*[：:]\s*(?P<labelled>.+)|(?P<plain>.+?)\s*编制)$")
_REVIEWED = re.compile(r"^(?:审核单位\s*[：:]\s*(?P<labelled>.+)|(?P<plain>.+?)\s*审核)$")


@dataclass
class TitlePage:
    year: int | None = None
    name: str | None = None
    prepared_by: str | None = None
    reviewed_by: str | None = None


def parse_title_page(lines: list[Line], ctx: Context) -> TitlePage:
    """Unit name, "2023 年部门预算绩效文本", "××编制" and "××审核"."""
    page = TitlePage()
    rest = []
    for line in lines:
        if line.is_row:
            rest.append(line)
            continue
        text = ctx.words(line.raw)
        year, prepared, reviewed = _YEAR_LINE.match(text), _PREPARED.match(text), _REVIEWED.match(text)
        if year and page.year is None:
            page.year = int(year["year"])
            if not 2000 <= page.year <= 2100:
                ctx.refuse(line.number, f"年度 {page.year} 不在 2000 到 2100 之间")
            if year["name"]:
                page.name = year["name"]
            elif rest and not rest[-1].is_row:  # the unit name is printed above the year line
                page.name = ctx.words(rest.pop().raw)
        elif prepared and page.prepared_by is None:
            page.prepared_by = prepared["labelled"] or prepared["plain"]
        elif reviewed and page.reviewed_by is None:
            page.reviewed_by = reviewed["labelled"] or reviewed["plain"]
        else:
            rest.append(line)
    if page.name is None and rest and not rest[0].is_row:
        page.name = ctx.words(rest.pop(0).raw)
    ctx.unplace(rest, "封面上的这一行未能归入任何字段")
    return page


def refuse_incomplete_title_page(page: TitlePage, ctx: Context) -> None:
    if page.year is None:
        ctx.refuse(None, "封面上找不到年度（应有“2023 年部门预算绩效文本”这样的一行）")
    if page.name is None:
        ctx.refuse(None, "封面上找不到单位名称（应在“××年部门预算绩效文本”上面一行）")
    if page.prepared_by is None:
        ctx.refuse(None, "封面上找不到编制单位（应有“××编制”这样的一行）")
    if page.reviewed_by is None:
        ctx.refuse(None, "封面上找不到审核单位（应有“××审核”这样的一行）")


@dataclass(frozen=True)
class TocEntry:
    line: int
    text: str


def parse_toc(lines: list[Line], ctx: Context) -> list[TocEntry]:
    """Entries of the table of contents; page numbers and leaders are layout."""
    entries = []
    for line in lines:
        entry = toc_entry(line)
        if entry is not None:
            entries.append(TocEntry(line.number, entry))
        elif not part_heading(line):
            ctx.unplace(line, "目录中的这一行未能识别")
    return entries
