"""Each government's totals on a regional site, this year and the year before.

The year home shows the regions as a tree with these figures instead of
every unit, and each region's home lists its own units: no page grows with
the size of a province.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .changes import Amount
from .model import UnitDocument, YearData
from .regions import Region, Regions


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    depth: int  # 0 at the top of the tree
    units: tuple[UnitDocument, ...]  # its own units (本级), by unit code
    total: Amount  # its own units' budget total
    subtree_total: Amount  # with every region below it

    @property
    def project_count(self) -> int:
        return sum(len(u.projects) for u in self.units)


def summarise_regions(data: YearData, previous: YearData | None) -> tuple[RegionSummary, ...]:
    """Every region of ``data.regions`` in tree order (parents first)."""
    regions = data.regions
    assert regions is not None, "a regional site's year"
    units = _by_region(data)
    before = _by_region(previous) if previous is not None else None
    summaries = []
    for region, depth in regions.tree():
        below = regions.descendants(region.code)
        summaries.append(RegionSummary(
            region, depth, tuple(units.get(region.code, ())),
            _amount(regions, [region], units, before),
            _amount(regions, below, units, before),
        ))
    return tuple(summaries)


def _by_region(data: YearData) -> dict[str | None, list[UnitDocument]]:
    found: dict[str | None, list[UnitDocument]] = {}
    for unit in data.units:
        found.setdefault(unit.region, []).append(unit)
    return found


def _total(units: list[UnitDocument]) -> Decimal:
    return sum((u.budget_total for u in units), Decimal("0"))


def _amount(regions: Regions, chosen, units: dict, before: dict | None) -> Amount:
    """Budget total of the units of ``chosen`` regions; none the year before when
    they published nothing then."""
    now = [u for r in chosen for u in units.get(r.code, ())]
    then = None if before is None else [u for r in chosen for u in before.get(r.code, ())]
    return Amount(_total(then) if then else None, _total(now))
