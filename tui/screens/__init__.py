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
