"""Each government's totals on a regional site, this year and the year before.

Every region is built on its own (``regional_build``), so no process holds a
province's units at once: a region's build publishes its own figures as
``<year>/<region>/region.json`` (``RegionFacts``), and the year home and the
homes of the regions above it are made from those. The year home shows the
regions as a tree with these figures instead of every unit, and each region's
home lists its own units: no page grows with the size of a province.

Changes from the year before are like for like (``changes.Comparison``): a
region's build, which holds both years of its own units, matches them by unit
code and publishes the sums; a tree's figures are the sums of its regions'.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from .changes import Amount, Comparison, combined, compare_years
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
    comparison: Comparison | None = None  # its units against the year before; None: no earlier year


def facts_of(code: str, data: YearData, pages: tuple[str, ...] = (),
             previous: YearData | None = None) -> RegionFacts:
    """A region's figures from its own units; ``previous``: its units of the year before
    (None when the data has no earlier year), compared with like for like."""
    dates = sorted(d for u in data.units if (d := u.disclosure.published_date or u.disclosure.written_date))
    comparison = compare_years(data, previous).comparison if previous is not None else None
    return RegionFacts(code, data.year, len(data.units), sum(len(u.projects) for u in data.units),
                       data.budget_total, data.fiscal_total, data.other_total, dates[-1] if dates else None,
                       tuple(pages), comparison)


def _record(facts: RegionFacts) -> dict:
    record = asdict(facts)
    for key in ("total", "fiscal", "other"):
        record[key] = None if record[key] is None else str(record[key])
    record["pages"] = list(facts.pages)
    c = facts.comparison
    record["comparison"] = None if c is None else {
        "previous_year": c.previous_year, "both": c.both, "both_previous": str(c.both_total.previous),
        "both_current": str(c.both_total.current), "new": c.new, "new_total": str(c.new_total),
        "gone": c.gone, "gone_total": str(c.gone_total)}
    return record


def _comparison(record: dict | None) -> Comparison | None:
    if record is None:
        return None
    return Comparison(int(record["previous_year"]), int(record["both"]),
                      Amount(Decimal(record["both_previous"]), Decimal(record["both_current"])),
                      int(record["new"]), Decimal(record["new_total"]), int(record["gone"]),
                      Decimal(record["gone_total"]))


def _facts(record: dict) -> RegionFacts:
    return RegionFacts(
        str(record["code"]), int(record["year"]), int(record["units"]), int(record["projects"]),
        Decimal(record["total"]), Decimal(record["fiscal"]),
        None if record["other"] is None else Decimal(record["other"]), record["date"], tuple(record["pages"]),
        _comparison(record["comparison"]))


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
    total: Decimal  # its own units' budget total
    subtree_total: Decimal  # with every region below it
    comparison: Comparison | None  # its own units with the year before; None: no earlier year
    subtree_comparison: Comparison | None  # with every region below it


def summarise(regions: Regions, now: Mapping[str, RegionFacts]) -> tuple[RegionSummary, ...]:
    """Every region in tree order (parents first), from the regions' published figures."""
    summaries = []
    for region, depth in regions.tree():
        own = now.get(region.code)
        below = [now[r.code] for r in regions.descendants(region.code) if r.code in now]
        summaries.append(RegionSummary(
            region, depth, own.units if own else 0, own.total if own else Decimal("0"),
            sum((f.total for f in below), Decimal("0")), own.comparison if own else None,
            combined([f.comparison for f in below]),
        ))
    return tuple(summaries)


def summarise_regions(data: YearData, previous: YearData | None) -> tuple[RegionSummary, ...]:
    """The summaries of a year whose units are all at hand (a preview, tests)."""
    assert data.regions is not None, "a regional site's year"
    return summarise(data.regions, _facts_by_region(data, previous))


def _facts_by_region(data: YearData, previous: YearData | None) -> dict[str, RegionFacts]:
    regions = data.regions
    assert regions is not None, "a regional site's year"

    def by_region(year: YearData) -> dict[str | None, list]:
        units: dict[str | None, list] = {}
        for unit in year.units:  # one pass, not one per region
            units.setdefault(unit.region, []).append(unit)
        return units

    now, before = by_region(data), by_region(previous) if previous is not None else {}
    return {r.code: facts_of(r.code, YearData(data.year, tuple(now.get(r.code, ()))), (),
                             None if previous is None else YearData(previous.year, tuple(before.get(r.code, ()))))
            for r in regions.regions}


def regional_year_of(data: YearData, previous: YearData | None, year_dir: Path) -> RegionalYear:
    """The year's own part, from a year whose units are all at hand (tests)."""
    assert data.regions is not None, "a regional site's year"
    facts = _facts_by_region(data, previous)
    return RegionalYear(data.year, data.regions, facts, summarise(data.regions, facts),
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

    @property
    def comparison(self) -> Comparison | None:
        """Every region's units against the year before, like for like."""
        return combined([f.comparison for f in self.facts.values()])
