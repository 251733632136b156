"""Record a visit (modal): department, city, county (or 镇街), dates, days, meeting size, cadres and
the branches spot-checked. Validation comes from ``models.visits``: a visit above county level is
refused with the reason; a meeting over the limit asks for confirmation and is then flagged."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from models.text import clean_text
from tui.components.safe import clean, literal

ABOVE_COUNTY = -1  # the county select's "only went to the city" choice


def parse_date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_number(text: str, kind: type = float) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        return "bad"


class VisitForm(ModalScreen[int | None]):
    """Dismisses with the new visit's id, or ``None`` when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=True),
        Binding("ctrl+s", "save", "保存", show=True),
    ]

    def __init__(self, department_id: int | None = None, city_id: int | None = None,
                 county_id: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pending_confirm: list[str] = []  # warnings shown for ``_warned``; saving it again confirms
        self._warned: Any = None
        self._submitted: Any = None
        self.saved_id: int | None = None
        # What the screen it was opened from knows; each is applied once, when its options arrive.
        self.want = {"department": department_id, "city": city_id, "county": county_id}

    def compose(self) -> ComposeResult:
        with Vertical(id="visit-form"):
            yield Static("记录驻点（Ctrl+S 保存，Esc 取消；灰色斜体为提示，不是已填的值）", classes="form-title")
            with VerticalScroll(id="form-body"):
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("驻点部门")
                        yield Select[int]([], prompt="选择部门", id="department")
                    with Vertical():
                        yield Label("地市")
                        yield Select[int]([], prompt="选择地市", id="city")
                    with Vertical():
                        yield Label("县（市、区）/ 镇街")
                        yield Select[int]([], prompt="选择县区", id="county")
                yield Label("乡镇（街道）及以下地点")
                yield Input(id="town", max_length=60, placeholder="例：畲江镇")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("开始日期")
                        yield Input(placeholder="例：2019-05-06", id="start")
                    with Vertical():
                        yield Label("结束日期")
                        yield Input(placeholder="不填=开始日期", id="end")
                    with Vertical():
                        yield Label("整天数")
                        yield Input("1", id="days")
                    with Vertical():
                        yield Label("座谈会人数")
                        yield Input(placeholder="未开可不填", id="meeting")
                yield Label("参加驻点的专职干部（空格选择）")
                yield SelectionList[int](id="cadres")
                yield Label("实地抽查的团支部（空格选择）")
                yield SelectionList[int](id="branches")
                yield Label("其中：未建微信群或群内团员不足3/4的支部")
                yield SelectionList[int](id="wechat-bad")
                yield Label("其中：书记本人不会操作“智慧团建”的支部")
                yield SelectionList[int](id="secretary-bad")
                yield Label("备注")
                yield Input(id="notes", max_length=500)
            yield Static("", id="form-errors", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("保存", id="save", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self._load_options("departments", None)

    # --- option lists, read in a thread ------------------------------------------------------

    @work(thread=True, group="form-options", exit_on_error=False)
    def _load_options(self, what: str, key: int | None) -> None:
        from models import choices

        try:
            with self.app.session() as session:
                if what == "departments":
                    city = self.want["city"]
                    result: Any = (choices.departments(session),
                                   choices.paired_departments(session, city) if city else [],
                                   choices.cities(session) if city else [])
                elif what == "department":
                    assert key is not None
                    cities = choices.assigned_cities(session, key) or choices.cities(session)
                    result = (cities, choices.cadres(session, key))
                elif what == "city":
                    assert key is not None
                    result = choices.counties(session, key)
                else:
                    assert key is not None
                    result = choices.branches(session, key)
        except Exception as exc:
            self.app.call_from_thread(self._error, [self.app.describe_error(exc)])
            return
        self.app.call_from_thread(self._options_loaded, what, result)

    def _options_loaded(self, what: str, result: Any) -> None:
        if what == "departments":
            departments, paired, cities = result
            self.query_one("#department", Select).set_options([(literal(n, 20), i) for n, i in departments])
            if self.want["department"] is None and len(paired) == 1:
                self.want["department"] = paired[0][1]  # the city's one paired department (附件1)
            if self.want["department"] is not None:
                self._apply("department", [i for _n, i in departments])
            elif cities:  # several departments paired with the city: it is known, the department is not
                self.query_one("#city", Select).set_options([(literal(n, 10), i) for n, i in cities])
                self._apply("city", [i for _n, i in cities])
        elif what == "department":
            cities, cadres = result
            self.query_one("#city", Select).set_options([(literal(n, 10), i) for n, i in cities])
            cadre_list = self.query_one("#cadres", SelectionList)
            cadre_list.clear_options()
            cadre_list.add_options([(literal(name, 20), cid) for name, cid in cadres])
            if len(cities) == 1 and self.want["city"] is None:
                self.want["city"] = cities[0][1]
            self._apply("city", [i for _n, i in cities])
        elif what == "city":
            self.query_one("#county", Select).set_options(
                [(literal(n, 20), i) for n, i in result] + [(literal("（未到县级，只到地市）"), ABOVE_COUNTY)])
            self._apply("county", [i for _n, i in result])
        else:
            for sel in ("#branches", "#wechat-bad", "#secretary-bad"):
                lst = self.query_one(sel, SelectionList)
                lst.clear_options()
                lst.add_options([(literal(n, 30), i) for n, i in result])

    def _apply(self, name: str, allowed: list[int]) -> None:
        """Fill in ``name`` from the context once its options are there (its own change loads the next)."""
        value = self.want[name]
        if value is not None and value in allowed:
            self.want[name] = None
            self.query_one(f"#{name}", Select).value = value

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, int) else None
        if value is None:
            return
        if event.select.id == "department":
            self._load_options("department", value)
        elif event.select.id == "city":
            self._load_options("city", value)
        elif event.select.id == "county" and value != ABOVE_COUNTY:
            self._load_options("county", value)

    # --- saving ------------------------------------------------------------------------------

    def draft(self) -> tuple[Any, list[str]]:
        from models.visits import SpotCheckInput, VisitInput

        problems = []

        def sel(name: str) -> int | None:
            value = self.query_one(f"#{name}", Select).value
            return value if isinstance(value, int) else None

        start_text = self.query_one("#start", Input).value
        start = parse_date(start_text)
        if start_text.strip() and start is None:
            problems.append("开始日期格式不正确，请写成 2019-05-06")
        end_text = self.query_one("#end", Input).value
        end = parse_date(end_text) if end_text.strip() else start
        if end_text.strip() and end is None:
            problems.append("结束日期格式不正确，请写成 2019-05-06")
        days = parse_number(self.query_one("#days", Input).value)
        if days == "bad":
            problems.append("整天数须是数字，如 1 或 0.5")
            days = None
        meeting = parse_number(self.query_one("#meeting", Input).value, int)
        if meeting == "bad":
            problems.append("座谈会人数须是整数")
            meeting = None
        county = sel("county")
        checked = self.query_one("#branches", SelectionList).selected
        wechat_bad = set(self.query_one("#wechat-bad", SelectionList).selected)
        secretary_bad = set(self.query_one("#secretary-bad", SelectionList).selected)
        if (wechat_bad | secretary_bad) - set(checked):
            problems.append("标记问题的支部须同时勾选为“实地抽查的团支部”")
        draft = VisitInput(
            department_id=sel("department"), city_id=sel("city"),
            county_id=None if county in (None, ABOVE_COUNTY) else county,
            start_date=start, end_date=end, full_days=days, town=clean_text(self.query_one("#town", Input).value),
            max_meeting_size=meeting, cadre_ids=list(self.query_one("#cadres", SelectionList).selected),
            checks=[SpotCheckInput(b, wechat_ok=b not in wechat_bad, secretary_operates=b not in secretary_bad)
                         for b in checked],
            notes=clean_text(self.query_one("#notes", Input).value),
        )
        return draft, problems

    def action_save(self) -> None:
        draft, problems = self.draft()
        if problems:
            self._error(problems)
            return
        # Confirmed only if exactly what was warned about is saved again: anything changed since,
        # confirm again. Compared on the form's contents, not on change events, which arrive later.
        self._submitted = draft
        self._save(draft, bool(self.pending_confirm) and draft == self._warned)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, draft: Any, confirmed: bool) -> None:
        from models import audit
        from models.db import session_scope
        from models.sources import DASHBOARD_FORM
        from models.visits import VisitRejected, record_visit

        try:
            with session_scope(self.app.engine) as session, audit.tracking(session, DASHBOARD_FORM):
                visit = record_visit(session, draft, confirmed=confirmed)
                visit_id = visit.id
        except VisitRejected as refused:
            self.app.call_from_thread(self._refused, refused.check)
            return
        except Exception as exc:
            self.app.call_from_thread(self._error, [self.app.describe_error(exc)])
            return
        self.app.call_from_thread(self._saved, visit_id)

    def _refused(self, check: Any) -> None:
        if check.errors:
            self.pending_confirm = []
            self._error(["不予登记：" + e for e in check.errors.values()])
        else:
            self.pending_confirm = list(check.warnings.values())
            self._warned = self._submitted
            self._error([*check.warnings.values(), "再按 Ctrl+S（或“保存”）确认登记。"], confirm=True)

    def _error(self, lines: list[str], confirm: bool = False) -> None:
        box = self.query_one("#form-errors", Static)
        box.set_class(confirm, "confirm")
        box.update("\n".join(clean(line, 200) for line in lines))

    def _saved(self, visit_id: int) -> None:
        self.saved_id = visit_id
        self.app.notify(f"已登记驻点记录（编号 {visit_id}）", title="记录驻点")
        self.dismiss(visit_id)
        reload = getattr(self.app.screen, "reload", None)
        if reload is not None:
            reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)
