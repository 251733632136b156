"""Answers that find nothing in a new real database point at the demo; examples that do something
surprising (a closed link, a revoke) say what they did; the data paths are printed for backups."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from tui.cli import cli


@pytest.fixture
def run(home):
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), prog_name="zhudian", catch_exceptions=False)


@pytest.fixture
def real_beside_demo(run, home):
    """``zhudian init`` done; a demo database beside it (only its presence matters to the hints)."""
    assert run("init").exit_code == 0
    (home / "demo.db").write_bytes(b"")
    return home / "demo.db"


@pytest.mark.parametrize("args, error", [
    (["link", "create", "--branch", "12"], "找不到编号为 12 的团支部"),
    (["link", "live", "--branch", "12", "--once"], "找不到编号为 12 的团支部"),
    (["link", "sheet", "--county", "梅江区"], "梅江区还没有录入团支部"),
    (["cadre", "link", "--cadre", "1"], "找不到编号为 1 的专职干部"),
    (["cadre", "revoke", "--cadre", "1"], "找不到编号为 1 的专职干部"),
])
def test_nothing_found_in_the_real_database_names_the_demo(run, real_beside_demo, args, error):
    result = run(*args)
    assert result.exit_code != 0 and f"错误：{error}" in result.output
    assert "正在使用正式数据库" in result.output and f"--db sqlite:///{real_beside_demo}" in result.output


def test_exporting_nothing_says_where_the_demo_is(run, real_beside_demo, tmp_path):
    result = run("export", "feedback", "-o", str(tmp_path / "all.csv"))
    assert result.exit_code == 0 and "已导出团员评价 0 条" in result.output
    assert f"--db sqlite:///{real_beside_demo}" in result.output


def test_an_empty_branch_list_says_where_the_demo_is(run, real_beside_demo):
    result = run("branch", "list", "--county", "梅江区")
    assert result.exit_code == 0 and "没有符合条件的团支部" in result.output
    assert f"--db sqlite:///{real_beside_demo}" in result.output


def test_no_demo_hint_when_a_database_is_named(run, real_beside_demo, home):
    result = run("--db", f"sqlite:///{home / 'zhudian.db'}", "link", "create", "--branch", "12")
    assert result.exit_code == 2 and "找不到编号为 12 的团支部" in result.output and "演示" not in result.output


def test_a_link_closing_in_the_past_warns(run, home):
    from models.db import default_url, make_engine, session_scope
    from tests import factories

    assert run("init").exit_code == 0
    engine = make_engine(default_url())
    with session_scope(engine) as session:
        branch_id = factories.branch(session, "梅江区", "江南团支部").id
    engine.dispose()
    closed = run("link", "create", "--branch", str(branch_id), "--closes", "2019-05-06 18:00", "--json")
    assert closed.exit_code == 0 and "截止时间 2019-05-06 18:00 已过" in closed.output
    later = run("link", "create", "--branch", str(branch_id), "--closes", "2999-05-06 18:00", "--json")
    assert later.exit_code == 0 and "已过" not in later.output


def test_paths_name_the_real_database_file(run, home):
    assert run("paths", "--database").output.strip() == str(home / "zhudian.db")
    listed = json.loads(run("paths", "--json").output)
    assert listed["database"] == str(home / "zhudian.db") and listed["demo_database"] == str(home / "demo.db")
    assert "尚未创建" in run("paths").output
    run("init")
    assert "尚未创建" not in run("paths").output
    refused = run("--db", "postgresql://nobody@127.0.0.1:1/none", "paths", "--database")
    assert refused.exit_code == 1 and "不是 SQLite" in refused.output


def test_missing_postgres_driver_gives_the_install_command(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if zhudian[postgres] were not installed
    result = run("--db", "postgresql://nobody@127.0.0.1:1/none", "status")
    assert result.exit_code == 2 and "pip install 'zhudian[postgres]'" in result.output, result.output
