"""Reader of Word files (``.docx``, also as saved by WPS) through python-docx.

The body is read in order (content controls such as a TOC's ``w:sdt``
opened), headers and footers never. Paragraph numbers made by Word's
automatic list numbering are not in the text, so they are computed from the
numbering definitions and put in front, as a reader sees them. Tables keep
their grid: ``gridSpan`` cells span columns, ``vMerge`` continuation cells
are empty, as the parser expects of merged cells.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .refusal import MAX_UNPACKED_BYTES, check_office_file, refuse, unpacked_size
from .source import Cell, Paragraph, Row, SourceDocument, Table, Where

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_ENTRIES = 5000
_CHINESE_DIGITS = "零一二三四五六七八九"


def _refuse_container(path: Path) -> None:
    """Refuse what is no Word file before parsing any XML: damaged, encrypted,
    another kind of zip, or a zip that would inflate past sane limits."""
    check_office_file(path, "这不是 .docx 格式：可能是设置了密码（已加密）的 Word 文档，或改了扩展名的旧版 .doc；"
                            "请在 Word 或 WPS 中打开，取消密码后“另存为”Word 文档（.docx）再导入",
                      "不像是一份部门预算绩效文本")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(path, "Word 文件已损坏或不完整（可能下载或复制时中断），无法读取；请重新获取原文件，"
                           "或在 Word/WPS 中打开后重新保存再导入") from None
    if "word/document.xml" not in names:
        raise refuse(path, "这不是 Word 文档（压缩包中没有 word/document.xml）；请导入 .docx、.pdf 或转换后的文字")
    if len(entries) > _MAX_ENTRIES or _unpacked_size(path) > MAX_UNPACKED_BYTES:
        limit = f"超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB 或 {_MAX_ENTRIES} 个部件"
        raise refuse(path, f"Word 文件解压后过大（{limit}，像是“压缩炸弹”），不像是一份部门预算绩效文本，没有读取")


def _unpacked_size(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return unpacked_size(archive)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise refuse(path, "Word 文件已损坏或不完整（可能下载或复制时中断），无法读取；请重新获取原文件，"
                           "或在 Word/WPS 中打开后重新保存再导入") from None


# --------------------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    format: str = "decimal"
    text: str = "%1."


@dataclass
class _Numbering:
    """Word's list numbering: definitions, and the counters as the body is read."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> level -> definition
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId -> (abstract, start overrides)
    counters: dict[Any, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, document: Any) -> _Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering
        for abstract in root.iter(f"{_W}abstractNum"):
            levels = {}
            for level in abstract.iter(f"{_W}lvl"):
                levels[int(level.get(f"{_W}ilvl", "0"))] = _Level(
                    int(_val(level, "start") or 1), _val(level, "numFmt") or "decimal", _val(level, "lvlText") or "")
            numbering.levels.setdefault(abstract.get(f"{_W}abstractNumId"), levels)  # the first of a number wins
        for num in root.iter(f"{_W}num"):
            overrides = {int(o.get(f"{_W}ilvl", "0")): int(_val(o, "startOverride") or 1)
                         for o in num.iter(f"{_W}lvlOverride") if _val(o, "startOverride") is not None}
            numbering.nums.setdefault(num.get(f"{_W}numId"), (_val(num, "abstractNumId") or "", overrides))
        return numbering

    def label(self, num_id: str, level: int) -> str:
        """The next number of list ``num_id`` at ``level``, as Word shows it ("1.", "（二）")."""
        if num_id not in self.nums or num_id == "0":
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        # lists sharing a definition count on together unless one restarts (Word's rule)
        key = ("num", num_id) if overrides else ("abstract", abstract)
        counters = self.counters.setdefault(key, {})
        definition = levels.get(level, _Level())
        start = overrides.get(level, definition.start)
        counters[level] = counters[level] + 1 if level in counters else start
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = definition.text
        for shown in range(level + 1):
            value = counters.get(shown, levels.get(shown, _Level()).start)
            text = text.replace(f"%{shown + 1}", _format(value, levels.get(shown, _Level()).format))
        return "" if definition.format == "none" else text


def _val(element: Any, tag: str) -> str | None:
    child = element.find(f"{_W}{tag}")
    return None if child is None else child.get(f"{_W}val")


def _format(value: int, kind: str) -> str:
    if kind.startswith(("chinese", "ideograph", "japanese", "taiwanese")):
        return _chinese(value)
    if kind in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if kind == "upperLetter" else letter
    if kind in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if kind == "upperRoman" else roman.lower()
    return str(value)


def _chinese(value: int) -> str:
    if value < 10:
        return _CHINESE_DIGITS[value]
    tens, ones = divmod(value, 10)
    if value < 100:
        return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")
    return str(value)


def _roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    text = ""
    for number, numeral in numerals:
        while value >= number:
            text += numeral
            value -= number
    return text


# --------------------------------------------------------------------------- body


class _BodyReader:
    """Walks the body in order, numbering paragraphs and tables for ``Where``."""

    def __init__(self, document: Any, source: SourceDocument):
        self.numbering = _Numbering.read(document)
        self.styles = {style.style_id: style for style in document.styles}
        self.source = source
        self.order = 0
        self.paragraphs = 0
        self.tables = 0

    def walk(self, parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == f"{_W}p":
                self.paragraphs += 1
                text = self.paragraph_text(child)
                if text.strip():
                    self.order += 1
                    self.source.blocks.append(Paragraph(text, Where(self.order, f"第 {self.paragraphs} 段")))
            elif child.tag == f"{_W}tbl":
                self.tables += 1
                self.source.blocks.append(self.table(child))
            elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins"):
                self.walk(child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child)

    def paragraph_text(self, p: Any) -> str:
        """The text as shown: its list number, then runs (tabs as tabs), no deleted text or text boxes."""
        parts = [self.number(p)]
        for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if any(a.tag in (f"{_W}txbxContent", f"{_W}del", f"{_W}tabs") for a in node.iterancestors()):
                continue
            parts.append(node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n")
        return "".join(parts)

    def number(self, p: Any) -> str:
        num_id, level = self.list_of(p)
        return self.numbering.label(num_id, level) if num_id else ""

    def list_of(self, p: Any) -> tuple[str | None, int]:
        """The list a paragraph is in: its own numPr, else its style's (and their bases')."""
        properties = p.find(f"{_W}pPr")
        own = properties.find(f"{_W}numPr") if properties is not None else None
        if own is not None:
            return _val(own, "numId"), int(_val(own, "ilvl") or 0)
        style_id = _val(properties, "pStyle") if properties is not None else None
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id].element
            numbering = style.find(f"{_W}pPr/{_W}numPr")
            if numbering is not None:
                return _val(numbering, "numId"), int(_val(numbering, "ilvl") or 0)
            style_id = _val(style, "basedOn")
        return None, 0

    def table(self, tbl: Any) -> Table:
        rows = []
        own_rows = [tr for tr in tbl.iter(f"{_W}tr") if tr.getparent() is tbl or  # not a nested table's rows
                    tr.getparent().tag == f"{_W}sdtContent"]  # (their text is in the cell that holds them)
        for r_index, tr in enumerate(own_rows, start=1):
            properties = tr.find(f"{_W}trPr")
            column = int(_val(properties, "gridBefore") or 0) if properties is not None else 0
            cells = []
            for tc in tr.iterchildren(f"{_W}tc"):
                properties = tc.find(f"{_W}tcPr")
                span = int(_val(properties, "gridSpan") or 1) if properties is not None else 1
                merge = properties.find(f"{_W}vMerge") if properties is not None else None
                continues = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
                if not continues:
                    text = "\n".join(t for p in tc.iter(f"{_W}p") if (t := self.paragraph_text(p).strip()))
                    cells.append(Cell(text, column, span))
                column += span
            self.order += 1
            rows.append(Row(tuple(cells), Where(self.order, f"第 {self.tables} 个表格第 {r_index} 行")))
        return Table(tuple(rows))


def read_docx(path: Path) -> SourceDocument:
    """The paragraphs and tables of a Word file's body, in order."""
    import docx

    _refuse_container(path)
    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx and lxml raise many kinds for broken parts: all mean the same to the user
        raise refuse(path, "Word 文件已损坏，其中的内容无法解析；请在 Word 或 WPS 中打开后重新保存再导入") from None
    source = SourceDocument(path, "Word")
    try:
        _BodyReader(document, source).walk(document.element.body)
    except (ValueError, KeyError, AttributeError):  # e.g. a numbering level "abc": broken XML values
        raise refuse(path, "Word 文件中有无法解析的内容（编号或表格定义损坏）；"
                           "请在 Word 或 WPS 中打开后重新保存再导入") from None
    if not source.blocks:
        raise refuse(path, "Word 文件中没有文字（可能只有图片）；请导入有文字的原文")
    return source
