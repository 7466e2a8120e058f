"""Problems found in data files, reported in Chinese with file, line and field.

Loading collects every problem instead of stopping at the first, so a data
writer can fix a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """``("projects", 0, "indicators", 2, "value")`` -> ``projects[1].indicators[3].value``.

    Indexes are shown counting from 1, as a data writer counts rows.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None  # 1-based
    column: int | None  # 1-based
    path: JsonPath
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "错误" if self.severity == "error" else "警告"
        field = f" 字段 {format_path(self.path)}" if self.path else ""
        return f"{where}: {kind}{field}: {self.message}"


class DataError(Exception):
    """Raised when data cannot be published; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
