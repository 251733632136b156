"""``zhudian demo``: its own demo.db, reused when complete, never the user's real database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

import tests.factories as make
from models.db import make_engine
from models.demo import demo_marker
from models.tables import Branch, Rating
from tui.cli import cli

ARGS = ["demo", "--no-ui", "--ratings", "2000"]


@pytest.fixture(autouse=True)
def as_of_2019(monkeypatch: pytest.MonkeyPatch) -> None:
    # As of the end of the seed's campaign, whatever the machine's day: the 2019 campaign, complete.
    monkeypatch.setenv("ZHUDIAN_TODAY", "2019-12-01")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def ratings_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return s.exec(select(func.count()).select_from(Rating)).one()
    finally:
        engine.dispose()


def test_builds_demo_db_in_the_data_directory_never_zhudian_db(home: Path):
    result = run(*ARGS)
    assert result.exit_code == 0, result.output
    assert (home / "demo.db").exists()
    assert not (home / "zhudian.db").exists()
    assert "已生成 2019 年演示数据" in result.output
    assert "团员评价 2,000 条" in result.output
    assert "仅驻点 2 天" in result.output and "仅到地市一级" in result.output and "座谈会 15 人" in result.output
    assert ratings_in(f"sqlite:///{home / 'demo.db'}") == 2000


def test_reuses_a_complete_demo_unless_forced_or_parameters_change(home: Path):
    assert run(*ARGS).exit_code == 0
    again = run(*ARGS)
    assert again.exit_code == 0
    assert "直接使用" in again.output and "已生成" not in again.output

    forced = run(*ARGS, "--force")
    assert "已生成" in forced.output

    other = run("demo", "--no-ui", "--ratings", "1500", "--seed", "9")
    assert "已生成" in other.output and "种子 9" in other.output
    url = f"sqlite:///{home / 'demo.db'}"
    assert ratings_in(url) == 1500
    engine = make_engine(url)
    assert demo_marker(engine)["params"] == {"ratings": 1500, "seed": 9, "year": 2019, "today": None}
    engine.dispose()


def test_ignores_the_configured_database_url(home: Path, tmp_path: Path):
    real = tmp_path / "production.db"
    result = run(*ARGS, env={"ZHUDIAN_DATABASE_URL": f"sqlite:///{real}"})
    assert result.exit_code == 0, result.output
    assert not real.exists()
    assert (home / "demo.db").exists()
    assert "ZHUDIAN_DATABASE_URL" in result.output


def test_refuses_the_real_database_file(home: Path):
    result = run("--db", f"sqlite:///{home / 'zhudian.db'}", *ARGS)
    assert result.exit_code == 2
    assert result.output.startswith("错误：演示数据不能写入正式数据库")
    assert "Traceback" not in result.output
    assert not (home / "zhudian.db").exists()


def test_with_db_builds_there(home: Path, db_url: str):
    result = run("--db", db_url, *ARGS, "--json")
    assert result.exit_code == 0, result.output
    assert '"reused": false' in result.output
    assert ratings_in(db_url) == 2000
    assert not (home / "demo.db").exists()
    again = run("--db", db_url, *ARGS, "--json")
    assert '"reused": true' in again.output


def test_with_db_refuses_a_database_holding_real_records(home: Path, db_url: str, session: Session):
    make.branch(session, name="梅江区真实团支部")
    session.commit()
    result = run("--db", db_url, *ARGS)
    assert result.exit_code == 2
    assert "非演示" in result.output
    session.expire_all()
    assert [b.name for b in session.exec(select(Branch))] == ["梅江区真实团支部"]
    assert ratings_in(db_url) == 0


def test_without_no_ui_opens_the_dashboard_on_the_demo(home: Path, monkeypatch: pytest.MonkeyPatch):
    # The real thing (survey server + dashboard in a terminal) runs in tests/e2e/test_dashboard_tmux.py;
    # here: the command hands the demo database, not the real one, to the UI.
    opened: list[str] = []
    monkeypatch.setattr("tui.demo_ui.run", opened.append)
    result = run("demo", "--ratings", "500")
    assert result.exit_code == 0, result.output
    assert opened == [f"sqlite:///{home / 'demo.db'}"]


@pytest.mark.parametrize("bad", [["--ratings", "-1"], ["--year", "19"]])
def test_bad_options_are_refused(home: Path, bad: list[str]):
    result = run("demo", "--no-ui", *bad)
    assert result.exit_code == 2
    assert not (home / "demo.db").exists()


def test_an_unfinished_demo_is_rebuilt(home: Path):
    # A build stopped halfway leaves no completion marker: the next run starts afresh.
    engine = make_engine(f"sqlite:///{home / 'demo.db'}")
    from models.migrate import upgrade

    upgrade(engine)
    engine.dispose()
    result = run(*ARGS)
    assert "已生成" in result.output
    assert ratings_in(f"sqlite:///{home / 'demo.db'}") == 2000


def test_a_broken_demo_file_is_replaced(home: Path):
    (home / "demo.db").write_bytes(b"not a database at all" * 100)
    result = run(*ARGS)
    assert result.exit_code == 0, result.output
    assert ratings_in(f"sqlite:///{home / 'demo.db'}") == 2000


def test_the_demo_issues_a_field_link_a_phone_can_open(demo_url, tmp_path):
    from survey.app import create_app
    from tui.demo_ui import demo_cadre_link

    name, token = demo_cadre_link(demo_url)
    app = create_app({"TESTING": True, "DATABASE_URL": demo_url, "SECRET_FILE": str(tmp_path / "s.key")})
    phone = app.test_client()
    assert phone.get(f"/c/k/{token}").status_code == 303
    assert f"{name} 的驻点" in phone.get("/c/").get_data(as_text=True)
    app.extensions["zhudian.engine"].dispose()


def test_after_the_demo_every_command_uses_it_until_zhudian_init(home: Path, tmp_path: Path):
    """The README's examples run as written right after ``zhudian demo``."""
    assert run(*ARGS).exit_code == 0
    result = CliRunner().invoke(cli, ["link", "create", "--branch", "12", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "使用演示数据库" in result.stderr and '"token"' in result.stdout
    sheet = tmp_path / "梅江区二维码.html"
    result = run("link", "sheet", "--county", "梅江区", "-o", str(sheet))
    assert result.exit_code == 0 and sheet.exists(), result.output
    out = tmp_path / "feedback.csv"
    result = run("export", "feedback", "-o", str(out))
    assert result.exit_code == 0 and "已导出团员评价 2000 条" in result.output, result.output

    # Once a real database is initialised it is the default again; the demo stays in demo.db.
    assert run("init").exit_code == 0
    assert (home / "zhudian.db").exists()
    result = run("branch", "list", "--json")
    assert result.exit_code == 0 and "使用演示数据库" not in result.output
    assert result.output.strip() in ("[]", "")


def test_the_demo_is_the_campaign_of_its_day_with_records_up_to_it(home: Path):
    from datetime import date

    from models.clock import local
    from models.tables import Campaign, Lecture, MonthlyReport, Visit

    result = run("demo", "--no-ui", "--ratings", "3000", "--today", "2026-07-03")
    assert result.exit_code == 0, result.output
    assert "已生成 2026 年演示数据" in result.output and "记录截至 2026-07-03" in result.output
    engine = make_engine(f"sqlite:///{home / 'demo.db'}")
    with Session(engine) as s:
        assert s.exec(select(Campaign.year)).all() == [2026]
        assert max(s.exec(select(Visit.end_date)).all()) <= date(2026, 7, 3)
        assert max(s.exec(select(Lecture.held_on)).all()) <= date(2026, 7, 3)
        assert max(s.exec(select(MonthlyReport.month)).all()) == 6  # June's form is in; July's not due
        assert max(local(r).date() for r in s.exec(select(Rating.created_at)).all()) <= date(2026, 7, 3)
        assert min(s.exec(select(Visit.start_date)).all()) >= date(2026, 4, 1)
    engine.dispose()


@pytest.mark.parametrize(("today", "year", "built"), [("2027-03-15", None, "2026"), ("2027-04-02", None, "2027"),
                                                      ("2026-11-20", "2019", "2019")])
def test_the_campaign_defaults_to_the_most_recent_as_of_today(home: Path, monkeypatch, today, year, built):
    monkeypatch.setenv("ZHUDIAN_TODAY", today)  # the env var the clock reads, as a user would set it
    result = run("demo", "--no-ui", "--ratings", "100", *(["--year", year] if year else []))
    assert result.exit_code == 0, result.output
    assert f"已生成 {built} 年演示数据" in result.output


def test_a_campaign_not_yet_begun_is_refused_in_chinese(home: Path):
    result = run("demo", "--no-ui", "--year", "2026", "--today", "2026-03-01")
    assert result.exit_code == 2 and "2026年的驻点工作从2026-04-01开始" in result.output
    bad = run("demo", "--no-ui", "--today", "2026-13-01")
    assert bad.exit_code == 2 and "日期格式应为 YYYY-MM-DD" in bad.output
    assert not (home / "demo.db").exists()


def test_after_the_campaign_the_demo_runs_as_of_its_last_day(home: Path, monkeypatch: pytest.MonkeyPatch):
    # On 2 December the 2026 campaign is over; the demo's server and dashboard run as of 30 November,
    # so a newcomer can still record a visit and show its live QR on that visit's day.
    from models import clock

    monkeypatch.setenv("ZHUDIAN_TODAY", "2026-12-02")
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr("tui.demo_ui.run", lambda url: seen.append((clock.today().isoformat(),
                                                                   os.environ["ZHUDIAN_TODAY"])))
    result = run("demo", "--ratings", "100")
    assert result.exit_code == 0, result.output
    assert "已生成 2026 年演示数据" in result.output and "按期间最后一天（2026-11-30）运行" in result.output
    assert seen == [("2026-11-30", "2026-11-30")]  # the dashboard here and the server it starts
    assert clock.today().isoformat() == "2026-12-02"  # and nothing leaks past the command
