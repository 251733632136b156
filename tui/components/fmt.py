"""Formatting figures for tables: fixed-width numbers, status colours, sparklines, 未录入."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

# One meaning per mark and colour on every screen (the legend, ``?``, says the same): a mark is
# the rules' verdict (models.rules), never a ratio of a target the seed does not set.
# violation = 违规 (a prohibition broken); breach = 未达标 or 未报 (a target or deadline missed);
# at_risk = 有风险 or 迟报; met = every rule of the row holds (models.rules says which word is which).
MARK = {"violation": "✗", "breach": "✗", "at_risk": "!", "met": "✓"}
MARK_STYLE = {"violation": "bold red", "breach": "magenta", "at_risk": "yellow", "met": "green"}
MARK_LABEL = {"violation": "违规", "breach": "未达标", "at_risk": "有风险", "met": "达标"}
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


def marked(severity: str | None, text: str = "", justify: str = "right") -> Text:
    """``text`` after the mark of ``severity`` (``None``: no mark, no colour)."""
    if severity is None:
        return cell(text, "", justify)
    return cell(f"{MARK[severity]} {text}".rstrip(), MARK_STYLE[severity], justify)


def months_text(months: list[int]) -> str:
    """Which months: "5月", "4、5月"; three or more stay short ("4月等8个月"; i lists them)."""
    if not months:
        return ""
    if len(months) <= 2:
        return "、".join(str(m) for m in months) + "月"
    return f"{months[0]}月等{len(months)}个月"


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
