"""``zhudian branch list``: the league branches (团支部) of a city or county."""

from __future__ import annotations

import click
from sqlmodel import Session

from models.records import branches
from models.reference import find_city, find_county
from tui.cli import AppContext, echo_json, pass_app
from tui.say import say
from tui.textwidth import table


@click.group()
def branch() -> None:
    """团支部。"""


@branch.command("list")
@click.option("--city", help="地市名称（如 梅州）")
@click.option("--county", help="县（市、区）或镇街名称")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_branches(app: AppContext, city: str | None, county: str | None, as_json: bool) -> None:
    """列出团支部。"""
    with Session(app.engine()) as session:
        city_row = find_city(session, city) if city else None
        county_row = find_county(session, county, city_row) if county else None
        rows = branches(session, city_id=city_row.id if city_row else None,
                        county_id=county_row.id if county_row else None)
    if as_json:
        echo_json([
            {"id": b.id, "name": b.name, "city": b.city, "county": b.county, "kind": b.kind,
             "member_count": b.member_count, "has_secretary": b.has_secretary}
            for b in rows
        ])
        return
    if not rows:
        say("没有符合条件的团支部。")
        hint = app.demo_hint()
        if hint:
            say(hint, err=True)
        return
    say(table(["编号", "地市", "县（市、区）", "团支部", "类型", "团员数", "书记"],
              [[str(b.id), b.city, b.county, b.name, b.kind_label, str(b.member_count),
                "有" if b.has_secretary else "无"] for b in rows], right=(0, 5)))
    say(f"共 {len(rows)} 个团支部")
