"""The spot checks' findings (附件2: 未建立支部微信群或群内团员数不足3/4; 团支部书记本人不会操作智慧团建).

A branch checked several times in a period counts once, as failed if any of its checks found a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models.tables import Branch, SpotCheck


@dataclass(frozen=True)
class CheckOutcome:
    id: int
    visit_id: int
    branch_id: int
    county_id: int
    checked_on: date
    wechat_ok: bool
    secretary_operates: bool

    @property
    def failed(self) -> bool:
        return not (self.wechat_ok and self.secretary_operates)


def check_outcomes(session: Session, first: date, last: date) -> list[CheckOutcome]:
    """Every spot check from ``first`` to ``last``."""
    return [CheckOutcome(*row) for row in session.exec(
        select(SpotCheck.id, SpotCheck.visit_id, SpotCheck.branch_id, Branch.county_id, SpotCheck.checked_on,
               SpotCheck.wechat_ok, SpotCheck.secretary_operates)
        .join(Branch, Branch.id == SpotCheck.branch_id)
        .where(SpotCheck.checked_on >= first, SpotCheck.checked_on <= last)
        .order_by(SpotCheck.id)
    ).all()]


@dataclass
class CheckSummary:
    branches_checked: int = 0
    branches_failed: int = 0
    no_group: int = 0  # branches whose WeChat group is missing or under 3/4
    no_operation: int = 0  # branches whose secretary cannot operate 智慧团建
    check_ids: list[int] | None = None


def summarise(outcomes: list[CheckOutcome], counties: set[int] | None = None) -> CheckSummary:
    """Branches checked and their findings among ``outcomes`` (in ``counties`` when given)."""
    by_branch: dict[int, list[CheckOutcome]] = {}
    for o in outcomes:
        if counties is None or o.county_id in counties:
            by_branch.setdefault(o.branch_id, []).append(o)
    s = CheckSummary(check_ids=[o.id for found in by_branch.values() for o in found])
    for found in by_branch.values():
        s.branches_checked += 1
        s.branches_failed += int(any(o.failed for o in found))
        s.no_group += int(any(not o.wechat_ok for o in found))
        s.no_operation += int(any(not o.secretary_operates for o in found))
    return s
