"""Screens of the dashboard, one module each. ``MODES``: the top-level screens (number keys)."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen


def _overview() -> Screen:
    from tui.screens.overview import OverviewScreen

    return OverviewScreen()


def _departments() -> Screen:
    from tui.screens.departments import DepartmentsScreen

    return DepartmentsScreen()


def _feedback() -> Screen:
    from tui.screens.feedback import FeedbackScreen

    return FeedbackScreen()


def _alerts() -> Screen:
    from tui.screens.alerts import AlertsScreen

    return AlertsScreen()


def _evaluation() -> Screen:
    from tui.screens.evaluation import EvaluationScreen

    return EvaluationScreen()


def _qr() -> Screen:
    from tui.screens.qr import QrScreen

    return QrScreen()


MODES: dict[str, Callable[[], Screen]] = {
    "overview": _overview,
    "departments": _departments,
    "feedback": _feedback,
    "alerts": _alerts,
    "evaluation": _evaluation,
    "qr": _qr,
}


# Pushed screens, made here for ZhudianApp.open (the one navigation function): a screen that drills
# down asks the app, and never imports another screen's module.


def city_screen(city_id: int, county_id: int | None = None) -> Screen:
    from tui.screens.city import CityScreen

    return CityScreen(city_id, county_id)


def branch_screen(branch_id: int) -> Screen:
    from tui.screens.branch import BranchScreen

    return BranchScreen(branch_id)


def branch_feedback_screen(branch_id: int) -> Screen:
    from tui.screens.feedback import BranchFeedbackScreen

    return BranchFeedbackScreen(branch_id=branch_id)


def visits_screen(department_id: int | None = None, cadre_id: int | None = None) -> Screen:
    from tui.screens.visits import VisitsScreen

    return VisitsScreen(department_id=department_id, cadre_id=cadre_id)


def records_screen(title: str, wanted: dict[str, list[int]]) -> Screen:
    from tui.screens.records import RecordsScreen

    return RecordsScreen(title, wanted)


def themes_screen(scope: object) -> Screen:
    from tui.screens.themes import ThemesScreen

    return ThemesScreen(scope)


def figures_screen(kind: str, ident: int) -> Screen:
    from tui.screens.figures import FiguresScreen

    return FiguresScreen(kind, ident)


def lowest_screen(min_ratings: int | None = None) -> Screen:
    from tui.screens.lowest import LowestBranchesScreen

    return LowestBranchesScreen(min_ratings)
