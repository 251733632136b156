"""Every ``--help`` and every command-line error reads in Chinese: no English word of click reaches it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from models import audit as trail
from models.db import default_url, make_engine, session_scope
from models.tables import MonthlyReport
from tests import factories
from tui import i18n
from tui.cli import COMMANDS, LazyGroup, cli
from tui.commands.template import KIND_NAMES

# The product's own vocabulary that may stand in Latin letters: file formats, standards, names of
# programs and of the import kinds and audit tables a coordinator types. Anything else is a leak.
ALLOWED = {
    "zhudian", "JSON", "json", "XLSX", "xlsx", "PDF", "pdf", "CSV", "csv", "UTF", "BOM", "GB", "HTML", "html",
    "PNG", "SVG", "URL", "WSGI", "waitress", "Lines", "Ctrl", "LibreOffice", "SQLite", "PostgreSQL",
    "postgresql", "db", "demo", "YYYY", "MM", "DD", "HH", "ZHUDIAN_PUBLIC_URL", "ZHUDIAN_DATABASE_URL",
    "visit", "spotcheck", "lecture", "branch", "cadre", "monthlyreport", "serviceproject", "template",
    "list", "serve", "init", "dashboard", "status", "SSH", "Chromium", "sqlite", "QR", "ID", "A4", "jieba",
    # Notification channels are typed as Apprise URLs (企业微信 and 钉钉 group bots, mail).
    "Apprise", "wecombot", "dingtalk", "mailto",
    *KIND_NAMES,
}


def english_words(text: str) -> set[str]:
    """Latin words that are neither an option, a command name nor the product's vocabulary."""
    names = {name for path in every_command() for name in path}
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names are typed, not read
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if w not in ALLOWED | names}


def every_command() -> list[list[str]]:
    """Every command path, groups within groups included (``remind channels add``)."""
    paths: list[list[str]] = [[]]
    ctx = click.Context(cli)

    def walk(prefix: list[str], command: click.Command) -> None:
        paths.append(prefix)
        if isinstance(command, click.Group):
            for sub, child in command.commands.items():
                walk([*prefix, sub], child)

    for name in LazyGroup.list_commands(cli, ctx):
        walk([name], cli.get_command(ctx, name))
    return paths


@pytest.fixture
def run(home):
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), prog_name="zhudian", catch_exceptions=False)


def test_every_help_is_chinese(run):
    paths = every_command()
    assert len(paths) > len(COMMANDS) + 5  # the groups' subcommands are walked too
    for path in paths:
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "用法：" in result.output and "显示本帮助后退出。" in result.output
        assert not english_words(result.output), (path, english_words(result.output), result.output)


def test_defaults_required_and_metavars_are_chinese(run):
    demo = run("demo", "--help").output
    assert "--ratings 整数" in demo and "[默认：" in demo and "default" not in demo
    export = run("export", "feedback", "--help").output
    assert "--from YYYY-MM-DD" in export and "[必填]" in export and "%Y" not in export
    assert "用法： zhudian [选项] 命令 [参数]..." in run("--help").output


def test_help_columns_line_up_in_display_width(run):
    """Chinese metavars are two columns wide: the descriptions still start in one column."""
    lines = [line for line in run("link", "create", "--help").output.splitlines() if line.startswith("  --")]
    starts = set()
    for line in lines:
        head = re.match(r"(\s+\S+(?: \S+)?\s+)", line).group(1)
        starts.add(sum(2 if ord(ch) > 0x2E80 else 1 for ch in head))
    assert len(starts) == 1, lines
    for line in run("import", "--help").output.splitlines():
        assert sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) <= 82, line


def test_template_help_lists_every_kind(run):
    for command in ("template", "import"):
        text = run(command, "--help").output
        assert all(kind in text for kind in KIND_NAMES), (command, text)
    assert "地市实施方案" in run("template", "--help").output


@pytest.mark.parametrize("args, words", [
    (["status", "--城市"], "没有选项"),
    (["查询"], "没有命令 '查询'"),
    (["link", "create"], "缺少选项 '--branch'"),
    (["link", "create", "--branch", "甲"], "'--branch' 的取值无效：'甲' 不是有效的整数"),
    (["demo", "--ratings", "-5"], "不在范围"),
    (["export", "feedback", "-o", "x.csv", "--from", "2019年5月"], "格式不对"),
    (["export", "feedback", "-o", "x.csv", "--format", "表格"], "不在可选范围内"),
    (["import"], "缺少参数 '类型'"),
    (["template", "报表", "-o", "x.xlsx"], "不在可选范围内"),
    (["status", "多余"], "多余的参数"),
    (["link", "create", "--branch"], "后面须填写取值"),
    (["report"], "用法："),
    (["--version"], "版本"),
])
def test_errors_are_chinese(run, args, words):
    result = run(*args)
    assert words in result.output, result.output
    assert not english_words(result.output), (english_words(result.output), result.output)
    if result.exit_code:
        assert "错误：" in result.output or "用法：" in result.output


def test_audit_names_fields_in_chinese(run):
    assert run("init").exit_code == 0
    engine = make_engine(default_url())
    with session_scope(engine) as session, trail.tracking(session, "test"):
        report_id = factories.monthly_report(session, "组织部", "梅江区", 5).id
    with session_scope(engine) as session, trail.tracking(session, "test"):
        report = session.get(MonthlyReport, report_id)
        report.branches_without_cadre = 3 if report.branches_without_cadre is None else None
        report.experience_promoted = not report.experience_promoted
    engine.dispose()
    out = run("audit").output
    assert "无团干团支部数：" in out and "经验在全省推广：" in out, out
    assert "branches_without_cadre" not in out and "True" not in out and "None" not in out, out


def test_catalog_is_compiled_from_its_source(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    po = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "zhudian.po"
    subprocess.run([msgfmt, "-o", tmp_path / "zhudian.mo", po], check=True)
    assert (tmp_path / "zhudian.mo").read_bytes() == Path(po).with_suffix(".mo").read_bytes()
