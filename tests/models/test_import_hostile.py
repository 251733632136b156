"""Hostile input over every importer, property-based: random cells, wrong types, mangled headers and
broken files. Never a crash (only the importer's clear Chinese error), never a partial write.

The ``check_*`` functions hold the properties; ``tests/stress/test_hostile_deep.py`` runs them with
many more examples.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlmodel import SQLModel

from models.importing import KINDS, ImportRejected, run_import
from models.importing.template import write_template
from tests import factories

pytestmark = pytest.mark.usefixtures("roster")

KIND_NAMES = sorted(KINDS)
TABLES = [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]
_files = itertools.count()

# Cells as departments really send them, and as they never should.
PLAUSIBLE = st.sampled_from(["梅州", "梅江区", "组织部", "宣传部", "是", "否", "2019-05-06", "2019/5/6", "2019年5月6日",
                             "社区", "农村", "张三、李四", "10", "3.5", "100%", "120%", "-1", "0", "五", "N/A"])
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
CELLS = st.one_of(
    st.none(), PLAUSIBLE, TEXT,
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "'; DROP TABLE branch; --", "<script>", "\x00", "长" * 5000]),
)


def snapshot(session) -> dict[str, int]:
    conn = session.connection()
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


def attempt(session, kind: str, path: Path) -> None:
    """Import; on refusal nothing at all may have changed, and the reasons must be readable Chinese."""
    before = snapshot(session)
    try:
        run_import(session, KINDS[kind], path)
    except ImportRejected as exc:
        session.rollback()
        assert exc.file_problem or exc.errors
        assert all(str(e) and e.reason for e in exc.errors)
        assert snapshot(session) == before, "a refused import wrote something"
        return
    session.commit()


def _xlsx_safe(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


sheets = st.fixed_dictionaries({
    "kind": st.sampled_from(KIND_NAMES),
    "rows": st.lists(st.lists(CELLS, max_size=12), min_size=0, max_size=6),
    "header_op": st.sampled_from(["keep", "keep", "keep", "drop", "duplicate", "rename", "shuffle", "star"]),
    "format": st.sampled_from(["xlsx", "utf-8", "utf-8-sig", "gb18030"]),
    "seed": st.integers(0, 10**6),
})


def check_sheet(session, tmp: Path, sheet: dict) -> None:
    kind = KINDS[sheet["kind"]]
    headers = [c.header for c in kind.columns]
    seed = sheet["seed"]
    if sheet["header_op"] == "drop" and headers:
        headers.pop(seed % len(headers))
    elif sheet["header_op"] == "duplicate":
        headers.append(headers[seed % len(headers)])
    elif sheet["header_op"] == "rename":
        headers[seed % len(headers)] += "（改）"
    elif sheet["header_op"] == "shuffle":
        headers = headers[seed % len(headers):] + headers[:seed % len(headers)]
    elif sheet["header_op"] == "star":
        headers = [h + "*" for h in headers]  # as the template marks required columns
    # Mix the example row's good values into random cells, so some rows get deep into validation.
    example = kind.example_row()
    rows = [[cell if (seed + i + j) % 3 else (example[j] if j < len(example) else cell)
             for j, cell in enumerate(row)] for i, row in enumerate(sheet["rows"])]
    path = tmp / f"hostile{next(_files)}.{'xlsx' if sheet['format'] == 'xlsx' else 'csv'}"
    if sheet["format"] == "xlsx":
        factories.write_xlsx(path, headers, [[_xlsx_safe(c) for c in row] for row in rows])
    else:
        factories.write_csv(path, headers, rows, sheet["format"])
    attempt(session, sheet["kind"], path)


@given(sheet=sheets)
def test_random_sheets_never_crash_never_partial(session, sheet):
    with tempfile.TemporaryDirectory() as tmp:
        check_sheet(session, Path(tmp), sheet)


broken = st.fixed_dictionaries({
    "kind": st.sampled_from(KIND_NAMES),
    "how": st.sampled_from(["truncate", "flip", "random", "empty-zip", "wrong-zip"]),
    "cut": st.floats(0, 1),
    "noise": st.binary(min_size=1, max_size=400),
    "suffix": st.sampled_from([".xlsx", ".csv", ".xls", ".txt", "", ".pdf", ".XLSX"]),
})


def check_broken(session, tmp: Path, case: dict) -> None:
    import zipfile

    template = tmp / "template.xlsx"
    write_template(session, KINDS[case["kind"]], template)
    session.rollback()  # the template's queries only read
    data = template.read_bytes()
    how = case["how"]
    if how == "truncate":
        data = data[:int(len(data) * case["cut"])]
    elif how == "flip":
        at = int((len(data) - 1) * case["cut"])
        data = data[:at] + case["noise"] + data[at + len(case["noise"]):]
    elif how == "random":
        data = case["noise"]
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            if how == "wrong-zip":
                zf.writestr("xl/workbook.xml", case["noise"])
        data = buf.getvalue()
    path = tmp / f"broken{next(_files)}{case['suffix']}"
    path.write_bytes(data)
    attempt(session, case["kind"], path)


@given(case=broken)
def test_broken_files_never_crash_never_partial(session, case):
    with tempfile.TemporaryDirectory() as tmp:
        check_broken(session, Path(tmp), case)
