"""Every Chinese word the office reads: column names and aliases, enumerations, messages.

Nothing else in the project spells out a Chinese label or message; code refers to the
English field names below and asks this module for the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CITY_LABEL = "全市"
UNPAIRED_LABEL = "未结对"
DEFAULT_USER = "命令行"

# ---------------------------------------------------------------- kinds of spreadsheet

KIND_LABELS = {"roster": "结对台账", "visits": "走访记录", "issues": "问题台账"}


# ---------------------------------------------------------------- enumerations (SPEC §2)

CATEGORIES = ["孤儿", "事实无人抚养儿童", "困难重度残疾人", "特困人员"]
CATEGORY_ALIASES = {
    "事实孤儿": "事实无人抚养儿童",
    "重度残疾人": "困难重度残疾人",
    "特困供养人员": "特困人员",
    "特困": "特困人员",
}

CONTACT_METHODS = ["入户走访", "电话", "微信", "短信", "视频", "邀请到家", "其他"]
CONTACT_METHOD_ALIASES = {"上门": "入户走访", "入户": "入户走访", "走访": "入户走访", "电话联系": "电话"}
HOME_VISIT_METHODS = ["入户走访", "邀请到家"]

ISSUE_CATEGORIES = ["生活", "学习", "医疗", "就业", "住房", "政策落实", "心理关爱", "其他"]

ISSUE_LEVELS = ["干部本人", "所在单位", "上级部门", "领导小组办公室"]
DEFAULT_ISSUE_LEVEL = "干部本人"

ISSUE_STATUSES = ["待办理", "办理中", "已解决", "无法解决"]
ISSUE_STATUS_ALIASES = {
    "未办理": "待办理",
    "未解决": "待办理",
    "正在办理": "办理中",
    "已办结": "已解决",
    "已完成": "已解决",
    "已解释说明": "无法解决",
}
CLOSED_STATUSES = ["已解决", "无法解决"]

SATISFACTION = ["满意", "基本满意", "不满意"]

CADRE_LEVELS = ["市级领导", "县级领导", "科级干部", "一般干部"]
PAIRING_MODES = ["属地结对", "帮扶县结对", "调配结对"]


# ---------------------------------------------------------------- columns (SPEC §2)


@dataclass(frozen=True)
class Column:
    """One canonical column of an upload kind."""

    field: str  # English name used in code, SQL and the database
    label: str  # canonical Chinese header
    aliases: tuple[str, ...] = ()
    required: bool = False
    rule: str = ""  # one line for the template's note row
    choices: tuple[str, ...] = field(default=())  # enumerated values, for drop-downs


_ID_ALIASES = ("身份证号码", "公民身份号码", "证件号码", "对象身份证号")
_ID_RULE = "18位公民身份号码，请将本列设为“文本”格式，以免Excel改写后几位"
_DATE_RULE = "日期，如 2026-03-05、2026/3/5、2026年3月5日"

ROSTER_COLUMNS = (
    Column("id_number", "身份证号", _ID_ALIASES, True, _ID_RULE),
    Column("name", "姓名", ("对象姓名", "帮扶对象姓名"), True, "帮扶对象姓名"),
    Column(
        "category",
        "对象类别",
        ("类别", "人员类别", "对象类型"),
        True,
        "四类对象之一",
        tuple(CATEGORIES),
    ),
    Column("county", "县区", ("县(区)", "县（市、区）", "所属县区"), True, "对象所在县区"),
    Column(
        "township",
        "乡镇",
        ("乡镇(街道)", "镇(街道)", "乡镇街道", "所属乡镇"),
        True,
        "对象所在乡镇（街道）",
    ),
    Column("village", "村社区", ("村(社区)", "村(居委)", "村/社区"), False, "对象所在村（社区）"),
    Column("phone", "对象电话", ("对象联系电话", "联系电话", "联系方式"), False, "11位手机号"),
    Column("enrolled_on", "纳入日期", ("认定日期",), False, "不填视为一直在册；" + _DATE_RULE),
    Column("exited_on", "退出日期", (), False, "对象退出（成年、死亡、迁出）时填写"),
    Column(
        "cadre_name",
        "结对干部",
        ("帮扶干部", "干部姓名", "结对干部姓名", "帮扶责任人", "帮扶人"),
        False,
        "结对四列同填同空；全空表示尚未结对",
    ),
    Column(
        "cadre_phone",
        "干部电话",
        ("干部联系电话", "干部手机号", "帮扶责任人电话", "帮扶人联系电话"),
        False,
        "干部11位手机号，识别干部的依据",
    ),
    Column(
        "department",
        "干部单位",
        ("帮扶单位", "工作单位", "所在单位", "单位", "帮扶责任人单位"),
        False,
        "干部所在单位",
    ),
    Column("cadre_level", "干部职级", ("职级", "干部级别"), False, "", tuple(CADRE_LEVELS)),
    Column("pairing_mode", "结对方式", (), False, "", tuple(PAIRING_MODES)),
    Column("paired_on", "结对日期", (), False, "结对开始日期"),
    Column("unpaired_on", "解除日期", (), False, "结对解除日期；换人结对时旧行填此列，另起一行"),
)
PAIRING_FIELDS = ("cadre_name", "cadre_phone", "department", "paired_on")

VISITS_COLUMNS = (
    Column("id_number", "身份证号", (*_ID_ALIASES, "对象身份证号码"), True, _ID_RULE),
    Column("contact_date", "走访日期", ("联系日期", "走访时间", "日期"), True, "不得晚于导入当天"),
    Column(
        "method",
        "联系方式",
        ("走访方式", "联系形式", "方式"),
        True,
        "入户走访、电话、微信、短信、视频、邀请到家、其他",
        tuple(CONTACT_METHODS),
    ),
    Column("cadre_name", "走访干部", ("干部姓名",), False, "仅作记录"),
    Column("cadre_phone", "干部电话", (), False, "与结对干部不同时列入数据质量提示"),
    Column("summary", "内容摘要", ("走访内容", "主要内容"), False, ""),
    Column("satisfaction", "满意度", ("群众满意度", "对象评价"), False, "", tuple(SATISFACTION)),
    Column("record_no", "记录编号", ("编号",), False, "可选，用于去重"),
)

ISSUES_COLUMNS = (
    Column("issue_no", "问题编号", ("编号",), False, "有编号时按编号更新，无编号时按对象+日期+类别+描述"),
    Column("id_number", "身份证号", (*_ID_ALIASES, "对象身份证号码"), True, _ID_RULE),
    Column("raised_on", "提出日期", ("发现日期", "登记日期", "登记时间"), True, _DATE_RULE),
    Column(
        "category",
        "问题类别",
        ("困难类别", "诉求类别"),
        True,
        "",
        tuple(ISSUE_CATEGORIES),
    ),
    Column("description", "问题描述", ("困难诉求", "具体问题", "诉求内容", "群众诉求"), True, ""),
    Column("level", "办理层级", ("当前层级", "上报层级"), False, "默认：干部本人", tuple(ISSUE_LEVELS)),
    Column("responsible_unit", "责任单位", (), False, ""),
    Column(
        "status",
        "办理状态",
        ("状态", "办理情况"),
        True,
        "",
        tuple(ISSUE_STATUSES),
    ),
    Column(
        "closed_on",
        "办结日期",
        ("解决日期", "完成日期", "办结时间"),
        False,
        "已解决、无法解决时必填，不得早于提出日期",
    ),
    Column("rating", "群众评价", ("满意度",), False, "", tuple(SATISFACTION)),
)

COLUMNS = {"roster": ROSTER_COLUMNS, "visits": VISITS_COLUMNS, "issues": ISSUES_COLUMNS}


def column_label(kind: str, field_name: str) -> str:
    """The canonical Chinese header of a field."""
    for col in COLUMNS[kind]:
        if col.field == field_name:
            return col.label
    raise KeyError(field_name)


# ---------------------------------------------------------------- import report words

COUNT_LABELS = {
    "read": "读取行数",
    "inserted": "新增",
    "updated": "更新",
    "unchanged": "未变化",
    "duplicate": "重复",
    "rejected": "拒收",
}
ERROR_REASON_COLUMN = "错误原因"
ERROR_SHEET_COLUMN = "工作表"
ERROR_ROW_COLUMN = "行号"
ERROR_COLUMN_COLUMN = "列"


# ---------------------------------------------------------------- messages (rows)

MSG_REQUIRED = "{column}不能为空"
MSG_ID_LENGTH = "身份证号“{value}”位数不对（应为18位，或15位旧号码）"
MSG_ID_CHARS = "身份证号“{value}”含有非法字符"
MSG_ID_CHECK = "身份证号“{value}”校验位错误（按GB 11643应为{expected}），请核对号码"
MSG_ID_ZEROS_HINT = "；号码末尾是000，可能是Excel把号码存成数字时丢失了后几位，请把该列设为“文本”格式后重新填写"
MSG_ID_FLOAT = (
    "身份证号被Excel存成了数字（{value}），后几位已丢失，无法恢复；"
    "请把该列设为“文本”格式（或在号码前加英文单引号）后重新填写"
)
MSG_PHONE = "{column}“{value}”不是11位手机号"
MSG_DATE = "{column}“{value}”不是可识别的日期（可用 2026-03-05、2026/3/5、2026.3.5、2026年3月5日、20260305）"
MSG_DATE_FUTURE = "{column}{value}晚于导入当天（{today}）"
MSG_DATE_ORDER = "{later}（{later_value}）早于{earlier}（{earlier_value}）"
MSG_ENUM = "{column}“{value}”不在允许的取值中，可填：{allowed}"
MSG_PAIRING_PARTIAL = (
    "结对信息不完整：{missing}未填（结对干部、干部电话、干部单位、结对日期须同时填写，或同时留空表示未结对）"
)
MSG_PAIRING_OVERLAP = (
    "与该对象的另一结对（干部电话{other_phone}，{other_start}起）时间重叠：同一对象同一时间只能有一个结对干部"
)
MSG_NOT_IN_ROSTER = "对象不在台账：身份证号{value}未在结对台账中，请先导入结对台账"
MSG_CLOSED_DATE_MISSING = "办理状态为“{status}”时必须填写办结日期"
MSG_CLOSED_DATE_OPEN = "办理状态为“{status}”（未办结）却填写了办结日期{value}"

# ---------------------------------------------------------------- messages (files and sheets)

MSG_FILE_EMPTY = "文件“{file}”是空的"
MSG_FILE_TOO_BIG = "文件“{file}”有{size_mb:.1f}MB，超过上限{cap_mb}MB，请拆分后再导入"
MSG_FILE_TYPE = "文件“{file}”的类型无法识别：请上传 .xlsx、.xlsm、.xls 或 .csv 文件"
MSG_FILE_ENCRYPTED = "文件“{file}”设置了打开密码，请在Excel中取消密码后另存再导入"
MSG_FILE_CORRUPT = "文件“{file}”已损坏或不是有效的Excel文件，无法读取：请在Excel中打开并另存为 .xlsx 后再导入"
MSG_ZIP_BOMB = "文件“{file}”解压后体积异常（{detail}），为保护系统已拒绝读取"
MSG_XML_ENTITY = "文件“{file}”含有不安全的XML实体声明，已拒绝读取"
MSG_SHEET_TOO_BIG = "工作表“{sheet}”的范围达到{rows}行×{cols}列，超过上限（{cap_rows}行），请删除多余的空行或拆分文件"
MSG_TOO_MANY_ROWS = "文件“{file}”超过{cap_rows}行的上限，请拆分后再导入"
MSG_CSV_ENCODING = "文件“{file}”的文字编码无法识别：请另存为“CSV UTF-8”或Excel工作簿"
MSG_NO_SHEET_RECOGNISED = (
    "文件“{file}”中没有找到可识别的表头：前15行内需有至少3个已知列名（如 身份证号、姓名、对象类别、走访日期）"
)
MSG_KIND_MISMATCH = "工作表“{sheet}”看起来不是{kind}（识别为{detected}）"
MSG_MISSING_COLUMNS = "工作表“{sheet}”识别为{kind}，但缺少必填列：{columns}"
MSG_ALL_OR_NOTHING = "有{rejected}行错误，按“有错误则整体不导入”的要求，本文件未导入任何数据"
MSG_DB_BUSY = "数据库正被另一个程序使用（可能是正在进行的导入或看板），已等待{seconds}秒仍未释放，请稍后再试"
MSG_SHEET_SKIPPED = "工作表“{sheet}”没有可识别的表头，已跳过"
MSG_UNKNOWN_COLUMNS = "工作表“{sheet}”中以下列不认识，已忽略：{columns}"
MSG_DUPLICATE_COLUMN = "工作表“{sheet}”中“{header}”与“{first}”是同一列，只读取了前者"

# ---------------------------------------------------------------- app (Streamlit): shared frame

APP_TITLE = "结对关爱督导看板"
NAV_SECTIONS = {"dashboard": "督导看板", "supervise": "督办", "data": "数据"}
PAGE_TITLES = {
    "overview": "全市总览",
    "county": "县区",
    "department": "部门",
    "issues": "问题台账",
    "reminders": "督办提醒",
    "upload": "数据导入",
    "quality": "数据质量",
    "settings": "设置",
}
SIDEBAR_PERIOD = "统计期"
PERIOD_KIND_LABELS = {"month": "月", "quarter": "季", "year": "年", "range": "自定义"}
SIDEBAR_MONTH = "月份"
SIDEBAR_QUARTER = "季度"
SIDEBAR_YEAR = "年度"
SIDEBAR_RANGE = "起止日期"
SIDEBAR_COUNTY = "县区"
SIDEBAR_DEPARTMENT = "单位"
ALL_OPTION = "全部"
SIDEBAR_SCOPE_HELP = "县区与单位同时选择时，只看该县区中由该单位干部结对的对象"
SIDEBAR_RANGE_INCOMPLETE = "请选择开始和结束两个日期"
STATUS_BENEFICIARIES = "在册对象"
STATUS_PAIRINGS = "结对记录"
STATUS_CONTACTS = "联系记录"
STATUS_ISSUES = "问题"
STATUS_LAST_IMPORT = "数据版本：第{batch}批导入，{time}"
STATUS_NO_DATA = (
    "还没有导入任何数据。请先在“数据导入”页上传结对台账、走访记录和问题台账，或运行 make run 生成示范数据。"
)
STATUS_NO_ROWS = "所选统计期和范围内没有数据：可以换一个统计期，或把县区、单位改回“全部”。"
STATUS_PERIOD_CUT = "统计期尚未结束，数字截至{as_of}。"
STATUS_DB_BUSY = "数据库正在导入数据，请稍候几秒再刷新。"
DOWNLOAD_XLSX = "下载Excel"
CHANGE_VS_PREVIOUS = "较上期"
COMPARED_WITH = "{period}，对比上期：{previous}"
PERCENT_POINTS = "个百分点"
NO_VALUE = "—"
CHART_RATE_AXIS = "比率"
OVERVIEW_KPI_HEADER = "核心指标"
OVERVIEW_TREND = "近12个月走势"
OVERVIEW_COUNTY_RANKING = "县区排名"
OVERVIEW_RANKING_METRIC = "排名指标"
OVERVIEW_CATEGORY = "按对象类别"
RAG_BADGE_SUFFIX = "灯"

# ---------------------------------------------------------------- CLI

MSG_BAD_ARGUMENT = "参数错误：{detail}"
MSG_FILE_NOT_FOUND = "找不到文件“{file}”"
MSG_DEMO_DONE = "示范数据已生成：{beneficiaries}名对象，{pairings}条结对，{contacts}条联系记录，{issues}个问题 → {db}"


# ================================================================ metrics engine (periods, metrics, settings)
# Appended section: the words of the metrics tables, the period names and the metrics messages.

# ---------------------------------------------------------------- periods

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
PERIOD_MONTH_LABEL = "{year}年{month}月"
PERIOD_QUARTER_LABEL = "{year}年{quarter_name}"
PERIOD_YEAR_LABEL = "{year}年"
PERIOD_DATE_LABEL = "{year}年{month}月{day}日"
PERIOD_RANGE_LABEL = "{start}至{end}"
PERIOD_CUT_LABEL = "{label}（截至{as_of}）"  # a running period, figures up to today

MSG_PERIOD_INVALID = (
    "期间“{value}”无法识别：可填 2026-10（月）、2026Q3（季度）、2026（年）或 2026-07-01..2026-09-15（日期范围）"
)
MSG_PERIOD_NOT_STARTED = "期间“{value}”尚未开始（今天是{today}），没有可统计的数据"
MSG_PERIOD_ORDER = "日期范围“{value}”的结束日期早于开始日期"
MSG_PERIOD_TOO_LONG = "期间“{value}”跨{months}个月，超过上限{limit}个月，请缩短日期范围"
MSG_MONTH_INVALID = "月份“{value}”无法识别，应为 2026-07 这样的格式"
MSG_MONTH_ORDER = "起始月份{start}晚于结束月份{end}"

# ---------------------------------------------------------------- groupings and metrics (SPEC §5)

GROUPING_LABELS = {
    "overall": "全市",
    "county": "按县区",
    "township": "按乡镇",
    "department": "按单位",
    "cadre": "按干部",
    "cadre_level": "按干部职级",
    "category": "按对象类别",
}
KEY_COLUMN_LABELS = {
    "overall": "范围",
    "county": "县区",
    "township": "乡镇",
    "department": "干部单位",
    "cadre": "结对干部",
    "cadre_phone_masked": "干部电话",
    "cadre_level": "干部职级",
    "category": "对象类别",
}
UNKNOWN_CADRE_LEVEL_LABEL = "职级未填"  # a pairing whose roster row left 干部职级 blank

METRIC_LABELS = {
    "beneficiaries": "在册对象数",
    "paired": "已结对数",
    "pairing_rate": "结对覆盖率",
    "contacted": "已联系数",
    "contact_rate": "联系覆盖率",
    "home_visited": "已入户数",
    "home_visit_rate": "入户覆盖率",
    "contacts": "联系次数",
    "contacts_per_pair_month": "月均联系频次",
    "on_standard": "联系达标数",
    "on_standard_rate": "联系达标率",
    "overdue_contact": "超期未联系数",
    "issues_new": "本期新增问题",
    "issues_total": "累计问题",
    "issues_resolved": "累计已解决",
    "resolution_rate": "问题解决率",
    "issues_closed_in_p": "本期办结",
    "median_days_to_close": "办结天数中位数",
    "issues_overdue": "超期未办结",
    "satisfaction_rate": "群众满意率",
    "score": "综合得分",
}
PREVIOUS_SUFFIX_LABEL = "（上期）"
CHANGE_SUFFIX_LABEL = "（变化）"
TREND_MONTH_LABEL = "月份"

SATISFIED_RATINGS = ["满意", "基本满意"]  # the ratings that count as satisfied in 群众满意率
RESOLVED_STATUS = "已解决"

# ---------------------------------------------------------------- drill-down and 督办 lists

ROW_COLUMN_LABELS = {
    "source": "来源",
    "rated_on": "评价日期",
    "detail": "联系方式或问题类别",
    "is_home_visit": "入户",
    "id_number": "身份证号",
    "beneficiary_name": "姓名",
    "category": "对象类别",
    "county": "县区",
    "township": "乡镇",
    "village": "村社区",
    "department": "干部单位",
    "cadre_name": "结对干部",
    "cadre_phone": "干部电话",
    "cadre_level": "干部职级",
    "paired_on": "结对日期",
    "is_paired": "已结对",
    "contacts": "联系次数",
    "home_visits": "入户次数",
    "is_contacted": "已联系",
    "is_home_visited": "已入户",
    "months_required": "应联系月数",
    "months_contacted": "已联系月数",
    "is_on_standard": "联系达标",
    "is_overdue_contact": "超期未联系",
    "last_contact_on": "最近联系日期",
    "days_since_contact": "距最近联系天数",
    "contact_date": "走访日期",
    "method": "联系方式",
    "visit_cadre_name": "走访干部",
    "rating": "评价",
    "is_satisfied": "满意",
    "summary": "内容摘要",
    "issue_no": "问题编号",
    "raised_on": "提出日期",
    "issue_category": "问题类别",
    "description": "问题描述",
    "issue_level": "办理层级",
    "responsible_unit": "责任单位",
    "status": "办理状态",
    "closed_on": "办结日期",
    "is_new": "本期新增",
    "is_resolved": "已解决",
    "is_closed_in_period": "本期办结",
    "days_to_close": "办结天数",
    "is_overdue": "超期未办结",
    "days_open": "已历天数",
    "days_overdue": "超期天数",
}
ROW_SOURCE_LABELS = {"contact": "联系记录", "issue": "问题台账"}

# ---------------------------------------------------------------- settings (thresholds, weights, RAG bands)

SETTING_LABELS = {
    "overdue_days": "超期天数（联系、问题办理）",
    "weight_pairing_rate": "综合得分权重：结对覆盖率",
    "weight_on_standard_rate": "综合得分权重：联系达标率",
    "weight_home_visit_rate": "综合得分权重：入户覆盖率",
    "weight_resolution_rate": "综合得分权重：问题解决率",
    "weight_satisfaction_rate": "综合得分权重：群众满意率",
    "rag_green": "绿灯下限（比率）",
    "rag_amber": "黄灯下限（比率）",
}
RAG_LABELS = {"green": "绿", "amber": "黄", "red": "红"}
MSG_SETTING_UNKNOWN = "没有名为“{key}”的设置项，可设置：{allowed}"
MSG_SETTING_NOT_NUMBER = "设置项“{label}”的值“{value}”不是数字"
MSG_SETTING_DAYS = "超期天数应为1到365之间的整数，收到{value}"
MSG_SETTING_WEIGHT = "权重“{label}”不能为负数，收到{value}"
MSG_SETTING_WEIGHTS_ZERO = "五项权重不能全为0"
MSG_SETTING_BANDS = "红黄绿分档应满足 0 ≤ 黄灯下限 ≤ 绿灯下限 ≤ 1，收到黄灯{amber}、绿灯{green}"

# ---------------------------------------------------------------- metrics and overdue commands

HELP_PERIOD = "期间：2026-10（月）、2026Q3（季度）、2026（年）或 2026-07-01..2026-09-15；未结束的期间截至今天"
HELP_GROUPING = "分组：{allowed}"
HELP_FORMAT = "输出格式：csv（默认，UTF-8带BOM，Excel、WPS可直接打开）或 json"
HELP_SCOPE = "范围：county=县区名 或 department=单位名（默认：全市）"
HELP_OVERDUE_WHAT = "contacts（超期未联系）或 issues（超期未办结）"
MSG_GROUPING_INVALID = "分组“{value}”无效，可选：{allowed}"
MSG_SCOPE_INVALID = "范围“{value}”无效，应为 county=县区名 或 department=单位名"
MSG_METRIC_INVALID = "指标“{value}”无效，可选：{allowed}"
MSG_DRILL_KEY_INVALID = "分组“{grouping}”的取值应有{count}项（{columns}），收到：{value}"
MSG_OVERDUE_WHAT_INVALID = "--what 应为 contacts（超期未联系）或 issues（超期未办结），收到：{value}"
MSG_FORMAT_INVALID = "--format 应为 csv 或 json，收到：{value}"
MSG_DATE_INVALID = "日期“{value}”无法识别，应为 2026-11-28 这样的格式"
MSG_DB_MISSING = "找不到数据库文件“{db}”：请先导入台账或生成示范数据"
MSG_DB_UNREADABLE = "无法读取数据库“{db}”：{detail}"

# ---------------------------------------------------------------- demo data and blank templates
# (pipeline/demo.py, pipeline/templates.py)

DEMO_USER = "示范数据"
# Title row above the header of each demo ledger, as offices put on theirs.
DEMO_TITLES = {
    "roster": "{region}结对关爱台账（截至{year}年{month}月）",
    "visits": "{region}结对关爱走访记录（截至{year}年{month}月）",
    "issues": "{region}结对关爱问题台账（截至{year}年{month}月）",
}
DEMO_FILE_PART = "{name}（{part}）"  # a ledger split over several files: 走访记录（2）

TEMPLATE_TITLE = "{kind}导入模板"
TEMPLATE_FILENAME = "{kind}导入模板.xlsx"
TEMPLATE_REQUIRED_MARK = "*"
TEMPLATE_NOTE_HEAD = (
    "填写说明：带*的列必须填写；请勿改动表头，从表头下一行起每行填写一条记录；"
    "日期请写成 2026-03-05 的格式；身份证号和电话列已设为文本格式。"
)
TEMPLATE_NOTE_ITEM = "【{label}】{rule}"
TEMPLATE_NOTE_CHOICES = "从下拉列表选择（{choices}）"
TEMPLATE_NOTE_SEPARATOR = "；"  # between the parts of one column's note
TEMPLATE_NOTE_ITEM_SEPARATOR = "　"  # between columns
TEMPLATE_LIST_SEPARATOR = "、"
TEMPLATE_VALIDATION_PROMPT = "请从下拉列表选择：{choices}"
TEMPLATE_VALIDATION_ERROR = "“{label}”可填：{choices}"
