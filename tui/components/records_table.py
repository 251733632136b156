"""Tables of records (visits, spot checks, branches, ratings, lectures, monthly forms).

Every cell goes through :func:`literal`: notes, suggestions and names were typed by people.
Column specs name the record attribute, the Chinese header and the cell width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from rich.text import Text

from models import clock
from tui.components.fmt import MARK_STYLE
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal

SPECS: dict[str, list[tuple[str, str, int]]] = {
    "visit": [("start_date", "日期", 10), ("department", "部门", 10), ("cadres", "干部", 14),
              ("city", "地市", 4), ("county", "县区", 8), ("town", "乡镇（街道）", 10), ("full_days", "整天", 4),
              ("max_meeting_size", "座谈会人数", 4), ("source", "来源", 20),
              ("notes", "备注", 30)],
    "spot_check": [("checked_on", "日期", 10), ("branch", "团支部", 20), ("county", "县区", 8),
                   ("wechat_ok", "微信群达标", 4), ("secretary_operates", "书记会操作智慧团建", 4),
                   ("source", "来源", 20), ("notes", "备注", 30)],
    # A cadre's live QR on the field pages: its ratings count once its spot check is recorded.
    "spot_session": [("started_at", "时间", 16), ("branch", "团支部", 18), ("cadre", "干部", 6),
                     ("present", "在场", 4), ("ratings", "评价", 4), ("verified", "计分", 4), ("beyond", "超出", 4),
                     ("checked", "已记录抽查", 4), ("county", "县区", 8)],
    # What members say comes right after the name (at 80 columns it stays in view); i shows the rest.
    "branch": [("name", "团支部", 30), ("rated", "评价数", 5), ("mean", "平均分", 5), ("verified", "核实评价", 4),
               ("verified_mean", "核实均分", 5), ("county", "县区", 8), ("kind_label", "类型", 6),
               ("member_count", "团员数", 5), ("has_secretary", "有书记", 4)],
    "ranked_branch": [("rank", "名次", 4), ("name", "团支部", 30), ("mean", "平均分", 5), ("rated", "评价数", 5),
                      ("verified_mean", "核实均分", 5), ("verified", "核实评价", 4), ("city", "地市", 4),
                      ("county", "县区", 8)],
    # Where first (at 80 columns the city and county stay in view), then the suggestion; i shows it whole.
    "rating": [("created_at", "时间", 16), ("score", "评分", 4), ("city", "地市", 4), ("county", "县区", 8),
               ("suggestion", "意见建议", 36), ("branch", "团支部", 18), ("activity", "活动", 14),
               ("has_photo", "照片", 4), ("provenance", "核实", 6)],
    "lecture": [("held_on", "日期", 10), ("cadre", "授课人", 8), ("department", "部门", 10), ("title", "题目", 24),
                ("place", "地点", 14), ("audience", "人数", 5), ("materials", "材料", 12), ("source", "来源", 20)],
    "monthly_report": [("month", "月份", 4), ("department", "部门", 10), ("city", "地市", 4),
                       ("county", "县区", 8), ("submitted_on", "报送日期", 10), ("provenance", "数据来源", 30)],
    "experience": [("title", "典型经验", 24), ("department", "部门", 10), ("county", "县区", 8),
                   ("provenance", "核实与推广", 40)],
    "city_plan": [("city", "地市", 4), ("title", "实施方案", 24), ("submitted_on", "报送日期", 10)],
    "project": [("department", "部门", 10), ("title", "项目报告", 30), ("submitted_on", "报送日期", 10),
                ("reviewed_by", "分管领导审阅", 8)],
    "activity": [("held_on", "日期", 10), ("name", "活动", 24), ("kind", "类型", 8)],
    "photo": [("created_at", "时间", 16), ("photo_id", "照片编号", 8), ("score", "评分", 5),
              ("activity", "活动", 14), ("suggestion", "意见建议", 40)],
}

FLAG_LABELS = {"formalism": "形式主义", "urgent": "安全紧急"}  # a rating's flags (models.themes.query.priority_flags)

# table name (as in Alert.records) -> record kind of the tables
RECORD_KINDS = {"visit": "visit", "spotcheck": "spot_check", "spot_check": "spot_check", "lecture": "lecture",
                "monthlyreport": "monthly_report", "monthly_report": "monthly_report", "rating": "rating",
                "branch": "branch", "experience": "experience", "cityplan": "city_plan", "serviceproject": "project"}

TITLES = {"ranked_branch": "评分最低的团支部", "visit": "驻点记录", "spot_check": "实地抽查", "spot_session": "抽查现场评价", "branch": "团支部", "rating": "团员评价",
          "lecture": "党团课", "monthly_report": "月报表（附件2）", "activity": "活动", "photo": "照片",
          "experience": "典型经验", "city_plan": "实施方案", "project": "项目报告"}


def show_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.2f}"
    if isinstance(value, list | tuple):
        return "、".join(show_value(v) for v in value)
    return str(value)


def spec_for(kind: str, sample: Any | None) -> list[tuple[str, str, int]]:
    spec = SPECS.get(kind, [])
    if sample is None:
        return spec
    chosen = [c for c in spec if hasattr(sample, c[0])]
    if chosen:
        return chosen
    have = [f.name for f in fields(sample)] if is_dataclass(sample) else sorted(vars(sample))
    return [(name, name, 12) for name in have]


class RecordsTable(KeyedTable):
    """Rows of one kind of record, keyed ``<kind>:<id>``."""

    def __init__(self, kind: str, **kwargs) -> None:
        self.kind = kind
        self.spec = SPECS.get(kind, [])
        super().__init__([(attr, label) for attr, label, _ in self.spec], **kwargs)
        self.records: dict[str, Any] = {}

    def set_records(self, records: Sequence[Any]) -> None:
        if records:
            spec = spec_for(self.kind, records[0])
            if [c[0] for c in spec] != [c[0] for c in self.spec]:
                self.spec = spec
                self.clear(columns=True)
                self.column_spec = []
                self.set_columns([(attr, label) for attr, label, _ in spec])
        self.records = {f"{self.kind}:{r.id}": r for r in records}
        self.sync([
            (key, [self._cell(r, attr, width) for attr, _label, width in self.spec])
            for key, r in self.records.items()
        ])

    def _cell(self, record: Any, attr: str, width: int) -> Any:
        value = getattr(record, attr, None)
        if attr == "suggestion" and getattr(record, "flags", ()):
            # 需优先关注 first in the cell: what the seed forbids (形式主义), safety and urgent hardship.
            mark = "、".join(FLAG_LABELS.get(f, f) for f in record.flags)
            cell = Text(f"! {mark} ", style=MARK_STYLE["breach"])
            cell.append_text(literal(show_value(value), max(width - cell.cell_len, 8)))
            return cell
        if attr in ("mean", "verified_mean") and isinstance(value, float):
            return literal(f"{value:.2f}", width)  # averages always with two decimals: 4.00 beside 3.95
        if self.kind in ("rating", "photo") and attr == "score" and value == 1:
            # The lowest score is worth a look: marked as a risk ("!", yellow), never as a breach.
            return literal(f"! {value}", width, MARK_STYLE["at_risk"])
        return literal(show_value(value), width)

    @property
    def current(self) -> Any | None:
        key = self.current_key
        return self.records.get(key) if key else None
