"""The lectures that count toward a cadre's yearly 党团课 (seed: 每年还要深入基层团员青年聚集地……开讲至少1次
党团课): held from the plan's issue date to the end of December, once their day has come, to more than
a handful of 团员青年, at a named place that is not an office (:func:`models.provenance.lecture_problem`).
The others stay visible, flagged, and count for nothing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.provenance import lecture_provenance
from models.tables import Lecture
from models.targets import Targets


def counted_lectures(session: Session, first: date, last: date, targets: Targets, today: date) -> list[Lecture]:
    """The lectures held from ``first`` to ``last`` that count, in the order they were held."""
    held = list(session.exec(select(Lecture).where(Lecture.held_on >= first, Lecture.held_on <= last)
                             .order_by(Lecture.held_on, Lecture.id)))
    found = lecture_provenance(held, targets, today=today)
    return [lec for lec in held if found[lec.id].verified]
