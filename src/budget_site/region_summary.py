"""Each government's totals on a regional site, this year and the year before.

Every region is built on its own (``regional_build``), so no process holds a
province's units at once: a region's build publishes its own figures as
``<year>/<region>/region.json`` (``RegionFacts``), and the year home and the
homes of the regions above it are made from those. The year home shows the
regions as a tree with these figures instead of every unit, and each region's
home lists its own units: no page grows with the size of a province.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from .changes import Amount
from .model import YearData
from .problems import DataError, Problem
from .regions import Region, Regions

FACTS_FILE = "region.json"


@dataclass(frozen=True)
class RegionFacts:
    """A region's own units (本级) in one year, as its build publishes them."""

    code: str
    year: int
    units: int
    projects: int
    total: Decimal
    fiscal: Decimal
    other: Decimal | None  # None when every project left 其他资金 blank
    date: str | None  # the latest 发布日期 (or 成文日期) of its units: the year's date
    pages: tuple[str, ...]  # its pages' URLs within its folder, for the year's sitemap


def facts_of(code: str, data: YearData, pages: tuple[str, ...] = ()) -> RegionFacts:
    dates = sorted(d for u in data.units if (d := u.disclosure.published_date or u.disclosure.written_date))
    return RegionFacts(code, data.year, len(data.units), sum(len(u.projects) for u in data.units),
                       data.budget_total, data.fiscal_total, data.other_total, dates[-1] if dates else None,
                       tuple(pages))


def _record(facts: RegionFacts) -> dict:
    record = asdict(facts)
    for key in ("total", "fiscal", "other"):
        record[key] = None if record[key] is None else str(record[key])
    record["pages"] = list(facts.pages)
    return record


def _facts(record: dict) -> RegionFacts:
    return RegionFacts(
        str(record["code"]), int(record["year"]), int(record["units"]), int(record["projects"]),
        Decimal(record["total"]), Decimal(record["fiscal"]),
        None if record["other"] is None else Decimal(record["other"]), record["date"], tuple(record["pages"]))


def region_file(facts: RegionFacts, previous: RegionFacts | None) -> str:
    """``region.json``: the region's figures this year and the year before (None: no earlier year)."""
    record = {**_record(facts), "previous": None if previous is None else _record(previous)}
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def read_region_file(path: Path) -> tuple[RegionFacts, RegionFacts | None]:
    """A region's published figures; a DataError saying to build it when they are missing."""
    try:
        record = json.loads(path.read_text("utf-8"))
        return _facts(record), None if record["previous"] is None else _facts(record["previous"])
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
        raise DataError([Problem(path, None, None, (), "缺少或无法读取该地区的生成结果；请先不加 --region "
                                                       "完整生成一次网站")]) from None


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    depth: int  # 0 at the top of the tree
    unit_count: int  # its own units
    total: Amount  # its own units' budget total
    subtree_total: Amount  # with every region below it


def summarise(regions: Regions, now: Mapping[str, RegionFacts],
              before: Mapping[str, RegionFacts] | None) -> tuple[RegionSummary, ...]:
    """Every region in tree order (parents first); ``before`` is the year before's
    figures (None when the data has no earlier year)."""
    summaries = []
    for region, depth in regions.tree():
        own = now.get(region.code)
        summaries.append(RegionSummary(
            region, depth, own.units if own else 0,
            _amount([region], now, before), _amount(regions.descendants(region.code), now, before),
        ))
    return tuple(summaries)


def _amount(chosen, now: Mapping[str, RegionFacts], before: Mapping[str, RegionFacts] | None) -> Amount:
    """Budget total of the units of ``chosen`` regions; none the year before when
    they published nothing then."""
    current = sum((now[r.code].total for r in chosen if r.code in now), Decimal("0"))
    if before is None:
        return Amount(None, current)
    then = [before[r.code] for r in chosen if r.code in before and before[r.code].units]
    return Amount(sum((f.total for f in then), Decimal("0")) if then else None, current)


def summarise_regions(data: YearData, previous: YearData | None) -> tuple[RegionSummary, ...]:
    """The summaries of a year whose units are all at hand (a preview, tests)."""
    assert data.regions is not None, "a regional site's year"
    return summarise(data.regions, _facts_by_region(data),
                     _facts_by_region(previous, data.regions) if previous is not None else None)


def _facts_by_region(data: YearData, regions: Regions | None = None) -> dict[str, RegionFacts]:
    regions = regions or data.regions
    units: dict[str | None, list] = {}
    for unit in data.units:  # one pass, not one per region
        units.setdefault(unit.region, []).append(unit)
    return {r.code: facts_of(r.code, YearData(data.year, tuple(units.get(r.code, ())))) for r in regions.regions}


def regional_year_of(data: YearData, previous: YearData | None, year_dir: Path) -> RegionalYear:
    """The year's own part, from a year whose units are all at hand (tests)."""
    assert data.regions is not None, "a regional site's year"
    return RegionalYear(data.year, data.regions, _facts_by_region(data), summarise_regions(data, previous),
                        previous.year if previous is not None else None, year_dir)


@dataclass(frozen=True)
class RegionSite:
    """What one region's own build needs: its units this year and the year before,
    and every region's summary (its home lists the regions below it)."""

    code: str
    data: YearData  # its own units (``regions`` set)
    previous: YearData | None  # its own units the year before; None when the data has no earlier year
    summaries: tuple[RegionSummary, ...]

    @property
    def summary(self) -> RegionSummary:
        return next(s for s in self.summaries if s.region.code == self.code)


@dataclass(frozen=True)
class RegionalYear:
    """What the year's own build of a regional site needs: the regions' published
    figures, and the folder holding the regions' builds (their downloads and search
    files are combined into the year's)."""

    year: int
    regions: Regions
    facts: Mapping[str, RegionFacts]
    summaries: tuple[RegionSummary, ...]
    previous_year: int | None
    year_dir: Path

    @property
    def unit_count(self) -> int:
        return sum(f.units for f in self.facts.values())

    @property
    def budget_total(self) -> Decimal:
        return sum((f.total for f in self.facts.values()), Decimal("0"))

    @property
    def fiscal_total(self) -> Decimal:
        return sum((f.fiscal for f in self.facts.values()), Decimal("0"))

    @property
    def other_total(self) -> Decimal | None:
        written = [f.other for f in self.facts.values() if f.other is not None]
        return sum(written, Decimal("0")) if written else None

    @property
    def date(self) -> str | None:
        return max((f.date for f in self.facts.values() if f.date), default=None)
