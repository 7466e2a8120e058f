"""One document's lines into the data: the parts in order, then the cross-checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import DataError, Problem
from .characters import CHAPTER_NUMBERING, label_key, squeeze, strip_numbering
from .context import Context
from .cover import TitlePage, TocEntry, parse_title_page, parse_toc, refuse_incomplete_title_page
from .layout import CHAPTER_NAMES, CHAPTERS, PROJECT_TITLE_SUFFIX, Layout, is_code_row, locate, part_heading
from .lines import Line, document_lines
from .part_one import PartOne, parse_part_one
from .part_two import Projects, build_projects, split_tables
from .refusal import refuse
from .source import SourceDocument


def _check_toc(entries: list[TocEntry], part_one: PartOne, projects: Projects, ctx: Context) -> None:
    """Every entry of the contents must be in the body, and every project in the contents."""
    names = set().union(*(aliases for _, _, aliases in projects.tables))
    listed: set[str] = set()
    for entry in entries:
        key = label_key(entry.text)
        chapter = CHAPTERS.get(CHAPTER_NUMBERING.sub("", key))
        if chapter:
            if chapter not in part_one.chapters:
                ctx.warn(entry.line, f"目录中的“{entry.text}”在正文中没有找到")
            continue
        name = squeeze(strip_numbering(entry.text)).removesuffix(PROJECT_TITLE_SUFFIX)
        listed.add(name)
        if name not in names:
            ctx.warn(entry.line, f"目录中的项目“{entry.text}”在正文中没有找到对应的绩效目标表")
    if listed:
        for line, name, aliases in projects.tables:
            if not aliases & listed:
                ctx.warn(line, f"项目“{name}”不在目录中")


def _span(lines: list[Line], what: str) -> str:
    """Where the importer read ``what``, in the document's pages or paragraphs."""
    labels = [line.where.label or f"第 {line.number} 行" for line in lines]
    if not labels:
        return f"没有找到{what}"
    return f"{what}读的是{labels[0]}" + (f"至{labels[-1]}" if labels[-1] != labels[0] else "")


def _check_chapters(part_one: PartOne, layout: Layout, ctx: Context) -> None:
    looked = f"（{_span(layout.toc, '目录')}，{_span(layout.part_one, '第一部分正文')}）"
    if "overall_goals" not in part_one.chapters:
        ctx.refuse(None, f"没有找到标题“一、总体绩效目标”{looked}；请检查第一部分是否有这一标题，"
                         "标题是否单独成一行，目录是否被当成了正文")
    elif not part_one.overall_goals:
        ctx.refuse(part_one.chapters["overall_goals"], "“一、总体绩效目标”下面没有内容")
    for name in ("itemised_goals", "measures"):
        if name not in part_one.chapters:
            ctx.warn(None, f"没有找到标题“{CHAPTER_NAMES[name]}”{looked}，这一章按没有内容导入；"
                           "请检查第一部分是否有这一标题")


# --------------------------------------------------------------------------- the whole document


@dataclass
class ImportedUnit:
    """The data of one imported document and what the reviewer must know."""

    data: dict[str, Any]
    warnings: list[Problem]
    examples: dict[str, str]  # kind of normalisation -> first example in the source
    kind: str = "文字"  # the reader's format: "文字", "PDF", "Word"
    notes: list[str] = field(default_factory=list)  # what the reader changed ("⽬" -> "目")

    @property
    def year(self) -> int:
        return self.data["year"]

    @property
    def code(self) -> str:
        return self.data["unit"]["code"]

    def relative_path(self, region: str | None = None) -> Path:
        """``<year>/<code>.yaml``, or ``<year>/<region>/<code>.yaml`` on a regional site."""
        folder = Path(str(self.year))
        return (folder / region if region else folder) / f"{self.code}.yaml"


def _refuse_non_document(layout: Layout, source: Path) -> None:
    """A document has Part 1 or at least one project table; anything else is some other text."""
    has_part_one = any(part_heading(line) == "第一部分" for line in layout.part_one[:1])
    if not has_part_one and not any(is_code_row(line) for line in layout.part_two):
        raise refuse(source, "不是部门预算绩效文本：没有找到“第一部分 部门整体绩效目标”，"
                              "也没有找到项目绩效目标表（以“项目编码”开头的表格）")


def parse_source(document: SourceDocument) -> ImportedUnit:
    """The stages after reading: lines -> parts -> fields -> data."""
    source = document.path
    lines = document_lines(document)
    ctx = Context(source, labels={line.number: line.where.label for line in lines if line.where.label})
    layout = locate(lines)
    _refuse_non_document(layout, source)
    title_page = parse_title_page(layout.title_page, ctx)
    toc = parse_toc(layout.toc, ctx)
    ctx.unplace(layout.stray, "目录之后、第一部分之前的这一行未能归入任何字段")
    part_one = parse_part_one(layout.part_one, ctx)
    projects = build_projects(split_tables(layout.part_two, ctx), ctx)

    refuse_incomplete_title_page(title_page, ctx)
    _check_chapters(part_one, layout, ctx)
    if projects.unit_code is None:
        ctx.refuse(None, "找不到单位编码：第二部分的项目表上方应有“230001 ××本级”这样的单位行")
    if ctx.refusals:
        raise DataError(ctx.refusals)
    _check_toc(toc, part_one, projects, ctx)
    return _assemble(title_page, part_one, projects, ctx, document)


def _assemble(title_page: TitlePage, part_one: PartOne, projects: Projects, ctx: Context,
              document: SourceDocument) -> ImportedUnit:
    """The data in schema order, unplaced lines last, each also reported as a warning."""
    data: dict[str, Any] = {
        "year": title_page.year,
        "unit": {"code": projects.unit_code, "name": title_page.name},
        "prepared_by": title_page.prepared_by,
        "reviewed_by": title_page.reviewed_by,
        "overall_goals": part_one.overall_goals,
        "itemised_goals": part_one.itemised_goals,
        "measures": part_one.measures,
        "projects": projects.projects,
    }
    unplaced = sorted(ctx.unplaced, key=lambda item: item[0].number)
    if unplaced:
        data["unplaced"] = [_unplaced(line) for line, _ in unplaced]
    for line, reason in unplaced:
        ctx.warn(line.number, f"{reason}，已原样保留在 unplaced 中：{line.raw}")
    ordered = sorted(zip(ctx.warning_lines, ctx.warnings, strict=True), key=lambda pair: pair[0])
    warnings = [problem for _, problem in ordered]
    return ImportedUnit(data, warnings, ctx.examples, document.kind, list(document.notes))


def _unplaced(line: Line) -> dict[str, Any]:
    """An unplaced line with its number and, for PDF and Word, where a reviewer finds it."""
    item: dict[str, Any] = {"line": line.number, "text": line.raw}
    if line.where.label:
        item["where"] = line.where.label
    return item
