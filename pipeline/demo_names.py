"""Word lists the synthetic demo data is drawn from: names, places, units, free-text phrases.

These are raw material for invented records, not labels of the product: nothing here is shown
as a heading or a message. Every person and place built from them is fictitious.
"""

from __future__ import annotations

# Common surnames, most frequent first (the generator weights them by rank).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健亮俊峰浩宇博文晨轩泽建国志海林永成兴福德贵生祥荣春宏东"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英兰萍红梅琳雪慧莹婷颖洁佳欣怡悦雨涵萱琪瑶淑凤云珍燕倩月"

# Characters that make plausible two-character place names.
PLACE_SYLLABLES = (
    "东西南北河川山平安宁清泉石桥沟坪湾岭塬柳杨杏花新和兴丰庄营堡寨源峪坡阳峰龙凤青白金银马三五官高大小上下"
    "中前后长永太双古盘莲松梨枣桃苗泰宝乐福康定远广盛昌武文崇德惠通润峡川"
)

# Endings that make a stem a place name of each level.
CITY_SUFFIX = "市"
DISTRICT_SUFFIX, COUNTY_SUFFIX = "区", "县"  # urban district, rural county
SUBDISTRICT_SUFFIX, TOWN_SUFFIX, TOWNSHIP_SUFFIX = "街道", "镇", "乡"
COMMUNITY_SUFFIX, VILLAGE_SUFFIX = "社区", "村"

# The demo city: its own name and its eight counties (the first three match the spec's examples).
CITY_NAME = "云川市"
CITY_COUNTIES = ("临河区", "东川县", "西坪县", "南塬县", "清泉县", "柳湾县", "安宁区", "石门县")
PROVINCE_NAME = "秦川省"

# City departments (市直部门); the first ones are where city-level leaders sit.
CITY_LEADERSHIP_DEPARTMENTS = (
    "市委办公室",
    "市政府办公室",
    "市人大常委会办公室",
    "市政协办公室",
    "市纪委监委",
    "市委组织部",
    "市委宣传部",
    "市委统战部",
    "市委政法委",
)
CITY_DEPARTMENTS = (
    "市发改委",
    "市教育局",
    "市科技局",
    "市工信局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人社局",
    "市自然资源局",
    "市生态环境局",
    "市住建局",
    "市交通运输局",
    "市水务局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健委",
    "市退役军人事务局",
    "市应急管理局",
    "市审计局",
    "市国资委",
    "市市场监管局",
    "市统计局",
    "市医保局",
    "市林草局",
    "市信访局",
    "市乡村振兴局",
    "市残联",
    "市妇联",
    "市总工会",
    "市供销社",
)
# County departments, appended to the county's name (东川县民政局); the last one hosts county leaders.
COUNTY_DEPARTMENTS = ("民政局", "教育局", "卫生健康局", "残联", "政府办公室")

# The county office that takes an issue of each category when it goes up to 上级部门.
ISSUE_UNIT_BY_CATEGORY = {
    "生活": "民政局",
    "学习": "教育局",
    "医疗": "卫生健康局",
    "就业": "人力资源和社会保障局",
    "住房": "住房和城乡建设局",
    "政策落实": "民政局",
    "心理关爱": "卫生健康局",
    "其他": "政府办公室",
}
LEADING_GROUP_OFFICE = "结对关爱行动领导小组办公室"

# What a contact record says it was about, by method.
CONTACT_SUMMARIES = {
    "入户走访": (
        "入户了解生活情况，送去米面油",
        "入户查看住房安全，叮嘱冬季取暖",
        "入户核实低保和补贴发放情况",
        "入户陪同聊天，了解身体状况",
        "入户帮助打扫卫生，整理房间",
        "入户了解学习情况，送去学习用品",
    ),
    "电话": ("电话询问近况", "电话了解身体和用药情况", "电话提醒按时复诊", "电话了解在校表现"),
    "微信": ("微信询问近况", "微信发送政策解读", "微信了解学习情况", "微信沟通家中需要"),
    "短信": ("短信提醒防寒保暖", "短信告知补贴发放时间"),
    "视频": ("视频通话了解近况", "视频通话辅导作业"),
    "邀请到家": ("邀请孩子到家中做客，一起吃饭", "周末邀请到家，辅导功课"),
    "其他": ("在社区活动中见面交流", "委托村干部代为看望"),
}

# What an issue says, by issue category.
ISSUE_DESCRIPTIONS = {
    "生活": (
        "冬季取暖用煤不足",
        "家中缺少过冬衣被",
        "日常生活照料无人帮助",
        "饮水不便需协调解决",
        "家用电器损坏需维修",
    ),
    "学习": (
        "下学期学费和住宿费有困难",
        "需要课外辅导",
        "申请教育资助未批复",
        "上学路远需协调住校",
        "缺少学习用品和电脑",
    ),
    "医疗": (
        "慢性病用药报销比例有疑问",
        "需协助办理门诊慢特病认定",
        "住院自付费用较高",
        "需要康复训练和辅具",
        "需要家庭医生上门服务",
    ),
    "就业": ("希望介绍就近务工岗位", "需要参加技能培训", "申请公益性岗位", "有辅助性就业需求"),
    "住房": ("房屋漏雨需维修", "申请危房改造", "厕所改造需求", "住房无障碍改造需求"),
    "政策落实": (
        "低保金未按时发放",
        "残疾人两项补贴未落实",
        "基本养老保险缴费补助未享受",
        "临时救助申请未办理",
        "特困供养金标准有疑问",
    ),
    "心理关爱": ("情绪低落需要心理疏导", "独居孤独需要陪伴", "与监护人关系紧张"),
    "其他": ("户籍信息需要更正", "需要协助办理身份证", "希望帮忙联系亲属"),
}

# What people say when a caller of the office asks whether they have a problem (反映问题, 回访核查).
CALLBACK_ISSUES = (
    "冬天取暖煤不够用",
    "房屋有点漏雨，希望帮忙看看",
    "孩子下学期住宿费有困难",
    "慢性病药费报销不清楚",
    "希望能介绍个就近的活干",
    "低保金这个月还没到账",
    "家里老人行动不便，希望多来看看",
    "干部很久没来过了，希望多联系",
)
