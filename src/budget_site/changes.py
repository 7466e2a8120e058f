"""Changes from the previous year: each unit's total budget and each project's budget,
and the year's total like for like (``Comparison``).

A year's units are compared with the previous year's over the units published in
both years only (the same ``UnitDocument.key``: unit code, on a platform region and
unit code); units new this year and units no longer published are counted and
summed apart. Totals over two different sets of units are never subtracted: a
unit publishing for the first time is not a rise.

Computed once at build time from two loaded years; the pages only show the
result. A project is the same project in both years when its code is the
same; a project whose code is new is matched to a project of the previous
year with exactly the same name (and no code match of its own), and the page
says so, since codes may be renumbered. Everything else is new or gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from .model import Project, UnitDocument, YearData

NEW, CONTINUED, GONE = "new", "continued", "gone"


@dataclass(frozen=True)
class Amount:
    """A budget figure in two years; ``None`` where there is none in that year."""

    previous: Decimal | None
    current: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        """Change in percent of the previous figure, one decimal; None when it has no base."""
        if self.delta is None or not self.previous:
            return None
        return (self.delta * 100 / self.previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def delta_text(self) -> str:
        """"+5.00", "-3.20", "0.00"; blank without both figures."""
        delta = self.delta
        return "" if delta is None else ("0.00" if not delta else f"{delta:+.2f}")

    @property
    def percent_text(self) -> str:
        """"+12.5%", "-3.0%", "0.0%"; blank without a base to compare with."""
        percent = self.percent
        return "" if percent is None else ("0.0%" if not percent else f"{percent:+}%")

    @property
    def direction(self) -> str:
        """增加 / 减少 / 持平, for a sentence."""
        delta = self.delta or 0
        return "增加" if delta > 0 else "减少" if delta < 0 else "持平"


@dataclass(frozen=True)
class Comparison:
    """A set of units' budget this year against the previous year, like for like."""

    previous_year: int
    both: int  # units published in both years
    both_total: Amount  # their budget total in each year
    new: int  # units published this year, not the previous year
    new_total: Decimal  # their budget this year
    gone: int  # units published the previous year, not this year
    gone_total: Decimal  # their budget the previous year

    def __add__(self, other: Comparison) -> Comparison:
        """Two sets of units together (the regions of a tree)."""
        assert self.previous_year == other.previous_year, "comparisons with the same year"
        both = Amount(self.both_total.previous + other.both_total.previous,  # type: ignore[operator]
                      self.both_total.current + other.both_total.current)  # type: ignore[operator]
        return Comparison(self.previous_year, self.both + other.both, both, self.new + other.new,
                          self.new_total + other.new_total, self.gone + other.gone, self.gone_total + other.gone_total)


def combined(comparisons: list[Comparison | None]) -> Comparison | None:
    """The comparison of several sets of units; None when there is none or one has no previous year."""
    if not comparisons or any(c is None for c in comparisons):
        return None
    return sum(comparisons[1:], comparisons[0])  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProjectChange:
    previous: Project | None
    current: Project | None
    matched_by_name: bool = False  # same name, different code

    @property
    def status(self) -> str:
        if self.previous is None:
            return NEW
        return GONE if self.current is None else CONTINUED

    @property
    def project(self) -> Project:
        """This year's project, or last year's one if it is gone."""
        return self.current or self.previous  # type: ignore[return-value]

    @property
    def amount(self) -> Amount:
        return Amount(self.previous.budget.total if self.previous else None,
                      self.current.budget.total if self.current else None)


@dataclass(frozen=True)
class UnitChange:
    """One unit of this year compared with the same unit code in the previous year."""

    unit: UnitDocument
    previous_year: int | None
    previous: UnitDocument | None  # None: the unit did not publish the previous year
    projects: tuple[ProjectChange, ...]  # this year's projects in order, then the gone ones

    @property
    def total(self) -> Amount:
        return Amount(self.previous.budget_total if self.previous else None, self.unit.budget_total)

    @property
    def is_new(self) -> bool:
        return self.previous_year is not None and self.previous is None

    def count(self, status: str) -> int:
        return sum(1 for p in self.projects if p.status == status)


@dataclass(frozen=True)
class YearChanges:
    year: int
    previous_year: int | None  # the latest earlier year in the data, if any
    units: tuple[UnitChange, ...]  # in the order of ``YearData.units``
    gone_units: tuple[UnitDocument, ...]  # published the previous year, not this year

    @cached_property
    def comparison(self) -> Comparison | None:
        """The year's total like for like; None without a previous year."""
        if self.previous_year is None:
            return None
        both = [u.total for u in self.units if u.previous is not None]
        new = [u.unit.budget_total for u in self.units if u.previous is None]
        return Comparison(
            self.previous_year, len(both),
            Amount(sum((a.previous for a in both), Decimal("0")),  # type: ignore[misc]
                   sum((a.current for a in both), Decimal("0"))),  # type: ignore[misc]
            len(new), sum(new, Decimal("0")),
            len(self.gone_units), sum((u.budget_total for u in self.gone_units), Decimal("0")))

    def unit(self, key: str) -> UnitChange | None:
        """The change of the unit whose ``UnitDocument.key`` is ``key``."""
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, UnitChange]:
        return {u.unit.key: u for u in self.units}


def compare_years(data: YearData, previous: YearData | None) -> YearChanges:
    """Compare every unit of ``data`` with ``previous`` (the year before it in the data)."""
    before = {u.key: u for u in previous.units} if previous else {}
    units = tuple(compare_units(unit, before.get(unit.key), previous.year if previous else None)
                  for unit in data.units)
    keys = {u.key for u in data.units}
    gone = tuple(u for u in previous.units if u.key not in keys) if previous else ()
    return YearChanges(data.year, previous.year if previous else None, units, gone)


def compare_units(unit: UnitDocument, previous: UnitDocument | None, previous_year: int | None) -> UnitChange:
    if previous is None:
        return UnitChange(unit, previous_year, None, ())
    before = {p.code: p for p in previous.projects}
    codes = {p.code for p in unit.projects}
    # Previous projects whose code is not used this year, by name (only names that occur once).
    unmatched = [p for p in previous.projects if p.code not in codes]
    by_name = {p.name: p for p in unmatched if sum(q.name == p.name for q in unmatched) == 1}
    changes, used = [], set()
    for project in unit.projects:
        if project.code in before:
            changes.append(ProjectChange(before[project.code], project))
            used.add(project.code)
            continue
        same = by_name.pop(project.name, None)
        if same is not None and sum(q.name == project.name for q in unit.projects if q.code not in before) == 1:
            changes.append(ProjectChange(same, project, matched_by_name=True))
            used.add(same.code)
        else:
            changes.append(ProjectChange(None, project))
    changes += [ProjectChange(p, None) for p in previous.projects if p.code not in used]
    return UnitChange(unit, previous_year, previous, tuple(changes))
