"""``zhudian remind`` and ``zhudian leader`` on the command line: dry run, channels, bad URLs, links."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from models.reference import find_department
from models.reminders import add_channel
from models.tables import AuditEntry, LeaderLink, ReminderChannel, ReminderSent
from tests import factories as f


def test_dry_run_prints_what_would_go_and_records_nothing(run, engine):
    with Session(engine) as s:
        f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=1)
        add_channel(s, find_department(s, "组织部"), "json://127.0.0.1:9/never-called")
        s.commit()
    result = run("remind", "--dry-run", "--today", "2019-05-25")
    assert result.exit_code == 0, result.output
    assert "【驻点提醒】组织部 2019年5月（05月31日截止）" in result.output
    assert "本月已驻点 1 个整天，规定每月至少 3 个整天，还差 2 天；本月还剩 6 天。" in result.output
    assert "组织部 · month:2019-05 → json://127.0.0.1:9/never-called：将发送（演练，未发送）" in result.output
    with Session(engine) as s:
        assert s.exec(select(ReminderSent)).all() == []


def test_a_channel_that_is_down_fails_the_run_and_stays_unsent(run, engine):
    with Session(engine) as s:
        add_channel(s, find_department(s, "组织部"), "json://127.0.0.1:9/down")  # nothing listens on port 9
        s.commit()
    result = run("remind", "--today", "2019-05-25", "--json")
    assert result.exit_code == 1
    mine = [o for o in json.loads(result.output) if o["department"] == "组织部"]
    assert [o["state"] for o in mine] == ["failed"] and mine[0]["error"]
    with Session(engine) as s:
        [sent] = s.exec(select(ReminderSent)).all()
        assert sent.sent_at is None and sent.attempts == 1


def test_channels_add_list_remove_keep_secrets_out_of_sight(run, engine):
    bad = run("remind", "channels", "add", "--department", "组织部", "--url", "wecom://oops")
    assert bad.exit_code == 2 and "无法识别的通知地址：wecom://oops" in bad.output
    url = "mailto://zd:s3cretpw@smtp.example.org?to=zzb@example.org"
    added = run("remind", "channels", "add", "--department", "组织部", "--url", url, "--label", "组织部邮箱")
    assert added.exit_code == 0, added.output
    listed = run("remind", "channels", "list")
    assert "组织部邮箱" in listed.output and "s3cretpw" not in listed.output
    with Session(engine) as s:
        [channel] = s.exec(select(ReminderChannel)).all()
        trail = s.exec(select(AuditEntry).where(AuditEntry.table_name == "reminderchannel")).all()
        assert trail and all("s3cretpw" not in e.new_values + e.old_values for e in trail)
    assert run("remind", "channels", "remove", str(channel.id)).exit_code == 0
    assert run("remind", "channels", "remove", str(channel.id)).exit_code == 2


def test_leader_link_list_revoke(run, engine):
    made = run("leader", "link", "--name", "王领导", "--role", "副书记", "--public-url", "https://zd.example.org",
               "--json")
    assert made.exit_code == 0, made.output
    info = json.loads(made.output[made.output.index("{"):])
    assert info["url"].startswith("https://zd.example.org/ld/k/")
    token = info["url"].rsplit("/", 1)[1]
    with Session(engine) as s:
        [row] = s.exec(select(LeaderLink)).all()
        assert token not in row.token_hash and len(row.token_hash) == 64
    assert "王领导  副书记  有效" in run("leader", "list").output
    assert run("leader", "revoke", "王领导").exit_code == 0
    assert "王领导  副书记  已停用" in run("leader", "list").output
    assert run("leader", "revoke", "王领导").exit_code == 2  # nothing live is left to revoke
    assert run("leader", "link", "--name", " ").exit_code == 2


def test_stored_escape_sequences_never_reach_the_terminal(run, engine):
    with Session(engine) as s:
        c = f.cadre(s, "组织部", "甲\x1b[2J\x1b]0;pwned\x07")
        f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 4, 1), days=1, cadres=[c])
        s.add(LeaderLink(name="王\x1b[31m领导", role="", token_hash="0" * 64,
                         expires_at=datetime(2099, 1, 1, tzinfo=UTC)))
        add_channel(s, find_department(s, "组织部"), "json://127.0.0.1:9/x")
        s.commit()
    for args in (("remind", "--dry-run", "--today", "2019-05-25"), ("leader", "list")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
    assert "甲[2J]0;pwned" in run("remind", "--dry-run", "--today", "2019-05-25").output
