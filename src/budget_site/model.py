"""The typed model of one unit's yearly budget performance document.

Everything downstream (pages, search, open data) reads these objects, never
the YAML, so the shape of the data is decided in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from .problems import Problem
from .regions import Regions


@dataclass(frozen=True)
class Disclosure:
    """Government disclosure metadata (政府信息公开), all optional."""

    index_number: str | None = None  # 索引号
    publisher: str | None = None  # 发布机构
    written_date: str | None = None  # 成文日期
    published_date: str | None = None  # 发布日期
    topic: str | None = None  # 主题分类

    def items(self) -> list[tuple[str, str]]:
        """Label/value pairs of the fields that are set, in display order."""
        labels = [
            ("索引号", self.index_number),
            ("发布机构", self.publisher),
            ("成文日期", self.written_date),
            ("发布日期", self.published_date),
            ("主题分类", self.topic),
        ]
        return [(label, value) for label, value in labels if value]


@dataclass(frozen=True)
class ItemisedGoal:
    """二、分项绩效目标: one numbered goal with its indicator text."""

    title: str
    goal: str  # 绩效目标
    indicator: str  # 绩效指标


@dataclass(frozen=True)
class Measure:
    """三、工作保障措施: one numbered safeguard measure."""

    title: str
    text: str


@dataclass(frozen=True)
class Budget:
    """预算数 / 财政资金 / 其他资金 in the project's money unit.

    ``other`` is None when the source leaves the cell blank, which is not the
    same as a written zero.
    """

    total: Decimal
    fiscal: Decimal
    other: Decimal | None


@dataclass(frozen=True)
class SpendingPeriod:
    """One column of 资金支出计划（%）: the share spent by a deadline."""

    period: str  # e.g. "3月底"
    share: Decimal  # percent, 0..100


@dataclass(frozen=True)
class Indicator:
    """One row of the goal table; every level is filled, even where the
    source left the cell blank to mean "same as above"."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    level3: str  # 三级指标
    description: str  # 绩效指标描述
    value: str  # 指标值
    basis: str  # 指标值确定依据


@dataclass(frozen=True)
class Project:
    """第二部分: one budget project and its goal table."""

    code: str  # 项目编码
    name: str  # 项目名称
    unit_line: str  # e.g. "230001 博野县信访局本级"
    money_unit: str  # 单位, e.g. "万元"
    budget: Budget
    use_of_funds: str  # 资金用途
    spending_plan: tuple[SpendingPeriod, ...]
    target: str  # 绩效目标 / 目标内容
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class UnplacedLine:
    """A line of an imported document the importer could not place: kept, and
    shown to the reviewer, rather than dropped."""

    line: int
    text: str
    where: str | None = None  # page and line (PDF), paragraph or table row (Word); None: the line number says it

    @property
    def place(self) -> str:
        return self.where or f"第 {self.line} 行"


@dataclass(frozen=True)
class UnitDocument:
    """One unit's 部门预算绩效文本 for one year."""

    year: int
    code: str
    name: str
    prepared_by: str  # 编制
    reviewed_by: str  # 审核
    overall_goals: tuple[str, ...]
    itemised_goals: tuple[ItemisedGoal, ...]
    measures: tuple[Measure, ...]
    projects: tuple[Project, ...]
    disclosure: Disclosure = field(default_factory=Disclosure)
    unplaced: tuple[UnplacedLine, ...] = ()
    # The government's division code on a regional site (its folder), None on a county's.
    region: str | None = None
    source: Path | None = None
    # Line and column of each field path in ``source``, for review messages.
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)
    # Warnings found while reading the file (e.g. a value cut short by a YAML comment).
    notes: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    @property
    def budget_total(self) -> Decimal:
        """Sum of the projects' 预算数, the figure the year home lists."""
        return sum((p.budget.total for p in self.projects), Decimal("0"))

    @property
    def fiscal_total(self) -> Decimal:
        """Sum of the projects' 财政资金."""
        return sum((p.budget.fiscal for p in self.projects), Decimal("0"))

    @property
    def other_total(self) -> Decimal | None:
        """Sum of the projects' 其他资金; None when every project left it blank."""
        written = [p.budget.other for p in self.projects if p.budget.other is not None]
        return sum(written, Decimal("0")) if written else None

    @property
    def title(self) -> str:
        return f"{self.name} {self.year}年部门预算绩效文本"

    @property
    def key(self) -> str:
        """The unit's identity within a year: its code, or ``<region>/<code>`` on a
        regional site, where every county has its own 230001."""
        return f"{self.region}/{self.code}" if self.region else self.code


@dataclass(frozen=True)
class YearData:
    """All units published for one year, ordered by region and unit code."""

    year: int
    units: tuple[UnitDocument, ...]
    regions: Regions | None = None  # a city or province platform's governments

    @property
    def budget_total(self) -> Decimal:
        return sum((u.budget_total for u in self.units), Decimal("0"))

    def without_positions(self) -> YearData:
        """The year without the line and column of every field: they serve review
        messages only, and a province's take some 100 MB in each process."""
        return replace(self, units=tuple(replace(u, positions={}) for u in self.units))

    @property
    def fiscal_total(self) -> Decimal:
        return sum((u.fiscal_total for u in self.units), Decimal("0"))

    @property
    def other_total(self) -> Decimal | None:
        written = [u.other_total for u in self.units if u.other_total is not None]
        return sum(written, Decimal("0")) if written else None
