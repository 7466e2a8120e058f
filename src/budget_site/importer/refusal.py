"""Refusing a file: one Chinese message naming it, and the limits that keep a hostile file cheap."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..filesystem import cause_of
from ..problems import DataError, Problem

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a converted text
MAX_FILE_BYTES = 50 * 1024 * 1024  # a PDF or Word file, fonts and pictures included
MAX_PAGES = 500  # the longest real document has a few dozen pages
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a .docx's parts once unzipped (a zip bomb inflates far past it)


def refuse(source: Path, message: str, line: int | None = None) -> DataError:
    return DataError([Problem(source, line, None, (), message)])


# The first bytes of an OLE compound file: an encrypted Office file, or the old binary .doc/.xls.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


def check_office_file(path: Path, encrypted: str, too_big: str) -> None:
    """Before any zip or XML is parsed: the file is readable, is not an OLE file
    (``encrypted``: what to say then) and is not larger than a real one could be."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise refuse(path, f"无法读取文件：{cause_of(exc)}") from None
    if head.startswith(_OLE_SIGNATURE):
        raise refuse(path, encrypted)
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        raise refuse(path, f"文件过大（{size // 1024 // 1024} MB），上限为 {limit} MB，{too_big}")


def unpacked_size(archive: zipfile.ZipFile, limit: int = MAX_UNPACKED_BYTES) -> int:
    """Bytes the parts inflate to, counted by inflating them in chunks and stopping
    past ``limit``: the sizes a zip declares may lie."""
    total = 0
    for entry in archive.infolist():
        with archive.open(entry) as part:
            while chunk := part.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    return total
    return total
