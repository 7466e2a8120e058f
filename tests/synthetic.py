"""Deterministic synthetic 部门预算绩效文本 in the ``data/<year>/<code>.yaml`` format.

For scale tests, benchmarks and search-recall fixtures. The texts are composed
from vocabulary like the reference document's (data/2023/230001.yaml) so that
search ranking is genuinely exercised: several units are 信访局, many texts share
words with the reference (群众, 来访, 中心, 安保, 值班, 准确率, 满意度...), but no
synthetic text contains the reference's distinctive strings (see ``FORBIDDEN``).

* Unit ``index`` -> code ``300001 + index`` and a fixed unit name, the same in
  every year and for every seed, so one unit appears in several years.
* Texts, projects and numbers come from ``random.Random(f"{seed}-{year}-{index}")``:
  the same arguments always give the same dict and byte-identical files.

Usage::

    python tests/synthetic.py OUT_DIR --units 200 --years 2022 2023 [--seed 0] \\
        [--with-reference data/2023/230001.yaml]

Never point it at the project's ``data/`` folder; that is refused.
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

FIRST_CODE = 300001
PROJECT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Distinctive strings of the reference document that no synthetic text may contain.
FORBIDDEN = ("常年驻京值班工作队值班费", "群众工作中心安保费", "博野县信访局", "驻京", "博野")

# Counties of 保定 (not 博野) with their administrative division codes, used as project code prefixes.
COUNTIES: tuple[tuple[str, str], ...] = (
    ("安新县", "130632"), ("清苑区", "130608"), ("蠡县", "130635"), ("高阳县", "130628"),
    ("唐县", "130627"), ("望都县", "130631"), ("顺平县", "130636"), ("涞源县", "130630"),
    ("易县", "130633"), ("阜平县", "130624"), ("曲阳县", "130634"), ("定兴县", "130626"),
    ("容城县", "130629"), ("雄县", "130638"), ("涿州市", "130681"), ("涞水县", "130623"),
    ("安国市", "130683"), ("高碑店市", "130684"), ("满城区", "130607"), ("徐水区", "130609"),
)

# department -> (domain of work, department-specific duties, project topics).
# "{area}" is 全县/全区/全市, "{lvl}" is 县/区/市. "委党校" is appended to the county name
# ("安新县委党校"), every other department too ("安新县教育局").
DEPARTMENTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "教育局": ("教育", (
        "统筹管理{area}各级各类教育，负责义务教育均衡发展和教育质量监测评估工作。",
        "负责{area}中小学校舍安全、学生资助和教师队伍建设工作。",
        "负责{area}中小学校园安全和学生营养改善计划的组织实施。",
    ), ("校舍维修", "学生资助", "教师培训", "校园安全防范", "学前教育发展", "学生营养改善计划")),
    "卫生健康局": ("卫生健康", (
        "负责{area}疾病预防控制、基本公共卫生服务和医疗机构监督管理工作。",
        "组织实施免疫规划，做好疫苗接种和重大传染病防治工作。",
        "负责{area}妇幼健康、老龄健康和计划生育家庭扶助工作。",
    ), ("疫苗接种", "基本公共卫生服务", "家庭医生签约服务", "妇幼保健", "卫生监督执法", "村医补助")),
    "民政局": ("民政", (
        "负责{area}城乡最低生活保障、特困人员供养和临时救助工作。",
        "负责养老服务体系建设、社会组织登记管理和殡葬管理工作。",
        "负责{area}儿童福利、未成年人保护和婚姻登记工作。",
    ), ("困难群众救助", "城乡低保", "特困人员供养", "养老服务补贴", "儿童福利", "殡葬改革")),
    "财政局": ("财政", (
        "负责{area}财政预算编制、执行和决算工作，组织实施预算绩效管理。",
        "负责政府采购、国有资产和政府债务管理工作。",
    ), ("预算绩效评价", "财政信息化运维", "政府采购监管", "国有资产清查", "会计监督检查")),
    "人力资源和社会保障局": ("人力资源和社会保障", (
        "负责{area}就业创业、职业技能培训和社会保险工作。",
        "负责劳动保障监察和劳动人事争议调解仲裁工作。",
    ), ("职业技能培训", "就业创业补贴", "劳动保障监察", "社会保险经办", "农民工工资清欠")),
    "自然资源和规划局": ("自然资源和规划", (
        "负责{area}国土空间规划编制和用途管制、耕地保护和不动产登记工作。",
        "负责矿产资源管理和地质灾害防治工作。",
    ), ("国土空间规划编制", "耕地保护", "不动产登记", "地质灾害防治", "土地卫片执法")),
    "生态环境分局": ("生态环境", (
        "负责{area}大气、水、土壤污染防治和生态环境监测工作。",
        "负责生态环境执法检查和突发环境事件应急处置工作。",
    ), ("大气污染防治", "环境监测", "环境执法检查", "水污染防治", "土壤污染防治")),
    "住房和城乡建设局": ("住房和城乡建设", (
        "负责{area}城乡建设、房地产市场监管和建筑工程质量安全监管工作。",
        "负责老旧小区改造、农村危房改造和保障性住房建设工作。",
    ), ("老旧小区改造", "农村危房改造", "建筑工程质量监督", "燃气安全检查", "保障性住房管理")),
    "交通运输局": ("交通运输", (
        "负责{area}公路建设、养护和运输市场监管工作。",
        "负责农村客运、道路运输安全和治理车辆超限超载工作。",
    ), ("农村公路养护", "道路运输安全监管", "公交运营补贴", "桥梁检测", "治理车辆超限超载")),
    "水利局": ("水利", (
        "负责{area}水资源管理、河道治理和农田水利建设工作。",
        "负责防汛抗旱、农村饮水安全和河湖长制工作。",
    ), ("河道治理", "防汛抗旱", "农村饮水安全", "地下水超采治理", "河湖长制")),
    "农业农村局": ("农业农村", (
        "负责{area}粮食生产、农业产业化和农村改革工作。",
        "负责农产品质量安全监管、动物疫病防控和高标准农田建设工作。",
        "负责{area}农村人居环境整治和农业技术推广工作。",
    ), ("高标准农田建设", "动物疫病防控", "农产品质量安全检测", "农业技术推广", "农村人居环境整治")),
    "商务局": ("商务", (
        "负责{area}内外贸易、招商引资和电子商务发展工作。",
        "负责生活必需品市场监测和商贸流通领域安全生产工作。",
    ), ("招商引资", "电子商务进农村", "市场监测", "外贸发展", "消费促进")),
    "文化广电和旅游局": ("文化广电和旅游", (
        "负责{area}公共文化服务体系建设、文化市场监管和文物保护工作。",
        "负责旅游资源开发、广播电视公共服务和群众文化活动组织工作。",
    ), ("群众文化活动", "文物保护", "农村电影放映", "旅游宣传推介", "文化市场执法")),
    "应急管理局": ("应急管理", (
        "负责{area}安全生产综合监督管理和应急救援体系建设工作。",
        "负责自然灾害防治、救灾物资储备和应急值班值守工作。",
    ), ("安全生产检查", "应急救援演练", "救灾物资储备", "应急值班值守", "森林防火")),
    "市场监督管理局": ("市场监督管理", (
        "负责{area}市场主体登记注册、食品药品安全和特种设备安全监管工作。",
        "负责产品质量监督抽查、价格监督检查和知识产权保护工作。",
    ), ("食品安全抽检", "特种设备检验", "计量器具检定", "药品安全监管", "消费者权益保护")),
    "统计局": ("统计", (
        "负责{area}统计调查、统计数据采集和统计分析工作。",
        "组织实施人口普查、经济普查和农业普查等重大国情国力调查。",
    ), ("经济普查", "统计调查", "统计数据质量核查", "人口抽样调查")),
    "医疗保障局": ("医疗保障", (
        "负责{area}城乡居民医疗保险、医疗救助和医保基金监管工作。",
        "负责医药价格和招标采购管理，推进医保支付方式改革。",
    ), ("医保基金监管", "医疗救助", "医保经办服务", "城乡居民医保征缴")),
    "林业局": ("林业", (
        "负责{area}植树造林、森林资源保护和林业有害生物防治工作。",
        "负责森林防火和野生动植物保护工作。",
    ), ("森林防火", "植树造林", "林业有害生物防治", "古树名木保护", "护林员补助")),
    "信访局": ("信访", (
        "办理人民群众来信来访，受理网上信访事项，推动信访问题依法及时就地解决。",
        "负责{area}信访形势分析研判，提出改进和加强信访工作的意见和建议。",
        "负责{lvl}级领导公开接访和信访积案化解工作。",
        "负责{lvl}群众来访接待中心的日常运行和管理工作。",
        "协调处理跨乡镇、跨部门的重要信访问题，维护社会和谐稳定。",
    ), ("信访值班", "群众来访接待中心运行", "信访积案化解", "网上信访平台运维", "人民建议征集",
        "来访接待安保服务", "群众工作中心运行维护", "进京赴省上访劝返")),
    "司法局": ("司法行政", (
        "负责{area}法治宣传教育、人民调解和社区矫正工作。",
        "负责公共法律服务体系建设和法律援助工作。",
    ), ("法律援助", "人民调解", "社区矫正", "法治宣传教育", "公共法律服务")),
    "审计局": ("审计", (
        "负责{area}财政收支、国有资产和政府投资项目的审计监督工作。",
        "组织实施领导干部经济责任审计和自然资源资产离任审计。",
    ), ("审计项目实施", "经济责任审计", "审计信息化", "政府投资项目审计")),
    "退役军人事务局": ("退役军人事务", (
        "负责{area}退役军人移交安置、就业创业和优抚褒扬工作。",
        "负责烈士纪念设施保护管理和退役军人服务站建设。",
    ), ("优抚对象慰问", "烈士纪念设施维护", "退役军人就业培训", "退役军人服务站运行")),
    "档案馆": ("档案", (
        "负责{area}档案资料的接收、征集、保管和利用工作。",
        "推进档案数字化和档案信息化建设，做好档案安全保护。",
    ), ("档案数字化", "档案征集", "档案库房安全", "地方志编纂")),
    "图书馆": ("公共阅读服务", (
        "负责馆藏文献的采购、编目、保管和借阅服务工作。",
        "组织开展全民阅读推广活动，推进数字图书馆和乡镇分馆建设。",
    ), ("图书采购", "全民阅读推广", "数字图书馆建设", "乡镇分馆运行")),
    "妇女联合会": ("妇女儿童", (
        "团结引导{area}各界妇女，依法维护妇女儿童合法权益。",
        "组织开展巾帼建功、家庭文明建设和妇女创业就业培训活动。",
    ), ("妇女创业就业培训", "家庭文明建设", "妇女儿童权益维护", "困难妇女救助")),
    "共青团委员会": ("共青团", (
        "负责{area}青少年思想政治引领和团员青年教育管理工作。",
        "组织开展青年志愿服务、青少年权益维护和希望工程工作。",
    ), ("青年志愿服务", "希望工程助学", "青少年权益维护", "团员教育培训")),
    "残疾人联合会": ("残疾人", (
        "负责{area}残疾人康复、教育、就业和社会保障工作。",
        "组织实施残疾儿童康复救助和残疾人辅助器具适配。",
    ), ("残疾人康复服务", "残疾儿童康复救助", "残疾人辅助器具适配", "残疾人就业培训")),
    "科学技术协会": ("科学普及", (
        "组织开展{area}科学普及和全民科学素质提升工作。",
        "负责科技工作者服务和学会组织建设工作。",
    ), ("科普宣传", "科技活动周", "农村科普示范", "青少年科技创新")),
    "供销合作社": ("供销合作", (
        "负责{area}供销合作社综合改革和为农服务体系建设。",
        "负责农资供应、农产品流通和社有资产管理工作。",
    ), ("为农服务中心建设", "农资储备", "社有资产管理", "农产品流通")),
    "融媒体中心": ("新闻宣传", (
        "负责{area}新闻宣传、广播电视节目制作播出和新媒体平台运营工作。",
        "负责应急广播系统运行维护和舆情信息收集报送工作。",
    ), ("新闻采编播出", "应急广播运维", "新媒体平台运营", "广播电视设备更新")),
    "政务服务管理局": ("政务服务", (
        "负责{area}政务服务中心的运行管理，推进政务服务事项集中办理。",
        "负责12345政务服务便民热线受理、转办和群众诉求办理工作。",
    ), ("政务服务中心运行", "便民热线运行", "政务服务大厅安保保洁", "一网通办平台运维")),
    "行政审批局": ("行政审批", (
        "负责{area}行政许可事项的集中审批和证照发放工作。",
        "推进审批服务标准化、便利化，持续优化营商环境。",
    ), ("审批服务大厅运行", "证照打印", "踏勘核查", "审批档案整理")),
    "机关事务服务中心": ("机关事务", (
        "负责{lvl}直机关办公用房、公务用车和公共机构节能管理工作。",
        "负责机关办公区的安保、保洁、绿化和后勤保障服务工作。",
    ), ("办公区安保", "机关食堂运行", "办公楼维修", "公共机构节能", "公务用车运行维护")),
    "委党校": ("干部教育培训", (
        "负责{area}党员领导干部和公务员的教育培训工作。",
        "开展党的理论研究和决策咨询服务工作。",
    ), ("干部教育培训", "主体班次培训", "教学科研", "图书资料购置")),
    "公安局": ("公安", (
        "负责{area}社会治安管理、刑事案件侦破和道路交通安全管理工作。",
        "负责户籍管理、出入境管理和网络安全保卫工作。",
    ), ("社会治安防控", "交通安全管理", "禁毒宣传", "视频监控运维", "辅警保障")),
    "人民法院": ("审判", (
        "依法审理{area}刑事、民事、行政案件，执行生效法律文书。",
        "推进诉源治理和多元化纠纷解决，提升司法服务水平。",
    ), ("审判执行", "诉讼服务中心运行", "司法救助", "人民陪审员")),
    "人民检察院": ("检察", (
        "依法履行法律监督职能，办理{area}审查逮捕和审查起诉案件。",
        "开展公益诉讼检察和未成年人检察工作。",
    ), ("公益诉讼", "检察办案", "司法救助", "未成年人检察")),
    "城市管理综合行政执法局": ("城市管理", (
        "负责{area}市容环境卫生、园林绿化和城市管理综合执法工作。",
        "负责城区生活垃圾清运处理和市政设施维护工作。",
    ), ("环卫保洁", "生活垃圾清运", "园林绿化养护", "市政设施维护", "路灯运维")),
    "粮食和物资储备局": ("粮食和物资储备", (
        "负责{area}地方储备粮和应急物资的收储、轮换和管理工作。",
        "负责粮食流通监督检查和粮食应急保障体系建设。",
    ), ("地方储备粮管理", "粮食质量检测", "应急物资储备", "粮食流通监督检查")),
    "发展和改革局": ("发展改革", (
        "负责{area}国民经济和社会发展规划的拟订和组织实施。",
        "负责重点项目谋划、固定资产投资管理和价格监管工作。",
    ), ("重点项目前期工作", "规划编制", "价格监测", "以工代赈", "能源节约")),
}

# Topics every unit may have besides its own (shares words with the reference: 值班, 安保, 中心...).
GENERIC_TOPICS = (
    "办公设备购置", "信息化运维", "业务培训", "值班值守", "安保服务", "党建工作", "宣传资料印制",
    "档案整理", "临时聘用人员", "办公场所租赁", "专项调研", "服务中心运行",
)

# Units at these positions get these departments, so small samples include them.
FEATURED = ((1, "政务服务管理局"), (4, "信访局"), (9, "机关事务服务中心"), (13, "信访局"),
            (20, "应急管理局"), (27, "信访局"))

SUBUNITS = ("综合服务中心", "信息中心", "事务服务中心", "执法大队", "服务站", "培训中心")


def _unit_pairs() -> list[tuple[int, str]]:
    """(county index, department) for every unit index below len(COUNTIES) * len(DEPARTMENTS)."""
    pairs = [(c, d) for c in range(len(COUNTIES)) for d in DEPARTMENTS]
    random.Random("budget-site-synthetic-units").shuffle(pairs)
    for position, department in FEATURED:
        j = next(j for j in range(position, len(pairs)) if pairs[j][1] == department)
        pairs[position], pairs[j] = pairs[j], pairs[position]
    return pairs


_PAIRS = _unit_pairs()


def unit_code(index: int) -> str:
    code = FIRST_CODE + index
    if index < 0 or code > 999999:
        raise ValueError(f"unit index out of range: {index}")
    return str(code)


def unit_identity(index: int) -> tuple[str, str, str]:
    """(unit name, county, department) for ``index``, independent of year and seed."""
    unit_code(index)
    county_index, department = _PAIRS[index % len(_PAIRS)]
    county = COUNTIES[county_index][0]
    name = county + department
    cycle = index // len(_PAIRS)
    if cycle:
        suffix = SUBUNITS[(cycle - 1) % len(SUBUNITS)]
        rounds = (cycle - 1) // len(SUBUNITS)
        name += suffix + (str(rounds + 1) if rounds else "")
    return name, county, department


# ---------------------------------------------------------------- indicator values

def _pct_high(r: random.Random) -> str:
    return r.choice(("100%", "100%", "≥98%", "≥95%", "≥90%", "≥99%", "大于95%", "100%"))


def _pct_low(r: random.Random) -> str:
    return r.choice(("≤5%", "≤2%", "≤1%", "0"))


def _count(units: Sequence[str], low: int, high: int) -> Callable[[random.Random], str]:
    def value(r: random.Random) -> str:
        return f"≥{r.randint(low, high)}{r.choice(units)}"
    return value


def _fixed(*choices: str) -> Callable[[random.Random], str]:
    def value(r: random.Random) -> str:
        return r.choice(choices)
    return value


def _unit_cost(r: random.Random) -> str:
    return r.choice(("≤{:.1f}元", "≤{:.1f}元/人", "≤{:.1f}元/次")).format(r.randint(5, 300) / 10)


def _budget_cap(r: random.Random) -> str:
    return "≤{total}万元"  # filled with the project total


def _days(r: random.Random) -> str:
    hours = r.choice((2, 4, 8, 12, 24, 48))
    return r.choice((f"≤{r.randint(2, 15)}个工作日", f"{hours} 小时", f"≤{hours}小时"))


def _years(r: random.Random) -> str:
    return f"≥{r.randint(2, 10)}年"


Template = tuple[str, str, Callable[[random.Random], str], tuple[str, ...]]

# level1 -> level2 -> templates (level3, description, value, basis choices). "{topic}", "{domain}" are filled in.
INDICATORS: dict[str, dict[str, tuple[Template, ...]]] = {
    "产出指标": {
        "数量指标": (
            ("{topic}覆盖率", "{topic}覆盖范围", _pct_high, ("工作计划", "年度工作方案")),
            ("完成{topic}任务数", "全年完成{topic}任务数量", _count(("项", "批次", "处"), 3, 60),
             ("年度工作计划", "上级下达任务")),
            ("服务人次", "全年服务群众人次", _count(("人次",), 200, 20000), ("上年度实际完成情况", "历年数据")),
            ("在岗人员出勤率", "在岗人员出勤率", _pct_high, ("单位日常工作要求", "考勤制度")),
            ("开展检查次数", "开展{topic}检查次数", _count(("次",), 4, 48), ("工作方案", "检查计划")),
            ("培训人数", "组织开展业务培训人数", _count(("人", "人次"), 20, 800), ("培训计划",)),
            ("资料整理数量", "整理归档资料数量", _count(("万页", "卷", "件"), 2, 40), ("工作计划", "档案管理规定")),
            ("设备正常运行数量", "保障设备正常运行台数", _count(("台", "套"), 5, 200), ("设备台账",)),
            ("工作日保障单位运转", "工作日保障单位正常运转", _fixed("8 小时", "8小时", "全年"),
             ("单位日常工作要求",)),
            ("补助发放人数", "按政策发放补助对象人数", _count(("人", "户"), 30, 5000), ("政策文件", "花名册")),
            ("值班天数", "全年值班值守天数", _fixed("365天", "≥250天", "全年"), ("值班制度", "值班安排")),
        ),
        "质量指标": (
            ("经费支出准确率", "经费支出准确率", _fixed("100%"), ("发放准确率", "财务制度")),
            ("业务工作完成率", "业务工作完成率", _pct_high, ("完成工作情况", "年度考核")),
            ("{topic}合格率", "{topic}验收合格率", _pct_high, ("行业标准", "验收规范")),
            ("数据准确率", "上报数据准确率", _pct_high, ("统计制度", "数据质量要求")),
            ("资金使用合规率", "资金使用符合财务制度规定", _fixed("100%"), ("财务管理制度",)),
            ("问题整改率", "检查发现问题整改完成率", _pct_high, ("整改方案",)),
            ("事项办结率", "受理事项按期办结率", _pct_high, ("工作制度", "办理时限规定")),
            ("差错率", "业务办理差错率", _pct_low, ("质量管理要求",)),
        ),
        "时效指标": (
            ("按时间进度要求支付", "月度时序", _fixed("按时发放", "按时支付"), ("发放期限", "资金支出计划")),
            ("按照时间节点完成工作", "各项绩效目标均按照时间节点完成", _fixed("100%", "按时完成"),
             ("按时间节点完成",)),
            ("{topic}完成时间", "{topic}任务完成时限", _fixed("12月底前", "年底前完成", "10月底前"),
             ("年度工作计划",)),
            ("资金拨付及时率", "资金拨付及时率", _fixed("100%", "≥95%"), ("资金管理办法",)),
            ("问题处置时限", "发现问题处置时限", _days, ("工作制度", "应急预案")),
            ("响应时间", "接到任务后响应时间", _days, ("应急预案", "服务承诺")),
        ),
        "成本指标": (
            ("各项经费成本", "各项经费成本", _fixed("标准", "控制在预算内"), ("核定数", "预算批复")),
            ("完成工作需要的资金", "完成工作需要的资金", _budget_cap, ("按实际支出数", "预算批复")),
            ("{topic}单位成本", "{topic}单位成本", _unit_cost, ("市场询价", "支出标准")),
            ("人均成本", "人均培训或服务成本", _unit_cost, ("培训费管理办法", "支出标准")),
            ("预算控制数", "项目支出不超过预算", _budget_cap, ("预算批复",)),
        ),
    },
    "效益指标": {
        "经济效益指标": (
            ("业务保障经济提升情况", "业务保障经济提升的情况", _fixed("100%", "有所提升"), ("开展业务情况",)),
            ("节约行政成本", "通过规范管理节约行政运行成本", _fixed("有效节约", "≥3%"), ("财务核算",)),
            ("带动相关产业发展", "{topic}带动相关产业发展", _fixed("明显提升", "有所带动"), ("行业统计",)),
            ("正常办公保障情况良好", "良好办公条件", _fixed("办公条件", "良好"), ("保障办公条件",)),
            ("资金使用效益", "提高财政资金使用效益", _fixed("明显提高", "有效提高"), ("绩效评价结果",)),
        ),
        "社会效益指标": (
            ("公共服务水平提升情况", "保障相关业务、工作等开展情况", _fixed("水平提升", "明显提升"),
             ("社会稳定", "工作开展情况")),
            ("尽职尽责率", "工作人员尽职尽责", _pct_high, ("保障工作人员正常",)),
            ("群众知晓率", "{topic}政策群众知晓率", _pct_high, ("问卷调查",)),
            ("{topic}社会效果", "{topic}社会效果", _fixed("显著", "良好"), ("社会反映",)),
            ("服务群众能力", "提升服务群众能力和水平", _fixed("有效提升", "逐步提高"), ("工作开展情况",)),
            ("{domain}工作水平", "{domain}工作规范化水平", _fixed("有效提升", "水平提升"), ("年度考核",)),
        ),
        "生态效益指标": (
            ("生态环境改善", "{topic}对生态环境的改善作用", _fixed("有所改善", "明显改善"), ("环境监测数据",)),
            ("节能降耗", "办公能耗同比下降", _fixed("≥2%", "≥1%", "有所下降"), ("能耗统计",)),
            ("无纸化办公", "推行无纸化办公比例", _fixed("≥80%", "≥60%"), ("办公管理制度",)),
            ("环境污染事件", "因项目实施引发环境污染事件", _fixed("0起", "无"), ("环保要求",)),
        ),
        "可持续影响指标": (
            ("维护社会稳定", "保障业务工作顺利进行", _fixed("社会稳定", "持续"), ("尽职尽责", "是否持续")),
            ("长效管理机制", "建立{topic}长效管理机制", _fixed("健全", "逐步完善"), ("管理制度",)),
            ("持续发挥作用年限", "项目持续发挥作用年限", _years, ("设计使用年限",)),
            ("工作持续开展", "保障{domain}工作持续稳定开展", _fixed("持续", "长期"), ("是否持续",)),
        ),
    },
    "满意度指标": {
        "服务对象满意度指标": (
            ("人民群众满意度", "人民群众满意度", _fixed("100%", "≥95%", "≥90%"), ("满意度", "是否满意")),
            ("服务对象满意度", "服务对象对{topic}的满意度", _pct_high, ("问卷调查", "满意度调查")),
            ("受益群众满意度", "受益群众满意度", _fixed("≥95%", "≥90%", "≥85%"), ("满意度调查",)),
            ("干部职工满意度", "干部职工对保障工作的满意度", _fixed("≥95%", "100%"), ("内部测评",)),
            ("社会公众满意度", "社会公众对{domain}工作的满意度", _fixed("≥90%", "≥85%"), ("第三方评价",)),
        ),
    },
}
_CATEGORIES = [(l1, l2) for l1, group in INDICATORS.items() for l2 in group]
_REQUIRED = {("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
             ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")}
_PERCENT_VALUES = {_pct_high}

# ---------------------------------------------------------------- unit texts

GENERIC_GOALS = (
    "贯彻落实党中央、国务院和省、市关于{domain}工作的决策部署，拟订{area}{domain}工作规划和年度计划并组织实施。",
    "负责{area}{domain}工作的监督检查和考核评价，督促各乡镇和有关部门落实工作责任。",
    "负责本单位预算编制、财务管理和国有资产管理工作，保障单位正常运转。",
    "负责{area}{domain}领域统计分析、信息化建设和政务公开工作。",
    "负责{domain}领域安全生产和应急处置工作，防范化解重大风险。",
    "加强干部队伍建设，组织开展业务培训，提升干部职工履职能力。",
    "负责{domain}相关政策的宣传解读，及时回应群众关切。",
)
LAST_GOAL = ("完成{lvl}委、{lvl}政府交办的其他任务。", "完成{lvl}委、{lvl}政府和上级主管部门交办的其他任务。")

ITEMISED = (
    ("保障单位正常运转", "保障单位正常运转，干部职工正常工作、生活。",
     "按照工作要求，按时上下班，工作日保障单位正常运转。"),
    ("按时足额发放工资、补贴", "按时足额发放工资、补贴", "根据发放期限按时间进度及时足额发放。"),
    ("经费支出准确", "经费支出准确", "按照标准，确保经费支出准确无误，经费支出准确率达到 100%。"),
    ("提高群众满意度", "提高服务对象和人民群众满意度", "群众满意度达到 {pct}%以上。"),
    ("完成{domain}重点工作任务", "全面完成年度{domain}重点工作任务", "重点工作任务完成率 100%。"),
    ("加强预算绩效管理", "预算执行进度符合要求，绩效目标按期实现", "项目绩效目标完成率不低于 {pct}%。"),
    ("提升{domain}服务水平", "提升{domain}服务质量和效率", "服务事项按期办结率不低于 {pct}%。"),
    ("规范资产管理", "国有资产管理规范，账实相符", "资产账实相符率 100%。"),
    ("严控一般性支出", "严控一般性支出，“三公”经费只减不增", "“三公”经费支出不超过年初预算。"),
    ("做好{topic}工作", "按计划完成{topic}工作", "{topic}任务完成率达到 100%。"),
)
ITEMISED_PETITION = (
    ("来访群众接待办理", "依法及时办理群众来信来访事项", "信访事项按期办结率不低于 {pct}%。"),
    ("做好信访值班工作", "落实信访值班制度，及时处置来访事项", "值班期间来访接待登记准确率 100%。"),
)

MEASURES = (
    ("完善制度建设", ("健全内部管理制度，加强财务管理，完善财务制度，做到财务工作长计划、短安排，"
                      "使财务工作规范化、制度化。",
                      "结合{unit}实际，修订完善财务、资产、采购等内部管理制度，用制度管人、管事、管钱。")),
    ("加强支出管理", ("每月对各类票据进行清理核对，重点检查发票要素是否齐全、审批手续是否完备，做到手续不完善不报销。",
                      "严格执行支出审批程序，经费支出做到有依据、有审批、有记录，确保账实相符。")),
    ("加强绩效运行监控", ("通过绩效监控信息，深入分析预算执行进度和绩效目标实现程度，对全年绩效目标完成情况进行预计。",
                          "按季度开展绩效运行监控，发现偏差及时纠正，确保绩效目标如期实现。")),
    ("做好绩效自评", ("按要求开展上年度绩效自评和重点评价工作，对于评价中的问题及时做出整改，提高资金使用效益。",
                      "认真开展项目绩效自评，将评价结果作为下年度预算安排的重要依据。")),
    ("规范资产管理", ("建立健全固定资产管理制度，定期清查盘点，做到账实相符、账卡相符。",
                      "加强资产配置、使用和处置管理，防止国有资产流失。")),
    ("加强内部监督", ("按照工作要求，严格执行有关财务制度，自觉加强业务知识学习，主动接受审计和财政监督。",
                      "建立内部审计和监督检查机制，定期检查经费使用情况。")),
    ("加强宣传培训", ("加强政策宣传和业务培训，提高干部职工的预算绩效管理意识和业务能力。",
                      "组织财务人员参加业务培训，不断提升财务管理水平。")),
    ("强化预算执行", ("按照资金支出计划推进预算执行，加快支出进度，提高预算执行率。",
                      "细化用款计划，按时间进度拨付资金，避免资金沉淀。")),
    ("严格政府采购管理", ("严格执行政府采购制度，做到应采尽采、规范透明。",)),
    ("推进信息公开", ("按规定公开部门预算和绩效目标，主动接受社会监督。",)),
    ("加强组织领导", ("成立由主要负责同志任组长的工作领导小组，明确职责分工，确保各项工作落到实处。",
                      "单位主要负责人对预算绩效管理负总责，分管负责人具体抓落实。")),
    ("落实{domain}工作责任", ("将{domain}各项工作任务分解到股室和个人，定期调度，确保按时完成。",)),
)

PROJECT_NAME_FORMS = ("{topic}经费", "{topic}专项资金", "{topic}工作经费", "{topic}经费", "{topic}补助资金",
                      "{topic}项目")
FUND_ITEMS = ("办公费、印刷费", "劳务费、委托业务费", "材料费、维修费", "差旅费、培训费", "设备购置费",
              "补助发放", "专用材料费", "物业管理费、安保费")
TARGET_PARTS = (
    "按计划完成{topic}工作任务", "保障{domain}工作正常开展", "资金支出准确率达到100%",
    "提高服务对象满意度", "确保{topic}资金及时足额拨付到位", "进一步提升{topic}工作质量和效率",
    "全年不发生重大安全责任事故", "做好值班值守和应急保障工作",
)
PERIODS = ("3月底", "6月底", "10月底", "12月底")


def _context(county: str, department: str) -> dict[str, str]:
    level = county[-1]  # 县, 区 or 市
    return {"area": "全" + level, "lvl": level, "domain": DEPARTMENTS[department][0]}


def generate_unit(year: int, index: int, seed: int = 0) -> dict:
    """One unit's document for ``year`` as plain data (money as Decimal) matching the schema."""
    r = random.Random(f"{seed}-{year}-{index}")
    code = unit_code(index)
    name, county, department = unit_identity(index)
    context = _context(county, department)
    domain, duties, own_topics = DEPARTMENTS[department]

    def fill(text: str, **extra: str) -> str:
        return text.format(**context, unit=name, **extra)

    topics = list(own_topics)
    r.shuffle(topics)
    extra = list(GENERIC_TOPICS)
    r.shuffle(extra)
    topics += extra

    document: dict[str, Any] = {
        "year": year,
        "unit": {"code": code, "name": name},
        "prepared_by": name,
        "reviewed_by": county + "财政局",
    }
    if r.random() < 0.3:
        document["disclosure"] = _disclosure(r, year, code, name)
    document["overall_goals"] = _overall_goals(r, duties, fill)
    document["itemised_goals"] = _itemised_goals(r, department, topics[0], fill)
    document["measures"] = [
        {"title": fill(title), "text": fill(r.choice(texts))}
        for title, texts in r.sample(MEASURES, r.randint(3, 8))
    ]
    county_code = dict(COUNTIES)[county]
    count = r.choices(range(1, 9), weights=(10, 22, 20, 15, 12, 9, 7, 5))[0]
    document["projects"] = [
        _project(r, year, code, name, county_code, number, topic, fill)
        for number, topic in enumerate(topics[:count], start=1)
    ]
    return document


def _disclosure(r: random.Random, year: int, code: str, name: str) -> dict[str, str]:
    month, day = r.randint(1, 3), r.randint(1, 28)
    published = min(day + r.randint(0, 10), 28)
    return {
        "index_number": f"{code}/{year}-{r.randint(1, 999):05d}",
        "publisher": name,
        "written_date": f"{year}-{month:02d}-{day:02d}",
        "published_date": f"{year}-{month:02d}-{published:02d}",
        "topic": r.choice(("财政预算决算", "预算绩效", "财政信息")),
    }


def _overall_goals(r: random.Random, duties: Sequence[str], fill: Callable[..., str]) -> list[str]:
    total = r.randint(3, 9)
    own = r.sample(duties, min(len(duties), r.randint(2, total)))
    with_last = r.random() < 0.7
    generic = r.sample(GENERIC_GOALS, max(0, min(len(GENERIC_GOALS), total - len(own) - with_last)))
    goals = [fill(text) for text in own + generic]
    if with_last or len(goals) < 3:
        goals.append(fill(r.choice(LAST_GOAL)))
    return goals


def _itemised_goals(r: random.Random, department: str, topic: str, fill: Callable[..., str]) -> list[dict[str, str]]:
    pool = list(ITEMISED) + (list(ITEMISED_PETITION) if department == "信访局" else [])
    chosen = r.sample(pool, r.randint(2, 6))
    goals = []
    for title, goal, indicator in chosen:
        pct = str(r.choice((85, 90, 95, 98)))
        goals.append({"title": fill(title, topic=topic), "goal": fill(goal, topic=topic),
                      "indicator": fill(indicator, topic=topic, pct=pct)})
    return goals


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _budget(r: random.Random) -> dict[str, Decimal | None]:
    if r.random() < 0.3:
        total = r.choice((1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 45, 50, 60, 80, 100, 120, 200)) * 100
    else:
        total = int(10 ** r.uniform(2, 6))  # 1.00 .. 10000.00 万元
    if r.random() < 0.25 and total >= 2:
        other = max(1, min(total - 1, round(total * r.uniform(0.05, 0.6))))
        return {"total": _money(total), "fiscal": _money(total - other), "other": _money(other)}
    return {"total": _money(total), "fiscal": _money(total), "other": None}


def _spending_plan(r: random.Random) -> list[dict[str, Any]]:
    style = r.random()
    if style < 0.2:
        shares = [25, 25, 25, 25]
    elif style < 0.3:
        shares = r.choice(([30, 30, 30, 10], [10, 20, 30, 40], [40, 30, 20, 10], [20, 30, 30, 20]))
    else:
        step = 5 if style < 0.9 else 1
        cuts = sorted(r.sample(range(step, 100, step), 3))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [{"period": period, "share": share} for period, share in zip(PERIODS, shares, strict=True)]


def _indicators(r: random.Random, topic: str, total: Decimal, fill: Callable[..., str]) -> list[dict[str, str]]:
    wanted = r.randint(6, 20)
    chosen = [c for c in _CATEGORIES if c in _REQUIRED or r.random() < 0.5]
    counts = dict.fromkeys(chosen, 1)
    capacity = {c: len(INDICATORS[c[0]][c[1]]) for c in chosen}
    weights = [3 if c[0] == "产出指标" else 1 for c in chosen]
    while sum(counts.values()) < wanted:
        open_ = [(c, w) for c, w in zip(chosen, weights, strict=True) if counts[c] < capacity[c]]
        if not open_:
            break
        category = r.choices([c for c, _ in open_], weights=[w for _, w in open_])[0]
        counts[category] += 1
    rows = []
    for level1, level2 in chosen:  # _CATEGORIES order: rows grouped by level1, then level2
        for level3, description, value, bases in r.sample(INDICATORS[level1][level2], counts[(level1, level2)]):
            text = value(r)
            if value in _PERCENT_VALUES and r.random() < 0.02:
                text = "%"  # the reference's unfilled value
            rows.append({"level1": level1, "level2": level2, "level3": fill(level3, topic=topic),
                         "description": fill(description, topic=topic),
                         "value": text.format(total=f"{total:.2f}"), "basis": r.choice(bases)})
    return rows


def _project(r: random.Random, year: int, code: str, name: str, county_code: str, number: int, topic: str,
             fill: Callable[..., str]) -> dict[str, Any]:
    title = r.choice(PROJECT_NAME_FORMS).format(topic=topic)
    budget = _budget(r)
    # Like the reference's "...52" and "...6M": a digit, then a digit or a letter. Never two letters in a row,
    # so a Latin query such as "qxzvw" cannot match a code by chance.
    suffix = r.choice("0123456789") + r.choice("0123456789" * 3 + "ABCDEFGHJKLMNPQRSTUVWXYZ")
    use = r.random()
    if use < 0.3:
        use_of_funds = title
    elif use < 0.6:
        use_of_funds = f"用于{topic}相关支出"
    else:
        use_of_funds = f"用于{topic}的{r.choice(FUND_ITEMS)}等支出"
    if r.random() < 0.1:
        target = "1.目标内容 1"  # the reference's placeholder
    else:
        parts = r.sample(TARGET_PARTS, r.randint(1, 3))
        target = "；".join(f"{i}.{fill(p, topic=topic)}" for i, p in enumerate(parts, start=1)) + "。"
    return {
        "code": f"{county_code}{year % 100:02d}P{code}{number:03d}{suffix}",
        "name": title,
        "unit_line": f"{code} {name}本级",
        "money_unit": "万元",
        "budget": budget,
        "use_of_funds": use_of_funds,
        "spending_plan": _spending_plan(r),
        "target": target,
        "indicators": _indicators(r, topic, budget["total"], fill),
    }


# ---------------------------------------------------------------- YAML output

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper (libyaml when available) with two-decimal money, quoted codes and flow rows."""


class _Quoted(str):
    pass


class _Flow(dict):
    pass


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", f"{v:.2f}"))
_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def _for_yaml(document: dict) -> dict:
    """Codes double-quoted like the reference; spending plan and indicator rows one per line."""
    out = dict(document)
    out["unit"] = {**document["unit"], "code": _Quoted(document["unit"]["code"])}
    out["projects"] = [
        {**p, "code": _Quoted(p["code"]),
         "spending_plan": [_Flow(s) for s in p["spending_plan"]],
         "indicators": [_Flow(i) for i in p["indicators"]]}
        for p in document["projects"]
    ]
    return out


_WIDTH = 1_000_000  # one line per value, as in the reference


def _header(document: dict) -> str:
    return (f"# {document['unit']['name']} {document['year']}年部门预算绩效文本\n"
            "# 合成数据（tests/synthetic.py 生成），仅用于测试，不是真实公开文本。\n")


def dump_unit_pyyaml(document: dict) -> str:
    """The YAML text of ``document`` through PyYAML alone: the definition ``dump_unit`` must match."""
    return _header(document) + yaml.dump(_for_yaml(document), Dumper=_Dumper, allow_unicode=True,
                                         sort_keys=False, width=_WIDTH)


@functools.lru_cache(maxsize=1 << 16)
def _block(text: str) -> str:
    """``text`` as PyYAML writes it as a block value (plain or quoted)."""
    return yaml.dump({"k": text}, Dumper=_Dumper, allow_unicode=True, width=_WIDTH)[3:-1]


@functools.lru_cache(maxsize=1 << 16)
def _flow(text: str) -> str:
    """``text`` as PyYAML writes it inside a flow collection."""
    return yaml.dump([text], Dumper=_Dumper, allow_unicode=True, width=_WIDTH, default_flow_style=True)[1:-2]


def _flow_row(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" if isinstance(v, int) else f"{k}: {_flow(v)}" for k, v in row.items()) + "}"


def _money_text(value: Decimal | None) -> str:
    return "null" if value is None else f"{value:.2f}"


def dump_unit(document: dict) -> str:
    """The YAML text of one generated unit, byte for byte what ``dump_unit_pyyaml`` writes, but about ten
    times faster: the document's shape is fixed, so only the quoting of each text is left to PyYAML (cached)."""
    unit = document["unit"]
    out = [_header(document), f"year: {document['year']}\nunit:\n  code: \"{unit['code']}\"\n",
           f"  name: {_block(unit['name'])}\nprepared_by: {_block(document['prepared_by'])}\n",
           f"reviewed_by: {_block(document['reviewed_by'])}\n"]
    if "disclosure" in document:
        out.append("disclosure:\n")
        out += [f"  {key}: {_block(value)}\n" for key, value in document["disclosure"].items()]
    out.append("overall_goals:\n")
    out += [f"- {_block(goal)}\n" for goal in document["overall_goals"]]
    out.append("itemised_goals:\n")
    out += [f"- title: {_block(g['title'])}\n  goal: {_block(g['goal'])}\n  indicator: {_block(g['indicator'])}\n"
            for g in document["itemised_goals"]]
    out.append("measures:\n")
    out += [f"- title: {_block(m['title'])}\n  text: {_block(m['text'])}\n" for m in document["measures"]]
    out.append("projects:\n")
    for p in document["projects"]:
        budget = p["budget"]
        out.append(f"- code: \"{p['code']}\"\n  name: {_block(p['name'])}\n  unit_line: {_block(p['unit_line'])}\n"
                   f"  money_unit: {_block(p['money_unit'])}\n  budget:\n"
                   f"    total: {_money_text(budget['total'])}\n    fiscal: {_money_text(budget['fiscal'])}\n"
                   f"    other: {_money_text(budget['other'])}\n  use_of_funds: {_block(p['use_of_funds'])}\n"
                   "  spending_plan:\n")
        out += [f"  - {_flow_row(s)}\n" for s in p["spending_plan"]]
        out.append(f"  target: {_block(p['target'])}\n  indicators:\n")
        out += [f"  - {_flow_row(i)}\n" for i in p["indicators"]]
    return "".join(out)


def _refuse_project_data(target_dir: Path) -> None:
    target, data = target_dir.resolve(), PROJECT_DATA_DIR.resolve()
    if target == data or data in target.parents:
        raise ValueError(f"refusing to write synthetic data into {data}")


def write_units(target_dir: Path, years: Sequence[int], units: int, seed: int = 0,
                reference: Path | None = None) -> list[Path]:
    """Write target_dir/<year>/<code>.yaml for `units` units per year. If `reference` is given (a YAML file
    such as data/2023/230001.yaml), copy it into its year folder too (only for the years whose number matches
    the file's year)."""
    target_dir = Path(target_dir)
    _refuse_project_data(target_dir)
    reference_year = None
    if reference is not None:
        reference = Path(reference)
        reference_year = yaml.safe_load(reference.read_text("utf-8"))["year"]
    written = []
    for year in years:
        folder = target_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(units):
            path = folder / f"{unit_code(index)}.yaml"
            path.write_text(dump_unit(generate_unit(year, index, seed)), encoding="utf-8")
            written.append(path)
        if reference is not None and reference_year == year:
            path = folder / reference.name
            shutil.copyfile(reference, path)
            written.append(path)
    return written


def synthetic_regions(count: int) -> list[dict[str, str]]:
    """``count`` regions for ``data/regions.yaml``: a province, a city for every ten
    regions, the rest counties spread over the cities."""
    regions = [{"code": "130000", "name": "合成省", "level": "省"}]
    cities = max(1, min(count - 1, count // 10))
    regions += [{"code": f"13{c + 1:02d}00", "name": f"合成{c + 1}市", "level": "市", "parent": "130000"}
                for c in range(cities)]
    for k in range(count - 1 - cities):
        city = k % cities + 1
        regions.append({"code": f"13{city:02d}{k // cities + 1:02d}", "name": f"合成{city}市{k // cities + 1}县",
                        "level": "县", "parent": f"13{city:02d}00"})
    return regions[:count]


def write_regional_units(target_dir: Path, years: Sequence[int], regions: int, units: int | Sequence[int],
                         seed: int = 0) -> list[Path]:
    """A city or province platform: ``data/regions.yaml`` with ``regions`` regions and
    ``units`` units in each (or the number for each region, in order) under
    ``<year>/<region code>/``. Unit codes repeat between regions, as they do in life;
    the texts differ (each region's units are further synthetic units)."""
    target_dir = Path(target_dir)
    _refuse_project_data(target_dir)
    listed = synthetic_regions(regions)
    counts = [units] * len(listed) if isinstance(units, int) else list(units)
    target_dir.mkdir(parents=True, exist_ok=True)
    lines = [", ".join(f'{key}: "{value}"' for key, value in region.items()) for region in listed]
    (target_dir / "regions.yaml").write_text("".join(f"- {{{line}}}\n" for line in lines), encoding="utf-8")
    written = []
    for year in years:
        offset = 0
        for region, count in zip(listed, counts, strict=True):
            folder = target_dir / str(year) / region["code"]
            folder.mkdir(parents=True, exist_ok=True)
            for index in range(count):
                document = generate_unit(year, offset + index, seed)
                document["unit"]["code"] = unit_code(index)
                path = folder / f"{unit_code(index)}.yaml"
                path.write_text(dump_unit(document), encoding="utf-8")
                written.append(path)
            offset += count
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic 部门预算绩效文本 YAML files.")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--units", type=int, required=True, help="units per year")
    parser.add_argument("--years", type=int, nargs="+", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--with-reference", type=Path, default=None, metavar="YAML",
                        help="also copy this real document into its year folder")
    args = parser.parse_args(argv)
    if args.units < 0:
        parser.error("--units must not be negative")
    try:
        start = time.perf_counter()
        paths = write_units(args.out_dir, args.years, args.units, args.seed, args.with_reference)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} files to {args.out_dir} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
