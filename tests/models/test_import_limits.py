"""Imports read with bounded memory: each hostile file is imported by the real ``zhudian import`` in a
child process, whose peak memory (ru_maxrss) is measured; each is refused with a Chinese message
naming the limit, and nothing is written. A GB18030 CSV with its BOM imports like any other.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from models.db import make_engine
from models.importing import reader
from models.tables import Branch
from tests.serving import ROOT

HEADERS = ["地市", "县（市、区）", "团支部名称", "类型", "团员数", "有团干（书记）"]
ROW = ["梅州", "梅江区", "西郊街道团支部", "社区", "25", "是"]
PEAK_LIMIT_MB = 200  # what a refused import may cost the process at most, interpreter and all


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "limits.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


# The command runs under a small launcher that reports its peak: a child forked straight from this (large)
# test process counts the parent's pages in its own peak until it execs.
LAUNCHER = ("import os, subprocess, sys\n"
            "p = subprocess.Popen(sys.argv[1:])\n"
            "_pid, status, usage = os.wait4(p.pid, 0)\n"
            "print(f'peak_kb {usage.ru_maxrss}', file=sys.stderr)\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")


def import_in_child(db: str, path: Path, home: Path) -> tuple[int, str, float]:
    """``zhudian import branches path``: exit status, all it printed, and its peak memory in MB."""
    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT)}
    process = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "tui", "--db", db, "import",
                              "branches", str(path)], cwd=ROOT, env=env, capture_output=True, check=False)
    err = process.stderr.decode()
    peak = next(int(line.split()[1]) for line in err.splitlines() if line.startswith("peak_kb "))
    output = process.stdout.decode() + "\n".join(line for line in err.splitlines() if not line.startswith("peak_kb "))
    return process.returncode, output, peak / 1024


def branch_count(db: str) -> int:
    engine = make_engine(db)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Branch)).one()
    engine.dispose()
    return count


def small_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append(ROW)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_part(workbook: bytes, part: str, megabytes: int, fill: bytes) -> bytes:
    """``workbook`` with ``part`` replaced by ``megabytes`` MB of ``fill`` (deflated: a zip bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
        with dst.open(part, "w") as big:
            chunk = fill * (1024 * 1024 // len(fill))
            for _ in range(megabytes):
                big.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(("part", "megabytes", "fill", "limit"), [
    ("xl/workbook.xml", 500, b" ", "16 MB"),
    ("xl/sharedStrings.xml", 200, b"<si><t>AAAAAAAAAAAAAAAA</t></si>", "64 MB"),
])
def test_a_zip_bomb_is_refused_before_it_inflates(db, tmp_path, part, megabytes, fill, limit):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_part(small_workbook(), part, megabytes, fill))
    assert path.stat().st_size < 2 * 1024 * 1024  # a small file that inflates hundreds of times
    status, output, peak = import_in_child(db, path, tmp_path)
    assert status != 0 and f"“{part}”解压后有" in output and f"超过上限 {limit}" in output, output
    assert peak < PEAK_LIMIT_MB, peak
    assert branch_count(db) == 0


def test_a_file_over_the_size_limit_is_refused_unread(db, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:  # 1 GB, sparse: nothing has to be written to make it
        f.write((",".join(HEADERS) + "\n").encode())
        f.truncate(1024 * 1024 * 1024)
    status, output, peak = import_in_child(db, path, tmp_path)
    assert status != 0 and "超过导入上限 64 MB" in output and "1,024.0 MB" in output, output
    assert peak < PEAK_LIMIT_MB, peak
    assert branch_count(db) == 0


def test_too_many_rows_are_refused_while_streaming(db, tmp_path):
    path = tmp_path / "rows.csv"
    line = ",".join(ROW) + "\n"
    path.write_text(",".join(HEADERS) + "\n" + line * (reader.MAX_ROWS + 1), encoding="utf-8")
    status, output, peak = import_in_child(db, path, tmp_path)
    assert status != 0 and f"超过 {reader.MAX_ROWS} 行，请分批导入" in output, output
    assert peak < 2 * PEAK_LIMIT_MB, peak  # the rows up to the limit are held (all or nothing is imported)
    assert branch_count(db) == 0


@pytest.mark.parametrize("bom", [b"\x84\x31\x95\x33", b"\xef\xbb\xbf"])
def test_a_csv_with_a_bom_before_its_first_header_imports(db, tmp_path, bom):
    encoding = "gb18030" if bom == b"\x84\x31\x95\x33" else "utf-8"
    path = tmp_path / "bom.csv"
    path.write_bytes(bom + (",".join(HEADERS) + "\r\n" + ",".join(ROW) + "\r\n").encode(encoding))
    status, output, _peak = import_in_child(db, path, tmp_path)
    assert status == 0 and "新增 1" in output, output
    assert branch_count(db) == 1
