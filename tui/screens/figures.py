"""The figures behind one city's or department's evaluation: each with actual, target, score and
whether it is verified; Enter opens the records a figure rests on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tui.components import fmt
from tui.components.drill import DrillDown
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal
from tui.screens.base import LiveScreen, Loaded

if TYPE_CHECKING:  # the models load in the worker, after the first paint
    from models.evaluation import Score

COLUMNS = [("component", "分项"), ("label", "指标"), ("actual", "实际"), ("target", "目标"), ("score", "得分"),
           ("verified", "核实"), ("unverified", "未核实数据（不计分）"), ("detail", "说明"), ("records", "记录")]


def figure_rows(score: Any) -> list[tuple[str, list[Any]]]:
    rows = []
    for c in score.components:
        for i, f in enumerate(c.figures):
            rows.append((f"{c.key}:{i}", [
                literal(c.label, 6), literal(f.label, 22), fmt.cell(f.actual_text), fmt.cell(f.target_text),
                fmt.cell(f"{f.score:g}" if f.counted else "不计", "" if f.counted else "dim"),
                fmt.cell(f.verified_text, "yellow" if f.verified is False else "", "left"),
                literal(f.unverified, 40, "yellow"), literal(f.detail, 26),
                fmt.cell(str(sum(len(v) for v in f.records.values()))),
            ]))
    return rows


EVIDENCE_SHOWN = 30  # records listed with their evidence under ``i``


@dataclass
class FiguresLoaded(Loaded):
    data: tuple[Score, dict[str, str]]  # the score and the campaign's formulas


class FiguresScreen(DrillDown, LiveScreen):
    LOADED = FiguresLoaded
    REFRESH_SECONDS = 15.0
    BINDINGS = [DrillDown.drill_binding("依据记录")]

    def __init__(self, kind: str, ident: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind, self.ident = kind, ident
        self.score: Any = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="worked", markup=False)
        yield KeyedTable(COLUMNS, id="figures", fixed_columns=2)
        yield from self.compose_bottom()

    def params(self) -> Any:
        return self.app.period.year

    @on(FiguresLoaded)
    def _loaded(self, message: FiguresLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, year: int) -> Any:
        from models.evaluation import evaluate

        ev = evaluate(session, year, today=self.app.today())
        score = next(s for s in (ev.cities if self.kind == "city" else ev.departments) if s.id == self.ident)
        return score, ev.formulas

    def show(self, data: Any, year: int) -> None:
        score, formulas = data
        self.score = score
        self.query_one("#title", Static).update(
            f"{year}年 · {score.name} · 第 {score.rank} 名 · 总分 {score.worked}"
            f"（计入未核实数据则为 {score.total_all:g}，第 {score.rank_all} 名）")
        # Each part: its rule as applied (the formula's first clause), then this subject's arithmetic.
        self.query_one("#worked", Static).update(
            "\n".join(f"{formulas[c.key].split('；')[0]}：{c.worked}" for c in score.components))
        self.query_one("#figures", KeyedTable).sync(figure_rows(score))

    def row_detail(self, table: Any, key: str) -> Any:
        """The figure whole, and the evidence of each record it rests on (export file with its hash,
        on-site check, receipt, marks), as ``report evaluation`` prints it."""
        from models.evaluation import RECORD_LABELS  # the models load in the worker, after the first paint

        found = super().row_detail(table, key)
        if found is None or self.score is None or ":" not in key:
            return found
        component, _, index = key.partition(":")
        figure = self.score.component(component).figures[int(index)]
        extra: list[tuple[str, object]] = []
        for e in figure.evidence[:EVIDENCE_SHOWN]:
            files = "；".join(f"{x['system']}《{x['file']}》{x['exported_on']} 导出，SHA-256 {x['sha256'][:12]}…，"
                             f"用 {x['rows_used']} 行" for x in e["files"])
            checks = "；".join(f"驻点 #{v['id']} {v['county']} {v['start']} {v.get('cadre', '')}" for v in e["visits"])
            extra.append((f"{RECORD_LABELS.get(e['table'], e['table'])} #{e['id']}",
                          "；".join(x for x in (("已核实" if e["verified"] else "未核实") + "：" + e["text"], files, checks,
                                                f"系统收到 {e['received']}" if e["received"] else "",
                                                "、".join(e["flags"])) if x)))
        if len(figure.evidence) > EVIDENCE_SHOWN:
            extra.append(("", f"另有 {len(figure.evidence) - EVIDENCE_SHOWN} 条，见 zhudian report evaluation 的“核实依据”"))
        return f"{figure.label} · 依据", found[1] + extra

    def open_current(self) -> None:
        key = self.query_one("#figures", KeyedTable).current_key
        if not key or self.score is None:
            return
        component, _, index = key.partition(":")
        figure = self.score.component(component).figures[int(index)]
        self.app.open("records", title=f"{self.score.name} · {figure.label}：{figure.actual_text}",
                      wanted=figure.records)
