"""``zhudian dashboard``: the coordinators' terminal dashboard."""

from __future__ import annotations

import click

from tui.cli import AppContext, pass_app


@click.command()
@pass_app
def dashboard(app: AppContext) -> None:
    """打开驻点工作看板（终端界面）。"""
    app.engine()  # a clear one-line error now (unreachable, not initialised) rather than inside the UI
    from tui.app import forget_inherited_size, make_app

    forget_inherited_size()
    make_app(app.url, engine=app.engine(), early=True).run()
