"""Snapshots of every screen at 80x24 and 160x45 on the small fixed province (frozen clock).

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable

from models.tables import Branch, City
from tests.tui.helpers import wait_for, wait_loaded
from tui.screens.base import LiveScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 45), id="160x45")]


def _id(app, table, name: str) -> int:
    with Session(app.engine) as s:
        return s.exec(select(table.id).where(table.name == name)).one()


async def _settle(pilot) -> None:
    """Until the screen has been read and its picture holds still (tables size columns when idle)."""
    await wait_loaded(pilot, LiveScreen)
    if pilot.app.screen.query(DataTable):
        # Keyboard first: the table in view takes the focus after the first paint; under load that can
        # come after the picture first holds still, so wait for it rather than race it.
        await wait_for(pilot, lambda: pilot.app.screen.focused is not None, what="the table's focus")
    await pilot.wait_for_scheduled_animations()
    await _still(pilot)


def _tables_settled(app) -> bool:
    """No table has rows or cells waiting to be measured (DataTable sizes its columns when idle)."""
    return all(not (t._require_update_dimensions or t._new_rows or t._updated_cells)
               for t in app.screen.query(DataTable))


async def _still(pilot) -> None:
    """Until the tables are measured and four pictures in a row, 0.1 s apart, are the same, colours
    included (focus moves and columns are sized after a refresh; a busy machine delays both)."""
    previous, same = None, 0
    while same < 4:
        await pilot.pause(0.1)
        picture = pilot.app.export_screenshot() if _tables_settled(pilot.app) else None
        same = same + 1 if picture is not None and picture == previous else 0
        previous = picture


def mode(key: str, mode_name: str):
    async def run(pilot):
        await wait_loaded(pilot, LiveScreen)
        await pilot.press(key)
        await wait_for(pilot, lambda: pilot.app.current_mode == mode_name
                       and getattr(pilot.app.screen, "loads", 0) >= 1)
        await _settle(pilot)

    return run


async def _city(pilot):
    from tui.screens.city import CityScreen

    await wait_loaded(pilot, LiveScreen)
    pilot.app.push_screen(CityScreen(_id(pilot.app, City, "梅州")))
    await wait_loaded(pilot, CityScreen)
    await _settle(pilot)


async def _branch(pilot):
    from tui.screens.branch import BranchScreen

    await wait_loaded(pilot, LiveScreen)
    pilot.app.push_screen(BranchScreen(_id(pilot.app, Branch, "梅江区青年志愿者协会团支部")))
    await wait_loaded(pilot, BranchScreen)
    pilot.app.screen.query_one("TabbedContent").active = "tab-ratings"
    await _settle(pilot)


async def _qr(pilot):
    await mode("6", "qr")(pilot)
    await pilot.press("slash", *"北京街", "enter")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#qr-branches").option_count == 1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("QrView").data != "")
    await _settle(pilot)


async def _visit_form(pilot):
    from tui.screens.visit_form import VisitForm

    await wait_loaded(pilot, LiveScreen)
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, VisitForm))
    form = pilot.app.screen
    await wait_for(pilot, lambda: len(form.query_one("#department")._options) > 1)
    await _still(pilot)


SCREENS = {
    "overview": _settle,
    "city": _city,
    "branch": _branch,
    "departments": mode("2", "departments"),
    "feedback": mode("3", "feedback"),
    "alerts": mode("4", "alerts"),
    "evaluation": mode("5", "evaluation"),
    "qr": _qr,
    "visit_form": _visit_form,
}


def fixed_qr(engine, branch_id):
    return f"http://192.0.2.1:8000/l/{branch_id}-0-demo.fixed-signature-for-snapshots", 30.0


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, make, screen: str, size: tuple[int, int]) -> None:
    app = make(qr_url=fixed_qr)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
