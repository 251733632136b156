"""Files: photo handling writes nothing to the filesystem (photos live in the database); the
``--photos DIR`` export never writes outside DIR; exports never contain a live formula."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import Session, func, select

from models.tables import Photo
from tests import factories
from tests.survey.conftest import open_form
from tui.cli import cli

_recording: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    if _recording and event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            _recording[-1].append(str(path))
    elif _recording and event in ("os.rename", "os.remove", "os.mkdir", "shutil.copyfile", "os.link", "os.symlink"):
        if event == "os.mkdir" and os.path.isdir(args[0]):
            return  # mkdir(parents=True) tries every existing parent; nothing is written
        _recording[-1].append(f"{event}:{args[0]}")


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records while asked to


@contextmanager
def file_writes():
    writes: list[str] = []
    _recording.append(writes)
    try:
        yield writes
    finally:
        _recording.pop()


def _image(fmt: str, size=(2400, 1800)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "green").save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photo_upload_writes_no_file(client, scene, session, db_url, fmt):
    fields = open_form(client, scene.url)
    with file_writes() as writes:
        response = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "5",
                                                "photo": (io.BytesIO(_image(fmt)), "../../../../etc/evil.jpg")},
                               content_type="multipart/form-data")
    assert response.status_code == 303
    # SQLite's own file and the lock file beside it (the cross-process writer queue) are the database.
    database = db_url.removeprefix("sqlite:///") if db_url.startswith("sqlite") else None
    assert [w for w in writes if not (database and w.split(":", 1)[-1].startswith(database))] == []
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Photo)).one() == 1


def test_export_photos_stay_inside_the_folder(db_url, engine, tmp_path):
    with Session(engine) as s:
        b = factories.branch(s, "梅江区", "../../逃逸团支部")
        for mime in ("image/jpeg", "../../../x", "image/png/../../../../tmp/evil", "image/webp;.sh"):
            ph = Photo(mime=mime[:30], width=1, height=1, data=b"bytes")
            s.add(ph)
            s.flush()
            factories.rating(s, b, 3, suggestion="../../../../tmp/evil", photo_id=ph.id)
        s.commit()
    folder = tmp_path / "out" / "photos"
    outside_before = {p for p in tmp_path.rglob("*")}
    with file_writes() as writes:
        result = CliRunner().invoke(cli, ["--db", db_url, "export", "feedback", "--format", "csv", "--photos",
                                          str(folder), "-o", str(tmp_path / "out" / "f.csv")],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    inside = [p for p in tmp_path.rglob("*") if p not in outside_before]
    allowed = {folder.resolve(), (tmp_path / "out").resolve(), (tmp_path / "out" / "f.csv").resolve()}
    for p in inside:
        assert p.resolve() in allowed or p.resolve().parent == folder.resolve(), p
    for w in writes:
        path = w.split(":", 1)[-1]
        if path.endswith((".db", ".db-wal", ".db-shm", "-journal")):
            continue
        assert os.path.realpath(path).startswith(str((tmp_path / "out").resolve())), w
    assert len(list(folder.iterdir())) == 4


DANGEROUS = ["=1+1", "+86 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1",
             "=HYPERLINK(\"http://x\",\"点我\")", "=cmd|' /C calc'!A0", "DDE(\"x\")"]


@pytest.fixture
def hostile_ratings(engine):
    with Session(engine) as s:
        b = factories.branch(s, "梅江区", "=1+1团支部")
        act = factories.activity(s, b, "@活动")
        for i, text in enumerate(DANGEROUS):
            factories.rating(s, b, i % 5 + 1, a=act, suggestion=text,
                             at=datetime(2019, 5, 10, 4, 0, tzinfo=UTC))
        s.commit()


def _unsafe(value) -> bool:
    return isinstance(value, str) and value != "" and value[0] in "=+-@\t\r＝＋－＠"


def test_xlsx_export_has_no_live_formula(db_url, hostile_ratings, tmp_path):
    out = tmp_path / "f.xlsx"
    result = CliRunner().invoke(cli, ["--db", db_url, "export", "feedback", "--format", "xlsx", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not _unsafe(cell.value), (ws.title, cell.coordinate, cell.value)
                seen.append(cell.value)
    assert "'=1+1" in seen  # the member's text is there, shown literally


def test_csv_and_json_exports_have_no_live_formula(db_url, hostile_ratings, tmp_path):
    out = tmp_path / "f.csv"
    assert CliRunner().invoke(cli, ["--db", db_url, "export", "feedback", "--format", "csv", "-o", str(out)],
                              catch_exceptions=False).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if _unsafe(c)]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in cells
    # JSON lines are for programs, not spreadsheets: the text stays exactly as typed.
    out = tmp_path / "f.jsonl"
    assert CliRunner().invoke(cli, ["--db", db_url, "export", "feedback", "--format", "json", "-o", str(out)],
                              catch_exceptions=False).exit_code == 0
    texts = {json.loads(line)["suggestion"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert set(DANGEROUS) <= texts


def test_a_new_database_and_its_directory_are_private(tmp_path):
    from sqlalchemy import text

    from models.db import make_engine

    path = tmp_path / "data" / "zhudian.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        modes = {p.name: p.stat().st_mode & 0o777 for p in path.parent.iterdir()}
    engine.dispose()
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert modes["zhudian.db"] == 0o600 and modes.get("zhudian.db-wal", 0o600) == 0o600
