"""Charts without JavaScript: the geometry of inline SVG charts, computed at
build time from the model.

Each function returns a plain description (every coordinate and label
already formatted as text); the templates ``chart_*.html`` turn it into
autoescaped SVG. Every chart has a title and a text alternative (``desc``)
with all its numbers, and the page shows the same numbers in a table next to
it. Colours come from CSS classes so the charts follow light and dark mode
and print in black and grey.

Each chart is drawn twice: for a desktop (and print), and for a phone
(``narrow``, NARROW px wide, which budget.css shows below 45em instead). A
desktop's drawing scaled down to a 360 px screen had labels of about 6 px;
the phone's is never scaled below 0.96 (a 320 px screen), so its text keeps
at least 12 px.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from .formatting import money, percent, shorten
from .model import Project, YearData

_FONT = 13  # px, in the SVG's own units
NARROW = 300  # px: a phone's drawing, shown whole on a 320 px screen (288 px of content) at 0.96


def _n(value: float | Decimal) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0")
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Gridline:
    y: str
    label: str
    label_y: str


@dataclass(frozen=True)
class Column:
    label: str  # shortened to fit its slot
    full_label: str
    value: str  # "30%"
    x: str
    y: str
    width: str
    height: str
    center: str
    value_y: str


@dataclass(frozen=True)
class ColumnChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    left: str
    right: str
    baseline: str
    label_y: str
    gridlines: tuple[Gridline, ...]
    columns: tuple[Column, ...]
    narrow: ColumnChart | None = None  # the same chart drawn for a phone


def spending_chart(project: Project, chart_id: str = "chart-spending") -> ColumnChart:
    """The spending plan by period: one column per deadline, its share written on it."""
    wide = _spending_chart(project, chart_id, 560, 250, 48)
    return replace(wide, narrow=_spending_chart(project, f"{chart_id}-narrow", NARROW, 220, 40))


def _spending_chart(project: Project, chart_id: str, width: int, height: int, left: int) -> ColumnChart:
    right, top, bottom = 12, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    baseline = top + plot_h
    steps = project.spending_plan
    top_value = max([Decimal(100), *(s.share for s in steps)])
    slot = plot_w / len(steps)
    bar_w = min(slot * 0.6, 72)
    columns = []
    for i, step in enumerate(steps):
        h = plot_h * float(step.share / top_value)
        x = left + slot * i + (slot - bar_w) / 2
        columns.append(Column(
            label=shorten(step.period, max(4, int(slot // 7))), full_label=step.period, value=percent(step.share),
            x=_n(x), y=_n(baseline - h), width=_n(bar_w), height=_n(h), center=_n(x + bar_w / 2),
            value_y=_n(baseline - h - 6),
        ))
    gridlines = tuple(
        Gridline(_n(baseline - plot_h * level / float(top_value)), f"{level}%",
                 _n(baseline - plot_h * level / float(top_value) + _FONT / 3))
        for level in (0, 25, 50, 75, 100)
    )
    parts = "；".join(f"{s.period}{percent(s.share)}" for s in steps)
    total = sum((s.share for s in steps), Decimal("0"))
    return ColumnChart(
        id=chart_id,
        title=f"{project.name}：资金支出计划（%）",
        description=f"柱形图，各时间节点计划支出占预算的比例：{parts}。合计{percent(total)}。",
        width=width, height=height, left=_n(left), right=_n(width - right), baseline=_n(baseline),
        label_y=_n(baseline + 22), gridlines=gridlines, columns=tuple(columns),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value: str  # "56.04"
    y: str
    text_y: str
    width: str
    value_x: str
    rest: bool = False  # the bar that sums the units not shown one by one


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_x: str
    bar_x: str
    bar_height: str
    bars: tuple[Bar, ...]
    label_anchor: str = "end"  # labels end left of the bars; a phone's start a line of their own
    value_anchor: str = "start"  # values follow the bars; a phone's end their label's line
    axis: bool = True  # the line the bars start from
    narrow: BarChart | None = None  # the same chart drawn for a phone


def units_chart(data: YearData, chart_id: str = "chart-units", top: int = 15) -> BarChart:
    """Budget by unit, largest first; beyond ``top`` units the rest is one bar."""
    ranked = sorted(data.units, key=lambda u: (-u.budget_total, u.code))
    shown = [(u.name, u.budget_total, False) for u in ranked[:top]]
    rest = ranked[top:]
    if rest:
        shown.append((f"其余 {len(rest)} 个单位", sum((u.budget_total for u in rest), Decimal("0")), True))
    listed = "；".join(f"{name}{money(value)}万元" for name, value, _ in shown)
    description = (f"条形图，{data.year}年各单位预算总额（万元），从大到小：{listed}。"
                   f"共 {len(data.units)} 个单位，合计{money(data.budget_total)}万元。")
    title = f"{data.year}年各单位预算总额（万元）"
    return replace(_units_wide(shown, chart_id, title, description),
                   narrow=_units_narrow(shown, f"{chart_id}-narrow", title, description))


def _units_wide(shown: list[tuple[str, Decimal, bool]], chart_id: str, title: str, description: str) -> BarChart:
    """Each unit on a line: its name, its bar, its budget."""
    width, label_w, value_w, row_h, bar_h, pad = 640, 190, 90, 28, 18, 8
    plot_w = width - label_w - value_w
    largest = max([v for _, v, _ in shown] or [Decimal(0)])
    bars = []
    for i, (name, value, is_rest) in enumerate(shown):
        y = pad + i * row_h
        w = plot_w * float(value / largest) if largest else 0
        bars.append(Bar(
            label=shorten(name, 24), full_label=name, value=money(value), y=_n(y), text_y=_n(y + bar_h / 2 + _FONT / 3),
            width=_n(w), value_x=_n(label_w + w + 6), rest=is_rest,
        ))
    return BarChart(
        id=chart_id, title=title, description=description,
        width=width, height=pad * 2 + row_h * len(shown), label_x=_n(label_w - 8), bar_x=_n(label_w),
        bar_height=_n(bar_h), bars=tuple(bars),
    )


def _units_narrow(shown: list[tuple[str, Decimal, bool]], chart_id: str, title: str, description: str) -> BarChart:
    """For a phone: each unit's name and budget on a line, its bar under them across
    the whole width."""
    row_h, bar_h, gap, pad = 40, 12, 6, 4
    largest = max([v for _, v, _ in shown] or [Decimal(0)])
    bars = []
    for i, (name, value, is_rest) in enumerate(shown):
        baseline = pad + i * row_h + _FONT
        w = NARROW * float(value / largest) if largest else 0
        amount = money(value)
        # The name in what the budget leaves of the line: a column is half a Chinese
        # character (_FONT / 2 px), a digit at most 8 px, 16 px between them.
        columns = int((NARROW - 16 - 8 * len(amount)) / (_FONT / 2))
        bars.append(Bar(
            label=shorten(name, columns), full_label=name, value=amount, y=_n(baseline + gap), text_y=_n(baseline),
            width=_n(w), value_x=_n(NARROW), rest=is_rest,
        ))
    return BarChart(
        id=chart_id, title=title, description=description, width=NARROW, height=pad + row_h * len(shown),
        label_x="0", bar_x="0", bar_height=_n(bar_h), bars=tuple(bars),
        label_anchor="start", value_anchor="end", axis=False,
    )


@dataclass(frozen=True)
class Segment:
    label: str
    amount: str  # "56.04"
    share: str  # "100%"
    x: str
    width: str
    hatched: bool
    legend_y: str
    note: str = ""
    note_y: str = ""  # a phone's drawing: the note on a line of its own


@dataclass(frozen=True)
class StackChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bar_x: str
    bar_y: str
    bar_height: str
    bar_width: str
    segments: tuple[Segment, ...]
    narrow: StackChart | None = None  # the same chart drawn for a phone


def funds_chart(data: YearData, chart_id: str = "chart-funds") -> StackChart:
    """Fiscal versus other funds of the whole year, as one bar split in two."""
    wide = _funds_chart(data, chart_id, 640, notes_below=False)
    return replace(wide, narrow=_funds_chart(data, f"{chart_id}-narrow", NARROW, notes_below=True))


def _funds_chart(data: YearData, chart_id: str, width: int, notes_below: bool) -> StackChart:
    fiscal, other = data.fiscal_total, data.other_total
    other_value = other if other is not None else Decimal("0")
    whole = fiscal + other_value
    left, bar_y, bar_h, line = 8, 8, 36, 24
    plot_w = width - 2 * left
    parts = [("财政资金", fiscal, False, ""), ("其他资金", other_value, True,
                                               "（各项目均未填写）" if other is None else "")]
    segments, x, legend_y = [], float(left), bar_y + bar_h + line
    for label, amount, hatched, note in parts:
        w = plot_w * float(amount / whole) if whole else 0
        below = notes_below and bool(note)
        segments.append(Segment(
            label=label, amount=money(amount), share=percent(_share(amount, whole)),
            x=_n(x), width=_n(w), hatched=hatched, legend_y=_n(legend_y), note=note,
            note_y=_n(legend_y + _FONT + 6) if below else "",
        ))
        x += w
        legend_y += line + (_FONT + 6 if below else 0)
    described = "，".join(f"{s.label}{s.amount}万元{s.note}，占{s.share}" for s in segments)
    return StackChart(
        id=chart_id, title=f"{data.year}年财政资金与其他资金（万元）",
        description=f"堆积条形图，全部预算项目的资金来源：{described}。",
        width=width, height=legend_y - line + 12, bar_x=_n(left), bar_y=_n(bar_y),
        bar_height=_n(bar_h), bar_width=_n(plot_w), segments=tuple(segments),
    )

