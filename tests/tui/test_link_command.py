"""``zhudian link create|sheet|live``: links in the database, QR codes in the terminal and in files."""

from __future__ import annotations

import json
import re

import pytest
from PIL import Image
from sqlmodel import Session, select

from models import qr
from models.live_codes import read_code
from models.secret import load_secret
from models.tables import SurveyLink
from tests import factories

PUBLIC = "https://zd.example.org"


@pytest.fixture
def branch_id(engine) -> int:
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "江南街道<b>团支部</b>")
        session.commit()
        return b.id


def unhalf(text: str) -> list[list[bool]]:
    """Read back the plain half-block drawing: dark modules as True."""
    top = {"█": False, "▀": False, "▄": True, " ": True}
    bottom = {"█": False, "▀": True, "▄": False, " ": True}
    rows = []
    for line in text.splitlines():
        rows.append([top[c] for c in line])
        rows.append([bottom[c] for c in line])
    return rows


def test_create_json_makes_an_unguessable_link(run, branch_id, engine):
    result = run("link", "create", "--branch", str(branch_id), "--max", "40", "--closes", "2030-05-06 18:00",
                 "--public-url", PUBLIC + "/", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["url"] == f"{PUBLIC}/s/{data['token']}" and len(data["token"]) >= 22
    assert data["branch"] == "江南街道<b>团支部</b>" and data["closes_at"] == "2030-05-06 18:00"
    with Session(engine) as session:
        link = session.exec(select(SurveyLink).where(SurveyLink.token == data["token"])).one()
        assert link.max_responses == 40 and link.closes_at.hour == 10  # 18:00 China time is 10:00 UTC


def test_create_prints_a_scannable_qr_and_writes_files(run, branch_id, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHUDIAN_PUBLIC_URL", PUBLIC)
    png, svg = tmp_path / "qr.png", tmp_path / "qr.svg"
    result = run("link", "create", "--branch", str(branch_id), "--png", str(png), "--svg", str(svg))
    assert result.exit_code == 0, result.output
    url = re.search(r"链接：(\S+)", result.output).group(1)
    assert url.startswith(f"{PUBLIC}/s/")
    drawing = "\n".join(line for line in result.output.splitlines() if set(line) <= set("█▀▄ ") and line)
    assert unhalf(drawing)[: len(qr.matrix(url))] == qr.matrix(url)
    image = Image.open(png)
    assert image.format == "PNG" and image.width == image.height >= 200
    assert svg.read_text().startswith("<svg") or "<svg" in svg.read_text()


@pytest.mark.parametrize(("args", "code", "text"), [
    (["--branch", "999999"], 2, "找不到编号为 999999 的团支部"),
    (["--closes", "明天"], 1, "截止时间格式不正确"),
    (["--opens", "2030-01-02", "--closes", "2030-01-01"], 2, "截止时间必须晚于开始时间"),
    (["--max", "0"], 2, "正整数"),
    (["--public-url", "zd.example.org"], 1, "http://"),
])
def test_create_refuses_bad_input_in_chinese(run, branch_id, args, code, text):
    full = ["link", "create", *(["--branch", str(branch_id)] if "--branch" not in args else []), *args]
    result = run(*full)
    assert result.exit_code == code and text in result.output and "Traceback" not in result.output


def test_sheet_has_one_labelled_qr_per_branch(run, branch_id, engine, tmp_path):
    with Session(engine) as session:
        factories.branch(session, "梅江区", "西郊街道团支部")
        factories.branch(session, "兴宁市", "不在本县区的团支部")
        session.commit()
    out = tmp_path / "sheet.html"
    result = run("link", "sheet", "--county", "梅江区", "-o", str(out), "--public-url", PUBLIC)
    assert result.exit_code == 0, result.output
    assert "2 个团支部" in result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "@page{size:A4" in html
    assert "江南街道&lt;b&gt;团支部&lt;/b&gt;" in html and "<b>团支部" not in html
    assert "西郊街道团支部" in html and "不在本县区" not in html
    urls = set(re.findall(rf"{PUBLIC}/s/[\w-]+", html))
    assert len(urls) == 2
    # Printing again reuses the same links: sheets already handed out keep working.
    run("link", "sheet", "--county", "梅江区", "-o", str(out), "--public-url", PUBLIC)
    assert set(re.findall(rf"{PUBLIC}/s/[\w-]+", out.read_text(encoding="utf-8"))) == urls


def test_sheet_unknown_county_suggests_names(run):
    result = run("link", "sheet", "--county", "梅江")
    assert result.exit_code == 2 and "梅江区" in result.output


def test_live_once_prints_a_signed_code_for_the_branch(run, branch_id, home):
    result = run("link", "live", "--branch", str(branch_id), "--once", "--public-url", PUBLIC)
    assert result.exit_code == 0, result.output
    url = re.search(r"链接：(\S+)", result.output).group(1)
    assert url.startswith(f"{PUBLIC}/l/") and "秒后更换" in result.output
    code = url.rsplit("/", 1)[1]
    assert read_code(code, load_secret(home / "survey_secret.key")).branch_id == branch_id


def test_live_unknown_branch(run):
    result = run("link", "live", "--branch", "999999", "--once")
    assert result.exit_code == 2 and "找不到编号为 999999 的团支部" in result.output


def test_serve_help_is_chinese(run):
    result = run("serve", "--help")
    assert result.exit_code == 0 and "--threads" in result.output and "问卷服务器" in result.output


def test_sheet_as_pdf(run, branch_id, tmp_path):
    from models.qr import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium to print with")
    out = tmp_path / "sheet.pdf"
    result = run("link", "sheet", "--county", "梅江区", "-o", str(out), "--public-url", PUBLIC)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 1000


def test_sheet_as_pdf_without_a_browser_says_what_to_do(run, branch_id, tmp_path, monkeypatch):
    monkeypatch.setattr("models.qr.find_browser", lambda: None)
    result = run("link", "sheet", "--county", "梅江区", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "改用 .html" in result.output
