"""A published year, kept for a decade: archive, verify, freeze and restore.

``archives/<year>.zip`` holds the year's site exactly as built (``<year>/...``)
and ``MANIFEST.sha256``, the SHA-256 of every file in ``sha256sum`` format;
``archives/<year>.zip.sha256`` beside it holds the SHA-256 of the zip itself.
The zip is reproducible: entries sorted, fixed dates and permissions.

A frozen year (``extra.budget_frozen`` in mkdocs.yml, or a file ``FROZEN`` in
``data/<year>/``) is never rebuilt: the build restores it byte for byte from
its archive, so it survives upgrades of this software, MkDocs or the theme.
Its data must stay as it was when the archive was made (recorded in the
year's ``build-info.json``); changing it is an error until the year is
unfrozen.

No MkDocs here: ``site_build`` calls these functions around its builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import interruption
from .filesystem import make_published
from .loading import data_files
from .model import YearData
from .problems import DataError, Problem
from .site_lock import site_lock

MANIFEST = "MANIFEST.sha256"
BUILD_INFO = "build-info.json"
FROZEN_MARKER = "FROZEN"
SOFTWARE = ("budget-site", "mkdocs", "mkdocs-material", "jieba", "jinja2", "markdown")


class ArchiveError(DataError):
    """An archive or a frozen year that cannot be used; every problem is listed."""


def _problem(file: Path, message: str) -> Problem:
    return Problem(file, None, None, (), message)


# ---------------------------------------------------------------- dates

def publication_date(data: YearData) -> dt.date:
    """The one date a year's files carry (sitemap, gzip and zip headers).

    ``SOURCE_DATE_EPOCH`` when set; otherwise the latest 发布日期 (or 成文日期)
    in the year's data; otherwise 1 January of the year. Never the clock, so
    building again gives the same bytes.
    """
    return date_of_year(data.year, [u.disclosure.published_date or u.disclosure.written_date for u in data.units])


def date_of_year(year: int, dates: Iterable[str | None]) -> dt.date:
    """``publication_date`` from the units' dates (a regional year has its regions' latest)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    known = sorted(d for d in dates if d)
    if known:
        try:
            return dt.date.fromisoformat(known[-1])
        except ValueError:  # the schema checks the shape only: "2023-02-30"
            pass
    return dt.date(year, 1, 1)


def date_epoch(date: dt.date) -> int:
    return int(dt.datetime.combine(date, dt.time(), dt.UTC).timestamp())


# ---------------------------------------------------------------- build info

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_digests(data_dir: Path, year: int) -> dict[str, str]:
    """SHA-256 of each data file of the year, by its path in the year folder
    (``230001.yaml``, or ``130637/230001.yaml`` on a regional site)."""
    folder = data_dir / str(year)
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in data_files(data_dir).get(year, [])}


def write_build_info(year_dir: Path, year: int, date: dt.date, data_dir: Path) -> None:
    """``<year>/build-info.json``: what the year was built from, for archives and frozen years."""
    info = {
        "year": year,
        "date": date.isoformat(),
        "data": data_digests(data_dir, year),
        "software": {name: _version(name) for name in SOFTWARE},
    }
    (year_dir / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def read_build_info(year_dir: Path) -> dict:
    path = year_dir / BUILD_INFO
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise ArchiveError([_problem(year_dir, "不是 budget-site build 生成的年度网站（缺少或无法读取 "
                                               f"{BUILD_INFO}），请先运行 budget-site build")]) from None


# ---------------------------------------------------------------- archive

def archive_path(archives_dir: Path, year: int) -> Path:
    return archives_dir / f"{year}.zip"


def checksum_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def _files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())


def archive_year(site_dir: Path, year: int, archives_dir: Path, force: bool = False,
                 on_wait: Callable[[str], None] | None = None) -> Path:
    """Write ``archives_dir/<year>.zip`` and its ``.sha256`` from ``site_dir/<year>``.

    An archive that exists with other contents is kept unless ``force``: an
    archive is the record of what was published. Reads the site under its
    lock (shared), so a build never swaps the year out from under it. Both
    files are written aside and renamed into place: a full disk leaves the
    previous archive as it was.
    """
    year_dir = site_dir / str(year)
    archives_dir.mkdir(parents=True, exist_ok=True)
    zip_temp, sum_temp = _temp_file(archives_dir, f".{year}.zip."), _temp_file(archives_dir, f".{year}.sha256.")
    try:
        with site_lock(site_dir, shared=True, on_wait=on_wait):
            if not year_dir.is_dir():
                raise ArchiveError([_problem(year_dir, f"没有 {year} 年度的网站，请先运行 budget-site build")])
            info = read_build_info(year_dir)
            if info.get("year") != year:
                raise ArchiveError([_problem(year_dir / BUILD_INFO, f"记录的年度 {info.get('year')} 不是 {year}")])
            _write_zip(zip_temp, year_dir, str(year), dt.date.fromisoformat(info["date"]))
        target = archive_path(archives_dir, year)
        digest = sha256_file(zip_temp)
        if target.exists() and not force and sha256_file(target) != digest:
            raise ArchiveError([_problem(target, "已有内容不同的归档；归档是已发布内容的记录，"
                                                 "确需替换请加 --force")])
        sum_temp.write_text(f"{digest}  {target.name}\n", encoding="utf-8")
        for temp in (zip_temp, sum_temp):
            make_published(temp)  # mkstemp makes it private; an archive is for everyone who keeps the site
        interruption.check()
        zip_temp.replace(target)
        sum_temp.replace(checksum_path(target))
    finally:
        zip_temp.unlink(missing_ok=True)
        sum_temp.unlink(missing_ok=True)
    return target


def _temp_file(folder: Path, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, dir=folder)
    os.close(fd)
    return Path(name)


def _write_zip(target: Path, folder: Path, prefix: str, date: dt.date) -> None:
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    files = _files(folder)
    lines = [f"{sha256_file(p)}  {prefix}/{p.relative_to(folder).as_posix()}\n" for p in files]
    entries = [(MANIFEST, "".join(lines).encode("utf-8"))]
    entries += [(f"{prefix}/{p.relative_to(folder).as_posix()}", p) for p in files]
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read everywhere
            info.external_attr = 0o100644 << 16
            data = content if isinstance(content, bytes) else content.read_bytes()
            archive.writestr(info, data, compresslevel=9)


# ---------------------------------------------------------------- verify

@dataclass(frozen=True)
class Verified:
    archive: Path
    year: int
    files: int


def verify_archive(archive: Path) -> Verified:
    """Check the zip against its ``.sha256`` and every file against the manifest.

    Raises ArchiveError naming every file that does not match.
    """
    problems: list[Problem] = []
    if not archive.is_file():
        raise ArchiveError([_problem(archive, "归档文件不存在")])
    checksum = checksum_path(archive)
    try:
        expected = checksum.read_text("utf-8").split()[0].lower()
    except (OSError, IndexError):
        problems.append(_problem(checksum, "缺少或无法读取归档的校验文件"))
    else:
        if sha256_file(archive) != expected:
            problems.append(_problem(archive, f"SHA-256 与 {checksum.name} 不符，归档文件已被改动或损坏"))
    try:
        with zipfile.ZipFile(archive) as zf:
            year, count, found = _check_entries(archive, zf)
            problems += found
    except (zipfile.BadZipFile, OSError) as error:
        problems.append(_problem(archive, f"不是可读的 zip 文件（{error}）"))
        year, count = None, 0
    if problems:
        raise ArchiveError(problems)
    assert year is not None
    return Verified(archive, year, count)


def _check_entries(archive: Path, zf: zipfile.ZipFile) -> tuple[int | None, int, list[Problem]]:
    problems: list[Problem] = []
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    if MANIFEST not in names:
        return None, 0, [_problem(archive, f"缺少清单 {MANIFEST}")]
    manifest: dict[str, str] = {}
    for number, line in enumerate(zf.read(MANIFEST).decode("utf-8", "replace").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            problems.append(Problem(archive, number, None, (), f"{MANIFEST} 第 {number} 行格式不对"))
            continue
        manifest[name] = digest
    prefixes = {name.split("/", 1)[0] for name in manifest}
    year = int(next(iter(prefixes))) if len(prefixes) == 1 and next(iter(prefixes)).isdigit() else None
    if year is None:
        problems.append(_problem(archive, f"{MANIFEST} 中的文件不在同一个年度文件夹下"))
    for name in names:
        if name == MANIFEST:
            continue
        if not _safe_name(name):
            problems.append(_problem(archive, f"{name}：文件名不安全（绝对路径或含 ..）"))
        elif name not in manifest:
            problems.append(_problem(archive, f"{name}：不在清单 {MANIFEST} 中"))
    for name, digest in sorted(manifest.items()):
        if name not in names:
            problems.append(_problem(archive, f"{name}：清单中有，归档中没有"))
            continue
        try:
            actual = hashlib.sha256(zf.read(name)).hexdigest()
        except (zipfile.BadZipFile, OSError, ValueError) as error:  # a CRC error is a damaged entry
            problems.append(_problem(archive, f"{name}：无法读出（{error}）"))
            continue
        if actual != digest:
            problems.append(_problem(archive, f"{name}：SHA-256 与清单不符"))
    return year, len(manifest), problems


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "\\" not in name and posixpath.normpath(name) == name


# ---------------------------------------------------------------- frozen years

def frozen_years(data_dir: Path, years: Iterable[int], configured: Iterable) -> set[int]:
    """Years frozen in the configuration or by a ``data/<year>/FROZEN`` file, among ``years``."""
    try:
        listed = {int(y) for y in configured or ()}
    except (TypeError, ValueError):
        raise ArchiveError([_problem(Path("mkdocs.yml"), "extra.budget_frozen 应为年度列表，如 [2022, 2023]")]) \
            from None
    return {y for y in years if y in listed or (data_dir / str(y) / FROZEN_MARKER).is_file()}


def check_frozen(data_dir: Path, year: int, archives_dir: Path) -> Verified:
    """A frozen year can be restored: its archive is intact and its data unchanged."""
    archive = archive_path(archives_dir, year)
    if not archive.is_file():
        raise ArchiveError([_problem(archive, f"{year} 年度已冻结，但没有它的归档；请先运行 "
                                              f"budget-site archive {year}，或解冻该年度")])
    verified = verify_archive(archive)
    if verified.year != year:
        raise ArchiveError([_problem(archive, f"归档中是 {verified.year} 年度，不是 {year} 年度")])
    with zipfile.ZipFile(archive) as zf:
        try:
            recorded = json.loads(zf.read(f"{year}/{BUILD_INFO}"))["data"]
        except (KeyError, ValueError):
            raise ArchiveError([_problem(archive, f"归档中缺少 {year}/{BUILD_INFO}")]) from None
    current = data_digests(data_dir, year)
    folder = data_dir / str(year)
    problems = [
        _problem(folder / name, f"{year} 年度已冻结，数据与归档时不同（{what}）；如确需更改，请先解冻该年度"
                                f"（删除 {folder / FROZEN_MARKER} 或从 mkdocs.yml 的 extra.budget_frozen 中去掉）")
        for name, what in _differences(recorded, current)
    ]
    if problems:
        raise ArchiveError(problems)
    return verified


def _differences(recorded: dict[str, str], current: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for name in sorted(set(recorded) | set(current)):
        if name not in current:
            out.append((name, "文件已删除"))
        elif name not in recorded:
            out.append((name, "新增的文件"))
        elif recorded[name] != current[name]:
            out.append((name, "内容已改动"))
    return out


def restore_year(archive: Path, year: int, target: Path) -> int:
    """Extract the year's files from a verified archive into ``target`` (the year's folder)."""
    count = 0
    prefix = f"{year}/"
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith(prefix) or not _safe_name(info.filename):
                continue
            path = target / info.filename[len(prefix):]
            path.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as source, path.open("wb") as out:
                shutil.copyfileobj(source, out)
            count += 1
    return count
