"""The fixed words of the 绩效目标表: row labels, header cells and indicator level names.

The form is the same in every county (财政部's 项目绩效目标表), so its words
identify rows and columns, and recognise a label cut in two by a page break.
"""

from __future__ import annotations

ROW_KINDS = {
    "项目编码": "code",
    "预算规模及资金用途": "budget", "预算规模": "budget",
    "资金用途": "use",
    "资金支出计划（%）": "plan", "资金支出计划（％）": "plan", "资金支出计划": "plan",
    "绩效目标": "target", "年度绩效目标": "target",
    "一级指标": "indicator_header",
    "": "continued",
}
CODE_LABELS = {"项目编码": "code", "项目名称": "name"}
BUDGET_LABELS = {
    "预算规模及资金用途": "heading", "预算规模": "heading",
    "预算数": "total", "其中：财政资金": "fiscal", "财政资金": "fiscal", "其他资金": "other",
}
INDICATOR_COLUMNS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "level3",
    "绩效指标描述": "description", "指标描述": "description",
    "指标值": "value", "指标值确定依据": "basis",
}
INDICATOR_NAMES = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标",
                    "description": "绩效指标描述", "value": "指标值", "basis": "指标值确定依据"}
# The standard names of indicator levels (财政部 绩效目标表): a piece of one cut by a page break is recognised.
LEVEL_NAMES = {"产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"}
LABELS = {*ROW_KINDS, *CODE_LABELS, *BUDGET_LABELS, *INDICATOR_COLUMNS, "目标内容"} - {""}
