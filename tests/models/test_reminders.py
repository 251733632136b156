"""Reminders through real transports: mail to a local SMTP server (aiosmtpd), webhooks to a local HTTP
server (Apprise's json://). Who got what, once; a failed send retried; long messages split on lines."""

from __future__ import annotations

import email
import email.header
import json
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from models import reminders
from models.reference import find_department
from models.reminders import ChannelError, Pacer, add_channel, run, split_message
from models.tables import ReminderChannel, ReminderSent
from tests import factories as f

TODAY = date(2019, 5, 25)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], str, str]] = []  # (recipients, subject, text)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = email.message_from_bytes(envelope.content)
        subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
        text = next(p.get_payload(decode=True).decode() for p in msg.walk() if p.get_content_type() == "text/plain")
        self.mails.append((list(envelope.rcpt_tos), subject, text.replace("\r\n", "\n")))
        return "250 OK"


@pytest.fixture
def smtp():
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


class Hooks:
    """A webhook receiver: every JSON post by path; a path in ``failing`` answers 500."""

    def __init__(self) -> None:
        self.posts: dict[str, list[dict]] = {}
        self.failing: set[str] = set()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path in hooks.failing:
                    self.send_response(500)
                else:
                    hooks.posts.setdefault(self.path, []).append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks():
    h = Hooks()
    yield h
    h.close()


@pytest.fixture
def province(session, smtp, hooks):
    jia = f.cadre(session, "组织部", "甲")
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=1, cadres=[jia])
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 20), league_members=50)
    add_channel(session, find_department(session, "组织部"),
                f"mailto://127.0.0.1:{smtp.port}?from=zhudian@example.com&to=zuzhi@example.com&mode=insecure")
    add_channel(session, find_department(session, "宣传部"), hooks.url("/xuanchuan"), "宣传部工作群")
    add_channel(session, find_department(session, "办公室"), hooks.url("/bangong"))
    session.commit()
    return session


def test_each_department_gets_its_own_reminder_once_and_a_failed_send_is_retried(province, smtp, hooks):
    session = province
    hooks.failing.add("/bangong")
    first = run(session, TODAY)
    states = {(o.reminder.department, o.state) for o in first}
    assert ("组织部", "sent") in states and ("宣传部", "sent") in states and ("办公室", "failed") in states
    assert ("学校部", "no_channel") in states  # due, but nowhere to send it: reported, nothing recorded

    [(to, subject, text)] = smtp.mails
    assert to == ["zuzhi@example.com"]
    assert "组织部 2019年5月" in subject
    assert "本月已驻点 1 个整天，规定每月至少 3 个整天，还差 2 天；本月还剩 6 天。" in text
    assert "梅州·梅县区（未到期、尚未报送）" in text and "清远·清城区（未到期、尚未报送）" in text
    assert "梅州·梅江区" not in text  # its May form is in
    assert "甲：已驻点 1 天，按进度应达 2.5 天" in text
    assert "此前月份逾期未报的附件2 16 份：" in text  # April's, every county unit of 梅州 and 清远
    assert "梅江区 2019年4月的推动情况表（应于04月30日前报送）" in text
    [post] = hooks.posts["/xuanchuan"]
    assert "宣传部 2019年5月" in post["title"] and "还差 3 天" in post["message"]
    assert "/bangong" not in hooks.posts
    failed = session.exec(select(ReminderSent).where(ReminderSent.sent_at.is_(None))).one()  # type: ignore[union-attr]
    assert failed.attempts == 1 and "失败" in failed.last_error

    hooks.failing.clear()  # the office's bot is back
    second = run(session, TODAY)
    assert {o.state for o in second if o.reminder.department in ("组织部", "宣传部")} == {"already"}
    assert [o.state for o in second if o.reminder.department == "办公室"] == ["sent"]
    assert len(smtp.mails) == 1 and len(hooks.posts["/xuanchuan"]) == 1 and len(hooks.posts["/bangong"]) == 1
    session.refresh(failed)
    assert failed.sent_at is not None and failed.attempts == 2

    third = run(session, TODAY)
    assert {o.state for o in third} <= {"already", "no_channel"}
    assert len(smtp.mails) == 1 and len(hooks.posts["/xuanchuan"]) == 1 and len(hooks.posts["/bangong"]) == 1


def test_a_long_reminder_is_split_on_line_boundaries_within_the_bots_limit(session, hooks, monkeypatch):
    monkeypatch.setitem(reminders.CHANNEL_LIMITS, "json", reminders.CHANNEL_LIMITS["wecombot"])
    for i in range(80):
        f.cadre(session, "基层组织建设部", f"基层部干部第{i:02d}号")
    url = hooks.url("/jiceng")
    add_channel(session, find_department(session, "基层组织建设部"), url)
    session.commit()
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    [outcome] = [o for o in run(session, TODAY, pacers={url: Pacer(2, lambda: clock[0], sleep)})
                 if o.reminder.department == "基层组织建设部"]
    posts = hooks.posts["/jiceng"]
    assert outcome.state == "sent" and outcome.parts == len(posts) >= 3
    for post in posts:
        assert len(post["title"].encode()) + 2 + len(post["message"].encode()) <= 2048
    assert [line for p in posts for line in p["message"].split("\n")] == outcome.reminder.lines
    assert posts[0]["title"].endswith(f"（1/{len(posts)}）")
    assert waits and waits[0] == pytest.approx(60.0)  # the third part waited for the minute to pass


def test_pacer_holds_twenty_a_minute():
    clock, waits = [0.0], []

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    pacer = Pacer(20, lambda: clock[0], sleep)
    for _ in range(45):
        pacer.wait()
        clock[0] += 0.1
    assert len(waits) == 2  # before the 21st and the 41st
    assert all(55 < w <= 60 for w in waits)


def test_split_never_cuts_a_line_and_cuts_an_overlong_one_by_characters():
    body = "\n".join(f"第{i}行：" + "汉" * 30 for i in range(100)) + "\n" + "长" * 2000
    parts = split_message("【驻点提醒】标题", body, 2048)
    lines = [line for p in parts for line in p.split("\n")]
    assert lines[:100] == body.split("\n")[:100]  # every ordinary line whole
    assert "".join(lines[100:]) == "长" * 2000 and len(lines) > 101  # the overlong one cut between characters
    assert all(len(p.encode()) + len("【驻点提醒】标题（10/10）\r\n".encode()) <= 2048 for p in parts)
    assert split_message("t", body, None) == [body]


@pytest.mark.parametrize("url", ["foo://bar", "wecombot://", "http//missing-colon", "", "mailto://"])
def test_a_channel_apprise_cannot_parse_is_refused_and_nothing_saved(session, url):
    with pytest.raises(ChannelError, match="无法识别的通知地址"):
        add_channel(session, find_department(session, "组织部"), url)
    assert session.exec(select(ReminderChannel)).all() == []


def test_nothing_is_due_outside_the_campaign(session, hooks):
    add_channel(session, find_department(session, "组织部"), hooks.url("/x"))
    session.commit()
    assert run(session, date(2019, 2, 25)) == []
    assert hooks.posts == {}


def test_yearly_deadlines_coming_due_are_reminded_to_the_paired_department(session, hooks):
    add_channel(session, find_department(session, "组织部"), hooks.url("/zz"))
    f.city_plan(session, "梅州", date(2019, 4, 20))  # 清远's plan is still out
    session.commit()
    outcomes = [o for o in run(session, date(2019, 4, 25)) if o.reminder.department == "组织部"]
    assert {o.reminder.deadline for o in outcomes} == {"month:2019-04", "city_plan:2019"}
    plan = next(p for p in hooks.posts["/zz"] if "实施方案" in p["title"])
    assert "清远：2019年本地实施方案" in plan["message"] and "梅州" not in plan["message"]
