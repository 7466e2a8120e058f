"""The workbook finance staff fill in or correct in Excel or WPS, and its way back into ``data/``.

- ``layout``: labels and places both sides agree on;
- ``template``: a unit's data (or a blank) as the workbook (``budget-site template``, the unit page's download);
- ``container`` and ``cells``: refusing hostile files, reading what people type into a cell;
- ``reader``: the workbook back into a unit's data, every problem named by sheet and cell
  (registered with the importer for ``.xlsx``, so ``budget-site import`` takes it like a document).
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from .container import refuse_old_format
from .reader import read_workbook
from .template import blank_workbook, unit_workbook

__all__ = ["blank_workbook", "read_workbook", "refuse_old_spreadsheet", "unit_workbook"]

_OLD_FORMATS = {
    ".xlsm": "这是含宏的工作簿（.xlsm），宏可能运行程序",
    ".xls": "这是旧版 Excel 97-2003 工作簿（.xls）",
    ".et": "这是 WPS 表格格式（.et）",
}


def refuse_old_spreadsheet(path: Path, suffix: str | None = None) -> NoReturn:
    """Refuse .xlsm, .xls and .et (``suffix``: what the file really is, else its name's
    extension), saying how to make an .xlsx of them."""
    refuse_old_format(path, _OLD_FORMATS.get(suffix or path.suffix.lower(), "这不是 .xlsx 工作簿"))
