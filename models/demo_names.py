"""Believable Chinese names and texts for the demo province: people, branches, activities, suggestions.

Everything here is drawn from a ``random.Random`` handed in by the caller, so the demo stays
deterministic for a given seed. Only lists (never sets) are iterated, for the same reason.
"""

from __future__ import annotations

import random

SURNAMES = list(
    "陈李黄张梁林刘吴罗杨周郑何朱谢许邓冯曾彭赖蔡钟叶苏卢潘余丘江庄方严温胡袁麦莫"
    "蓝谭汤欧龙简侯易古植区邱柯骆詹关杜姚钱"
)
GIVEN_CHARS = list(
    "伟俊杰鹏涛斌辉华明强晓婷敏静丽燕玲芳慧欣怡嘉颖诗雨思梓浩宇轩泽睿晨翔锐健博文"
    "志国建军海峰洋凯霖琳瑶萍倩雯琪莹蕾冰洁丹秀红春梅兰桂英锋毅涵楠昊然子航"
)
PLACE_CHARS = list("石龙新塘坑田岗沙水东西南北大小上下竹桥湖岭坪头尾圩洞埔朗洲冈溪禾凤鹤山安和平兴隆")
BRAND_CHARS = list("华创粤兴鑫达宏泰汇丰科瑞联盛德鸿信金美嘉康源通恒豪中天博越亿腾")
INDUSTRIES = [
    "科技", "电子科技", "物流", "食品", "新材料", "智能制造", "电子商务", "建材", "服装", "家具",
    "生物医药", "模具", "信息技术", "照明电器", "五金制品", "农业发展", "旅游发展", "网络科技",
]
SOCIAL_ORGS = [
    "{p}社工服务中心", "{p}青年志愿者协会", "{p}义工联合会", "{p}青年创业协会", "{p}青少年服务中心",
    "{p}青年商会", "{p}家庭综合服务中心", "{p}外来务工青年服务站", "{p}公益发展中心", "{p}青年文化促进会",
]
GOVERNMENT_UNITS = [
    "人民法院", "人民检察院", "公安分局", "税务局", "卫生健康局", "人民医院", "中医院", "供电局",
    "市场监督管理局", "自然资源局", "财政局", "住房和城乡建设局", "交通运输局", "妇幼保健院",
    "农业农村局", "疾病预防控制中心", "文化广电旅游体育局", "行政服务中心",
]
OTHER_UNITS = [
    "{t}流动团员团支部", "{p}青年之家团支部", "{p}商会团支部", "{p}青年创业孵化基地团支部",
    "{p}快递行业团支部", "{p}网约车司机团支部", "{p}青年文明号集体团支部", "{t}返乡青年团支部",
]
GRADES = ["高一", "高二", "高三", "初一", "初二", "初三"]
SCHOOL_KINDS = ["第{n}中学", "实验中学", "{p}中学", "职业技术学校", "第{n}中学", "华侨中学", "外国语学校"]
VOCATIONAL_MAJORS = ["计算机应用", "电子商务", "汽车运用与维修", "会计", "机电技术应用", "学前教育", "物流服务"]
CN_DIGITS = "一二三四五六七八九十"

ACTIVITIES: list[tuple[str, list[str]]] = [
    ("主题团日", [
        "“青春心向党·建功新时代”主题团日活动", "“不忘初心、牢记使命”主题团日", "纪念五四运动100周年主题团日活动",
        "“我和我的祖国”主题团日", "学习团十八大精神主题团日", "“红色基因代代传”主题团日", "{m}月主题团日活动",
        "“学习新思想 做好接班人”主题团日",
    ]),
    ("团课", [
        "“青年大学习”网上主题团课", "专题团课：学习习近平总书记“7·2”重要讲话精神", "团史专题团课",
        "新团员入团教育团课", "“青年大学习”第{n}期集中学习", "团章学习团课", "“三会两制一课”专题团课",
    ]),
    ("志愿服务", [
        "“文明创建”社区志愿服务", "关爱留守儿童志愿服务", "“河小青”护河志愿服务", "敬老院探访志愿服务",
        "乡村振兴青年志愿服务", "扶贫济困志愿服务", "义务植树志愿活动", "“12355”青少年服务台进社区",
        "垃圾分类宣传志愿服务", "关爱环卫工人志愿服务", "无偿献血志愿服务", "“益苗计划”公益项目志愿服务",
    ]),
    ("组织生活会", [
        "团员组织生活会", "团员教育评议", "团支部换届选举大会", "团员大会", "团费收缴与团籍档案整理",
    ]),
    ("青年联谊与成长", [
        "青年联谊活动", "青年创业分享会", "职业技能培训", "“12355”青少年心理健康讲座", "青年读书分享会",
        "“领头雁”青年返乡创业交流会", "青年篮球友谊赛", "“圆梦计划”学历提升宣讲会",
    ]),
]

SUGGESTIONS_GOOD = [
    "活动很有意义，收获很大！", "内容很实用，点赞！", "讲解很清楚，希望以后多组织。", "氛围很好，大家都很投入。",
    "希望多组织类似的{topic}活动。", "建议{freq}开展一次，形成常态。", "希望能邀请优秀青年来分享经验。",
    "希望多一些户外活动。", "建议把活动照片和总结发到支部微信群里。", "希望能和其他团支部联合开展活动。",
    "感谢驻点干部的指导，很接地气。", "希望下次能带家人一起参加。", "建议增加互动环节，让大家多交流。",
    "团支部书记很用心，谢谢！", "希望多结合{topic}开展服务。",
]
SUGGESTIONS_MEH = [
    "时间安排有点紧，建议延长一些。", "建议提前在微信群通知活动时间。", "场地有点小，希望能改善。",
    "希望活动时间安排在周末，方便上班的团员参加。", "内容可以再丰富一些。", "希望多关心流动团员和外出务工团员。",
    "建议活动前先征求大家的意见。", "希望“智慧团建”操作能再培训一次。",
]
SUGGESTIONS_BAD = [
    "活动形式比较单一，希望改进。", "通知太晚，很多人没法参加。", "感觉有点走过场，希望更务实一些。",
    "讲得太多、做得太少，希望多办实事。", "组织有点混乱，签到排了很久。", "希望不要只拍照留痕。",
]
TOPICS = ["志愿服务", "乡村振兴", "社区服务", "青年创业", "文明创建", "环保", "心理健康", "技能培训", "红色教育"]
FREQUENCIES = ["每月", "每季度", "每两个月"]

LECTURE_TITLES = [
    "学习习近平总书记“7·2”重要讲话精神", "新时代青年的使命与担当", "从五四运动看青年的历史责任",
    "共青团改革再出发", "做新时代合格团员", "青春心向党 建功新时代", "乡村振兴中的青年力量",
    "团的基层建设与团支部书记履职", "不忘初心 牢记使命", "学习团十八大精神",
]
LECTURE_PLACES = ["{c}委党校", "{c}青年之家", "{p}第一中学", "{p}职业技术学校", "{t}政府会议室", "{c}团委会议室",
                  "{t}{v}村党群服务中心"]
PROJECTS = ["希望乡村教师计划", "“12355”青少年服务台", "“圆梦计划”", "“领头雁”培养计划", "“益苗计划”",
            "志愿者联合守信激励计划"]
VISIT_NOTES = [
    "走访团支部，了解团支部书记履职情况。", "召开青年座谈会，听取团员青年意见建议。",
    "指导“两新”组织建团工作。", "检查“智慧团建”系统录入情况。", "指导团员注册志愿者工作。",
    "调研基层团组织活动阵地建设。", "与团支部书记谈心谈话。",
]
EXPERIENCES = [
    "建立团支部书记“周例会”制度，团务工作按月公示。", "依托青年之家开展“三会两制一课”，团员参与率明显提高。",
    "推行“团建+党建”结对共建，带动非公企业建团。", "组建青年志愿服务队，常态化开展社区服务。",
    "以“智慧团建”数据为抓手，每月通报团费收缴和组织关系转接情况。", "",
]
ORG_EXPERIENCES = [
    "企业党组织书记兼任团建指导员，团组织活动纳入企业文化建设。", "以技能比武和青年突击队凝聚青年员工。",
    "社会组织团支部与社区共建，承接青少年服务项目。", "",
]


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def place(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(PLACE_CHARS) for _ in range(n))


def short(county_name: str) -> str:
    """梅江区 → 梅江, 紫金县 → 紫金; one-character stems keep their suffix (东区 stays 东区)."""
    for suffix in ("自治县", "区", "县", "市", "镇", "街道"):
        if county_name.endswith(suffix) and len(county_name) - len(suffix) >= 2:
            return county_name[: -len(suffix)]
    return county_name


def town_of(rng: random.Random, county_name: str, is_town: bool) -> str:
    """The 乡镇（街道） a record sits in: the county unit itself in 东莞/中山, else a made-up town."""
    if is_town:
        return county_name
    return place(rng) + ("镇" if rng.random() < 0.65 else "街道")


def branch_name(rng: random.Random, kind: str, county_name: str, is_town: bool) -> str:
    p = short(county_name)
    t = town_of(rng, county_name, is_town)
    if kind == "school":
        school = rng.choice(SCHOOL_KINDS).format(n=rng.choice(CN_DIGITS[:6]), p=place(rng))
        if "职业" in school:
            return f"{p}{school}{rng.choice(VOCATIONAL_MAJORS)}专业{rng.randint(2018, 2019)}级团支部"
        return f"{p}{school}{rng.choice(GRADES)}（{rng.randint(1, 12)}）班团支部"
    if kind == "rural":
        return f"{t}{place(rng)}村团支部"
    if kind == "community":
        return f"{t}{place(rng)}社区团支部"
    if kind == "nonpublic":
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        return f"{p}{brand}{rng.choice(INDUSTRIES)}有限公司团支部"
    if kind == "social":
        return rng.choice(SOCIAL_ORGS).format(p=p if rng.random() < 0.5 else t) + "团支部"
    if kind == "government":
        return f"{county_name}{rng.choice(GOVERNMENT_UNITS)}团支部"
    return rng.choice(OTHER_UNITS).format(p=p, t=t)


def activity(rng: random.Random, month: int) -> tuple[str, str]:
    """(name, kind) of a branch activity held in ``month``."""
    kind, names = rng.choice(ACTIVITIES)
    return rng.choice(names).format(m=month, n=rng.randint(1, 30)), kind


def lecture_place(rng: random.Random, county_name: str, is_town: bool) -> str:
    return rng.choice(LECTURE_PLACES).format(c=county_name, p=short(county_name), t=town_of(rng, county_name, is_town),
                                             v=place(rng))


def suggestion(rng: random.Random, score: int) -> str:
    pool = SUGGESTIONS_GOOD if score >= 4 else SUGGESTIONS_MEH if score == 3 else SUGGESTIONS_BAD
    if score >= 4 and rng.random() < 0.15:
        pool = SUGGESTIONS_MEH  # happy members still ask for things
    return rng.choice(pool).format(topic=rng.choice(TOPICS), freq=rng.choice(FREQUENCIES))
