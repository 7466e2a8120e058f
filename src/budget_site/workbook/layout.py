"""Where everything sits in the workbook: the one place the writer and the reader agree on.

The reader finds rows and columns by these labels, not by fixed positions,
so a row or column a clerk inserts, or a sheet renamed or moved, still reads.
"""

from __future__ import annotations

COVER_SHEET = "封面和第一部分"
PROJECT_SHEET = "项目{number}"  # the name a project sheet gets; any name reads back
UNPLACED_SHEET = "未归类原文"

COVER_TITLE = "部门预算绩效文本 填报工作簿"
COVER_HELP = ("白色单元格填写，灰色单元格是标签（已保护，无需密码即可撤销保护）。每个项目一个工作表；"
              "增加项目请复制一个项目工作表。填好后交财政局用 budget-site import 导入。")

# Cover rows: label -> field. Required fields first, then the disclosure metadata (可选).
COVER_WIDTH = 3  # columns A..C
COVER_FIELDS = {
    "年度": "year",
    "单位编码": "code",
    "单位名称": "name",
    "编制": "prepared_by",
    "审核": "reviewed_by",
}
DISCLOSURE_FIELDS = {
    "索引号": "index_number",
    "发布机构": "publisher",
    "成文日期": "written_date",
    "发布日期": "published_date",
    "主题分类": "topic",
}

# Part 1 sections: heading -> (data key, column header -> item key).
OVERALL = "一、总体绩效目标"
ITEMISED = "二、分项绩效目标"
MEASURES = "三、工作保障措施"
SECTIONS: dict[str, tuple[str, dict[str, str]]] = {
    OVERALL: ("overall_goals", {"总体绩效目标（每行一项）": "text"}),
    ITEMISED: ("itemised_goals", {"标题": "title", "绩效目标": "goal", "绩效指标": "indicator"}),
    MEASURES: ("measures", {"标题": "title", "内容": "text"}),
}

# A project sheet: the 绩效目标表 on a 7-column grid A..G.
PROJECT_TITLE_SUFFIX = "绩效目标表"
UNIT_LINE = "单位行"
MONEY_UNIT = "金额单位"
CODE = "项目编码"
NAME = "项目名称"
BUDGET_GROUP = "预算规模及资金用途"
TOTAL = "预算数"
FISCAL = "其中：财政资金"
OTHER = "其他资金"
USE = "资金用途"
PLAN = "资金支出计划（%）"
TARGET = "绩效目标"
PROJECT_FIELDS = {UNIT_LINE: "unit_line", MONEY_UNIT: "money_unit", CODE: "code", NAME: "name",
                  TOTAL: "total", FISCAL: "fiscal", OTHER: "other", USE: "use_of_funds", TARGET: "target"}
MONEY_FIELDS = ("total", "fiscal", "other")
INDICATOR_COLUMNS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3",
                     "绩效指标描述": "description", "指标值": "value", "指标值确定依据": "basis"}
PROJECT_WIDTH = 7  # the 7-column grid A..G
COLUMN_WIDTHS = (13, 14, 16, 20, 13, 16, 11)  # A..G, in characters: the page's proportions on A4
DEFAULT_PERIODS = ("3月底", "6月底", "10月底", "12月底")

UNPLACED_COLUMNS = {"行号": "line", "原文": "text", "位置": "where"}

# What a field is called in messages.
FIELD_NAMES = {
    **{field: label for label, field in COVER_FIELDS.items()},
    **{field: label for label, field in DISCLOSURE_FIELDS.items()},
    **{field: label for label, field in PROJECT_FIELDS.items()},
    **{field: label for label, field in INDICATOR_COLUMNS.items()},
    "title": "标题", "goal": "绩效目标", "indicator": "绩效指标", "text": "内容",
}
