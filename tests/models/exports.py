"""Sample exports of 智慧团建 and i志愿 as the systems write them: a title row (merged across the
sheet), the header row, personal columns (names, ID and phone numbers), and a trailing 合计 row."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

ORG_HEADERS = ["序号", "组织名称", "组织类型", "单位类别", "成立日期", "团支部书记", "书记手机号", "团员人数"]
MEMBER_HEADERS = ["序号", "姓名", "身份证号", "手机号码", "所在团支部", "单位类别", "加入本组织时间"]
ACTIVITY_HEADERS = ["组织名称", "活动名称", "活动类型", "活动时间", "参加人数"]
VOLUNTEER_HEADERS = ["姓名", "证件号码", "手机号", "政治面貌", "注册时间"]
SERVICE_HEADERS = ["姓名", "证件号码", "政治面貌", "项目名称", "服务日期", "服务时长（小时）"]

PEOPLE = ["陈晓明", "李婷婷", "黄志强", "张丽华", "刘建国", "林小燕"]


def person(i: int) -> tuple[str, str, str]:
    """A name, an ID number and a phone number that a test can look for in the database afterwards."""
    return f"{PEOPLE[i % len(PEOPLE)]}{i}", f"44140219990101{i:04d}", f"1380000{i:04d}"


def write_export(path: Path, title: str, headers: list[str], rows: list[list], total: list | None = None) -> Path:
    """An XLSX with the title row merged across the headers, as the systems export it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if total is not None:
        ws.append(total)
    wb.save(path)
    return path


def write_export_csv(path: Path, title: str, headers: list[str], rows: list[list], total: list | None = None,
                     encoding: str = "gb18030") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if c is None else (c.isoformat(sep=" ") if isinstance(c, datetime) else c) for c in row])
    if total is not None:
        writer.writerow(total)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def orgs(path: Path, county: str = "梅江区", *, csv_file: bool = False) -> Path:
    """9 branches and a 团总支: 2 without a secretary; founded in May 2019: 2 非公企业, 1 社会组织."""
    rows = []
    spec = [("非公企业", date(2019, 5, 6), True), ("非公企业", date(2019, 5, 20), False), ("社会组织", date(2019, 5, 9), True),
            ("非公企业", date(2019, 4, 2), True), ("学校", date(2018, 9, 1), True), ("农村", date(2017, 3, 1), False),
            ("社区", date(2019, 5, 15), True), ("机关事业单位", date(2016, 1, 1), True), ("社会组织", date(2019, 6, 2), True)]
    for i, (category, founded, secretary) in enumerate(spec, 1):
        name, _id, phone = person(i)
        rows.append([i, f"{county}第{i}团支部", "团支部", category, founded, name if secretary else "",
                     phone if secretary else "", 10 + i])
    rows.append([10, f"{county}某中学团总支", "团总支", "学校", date(2015, 1, 1), "王老师", "13900000000", 80])
    total = ["合计", "", "", "", "", "", "", sum(r[7] for r in rows)]
    title = f"{county}团组织列表（导出时间：2019-05-31 18:00）"
    if csv_file:
        return write_export_csv(path, title, ORG_HEADERS, rows, total)
    return write_export(path, title, ORG_HEADERS, rows, total)


def members(path: Path, county: str = "梅江区", n: int = 40, *, csv_file: bool = False) -> Path:
    """``n`` members; arrived in May 2019: 3 in 非公企业 branches, 2 in 社会组织 ones."""
    rows = []
    for i in range(n):
        name, idno, phone = person(i)
        category, arrived = "学校", datetime(2018, 9, 1, 9, 0)
        if i < 3:
            category, arrived = "非公企业", datetime(2019, 5, 10 + i, 14, 30)
        elif i < 5:
            category, arrived = "社会组织", datetime(2019, 5, 3, 9, 0)
        elif i < 7:
            category, arrived = "非公企业", datetime(2019, 4, 28, 9, 0)  # April: not this month's
        rows.append([i + 1, name, idno, phone, f"{county}第{i % 9 + 1}团支部", category, arrived])
    title = f"{county}团员信息（共{n}人）"
    if csv_file:
        return write_export_csv(path, title, MEMBER_HEADERS, rows, ["合计", f"{n}人"])
    return write_export(path, title, MEMBER_HEADERS, rows, ["合计", f"{n}人"])


def activities(path: Path, county: str = "梅江区") -> Path:
    rows = [[f"{county}第1团支部", "五四主题团日：青春心向党", "主题团日", datetime(2019, 5, 4, 15, 0), 18],
            [f"{county}第2团支部", "5月支部大会", "支部大会", datetime(2019, 5, 12, 19, 30), 12],
            [f"{county}第1团支部", "团课：学习习近平总书记“7·2”重要讲话", "团课", date(2019, 5, 20), 20],
            [f"{county}第3团支部", "4月团小组会", "团小组会", date(2019, 4, 18), 6]]  # April: not offered for May
    return write_export(path, f"{county}“三会两制一课”开展情况", ACTIVITY_HEADERS, rows)


def volunteers(path: Path, n_members: int = 36, n_others: int = 10) -> Path:
    """``n_members`` 共青团员 registered by 2019-05-31 (and one registered after it), ``n_others`` others."""
    rows = []
    for i in range(n_members + n_others + 1):
        name, idno, phone = person(i)
        politics = "共青团员" if i < n_members or i == n_members + n_others else "群众"
        registered = datetime(2019, 6, 5, 10, 0) if i == n_members + n_others else datetime(2019, 3, 1 + i % 28, 10, 0)
        rows.append([name, idno, phone, politics, registered])
    return write_export(path, "i志愿 志愿者信息导出", VOLUNTEER_HEADERS, rows, ["合计", f"{len(rows)}人"])


def services(path: Path) -> Path:
    """2019 services of 共青团员: 30 records, 90 hours; plus a 群众's and one from 2018 (not counted)."""
    rows = []
    for i in range(30):
        name, idno, _phone = person(i % 12)
        rows.append([name, idno, "共青团员", "关爱留守儿童", date(2019, 1 + i % 5, 1 + i), 3])
    rows.append(["某群众", "441402199001010000", "群众", "社区服务", date(2019, 5, 2), 4])
    rows.append([person(1)[0], person(1)[1], "共青团员", "社区服务", date(2018, 12, 2), 5])
    return write_export(path, "i志愿 志愿服务记录", SERVICE_HEADERS, rows, ["合计", "", "", "", "", 99])
