"""What parsing collects besides the data: warnings, refusals, unplaced lines, examples of changes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, Severity
from .characters import HAN, SPACE_IN_CHINESE, join_chinese, squeeze
from .lines import Line


@dataclass
class Context:
    """What parsing collects besides the data: warnings, unplaced lines and
    one example of each kind of normalisation (for the file's header comment)."""

    source: Path
    warnings: list[Problem] = field(default_factory=list)
    unplaced: list[tuple[Line, str]] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)
    refusals: list[Problem] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # line number -> "第 3 页第 12 行" (PDF, Word)
    warning_lines: list[int] = field(default_factory=list)  # line of each warning, to sort them

    def problem(self, line: int | None, message: str, severity: Severity = "error") -> Problem:
        """A problem at ``line``: a line number for text files, its page or
        paragraph in the message for PDF and Word files."""
        label = self.labels.get(line) if line is not None else None
        if label:
            return Problem(self.source, None, None, (), f"{label}：{message}", severity)
        return Problem(self.source, line, None, (), message, severity)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(self.problem(line, message, "warning"))
        self.warning_lines.append(line or 0)

    def refuse(self, line: int | None, message: str) -> None:
        self.refusals.append(self.problem(line, message))

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
    match = SPACE_IN_CHINESE.search(text)
    assert match is not None
    left = re.search(rf"[{HAN}]{{1,6}}$", text[: match.start()]) or re.search(r"\S$", text[: match.start()])
    right = re.match(rf"[{HAN}]{{1,4}}", text[match.end():]) or re.match(r"\S", text[match.end():])
    return (left.group() if left else "") + match.group() + (right.group() if right else "")
