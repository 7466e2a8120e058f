"""Refusing what is no workbook to read, before any XML is parsed.

A hostile or broken file costs a few seconds and little memory: the zip is
inflated in chunks up to a limit (the sizes a zip declares may lie), macros
and old binary formats are refused with what to do instead, and links to
other files are found so the message can name them. The XML itself is parsed
by openpyxl through defusedxml (entity declarations refused).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..importer.refusal import check_office_file, refuse, unpacked_size

MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a unit of 150 projects unpacks to some 5 MB
MAX_PARTS = 3000
MAX_SHEETS = 500
MAX_ROWS = 5000  # per sheet: a goal table has tens of rows
MAX_COLUMNS = 60

SAVE_AS = "请在 Excel 或 WPS 中打开，“另存为”Excel 工作簿（.xlsx）后再导入"
BROKEN = "工作簿已损坏或不完整（可能下载或复制时中断），无法读取；请重新获取文件，或在 Excel/WPS 中打开后重新保存再导入"


@dataclass
class Container:
    """What the zip says before the sheets are read: files the workbook links to."""

    external_links: list[str] = field(default_factory=list)


def refuse_old_format(path: Path, kind: str) -> NoReturn:
    """.xls, .xlsm, .et and the like: refused by name, saying what to do."""
    raise refuse(path, f"{kind}，不能导入。{SAVE_AS}")


def open_container(path: Path) -> Container:
    check_office_file(path, "这不是 .xlsx 格式：可能是设置了打开密码（已加密）的工作簿，或改了扩展名的旧版 .xls；"
                            f"请取消密码，{SAVE_AS}", "不像是一个单位的填报工作簿")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "xl/workbook.xml" not in names:
                raise refuse(path, "这不是 Excel 工作簿（压缩包中没有 xl/workbook.xml）；"
                                   "请导入 .xlsx 工作簿，或 .docx、.pdf 原文")
            if "xl/vbaProject.bin" in names or b"macroEnabled" in archive.read("[Content_Types].xml"):
                raise refuse(path, f"工作簿含有宏（.xlsm 的内容），宏可能运行程序，不能导入。{SAVE_AS}")
            if len(entries) > MAX_PARTS or unpacked_size(archive, MAX_UNPACKED_BYTES) > MAX_UNPACKED_BYTES:
                limit = f"超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB 或 {MAX_PARTS} 个部件"
                raise refuse(path, f"工作簿解压后过大（{limit}，像是“压缩炸弹”），不像是一个单位的填报工作簿，没有读取")
            return Container(_external_links(archive, names))
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError, NotImplementedError,
            KeyError, DefusedXmlException):
        raise refuse(path, BROKEN) from None


def _external_links(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The files the workbook links to (``xl/externalLinks``), by their targets."""
    targets = []
    for name in sorted(n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")):
        rels = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
        found = []
        if rels in names:
            root = fromstring(archive.read(rels))
            found = [element.get("Target", "") for element in root if element.get("TargetMode") == "External"]
        targets += found or [posixpath.basename(name)]
    return targets
