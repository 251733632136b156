"""Import of the cities' own implementation plans (本地实施方案), due to 基层组织建设部 before 5月10日."""

from __future__ import annotations

from typing import Any

from models.figures.deadlines import is_received, receive
from models.importing import core
from models.importing.core import Column, Kind
from models.tables import CityPlan

COLUMNS = [
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("年度", "year", core.campaign_year, example="2019"),
    Column("方案名称", "title", core.text(200), example="梅州市团干部驻点工作实施方案"),
    Column("报送日期", "submitted_on", core.any_date, required=False, example="2019-05-08",
           note="5月10日前报团省委基层组织建设部；未报送的留空。所填日期仅作保存，是否按时以系统收到（导入）的时间为准"),
]


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["city"].id, row["year"])


def apply(ctx, row: dict[str, Any]) -> str:
    obj, outcome = core.upsert(ctx, CityPlan, {"city_id": row["city"].id, "year": row["year"]},
                               {"title": row["title"], "claimed_on": row["submitted_on"]})
    if row["submitted_on"] is not None and not is_received(obj):
        receive(obj, ctx.now, backfill=ctx.backfill)  # received now, whatever date the file claims
        ctx.session.flush()
    return outcome


KIND = Kind("plans", "地市实施方案", COLUMNS, natural_key, apply, duplicate_columns=("地市", "年度"))
