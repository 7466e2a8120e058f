"""Refusing a file: one Chinese message naming it, and the limits that keep a hostile file cheap."""

from __future__ import annotations

from pathlib import Path

from ..problems import DataError, Problem

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a converted text
MAX_FILE_BYTES = 50 * 1024 * 1024  # a PDF or Word file, fonts and pictures included
MAX_PAGES = 500  # the longest real document has a few dozen pages
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a .docx's parts once unzipped (a zip bomb inflates far past it)


def refuse(source: Path, message: str, line: int | None = None) -> DataError:
    return DataError([Problem(source, line, None, (), message)])
