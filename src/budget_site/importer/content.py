"""What a file really is, read from its own bytes: a name's extension can be wrong.

Clerks rename files (a .docx saved as "….doc", a workbook attached as "….pdf");
the importer reads the signature instead: ``%PDF-``; a zip holding
``word/document.xml`` (Word) or ``xl/workbook.xml`` (Excel, with
``xl/vbaProject.bin`` when it has macros); an OLE compound file (``D0CF11E0``)
whose directory holds a ``WordDocument`` stream (old Word / WPS), a
``Workbook``/``Book`` stream (old Excel / WPS 表格) or an ``EncryptedPackage``
(a Word or Excel file with a password); text without NUL bytes in UTF-8 (the
converted text format). Only names and the directory are read, never a
part's content, so a hostile file costs nothing here.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .refusal import MAX_FILE_BYTES


@dataclass(frozen=True)
class Kind:
    """A file's format: the extension whose reader reads it, and what to call it."""

    suffix: str
    name: str
    family: str  # the extensions that name this format share a family


PDF = Kind(".pdf", "PDF 文件", "pdf")
DOCX = Kind(".docx", "Word 文档（.docx）", "docx")
XLSX = Kind(".xlsx", "Excel 工作簿（.xlsx）", "xlsx")
XLSM = Kind(".xlsm", "含宏的 Excel 工作簿（.xlsm）", "xlsx")
OLD_WORD = Kind(".doc", "旧版 Word（.doc）二进制文件", "doc")
OLD_EXCEL = Kind(".xls", "旧版 Excel（.xls）二进制文件", "xls")
ENCRYPTED = Kind(".docx", "设置了密码（已加密）的 Word 或 Excel 文件", "encrypted")
TEXT = Kind(".txt", "文字文件（.txt）", "txt")

# Extension (lower case) -> the family of formats it names.
FAMILY = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".doc": "doc", ".wps": "doc",
          ".xls": "xls", ".et": "xls", ".txt": "txt"}
# An encrypted Word or Excel file is an OLE file whatever it was: its own extension is right.
_ENCRYPTED_OK = {"docx", "xlsx", "doc", "xls"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_TEXT_SAMPLE = 64 * 1024


def content_kind(path: Path) -> Kind | None:
    """The format the file's bytes say, or None when they say nothing certain (then its name decides)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_TEXT_SAMPLE)
    except OSError:
        return None  # the reader says why it cannot be read
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE):
        return _ole_kind(path)
    if head and b"\x00" not in head and _is_utf8(head):
        return TEXT
    return None


def agrees(kind: Kind | None, suffix: str) -> bool:
    """Whether the name's extension already names what the file is (or the file says nothing)."""
    family = FAMILY.get(suffix.lower())
    if kind is None or family is None:
        return True
    return kind.family == family or (kind is ENCRYPTED and family in _ENCRYPTED_OK)


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3  # only the sample's last character cut in two
    return True


def _zip_kind(path: Path) -> Kind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSM if "xl/vbaProject.bin" in names else XLSX
    return None


def _ole_kind(path: Path) -> Kind | None:
    names = _ole_names(path)
    if "EncryptedPackage" in names:
        return ENCRYPTED
    if "WordDocument" in names:
        return OLD_WORD
    if names & {"Workbook", "Book"}:
        return OLD_EXCEL
    return None


def _ole_names(path: Path, limit: int = 4096) -> set[str]:
    """The names in an OLE compound file's directory (the first ``limit`` entries), read by
    following the directory's sector chain through the FAT; empty when the file is damaged."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return set()  # the reader refuses it by its size
        data = path.read_bytes()
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return set()
        size = 1 << shift
        first_directory = struct.unpack_from("<I", data, 0x30)[0]
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END_OF_CHAIN]
        fat: list[int] = []
        for sector in fat_sectors:
            start = (sector + 1) * size
            fat += struct.unpack_from(f"<{size // 4}I", data, start)
        names: set[str] = set()
        sector, seen = first_directory, set()
        while sector < _END_OF_CHAIN and sector not in seen and len(names) < limit:
            seen.add(sector)
            start = (sector + 1) * size
            for offset in range(start, start + size, 128):
                length = struct.unpack_from("<H", data, offset + 64)[0]
                if 2 <= length <= 64:
                    names.add(data[offset: offset + length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector] if sector < len(fat) else _END_OF_CHAIN
        return names
    except (OSError, struct.error):
        return set()
