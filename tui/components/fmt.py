"""Formatting figures for tables: fixed-width numbers, status colours, sparklines, 未录入."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

STATUS_STYLE = {"below": "bold red", "at_risk": "yellow", "on_track": "green"}
STATUS_MARK = {"below": "✗", "at_risk": "!", "on_track": "✓"}
STATUS_LABEL = {"below": "未达标", "at_risk": "有风险", "on_track": "正常"}
MISSING = "未录入"
SPARK = "▁▂▃▄▅▆▇█"


def num(value: float | int | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}{suffix}" if isinstance(value, float) and value != int(value) else f"{int(value):,}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def cell(value: str, style: str = "", justify: str = "right") -> Text:
    return Text(value, style=style, justify=justify, no_wrap=True)  # type: ignore[arg-type]


def status_cell(value: str, status: str | None, justify: str = "right") -> Text:
    return cell(value, STATUS_STYLE.get(status or "", ""), justify)


def optional(value: float | None, digits: int = 1, suffix: str = "") -> Text:
    """A figure from the monthly form: ``None`` is 未录入 (not recorded), never zero."""
    if value is None:
        return cell(MISSING, "dim")
    return cell(num(value, digits, suffix))


def sparkline(values: Sequence[float | None], low: float = 1.0, high: float = 5.0) -> Text:
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            ratio = 0.0 if high == low else (min(max(v, low), high) - low) / (high - low)
            out.append(SPARK[round(ratio * (len(SPARK) - 1))])
    return Text("".join(out), style="cyan", no_wrap=True)


def ratio(done: float | int | None, total: float | int | None, status: str | None = None) -> Text:
    if done is None:
        return cell("—")
    text = f"{days(done) if isinstance(done, float) else done}/{days(total) if isinstance(total, float) else total}" \
        if total is not None else f"{done}"
    return status_cell(text, status)
