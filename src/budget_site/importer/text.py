"""Reader of the converted text format: one line per paragraph, table rows as ``| cell | cell |``.

The reference (``tests/fixtures/2023-boye-xinfangju.txt``) is such a
conversion of a published PDF. Each line keeps its line number, so warnings
and ``unplaced`` point at the line a reviewer opens in an editor.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..filesystem import cause_of
from ..validation import BIDI_CONTROLS
from .refusal import MAX_DOCUMENT_BYTES, refuse
from .source import Cell, Paragraph, Row, SourceDocument, Table, Where

_FILE_KINDS = {
    b"%PDF-": "PDF 文件",
    b"PK\x03\x04": "Word（.docx）或其他压缩格式的文件",
    b"\xd0\xcf\x11\xe0": "Word（.doc）或 Excel（.xls）文件",
    b"{\\rtf": "RTF 文件",
}
_CONVERT_HINT = "请先把原文转换成文字（每段一行，表格每行写成“| 单元格 | 单元格 |”）再导入"
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def read_document(path: Path) -> str:
    """The text of ``path``, or DataError saying why it is not text at all."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(path, f"无法读取文件：{cause_of(exc)}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise refuse(path, f"文件过大（{len(raw)} 字节），上限为 {MAX_DOCUMENT_BYTES} 字节，"
                            "不像是一份部门预算绩效文本")
    for magic, kind in _FILE_KINDS.items():
        if raw.startswith(magic):
            raise refuse(path, f"这是{kind}，不是转换后的文字；{_CONVERT_HINT}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise refuse(path, f"文件不是 UTF-8 编码的文字{_encoding_hint(raw)}", line) from None
    return text


def _refuse_unusable_text(text: str, source: Path) -> None:
    """Text that decodes but is still no document text: binary, empty, or
    with characters the data check would refuse anyway."""
    binary = _BINARY.search(text)
    if binary:
        line = text.count("\n", 0, binary.start()) + 1
        raise refuse(source, f"文件含有控制字符（二进制内容），不是文字文件；{_CONVERT_HINT}", line)
    bidi = BIDI_CONTROLS.search(text)
    if bidi:  # they make a page show text in another order than it is stored
        line = text.count("\n", 0, bidi.start()) + 1
        raise refuse(source, f"含有不可见的文字方向控制字符 U+{ord(bidi.group()):04X}，会使网页上的文字显示顺序错乱；"
                              "请在原文中删除后再导入", line)
    if not text.strip():
        raise refuse(source, "文件是空的")


def _encoding_hint(raw: bytes) -> str:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return f"；{_CONVERT_HINT}"
    return "；看起来是 GBK 编码，请在编辑器中另存为 UTF-8"


_SEPARATOR_CELL = re.compile(r"[-:\s]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_text(path: Path) -> SourceDocument:
    """The document in a converted text file."""
    return text_document(read_document(path), path)


def text_document(text: str, source: Path) -> SourceDocument:
    """Paragraphs (one per non-blank line) and tables (runs of ``|`` rows).
    Rows that carry no content (``|---|---|`` header separators, all-empty
    rows) are layout and are dropped."""
    _refuse_unusable_text(text, source)
    document = SourceDocument(source, "文字")
    rows: list[Row] = []
    for number, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        raw = raw.strip()
        if raw.startswith("|"):
            cells = tuple(c.strip() for c in raw.strip("|").split("|"))
            if not all(_SEPARATOR_CELL.fullmatch(c) for c in cells):
                rows.append(Row(tuple(Cell(c, i) for i, c in enumerate(cells)), Where(number), raw))
            continue
        if rows:
            document.blocks.append(Table(tuple(rows)))
            rows = []
        if raw:
            document.blocks.append(Paragraph(raw, Where(number)))
    if rows:
        document.blocks.append(Table(tuple(rows)))
    return document
