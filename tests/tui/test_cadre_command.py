"""``zhudian cadre link|list|revoke``: personal links stored only as hashes, revoked at once."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import Session, select

from models.tables import CadreLink
from tests import factories


@pytest.fixture
def cadre_id(engine) -> int:
    with Session(engine) as session:
        c = factories.cadre(session, "组织部", "李驻点")
        factories.cadre(session, "宣传部", "同名")
        factories.cadre(session, "组织部", "同名")
        session.commit()
        return c.id


def test_link_prints_a_url_whose_secret_is_stored_only_as_a_hash(run, engine, cadre_id):
    result = run("cadre", "link", "--cadre", "李驻点", "--public-url", "https://zd.example.org",
                 "--expires", "2099-01-31", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    token = info["url"].rsplit("/c/k/", 1)[1]
    assert info["url"].startswith("https://zd.example.org/c/k/") and len(token) >= 32
    assert info["expires_at"] == "2099-01-31 23:59"
    with Session(engine) as session:
        [row] = session.exec(select(CadreLink)).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    shown = run("cadre", "link", "--cadre", str(cadre_id), "--public-url", "https://zd.example.org",
                "--expires", "2099-01-31")
    assert "个人链接：https://zd.example.org/c/k/" in shown.output and "▀" in shown.output  # the QR


def test_list_and_revoke(run, cadre_id):
    run("cadre", "link", "--cadre", "李驻点", "--public-url", "https://x.org", "--expires", "2099-01-31")
    assert "有效" in run("cadre", "list").output
    assert "已停用 李驻点 的 1 个个人链接" in run("cadre", "revoke", "--cadre", "李驻点").output
    assert "已停用" in run("cadre", "list").output
    assert "没有有效的个人链接" in run("cadre", "revoke", "--cadre", "李驻点").output


@pytest.mark.parametrize(("ref", "message"), [("无此人", "找不到名为“无此人”的专职干部"), ("999", "找不到编号为 999"),
                                              ("同名", "请改用编号")])
def test_unknown_or_ambiguous_cadres_are_refused(run, cadre_id, ref, message):
    result = run("cadre", "link", "--cadre", ref, "--public-url", "https://x.org")
    assert result.exit_code == 2 and message in result.output


def test_an_expiry_in_the_past_is_refused(run, cadre_id):
    result = run("cadre", "link", "--cadre", "李驻点", "--public-url", "https://x.org", "--expires", "2001-01-01")
    assert result.exit_code == 2 and "有效期已过" in result.output


def test_the_default_expiry_is_the_campaigns_end_or_thirty_days_after_it(engine, cadre_id):
    from datetime import UTC, datetime, timedelta

    from models.field import campaign_end, issue_link

    with Session(engine) as session:
        cadre = session.get(factories.Cadre, cadre_id)
        link, _ = issue_link(session, cadre)
        end = campaign_end(session, datetime.now(UTC).year)
        expected = end if end > datetime.now(UTC) else datetime.now(UTC) + timedelta(days=30)
        assert abs((link.expires_at.replace(tzinfo=UTC) - expected).total_seconds()) < 60
