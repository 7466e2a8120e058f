"""Downloads made by worker processes while pages render: the same files as
made in-process, sizes filled into pages, only changed units remade."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from budget_site import opendata
from budget_site.downloads import DownloadWriter, fill_sizes, size_marker, size_text
from budget_site.loading import load_data
from budget_site.model import YearData

from synthetic import write_units


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> YearData:
    root = tmp_path_factory.mktemp("downloads")
    write_units(root, years=[2023], units=14, seed=3)
    return load_data(root)[2023]


def written(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_workers_write_exactly_the_files_made_in_process(year, tmp_path):
    expected = opendata.year_files(year).files
    for workers in (0, 1):
        site = tmp_path / f"workers-{workers}"
        writer = DownloadWriter(year, site, workers=workers)
        unit = year.units[3]
        path = opendata.unit_data_path(unit, "json")
        assert writer.size(path) == len(expected[path])
        assert (site / path).read_bytes() == expected[path]
        writer.finish()
        assert written(site) == expected


def test_only_changed_units_are_made_again(year, tmp_path, monkeypatch):
    cache: dict = {}
    DownloadWriter(year, tmp_path / "first", cache=cache, workers=0).finish()
    made = []
    unit_files = opendata.unit_files
    monkeypatch.setattr(opendata, "unit_files", lambda unit: made.append(unit.code) or unit_files(unit))
    changed = replace(year.units[5], prepared_by=year.units[5].prepared_by + "（修改）")
    edited = replace(year, units=(*year.units[:5], changed, *year.units[6:]))
    DownloadWriter(edited, tmp_path / "second", cache=cache, workers=0).finish()
    assert made == [changed.code]
    assert written(tmp_path / "second") == opendata.year_files(edited).files
    assert set(cache) == {edited, *edited.units}  # the old version of the unit is let go


def test_an_error_in_a_worker_reaches_the_build(year, tmp_path):
    unit = year.units[2]
    broken = replace(unit, projects=(replace(unit.projects[0], budget=None),))  # the model never holds this
    writer = DownloadWriter(replace(year, units=(*year.units[:2], broken)), tmp_path, workers=1)
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'total'") as raised:
        writer.finish()
    # Raised in the worker and carried over, not a mistake of the parent's own code.
    assert type(raised.value.__cause__).__name__ == "_RemoteTraceback"
    assert "budget_total" in str(raised.value.__cause__)


def test_a_killed_worker_costs_time_not_files(year, tmp_path):
    writer = DownloadWriter(year, tmp_path, workers=1)
    writer.size(opendata.unit_data_path(year.units[0], "json"))  # the worker is running
    for process in list(writer._pool._processes.values()):
        process.kill()
    writer.finish()
    assert written(tmp_path) == opendata.year_files(year).files


def test_markers_become_sizes_and_text_from_data_never_does():
    marker = size_marker("downloads/230001/230001.json")
    as_data = str(marker).replace("<", "&lt;").replace(">", "&gt;")  # how escaped data text would read
    html = f"<p>JSON {marker}</p><p>{as_data}</p>"
    filled = fill_sizes(html, lambda path: 2048 if path == "downloads/230001/230001.json" else 0)
    assert filled == f"<p>JSON {size_text(2048)}</p><p>{as_data}</p>"
