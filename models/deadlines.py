"""The seed's deadlines and the one rule for a report's state: on time, late, missing or not yet due.

附件2 is due at each month's end per county unit (each department reports on its paired cities'
county units); the service-project report in early December (to 组织部), the lecture materials at
the end of December (to 宣传部), the cities' own implementation plans before 5月10日 (to
基层组织建设部). Progress, rules and the evaluation all read a state through :func:`state`.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from models.targets import Targets

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"
STATE_LABELS = {ON_TIME: "按时", LATE: "迟报", MISSING: "未报", PENDING: "未到期"}


def state(submitted_on: date | None, due: date, today: date) -> str:
    """On time when handed in by ``due``, late after it; missing once ``due`` has passed without it."""
    if submitted_on is not None:
        return ON_TIME if submitted_on <= due else LATE
    return MISSING if today > due else PENDING


def form_due(year: int, month: int, targets: Targets) -> date:
    """The monthly form (附件2) is due at the month's end, plus any grace days."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last + timedelta(days=int(targets.monthly_form_grace_days))


def score(state_: str, targets: Targets) -> float | None:
    """What a report in ``state_`` scores (the targets table's); ``None`` while it is not yet due."""
    return {ON_TIME: targets.deadline_score_on_time, LATE: targets.deadline_score_late,
            MISSING: targets.deadline_score_missing}.get(state_)
