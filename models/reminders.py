"""Month-end reminders to departments (never to branches: 不得让基层填写任何报表).

What a department is short of comes from :func:`models.summary.month_summary` (this month's days
against the target with the days left, 附件2 forms not yet received county by county, cadres below
their pro-rated share of the year's days) and from :func:`models.rules.alerts` judged on the day after
each yearly deadline coming due (project report, lecture materials, the paired cities' own plans).

Channels are Apprise URLs kept per department. A reminder is sent once per department, deadline and
channel (:class:`ReminderSent`); a failed send is recorded unsent and tried again on the next run.
Messages are split on line boundaries to the channel's size limit and paced to its rate limit.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import apprise
from sqlmodel import Session, col, select

from models.clock import now
from models.figures.deadlines import form_due
from models.figures.period import Period
from models.rules import alerts
from models.summary import DepartmentRow, month_summary
from models.tables import Assignment, Campaign, Department, ReminderChannel, ReminderSent
from models.targets import Targets, targets_for
from models.text import clean_text

COMING_DUE_DAYS = 45  # a yearly deadline within this many days is reminded of (Nov runs reach Dec's)
YEARLY = {"project_report": "服务青年工作项目报告", "lecture_materials": "党团课材料", "city_plan": "地市实施方案"}
STATE_WORDS = {"pending": "未到期、尚未报送", "missing": "已逾期未报"}


class ChannelError(ValueError):
    """A channel URL that cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class Limits:
    """What a channel accepts: bytes per message (title included) and messages per minute."""

    max_bytes: int | None = None
    per_minute: int | None = None


# 企业微信群机器人: 20 messages a minute, 2,048 bytes of text (we send text); DingTalk bots: 20 a minute.
CHANNEL_LIMITS: dict[str, Limits] = {
    "wecombot": Limits(2048, 20),
    "dingtalk": Limits(20000, 20),
}


def scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()


def limits_for(url: str) -> Limits:
    return CHANNEL_LIMITS.get(scheme(url), Limits())


# --- channels -----------------------------------------------------------------------------------------


def _plugin(url: str):
    with apprise.LogCapture(level=logging.ERROR):  # Apprise's own complaint stays out of the terminal
        return apprise.Apprise.instantiate(url.strip())


def masked(url: str) -> str:
    """The URL as shown to coordinators: Apprise hides keys and passwords."""
    plugin = _plugin(url)
    return plugin.url(privacy=True).split("?", 1)[0] if plugin else "（无法识别）"


def add_channel(session: Session, department: Department, url: str, label: str = "") -> ReminderChannel:
    """A new channel for ``department``; a URL Apprise cannot parse is refused and nothing is stored. Flushes."""
    url = url.strip()
    if not url or "://" not in url or _plugin(url) is None:
        raise ChannelError(f"无法识别的通知地址：{url or '（空）'}。请使用 Apprise 格式，如 wecombot://机器人key、"
                           "dingtalk://token、mailto://用户:密码@smtp服务器?to=收件人")
    row = ReminderChannel(department_id=department.id, url=url, label=clean_text(label)[:100])
    session.add(row)
    session.flush()
    return row


def list_channels(session: Session, department_id: int | None = None) -> list[ReminderChannel]:
    query = select(ReminderChannel).order_by(ReminderChannel.department_id, ReminderChannel.id)
    if department_id is not None:
        query = query.where(ReminderChannel.department_id == department_id)
    return list(session.exec(query))


def remove_channel(session: Session, channel_id: int) -> ReminderChannel:
    row = session.get(ReminderChannel, channel_id)
    if row is None:
        raise ChannelError(f"找不到编号为 {channel_id} 的通知渠道（可用 zhudian remind channels list 查看）")
    for sent in session.exec(select(ReminderSent).where(ReminderSent.channel_id == channel_id)):
        session.delete(sent)
    session.delete(row)
    session.flush()
    return row


# --- what is due --------------------------------------------------------------------------------------


@dataclass
class Reminder:
    department_id: int
    department: str
    deadline: str  # the key it is sent once for: "month:2019-05", "project_report:2019" …
    due: date
    title: str
    lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.lines)

    @property
    def label(self) -> str:
        """The deadline in words: 2019年5月, 2019年服务青年工作项目报告 …"""
        kind, _, when = self.deadline.partition(":")
        if kind == "month":
            year, month = when.split("-")
            return f"{year}年{int(month)}月"
        return f"{when}年{YEARLY.get(kind, kind)}"


def _month_lines(row: DepartmentRow, targets: Targets) -> list[str]:
    lines = []
    if row.days_short:
        lines.append(f"本月已驻点 {row.visit_days:g} 个整天，规定每月至少 {targets.dept_days_per_month:g} 个整天，"
                     f"还差 {row.days_short:g} 天；本月还剩 {row.days_left} 天。")
    if row.forms:
        lines.append(f"附件2《团的基层建设推动情况》尚未收到 {len(row.forms)} 份：")
        lines += [f"  · {s.city}·{s.county}（{STATE_WORDS[s.state]}）" for s in row.forms]
    if row.cadres_short:
        lines.append(f"累计驻点低于全年 {targets.cadre_days_per_year:g} 个整天进度的专职干部 {len(row.cadres_short)} 名：")
        lines += [f"  · {c.name}：已驻点 {c.days:g} 天，按进度应达 {c.share:g} 天" for c in row.cadres_short]
    return lines


def due_reminders(session: Session, today: date) -> list[Reminder]:
    """Every department's reminders as of ``today``: this campaign month's, and the yearly deadlines
    coming due within :data:`COMING_DUE_DAYS` days."""
    if session.get(Campaign, today.year) is None:
        return []  # no campaign this year: nothing is due to anyone
    targets = targets_for(session, today.year)
    out: list[Reminder] = []
    if today.month in targets.months:
        period = Period(today.year, today.month)
        due = form_due(today.year, today.month, targets)
        overdue: dict[int, list[str]] = {}  # earlier months' forms still missing, per department
        for alert in alerts(session, Period(today.year), today=today):
            if alert.rule == "form_missing" and (alert.month or 0) < today.month:
                dept_id = alert.records["department"][0]
                overdue.setdefault(dept_id, []).append(f"  · {alert.message.split(' ', 1)[1]}")
        for row in month_summary(session, period, today=today).departments:
            lines = _month_lines(row, targets)
            if row.department_id in overdue:
                lines += [f"此前月份逾期未报的附件2 {len(overdue[row.department_id])} 份：", *overdue[row.department_id]]
            if lines:
                out.append(Reminder(row.department_id, row.name, f"month:{period.key}", due,
                                    f"【驻点提醒】{row.name} {period.label}（{due:%m月%d日}截止）", lines))
    depts = {d.id: d for d in session.exec(select(Department).order_by(Department.seq))}
    city_depts: dict[int, list[int]] = {}
    for a in session.exec(select(Assignment).order_by(Assignment.id)):
        city_depts.setdefault(a.city_id, []).append(a.department_id)
    for rule, what in YEARLY.items():
        due = targets.due(rule)
        if not today <= due <= today + timedelta(days=COMING_DUE_DAYS):
            continue
        # What the rules would find missing the day after the deadline, if nothing more is handed in.
        by_dept: dict[int, list[str]] = {}
        for alert in alerts(session, Period(today.year), today=due + timedelta(days=1)):
            if alert.rule != rule or alert.severity != "breach":
                continue
            city = alert.level == "city"
            owners = city_depts.get(alert.subject_id, []) if city else [alert.subject_id]
            text = alert.message.replace(f"{alert.subject_name} 未报送", f"{alert.subject_name}：" if city else "", 1)
            for dept_id in owners:
                by_dept.setdefault(dept_id, []).append(f"  · {text}")
        for dept_id, lines in by_dept.items():
            dept = depts[dept_id]
            out.append(Reminder(dept_id, dept.name, f"{rule}:{today.year}", due,
                                f"【驻点提醒】{dept.name} {what}（{due:%m月%d日}截止）",
                                [f"{what}应于{due:%Y年%m月%d日}前报送，目前尚有 {len(lines)} 项未报送：", *lines]))
    out.sort(key=lambda r: (depts[r.department_id].seq, r.due, r.deadline))
    return out


# --- sending ------------------------------------------------------------------------------------------


def split_message(title: str, body: str, max_bytes: int | None) -> list[str]:
    """``body`` in parts that fit ``max_bytes`` together with the title (and a part number), cut only at
    line ends; a single line longer than a part is cut between characters."""
    if max_bytes is None:
        return [body]
    budget = max_bytes - len(title.encode()) - len("（10/10）\r\n".encode())
    if budget < 64:
        raise ChannelError("提醒标题过长，超出渠道的消息长度限制")
    lines: list[str] = []
    for line in body.split("\n"):
        while len(line.encode()) > budget:
            cut = budget
            while len(line[:cut].encode()) > budget:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    parts, current = [], ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > budget and current:
            parts.append(current)
            candidate = line
        current = candidate
    parts.append(current)
    return parts


class Pacer:
    """At most ``per_minute`` sends in any 60 seconds: waits (``sleep``) before a send that would exceed it."""

    def __init__(self, per_minute: int | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_minute, self.clock, self.sleep = per_minute, clock, sleep
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        if not self.per_minute:
            return
        if len(self.sent) >= self.per_minute:
            wait = 60.0 - (self.clock() - self.sent[0])
            if wait > 0.001:  # float noise of a window that has just passed
                self.sleep(wait)
            self.sent.popleft()
        self.sent.append(self.clock())


def deliver(url: str, title: str, parts: list[str], pacer: Pacer) -> str:
    """Send every part through ``url``; "" when all went, else the first failure in words."""
    plugin = _plugin(url)
    if plugin is None:
        return "无法识别的通知地址"
    for i, part in enumerate(parts, start=1):
        heading = f"{title}（{i}/{len(parts)}）" if len(parts) > 1 else title
        pacer.wait()
        with apprise.LogCapture(level=logging.WARNING) as log:
            ok = plugin.notify(body=part, title=heading, body_format=apprise.NotifyFormat.TEXT)
        if not ok:
            detail = clean_text(log.getvalue())[:300]  # a server's answer may carry terminal escapes
            return f"第 {i}/{len(parts)} 条发送失败：{detail or '对方未接受'}"
    return ""


@dataclass
class Outcome:
    reminder: Reminder
    channel_id: int | None
    channel: str  # masked URL or label
    state: str  # "sent", "failed", "already", "dry_run", "no_channel"
    parts: int = 0
    error: str = ""


def run(session: Session, today: date, *, dry_run: bool = False,
        pacers: dict[str, Pacer] | None = None) -> list[Outcome]:
    """Send what is due and not yet sent; commits after each send so nothing sent is ever sent again."""
    pacers = {} if pacers is None else pacers
    channels: dict[int, list[ReminderChannel]] = {}
    for ch in list_channels(session):
        channels.setdefault(ch.department_id, []).append(ch)
    outcomes = []
    for reminder in due_reminders(session, today):
        mine = channels.get(reminder.department_id, [])
        if not mine:
            outcomes.append(Outcome(reminder, None, "", "no_channel"))
            continue
        for ch in mine:
            shown = ch.label or masked(ch.url)
            record = session.exec(select(ReminderSent).where(
                ReminderSent.department_id == reminder.department_id, ReminderSent.deadline == reminder.deadline,
                ReminderSent.channel_id == ch.id)).first()
            if record is not None and record.sent_at is not None:
                outcomes.append(Outcome(reminder, ch.id, shown, "already"))
                continue
            parts = split_message(reminder.title, reminder.body, limits_for(ch.url).max_bytes)
            if dry_run:
                outcomes.append(Outcome(reminder, ch.id, shown, "dry_run", len(parts)))
                continue
            pacer = pacers.setdefault(ch.url, Pacer(limits_for(ch.url).per_minute))
            error = deliver(ch.url, reminder.title, parts, pacer)
            if record is None:
                record = ReminderSent(department_id=reminder.department_id, deadline=reminder.deadline,
                                      channel_id=ch.id)
            record.attempts += 1
            record.last_attempt_at = now()
            record.last_error = error[:500]
            record.body = f"{reminder.title}\n{reminder.body}"
            if not error:
                record.sent_at = now()
            session.add(record)
            session.commit()
            outcomes.append(Outcome(reminder, ch.id, shown, "failed" if error else "sent", len(parts), error))
    return outcomes


def unsent(session: Session) -> list[ReminderSent]:
    """Reminders whose every attempt failed so far (retried on the next run while still due)."""
    return list(session.exec(select(ReminderSent).where(col(ReminderSent.sent_at).is_(None))
                             .order_by(ReminderSent.id)))
