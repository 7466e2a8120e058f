"""A cell's value as the field it fills: text, code, year, money, share or date.

What people type is accepted where its meaning is certain: 45 for 45.00, the
text "30%" or a percent-formatted 0.3 for a share of 30, full-width digits in
numbers and codes (a Chinese input method gives them), a date typed into a date
field in any of the usual ways. Text is kept as written, full-width or not.
Anything else is refused with the cell named (``Refused``), never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_CENT = Decimal("0.01")


class Refused(ValueError):
    """A cell that cannot fill its field; the message says why, in Chinese."""


@dataclass(frozen=True)
class Found:
    """One non-empty cell as the workbook holds it (a formula's cached value)."""

    sheet: str
    row: int
    column: int
    value: object
    number_format: str = "General"

    @property
    def ref(self) -> str:
        """"项目2!E14", as people write a cell of another sheet."""
        return f"{self.sheet}!{get_column_letter(self.column)}{self.row}"

    @property
    def percent(self) -> bool:
        return "%" in self.number_format

    def label(self) -> str | None:
        """The cell's text when it is text (labels and headers are)."""
        return self.value.strip() if isinstance(self.value, str) else None


def ref(sheet: str, row: int, column: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}"


def _number_text(value: int | float | Decimal) -> str:
    """A number as the text it shows: 45 for 45.0, 0.5 for 0.5 (never 5E-1)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _day(value: datetime | date) -> str:
    return value.strftime("%Y-%m-%d")


def text(cell: Found) -> tuple[str, str | None]:
    """The text of a text field, and a warning when the spreadsheet had made it something else."""
    value = cell.value
    if isinstance(value, str):
        return value.strip(), None
    if isinstance(value, bool):
        raise Refused("是逻辑值（TRUE/FALSE），应填写文字")
    if isinstance(value, datetime | date):
        shown = _day(value) if not isinstance(value, datetime) or value.time() == time(0) else str(value)
        return shown, f"日期格式的单元格，已按“{shown}”导入；如原意不同，请把单元格格式改为“文本”后重新填写"
    if isinstance(value, time):
        raise Refused("是时间格式的单元格，应填写文字；请把单元格格式改为“文本”后重新填写")
    if isinstance(value, int | float | Decimal):
        if cell.percent:
            return _number_text(Decimal(str(value)) * 100) + "%", None
        return _number_text(value), None
    raise Refused("无法读取这个单元格的内容")


def _numeric(cell: Found, what: str) -> Decimal:
    """A number from a number cell, or from text (full-width digits, thousands separators, a "%")."""
    value = cell.value
    if isinstance(value, bool) or isinstance(value, datetime | date | time):
        shown = _day(value) if isinstance(value, datetime | date) else str(value)
        raise Refused(f"是日期格式的单元格（显示为 {shown}），{what}应为数字；请把单元格格式改为“数值”后重新填写")
    if isinstance(value, int | float):
        return Decimal(str(value))
    written = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    try:
        return Decimal(written.removesuffix("%"))
    except InvalidOperation:
        raise Refused(f"“{value}”不是数字，{what}应为数字") from None


def money(cell: Found) -> Decimal:
    """An amount with at most two decimals (a spreadsheet's 45.000000001 is 45.00)."""
    amount = _numeric(cell, "金额")
    if isinstance(cell.value, str) and cell.value.strip().endswith(("%", "％")):
        raise Refused(f"“{cell.value}”是百分数，应为金额")
    rounded = amount.quantize(_CENT)
    if abs(amount - rounded) > Decimal("1e-9"):
        raise Refused(f"金额 {_number_text(amount)} 超过两位小数")
    if rounded < 0:
        raise Refused(f"金额 {_number_text(amount)} 是负数")
    return rounded


def share(cell: Found) -> int | Decimal:
    """A percentage from 0 to 100: 30, "30%", "３０％", or 0.3 in a percent-formatted cell."""
    value = _numeric(cell, "支出比例")
    if cell.percent and not isinstance(cell.value, str):
        value *= 100
    value = value.quantize(Decimal("1e-6")).normalize()  # 0.3 * 100 is 30, not 30.000000000000004
    if not 0 <= value <= 100:
        raise Refused(f"支出比例 {_number_text(value)} 不在 0 到 100 之间")
    return int(value) if value == value.to_integral_value() else value


def year(cell: Found) -> int:
    value = _numeric(cell, "年度") if not isinstance(cell.value, str) else None
    if value is None:
        written = unicodedata.normalize("NFKC", cell.value).strip().removesuffix("年")
        if not written.isdigit():
            raise Refused(f"“{cell.value}”不是年度，应为四位数字，如 2024")
        value = Decimal(written)
    if value != value.to_integral_value() or not 2000 <= value <= 2100:
        raise Refused(f"年度 {_number_text(value)} 应为 2000 到 2100 之间的四位数字")
    return int(value)


def code(cell: Found, what: str) -> str:
    """A code as text: 230001 typed as a number is the code "230001"."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        written = _number_text(value)
    elif isinstance(value, str):
        written = unicodedata.normalize("NFKC", value).strip()
    else:
        raise Refused(f"{what}应为数字和字母")
    if not _CODE.match(written):
        raise Refused(f"{what}“{value}”只能由数字、字母、“-”和“_”组成（用作网址）")
    return written


def day(cell: Found) -> str:
    """A date as YYYY-MM-DD, from a date cell or text such as 2024-01-28, 2024/1/28, 2024年1月28日."""
    value = cell.value
    if isinstance(value, datetime | date):
        return _day(value)
    if isinstance(value, str):
        match = _DATE.match(unicodedata.normalize("NFKC", value).strip())
        if match:
            try:
                return _day(date(*map(int, match.groups())))
            except ValueError:
                pass
    raise Refused(f"“{value}”不是日期，应写成 2024-01-28 这样的格式")


def line_number(cell: Found) -> int:
    value = _numeric(cell, "行号")
    if value != value.to_integral_value() or value < 1:
        raise Refused(f"行号 {value} 应为正整数")
    return int(value)
