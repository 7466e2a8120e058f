"""Import one 部门预算绩效文本 from its converted text into ``data/<year>/<unit code>.yaml``.

Departments publish the document as a PDF; a converter turns it into text
with one line per paragraph and each table row as a ``| cell | cell |`` line
(``tests/fixtures/2023-boye-xinfangju.txt``). The importer reads that text in
stages, each small enough to reason about alone:

1. ``read_document``: bytes -> text, refusing what is not a text at all;
2. ``split_lines``: numbered lines, table rows split into cells, layout rows dropped;
3. ``locate``: title page, table of contents, Part 1 and Part 2 by their headings;
4. ``_parse_*``: each part into the fields of the data format;
5. ``render_yaml``: the data in the layout of ``data/2023/230001.yaml``;
6. ``write_unit``: checked by the loader first, never overwriting by accident.

It changes only what the conversion provably broke (whitespace between two
Chinese characters, inside codes and inside period labels) and keeps every
other character as written. Nothing is dropped: a line it cannot place goes to
``unplaced`` with its line number and a warning, so the reviewer sees it.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.emitter import Emitter

from .filesystem import cause_of, write_text_atomically
from .loading import build_unit, load_unit
from .problems import DataError, Problem
from .validation import BIDI_CONTROLS

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

# --------------------------------------------------------------------------- normalisation

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHINESE_PUNCTUATION = "\u3001-\u303f\uff01-\uff60\uffe0-\uffee"  # 、。（），：；“” and full-width forms
_CHINESE = f"[{_HAN}{_CHINESE_PUNCTUATION}]"
_SPACE_IN_CHINESE = re.compile(rf"(?<={_CHINESE})\s+(?={_CHINESE})")
_WHITESPACE = re.compile(r"\s+")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


def join_chinese(text: str) -> str:
    """Remove whitespace between two Chinese characters.

    The converter breaks words where the PDF wrapped a table cell
    ("经费支出准确 率"), and Chinese never puts a space there. A space next to
    a digit or a Latin letter ("8 小时", "大于 95%") may be the author's and is kept.
    """
    return _SPACE_IN_CHINESE.sub("", text.strip())


def squeeze(text: str) -> str:
    """Remove all whitespace: for codes, amounts, period labels and fixed
    header words, where no space can be part of the content."""
    return _WHITESPACE.sub("", text)


def _label(text: str) -> str:
    """A header cell as a lookup key: no spaces, full-width colon and brackets."""
    return squeeze(text).replace(":", "：").replace("(", "（").replace(")", "）")


# Leading numbering of itemised goals, measures and project titles: "1." "1、" "（1）".
# Not followed by a digit, so "3.5万元……" keeps its number.
_NUMBERING = re.compile(r"^(?:\d{1,3}\s*[.．、]|[（(]\s*\d{1,3}\s*[)）])\s*(?!\d)")
_CHAPTER_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）])\s*")


def strip_numbering(title: str) -> str:
    """A title without its leading "1." (the site numbers lists itself)."""
    return _NUMBERING.sub("", title, count=1)


# --------------------------------------------------------------------------- stage 1: read


_FILE_KINDS = {
    b"%PDF-": "PDF 文件",
    b"PK\x03\x04": "Word（.docx）或其他压缩格式的文件",
    b"\xd0\xcf\x11\xe0": "Word（.doc）或 Excel（.xls）文件",
    b"{\\rtf": "RTF 文件",
}
_CONVERT_HINT = "请先把原文转换成文字（每段一行，表格每行写成“| 单元格 | 单元格 |”）再导入"
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _refuse(source: Path, message: str, line: int | None = None) -> DataError:
    return DataError([Problem(source, line, None, (), message)])


def read_document(path: Path) -> str:
    """The text of ``path``, or DataError saying why it is not text at all."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"无法读取文件：{exc.strerror}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise _refuse(path, f"文件过大（{len(raw)} 字节），上限为 {MAX_DOCUMENT_BYTES} 字节，"
                            "不像是一份部门预算绩效文本")
    for magic, kind in _FILE_KINDS.items():
        if raw.startswith(magic):
            raise _refuse(path, f"这是{kind}，不是转换后的文字；{_CONVERT_HINT}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _refuse(path, f"文件不是 UTF-8 编码的文字{_encoding_hint(raw)}", line) from None
    return text


def _refuse_unusable_text(text: str, source: Path) -> None:
    """Text that decodes but is still no document text: binary, empty, or
    with characters the data check would refuse anyway."""
    binary = _BINARY.search(text)
    if binary:
        line = text.count("\n", 0, binary.start()) + 1
        raise _refuse(source, f"文件含有控制字符（二进制内容），不是文字文件；{_CONVERT_HINT}", line)
    bidi = BIDI_CONTROLS.search(text)
    if bidi:  # they make a page show text in another order than it is stored
        line = text.count("\n", 0, bidi.start()) + 1
        raise _refuse(source, f"含有不可见的文字方向控制字符 U+{ord(bidi.group()):04X}，会使网页上的文字显示顺序错乱；"
                              "请在原文中删除后再导入", line)
    if not text.strip():
        raise _refuse(source, "文件是空的")


def _encoding_hint(raw: bytes) -> str:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return f"；{_CONVERT_HINT}"
    return "；看起来是 GBK 编码，请在编辑器中另存为 UTF-8"


# --------------------------------------------------------------------------- stage 2: lines


@dataclass(frozen=True)
class Line:
    """One non-blank line of the source: its 1-based number, the text as
    written, and for a table row its cells as written."""

    number: int
    raw: str
    raw_cells: tuple[str, ...] | None = None

    @property
    def is_row(self) -> bool:
        return self.raw_cells is not None

    @property
    def text(self) -> str:
        """The line with conversion spaces removed, for recognising headings."""
        return join_chinese(self.raw)

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(join_chinese(c) for c in self.raw_cells or ())

    @property
    def key(self) -> str:
        """The first cell (rows) or the whole line as a lookup key."""
        return _label(self.raw_cells[0] if self.raw_cells else self.raw)

    def filled(self) -> list[tuple[int, str]]:
        """(column, raw cell) of the non-empty cells of a row."""
        return [(i, c) for i, c in enumerate(self.raw_cells or ()) if c]


_SEPARATOR_CELL = re.compile(r"[-:\s]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[Line]:
    """Numbered non-blank lines. Rows that carry no content (``|---|---|``
    header separators, all-empty rows) are layout and are dropped."""
    lines = []
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        raw = raw.strip()
        if not raw:
            continue
        if raw.startswith("|"):
            cells = tuple(c.strip() for c in raw.strip("|").split("|"))
            if all(_SEPARATOR_CELL.fullmatch(c) for c in cells):
                continue
            lines.append(Line(number, raw, cells))
        else:
            lines.append(Line(number, raw))
    return lines


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    """What parsing collects besides the data: warnings, unplaced lines and
    one example of each kind of normalisation (for the file's header comment)."""

    source: Path
    warnings: list[Problem] = field(default_factory=list)
    unplaced: list[tuple[Line, str]] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)
    refusals: list[Problem] = field(default_factory=list)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Problem(self.source, line, None, (), message, "warning"))

    def refuse(self, line: int | None, message: str) -> None:
        self.refusals.append(Problem(self.source, line, None, (), message))

    def unplace(self, lines: Line | Iterable[Line], reason: str) -> None:
        for line in [lines] if isinstance(lines, Line) else lines:
            self.unplaced.append((line, reason))

    def words(self, raw: str) -> str:
        """Content text with conversion spaces removed; remembers the first change."""
        text = join_chinese(raw)
        if text != raw.strip() and "words" not in self.examples:
            self.examples["words"] = _space_example(raw.strip())
        return text

    def squeezed(self, raw: str, kind: str) -> str:
        """A code or period label with every space removed; remembers the first change."""
        text = squeeze(raw)
        if text != raw.strip() and kind not in self.examples:
            self.examples[kind] = raw.strip()
        return text


def _space_example(text: str) -> str:
    """The first removed space with a few characters either side: "经费支出准确 率"."""
    match = _SPACE_IN_CHINESE.search(text)
    assert match is not None
    left = re.search(rf"[{_HAN}]{{1,6}}$", text[: match.start()]) or re.search(r"\S$", text[: match.start()])
    right = re.match(rf"[{_HAN}]{{1,4}}", text[match.end():]) or re.match(r"\S", text[match.end():])
    return (left.group() if left else "") + match.group() + (right.group() if right else "")


# --------------------------------------------------------------------------- stage 3: locate

_PARTS = {"第一部分": "部门整体绩效目标", "第二部分": "预算项目绩效目标"}
_CHAPTERS = {"总体绩效目标": "overall_goals", "分项绩效目标": "itemised_goals", "工作保障措施": "measures"}
_CHAPTER_NAMES = {
    "overall_goals": "一、总体绩效目标", "itemised_goals": "二、分项绩效目标", "measures": "三、工作保障措施",
}
_TOC_LEADER = re.compile(r"\s*(?:[.．·•。]{2,}|…+)\s*(\d*)\s*$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*\d+\s*-|\d{1,3}|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?)$")
_PROJECT_TITLE_SUFFIX = "绩效目标表"
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


def _part_heading(line: Line) -> str | None:
    """"第一部分" or "第二部分" when the line is that heading (alone or with its title)."""
    if line.is_row:
        return None
    key = line.key
    for part, title in _PARTS.items():
        if key in (part, part + title):
            return part
    return None


def _chapter(line: Line) -> str | None:
    """The field a Part 1 chapter heading ("二、分项绩效目标") stands for."""
    if line.is_row:
        return None
    return _CHAPTERS.get(_CHAPTER_NUMBERING.sub("", line.key))


def _project_title(line: Line) -> str | None:
    """The project name in a table title "1.××绩效目标表", or None."""
    if line.is_row or not line.key.endswith(_PROJECT_TITLE_SUFFIX):
        return None
    return strip_numbering(line.text).removesuffix(_PROJECT_TITLE_SUFFIX).strip() or None


def _unit_line(line: Line) -> str | None:
    """The unit code of a line like "230001 博野县信访局本级", or None."""
    match = None if line.is_row else _UNIT_LINE.match(line.raw)
    if not match:
        return None
    code = squeeze(match["code"])  # unit codes have 6 digits or so; "12 月底前" is no unit line
    return code if _CODE.match(code) and len(code) >= 4 and any(c.isdigit() for c in code) else None


def _money_unit(line: Line) -> str | None:
    match = None if line.is_row else _MONEY_LINE.match(line.text)
    return match["unit"] if match else None


def _is_table_header(line: Line) -> bool:
    """A line that belongs above a project table: its title, unit line or money unit."""
    return bool(_project_title(line) or _unit_line(line) or _money_unit(line))


def _is_code_row(line: Line) -> bool:
    return line.is_row and line.key == "项目编码"


def _toc_entry(line: Line) -> str | None:
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
    one = _find(body, lambda line: _part_heading(line) == "第一部分")
    two = _find(body, lambda line: _part_heading(line) == "第二部分", one or 0)
    if two is None:
        two = _project_start(body, one or 0)
    stray = body[:one] if one is not None else []
    return Layout(title_page, toc, stray, body[len(stray): two], body[two:])


def _is_structural(line: Line) -> bool:
    """A line that can only be in the body: a heading or a project table."""
    return bool(_part_heading(line) or _chapter(line) or _project_title(line) or line.is_row)


def _toc_end(lines: list[Line], toc_at: int) -> int:
    """Index after the last entry of the table of contents that starts at ``toc_at``.

    The body starts with a part heading, like the contents, so the contents
    end at their last entry before the first line only the body has (a
    chapter heading or a project table); lines between entries stay in the
    contents, where unrecognised ones are kept as unplaced.
    """
    body = _find(lines, lambda line: bool(_chapter(line) or _project_title(line) or _is_code_row(line)), toc_at)
    entries = [i for i in range(toc_at + 1, len(lines) if body is None else body) if _toc_entry(lines[i])]
    return entries[-1] + 1 if entries else toc_at + 1


def _project_start(body: list[Line], start: int) -> int:
    """Where Part 2 begins when its heading is missing: the first project
    table, with the title, unit line and money unit written above it."""
    first = _find(body, lambda line: line.is_row or _project_title(line) is not None, start)
    if first is None:
        return len(body)
    while first > start and _is_table_header(body[first - 1]):
        first -= 1
    return first


def _without_heading(lines: list[Line], part: str) -> list[Line]:
    """Part lines after the heading "第一部分" and its title line "部门整体绩效目标"."""
    if not lines or _part_heading(lines[0]) != part:
        return lines
    rest = lines[1:]
    if rest and not rest[0].is_row and rest[0].key == _PARTS[part] and lines[0].key == part:
        rest = rest[1:]
    return rest


# --------------------------------------------------------------------------- stage 4a: title page and contents

_YEAR_LINE = re.compile(r"^(?P<name>.*?)\s*(?P<year>\d{4})\s*年\s*(?:度\s*)?部门预算绩效文本$")
_PREPARED = re.compile(r"^(?:编制单位\s*[：:]\s*(?P<labelled>.+)|(?P<plain>.+?)\s*编制)$")
_REVIEWED = re.compile(r"^(?:审核单位\s*[：:]\s*(?P<labelled>.+)|(?P<plain>.+?)\s*审核)$")


@dataclass
class TitlePage:
    year: int | None = None
    name: str | None = None
    prepared_by: str | None = None
    reviewed_by: str | None = None


def _parse_title_page(lines: list[Line], ctx: _Context) -> TitlePage:
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


def _refuse_incomplete_title_page(page: TitlePage, ctx: _Context) -> None:
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


def _parse_toc(lines: list[Line], ctx: _Context) -> list[TocEntry]:
    """Entries of the table of contents; page numbers and leaders are layout."""
    entries = []
    for line in lines:
        entry = _toc_entry(line)
        if entry is not None:
            entries.append(TocEntry(line.number, entry))
        elif not _part_heading(line):
            ctx.unplace(line, "目录中的这一行未能识别")
    return entries


# --------------------------------------------------------------------------- stage 4b: Part 1

_GOAL_LABEL = re.compile(r"^(?P<label>绩效目标|绩效指标)\s*[：:]\s*(?P<text>.*)$")
_GOAL_FIELDS = {"绩效目标": "goal", "绩效指标": "indicator"}


@dataclass
class PartOne:
    overall_goals: list[str] = field(default_factory=list)
    itemised_goals: list[dict[str, str]] = field(default_factory=list)
    measures: list[dict[str, str]] = field(default_factory=list)
    chapters: dict[str, int] = field(default_factory=dict)  # field -> line of its heading


def _parse_part_one(lines: list[Line], ctx: _Context) -> PartOne:
    """The three chapters of 第一部分 部门整体绩效目标."""
    part = PartOne()
    lines = _without_heading(lines, "第一部分")
    chapter: str | None = None
    sections: dict[str, list[Line]] = {name: [] for name in _CHAPTER_NAMES}
    for line in lines:
        heading = _chapter(line)
        if heading:
            chapter = heading
            part.chapters.setdefault(heading, line.number)
        elif line.is_row:
            ctx.unplace(line, "第一部分中的表格行未能归入任何字段")
        elif _PAGE_NUMBER.match(line.raw):
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


def _parse_itemised_goals(lines: list[Line], ctx: _Context) -> list[dict[str, str]]:
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
    return complete and bool(_NUMBERING.match(lines[i].text))


def _finish_goal(item: _Item, ctx: _Context) -> dict[str, str] | None:
    missing = [label for label, name in _GOAL_FIELDS.items() if not item.fields.get(name)]
    if not item.title:
        missing.insert(0, "标题")
    if missing:
        ctx.unplace(item.lines, f"分项绩效目标缺少{'、'.join(f'“{m}”' for m in missing)}，整项未录入")
        return None
    return {"title": item.title, "goal": item.fields["goal"], "indicator": item.fields["indicator"]}


def _parse_measures(lines: list[Line], ctx: _Context) -> list[dict[str, str]]:
    """Numbered titles, each followed by its paragraph(s)."""
    items: list[_Item] = []
    for line in lines:
        text = ctx.words(line.raw)
        if _NUMBERING.match(text):
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


# --------------------------------------------------------------------------- stage 4c: Part 2

_ROW_KINDS = {
    "项目编码": "code",
    "预算规模及资金用途": "budget", "预算规模": "budget",
    "资金用途": "use",
    "资金支出计划（%）": "plan", "资金支出计划（％）": "plan", "资金支出计划": "plan",
    "绩效目标": "target", "年度绩效目标": "target",
    "一级指标": "indicator_header",
    "": "continued",
}
_CODE_LABELS = {"项目编码": "code", "项目名称": "name"}
_BUDGET_LABELS = {
    "预算规模及资金用途": "heading", "预算规模": "heading",
    "预算数": "total", "其中：财政资金": "fiscal", "财政资金": "fiscal", "其他资金": "other",
}
_INDICATOR_COLUMNS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "level3",
    "绩效指标描述": "description", "指标描述": "description",
    "指标值": "value", "指标值确定依据": "basis",
}
_INDICATOR_NAMES = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
                    "description": "绩效指标描述", "value": "指标值", "basis": "指标值确定依据"}
_MONEY = re.compile(r"^\d+(?:\.\d{1,2})?$")
_SHARE = re.compile(r"^(?P<number>\d+(?:\.\d+)?)[%％]?$")


@dataclass
class _Block:
    """One project table: the lines written above it and its rows."""

    above: list[Line]
    rows: list[Line]

    @property
    def lines(self) -> list[Line]:
        return sorted(self.above + self.rows, key=lambda line: line.number)


def _split_tables(lines: list[Line], ctx: _Context) -> list[_Block]:
    """Cut Part 2 into project tables.

    A table starts after its title / unit line / money unit, or at a second
    "项目编码" row. Rows after other text (a page number where the PDF broke
    the table) continue the table above; that text is kept as unplaced.
    """
    blocks: list[_Block] = []
    above: list[Line] = []
    for line in _without_heading(lines, "第二部分"):
        if not line.is_row:
            above.append(line)
            continue
        current = blocks[-1] if blocks else None
        new_code = _is_code_row(line) and current is not None and any(_is_code_row(r) for r in current.rows)
        if current is None or new_code or any(_is_table_header(a) for a in above):
            blocks.append(_Block(above, [line]))
        else:
            ctx.unplace(above, "项目表中间的这一行未能归入任何字段")
            current.rows.append(line)
        above = []
    ctx.unplace(above, "最后一张项目表之后的这一行未能归入任何字段")
    return blocks


@dataclass
class _Reading:
    """What one table yields, and what it could not use."""

    values: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    leftovers: list[tuple[Line, str]] = field(default_factory=list)

    def leftover(self, line: Line, reason: str) -> None:
        self.leftovers.append((line, reason))


def _read_above(block: _Block, reading: _Reading, ctx: _Context) -> None:
    """Title "1.××绩效目标表", unit line "230001 ××本级" and "单位：万元"."""
    for line in block.above:
        title, code, money = _project_title(line), _unit_line(line), _money_unit(line)
        if title and "title" not in reading.values:
            reading.values["title"] = (line, title)
        elif code and "unit_line" not in reading.values:
            reading.values["unit_line"] = ctx.words(line.raw)
            reading.values["unit_code"] = (line, code)
        elif money and "money_unit" not in reading.values:
            reading.values["money_unit"] = ctx.words(money)
        else:
            reading.leftover(line, "项目表上方的这一行未能归入任何字段")


def _read_rows(block: _Block, reading: _Reading, ctx: _Context) -> None:
    """Each row by the label in its first cell; an empty first cell continues
    the label above (merged cells), and below "一级指标" every row is an indicator."""
    state: str | None = None
    indicators = _IndicatorReader(reading, ctx)
    for row in block.rows:
        kind = _ROW_KINDS.get(row.key)
        if kind == "indicator_header":
            indicators.header(row)
            state = "indicators"
        elif state == "indicators" and kind in (None, "continued"):
            indicators.row(row)
        elif kind == "continued" and state in ("budget", "use", "target", "plan"):
            state = _read_continued(row, state, reading, ctx)
        elif kind in ("code", "budget", "use", "plan", "target"):
            _ROW_READERS[kind](row, reading, ctx)
            state = kind
        else:
            reading.leftover(row, "项目表中的这一行未能识别")
    indicators.finish()


def _label_values(row: Line, labels: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The filled cells after each label cell, up to the next label; and
    filled cells before any label."""
    found: dict[str, list[str]] = {}
    stray: list[str] = []
    key: str | None = None
    for _, cell in row.filled():
        name = labels.get(_label(cell))
        if name:
            key = name
            found.setdefault(name, [])
        elif key is None:
            stray.append(cell)
        else:
            found[key].append(cell)
    return found, stray


def _read_code_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    found, stray = _label_values(row, _CODE_LABELS)
    if stray or any(len(v) > 1 for v in found.values()):
        reading.leftover(row, "“项目编码”一行有无法归属的单元格")
        return
    if found.get("code"):
        code = ctx.squeezed(found["code"][0], "code")
        if _CODE.match(code):
            reading.values["code"] = code
        else:
            reading.leftover(row, f"项目编码“{code}”只能由字母、数字、“-”和“_”组成")
            return
    if found.get("name"):
        reading.values["name"] = ctx.words(found["name"][0])


def _read_budget_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    found, stray = _label_values(row, _BUDGET_LABELS)
    if stray or found.get("heading") or any(len(v) > 1 for v in found.values()):
        reading.leftover(row, "“预算规模”一行有无法归属的单元格")
        return
    amounts: dict[str, Decimal | None] = {}
    for name in ("total", "fiscal", "other"):
        cells = found.get(name)
        if not cells:
            amounts[name] = None
            continue
        amount = squeeze(cells[0]).replace(",", "")
        if not _MONEY.match(amount):
            reading.leftover(row, f"金额“{cells[0]}”不是最多两位小数的数字")
            return
        amounts[name] = Decimal(amount).quantize(Decimal("0.01"))
    reading.values["budget"] = amounts


def _read_use_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    """"资金用途" with its own label (some tables) or below "预算规模及资金用途"."""
    texts = [ctx.words(c) for _, c in row.filled() if _label(c) != "资金用途"]
    if texts:
        previous = reading.values.get("use_of_funds")
        reading.values["use_of_funds"] = "\n".join(([previous] if previous else []) + texts)


def _read_plan_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    periods = [ctx.squeezed(c, "period") for i, c in row.filled() if i > 0]
    reading.values["periods"] = (row, periods)


def _read_shares_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    plan_row, periods = reading.values.pop("periods")
    shares = [_SHARE.match(squeeze(c)) for _, c in row.filled()]
    if len(shares) != len(periods) or not all(shares) or not periods:
        reading.leftover(plan_row, "资金支出计划的时间节点与比例对不上")
        reading.leftover(row, "资金支出计划的时间节点与比例对不上")
        return
    numbers = [Decimal(share["number"]) for share in shares if share]
    if any(number > 100 for number in numbers):
        reading.leftover(plan_row, "资金支出计划的比例大于 100%")
        reading.leftover(row, "资金支出计划的比例大于 100%")
        return
    reading.values["spending_plan"] = [{"period": p, "share": n} for p, n in zip(periods, numbers, strict=True)]


def _read_target_row(row: Line, reading: _Reading, ctx: _Context) -> None:
    """"绩效目标 | 1.目标内容 1"; a "目标内容" sub-label cell is a header, not content."""
    texts = [ctx.words(c) for i, c in row.filled() if i > 0 and _label(c) != "目标内容"]
    if texts:
        previous = reading.values.get("target")
        reading.values["target"] = "\n".join(([previous] if previous else []) + texts)


def _read_continued(row: Line, state: str, reading: _Reading, ctx: _Context) -> str:
    """A row whose first cell is empty continues the merged label above it."""
    if state in ("budget", "use"):
        _read_use_row(row, reading, ctx)
        return "use"
    if state == "plan" and "periods" in reading.values:
        _read_shares_row(row, reading, ctx)
        return "plan"
    if state == "target":
        _read_target_row(row, reading, ctx)
        return "target"
    reading.leftover(row, "项目表中的这一行未能识别")
    return state


_ROW_READERS: dict[str, Callable[[Line, _Reading, _Context], None]] = {
    "code": _read_code_row,
    "budget": _read_budget_row,
    "use": _read_use_row,
    "plan": _read_plan_row,
    "target": _read_target_row,
}


class _IndicatorReader:
    """Indicator rows under the "一级指标 | 二级指标 | …" header.

    Columns are found by their header, so their order may vary. A blank level
    cell means "same as above" (a merged cell), so levels are carried down; a
    row may also repeat them. A row with only level cells (a merged label
    printed on its own row) sets the levels for the rows below.
    """

    def __init__(self, reading: _Reading, ctx: _Context):
        self.reading = reading
        self.ctx = ctx
        self.columns: dict[str, int] | None = None
        self.broken = False
        self.levels: dict[str, str] = {}
        self.label_row: Line | None = None  # a levels-only row not yet used by a row below
        self.rows: list[dict[str, str]] = []

    def header(self, row: Line) -> None:
        """The first header fixes the columns; a repeated one (a page break) must agree."""
        columns = {_INDICATOR_COLUMNS[_label(c)]: i for i, c in row.filled() if _label(c) in _INDICATOR_COLUMNS}
        extra = [c for _, c in row.filled() if _label(c) not in _INDICATOR_COLUMNS]
        complete = not extra and columns.keys() == _INDICATOR_NAMES.keys()
        if complete and self.columns in (None, columns):
            self.columns = columns
            return
        self.broken = True
        self.reading.missing.append("能识别的绩效指标表头")
        self.reading.leftover(row, "绩效指标表头无法识别")

    def row(self, row: Line) -> None:
        if self.columns is None or self.broken:
            self.reading.leftover(row, "绩效指标表头无法识别，这一行无法归入")
            return
        used = set(self.columns.values())
        if any(i not in used for i, _ in row.filled()):
            self.reading.leftover(row, "绩效指标行有不在任何表头下的单元格")
            return
        cells = {name: self.ctx.words(row.raw_cells[i]) if i < len(row.raw_cells or ()) else ""
                 for name, i in self.columns.items()}
        if not any(cells[name] for name in ("level3", "description", "value", "basis")):
            self._levels_only(row, cells)
            return
        if not self._carry_levels(row, cells):
            return
        missing = [_INDICATOR_NAMES[name] for name in _INDICATOR_NAMES if not cells[name]]
        if missing:
            self.reading.leftover(row, f"绩效指标行缺少“{'”“'.join(missing)}”，整行未录入")
            return
        self.rows.append({name: cells[name] for name in _INDICATOR_NAMES})

    def _carry_levels(self, row: Line, cells: dict[str, str]) -> bool:
        """Fill blank level cells from the row above; False when there is none."""
        if cells["level1"] and cells["level1"] != self.levels.get("level1"):
            self._drop_unused_label_row()
            self.levels = {"level1": cells["level1"]}
        elif "level1" not in self.levels:
            self.reading.leftover(row, "绩效指标行的一级指标空白，上面也没有可沿用的一级指标")
            return False
        if cells["level2"]:
            self.levels["level2"] = cells["level2"]
        elif "level2" not in self.levels:
            self.reading.leftover(row, "绩效指标行的二级指标空白，上面也没有可沿用的二级指标")
            return False
        cells.update(self.levels)
        self.label_row = None
        return True

    def _levels_only(self, row: Line, cells: dict[str, str]) -> None:
        self._drop_unused_label_row()
        if cells["level1"] and cells["level1"] != self.levels.get("level1"):
            self.levels = {"level1": cells["level1"]}
        if cells["level2"]:
            self.levels["level2"] = cells["level2"]
        self.label_row = row

    def _drop_unused_label_row(self) -> None:
        if self.label_row is not None:
            self.reading.leftover(self.label_row, "只有指标级别、下面没有指标的行")
            self.label_row = None

    def finish(self) -> None:
        self._drop_unused_label_row()
        if self.columns is None:
            self.reading.missing.append("绩效指标")
        elif self.rows:
            self.reading.values["indicators"] = self.rows
        else:
            self.reading.missing.append("绩效指标")


@dataclass
class _Projects:
    """Part 2 turned into projects, plus what the cross-checks need."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    unit_code: str | None = None
    # (first line, project name, every name it goes by) of every table, complete or not
    tables: list[tuple[int, str, set[str]]] = field(default_factory=list)


def _build_projects(blocks: list[_Block], ctx: _Context) -> _Projects:
    """Each table into a project; an incomplete table is kept whole in unplaced."""
    readings = [_read_block(block, ctx) for block in blocks]
    result = _Projects(unit_code=_unit_code(readings, ctx))
    seen: dict[str, int] = {}
    for block, reading in zip(blocks, readings, strict=True):
        _fill_table_header(block, reading, readings, ctx)
        project = _project(reading)
        names = {squeeze(n) for n in (project.get("name"), reading.values.get("title", (None, None))[1]) if n}
        if names:
            result.tables.append((block.lines[0].number, project.get("name") or min(names), names))
        code = project.get("code")
        if code in seen:
            ctx.unplace(block.lines, f"项目编码 {code} 与第 {seen[code]} 行的项目重复，整张表未录入")
        elif reading.missing:
            missing = "、".join(dict.fromkeys(reading.missing))
            ctx.unplace(block.lines, f"项目表不完整（缺少{missing}），整张表未录入")
        else:
            _check_title(reading, project, ctx)
            for line, reason in reading.leftovers:
                ctx.unplace(line, reason)
            seen[code] = block.lines[0].number
            result.projects.append(project)
    return result


def _read_block(block: _Block, ctx: _Context) -> _Reading:
    reading = _Reading()
    _read_above(block, reading, ctx)
    _read_rows(block, reading, ctx)
    return reading


def _unit_code(readings: list[_Reading], ctx: _Context) -> str | None:
    """The file is named after the first unit line's code; other codes are reported."""
    codes = [reading.values["unit_code"] for reading in readings if "unit_code" in reading.values]
    if not codes:
        return None
    first = codes[0][1]
    for line, code in codes[1:]:
        if code != first:
            ctx.warn(line.number, f"单位行的单位编码 {code} 与第一张项目表的 {first} 不同；"
                                  f"文件仍按 {first} 命名，请核对")
    return first


def _fill_table_header(block: _Block, reading: _Reading, readings: list[_Reading], ctx: _Context) -> None:
    """A table printed without its unit line or money unit uses the first
    table's that has one (a page often prints them once), with a warning."""
    labels = {"unit_line": "单位行", "money_unit": "金额单位（“单位：万元”）"}
    for name, label in labels.items():
        if name in reading.values:
            continue
        other = next((r.values[name] for r in readings if name in r.values), None)
        if other is None:
            reading.missing.append(label)
        else:
            reading.values[name] = other
            ctx.warn(block.lines[0].number, f"项目表上方没有{label}，沿用其他项目表的“{other}”")


def _project(reading: _Reading) -> dict[str, Any]:
    """The project in schema order; anything still missing goes to ``reading.missing``."""
    values = reading.values
    if "name" not in values and "title" in values:
        values["name"] = values["title"][1]
    required = {"code": "项目编码", "name": "项目名称", "budget": "预算规模", "use_of_funds": "资金用途",
                "spending_plan": "资金支出计划", "target": "绩效目标"}
    for name, label in required.items():
        if name not in values:
            reading.missing.append(label)
    budget = values.get("budget") or {}
    for name, label in (("total", "预算数"), ("fiscal", "财政资金")):
        if budget and budget.get(name) is None:
            reading.missing.append(label)
    keys = ("code", "name", "unit_line", "money_unit", "budget", "use_of_funds", "spending_plan", "target",
            "indicators")
    return {key: values[key] for key in keys if key in values}


def _check_title(reading: _Reading, project: dict[str, Any], ctx: _Context) -> None:
    """The title above the table names the project too; a different name is kept for the reviewer."""
    if "title" not in reading.values:
        return
    line, title = reading.values["title"]
    if squeeze(title) != squeeze(project["name"]):
        reading.leftover(line, f"表标题中的项目名称与表内“项目名称”（{project['name']}）不一致")


# --------------------------------------------------------------------------- stage 4d: cross-checks


def _check_toc(entries: list[TocEntry], part_one: PartOne, projects: _Projects, ctx: _Context) -> None:
    """Every entry of the contents must be in the body, and every project in the contents."""
    names = set().union(*(aliases for _, _, aliases in projects.tables))
    listed: set[str] = set()
    for entry in entries:
        key = _label(entry.text)
        chapter = _CHAPTERS.get(_CHAPTER_NUMBERING.sub("", key))
        if chapter:
            if chapter not in part_one.chapters:
                ctx.warn(entry.line, f"目录中的“{entry.text}”在正文中没有找到")
            continue
        name = squeeze(strip_numbering(entry.text)).removesuffix(_PROJECT_TITLE_SUFFIX)
        listed.add(name)
        if name not in names:
            ctx.warn(entry.line, f"目录中的项目“{entry.text}”在正文中没有找到对应的绩效目标表")
    if listed:
        for line, name, aliases in projects.tables:
            if not aliases & listed:
                ctx.warn(line, f"项目“{name}”不在目录中")


def _check_chapters(part_one: PartOne, ctx: _Context) -> None:
    if "overall_goals" not in part_one.chapters:
        ctx.refuse(None, "没有找到“一、总体绩效目标”，无法生成必填的 overall_goals")
    elif not part_one.overall_goals:
        ctx.refuse(part_one.chapters["overall_goals"], "“一、总体绩效目标”下面没有内容")
    for name in ("itemised_goals", "measures"):
        if name not in part_one.chapters:
            ctx.warn(None, f"没有找到“{_CHAPTER_NAMES[name]}”，{name} 为空列表")


# --------------------------------------------------------------------------- the whole document


@dataclass
class ImportedUnit:
    """The data of one imported document and what the reviewer must know."""

    data: dict[str, Any]
    warnings: list[Problem]
    examples: dict[str, str]  # kind of normalisation -> first example in the source

    @property
    def year(self) -> int:
        return self.data["year"]

    @property
    def code(self) -> str:
        return self.data["unit"]["code"]

    def relative_path(self) -> Path:
        return Path(str(self.year)) / f"{self.code}.yaml"


def import_document(path: Path) -> ImportedUnit:
    """Read and parse one converted document; DataError when it is not one."""
    return parse_document(read_document(path), path)


def _refuse_non_document(layout: Layout, source: Path) -> None:
    """A document has Part 1 or at least one project table; anything else is some other text."""
    has_part_one = any(_part_heading(line) == "第一部分" for line in layout.part_one[:1])
    if not has_part_one and not any(_is_code_row(line) for line in layout.part_two):
        raise _refuse(source, "不是部门预算绩效文本：没有找到“第一部分 部门整体绩效目标”，"
                              "也没有找到项目绩效目标表（以“项目编码”开头的表格）")


def parse_document(text: str, source: Path) -> ImportedUnit:
    """The stages after reading: lines -> parts -> fields -> data."""
    _refuse_unusable_text(text, source)
    ctx = _Context(source)
    lines = split_lines(text.removeprefix("\ufeff"))
    layout = locate(lines)
    _refuse_non_document(layout, source)
    title_page = _parse_title_page(layout.title_page, ctx)
    toc = _parse_toc(layout.toc, ctx)
    ctx.unplace(layout.stray, "目录之后、第一部分之前的这一行未能归入任何字段")
    part_one = _parse_part_one(layout.part_one, ctx)
    projects = _build_projects(_split_tables(layout.part_two, ctx), ctx)

    _refuse_incomplete_title_page(title_page, ctx)
    _check_chapters(part_one, ctx)
    if projects.unit_code is None:
        ctx.refuse(None, "找不到单位编码：第二部分的项目表上方应有“230001 ××本级”这样的单位行")
    if ctx.refusals:
        raise DataError(ctx.refusals)
    _check_toc(toc, part_one, projects, ctx)
    return _assemble(title_page, part_one, projects, ctx)


def _assemble(title_page: TitlePage, part_one: PartOne, projects: _Projects, ctx: _Context) -> ImportedUnit:
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
        data["unplaced"] = [{"line": line.number, "text": line.raw} for line, _ in unplaced]
    for line, reason in unplaced:
        ctx.warn(line.number, f"{reason}，已原样保留在 unplaced 中：{line.raw}")
    warnings = sorted(ctx.warnings, key=lambda p: p.line or 0)
    return ImportedUnit(data, warnings, ctx.examples)


# --------------------------------------------------------------------------- stage 5: YAML

_ANALYSER = Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML: plain where YAML reads it back as the same text,
    double-quoted otherwise ("230001", "%")."""
    if value is None:
        return "null"
    if isinstance(value, int | Decimal):
        return str(value)
    analysis = _ANALYSER.analyze_scalar(value)
    plain = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    reads_as_text = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    if value and plain and not analysis.multiline and reads_as_text:
        return value
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def _money(value: Decimal | None) -> str:
    return "null" if value is None else f"{value:.2f}"


def _flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value, flow=True)}" for key, value in mapping.items()) + "}"


def _block(mapping: dict[str, Any], indent: str) -> list[str]:
    """A list item written as a block mapping: "- key: value" then "  key: value"."""
    lines = []
    for i, (key, value) in enumerate(mapping.items()):
        prefix = f"{indent}- " if i == 0 else f"{indent}  "
        lines.append(f"{prefix}{key}: {_scalar(value)}")
    return lines


def _section(name: str, items: list[str]) -> list[str]:
    return [f"{name}:", *items] if items else [f"{name}: []"]


def _project_lines(project: dict[str, Any]) -> list[str]:
    budget = project["budget"]
    return [
        f"  - code: {_scalar(project['code'])}",
        f"    name: {_scalar(project['name'])}",
        f"    unit_line: {_scalar(project['unit_line'])}",
        f"    money_unit: {_scalar(project['money_unit'])}",
        "    budget:",
        *(f"      {key}: {_money(budget.get(key))}" for key in ("total", "fiscal", "other")),
        f"    use_of_funds: {_scalar(project['use_of_funds'])}",
        "    spending_plan:",
        *(f"      - {_flow(step)}" for step in project["spending_plan"]),
        f"    target: {_scalar(project['target'])}",
        "    indicators:",
        *(f"      - {_flow(row)}" for row in project["indicators"]),
    ]


def _header_comment(unit: ImportedUnit) -> list[str]:
    """Where the data comes from and what the import changed, with the first
    example of each kind of change so a reviewer can see it in the source."""
    data = unit.data
    examples = "".join(f"“{unit.examples[k]}”" for k in ("words", "code", "period") if k in unit.examples)
    changed = f"只规范了转换产生的空格（如{examples}）" if examples else "转换后的文字里没有需要规范的空格"
    return [
        f"# {data['unit']['name']} {data['year']}年部门预算绩效文本",
        f"# 来源：{data['unit']['name']}公开的原文（PDF 转换成的文字），由 budget-site import 导入。",
        f"# {changed}，",
        "# 原文内容一字未改，包括错别字、占位文字和不完整的值。",
    ]


def render_yaml(unit: ImportedUnit) -> str:
    """The data in the layout of ``data/2023/230001.yaml``: blocks for the
    texts, one flow mapping per spending period and indicator row."""
    data = unit.data
    lines = [
        *_header_comment(unit),
        f"year: {data['year']}",
        "unit:",
        f"  code: {_scalar(data['unit']['code'])}",
        f"  name: {_scalar(data['unit']['name'])}",
        f"prepared_by: {_scalar(data['prepared_by'])}",
        f"reviewed_by: {_scalar(data['reviewed_by'])}",
        "",
        *_section("overall_goals", [f"  - {_scalar(goal)}" for goal in data["overall_goals"]]),
        "",
        *_section("itemised_goals", [line for goal in data["itemised_goals"] for line in _block(goal, "  ")]),
        "",
        *_section("measures", [line for measure in data["measures"] for line in _block(measure, "  ")]),
        "",
    ]
    projects = [_project_lines(project) for project in data["projects"]]
    lines += _section("projects", [line for i, block in enumerate(projects) for line in ([""] if i else []) + block])
    if data.get("unplaced"):
        lines += ["", "# 导入时未能归入任何字段的原文行：请核对后移入正确的字段，再删去这一节。",
                  *_section("unplaced", [f"  - {_flow(item)}" for item in data["unplaced"]])]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- stage 6: write


def write_unit(unit: ImportedUnit, data_dir: Path, force: bool = False) -> Path:
    """Write ``data_dir/<year>/<code>.yaml`` and return its path.

    The text is loaded back with the same loader as ``budget-site check``
    before anything is written, so an import never leaves invalid data; an
    existing file is replaced only with ``force``.
    """
    target = data_dir / unit.relative_path()
    text = render_yaml(unit)
    _verify(text, unit, target)
    if target.exists() and not force:
        raise _refuse(target, "文件已存在，没有覆盖；确认要用导入结果替换它，请加 --force")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, text, replace=force)
    except FileExistsError:
        raise _refuse(target, "文件已存在，没有覆盖；确认要用导入结果替换它，请加 --force") from None
    except OSError as exc:
        raise _refuse(target, f"无法写入：{cause_of(exc)}") from None
    return target


def _verify(text: str, unit: ImportedUnit, target: Path) -> None:
    """Load ``text`` as ``budget-site check`` would and compare it with the
    imported data, so a flaw of the writer can never reach the data folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / unit.relative_path()
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        loaded, problems = load_unit(path, unit.year)
    if loaded is None or replace(loaded, source=None) != build_unit(unit.data):
        details = "；".join(dict.fromkeys(p.message for p in problems[:3])) or "写出的内容与导入的内容不一致"
        raise _refuse(target, f"导入结果没有通过数据检查，没有写入（这是导入程序的缺陷，请报告）：{details}")
