"""Every report and export is built from a database whose free text holds control characters.

Text is cleaned when it enters now, but a database written by an older version (or by hand) may hold
anything: ESC, BEL, vertical tab, unit separator, a bidi override and, on SQLite, NUL. openpyxl
refuses such a string (IllegalCharacterError), which used to stop ``report lectures`` and ``report
evaluation`` with exit status 1. Each command must now finish and write its file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from models.db import make_engine
from tests import factories
from tests.tui import demo_data
from tui.cli import cli

JUNK = "\x1b[2J\x07\x0b\x1f\u202e\x00"
FREE_TEXT = {
    "auditentry": ["actor"], "cadre": ["name", "exempt_approved_by"], "cityplan": ["title"],
    "serviceproject": ["title", "summary", "reviewed_by"], "branch": ["name"],
    "lecture": ["place", "title", "materials"], "visit": ["town", "notes"], "activity": ["name"],
    "experience": ["title", "text", "promoted_where", "promoted_by"], "lecturematerial": ["filename"],
    "monthlyreport": ["typical_org_name", "typical_org_experience", "branch_experience", "source_file"],
    "spotcheck": ["notes"], "rating": ["activity_name", "suggestion"], "target": ["label"],
}


@pytest.fixture
def tainted(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "tainted.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as session:
        demo_data.build(session)
        wang = session.exec(text("SELECT id FROM cadre WHERE name = '王芳'")).scalar_one()
        factories.lecture(session, session.get(factories.Cadre, wang), demo_data.TODAY.date(), "党课")
        factories.experience(session, "组织部", "梅江区", "支部经验")
        session.commit()
    with engine.begin() as connection:
        for table, columns in FREE_TEXT.items():
            for column in columns:
                connection.execute(text(f"UPDATE {table} SET {column} = {column} || :junk "  # noqa: S608 (our names)
                                        f"WHERE {column} IS NOT NULL"), {"junk": JUNK})
        assert connection.execute(text("SELECT title FROM lecture WHERE title LIKE '党课%'")).scalar_one() == "党课" + JUNK
    engine.dispose()
    return url


@pytest.mark.parametrize(("args", "suffix"), [
    (("report", "evaluation", "--year", "2019"), "xlsx"),
    (("report", "lectures", "--year", "2019"), "xlsx"),
    (("report", "monthly", "--city", "梅州", "--month", "2019-05"), "xlsx"),
    (("report", "feedback", "--month", "2019-06"), "xlsx"),
    (("export", "feedback", "--format", "xlsx"), "xlsx"),
    (("export", "feedback", "--format", "csv"), "csv"),
    (("export", "feedback", "--format", "json"), "json"),
    (("link", "sheet", "--county", "梅江区", "--public-url", "https://zd.example.cn"), "html"),
])
def test_every_report_survives_control_characters_in_the_database(tainted, tmp_path, args, suffix):
    out = tmp_path / f"report.{suffix}"
    result = CliRunner().invoke(cli, ["--db", tainted, *args, "-o", str(out)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert out.stat().st_size > 0
    if suffix == "xlsx":
        book = load_workbook(out, read_only=True)
        cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                 if isinstance(c, str)]
        assert cells and not any(ch in cell for cell in cells for ch in "\x1b\x07\x0b\x1f\x00")
