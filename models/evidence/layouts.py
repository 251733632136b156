"""The export layouts of 智慧团建 and i志愿 the product recognises, by their header rows.

Each layout names the columns its figures need (with the header variants the systems and their
versions use) and nothing else: every other column of the file — names, ID and phone numbers — is
never read. A column marked ``presence`` holds personal data (a secretary's name) of which only
"filled or empty" is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.importing.reader import header_key

ZHTJ, IVOL, QNZS = "智慧团建", "i志愿", "青年之声"

# Headers of personal data: dropped as the file is read (never kept, never shown, never hashed apart).
PERSONAL = ("姓名", "身份证号", "身份证号码", "证件号码", "手机号", "手机号码", "联系电话", "联系方式", "电子邮箱",
            "邮箱", "出生日期", "家庭住址", "微信号", "QQ号", "团员编号", "书记手机号", "书记联系电话")


@dataclass(frozen=True)
class Col:
    key: str
    headers: tuple[str, ...]  # accepted header texts, first is the one the README shows
    required: bool = True
    presence: bool = False  # personal: only whether the cell is filled is kept

    def matches(self, header: str) -> bool:
        return header_key(header) in {header_key(h) for h in self.headers}


@dataclass(frozen=True)
class Layout:
    key: str
    system: str
    label: str
    columns: tuple[Col, ...]
    figures: str  # what is computed from the rows, in Chinese (README, messages)
    recognise: tuple[str, ...] = ()  # personal headers that identify the layout (read for nothing else)

    @property
    def required(self) -> list[Col]:
        return [c for c in self.columns if c.required]

    def name(self) -> str:
        return f"{self.system}{self.label}"


COUNTY = Col("county", ("所属县区", "县（市、区）", "所在县区", "区县"), required=False)

LAYOUTS: tuple[Layout, ...] = (
    Layout("zhtj_orgs", ZHTJ, "团组织列表", (
        Col("name", ("组织名称", "团组织名称")),
        Col("type", ("组织类型", "团组织类型")),
        Col("category", ("单位类别", "组织类别", "所在单位性质", "单位性质")),
        Col("founded", ("成立日期", "建立日期", "成立时间", "组建时间")),
        Col("secretary", ("团支部书记", "书记姓名", "书记"), presence=True),
        Col("members", ("团员人数", "团员数"), required=False),
        COUNTY,
    ), "团支部数、无团干（书记空缺）团支部数、本月新建团非公企业数和社会组织数；团支部名录"),
    Layout("zhtj_members", ZHTJ, "团员列表", (
        Col("branch", ("所在团支部", "所在组织", "所属团支部")),
        Col("category", ("单位类别", "所在单位性质", "组织类别")),
        Col("arrived", ("加入本组织时间", "报到时间", "转入时间")),
        COUNTY,
    ), "团员数、本月新增非公企业团员数和社会组织团员数", recognise=("姓名",)),
    Layout("zhtj_activities", ZHTJ, "组织生活记录（三会两制一课、主题团日）", (
        Col("branch", ("组织名称", "团支部", "开展组织")),
        Col("name", ("活动名称", "活动主题", "会议主题")),
        Col("kind", ("活动类型", "会议类型", "组织生活类型")),
        Col("held", ("活动时间", "开展时间", "会议时间", "活动日期")),
        Col("attendance", ("参加人数", "参会人数", "实到人数"), required=False),
        COUNTY,
    ), "各团支部本月开展的活动（写入支部活动，团员扫码评价时可选）"),
    Layout("ivol_volunteers", IVOL, "志愿者注册信息", (
        Col("politics", ("政治面貌",)),
        Col("registered", ("注册时间", "注册日期")),
        COUNTY,
    ), "团员注册志愿者人数及其占团员数的比例（团员数取同月智慧团建团员列表）", recognise=("姓名",)),
    Layout("ivol_services", IVOL, "志愿服务记录", (
        Col("politics", ("政治面貌",)),
        Col("served", ("服务日期", "服务开始时间", "服务时间")),
        Col("hours", ("服务时长（小时）", "服务时长", "时长（小时）")),
        COUNTY,
    ), "团员年内服务次数和服务时长的人均数（团员数取同月智慧团建团员列表）", recognise=("姓名",)),
)

BY_KEY = {layout.key: layout for layout in LAYOUTS}
SYSTEMS = (ZHTJ, IVOL, QNZS)


def every_header() -> list[str]:
    """All header texts of every layout: the reader looks for the header row among the top rows with them."""
    return [h for layout in LAYOUTS for c in layout.columns for h in c.headers] + list(PERSONAL)


def is_personal(header: str) -> bool:
    key = header_key(header)
    return any(key == header_key(p) for p in PERSONAL)


def find_column(headers: list[str], col: Col) -> int | None:
    for i, header in enumerate(headers):
        if header and col.matches(header):
            return i
    return None


def recognise(headers: list[str]) -> tuple[Layout | None, list[tuple[Layout, list[str]]]]:
    """The layout whose every required column (and identifying header) is in ``headers``; otherwise
    ``None`` and, nearest first, each layout with the headers it is missing.

    Of several complete matches, the one with the most columns found wins (an organisation list and an
    activity list both have 组织名称)."""
    complete, near = [], []
    for layout in LAYOUTS:
        missing = [c.headers[0] for c in layout.required if find_column(headers, c) is None]
        missing += [h for h in layout.recognise if not any(header_key(x) == header_key(h) for x in headers if x)]
        found = sum(find_column(headers, c) is not None for c in layout.columns)
        (near if missing else complete).append((layout, missing, found))
    if complete:
        return max(complete, key=lambda x: x[2])[0], []
    near.sort(key=lambda x: (len(x[1]), -x[2]))
    return None, [(layout, missing) for layout, missing, _found in near]
