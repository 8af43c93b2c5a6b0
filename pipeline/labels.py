"""Every Chinese word the office reads: column names and aliases, enumerations, messages.

Nothing else in the project spells out a Chinese label or message; code refers to the
English field names below and asks this module for the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import catalog

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
    imported: bool = True  # False: a column recognised for reference only (the 回访清单's), its value not kept


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
    "held_back": "状态回退",
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
MSG_OUT_OF_COUNTY = "不属于本县区：您只能导入{county}的对象，该行已拒收"
MSG_CLOSED_DATE_MISSING = "办理状态为“{status}”时必须填写办结日期"
MSG_CLOSED_DATE_OPEN = "办理状态为“{status}”（未办结）却填写了办结日期{value}"

# ---------------------------------------------------------------- progress is never undone silently (SPEC §4)
# pipeline/ingest/progress_rules.py: a file imported before, rows that would move things back, a cadre's new
# phone, a county's complete list, a file with a header and no rows.

MSG_HEADER_ONLY = "文件只有表头，没有数据行"
MSG_ALREADY_IMPORTED = "该文件已于{time}由{user}导入（第{batch}批），本次未作任何改动"
HELD_BACK_PREFIX = "状态回退，未导入"
MSG_HELD_BACK_ISSUE = (
    HELD_BACK_PREFIX + "：该问题当前为“{status}”（办结日期{closed_on}，第{batch}批导入），本行为“{incoming}”{hint}"
)
MSG_HELD_BACK_EXIT = HELD_BACK_PREFIX + "：该对象已于{exited_on}退出（第{batch}批导入），本行未填退出日期{hint}"
MSG_HELD_BACK_HINT = (
    "；确需重新打开的，请勾选“允许回退已办结问题/已退出对象（重新打开）”（命令行加 --allow-reopen）后重新导入"
)
MSG_REOPENED = "已按“允许回退”重新打开：问题{issues}个、已退出对象{people}名（已记入审计日志）"
MSG_PHONE_CHANGE = (
    "干部电话变更：{cadre}（{department}）{old} → {new}，按同一结对、同一干部处理："
    "结对{pairings}条、走访记录{contacts}条已改用新号码"
)
MSG_FULL_LIST_NOT_ROSTER = "“这是本县区的完整名单”只适用于结对台账，本文件中没有结对台账，未导入任何数据"
MSG_FULL_LIST_NO_ROWS = "本文件中没有{county}的对象，不能作为{county}的完整名单，未导入任何数据：请核对县区或文件"
MSG_FULL_LIST_MISSING = "按{county}的完整名单，库中有{count}名在册对象不在本文件中，确认后他们的退出日期登记为{exit_on}"
MSG_FULL_LIST_CONFIRM = MSG_FULL_LIST_MISSING + "；本次未作任何改动，核对无误后加 --confirm 重新运行"
MSG_FULL_LIST_NONE_MISSING = "按{county}的完整名单核对：库中该县区的在册对象都在本文件中，没有需要登记退出的对象"
MSG_FULL_LIST_EXITED = "按{county}的完整名单，{count}名不在名单中的对象已登记退出日期{exit_on}（已记入审计日志）"
MSG_FULL_LIST_ONE_FILE = "--full-list 一次只能用于一个文件（该县区的完整名单）"
MSG_FULL_LIST_FORMAT = "--full-list 应写成 county=县区名，收到：{value}"
MSG_CONFIRM_WITHOUT_FULL_LIST = "--confirm 只与 --full-list 一起使用"
HELP_ALLOW_REOPEN = (
    "允许回退已办结问题/已退出对象（重新打开）：应用会使问题回到未办结、或清除退出日期的行，并记入审计日志"
)
HELP_FULL_LIST = (
    "声明本文件是该县区的完整名单：库中该县区在册、但不在文件中的对象先列出，加 --confirm 后登记退出日期（导入当天）"
)
HELP_CONFIRM = "与 --full-list 一起使用：确认登记名单中缺少的对象退出"

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
    "department": "单位",
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
# a link whose parameters cannot be used (a typo, a reversed range, a county outside the account): the default view
LINK_PARAM_NAMES = {
    "pk": "统计期类型",
    "m": "月份",
    "q": "季度",
    "y": "年度",
    "range": "起止日期",
    "county": "县区",
    "dept": "单位",
    "rdept": "单位",
}
MSG_LINK_IGNORED = "链接中的{names}无效或不在您的查看范围内，已改为默认显示。"
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
TABLE_SEARCH = "查找"
TABLE_SEARCH_PLACEHOLDER = "姓名、单位、地名或日期等"
TABLE_SEARCH_NONE = "没有含“{text}”的行（共{total:,}条），可以换个词或清空查找框。"
TABLE_ROWS_SHOWN = "共{total:,}条，显示前{shown:,}条；全部{total:,}条请下载Excel，或用上方查找框。"
TABLE_ROWS_FOUND_SHOWN = "找到{found:,}条（共{total:,}条），显示前{shown:,}条；找到的{found:,}条都在下方Excel中。"
TABLE_ROWS_FOUND = "找到{found:,}条（共{total:,}条）。"
TABLE_TOO_LARGE_TO_COLOUR = "本表共{rows:,}行，行数太多，表中不再按红黄绿着色；下载的Excel内容不变。"
EXPORT_SHEET_DEFAULT = "数据"  # the sheet name when a table's title leaves nothing a sheet name may hold
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
# stored metrics (pipeline/materialized.py): after an import or a settings change
HELP_REFRESH_COMMAND = "预先计算全市常用时期（本月、本季、本年及其对比期）的指标，看板打开更快"
MSG_STORED_DONE = "已预先计算全市{periods}个常用时期的指标（本次计算{computed}个，用时{seconds:.1f}秒）"
MSG_STORED_FAILED = "预先计算看板指标未完成（{error}）；页面打开时将现场计算，数字不受影响"


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

METRIC_LABELS = catalog.LABELS  # declared with each metric in pipeline/catalog.py
PREVIOUS_SUFFIX_LABEL = "（上期）"
CHANGE_SUFFIX_LABEL = "（变化）"
TREND_MONTH_LABEL = "月份"
TREND_RUNNING_MONTH = "进行中"  # under a month that has not ended yet

SATISFIED_RATINGS = ["满意", "基本满意"]  # the ratings that count as satisfied in 群众满意率
# the answers of a callback (回访记录, SPEC §8)
CALLBACK_REACH = ["接通", "未接通", "空号停机"]
CALLBACK_REACHED = "接通"
CALLBACK_YES, CALLBACK_NO = "是", "否"
CALLBACK_TRUTH = ["属实", "不属实", "记不清"]
CALLBACK_TRUE, CALLBACK_UNTRUE = "属实", "不属实"
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
    "run_started_on": "连续结对起始日期",
    "unpaired_on": "解除日期",
    "pairing_mode": "结对方式",
    "record_no": "记录编号",
    "visit_cadre_phone": "走访干部电话",
    "batch_id": "导入批次",
    "imported_by": "导入人",
    "imported_at": "导入时间",
    "file_name": "文件名",
    "name": "姓名",
    "phone": "对象电话",
    "enrolled_on": "纳入日期",
    "exited_on": "退出日期",
    "pairs": "结对人数",
    "is_paired": "已结对",
    "contacts": "联系次数",
    "home_visits": "入户次数",
    "is_contacted": "已联系",
    "is_home_visited": "已入户",
    "months_required": "应联系月数",
    "months_contacted": "已联系月数",
    "is_standard_due": "应达标",
    "is_festival_due": "节日关爱应覆盖",
    "is_festival_contacted": "节日期间已联系",
    "is_child_paired": "已结对儿童",
    "is_child_led": "领导干部结对",
    "callback_date": "回访日期",
    "caller": "回访人",
    "reach": "接通情况",
    "knows_cadre": "是否认识结对干部",
    "contact_truth": "近期联系是否属实",
    "callback_satisfaction": "对帮扶是否满意",
    "reported_issue": "反映问题",
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
    "festival_spring_from_day": "春节窗口起：腊月第几天",
    "festival_spring_to_day": "春节窗口止：正月第几天",
    "festival_days_around": "端午、中秋、助残日前后天数",
    "festival_children_days_before": "六一儿童节前天数",
    "festival_children_days_after": "六一儿童节后天数",
    "weight_callback_truth_rate": "综合得分权重：联系属实率",
    "leading_level_1": "领导干部职级：市级领导",
    "leading_level_2": "领导干部职级：县级领导",
    "leading_level_3": "领导干部职级：科级干部",
    "leading_level_4": "领导干部职级：一般干部",
}
# the festival windows of 节日关爱率 (pipeline/festivals.py)
FESTIVAL_LABELS = {
    "spring": "春节",
    "dragon_boat": "端午节",
    "mid_autumn": "中秋节",
    "childrens_day": "六一儿童节",
    "disability_day": "全国助残日",
}
CHILD_CATEGORIES = ["孤儿", "事实无人抚养儿童"]  # 爱心爸妈 pairs; 六一 is their festival
DISABLED_CATEGORIES = ["困难重度残疾人"]  # 全国助残日 is their festival
MSG_SETTING_RANGE = "设置项“{label}”应为{low}到{high}之间的整数，收到{value}"
MSG_SETTING_SWITCH = "设置项“{label}”只能是1（是）或0（否），收到{value}"
RAG_LABELS = {"green": "绿", "amber": "黄", "red": "红"}
MSG_SETTING_UNKNOWN = "没有名为“{key}”的设置项，可设置：{allowed}"
MSG_SETTING_NOT_NUMBER = "设置项“{label}”的值“{value}”不是数字"
MSG_SETTING_DAYS = "超期天数应为1到365之间的整数，收到{value}"
MSG_SETTING_WEIGHT = "权重“{label}”不能为负数，收到{value}"
MSG_SETTING_WEIGHTS_ZERO = "五项权重不能全为0"
MSG_SETTING_BANDS = "红黄绿分档应满足 0 ≤ 黄灯下限 ≤ 绿灯下限 ≤ 1，收到黄灯{amber}、绿灯{green}"

# ---------------------------------------------------------------- the command line (pipeline/cli/parser.py)

HELP_CLI_DESCRIPTION = "结对关爱督导看板：数据导入与统计"
HELP_DB = "数据库文件（默认：$GUANAI_DB 或 data/guanai.duckdb）"
HELP_TODAY = "固定“今天”的日期 YYYY-MM-DD（默认：$GUANAI_TODAY 或真实日期）"
HELP_DEMO_COMMAND = "生成示范城市数据"
HELP_DEMO_XLSX_DIR = "同时写出三类上传表格（.xlsx）到此目录"
HELP_IMPORT_COMMAND = "导入结对台账、走访记录、问题台账"
HELP_IMPORT_KIND = "指定表格类型（默认按表头自动识别）"
HELP_IMPORT_USER = "记入导入记录的操作人"
METAVAR_FULL_LIST = "county=县区名"
HELP_TEMPLATE_COMMAND = "写出空白导入模板（.xlsx）"
HELP_METRICS_COMMAND = "按分组计算督导指标"
HELP_OVERDUE_COMMAND = "超期未联系、超期未办结清单"

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


# ---------------------------------------------------------------- app: issues and reminders pages

# 问题台账: an issue open on as_of that a later ledger already shows as closed
ISSUE_STATUS_CLOSED_LATER = "期末后办结"
ISSUE_STATUS_ORDER = ["待办理", "办理中", ISSUE_STATUS_CLOSED_LATER, "已解决", "无法解决"]
# the age bands of pipeline/sql/intermediate/int_issue_age_band.sql, by band number
ISSUE_AGE_BAND_LABELS = {1: "≤15天", 2: "16-30天", 3: "31-60天", 4: ">60天"}
ISSUE_PAGE_COLUMN_LABELS = {
    "status_on_as_of": "办理状态",
    "age_band": "账龄",
    "close_band": "办结用时",
    "cadres": "需提醒干部数",
    "reminder_text": "提醒内容",
}
ROW_COLUMN_LABELS.update(ISSUE_PAGE_COLUMN_LABELS)  # so that tables and .xlsx exports head them in Chinese

ISSUES_KPI_HEADER = "问题概况"
ISSUES_OPEN_LABEL = "未办结问题"
ISSUES_DAYS_VALUE = "{value:g}天"
ISSUES_DAYS_CHANGE = "{value:+g}天"
ISSUES_BY_CATEGORY = "按问题类别"
ISSUES_BY_LEVEL = "按办理层级"
ISSUES_BY_STATUS = "按办理状态"
ISSUES_AGEING = "未办结问题账龄"
ISSUES_LEVEL_MIX = "未办结问题的办理层级"
ISSUES_CLOSE_TIME = "本期办结用时"
ISSUES_SUMMARY_TABLES = "分类汇总表"
ISSUES_OVERDUE_LIST = "超期未办结清单"
ISSUES_AXIS_COUNT = "问题数（个）"
ISSUES_AXIS_AGE = "账龄（提出日期至{as_of}）"
ISSUES_AXIS_CLOSE = "办结用时（提出日期至办结日期）"
ISSUES_STATUS_NOTE = "办理状态按统计期末（{as_of}）计；期末之后才办结的问题记为“期末后办结”。"
ISSUES_EMPTY = "截至{as_of}，所选范围内的对象没有登记过问题：可以换一个统计期，或把县区、单位改回“全部”。"
ISSUES_NO_OPEN = "截至{as_of}，所选范围内没有未办结的问题。"
ISSUES_NO_CLOSED = "本统计期内没有办结的问题。"
ISSUES_CLOSED_WITHIN = "本期办结{count}个，其中{within}个在{days}天内办结（{share}）。"
ISSUES_NO_OVERDUE = "截至{as_of}，没有提出超过{days}天仍未办结的问题。"
ISSUES_OVERDUE_CAPTION = "提出超过{days}天、截至{as_of}仍未办结的问题，超期最久的在前。"
ISSUES_FILE_SUMMARY = "问题台账_{grouping}_{period}"
ISSUES_FILE_OVERDUE = "超期未办结问题_{period}"

REMINDERS_CAPTION = (
    "超期标准：{days}天（可在“设置”页调整）；情况截至{as_of}。姓名、证件号、电话已脱敏，提醒文本可直接复制发送。"
)
REMINDERS_PAST_PERIOD = "所选统计期已结束，提醒按期末（{as_of}）的情况生成；日常发送提醒请选择当前统计期。"
REMINDERS_NONE = "截至{as_of}，所选范围内没有超过{days}天未联系的对象，也没有超期未办结的问题，无需发送督办提醒。"
REMINDERS_FILTER_DEPARTMENT = "只看一个单位"
REMINDERS_FILTER_CADRE = "查找干部"
REMINDERS_FILTER_CADRE_PLACEHOLDER = "输入干部姓名"
REMINDERS_NO_MATCH = "没有符合条件的干部：可以把单位改回“全部”，或清空查找框。"
REMINDERS_KPI_CADRES = "需提醒干部（人）"
REMINDERS_KPI_CONTACTS = "超期未联系对象（人）"
REMINDERS_KPI_ISSUES = "超期未办结问题（个）"
REMINDERS_KPI_DEPARTMENTS = "涉及单位（个）"
REMINDERS_BY_DEPARTMENT = "按单位汇总"
REMINDERS_TEXTS = "提醒文本"
REMINDERS_TEXTS_COUNT = "共{count}位干部，按单位排列，同一单位中超期事项多的在前；每页{size}位。"
REMINDERS_PAGE = "页码（共{pages}页）"
REMINDERS_CADRE_HEADING = "**{department}｜{cadre}**　{phone}　超期未联系{contacts}人，超期未办结问题{issues}个"
REMINDERS_DOWNLOAD = "下载督办提醒（Excel）"
REMINDERS_FILE = "督办提醒_{as_of}"
REMINDERS_ITEMS = "超期事项明细"
REMINDERS_UNASSIGNED = "另有{count}个超期未办结问题的对象目前没有结对干部，无法生成个人提醒，请督促责任单位办理："
REMINDER_SHEETS = {
    "cadres": "督办提醒",
    "contacts": "超期未联系",
    "issues": "超期未办结",
    "unassigned": "未结对对象的问题",
}

# the reminder text: one per cadre, every item of his in one message, signed by the office
REMINDER_GREETING = "{cadre}同志："
REMINDER_AS_OF = "截至{date}，"  # only when the facts are not today's
REMINDER_SINGLE = "{greeting}{as_of}您结对的{item}"
REMINDER_MULTIPLE = "{greeting}{as_of}您结对的对象中有以下{count}项事项需要抓紧办理："
REMINDER_LINE = "{number}. {item}"
REMINDER_CONTACT_ITEM = (
    "{category}{name}（{place}）已超过{days}天未联系（最近联系：{last_contact}，已超期{overdue}天），请尽快联系。"
)
REMINDER_CONTACT_NEVER_ITEM = "{category}{name}（{place}）已超过{days}天未联系（结对以来尚无联系记录，结对日期：{paired_on}，已超期{overdue}天），请尽快联系。"
# the cadre took over a person whom nobody had contacted (or not since before he took over): the clock ran on
REMINDER_CONTACT_NEVER_TAKEN_OVER_ITEM = "{category}{name}（{place}）已超过{days}天未联系（自{run_started_on}结对以来尚无联系记录，已超期{overdue}天；您于{paired_on}接手结对），请尽快联系。"
REMINDER_CONTACT_TAKEN_OVER_ITEM = "{category}{name}（{place}）已超过{days}天未联系（最近联系：{last_contact}，由前任结对干部联系，已超期{overdue}天；您于{paired_on}接手结对），请尽快联系。"
REMINDER_ISSUE_ITEM = "{category}{name}（{place}）反映的{issue_category}方面问题（{reference}）已超期未办结（已超期{overdue}天），请抓紧推动解决。"
REMINDER_ISSUE_REFERENCE = "编号{issue_no}，{raised_on}提出"
REMINDER_ISSUE_REFERENCE_UNNUMBERED = "{raised_on}提出"
REMINDER_SIGNATURE = "领导小组办公室"


# ---------------------------------------------------------------- app: county and department pages

# A department is 落后 when its 综合得分 is in the red band; the reason names its red rates.
BEHIND_FLAG = "落后"
BEHIND_REASON = "{metric}{value}，低于{threshold}"
BEHIND_REASON_SEPARATOR = "；"
# Headers of the columns these pages add; merged into ROW_COLUMN_LABELS so that tables and .xlsx
# downloads (export.display_labels) find them like every other column.
DRILL_COLUMN_LABELS = {
    "rank": "排名",
    "score_band": "评级",
    "is_behind": "是否落后",
    "behind_reason": "落后原因",
    "open_issues": "未办结问题",
}
ROW_COLUMN_LABELS.update(DRILL_COLUMN_LABELS)

DRILL_PERIOD_CAPTION = "统计期：{period}　范围：{scope}"
DRILL_PERIOD_DATES = "{period}（{start}至{end}）"
DRILL_SCOPE_BOTH = "{county}·{department}"
RAG_LEGEND = "比率按红黄绿灯着色：绿灯不低于{green}，黄灯不低于{amber}，红灯低于{amber}；评级按综合得分同样分档（绿灯{green_score}分以上，黄灯{amber_score}分以上）。"
CHART_DATE_AXIS = "联系日期"
CHART_BENEFICIARY_AXIS = "帮扶对象"
CHART_SCORE_AXIS = "综合得分"
CHART_BAND_LINE = "{band}灯线{value}分"

COUNTY_TABLE = "各县区指标"
COUNTY_CHART = "县区比率排名"
COUNTY_PICK = "选择县区"
COUNTY_PICK_HEADER = "查看一个县区"  # the section above the picker: its heading is not the picker's label again
COUNTY_PICK_PLACEHOLDER = "请选择县区"
COUNTY_PICK_HINT = "在上表点选一个县区（行首的选择框），或在下拉框中选择，即可查看该县区各乡镇的指标和结对明细。"
TOWNSHIP_TABLE = "{county}各乡镇指标"
TOWNSHIP_PICK = "选择乡镇"
TOWNSHIP_PICK_PLACEHOLDER = "全县所有乡镇"
PAIRS_HEADER = "{place}结对明细"
PAIRS_FILTER = "查看哪些对象"
PAIR_FILTER_LABELS = {
    "all": "全部在册对象",
    "unpaired": "未结对",
    "not_contacted": "本期未联系",
    "not_home_visited": "本期未入户",
    "not_on_standard": "联系未达标",
    "overdue_contact": "超期未联系",
    "open_issues": "有未办结问题",
    "issues_overdue": "有超期未办结问题",
}
PAIRS_COUNT = "{place}“{filter}”共{count}人（身份证号、姓名、电话已脱敏）。"
PAIRS_EMPTY = "{place}没有“{filter}”的对象。"

DEPARTMENT_TABLE = "单位排名"
DEPARTMENT_SUMMARY = "{total}个单位中有{behind}个落后：综合得分低于{threshold}分，原因列出低于{rate}的比率。"
DEPARTMENT_NONE_BEHIND = "{total}个单位的综合得分都不低于{threshold}分，没有落后单位。"
DEPARTMENT_ORDER = "排序"
DEPARTMENT_ORDER_LABELS = {"worst": "落后在前", "best": "得分从高到低"}
DEPARTMENT_ONLY_BEHIND = "只看落后单位"
DEPARTMENT_UNPAIRED_NOTE = "另有{count}名在册对象尚未结对，不计入单位排名。"
DEPARTMENT_ALL_UNPAIRED = "所选统计期和范围内的对象都尚未结对，没有单位可以排名。"
DEPARTMENT_TAB_TABLE = "排名表"
DEPARTMENT_TAB_CHART = "得分图"
DEPARTMENT_CHART_WORST = "综合得分最低的{count}个单位"
DEPARTMENT_CHART_BEST = "综合得分最高的{count}个单位"
DEPARTMENT_PICK = "选择单位"
DEPARTMENT_PICK_HEADER = "查看一个单位"
DEPARTMENT_PICK_PLACEHOLDER = "请选择单位"
DEPARTMENT_PICK_HINT = "在上表点选一个单位（行首的选择框），或在下拉框中选择，即可查看该单位的结对干部。"
DEPARTMENT_BEHIND_DETAIL = "{department}落后：综合得分{score}分。{reason}。"
CADRE_TABLE = "{department}的结对干部"
CADRE_TABLE_NOTE = "超期未联系、超期未办结多的干部排在前面。"
CADRE_PICK = "选择干部"
CADRE_PICK_PLACEHOLDER = "请选择干部"
CADRE_OPTION = "{name}（{phone}）"
CADRE_PICK_HINT = "在上表点选一名干部，或在下拉框中选择，即可查看他的联系时间线和问题。"
CADRE_TIMELINE = "{cadre}的联系时间线"
CADRE_TIMELINE_EMPTY = "{cadre}在本统计期内没有联系记录。"
CADRE_PAIRS = "{cadre}的结对对象"
CADRE_CONTACTS = "{cadre}本期的联系记录"
CADRE_ISSUES = "{cadre}结对对象的问题"
CADRE_ISSUES_EMPTY = "{cadre}结对的对象截至{as_of}没有登记问题。"

# ---------------------------------------------------------------- app: upload, quality and settings pages

FILE_SIZE_KB = "{size:.1f}KB"
FILE_SIZE_MB = "{size:.1f}MB"
KIND_UNRECOGNISED = "未识别"

UPLOAD_TEMPLATES_HEADER = "空白模板"
UPLOAD_TEMPLATES_HELP = (
    "按模板填写最省事：表头、下拉选项和文本格式都已设好。各单位自己的台账也可以直接上传，系统按表头识别。"
)
UPLOAD_TEMPLATE_BUTTON = "{kind}模板"
UPLOAD_FILES_HEADER = "上传文件"
UPLOAD_FILES_LABEL = "选择要导入的文件（可一次选多个）"
UPLOAD_FILES_HELP = (
    "支持 .xlsx、.xlsm、.xls、.csv，CSV 可为 UTF-8 或 GBK 编码；也可上传只装一个表格文件的 .zip 或 .gz 压缩包。"
)
UPLOAD_FILES_HINT = (
    "点“选择文件”，或把文件拖到上面的框里；可一次选多个，每个文件不超过200MB（较大的CSV可压缩为 .zip 后上传，"
    "解压后不超过100万行）。选好后先看预览，再点“开始导入”。"
)
UPLOAD_ORDER_NOTE = "几类台账一起上传时，系统先导入结对台账，再导入走访记录和问题台账（走访和问题的对象须已在台账中）。"
UPLOAD_READING = "正在读取“{file}”…"
UPLOAD_PREVIEW_HEADER = "导入前预览"
UPLOAD_FILE_TITLE = "{file}（{size}）"
UPLOAD_FILE_KINDS = "识别为：{kinds}"
UPLOAD_SHEET_TITLE = "工作表“{sheet}”：{kind}，表头在第{row}行，其下约{rows}行"
UPLOAD_SHEET_UNRECOGNISED = "工作表“{sheet}”：没有找到可识别的表头，导入时跳过"
UPLOAD_COLUMNS_RECOGNISED = "已识别的列：{columns}"
UPLOAD_COLUMN_RENAMED = "{written}→{label}"
UPLOAD_COLUMNS_UNKNOWN = "不认识的列（导入时忽略）：{columns}"
UPLOAD_COLUMNS_MISSING = "缺少必填列：{columns}"
UPLOAD_SAMPLE_CAPTION = (
    "前{n}行，按标准列名显示，身份证号、电话、姓名已遮蔽。“预检问题”只查格式；"
    "对象是否在台账、结对是否重叠，在导入时检查。"
)
UPLOAD_SAMPLE_ROW = "行号"
UPLOAD_SAMPLE_PROBLEMS = "预检问题"
UPLOAD_CANNOT_IMPORT = "本文件无法导入：{message}"
UPLOAD_ALREADY_IMPORTED = "本文件已导入，结果见下方。要再次导入，请移除后重新选择文件。"
UPLOAD_ALL_OR_NOTHING = "有错误则整体不导入"
UPLOAD_ALL_OR_NOTHING_HELP = (
    "勾选后，文件中只要有一行被拒收，整个文件都不导入；不勾选时，正确的行导入，错误的行列出原因，可下载修改后重新上传。"
)
UPLOAD_BUTTON = "开始导入"
UPLOAD_BUTTON_COUNT = "开始导入（{n}个文件）"
UPLOAD_PROGRESS = "第{index}/{total}个文件：{file}"
UPLOAD_PROGRESS_DONE = "全部{total}个文件已处理"
UPLOAD_STATUS_RUNNING = "正在导入“{file}”（约{rows}行）…"
UPLOAD_STATUS_STEP = "读取文件、逐行检查、写入数据库……行数多时需要一两分钟，请勿关闭页面。"
UPLOAD_STATUS_DONE = "“{file}”已导入"
UPLOAD_STATUS_ROLLED_BACK = "“{file}”有错误，整体未导入"
UPLOAD_STATUS_FAILED = "“{file}”无法导入"
UPLOAD_STORING = "正在预先计算全市常用时期的指标，完成后各页面打开更快……"
UPLOAD_DB_BUSY = "数据库正被另一项导入或程序占用，暂时无法写入，本次没有导入任何文件。请稍等一两分钟再点“开始导入”。"
UPLOAD_RESULTS_HEADER = "导入结果"
UPLOAD_RESULT_TITLE = "{file}"
UPLOAD_RESULT_OK = "已导入（第{batch}批）。"
UPLOAD_RESULT_PARTIAL = "已导入正确的行（第{batch}批）；{rejected}行被拒收。请下载拒收行，按“错误原因”修改后重新上传，已导入的行不会重复计数。"
UPLOAD_ERRORS_HEADER = "拒收行（共{n}行）"
UPLOAD_ERRORS_TRUNCATED = "只显示前{shown}行，全部拒收行请下载。"
UPLOAD_DOWNLOAD_REJECTED = "下载拒收行（Excel，含错误原因）"
UPLOAD_REJECTED_FILENAME = "{file}_拒收行.xlsx"
UPLOAD_HISTORY_HEADER = "导入记录"
UPLOAD_HISTORY_EMPTY = "还没有导入记录。"
UPLOAD_HISTORY_SELECT = "点选一行，可下载该批的拒收行。"
UPLOAD_HISTORY_DOWNLOAD = "下载第{batch}批的拒收行"
UPLOAD_HISTORY_NO_REJECTS = "第{batch}批没有拒收行。"
UPLOAD_HISTORY_FILENAME = "第{batch}批_{file}_拒收行.xlsx"
UPLOAD_HISTORY_TITLE = "导入记录"
UPLOAD_HISTORY_COLUMNS = {
    "batch_id": "批次",
    "imported_at": "导入时间",
    "user_name": "操作人",
    "file_name": "文件名",
    "kind": "类型",
    "rows_read": "读取行数",
    "inserted": "新增",
    "updated": "更新",
    "unchanged": "未变化",
    "duplicate": "重复",
    "rejected": "拒收",
    "held_back": "状态回退",
}
# 数据导入: rows that would undo progress, a file imported before, a county's complete list (SPEC §4)
UPLOAD_ALLOW_REOPEN = "允许回退已办结问题/已退出对象（重新打开）"
UPLOAD_ALLOW_REOPEN_HELP = (
    "不勾选时，会使已办结问题回到未办结、或清除对象退出日期的行不导入，列为“状态回退，未导入”。"
    "确需重新打开时勾选后导入，记入审计日志；勾选后，此前导入过的同一文件也按文件内容重新导入。"
)
UPLOAD_FULL_LIST = "这是本县区的完整名单"
UPLOAD_FULL_LIST_HELP = (
    "勾选后，库中该县区在册、但不在本文件中的对象先列出，确认后登记退出日期（导入当天），并记入审计日志。"
    "不勾选时，文件中没有的对象一律不作改动。"
)
UPLOAD_FULL_LIST_COUNTY = "完整名单所属县区"
UPLOAD_FULL_LIST_OWN_COUNTY = "完整名单所属县区：{county}"
UPLOAD_FULL_LIST_NO_COUNTY = "库中还没有任何县区的对象，没有可核对的名单。"
UPLOAD_FULL_LIST_ONE_FILE = "“这是本县区的完整名单”一次只能用于一个结对台账文件：请只保留该县区的名单文件。"
UPLOAD_FULL_LIST_CHECKING = "正在核对名单……"
UPLOAD_FULL_LIST_MISSING = MSG_FULL_LIST_MISSING + "。请逐一核对下表，确认无误再导入。"
UPLOAD_FULL_LIST_COLUMNS = {"id_number": "身份证号", "name": "姓名", "township": "乡镇", "village": "村社区"}
UPLOAD_FULL_LIST_CONFIRM = "确认名单，导入并登记{n}人退出"
UPLOAD_STATUS_ALREADY = "“{file}”此前已导入，本次未作改动"
UPLOAD_RESULT_HELD_BACK = (
    "{n}行会使已办结问题回到未办结、或清除对象的退出日期，未导入（见下表）。"
    "确需重新打开的，勾选“允许回退已办结问题/已退出对象（重新打开）”后重新上传。"
)
UPLOAD_HELD_BACK_HEADER = "状态回退、未导入的行（共{n}行）"

QUALITY_INTRO = (
    "检查已导入的全部数据，不受统计期限制；县区、单位筛选有效。每项列出发现的记录，0表示没有发现问题，“—”表示尚未统计。"
)
QUALITY_CHECK_TITLES = {
    "other_cadre_contacts": "非结对干部联系",
    "contacts_before_pairing": "早于结对的联系",
    "busy_cadres": "结对过多的干部",
    "never_contacted": "从未联系的对象",
    "unknown_columns": "不认识的列",
    "rejected_rows": "拒收行",
}
QUALITY_CHECK_HELP = {
    "other_cadre_contacts": (
        "联系记录上的干部电话与当天结对干部的电话不同。这些联系仍计入各项指标，请核实是否为他人代为联系，或台账填错了干部。"
    ),
    "contacts_before_pairing": (
        "联系日期早于对象的结对日期（或对象尚未结对），或早于纳入日期。多为日期填错，或结对台账缺少这次结对。"
    ),
    "busy_cadres": "截至今天结对数超过上限的干部（按干部电话识别，计其全部结对）。结对过多，难以保证联系质量。",
    "never_contacted": "截至今天已结对、却没有任何联系记录的对象，结对最早的排在前面。",
    "unknown_columns": "导入时不认识、已忽略的列名。反复出现的列，可能是需要补充的列名写法，也可能是填了也不会被使用的内容。",
    "rejected_rows": "各文件最近一次导入时被拒收的行，按原因归类。改正后重新上传同名文件，就不再列在这里。",
}
QUALITY_MAX_PAIRS = "每名干部结对数上限"
QUALITY_MAX_PAIRS_HELP = "结对数超过此数的干部列入本项检查"
QUALITY_NOTHING_FOUND = "没有发现问题。"
QUALITY_UNSCOPED = "本项按导入的文件统计，不区分县区和单位。"
QUALITY_BEFORE_PAIRING = "早于结对"
QUALITY_BEFORE_ENROLMENT = "早于纳入日期"
QUALITY_PROBLEM_SEPARATOR = "、"
QUALITY_REASON_GROUPS = "按原因归类"
QUALITY_REASON_DETAILS = "拒收行明细"
QUALITY_VALUE_PLACEHOLDER = "…"
QUALITY_COLUMN_LABELS = {
    "visit_cadre_phone": "走访干部电话",
    "enrolled_on": "纳入日期",
    "problem": "问题",
    "pairs": "结对数",
    "counties": "对象所在县区",
    "days_paired": "已结对天数",
    "header": "列名",
    "imports": "出现次数（导入批次）",
    "files": "文件",
    "last_seen_at": "最近一次导入",
    "batch_id": "批次",
    "imported_at": "导入时间",
    "file_name": "文件名",
    "sheet": "工作表",
    "row_no": "行号",
    "column_name": "列",
    "reason": "错误原因",
    "rows": "行数",
}

SETTINGS_INTRO = "这些设置决定超期的判断、综合得分的算法和红黄绿灯的分档；保存后，所有页面立即按新设置计算。"
SETTINGS_ACCESS_NOTE = "设置影响全市的统计口径，应由市级（领导小组办公室）修改。"
SETTINGS_GROUP_THRESHOLDS = "超期判断"
SETTINGS_DAYS_HELP = "超过这么多天未联系记为“超期未联系”，提出后超过这么多天未办结记为“超期未办结”。"
SETTINGS_GROUP_WEIGHTS = "综合得分权重"
SETTINGS_WEIGHTS_HELP = "各项权重按比例折算，合计不必等于1；某项比率无法计算时（如本期没有问题），其余各项按比例补足。"
SETTINGS_GROUP_BANDS = "红黄绿灯分档"
SETTINGS_GROUP_FESTIVALS = "节日关爱窗口"
SETTINGS_FESTIVALS_HELP = "节日关爱率只统计节日窗口内的联系：春节从腊月第几天到正月第几天（农历），端午、中秋、全国助残日为当天前后各几天，六一儿童节为6月1日前后几天。"
SETTINGS_GROUP_LEADING = "爱心爸妈结对率：哪些职级算领导干部"
SETTINGS_LEADING_HELP = "已结对的孤儿、事实无人抚养儿童中，结对干部职级为勾选职级的，计入爱心爸妈结对率。"
SETTINGS_BANDS_HELP = "填比率：0.90 即 90%。不低于绿灯下限为绿灯，不低于黄灯下限为黄灯，其余为红灯。"
SETTINGS_SAVE = "保存设置"
SETTINGS_SAVED = "设置已保存（{user}，{time}）。"
SETTINGS_STORING = "正在按新设置重新计算全市常用时期的指标……"
SETTINGS_NO_CHANGE = "设置没有变化，无需保存。"
SETTINGS_REFUSED = "未保存：{message}"
SETTINGS_RESET = "恢复默认值"
SETTINGS_RESET_CONFIRM = "确定把全部设置恢复为默认值吗？当前的修改将不再保留。"
SETTINGS_RESET_BUTTON = "确定恢复"
SETTINGS_RESET_DONE = "已恢复默认设置。"
SETTINGS_DB_BUSY = "数据库正被导入或其他程序占用，设置未保存，请稍后再试。"
SETTINGS_CURRENT_HEADER = "当前设置与默认值"
SETTINGS_TABLE_COLUMNS = {
    "label": "设置项",
    "current": "当前值",
    "default": "默认值",
    "changed": "已修改",
    "updated_by": "修改人",
    "updated_at": "修改时间",
}
SETTINGS_CHANGED_MARK = "是"


# ---------------------------------------------------------------- reports, snapshots and reminder effectiveness
# 季度调度 / 月报 / 年度总结 (pipeline/report.py), 封存 (pipeline/snapshots.py), their commands and page.

PAGE_TITLES["report"] = "季度调度"

REPORT_KIND_LABELS = {"month": "月报", "quarter": "季度调度", "year": "年度总结"}
REPORT_TITLES = {
    "quarter": "{scope}结对关爱行动{period}调度报告",
    "month": "{scope}结对关爱行动{period}工作月报",
    "year": "{scope}结对关爱行动{period}工作总结",
}
REPORT_PERIOD_NAMES = {"month": "本月", "quarter": "本季度", "year": "本年度", "range": "本期"}
REPORT_PREVIOUS_NAMES = {"month": "上月", "quarter": "上季度", "year": "上年", "range": "上期"}
REPORT_PREVIOUS_END_NAMES = {"month": "上月末", "quarter": "上季度末", "year": "上年末", "range": "上期末"}
REPORT_META_PERIOD = "统计期：{start}至{end}"
REPORT_META_PREVIOUS = "对比期：{previous}（{start}至{end}）"
REPORT_META_VERSION = "数据版本：第{batch}批导入"
REPORT_META_SNAPSHOT = "封存数据：第{snapshot_id}号封存（{user}，{at}）"
REPORT_META_MADE = "生成时间：{at}"
REPORT_META_SEPARATOR = "　"
CHINESE_NUMERALS = dict(enumerate("一二三四五六七八九", start=1)) | {10: "十", 11: "十一", 12: "十二"}
REPORT_SECTION_HEADING = "{numeral}、{title}"
REPORT_SECTION_TITLES = {
    "summary": "总体情况",
    "trend": "月度走势",
    "counties": "县区排名",
    "departments": "单位排名",
    "behind": "后进单位",
    "overdue": "超期督办与提醒成效",
    "issues": "问题台账",
    "typical": "典型单位",
    "contact_list": "超期未联系对象名单",
    "issue_list": "超期未办结问题名单",
}
REPORT_SHEET_NAMES = {
    "summary": "总体情况",
    "trend": "月度走势",
    "counties": "县区排名",
    "departments": "单位排名",
    "behind": "后进单位",
    "overdue": "超期督办",
    "issues": "问题台账",
    "typical": "典型单位",
    "contact_list": "附1超期未联系名单",
    "issue_list": "附2超期未办结名单",
}

# sentences of the summary, as an official writes them: "全市结对覆盖率98.2%，较上季度提高1.5个百分点。"
REPORT_SENTENCE_BASE = "截至{as_of}，{scope}在册帮扶对象{beneficiaries}人，已结对{paired}人；{period_name}结对干部共联系帮扶对象{contacts}次，联系到{contacted}人，其中入户走访（含邀请到家）{home_visited}人。"
REPORT_SENTENCE_RATE = "{scope}{metric}{value}，{change}。"
REPORT_SENTENCE_OVERDUE = (
    "截至期末，超期未联系对象{overdue_contact}人，{contact_change}；超期未办结问题{issues_overdue}个，{issue_change}。"
)
REPORT_SENTENCE_ISSUES = "{period_name}新增问题{issues_new}个，办结{issues_closed}个；累计登记问题{issues_total}个，已解决{issues_resolved}个。"
REPORT_SENTENCE_SCORE = "{scope}综合得分{score}分，{change}。"
REPORT_SENTENCE_RANKING = "参与排名的{count}个单位中，综合得分低于{threshold}分的后进单位{behind}个；综合得分最高的是{best}（{best_score}分）。"
REPORT_SENTENCE_REMINDERS = "{previous_end}超期未联系的{contacts_before}名对象，截至期末已联系{contacted}人（{contact_rate}）；超期未办结的{issues_before}个问题，截至期末已办结{closed}个（{close_rate}）。"
REPORT_RATE_UP = "较{previous}提高{points}个百分点"
REPORT_RATE_DOWN = "较{previous}下降{points}个百分点"
REPORT_COUNT_UP = "较{previous}增加{amount}{unit}"
REPORT_COUNT_DOWN = "较{previous}减少{amount}{unit}"
REPORT_SCORE_UP = "较{previous}提高{points}分"
REPORT_SCORE_DOWN = "较{previous}降低{points}分"
REPORT_FLAT = "与{previous}持平"
REPORT_NO_COMPARISON = "{previous}无可比数据"
# a period that has not ended yet (SPEC §5: cut at today; 联系达标率 asks for finished months only)
REPORT_SENTENCE_RUNNING = (
    "{period_name}尚未结束，各项数字截至{as_of}；联系达标率只考核已经结束的{months}，进行中的月份不作要求。"
)
REPORT_SENTENCE_RUNNING_NONE = (
    "{period_name}尚未结束，各项数字截至{as_of}；统计期内还没有已经结束的月份，联系达标率暂不计算。"
)
REPORT_SENTENCE_NOT_DUE = "{scope}联系达标率暂无数据：统计期内还没有已经结束的月份。"
REPORT_MONTH_NAME = "{month}月"
UNIT_PEOPLE = "人"
UNIT_ITEMS = "个"

# rank changes against the period before
RANK_UP = "↑{places}"
RANK_DOWN = "↓{places}"
RANK_SAME = "—"
RANK_NEW = "新"

# why a department is behind, what a best one does well
REPORT_REASON_SCORE = "综合得分{score}分，低于{threshold}分"
REPORT_STRENGTH = "{metric}{value}"
REPORT_STRENGTH_SCORE = "综合得分{score}分，排名第{rank}"
REPORT_LIST_SEPARATOR = "；"
REPORT_BY_CATEGORY = "问题类别"
REPORT_BY_LEVEL = "办理层级"
REPORT_TOTAL = "合计"

REPORT_COLUMN_LABELS = {
    "metric": "指标",
    "current": "本期",
    "previous": "上期",
    "change": "变化",
    "band": "评级",
    "rank": "排名",
    "rank_change": "较上期",
    "reasons": "主要差距",
    "strengths": "突出亮点",
    "dimension": "统计口径",
    "item": "类别",
    "issues_open": "未办结",
    "month": "月份",
    "overdue_contacts_before": "上期末超期未联系（人）",
    "contacted_after": "其中已联系",
    "not_contacted_after": "仍未联系",
    "contact_follow_rate": "联系跟进率",
    "overdue_issues_before": "上期末超期未办结（个）",
    "closed_after": "其中已办结",
    "resolved_after": "其中已解决",
    "still_open_after": "仍未办结",
    "issue_close_rate": "督办办结率",
    "first_contact_on": "提醒后首次联系",
    "days_to_contact": "提醒后几天联系",
    "is_contacted_after": "已联系",
    "is_closed_after": "已办结",
    "is_resolved_after": "已解决",
    "reminded_on": "上期末",
    "followed_until": "本期末",
    "comparison": "比对结果",
    "changed_metrics": "变化的指标",
}
SNAPSHOT_COMPARISON_LABELS = {"same": "一致", "changed": "有变化", "added": "新增", "removed": "已无"}
SNAPSHOT_FROZEN_SUFFIX = "（封存）"
SNAPSHOT_LIVE_SUFFIX = "（实时）"
SNAPSHOT_DIFF_SUFFIX = "（差值）"
SNAPSHOT_DIFF_POINTS_SUFFIX = "（差值，百分点）"
SNAPSHOT_COLUMN_LABELS = {
    "snapshot_id": "封存编号",
    "period": "统计期",
    "period_label": "统计期",
    "scope": "范围",
    "as_of": "截至",
    "created_at": "封存时间",
    "created_by": "封存人",
    "note": "备注",
    "data_batch_id": "数据版本（导入批次）",
}

# notes under the tables
REPORT_RANKING_NOTE = "按综合得分排名，得分相同的并列；“较上期”为与{previous}排名相比上升（↑）或下降（↓）的位次，“—”为位次不变，“新”为上期未参与排名。"
REPORT_RAG_NOTE = "比率底色：绿色不低于{green}，黄色不低于{amber}，红色低于{amber}；综合得分按同样分档。"
REPORT_UNPAIRED_NOTE = "另有{count}名在册对象尚未结对，不计入单位排名。"
REPORT_BEHIND_NOTE = "综合得分低于{threshold}分的单位列为后进单位；“主要差距”列出低于{rate}的各项比率，由低到高。"
REPORT_NONE_BEHIND = "本期没有综合得分低于{threshold}分的单位。"
REPORT_TYPICAL_NOTE = "综合得分排名前{count}位且未列入后进的单位；“突出亮点”列出达到{green}的比率。"
REPORT_NO_TYPICAL = "本期没有综合得分达到黄灯线的单位，暂不推荐典型。"
REPORT_OVERDUE_NOTE = "超期：超过{days}天未联系，或提出超过{days}天仍未办结。提醒成效：{previous_end}已超期的对象和问题，截至{as_of}已联系、已办结的数量。"
REPORT_MASKED_NOTE = "身份证号、姓名、电话已脱敏。"
REPORT_UNMASKED_NOTE = "本表含完整的身份证号、姓名和电话，涉及个人信息，请妥善保管，不得外传。"
REPORT_LISTS_IN_WORKBOOK = "超期未联系对象和超期未办结问题的名单（已脱敏）见Excel报告附表。"
REPORT_PAGE_FOOTER = "第 &P 页，共 &N 页"  # Excel footer codes: &P this page, &N pages
REPORT_PDF_PAGE = "第 {page} 页，共 {pages} 页"
REPORT_COUNT_AXIS = "数量（个）"
REPORT_CHART_TREND = "各月主要比率走势"
REPORT_CHART_COUNTIES = "各县区综合得分"
REPORT_CHART_DEPARTMENTS = "各单位综合得分"
REPORT_CHART_DEPARTMENTS_LOWEST = "综合得分最低的{count}个单位"
REPORT_CHART_ISSUES = "各类问题办理情况"
REPORT_FILE_STEM = "{scope}_{period}_{kind}"
REPORT_FILE_SNAPSHOT = "_封存{snapshot_id}"

# messages
MSG_REPORT_KIND_INVALID = "报告类型“{value}”无效，可选：month（月报）、quarter（季度调度）、year（年度总结）"
MSG_REPORT_KIND_MISMATCH = "期间“{period}”与报告类型“{kind}”不符：月报请选月份，季度调度请选季度，年度总结请选年度"
MSG_REPORT_PERIOD_MISSING = "请指定统计期（--period），或用 --snapshot 指定封存编号"
MSG_SNAPSHOT_NOT_FOUND = "找不到第{snapshot_id}号封存（或该封存不属于当前范围），可用 snapshot list 查看已有封存"
MSG_SNAPSHOT_PERIOD_MISMATCH = "第{snapshot_id}号封存是{snapshot_period}的数据，与指定的期间“{period}”不符"
MSG_SNAPSHOT_USER_MISSING = "请填写封存人"
MSG_SNAPSHOT_ID_INVALID = "封存编号应为正整数，收到：{value}"
MSG_REPORT_WRITTEN = "已生成{what}：{path}"
MSG_PDF_UNAVAILABLE = (
    "本机没有可用的Chromium浏览器（{path}），无法生成PDF；其余文件已生成，可用浏览器打开HTML报告后打印为PDF"
)
MSG_SNAPSHOT_CREATED = "已封存：第{snapshot_id}号，{period}，{scope}（数据版本：第{batch}批导入）"
MSG_FILE_WRITE_FAILED = "无法写入文件“{path}”：{detail}"
REPORT_WHAT = {"xlsx": "Excel报告", "html": "HTML报告", "pdf": "PDF报告"}

# command-line help
HELP_REPORT_OUT = "Excel报告的输出文件（.xlsx）"
HELP_REPORT_HTML = "同时写出可打印的HTML报告（含图表，可离线打开）"
HELP_REPORT_PDF = "同时写出PDF报告（需要本机安装Chromium）"
HELP_REPORT_SNAPSHOT = "按封存编号的数字生成报告（不随之后的导入变化）"
HELP_REPORT_KIND = "报告类型：month（月报）、quarter（季度调度）、year（年度总结）；默认按期间判断"
HELP_SNAPSHOT_ACTION = "create 封存、list 列出、compare 与实时数字比对"
HELP_SNAPSHOT_USER = "封存人（记入封存记录）"
HELP_SNAPSHOT_NOTE = "备注，如“第三季度调度会”"
HELP_SNAPSHOT_ID = "封存编号"
HELP_SNAPSHOT_ALL = "列出所有分组行（默认只列出有变化的行）"
HELP_SNAPSHOT_CREATE = "封存一个统计期的全部数字"
HELP_SNAPSHOT_LIST = "列出已有封存"
HELP_SNAPSHOT_COMPARE = "把封存的数字与实时数字逐行比对"
HELP_REPORT_COMMAND = "生成季度调度报告、月报或年度总结（Excel，可加HTML、PDF）"
HELP_SNAPSHOT_COMMAND = "封存统计数字、列出封存、与实时数字比对"

# the page 季度调度 (app_pages/report.py)
REPORT_PAGE_KIND = "报告类型"
REPORT_PAGE_PERIOD = "统计期"
REPORT_PAGE_SCOPE = "范围：{scope}。报告与左侧筛选的县区、单位一致。"
REPORT_PAGE_SUMMARY = "情况综述"
REPORT_PAGE_DOWNLOADS = "下载报告"
REPORT_PAGE_DOWNLOAD_XLSX = "下载Excel报告"
REPORT_PAGE_DOWNLOAD_HTML = "下载HTML报告（含图表）"
REPORT_PAGE_DOWNLOAD_PDF = "下载PDF报告"
REPORT_PAGE_NO_PDF = (
    "本机没有可用的Chromium浏览器，暂不能生成PDF（由管理员以root运行 make run 即可安装）："
    "可下载HTML报告，用浏览器打开后打印为PDF。"
)
REPORT_PAGE_DOWNLOAD_NOTE = "文件在点击时生成；名单中的身份证号、姓名、电话已脱敏。"
REPORT_PAGE_DEPARTMENTS = "单位排名"
REPORT_PAGE_ONE_DEPARTMENT = "所选范围只有一个单位，不在此排名；它在全市各单位中的位次见“总览”页的“在全市的位置”。"
REPORT_PAGE_BEHIND = "后进单位"
REPORT_PAGE_REMINDERS = "提醒成效（按单位）"
REPORT_PAGE_REMINDERS_NOTE = (
    "{previous_end}（{reminded_on}）超期未联系的对象和超期未办结的问题，截至{as_of}已联系、已办结的情况。"
)
REPORT_PAGE_NO_REMINDERS = "{previous_end}（{reminded_on}）没有超期未联系的对象，也没有超期未办结的问题。"
REPORT_PAGE_SNAPSHOTS = "封存"
REPORT_PAGE_SNAPSHOT_HELP = "封存会把本统计期的全部数字（各分组指标、超期名单、问题汇总、提醒成效）连同封存人、时间和数据版本保存下来；之后导入的数据改动了历史，封存的数字也不变，调度会上的数字据此可查。"
REPORT_PAGE_SNAPSHOT_USER = "封存人"
REPORT_PAGE_SNAPSHOT_NOTE = "备注"
REPORT_PAGE_SNAPSHOT_NOTE_PLACEHOLDER = "如：第三季度调度会"
REPORT_PAGE_SNAPSHOT_CREATE = "封存本期数字"
REPORT_PAGE_SNAPSHOT_DONE = "已封存：第{snapshot_id}号（{period}，{scope}）。"
REPORT_PAGE_SNAPSHOT_LIST = "已有封存"
REPORT_PAGE_NO_SNAPSHOTS = "当前范围还没有封存。"
REPORT_PAGE_SNAPSHOT_PICK = "选择封存"
REPORT_PAGE_SNAPSHOT_OPTION = "第{snapshot_id}号　{period}　{created_by}　{created_at}"
REPORT_PAGE_COMPARE = "与实时数字比对"
REPORT_PAGE_COMPARE_BY = "比对分组"
REPORT_PAGE_COMPARE_SAME = "封存以来，{grouping}的数字没有变化。"
REPORT_PAGE_COMPARE_CHANGED = "封存以来有{count}行数字发生变化（只列出变化的行和指标）。"


# ---------------------------------------------------------------- accounts, roles and audit
# 账号、角色与审计日志 (pipeline/access.py, pipeline/cli/user.py, docs/access.md).

ROLE_LABELS = {"city": "市级", "county": "县区", "department": "单位", "readonly": "只读"}
ROLE_DESCRIPTIONS = {
    "city": "全市数据；可导入、修改设置、管理账号、查看审计日志",
    "county": "只看本县区的帮扶对象；可导入本县区的数据",
    "department": "只看本单位干部当前结对的对象",
    "readonly": "全市数据，只能查看，不能导入或修改设置",
}
YES_LABEL = "是"
NO_LABEL = "否"

# the scope of an account or an action, as written in the audit log and shown beside the figures
SCOPE_TEXT_COUNTY = "县区：{county}"
SCOPE_TEXT_DEPARTMENT = "单位：{department}"
SCOPE_TEXT_SEPARATOR = "；"
SCOPE_NONE_LABEL = "无权查看"
MSG_SCOPE_NONE = "所选县区或单位不在您的权限范围内，没有可显示的数据。"

AUDIT_ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "import": "导入数据",
    "export": "导出数据",
    "unmask": "查看完整信息",
    "settings_change": "修改设置",
    "user_add": "添加账号",
    "user_disable": "停用账号",
    "user_passwd": "重设密码",
    "snapshot": "封存数字",
    "reopen": "重新打开（状态回退）",
    "full_list_exit": "按完整名单登记退出",
    "backup": "备份数据库",
    "restore": "恢复数据库",
}
AUDIT_COLUMN_LABELS = {
    "audit_id": "序号",
    "logged_at": "时间",
    "user_name": "用户",
    "action": "操作",
    "scope_text": "范围",
    "detail": "详情",
    "row_count": "涉及行数",
}
USER_COLUMN_LABELS = {
    "user_name": "用户名",
    "role": "角色代码",
    "role_label": "角色",
    "county": "县区",
    "department": "单位",
    "can_unmask": "可查看完整信息",
    "disabled": "已停用",
    "locked_until": "锁定至",
    "last_login_at": "最近登录",
    "created_at": "创建时间",
    "created_by": "创建人",
    "updated_at": "修改时间",
    "updated_by": "修改人",
}

# what the audit log says about a login, and about the account commands (never a password, never a beneficiary)
AUDIT_UNKNOWN_USER = "（未知用户名）"  # the name typed is not kept: it may be a mistyped password
AUDIT_DETAIL_UNKNOWN_USER = "用户名不存在"
AUDIT_DETAIL_WRONG_PASSWORD = "密码错误（{minutes}分钟内第{count}次）"
AUDIT_DETAIL_LOCKED_NOW = "密码错误（{minutes}分钟内第{count}次），账号锁定至{until}"
AUDIT_DETAIL_STILL_LOCKED = "账号锁定中（至{until}），未核对密码"
AUDIT_DETAIL_DISABLED = "账号已停用"
AUDIT_DETAIL_USER_ADD = "账号“{name}”，角色：{role}，可查看完整信息：{unmask}"
AUDIT_DETAIL_USER_DISABLE = "账号“{name}”"
AUDIT_DETAIL_USER_PASSWD = "账号“{name}”的密码已重设，登录失败计数和锁定已清除"

# messages
MSG_LOGIN_FAILED = "用户名或密码错误"
MSG_LOGIN_LOCKED = "登录失败次数过多，账号已暂时锁定，请{minutes}分钟后再试"
MSG_ROLE_INVALID = "角色“{value}”无效，可选：city（市级）、county（县区）、department（单位）、readonly（只读）"
MSG_ROLE_NEEDS_COUNTY = "县区账号必须指定县区（--county）"
MSG_ROLE_NEEDS_DEPARTMENT = "单位账号必须指定单位（--department）"
MSG_ROLE_NO_COUNTY = "只有县区账号指定县区（--county），{role}账号不需要"
MSG_ROLE_NO_DEPARTMENT = "只有单位账号指定单位（--department），{role}账号不需要"
MSG_USER_NAME_EMPTY = "用户名不能为空"
MSG_USER_NAME_INVALID = "用户名“{value}”不可用：不能含空格、换行等字符，最多{limit}个字"
MSG_SCOPE_VALUE_INVALID = "{what}“{value}”不可用：不能为空或含换行等字符，最多{limit}个字"
MSG_USER_EXISTS = "用户名“{name}”已被使用"
MSG_USER_NOT_FOUND = "找不到账号“{name}”"
MSG_USER_ALREADY_DISABLED = "账号“{name}”已经停用"
MSG_PASSWORD_TOO_SHORT = "密码至少{minimum}个字符"
MSG_PASSWORD_TOO_LONG = "密码最多{maximum}个字符"
MSG_PASSWORD_SAME_AS_NAME = "密码不能与用户名相同"
MSG_PASSWORD_STDIN_REQUIRED = "请加 --password-stdin，从标准输入提供密码（密码不写在命令行上，以免被他人看到）"
MSG_PASSWORD_STDIN_EMPTY = "没有从标准输入读到密码"
MSG_PASSWORD_MISMATCH = "两次输入的密码不一致"
MSG_AUDIT_ACTION_INVALID = "审计操作“{value}”无效，可选：{allowed}"
MSG_AUDIT_USER_EMPTY = "审计记录必须写明操作人"
MSG_AUDIT_ROW_COUNT_INVALID = "涉及行数应为不小于0的整数，收到：{value}"
MSG_AUDIT_LIMIT_INVALID = "条数上限应为1到{maximum}之间的整数，收到：{value}"
MSG_USER_ADDED = "已添加账号“{name}”：{role}，范围：{scope}{unmask}（数据库：{db}）"
MSG_USER_ADDED_UNMASK = "，可查看完整信息"
MSG_USER_DISABLED = "已停用账号“{name}”"
MSG_PASSWORD_SET = "已重设账号“{name}”的密码"
MSG_SCOPE_VALUE_UNKNOWN = (
    "提示：数据库中还没有{what}为“{value}”的记录，请核对名称；导入相应台账之前，该账号登录后看不到任何数据"
)
PROMPT_PASSWORD = "密码："
PROMPT_PASSWORD_AGAIN = "再次输入密码："

# command-line help
HELP_USER_COMMAND = "管理登录账号：添加、列出、停用、重设密码"
HELP_USER_ACTION = "add 添加、list 列出、disable 停用、passwd 重设密码"
HELP_USER_ADD = "添加账号（密码从标准输入读取）"
HELP_USER_LIST = "列出账号（不显示密码）"
HELP_USER_DISABLE = "停用账号（停用后不能登录，记录保留）"
HELP_USER_PASSWD = "重设账号的密码（密码从标准输入读取），同时解除锁定"
HELP_USER_NAME = "用户名（登录时填写）"
HELP_USER_ROLE = "角色：city（市级）、county（县区）、department（单位）、readonly（只读）"
HELP_USER_COUNTY = "县区账号所属的县区，须与台账中的县区名称一致"
HELP_USER_DEPARTMENT = "单位账号所属的单位，须与台账中的干部单位名称一致"
HELP_USER_CAN_UNMASK = "允许查看完整的身份证号和电话（每次查看都记入审计日志）"
HELP_PASSWORD_STDIN = "从标准输入读取密码（第一行）；在终端中运行时提示输入两次"
REPORT_PAGE_SNAPSHOT_DOWNLOAD = "下载按封存数字生成的Excel报告"


# ---------------------------------------------------------------- hardening, durability and backup

MSG_FILE_PARSE_LIMIT = "文件“{file}”读取时超出了内存或时间上限（文件可能已损坏，或工作表中有远离表格的单元格），为保护系统已停止读取：请在Excel中打开，删除多余的行和列后另存为 .xlsx 再导入"
MSG_CELL_TOO_LONG = (
    "文件“{file}”中有单元格超过{cap}个字符（可能是引号没有配对），无法按表格读取：请在Excel中打开检查后另存再导入"
)
MSG_TOO_MANY_COLUMNS = "文件“{file}”有一行多达{cols}列，超过上限（{cap}列），不是可导入的台账：请删除多余的列后再导入"
HELP_BACKUP_COMMAND = "把数据库备份到一个文件（看板运行时也可进行；正在导入时会等待导入结束）"
HELP_RESTORE_COMMAND = "从备份文件恢复数据库"
HELP_BACKUP_OUT = "备份文件，如 backup/guanai-2026-11-28.duckdb"
HELP_BACKUP_FORCE = "备份文件已存在时覆盖它"
HELP_RESTORE_FROM = "由 backup 命令生成的备份文件"
HELP_RESTORE_FORCE = "数据库已存在时用备份覆盖它（请先停止看板和定时导入）"
MSG_BACKUP_NO_DATABASE = "找不到数据库文件“{db}”，没有可备份的数据"
MSG_BACKUP_EXISTS = "备份文件“{out}”已存在：请换一个文件名，或加 --force 覆盖"
MSG_BACKUP_SAME_FILE = "备份文件与数据库是同一个文件（“{out}”），请换一个文件名"
MSG_BACKUP_WRITE_FAILED = "无法写入“{path}”：请检查目录是否存在、是否有写权限、磁盘空间是否足够"
MSG_BACKUP_DONE = "已备份：{db} → {out}（{tables}张表，共{rows}行）"
MSG_RESTORE_NO_FILE = "找不到备份文件“{file}”"
MSG_RESTORE_NOT_A_BACKUP = "文件“{file}”不是本系统的备份文件，无法恢复"
MSG_RESTORE_EXISTS = (
    "数据库“{db}”已存在，恢复会用备份替换其中的全部数据：确认无误请加 --force（并先停止看板和定时导入）"
)
MSG_RESTORE_DONE = "已恢复：{file} → {db}（{tables}张表，共{rows}行）"


# ---------------------------------------------------------------- app: login, roles, unmasking, audit page
# 登录页、侧栏中的账号信息、按权限显示的页面、查看完整信息的开关和审计日志页 (app_ui/auth.py, app_pages/audit.py).

LOGIN_TITLE = "登录"
LOGIN_INTRO = "请用市、县区或单位领导小组办公室分配的账号登录。"
LOGIN_NAME = "用户名"
LOGIN_PASSWORD = "密码"
LOGIN_SUBMIT = "登录"
LOGIN_EMPTY = "请填写用户名和密码"
LOGIN_NO_ACCOUNTS = (
    "系统还没有任何账号。请系统管理员在服务器上运行 "
    "python -m pipeline user add --name 用户名 --role city --password-stdin 创建第一个市级账号，再来登录。"
)
LOGOUT = "退出登录"
SIDEBAR_ACCOUNT = "{name}（{role}）"
SIDEBAR_ACCOUNT_SCOPE = "可查看范围：{scope}"
MSG_SIGN_IN_FIRST = "请先登录。"
MSG_SESSION_ENDED = "您的账号已停用或不存在，已退出登录。"
MSG_NO_PERMISSION = "您的账号（{role}）没有使用此页面的权限。"
MSG_SCOPE_FIXED = "您的账号只能查看：{scope}"
UNMASK_TOGGLE = "显示完整身份证号和电话"
UNMASK_HELP = "仅对本页当前的统计期和范围有效；打开时记入审计日志。导出的Excel同样含完整信息，请妥善保管。"
UNMASK_ON = "本页正显示完整的身份证号和电话，已记入审计日志。"
AUDIT_DETAIL_UNMASK = "页面：{page}；统计期：{period}"
AUDIT_DETAIL_EXPORT = "文件：{file}；{masking}"
AUDIT_DETAIL_EXPORT_MASKED = "已脱敏"
AUDIT_DETAIL_EXPORT_FULL = "含完整身份证号和电话"
AUDIT_DETAIL_IMPORT = "文件：{file}；{status}；新增{inserted}、更新{updated}、未变{unchanged}、拒收{rejected}"
AUDIT_DETAIL_REOPEN = "文件：{file}；重新打开已办结问题{issues}个、已退出对象{people}名"
AUDIT_DETAIL_FULL_LIST = "文件：{file}；{county}完整名单；{count}名对象不在名单中，退出日期登记为{exit_on}"
AUDIT_DETAIL_SETTINGS = "{action}：{names}"
AUDIT_DETAIL_SETTINGS_SAVE = "保存设置"
AUDIT_DETAIL_SETTINGS_RESET = "恢复默认"
AUDIT_DETAIL_SNAPSHOT = "第{snapshot_id}号封存，统计期：{period}"
MSG_EXPORT_NOT_AUDITED = "无法写入审计日志（数据库正忙），为保护个人信息，本次没有导出。请稍后再试。"
PAGE_TITLES["audit"] = "审计日志"
AUDIT_PAGE_INTRO = "登录、导入、导出、查看完整信息、修改设置和账号管理都记在这里，只能追加，不能修改或删除。"
AUDIT_FILTER_SINCE = "起始日期"
AUDIT_FILTER_USER = "用户"
AUDIT_FILTER_ACTION = "操作"
AUDIT_PAGE_EMPTY = "没有符合条件的审计记录。"
AUDIT_PAGE_COUNT = "共{count}条（最多显示{limit}条，最新的在前）"
AUDIT_FILE_NAME = "审计日志"
QUALITY_FILE_CHECKS_CITY_ONLY = "导入文件的检查（不认识的列、拒收的行）涉及全市的原始数据，只对市级账号显示。"
UPLOAD_AUDIT_STATUS = {
    "ok": "已导入",
    "rolled_back": "整批撤回",
    "failed": "无法读取",
    "already_imported": "此前已导入，未作改动",
    "needs_confirmation": "完整名单待确认，未导入",
}
DEMO_ACCOUNTS = {"city": "演示市级", "county": "演示县区", "department": "演示单位", "readonly": "演示只读"}


# ---------------------------------------------------------------- security review: logins, sessions, the audit chain,
# files written by the command line (pipeline/access.py, pipeline/login_guard.py, app_ui/auth.py,
# pipeline/audit_chain.py, pipeline/cli/audit.py, pipeline/safe_files.py, pipeline/backup.py)

MSG_LOGIN_TOO_FAST = "登录尝试过于频繁，请一分钟后再试"
MSG_LOGIN_BUSY = "正在登录的人较多，请稍后再试"
MSG_SESSION_IDLE = "您已超过{minutes}分钟未操作，请重新登录"
AUDIT_THROTTLED_USER = "（登录过于频繁的客户端）"
AUDIT_DETAIL_THROTTLED = (
    "同一会话一分钟内超过{session}次、或同一地址超过{address}次登录尝试：本分钟内其余的尝试未核对密码即被拒绝"
)
AUDIT_DETAIL_SEPARATOR = "；"
AUDIT_DETAIL_COUNT_LOCKED = "{minutes}分钟内第{count}次，锁定至{until}"
AUDIT_DETAIL_IDLE_LOGOUT = "超过{minutes}分钟未操作，自动退出"

HELP_AUDIT_COMMAND = "审计日志：核对是否被改动（verify）、列出记录（list）"
HELP_AUDIT_ACTION = "verify 核对哈希链、list 列出记录"
HELP_AUDIT_VERIFY = "核对审计日志的哈希链，报告第一处断开的记录（退出码：0 完整，1 断开）"
HELP_AUDIT_LIST = "列出审计记录（CSV 或 JSON），从旧到新"
HELP_AUDIT_SINCE = "只列出这一天（YYYY-MM-DD）及以后的记录"
HELP_AUDIT_ACTION_FILTER = "只列出一种操作，如 login、export、import、backup、restore"
MSG_AUDIT_SINCE_INVALID = "--since 应为 YYYY-MM-DD 格式的日期，收到：{value}"
MSG_AUDIT_INTACT = (
    "审计日志完整：共{records}条记录，从起点到最后一条（第{head}号）哈希链都接得上。"
    "链头哈希：{hash}（请另行记下，日后可据此确认最新的记录没有被删除或重算）"
)
MSG_AUDIT_EMPTY_INTACT = "审计日志还没有记录，哈希链的起点完好"
MSG_AUDIT_BROKEN = "审计日志在第{audit_id}号记录处断开：{reason}"
AUDIT_BROKEN_GENESIS = "哈希链的起点（audit_chain_genesis）缺失或被改动，无法核对"
AUDIT_BROKEN_UNCHAINED = "该记录没有链接哈希，不是由本系统写入的"
AUDIT_BROKEN_LINK = "它与前一条记录（{previous}）接不上，其间有记录被删除、插入或改动过"
AUDIT_BROKEN_CONTENT = "该记录的内容与其哈希不符，已被改动过"
AUDIT_PREVIOUS_NONE = "哈希链的起点"
AUDIT_PREVIOUS_ID = "第{audit_id}号"
MSG_AUDIT_GENESIS_MISSING = "审计日志的哈希链起点（audit_chain_genesis）缺失或被改动，无法核对"
MSG_AUDIT_GUARDS_MISSING = "审计日志的保护触发器缺失（{names}）：有人绕过本系统删除了它们，审计日志可能被改动过"

AUDIT_DETAIL_CLI_OUTPUT = "{what}；{target}；已脱敏"
AUDIT_CLI_STDOUT = "输出到标准输出"
AUDIT_CLI_FILES = "文件：{files}"
AUDIT_DETAIL_OS_USER = "操作系统用户：{os_user}"
AUDIT_WHAT_METRICS = "指标（{period}，按{by}，{scope}）"
AUDIT_WHAT_OVERDUE = "督办清单（{period}，{what}，{scope}）"
AUDIT_WHAT_TEMPLATE = "空白导入模板（{kind}），不含数据"
AUDIT_WHAT_REPORT = "调度报告（{period}，{scope}）"
AUDIT_WHAT_SNAPSHOT_LIST = "封存列表"
AUDIT_WHAT_SNAPSHOT_COMPARE = "与第{snapshot_id}号封存对比（按{by}）"
AUDIT_WHAT_AUDIT_LIST = "审计日志（命令行 audit list）"
AUDIT_DETAIL_BACKUP = "备份到文件“{file}”（{tables}张表，共{rows}行；操作系统用户：{os_user}）"
AUDIT_DETAIL_RESTORE = (
    "从备份文件“{file}”恢复（{tables}张表，共{rows}行；操作系统用户：{os_user}）；恢复前的数据库：{before}"
)
RESTORE_BEFORE_NONE = "不存在"
RESTORE_BEFORE_UNREADABLE = "无法打开（{detail}）"
RESTORE_BEFORE_AUDIT = "审计记录{records}条，最后一条第{last_id}号，链头哈希{hash}"
MSG_RESTORE_NOT_AUDITED = "已恢复数据库，但未能在其中写入恢复的审计记录（{detail}）：请立即运行 audit verify 核对"
MSG_BACKUP_NOT_AUDITED = "未能在数据库中写入备份的审计记录（{detail}），备份文件未保留"
MSG_RESTORE_NEW_ACCOUNTS = (
    "备份中有{count}个账号在当前数据库中没有或已停用，恢复后它们可以登录：\n{accounts}\n"
    "本次没有恢复。核对无误、确需保留这些账号，请加 --keep-accounts 重新运行"
)
RESTORE_ACCOUNT_LINE = "  {name}（{role}，{scope}）：{why}"
RESTORE_ACCOUNT_UNKNOWN = "当前数据库中没有此账号"
RESTORE_ACCOUNT_REENABLED = "当前数据库中已停用，备份中未停用"
HELP_RESTORE_KEEP_ACCOUNTS = "备份中有当前数据库没有（或已停用）的账号时，仍然恢复并保留它们"
HELP_CLI_USER = "记入审计日志的操作人（默认：命令行）"

MSG_OUTPUT_EXISTS = "文件“{path}”已存在：请换一个文件名，或加 --force 覆盖"
MSG_OUTPUT_IS_DATABASE = (
    "“{path}”是正在使用的数据库（或它的日志、临时文件），任何时候都不能写入，加 --force 也不行：请换一个文件名"
)
MSG_OUTPUT_IS_DIRECTORY = "“{path}”是一个文件夹：请给出要写入的文件名"
MSG_OUTPUT_TWICE = "同一个文件“{path}”不能同时用作两种输出"
MSG_OUTPUT_WRITTEN = "已写入：{path}"
HELP_FORCE_OUTPUT = "输出文件已存在时覆盖它（正在使用的数据库及其日志除外）"
HELP_OUT_FILE = "写入此文件（默认：输出到标准输出）"

# ---------------------------------------------------------------- large files: archives, chunks, progress (SPEC §4)
# pipeline/ingest/archive.py, stream.py, chunked.py; the progress bar of `python -m pipeline import`.

MSG_ARCHIVE_CORRUPT = "压缩包“{file}”已损坏，无法解压：请重新压缩后再上传"
MSG_ARCHIVE_EMPTY = "压缩包“{file}”里没有文件：请把要导入的表格文件放进压缩包后再上传"
MSG_ARCHIVE_SEVERAL = "压缩包“{file}”里有{count}个文件（{names}），一个压缩包只能放一个表格文件：请分别压缩后再上传"
ARCHIVE_MORE_FILES = "等"
MSG_ARCHIVE_NESTED = "压缩包“{file}”里的“{member}”又是一个压缩包：请先解压，再把其中的表格文件单独压缩后上传"
MSG_ARCHIVE_NOT_SHEET = "压缩包“{file}”里的“{member}”不是表格文件：压缩包里只能放一个 .xlsx、.xls 或 .csv 文件"
MSG_ARCHIVE_ENCRYPTED = "压缩包“{file}”设置了密码：请不设密码重新压缩后再上传"
ZIP_RATIO_DETAIL = "压缩比约{ratio:.0f}倍"
ZIP_SIZE_DETAIL = "解压后超过{size_gb:.1f}GB"
MSG_STREAM_TOO_MANY_REJECTED = (
    "文件“{file}”被拒收的行已超过{cap:,}行，为保护系统已停止导入，本文件未导入任何数据："
    "请先查看前面几行的拒收原因（例如是否还没有导入结对台账），修正后再导入"
)
HELP_IMPORT_FILES = (
    "要导入的文件：.xlsx、.xlsm、.xls、.csv，或只装一个表格文件的 .zip、.gz；"
    "CSV 按块读取，不受看板上传的200MB、100万行限制；在终端中运行时显示进度条"
)
PROGRESS_READING = "读取“{file}”：{rows:,}行，{done}/{total}（{percent:.0f}%）"
PROGRESS_READING_NO_TOTAL = "读取“{file}”：{rows:,}行，{done}"
PROGRESS_WRITING = "写入数据库：“{file}”，共{rows:,}行……"
PROGRESS_DONE = "“{file}”：{rows:,}行，用时{seconds:.1f}秒"
UPLOAD_STEP_READING = "正在读取并逐行检查“{file}”……"
UPLOAD_STEP_WRITING = "正在写入数据库：“{file}”，共{rows:,}行……"
UPLOAD_STEP_DONE = "“{file}”处理完毕"

# ---------------------------------------------------------------- 督办事项 (SPEC §7)
# pipeline/supervision/, pipeline/cli/supervise.py, app_pages/supervision.py, app_ui/supervision_view.py.

PAGE_TITLES["supervision"] = "督办事项"
AUDIT_ACTION_LABELS["supervise"] = "督办事项"
SV_NUMBER = "督办〔{year}〕第{number}号"
SV_SOURCE_LABELS = {
    "overdue_contacts": "超期未联系",
    "overdue_issues": "超期未办结",
    "behind": "落后单位",
    "other": "其他",
}
SV_STATE_LABELS = {
    "assigned": "已交办",
    "signed": "已签收",
    "answered": "已反馈",
    "closed": "已销号",
    "withdrawn": "已撤销",
}
SV_STEP_LABELS = {
    "raise": "交办",
    "sign": "签收",
    "feedback": "反馈",
    "return": "退回",
    "press": "催办",
    "extension_request": "延期申请",
    "extension_grant": "批准延期",
    "extension_refuse": "不批准延期",
    "explain": "情况说明",
    "accept": "采纳情况说明",
    "ready": "标记可销号",
    "close": "销号",
    "withdraw": "撤销",
}
SV_TEXT_WHAT = {
    "feedback": "反馈内容",
    "return": "退回理由",
    "extension_request": "延期理由",
    "explain": "情况说明",
    "withdraw": "撤销理由",
}
SV_LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
SV_DAYS_LEFT = "剩{days}个工作日"
SV_DUE_TODAY = "今天到期"
SV_DAYS_OVERDUE = "超期{days}天"
SV_DUE_ESTIMATED = (
    "办理时限所在年份的节假日安排尚未收录（chinese-calendar 只收录已公布的年份），按周一至周五推算，请核对；"
    "更新 chinese-calendar 后新交办的事项按正式安排计算。"
)
SV_DUE_ESTIMATED_SHORT = "（按周一至周五推算）"
SV_DUE_EXTENDED = "（已延期，原时限{first}）"
SV_LINE_SUMMARY = "{cadre}：{item}"
SV_LINE_TEXT = "明细"
SV_LINE_DONE = "已落实"
SV_LINE_OPEN = "未落实"
SV_EVIDENCE = "{date} {what}"
SV_EVIDENCE_NO_DATE = "{what}（台账未填办结日期）"
SV_EVIDENCE_ACCEPTED = "{date} 采纳情况说明"
SV_EVIDENCE_NONE = "未落实"
SV_OPEN_LINE = "第{line}条（{summary}）"
SV_OPEN_LINES_SEPARATOR = "；"
SV_LINE_NAME_PAIR = "{cadre}结对的{name}"
SV_LINE_NAME_ISSUE = "{name}的问题{issue_no}"
SV_PRESS_TEXT = "{way}：{note}"
SV_REQUIREMENT_HEAD = "请{department}于{due}前督促本单位结对干部落实以下{count}项事项，并在督办事项页反馈办理情况："
SV_REQUIREMENT_TAIL = "逐项落实后以走访记录、问题台账为准核销；确有困难的，请说明情况。"
SV_MATTER = "{source}（{count}项）"

SV_FIELD_NUMBER = "编号"
SV_FIELD_DEPARTMENT = "承办单位"
SV_FIELD_MATTER = "督办事项"
SV_FIELD_LEVEL = "督办级别"
SV_FIELD_REQUIREMENT = "督办要求"
SV_FIELD_RAISED_ON = "交办日期"
SV_FIELD_DUE = "办理时限"
SV_FIELD_RAISED_BY = "交办人"
SV_FIELD_STATE = "办理状态"
SV_FIELD_NOTE = "说明"
SV_FIELD_SOURCE = "来源"
SV_FIELD_DAYS = "办理时限（工作日）"
SV_FIELD_LINES = "明细（每行一项）"
SV_FIELD_WAY = "催办方式"
SV_FIELD_NEW_DUE = "申请延至"
SV_FIELD_LINE = "明细"

# columns of the list, the lines, the history and the figures (on screen and in the .xlsx downloads)
SV_COLUMN_LABELS = {
    "number_text": "编号",
    "department": "承办单位",
    "source_label": "来源",
    "level": "督办级别",
    "raised_on": "交办日期",
    "due_on": "办理时限",
    "light_label": "灯",
    "days_label": "剩余/超期",
    "state_label": "状态",
    "lines_label": "明细落实",
    "ready_label": "可销号",
    "presses": "催办次数",
    "line_no": "序号",
    "kind_label": "类型",
    "beneficiary_name": "对象",
    "id_number": "身份证号",
    "cadre_name": "结对干部",
    "summary": "事项",
    "done_label": "落实情况",
    "evidence": "依据",
    "explanation": "情况说明",
    "acted_on": "日期",
    "user_name": "操作人",
    "step_label": "操作",
    "text": "内容",
    "pressed_on": "催办日期",
    "way": "方式",
    "note": "说明",
    "requested_on": "申请日期",
    "new_due_on": "申请延至",
    "reason": "理由",
    "requested_by": "申请人",
    "decision_label": "审批结果",
    "decided_on": "审批日期",
    "decided_by": "审批人",
    "items": "督办事项数",
    "feedback_on_time_rate": "按期反馈率",
    "close_on_time_rate": "按期销号率",
    "overdue_open": "超期未销号数",
    "avg_days_to_close": "平均办结天数",
    "presses_total": "催办次数",
    "feedback_due": "应反馈数",
    "feedback_on_time": "按期反馈数",
    "close_due": "应销号数",
    "closed_on_time": "按期销号数",
    "closed": "已销号数",
    "days_overdue": "超期天数",
    "answered": "是否反馈",
}
SV_KIND_LABELS = {"pair": "超期未联系", "issue": "超期未办结", "text": "其他"}
SV_DECISION_LABELS = {"granted": "批准", "refused": "不批准"}
SV_YES = "是"

# the 督办单 and the 督办通报
SV_SHEET_TITLE = "督 办 单"
SV_SHEET_FILE = "督办单_{number}"
SV_SHEET_LINES = "督办明细（共{count}项，已落实{done}项）"
SV_SHEET_LINE_HEADERS = ("序号", "对象", "身份证号", "结对干部", "事项", "落实情况")
SV_SHEET_FEEDBACK = "办理反馈"
SV_SHEET_FEEDBACK_BLANK = (
    "承办单位签收人：＿＿＿＿＿＿　签收日期：＿＿＿＿年＿＿月＿＿日",
    "办理情况（逐项说明落实情况，确有困难的说明原因）：",
    "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿",
    "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿",
    "承办单位负责人（签字）：＿＿＿＿＿＿　（单位盖章）",
)
SV_SHEET_FEEDBACK_LINE = "{date}，{user}反馈：{text}"
SV_SHEET_PRESSES = "已催办{count}次。"
SV_SHEET_SIGNATURE = "结对关爱行动领导小组办公室\n{date}"
SV_BULLETIN_TITLE = "关于{scope}{period}督办事项落实情况的通报"
SV_BULLETIN_AS_OF = "（截至{date}）"
SV_BULLETIN_NONE = "{period}，{scope}没有交办督办事项。"
SV_BULLETIN_SUMMARY = (
    "{period}，{scope}共交办督办事项{items}件，涉及{departments}个单位。截至{as_of}，已销号{closed}件，"
    "按期销号率{close_rate}，按期反馈率{feedback_rate}；超期未销号{overdue}件；{days}累计催办{presses}次。"
)
SV_BULLETIN_LATE_FEEDBACK = "未按期反馈的单位：{departments}。"
SV_BULLETIN_TABLE = "一、各单位督办落实情况"
SV_BULLETIN_OVERDUE = "二、超期未销号事项"
SV_BULLETIN_NO_OVERDUE = "本期交办的督办事项均未超期。"
SV_BULLETIN_OVERDUE_INTRO = (
    "以下{count}件督办事项已超过办理时限仍未销号，请相关单位抓紧办理，并于三个工作日内报送办理情况："
)
SV_BULLETIN_OVERDUE_ITEM = (
    "{number}. {item}（{department}，{level}，办理时限{due}，已超期{days}天，{answered}，已催办{presses}次）"
)
SV_BULLETIN_DAYS = "已销号事项平均办结{days}天；"
SV_BULLETIN_ANSWERED = "已反馈"
SV_BULLETIN_NOT_ANSWERED = "未反馈"
SV_BULLETIN_NOTE = (
    "说明：统计本期交办的督办事项（已撤销的不计），办理情况截至通报日期；按期反馈率、按期销号率以办理时限"
    "（含批准的延期）为准，超过时限仍未反馈的计为未按期反馈；平均办结天数为交办至销号的自然日数。"
)

# audit records (action supervise): item number, department and step, never a person's name or typed text
SV_AUDIT_DETAIL = "{number}（{department}）：{step}{extra}"
SV_AUDIT_SEPARATOR = "，"
SV_RAISE_TEXT = "明细{lines}项，办理时限{due}"
SV_AUDIT_DUE = "，时限{due}"
SV_AUDIT_PRESS = "，方式：{way}"
SV_AUDIT_LINE = "，第{line}条明细"
SV_AUDIT_EXPORT = "导出{what}：{target}"
SV_AUDIT_STDOUT = "输出到标准输出"
SV_AUDIT_FILES = "写入文件{files}"
SV_AUDIT_WHAT_LIST = "督办事项清单"
SV_AUDIT_WHAT_SHOW = "督办事项{number}"
SV_AUDIT_WHAT_DUE = "临近和超过办理时限的督办事项（{days}个工作日内）"
SV_AUDIT_WHAT_SHEET = "督办单{number}"
SV_AUDIT_WHAT_BULLETIN = "督办通报（{period}）"

# messages
SV_MSG_STEP_UNKNOWN = "未知的督办操作“{step}”"
SV_MSG_OFFICE_ONLY = "{number}的“{step}”只能由督办机关（市级，或该事项所在县区）办理"
SV_MSG_DEPARTMENT_ONLY = "{number}的“{step}”只能由承办单位“{department}”的账号办理"
SV_MSG_WRONG_STATE = "{number}目前“{state}”，不能“{step}”"
SV_MSG_TEXT_REQUIRED = "请填写{what}"
SV_MSG_TEXT_TOO_LONG = "{what}最多{limit}个字"
SV_MSG_NOT_FOUND = "找不到第{item}号督办事项（或不在您的权限范围内）"
SV_MSG_CONFLICT = "另一位用户刚刚办理了同一督办事项，请刷新后重试"
SV_MSG_DUE_PAST = "办理时限{due}早于今天（{today}）"
SV_MSG_DAYS_INVALID = "办理时限“{value}”无效：应为1到{maximum}个工作日"
SV_MSG_DEPARTMENT_INVALID = "承办单位“{value}”无效"
SV_MSG_COUNTY_ONLY = "县区账号只能就本县区（{county}）的对象交办督办事项"
SV_MSG_COUNTY_DEPARTMENT = "“{department}”没有干部与{county}的对象结对，县区账号不能向它交办督办事项"
SV_MSG_RAISE_NOT_ALLOWED = "{role}账号不能交办督办事项"
SV_MSG_SOURCE_INVALID = "督办事项来源“{value}”无效"
SV_MSG_LEVEL_INVALID = "督办级别“{value}”无效，可选：{allowed}"
SV_MSG_NO_LINES = "没有可交办给“{department}”的明细：所选统计期内该单位没有这类超期事项，或所选干部没有"
SV_MSG_TOO_MANY_LINES = "一件督办事项最多{limit}项明细，这次有{count}项：请按干部分开交办"
SV_MSG_LINE_INVALID = "{number}没有第{line}条明细"
SV_MSG_LINE_DONE = "{number}第{line}条明细已有数据依据，无需采纳情况说明"
SV_MSG_ACCEPT_NEEDS_TEXT = "第{line}条明细还没有承办单位的情况说明：请写明采纳的理由"
SV_MSG_WAY_INVALID = "催办方式“{value}”无效，可选：{allowed}"
SV_MSG_EXTENSION_DATE = "申请延期的日期应晚于现在的办理时限（{due}）"
SV_MSG_EXTENSION_PENDING = "{number}已有一项延期申请等待审批"
SV_MSG_NO_PENDING_EXTENSION = "{number}没有等待审批的延期申请"
SV_MSG_CLOSE_REFUSED = "{number}还不能销号：以下明细尚无落实依据——{lines}"
SV_MSG_READY_AFTER_IMPORT = "导入后核对督办事项：{count}件的明细已全部落实，标记为可销号（{numbers}）"
SV_MSG_READY_FAILED = "导入已完成，但未能核对督办事项的落实情况（{error}）：打开督办事项页时仍按最新数据显示"
SV_MSG_RAISED = "已交办{number}：承办单位{department}，明细{lines}项，办理时限{due}"
SV_MSG_STEP_DONE = "{number}：已{step}，目前“{state}”"
SV_MSG_DUE_SUMMARY = "{count}件督办事项已超期或{days}个工作日内到期"
SV_MSG_WRITTEN = "已写入：{path}"
SV_MSG_DATE_INVALID = "{what} 的日期“{value}”无效，应为 YYYY-MM-DD"
SV_MSG_FORMAT_INVALID = "输出格式“{value}”无效，可选：{allowed}"
SV_MSG_ITEM_INVALID = "督办事项编号“{value}”无效：应为督办事项的序号（supervise list 的 id 列）"
SV_MSG_USER_REQUIRED = "请用 --user 指明办理人的账号（角色和范围按该账号）"
SV_MSG_USER_UNKNOWN = "找不到账号“{name}”（或已停用）：请用 python -m pipeline user list 查看"
SV_MSG_PERIOD_REQUIRED = "--from {source} 需要 --period：交办哪一期的超期清单"
SV_MSG_CADRE_NOT_FOUND = "这些干部在该期该单位的超期清单中没有事项：{names}"
SV_MSG_STATE_INVALID = "状态“{value}”无效，可选：{allowed}"
SV_MSG_WITHIN_INVALID = "--within “{value}”无效"

# command-line help
SV_HELP_COMMAND = "督办事项：交办、签收、反馈、催办、销号、督办单和督办通报"
SV_HELP_ACTIONS = "open 交办、list 清单、show 详情、sign 签收、feedback 反馈、press 催办、return 退回、extend 延期申请、decide 审批延期、explain 情况说明、accept 采纳情况说明、close 销号、withdraw 撤销、due 临近到期、sheet 督办单、bulletin 督办通报"
SV_HELP_USER = "办理人的账号（角色和范围按该账号；查看类命令不写则为全市）"
SV_HELP_ITEM = "督办事项的序号（supervise list 的 id 列）"
SV_HELP_OPEN = "交办督办事项（一个承办单位一件）"
SV_HELP_DEPARTMENT = "承办单位"
SV_HELP_DEPARTMENT_FILTER = "只列出一个承办单位的事项"
SV_HELP_FROM = "来源：overdue-contacts 超期未联系、overdue-issues 超期未办结、behind 落后单位（两类都有）、other 其他（用 --line 写明细）"
SV_HELP_CADRE = "只交办这些干部的超期事项（默认：该单位全部）"
SV_HELP_LINE = "手写的明细，每个参数一项"
SV_HELP_DUE = "办理时限（日期 YYYY-MM-DD）"
SV_HELP_DAYS = "办理时限（交办后的工作日数，默认10；法定节假日不计，调休上班日计入）"
SV_HELP_LEVEL = "督办级别：一般（默认）、重点、挂牌"
SV_HELP_REQUIREMENT = "督办要求（默认按督办提醒的文字生成）"
SV_HELP_LIST = "督办事项清单（CSV 或 JSON）"
SV_HELP_STATE = "只列出这些状态：assigned 已交办、signed 已签收、answered 已反馈、closed 已销号、withdrawn 已撤销"
SV_HELP_OVERDUE = "只列出超期未销号（红灯）的事项"
SV_HELP_SHOW = "一件督办事项的详情：明细及依据、办理记录"
SV_HELP_SHOW_FORMAT = "输出格式：text（默认）或 json"
SV_HELP_STEPS = {
    "sign": "签收（承办单位）",
    "feedback": "反馈办理情况（承办单位）",
    "press": "催办（督办机关）",
    "return": "退回反馈（督办机关）",
    "extension_request": "申请延期（承办单位）",
    "explain": "就一条明细作情况说明（承办单位）",
    "accept": "采纳一条明细的情况说明（督办机关）",
    "close": "销号（督办机关；明细须全部有落实依据）",
    "withdraw": "撤销（督办机关）",
}
SV_HELP_WAY = "催办方式：电话、通知、约谈"
SV_HELP_NEW_DUE = "申请延至的日期 YYYY-MM-DD"
SV_HELP_LINE_NO = "明细的序号"
SV_HELP_DECIDE = "批准或不批准延期申请（督办机关）"
SV_HELP_DUE_COMMAND = "已超期或即将到期的督办事项（供每天早上定时运行）"
SV_HELP_WITHIN = "列出剩余工作日不超过此数的事项（默认3，即黄灯）和全部红灯事项"
SV_HELP_SHEET = "督办单（Word，可另存 HTML、PDF）"
SV_HELP_BULLETIN = "督办通报（Word，可另存 HTML、PDF）"
SV_HELP_OUT = "Word 文件（.docx）"
SV_HELP_HTML = "同时写出可打印的 HTML"
SV_HELP_PDF = "同时写出 PDF（需要 Chromium）"
SV_SHOW_HEAD = (
    "{number}　承办单位：{department}　状态：{state}　{light}（{days}）\n"
    "交办日期：{raised_on}　办理时限：{due}　督办级别：{level}　明细落实：{done}/{lines}　催办：{presses}次"
)
SV_SHOW_LINE = "{line}. [{mark}] {summary}　依据：{evidence}"
SV_SHOW_STEP = "{date}　{user}　{step}　{text}"

# the 督办事项 page and the sections of the 部门 and 督办提醒 pages
SV_PAGE_KPI_OPEN = "在办事项（件）"
SV_PAGE_KPI_RED = "红灯：已超期（件）"
SV_PAGE_KPI_YELLOW = "黄灯：将到期（件）"
SV_PAGE_KPI_READY = "可销号（件）"
SV_PAGE_EMPTY = "还没有督办事项。可以在“督办提醒”页或“单位”页把超期事项交办给单位，也可以在本页下方手工交办。"
SV_PAGE_EMPTY_READER = "您的范围内还没有督办事项。"
SV_PAGE_FILTER_STATE = "状态"
SV_PAGE_FILTER_OVERDUE = "只看超期未销号（红灯）"
SV_PAGE_LIST_NOTE = (
    "显示{count}件（共{total}件）。灯：绿灯剩余3个工作日以上，黄灯3个工作日以内，红灯已超过办理时限仍未销号。"
)
SV_PAGE_LIST_FILE = "督办事项清单"
SV_PAGE_PICK = "查看督办事项"
SV_PAGE_PICK_HINT = "在表格中选一行，或在此选择编号"
SV_PAGE_PICK_NOTE = "选择一件督办事项，查看明细的落实依据、办理记录，并签收、反馈、催办或销号。"
SV_PAGE_ITEM_NOT_FOUND = "链接中的第{item}号督办事项不存在，或不在您的权限范围内。"
SV_PAGE_ITEM_HEADING = "{number}　{department}"
SV_PAGE_ITEM_FIELDS = "来源：{source}　督办级别：{level}　交办日期：{raised_on}　办理时限：{due}　交办人：{raised_by}"
SV_PAGE_LIGHT = "灯"
SV_PAGE_LINES_DONE = "明细落实"
SV_PAGE_LINES_FILE = "督办明细_{number}"
SV_PAGE_READY = "{number}的明细已全部有落实依据，可以销号。"
SV_PAGE_NOT_READY = "明细已落实{done}/{lines}项：全部有落实依据（走访记录、问题台账，或采纳的情况说明）后才能销号。"
SV_PAGE_READONLY = "只读账号只能查看。"
SV_PAGE_ACTIONS = "办理"
SV_PAGE_LINE_OPTION = "第{line}条：{summary}"
SV_PAGE_CLOSE_NOTE = "{lines}项明细均已有落实依据。销号后事项办结，不能再催办或反馈。"
SV_PAGE_HISTORY = "办理记录"
SV_PAGE_PRESSES = "催办记录（{count}）"
SV_PAGE_EXTENSIONS = "延期申请（{count}）"
SV_PAGE_NO_PRESSES = "还没有催办。"
SV_PAGE_NO_EXTENSIONS = "没有延期申请。"
SV_PAGE_PENDING = "待审批"
SV_PAGE_SHEET_DOCX = "下载督办单（Word）"
SV_PAGE_SHEET_PDF = "下载督办单（PDF）"
SV_PAGE_FIGURES = "督办落实情况：{period}交办的督办事项"
SV_PAGE_FIGURES_FILE = "督办落实情况"
SV_FIGURES_NOTE = (
    "按承办单位统计所选统计期内交办的督办事项（已撤销的不计），办理情况截至{as_of}。按期反馈率＝按期反馈数÷应反馈数"
    "（已反馈或已过办理时限的事项），按期销号率＝按期销号数÷应销号数（已销号或已过办理时限的事项）；"
    "平均办结天数为交办至销号的自然日数。"
)
SV_PAGE_BULLETIN_DOCX = "下载督办通报（Word）"
SV_PAGE_BULLETIN_PDF = "下载督办通报（PDF）"
SV_PAGE_BULLETIN_FILE = "督办通报_{scope}_{period}"
SV_PAGE_HAND_RAISE = "手工交办督办事项"
SV_PAGE_HAND_DEPARTMENT_HINT = "请选择承办单位"
SV_PAGE_HAND_BUTTON = "交办"
SV_PAGE_RAISED = "已交办：{numbers}"
SV_PAGE_RAISE_DEPARTMENTS = "承办单位（每个单位交办一件）"
SV_PAGE_RAISE_DEPARTMENTS_HINT = "选择一个或多个单位"
SV_PAGE_RAISE_PICK = "选择承办单位后，这里列出将交办的明细和督办要求。"
SV_PAGE_RAISE_CADRES = "只交办这些干部的事项"
SV_PAGE_RAISE_CADRES_HINT = "不选则交办所选单位的全部超期事项"
SV_PAGE_RAISE_DUE = "办理时限：{due}（交办后{days}个工作日，法定节假日不计，调休上班日计入）"
SV_PAGE_RAISE_NOTHING = "{department}在所选统计期没有这类超期事项。"
SV_PAGE_RAISE_REQUIREMENT = "督办要求：{department}（{count}项明细，可修改）"
SV_PAGE_RAISE_BUTTON = "交办（{count}件）"
SV_DEPARTMENT_HEADING = "督办落实情况：{department}"
SV_DEPARTMENT_NONE = "{period}没有交办给该单位的督办事项。"
SV_DEPARTMENT_FILE = "督办落实情况_{department}"
SV_DEPARTMENT_OPEN = "该单位有{count}件在办督办事项，查看"
SV_DEPARTMENT_RAISE = "向{department}交办督办事项"
SV_REMINDERS_RAISE = "交办督办事项"
SV_REMINDERS_RAISE_NOTE = (
    "把所选统计期的超期事项交办给单位：每个单位一件督办事项，明细和督办要求按上面的提醒生成，可修改。"
)
SV_PAGE_FIGURES_NONE = "{period}没有交办的督办事项。"
SV_REPORT_SHEET = "督办落实情况"
SV_REPORT_HEADING = "督办落实情况：{period}交办的督办事项"
SV_REPORT_NOTE = (
    "统计本期交办的督办事项（已撤销的不计），办理情况截至{as_of}。按期反馈率＝按期反馈数÷应反馈数（已反馈或已过办理时限的事项），"
    "超过时限仍未反馈的计为未按期反馈；按期销号率＝按期销号数÷应销号数；平均办结天数为交办至销号的自然日数。"
)
_SV_REPORT_COLUMNS = ("items", "feedback_on_time_rate", "close_on_time_rate", "overdue_open", "avg_days_to_close")
_SV_REPORT_COUNTS = ("presses", "feedback_due", "feedback_on_time", "close_due", "closed_on_time", "closed")
REPORT_COLUMN_LABELS.update({key: SV_COLUMN_LABELS[key] for key in (*_SV_REPORT_COLUMNS, *_SV_REPORT_COUNTS)})


# ---------------------------------------------------------------- 回访核查 (SPEC §8)
# The fourth kind of spreadsheet `callback`, the samples drawn for the callers and their sheet, the page 回访核查,
# the doubtful records (疑点) and the contacts a callback found untrue. pipeline/callbacks/, pipeline/cli/callback.py,
# app_pages/callbacks.py, pipeline/sql/checks/doubt_*.sql, docs/callbacks.md.

KIND_LABELS["callback"] = "回访记录"
PAGE_TITLES["callbacks"] = "回访核查"

CALLBACK_KNOWS = [CALLBACK_YES, CALLBACK_NO]
CALLBACK_REACH_ALIASES = {
    "已接通": "接通",
    "接听": "接通",
    "已接听": "接通",
    "未接": "未接通",
    "无人接听": "未接通",
    "拒接": "未接通",
    "关机": "未接通",
    "占线": "未接通",
    "空号": "空号停机",
    "停机": "空号停机",
    "空号/停机": "空号停机",
}
CALLBACK_KNOWS_ALIASES = {"认识": "是", "不认识": "否", "知道": "是", "不知道": "否"}
CALLBACK_TRUTH_ALIASES = {
    "真实": "属实",
    "不真实": "不属实",
    "记不清楚": "记不清",
    "不清楚": "记不清",
    "说不清": "记不清",
}
CALLBACK_SATISFACTION_ALIASES = {"非常满意": "满意", "很满意": "满意", "比较满意": "基本满意"}
# the answers that say the call reached nobody: then the questions were not asked
CALLBACK_UNREACHED = ["未接通", "空号停机"]

_CALLBACK_SHEET_RULE = "回访清单中的参考信息，导入时不使用"
CALLBACK_COLUMNS = (
    Column(
        "id_number",
        "身份证号",
        (*_ID_ALIASES, "对象身份证号码"),
        True,
        "18位公民身份号码；回访清单中已脱敏的号码（620102********1234）凭同一行的抽样编号、序号对应到对象",
    ),
    Column("callback_date", "回访日期", ("回访时间", "电话回访日期"), True, "不得晚于导入当天；" + _DATE_RULE),
    Column("caller", "回访人", ("回访人员", "回访工作人员", "核查人"), False, "打电话的工作人员"),
    Column(
        "reach",
        "接通情况",
        ("是否接通", "接通状态", "电话接通情况"),
        True,
        "接通、未接通、空号停机；未接通时后面几问留空",
        tuple(CALLBACK_REACH),
    ),
    Column(
        "knows_cadre",
        "是否认识结对干部",
        ("是否认识帮扶干部", "认识结对干部", "是否认识干部", "是否认识帮扶责任人"),
        False,
        "",
        tuple(CALLBACK_KNOWS),
    ),
    Column(
        "contact_truth",
        "近期联系是否属实",
        ("联系是否属实", "走访是否属实", "近期走访是否属实"),
        False,
        "对照“本期联系记录”询问",
        tuple(CALLBACK_TRUTH),
    ),
    Column(
        "satisfaction",
        "对帮扶是否满意",
        ("是否满意", "满意度", "帮扶满意度", "群众满意度"),
        False,
        "",
        tuple(SATISFACTION),
    ),
    Column(
        "reported_issue",
        "反映问题",
        ("反映的问题", "群众反映问题", "意见建议"),
        False,
        "填写后可登记为问题台账中的问题",
    ),
    Column("sample_id", "抽样编号", ("回访清单编号",), False, "回访清单自带，请勿改动"),
    Column("line_no", "序号", (), False, "回访清单自带，请勿改动"),
    Column("name", "姓名", ("对象姓名", "帮扶对象姓名"), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("county", "县区", ("所属县区",), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("township", "乡镇", ("乡镇(街道)", "所属乡镇"), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("village", "村社区", ("村(社区)",), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("phone", "对象电话", ("对象联系电话", "联系电话"), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("cadre_name", "结对干部", ("帮扶干部", "干部姓名"), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("cadre_phone", "干部电话", (), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("department", "干部单位", ("帮扶单位",), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("contacts_in_period", "本期联系记录", (), False, _CALLBACK_SHEET_RULE, imported=False),
    Column("doubt", "疑点", ("抽中原因",), False, _CALLBACK_SHEET_RULE, imported=False),
)
COLUMNS["callback"] = CALLBACK_COLUMNS

# rows of a callback sheet
MSG_POSITIVE_INTEGER = "{column}“{value}”应为正整数"
MSG_CALLBACK_UNREACHED_ANSWERS = "接通情况为“{reach}”，却填写了{columns}：电话没有接通时不应有回答，请核对"
MSG_CALLBACK_MASKED_ID = "身份证号“{value}”已脱敏，须同时填写回访清单的抽样编号和序号，才能对应到对象"
MSG_CALLBACK_NO_LINE = "回访清单第{sample}号没有序号{line}（或不在您的查看范围内），无法对应身份证号“{value}”"
MSG_CALLBACK_LINE_MISMATCH = (
    "身份证号“{value}”与回访清单第{sample}号序号{line}的对象（{expected}）不符，请核对是否填错了行"
)
MSG_CALLBACK_SAMPLE_UNKNOWN = "抽样编号{sample}不存在，请核对"
MSG_CALLBACK_UNANSWERED = "工作表“{sheet}”中有{count}行尚未填写回访结果（回访日期、接通情况等都为空），已跳过"
MSG_CALLBACK_NOTHING_ANSWERED = "回访清单中还没有填写任何回访结果（回访日期、接通情况等都为空），没有可导入的行"

# ---------------------------------------------------------------- drawing a sample (pipeline/callbacks/sample.py)

MSG_SAMPLE_HOW = "请给出每单位抽几人（--per-department N）或抽取比例（--share 0.05），二者选一"
MSG_SAMPLE_PER_DEPARTMENT = "每单位抽取人数应为1到{limit}之间的整数，收到：{value}"
MSG_SAMPLE_SHARE = "抽取比例应大于0、不超过1（如 0.05 即5%），收到：{value}"
MSG_SAMPLE_SEED = "随机种子应为0到{limit}之间的整数，收到：{value}"
MSG_SAMPLE_NOT_ALLOWED = "{role}账号不能抽取回访样本或登记回访记录"
MSG_SAMPLE_EMPTY = "所选统计期和范围内没有可抽取的结对对象（期末没有有效结对，或都在{days}天内回访过）"
MSG_SAMPLE_NOT_FOUND = "找不到第{sample}号抽样（或不在您的查看范围内）"
MSG_SAMPLE_DRAWN = "已抽取第{sample}号回访样本：{period}，{scope}，{departments}个单位共{people}人（随机种子{seed}）"
MSG_SAMPLE_SEED_CHOSEN = "未指定随机种子，本次随机选用{seed}，已随抽样保存；用同一种子可在同样的数据上重新抽出同一批人"
MSG_SAMPLE_SKIPPED = "{count}名对象在{since}之后已回访过，本次不抽"
MSG_SAMPLE_SHORT = "以下单位可抽的对象不足（其余已在近期回访过）：{departments}"
MSG_SAMPLE_UNMASK_DENIED = (
    "账号“{name}”没有查看完整信息的权限，不能导出含完整电话的回访清单（去掉 --unmask 即为脱敏清单）"
)
MSG_SAMPLE_UNMASK_USER = "--unmask 须与 --user 一起使用：导出完整电话需要有查看完整信息权限的账号，并记入审计日志"
SAMPLE_RULE_COUNT = "每单位{count}人"
SAMPLE_RULE_SHARE = "每单位按结对数的{share}（至少1人）"
SAMPLE_DOUBT_SEPARATOR = "；"
AUDIT_DETAIL_SAMPLE = "抽取第{sample}号回访样本：{period}，{rule}，{people}人，随机种子{seed}"
AUDIT_WHAT_SAMPLE_SHEET = "回访清单（第{sample}号抽样，{masking}）"
AUDIT_DETAIL_CALLBACK_ENTRY = (
    "回访记录（页面录入，第{sample}号抽样）：{status}；新增{inserted}、更新{updated}、未变{unchanged}、拒收{rejected}"
)
AUDIT_DETAIL_CALLBACK_ISSUE = "回访反映问题登记为问题台账（{date}回访，{category}）：{status}"
AUDIT_WHAT_DOUBTFUL = "疑点（{period}，{scope}）"
AUDIT_WHAT_QUALITY = "数据质量检查“{check}”（{scope}）"

# the sheet for the callers (回访清单)
SAMPLE_SHEET_NAME = "回访清单"
SAMPLE_SHEET_TITLE = "{scope}{period}电话回访清单（第{sample}号抽样）"
SAMPLE_SHEET_NOTE = (
    "抽样：{rule}，随机种子{seed}，{created_at}由{created_by}抽取（数据版本：第{batch}批导入），跳过{since}之后已回访的对象。"
    "回访时对照“本期联系记录”询问，把结果填在右侧有下拉选项的各列；电话未接通的只填回访日期、回访人和接通情况。"
    "填好后原样在“数据导入”页或“回访核查”页上传，未填写结果的行会跳过。{masking}"
)
SAMPLE_SHEET_MASKED = "身份证号、姓名、电话已脱敏。"
SAMPLE_SHEET_FULL = "本表含完整的身份证号、姓名和电话，涉及个人信息，仅供回访使用，请妥善保管，用后销毁。"
SAMPLE_SHEET_FILE = "回访清单_第{sample}号_{period}.xlsx"
SAMPLE_CONTACTS_NONE = "本期无联系记录"
SAMPLE_CONTACT_ITEM = "{date} {method}"
SAMPLE_CONTACT_SEPARATOR = "；"
SAMPLE_CONTACTS_MORE = "等{count}次"

# ---------------------------------------------------------------- 疑点 (doubtful records) and untrue contacts

DOUBT_RULE_LABELS = {
    "doubt_busy_day": "一天入户多个乡镇",
    "doubt_after_exit": "退出后仍有联系",
    "doubt_same_day": "每月同一天联系全部对象",
    "doubt_late_import": "期末后集中补录",
    "doubt_unknown_cadre": "常有联系却不认识干部",
}
DOUBT_REASONS = {
    "doubt_busy_day": "{day}一天记有入户走访{visits}次，分布在{townships}个乡镇（{names}），一人难以完成",
    "doubt_after_exit": "对象已于{exited_on}退出，之后仍记有{count}次联系（{dates}）",
    "doubt_same_day": "{first}至{last}连续{months}个月，每月都在同一天联系了全部{pairs}名结对对象（{days}）",
    "doubt_late_import": "{month}的{count}条联系记录在该月结束{days}天后（{imported_at}，第{batch}批“{file}”）才集中导入",
    "doubt_unknown_cadre": "{callback_date}回访时对象表示不认识结对干部，而此前{months}个月（{first}至{last}）每月都记有联系，共{count}次",
}
DOUBT_RECORD = "{name}（{id_number}）{date} {what}"
DOUBT_RECORD_PERSON = "{name}（{id_number}）"
DOUBT_RECORD_SEPARATOR = "；"
DOUBT_RECORDS_MORE = "等{count}条"
DOUBT_MONTH = "{year}年{month}月"
DOUBT_CALLBACK_WHAT = "回访：不认识结对干部"
DOUBT_COLUMN_LABELS = {
    "rule": "疑点",
    "department": "干部单位",
    "cadre_name": "结对干部",
    "cadre_phone": "干部电话",
    "county": "县区",
    "doubt_reason": "原因",
    "people": "涉及对象",
    "records": "相关记录",
    "first_date": "最早日期",
    "last_date": "最晚日期",
}
UNTRUE_COLUMN_LABELS = {
    "callback_date": "回访日期",
    "caller": "回访人",
    "contact_date": "走访日期",
    "method": "联系方式",
    "visit_cadre_name": "走访干部",
}
UNTRUE_MARK = "回访不属实"
UNTRUE_COLUMN = "回访核实"
QUALITY_CHECK_TITLES["callback_untrue_contacts"] = "回访不属实的联系"
QUALITY_CHECK_HELP["callback_untrue_contacts"] = (
    "回访时对象表示近期联系不属实：回访日期前“近期联系”天数内（默认90天，可在“设置”页调整）记在该对象名下的联系"
    "都列在这里，请核实是否虚报。"
    "这些联系在单位页干部的联系时间线上也标为“回访不属实”。"
)
QUALITY_DOUBT_TAB = "疑点"
QUALITY_DOUBT_HELP = (
    "统计期：{period}（左侧所选）。这里列出可能不真实的记录，供回访优先核查，每行写明原因、涉及的干部和记录。"
    "判断标准（一天入户几次、涉及几个乡镇，连续几个月，期末后几天才导入等）可在“设置”页的“回访核查与疑点”中调整。"
)
QUALITY_DOUBT_RULE_FILTER = "疑点类型"
QUALITY_DOUBT_ALL = "全部疑点"
QUALITY_COLUMN_LABELS.update(DOUBT_COLUMN_LABELS)
QUALITY_COLUMN_LABELS.update(UNTRUE_COLUMN_LABELS)
ROW_COLUMN_LABELS["callback_untrue"] = UNTRUE_COLUMN

# ---------------------------------------------------------------- settings of the callbacks and the 疑点 rules

CALLBACK_SETTING_LABELS = {
    "callback_skip_days": "抽样时跳过近几天内已回访的对象（天）",
    "callback_recent_days": "“近期联系”：回访日期前几天内的联系（天）",
    "doubt_day_visits": "疑点：一天入户走访达到几次",
    "doubt_day_townships": "疑点：一天入户涉及几个乡镇",
    "doubt_same_day_pairs": "疑点：同一天联系全部对象，至少几名对象",
    "doubt_same_day_months": "疑点：同一天联系全部对象，连续几个月",
    "doubt_late_days": "疑点：期末后超过几天才导入",
    "doubt_late_contacts": "疑点：一次补录至少几条联系",
    "doubt_unknown_months": "疑点：回访前连续几个月都有联系却不认识干部",
}
SETTING_LABELS.update(CALLBACK_SETTING_LABELS)
SETTINGS_GROUP_CALLBACKS = "回访核查与疑点"
SETTINGS_CALLBACKS_HELP = (
    "抽样时跳过近期已回访的对象；“近期联系”是回访时核实的联系（回访认定“不属实”时，这段时间内的联系都标为回访不属实）；"
    "其余各项是数据质量页“疑点”的判断标准。"
)
MSG_SETTING_CALLBACK_RANGE = MSG_SETTING_RANGE

# ---------------------------------------------------------------- command line: callback sample, quality

HELP_CALLBACK_COMMAND = "回访核查：抽取回访样本并写出回访清单"
HELP_CALLBACK_ACTION = "sample 抽取回访样本"
HELP_CALLBACK_SAMPLE = "按单位抽取回访对象，写出带下拉选项的回访清单（.xlsx）"
HELP_SAMPLE_PER_DEPARTMENT = "每个单位抽几人（每单位至少1人）"
HELP_SAMPLE_SHARE = "每个单位按结对数的比例抽取，如 0.05（四舍五入，至少1人）"
HELP_SAMPLE_SEED = "随机种子：同一种子、同样的数据抽出同一批人（不填则随机选一个，随抽样保存并显示）"
HELP_SAMPLE_PREFER_DOUBTFUL = "优先抽取有疑点记录的对象（抽中机会是其他对象的{weight}倍）"
HELP_SAMPLE_OUT = "回访清单文件（.xlsx）；已存在时须加 --force 才覆盖"
HELP_SAMPLE_USER = "抽样人账号（角色和范围按该账号；不写则为命令行、全市）"
HELP_SAMPLE_UNMASK = "清单中显示完整的身份证号、姓名和电话（须 --user 为有查看完整信息权限的账号，记入审计日志）"
HELP_QUALITY_COMMAND = "数据质量检查与疑点（CSV 或 JSON）"
HELP_QUALITY_CHECK = "检查项：doubtful（疑点）、{checks}"
HELP_QUALITY_PERIOD = "只看这一统计期内的记录（疑点；默认：全部数据）"
MSG_QUALITY_CHECK_INVALID = "检查项“{value}”无效，可选：{allowed}"

# ---------------------------------------------------------------- the page 回访核查 (app_pages/callbacks.py)

CB_PAGE_INTRO = (
    "“谁干得好、谁干得差，要让群众说了算”：按单位抽取结对对象电话回访，核实干部是否真的联系过、群众是否满意。"
    "抽样可重复（随机种子随抽样保存），近期回访过的对象不再抽。"
)
CB_PAGE_FIGURES = "回访情况：{period}"
CB_PAGE_FIGURES_NONE = "{period}所选范围内还没有回访记录。"
CB_PAGE_BY = "分组"
CB_PAGE_BY_LABELS = {"county": "按县区", "department": "按单位", "cadre": "按干部"}
CB_PAGE_FIGURES_FILE = "回访情况_{period}"
CB_PAGE_DRAW = "抽取回访样本"
CB_PAGE_DRAW_HOW = "抽取方式"
CB_PAGE_DRAW_HOW_LABELS = {"count": "每单位固定人数", "share": "按结对数比例"}
CB_PAGE_DRAW_COUNT = "每单位抽几人"
CB_PAGE_DRAW_SHARE = "抽取比例（%）"
CB_PAGE_DRAW_SEED = "随机种子（可不填）"
CB_PAGE_DRAW_SEED_HELP = "填同一个数字、在同样的数据上可抽出同一批人；不填则随机选一个，随抽样保存。"
CB_PAGE_DRAW_DOUBTFUL = "优先抽取有疑点记录的对象"
CB_PAGE_DRAW_DOUBTFUL_HELP = "有疑点记录的对象抽中机会是其他对象的{weight}倍（疑点见“数据质量”页）。"
CB_PAGE_DRAW_BUTTON = "抽取"
CB_PAGE_DRAW_SCOPE = (
    "统计期：{period}　范围：{scope}（与左侧筛选一致）。每个单位至少抽1人，跳过{since}之后已回访的对象。"
)
CB_PAGE_DRAW_READONLY = "您的账号（{role}）可以查看回访样本和记录，抽样和登记回访由市级、县区账号办理。"
CB_PAGE_SAMPLES = "回访样本"
CB_PAGE_SAMPLES_NONE = "所选范围内还没有抽取过回访样本。"
CB_PAGE_ENTRY_NO_SAMPLE = "先在上方“抽取回访样本”中抽样，再在这里逐人登记回访结果。"
CB_PAGE_SAMPLE_PICK = "选择回访样本"
CB_PAGE_SAMPLE_OPTION = "第{sample}号　{period}　{scope}　{people}人　{created_by}　{created_at}"
CB_PAGE_SAMPLE_PROGRESS = "已回访{done}/{people}人（接通{reached}人）。"
CB_PAGE_SAMPLE_RULE = "抽样：{rule}，随机种子{seed}{doubtful}；{created_at}由{created_by}抽取。"
CB_PAGE_SAMPLE_DOUBTFUL = "，优先抽取疑点对象"
CB_PAGE_SHEET_DOWNLOAD = "下载回访清单（Excel，带下拉选项）"
CB_PAGE_SHEET_NOTE = "清单中的电话{masking}。填好后可在本页下方上传，或在“数据导入”页上传。"
CB_PAGE_SHEET_MASKED = "已脱敏：打开右上方“显示完整身份证号和电话”后下载的清单含完整电话（记入审计日志）"
CB_PAGE_SHEET_FULL = "为完整号码（本次下载记入审计日志）"
CB_PAGE_LINES = "样本名单"
CB_PAGE_ENTRY = "登记回访结果"
CB_PAGE_ENTRY_NOTE = "边打电话边填：每人一张小表，保存后即计入回访数字。电话未接通的只需选“接通情况”。"
CB_PAGE_ENTRY_PERSON = "{line}. {name}（{id_number}）　{department}｜{cadre}"
CB_PAGE_ENTRY_DONE = "已回访"
CB_PAGE_ENTRY_DATE = "回访日期"
CB_PAGE_ENTRY_CALLER = "回访人"
CB_PAGE_ENTRY_CONTACTS = "本期联系记录：{contacts}"
CB_PAGE_ENTRY_DOUBT = "疑点：{doubt}"
CB_PAGE_ENTRY_SAVE = "保存"
CB_PAGE_ENTRY_SAVED = "已保存{line}号{name}的回访结果（第{batch}批）。"
CB_PAGE_ENTRY_UNCHANGED = "{line}号{name}的回访结果与已保存的相同，没有改动。"
CB_PAGE_ENTRY_REFUSED = "未保存：{reason}"
CB_PAGE_ENTRY_FILE = "回访记录（页面录入，第{sample}号抽样，序号{line}）"
CB_PAGE_ENTRY_PAGE = "页码（共{pages}页，每页{size}人）"
CB_PAGE_ENTRY_FILTER = "显示"
CB_PAGE_ENTRY_FILTER_LABELS = {"todo": "尚未回访", "all": "全部"}
CB_PAGE_ENTRY_ALL_DONE = "本样本的对象都已回访。"
CB_PAGE_NOT_SELECTED = "请选择"
CB_PAGE_UPLOAD = "上传填好的回访清单"
CB_PAGE_UPLOAD_HELP = "回访清单原样上传即可（.xlsx 或 .csv）；也可以在“数据导入”页与其他表格一起上传。"
CB_PAGE_UPLOAD_BUTTON = "导入回访记录"
CB_PAGE_UPLOAD_DONE = "“{file}”：新增{inserted}、更新{updated}、未变{unchanged}、拒收{rejected}（第{batch}批）。"
CB_PAGE_UPLOAD_FAILED = "“{file}”未导入：{message}"
CB_PAGE_UPLOAD_REJECTED = "拒收的行"
CB_PAGE_RECORDS = "回访记录：{period}"
CB_PAGE_RECORDS_NONE = "{period}所选范围内没有回访记录。"
CB_PAGE_RECORDS_FILE = "回访记录_{period}"
CB_PAGE_ISSUES = "回访反映的问题"
CB_PAGE_ISSUES_NOTE = (
    "回访中群众反映的问题，可一键登记到问题台账：提出日期为回访日期，办理层级为“领导小组办公室”（由办公室交办跟踪），"
    "责任单位为结对干部所在单位，办理状态“待办理”。"
)
CB_PAGE_ISSUES_NONE = "{period}的回访中没有群众反映问题。"
CB_PAGE_ISSUES_FILTER_LABELS = {"todo": "尚未登记到问题台账", "all": "全部"}
CB_PAGE_ISSUES_ALL_DONE = "回访反映的问题都已登记到问题台账。"
CB_PAGE_ISSUES_COUNT = "共{count:,}条，最近回访的在前，每页{size}条。"
CB_PAGE_ISSUES_PAGE = "页码（共{pages}页）"
CB_PAGE_ISSUE_ITEM = "{date}　{name}（{id_number}）　{department}｜{cadre}"
CB_PAGE_ISSUE_CATEGORY = "问题类别"
CB_PAGE_ISSUE_BUTTON = "登记为问题"
CB_PAGE_ISSUE_DONE = "已登记到问题台账"
CB_PAGE_ISSUE_CREATED = "已登记为问题（第{batch}批）。"
CB_PAGE_ISSUE_READONLY = "登记问题需要导入权限（市级、县区账号）。"
CB_PAGE_DB_BUSY = "数据库正被导入或其他程序占用，本次没有保存，请稍后再试。"
CB_PAGE_COLUMN_LABELS = {
    "sample_id": "抽样编号",
    "period": "统计期",
    "line_no": "序号",
    "people": "人数",
    "done": "已回访",
    "doubt": "疑点",
    "contacts_in_period": "本期联系记录",
    "seed": "随机种子",
    "created_by": "抽样人",
    "created_at": "抽样时间",
    "callback_status": "回访情况",
    "phone": "对象电话",
}
CB_STATUS_DONE = "已回访"
CB_STATUS_TODO = "未回访"
ISSUE_FROM_CALLBACK = "回访反映：{text}"
ISSUE_FROM_CALLBACK_FILE = "回访反映问题（{date}回访）"
CALLBACK_ISSUE_LEVEL = "领导小组办公室"
CALLBACK_ISSUE_CATEGORY = "其他"
CALLBACK_ISSUE_STATUS = "待办理"

# ---------------------------------------------------------------- the dispatch report's sheet 回访核查情况

CB_REPORT_SHEET = "回访核查情况"
CB_REPORT_HEADING = "回访核查情况：{period}"
CB_REPORT_BY_COUNTY = "按县区"
CB_REPORT_BY_DEPARTMENT = "按单位"
CB_REPORT_DOUBTFUL = "疑点干部"
CB_REPORT_NOTE = (
    "回访数为回访日期在本期的回访记录；接通率＝接通÷回访数，认识率＝认识结对干部÷回答是否认识的，"
    "联系属实率＝属实÷（属实＋不属实），回访满意率＝（满意＋基本满意）÷回答满意度的。疑点为本期记录中可能不真实的情况，"
    "应优先回访核实，不等于认定虚报。"
)
CB_REPORT_NONE = "本期没有回访记录。"
CB_REPORT_NO_DOUBTS = "本期没有发现疑点。"
CB_REPORT_DOUBT_COLUMNS = {"doubts": "疑点数", "doubt_rules": "疑点类型", "doubt_reasons": "主要情况"}
REPORT_COLUMN_LABELS.update(CB_REPORT_DOUBT_COLUMNS)
DOUBT_VISIT_WHAT = "{method}（{township}）"
DOUBT_DATE_SEPARATOR = "、"
DOUBT_TIME = "{date} {hour:02d}:{minute:02d}"
AUDIT_ACTION_LABELS["callback"] = "回访抽样"
DEMO_LATE_FILE = "{name}（补录）"  # the demo's late contacts, imported as a batch of their own


# ---------------------------------------------------------------- 一人一档 (app_pages/person.py)
PERSON_SEARCH_LABEL = "查找对象或干部"
PERSON_SEARCH_PLACEHOLDER = "姓名、脱敏身份证号或电话"
PERSON_SEARCH_HELP = "可输入姓名（或其中几个字）、脱敏身份证号（如620102********1234）或脱敏电话（如138****1234）；完整身份证号和电话只对可查看完整信息的账号开放。"
PERSON_SEARCH_BUTTON = "查找"
PERSON_INTRO = "输入姓名、身份证号或电话查找对象，点选一行即可查看其结对干部、全部联系记录和问题。"
PERSON_NOTHING_FOUND = (
    "在您的权限范围内没有找到“{text}”。完整身份证号或电话只对可查看完整信息的账号开放，可改用脱敏号码或姓名查找。"
)
PERSON_FOUND = "找到{count}名对象（点选一行查看一人一档）"
PERSON_FOUND_FILE = "查找结果"
PERSON_CADRES_FOUND = "找到{count}名干部（点选一行查看干部档案）"
PERSON_CADRES_FILE = "查找到的干部"
PERSON_NOT_IN_SCOPE = "该对象不在您的权限范围内，或已不在台账中。"
PERSON_HEADING = "{name}（{category}）"
PERSON_FACTS = "身份证号：{id_number}　住址：{place}　电话：{phone}"
PERSON_RUN = "本轮连续结对自{day}起（换人结对不重新计算）"
PERSON_NOT_PAIRED = "目前没有有效结对"
PERSON_REMINDERS = "今日督办提醒"
PERSON_PAIRINGS = "结对历史"
PERSON_CONTACTS = "联系记录（{count}条，最近的在前）"
PERSON_CONTACTS_FILE = "联系记录"
PERSON_ISSUES = "问题（{count}个）"
PERSON_ISSUES_FILE = "问题"
PERSON_ISSUE_HISTORY = "问题办理经过（每次导入的状态）"

PAGE_TITLES["person"] = "一人一档"

# ---------------------------------------------------------------- 干部档案 (pipeline/cadre.py, app_ui/person_view.py)
# and the links from person- and cadre-level lists to the files
CADRE_LINK = "打开该干部的档案"
CADRE_LINK_HINT = "选中一行，打开该干部的档案。"
PERSON_PAIRING_LINK_HINT = "选中一行，打开该结对干部的档案。"
CADRE_NOT_IN_SCOPE = "该干部不在您的权限范围内，或已没有结对记录。"
CADRE_FILE_HEADER = "干部档案：{cadre}"
CADRE_FACTS = "干部电话：{phone}　单位：{departments}　职级：{level}　目前结对{pairs}人，历来结对{pairings}人次"
CADRE_STANDING = "在本单位干部中的位置（{period}）"
CADRE_STANDING_RANK = "{figure}：{value}，在{department}参与排名的{total}名干部中排第{rank}名。"
CADRE_STANDING_NO_RANK = "{figure}：本期没有可比的数字，不排名。"
CADRE_STANDING_NONE = "截至{as_of}，该干部在您的范围内没有结对，本期不参与单位内排名。"
CADRE_STANDING_NOTE = (
    "排名只比较本单位各干部的合计数字：联系达标率越高越靠前，超期未联系、超期未办结越少越靠前；"
    "本单位一栏是全单位合计（联系达标率按全单位对象合计）。不显示其他干部的结对对象。"
)
CADRE_STANDING_FILE = "{cadre}在本单位的位置"
CADRE_STANDING_COLUMNS = {
    "department": "干部单位",
    "figure": "指标",
    "value": "本人",
    "rank": "排名",
    "ranked": "参与排名干部数",
    "department_value": "本单位合计",
}
CADRE_FILE_PAIRS = "结对对象（{count}人次，目前结对的在前）"
CADRE_FILE_PAIRS_FILE = "{cadre}的结对对象"
CADRE_FILE_TIMELINE = "联系时间线（{period}，红圈为回访不属实）"
CADRE_FILE_TIMELINE_EMPTY = "{period}内没有该干部结对对象的联系记录。"
CADRE_FILE_CONTACTS = "联系记录（{count}条，最近的在前；结对期间与其结对对象的全部联系）"
CADRE_FILE_CONTACTS_FILE = "{cadre}的联系记录"
CADRE_FILE_ISSUES = "结对对象的问题（{count}个，结对期间办理过的，未办结的在前）"
CADRE_FILE_ISSUES_FILE = "{cadre}结对对象的问题"
CADRE_FILE_SUPERVISION = "督办事项中涉及该干部的明细（{count}条）"
CADRE_FILE_SUPERVISION_FILE = "{cadre}的督办明细"
CADRE_FILE_CALLBACKS = "结对对象的回访记录（{count}条）"
CADRE_FILE_CALLBACKS_FILE = "{cadre}结对对象的回访记录"
CADRE_FILE_NONE = "没有记录。"
CADRE_FILE_COLUMNS = {"is_current": "目前结对", "is_open": "未办结"}
QUALITY_DOUBT_LINK_HINT = "选中一行，可打开该干部或所涉对象的档案。"
QUALITY_OPEN_CADRE = "干部档案：{name}"
QUALITY_OPEN_PERSON = "对象档案：{id_number}"


# ---------------------------------------------------------------- a session across page loads (pipeline/sessions.py)
AUDIT_ACTION_LABELS["session_resume"] = "恢复会话"
AUDIT_DETAIL_SESSION_RESUME = "刷新页面或新开标签页，沿用{created}以密码登录的会话"
MSG_SESSION_EXPIRED = "本次登录已满{hours}小时，请重新登录"
MSG_SESSION_REVOKED = "本次登录已结束（已在其他标签页退出、密码已重设或数据库已恢复），请重新登录"
CB_PAGE_RECORDS_TAB = "回访记录"
SV_DEPARTMENT_NOTE = "{period}交办给该单位的督办事项，办理情况截至{as_of}（口径见“督办事项”页）。"
SV_PAGE_PRESSES_FILE = "催办记录"
SV_PAGE_EXTENSIONS_FILE = "延期申请"

# ---------------------------------------------------------------- app: running periods, every role's own view,
# 报送情况 on the overview, person links, phones
RUNNING_NOTE_HELP = (
    "进行中的统计期：各项数字只算到截至日。联系达标率要求每个应联系月都有联系，只考核已经结束的月份；"
    "统计期内还没有结束的月份时，联系达标率为空（显示为—），不评灯、不算落后。"
)
KPI_STANDARD_EMPTY = "统计期内还没有结束的月份，暂不计算"
OWN_OVERVIEW_TITLE = "{unit}总览"
OWN_DEPARTMENT_TITLE = "{unit}工作情况"
STANDING_HEADER = "在全市的位置"
STANDING_RANK = "{unit}综合得分{score}，在全市{total}个{kind}中排第{rank}名；全市综合得分{city}。"
STANDING_NO_SCORE = "{unit}本期还没有综合得分，暂不排名。"
STANDING_KINDS = {"county": "县区", "department": "单位"}
STANDING_TABLE_UNIT = "本{kind}"
STANDING_TABLE_CITY = "全市"
STANDING_TABLE_METRIC = "指标"
STANDING_NOTE = "全市一栏是全市所有对象合计的比率，只作对照；其他县区、单位的对象不在此显示。"
STANDING_FILE = "{unit}与全市对照"
TODO_HEADER = "待办：本单位超期事项"
TODO_NONE = "截至{as_of}，本单位没有超期未联系的对象，也没有超期未办结的问题。"
TODO_CONTACTS = "超期未联系（{count}人，按超期天数排列）"
TODO_ISSUES = "超期未办结的问题（{count}件，按超期天数排列）"
TODO_SUPERVISION = "本单位有{count}件督办事项尚未办结，请到“督办事项”页办理。"
OVERVIEW_TOWNSHIP_RANKING = "乡镇排名"
OVERVIEW_TOWNSHIP_TABLE = "{county}各乡镇"
OVERVIEW_COUNTY_TABLE = "各县区（按综合得分排列）"
TREND_CAPTION = (
    "联系覆盖率：当月有联系记录的已结对对象占比；入户覆盖率：当月有入户走访的占比；问题解决率：到月底累计提出的问题中"
    "已解决的占比；群众满意率：当月带评价的联系和办结问题中评价为满意或基本满意的占比。标“进行中”的月份尚未结束，数字只算到今天。"
)
TREND_RUNNING_SUFFIX = "（进行中）"
COUNTY_SUMMARY = "{total}个县区中有{behind}个落后：综合得分低于{threshold}分，原因列出低于{rate}的比率。"
COUNTY_NONE_BEHIND = "{total}个县区的综合得分都不低于{threshold}分，没有落后县区。"
BEHIND_EMPTY_NOTE = "没有综合得分的单位（本期没有可计算的比率）不评灯、不算落后。"
PERSON_LINK_HINT = "选中一行，打开该对象的一人一档。"
SUBMISSION_HEADER = "报送情况"
SUBMISSION_SUMMARY = "{month}联系记录：{total}个县区中{sent}个已报送。"
SUBMISSION_MISSING_COUNTIES = "尚未报送{month}联系记录的县区：{names}。"
SUBMISSION_MISSING_DEPARTMENTS = "尚未报送{month}联系记录的单位（{count}个）：{names}。"
SUBMISSION_ALL_IN = "各县区、各单位{month}的联系记录都已报送。"
SUBMISSION_NOTE = (
    "已报送：{month}有联系记录导入；联系记录在月份结束后的几天内报送。表中列出各类台账最近一次导入的时间和导入人。"
)
SUBMISSION_FILE = "报送情况（{month}）"
SUBMISSION_COLUMNS = {
    "unit_kind": "类别",
    "unit": "县区或单位",
    "pairs": "结对对象数",
    "pairs_contacted_in_month": "当月有联系的对象数",
    "has_month_log": "当月联系记录",
    "roster_imported_at": "结对台账最近导入",
    "roster_user": "结对台账导入人",
    "visits_imported_at": "走访记录最近导入",
    "visits_user": "走访记录导入人",
    "issues_imported_at": "问题台账最近导入",
    "issues_user": "问题台账导入人",
}
SUBMISSION_KINDS = {"county": "县区", "department": "单位"}
SUBMISSION_SENT = {True: "已报送", False: "未报送"}
EXPORT_TITLE_ROW = "{title}　统计期：{period}　范围：{scope}"
EXPORT_TRUE = "是"
EXPORT_FALSE = "否"
UPLOAD_LIMIT_CAPTION = "把文件拖到上面的框里，或点框内的按钮选择文件；每个文件不超过{size}MB，支持 .xlsx、.xls、.csv。"
UPLOAD_BUTTON_TEXT = "选择文件"
HELP_QUALITY_USER = "查看人的账号（按该账号的范围列出，记入审计日志；不写则为命令行、全市）"

# 数据质量 runs the check of its open tab only; the cards of the others show their count once it is known
QUALITY_COUNT_UNKNOWN = "—"
QUALITY_COUNT_UNKNOWN_HELP = "尚未统计：打开这一项的页签，或点下方“统计全部检查”。"
QUALITY_COUNT_ALL = "统计全部检查"
QUALITY_COUNT_ALL_HELP = "逐项运行全部检查和疑点，得出每一项的数量；数据量大时需要较长时间。"
