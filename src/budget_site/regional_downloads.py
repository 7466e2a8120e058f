"""The year's own downloads on a regional site, joined from its regions' files.

Each region's build writes its own units' tables (CSV, JSON, XLSX) into its
folder; the year's CSV and JSON files are those joined in region order, file
by file, so no process ever holds a province's data. They come out as one
table made at once would: the CSV header once, the JSON units in one list.
The year has no workbook: a province's indicators would not fit in one sheet
(1,048,576 rows), and each region's home offers its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .model import YearData
from .opendata import DATAPACKAGE, SCHEMAS, datapackage, schema_path, to_json, year_csv_path, year_data_path, year_specs
from .region_summary import RegionalYear

_JSON_HEAD = '{{\n  "year": {year},\n  "units": ['
_JSON_TAIL = b"\n  ]\n}\n"


def region_order(year: RegionalYear) -> list[str]:
    """Regions in the order a whole year's tables list their units (by region code)."""
    return sorted(r.code for r in year.regions.regions)


def write_regional_year_files(year: RegionalYear, site_dir: Path) -> dict[str, int]:
    """Write the year's files under ``site_dir``; their sizes by path."""
    sizes: dict[str, int] = {}
    csv_files: dict[str, bytes] = {}
    codes = region_order(year)
    for spec in year_specs(YearData(year.year, (), year.regions)):
        path = year_csv_path(year.year, spec)
        csv_files[path] = _join_csv(year.year_dir / code / path for code in codes)
    json_path = year_data_path(year.year, "json")
    files = {**csv_files, json_path: _join_json(year.year, (year.year_dir / code / json_path for code in codes))}
    for name in SCHEMAS:
        files[schema_path(name)] = resources.files("budget_site").joinpath("schema", name).read_bytes()
    files[DATAPACKAGE] = to_json(datapackage(YearData(year.year, (), year.regions), csv_files))
    for path, content in files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        sizes[path] = len(content)
    return sizes


def _join_csv(parts: Iterable[Path]) -> bytes:
    """The regions' tables as one: the first one's header (with its BOM), every one's rows."""
    joined = bytearray()
    for part in parts:
        content = part.read_bytes()
        joined += content if not joined else content[content.index(b"\n") + 1:]
    return bytes(joined)


def _join_json(year: int, parts: Iterable[Path]) -> bytes:
    """``{"year": …, "units": […]}`` of every region's units, as ``to_json`` writes it."""
    head = _JSON_HEAD.format(year=year).encode()
    items = []
    for part in parts:
        content = part.read_bytes()
        if content == head + b"]\n}\n":  # a region without units of its own
            continue
        if not (content.startswith(head + b"\n") and content.endswith(_JSON_TAIL)):
            raise ValueError(f"{part}: not a year file written by budget-site")
        items.append(content[len(head) + 1:-len(_JSON_TAIL)])
    if not items:
        return head + b"]\n}\n"
    return head + b"\n" + b",\n".join(items) + _JSON_TAIL


class JoinedYearFiles:
    """The year's own downloads for its MkDocs build, written when a page first asks
    for a size (MkDocs has emptied the folder by then)."""

    def __init__(self, year: RegionalYear, site_dir: Path):
        self._year = year
        self._site_dir = site_dir
        self._sizes: dict[str, int] | None = None

    def size(self, path: str) -> int:
        self.finish()
        return self._sizes[path]

    def finish(self) -> None:
        """Write the files, once."""
        if self._sizes is None:
            self._sizes = write_regional_year_files(self._year, self._site_dir)

    def close(self) -> None:
        pass
