"""``zhudian feedback themes``: the themes of members' suggestions for a scope and period, for scripts."""

from __future__ import annotations

import click

from models.targets import DEFAULT_YEAR
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.say import say


@click.group()
def feedback() -> None:
    """团员意见建议的分析。"""


@feedback.command()
@click.option("--city", default=None, help="地市")
@click.option("--county", default=None, help="县（市、区）/镇街")
@click.option("--department", default=None, help="部门（其按附件1 对接的地市）")
@click.option("--branch", "branch_id", type=int, default=None, help="团支部编号（zhudian branch list）")
@click.option("--month", default=None, metavar="YYYY-MM", help="月份（默认：全年）")
@click.option("--year", type=int, default=DEFAULT_YEAR, show_default=True, help="年度（不给 --month 时）")
@click.option("--quotes", type=click.IntRange(0, 10), default=3, show_default=True, help="每个主题的代表性意见条数")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def themes(app: AppContext, city: str | None, county: str | None, department: str | None, branch_id: int | None,
           month: str | None, year: int, quotes: int, as_json: bool) -> None:
    """意见主题：各主题的意见数、占比、均分、较上月变化、热词和代表性意见；需优先关注的意见列在最前。"""
    from sqlmodel import Session

    from models.figures.period import Period
    from models.themes.brief import scope_from_names, section, section_dict
    from models.themes.store import analyse_pending

    try:
        period = Period.parse(month) if month else Period(year)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    with Session(app.engine()) as session:
        try:
            scope = scope_from_names(session, city=city, county=county, department=department, branch_id=branch_id)
        except ValueError as exc:
            fail(str(exc))
        analyse_pending(session)
        sec = section(session, scope, period, quotes=quotes)
    if as_json:
        echo_json(section_dict(sec))
    else:
        say(render(sec))


def render(sec) -> str:  # noqa: ANN001 - a models.themes.brief.Section
    """The section as plain terminal text (typed text cleaned of control characters)."""
    from tui.components import theme_cells as cells
    from tui.components.safe import clean
    from tui.textwidth import table

    s = sec.summary
    lines = [f"{clean(sec.scope, 40)} · {sec.period.label} · 意见 {s.suggestions:,} 条"]
    if s.pending:
        lines.append(cells.progress_note(s))
    if sec.flagged:
        lines.append(f"需优先关注（涉及安全或紧急困难）{s.urgent.count} 条：")
        for r in sec.flagged:
            lines.append(f"  ! {clean(r.county, 10)} {clean(r.branch, 24)} {r.score}分：{clean(r.suggestion, 80)}"
                         f"（{'、'.join(r.urgent_words.split())}）")
    rows = [r for r in s.themes if r.count]
    if not rows:
        lines.append("本期没有意见建议。")
        return "\n".join(lines)
    lines.append(table(["主题", "意见数", "占比", "均分", "较上月", "热词"],
                       [[r.name, f"{r.count:,}", cells.share(r), cells.mean(r), cells.change(r),
                         clean(cells.keywords(r), 30)] for r in rows], right=(1, 2, 3, 4)))
    for r in rows:
        for q in r.quotes:
            lines.append(f"  {r.name}：“{clean(q.text, 80)}”（{clean(q.county, 10)} {clean(q.branch, 24)}，{q.score}分）")
    if sec.lowest:
        lines.append("评分最低的活动：")
        for a in sec.lowest:
            lines.append(f"  {a.mean:.2f}分（{a.count} 条）{clean(a.county, 10)} {clean(a.branch, 24)}"
                         f" · {clean(a.activity, 20)}")
            lines.extend(f"    “{clean(t, 80)}”" for t in a.suggestions)
    return "\n".join(lines)
