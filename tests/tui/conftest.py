"""Dashboard fixtures: the small fixed province (built once, copied per test) and a frozen clock."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import built_database
from tests.tui.demo_data import TODAY, build


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_database(sqlite_template, tmp_path_factory.mktemp("demo") / "demo.db", build)


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make(demo_url: str) -> Callable:
    """``make(**options)`` → the dashboard on a fresh copy of the demo province, clock frozen."""
    from tui.app import make_app

    def factory(**options):
        options.setdefault("now", lambda: TODAY)
        return make_app(demo_url, **options)

    return factory


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (Textual's pilot needs one; no plugin required)."""
    import asyncio
    import inspect

    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True



@pytest.fixture
def run(db_url: str, home: Path) -> Callable:
    """``run(*args)``: the ``zhudian`` command on the test database (a module may define its own ``run``)."""
    from click.testing import CliRunner

    from tui.cli import cli

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    return invoke
