"""The period every figure is read for: a month of a campaign year, or the whole campaign year."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from models.targets import Targets


@dataclass(frozen=True)
class Period:
    """A month of a campaign year, or the whole campaign year (``month`` None)."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2019-05`` or ``2019``; raises ValueError with a Chinese message otherwise."""
        text = text.strip()
        try:
            if "-" in text:
                y, m = text.split("-", 1)
                period = cls(int(y), int(m))
                if not 1 <= period.month <= 12:  # type: ignore[operator]
                    raise ValueError
                return period
            return cls(int(text))
        except ValueError:
            raise ValueError(f"月份格式应为 YYYY-MM（如 2019-05）或年份 YYYY：{text}") from None

    @property
    def label(self) -> str:
        return f"{self.year}年全年" if self.month is None else f"{self.year}年{self.month}月"

    @property
    def key(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def months(self, targets: Targets) -> list[int]:
        return targets.months if self.month is None else [self.month]

    def bounds(self, targets: Targets) -> tuple[date, date]:
        """First and last day covered (the campaign's months for a whole year)."""
        months = self.months(targets)
        first, last = months[0], months[-1]
        return date(self.year, first, 1), date(self.year, last, calendar.monthrange(self.year, last)[1])

    def year_to_date(self, targets: Targets) -> tuple[date, date]:
        """From the campaign's start to this period's end (cumulative figures)."""
        return date(self.year, targets.start_month, 1), self.bounds(targets)[1]

    def shifted(self, step: int, targets: Targets) -> Period:
        """The month selector: whole year, then the campaign months in order, cycling."""
        options: list[int | None] = [None, *targets.months]
        idx = options.index(self.month) if self.month in options else 0
        return Period(self.year, options[(idx + step) % len(options)])
