"""No raw IP address stored anywhere; every SQL statement parameterised (member input never inside the
SQL text), checked statically (ruff S608) and while hostile requests run."""

from __future__ import annotations

import io
import subprocess
import sys

from PIL import Image
from sqlalchemy import String, Text, event, select
from sqlmodel import SQLModel

from tests.serving import ROOT
from tests.survey.conftest import open_form

ADDRESSES = ["127.0.0.1", "203.0.113.77", "2001:db8::1234"]
MARK = "zdMARK9x"
HOSTILE = [f"{MARK}' OR '1'='1", f"{MARK}\"; DROP TABLE rating; --", f"{MARK}\\x00 UNION SELECT 1", f"{MARK}%s%(x)s",
           f"{MARK}$1 ?", f"{MARK}）；删除"]


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buf, "JPEG")
    return buf.getvalue()


def _all_text(engine) -> list[str]:
    values = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if cols:
                for row in conn.execute(select(*cols)):
                    values.extend(str(v) for v in row if v is not None)
    return values


def test_no_raw_ip_address_stored(make_app, scene, engine):
    app = make_app(TRUSTED_PROXIES=1)
    for address in ADDRESSES:
        client = app.test_client()
        headers = {"X-Forwarded-For": address}
        hidden = open_form(client, scene.url)
        client.get(scene.url, headers=headers)
        fields = {**hidden, "activity": str(scene.activity_ids[0]), "score": "4", "suggestion": "好"}
        assert client.post(scene.url, data={**fields, "photo": (io.BytesIO(_jpeg()), "p.jpg")}, headers=headers,
                           content_type="multipart/form-data").status_code == 303
        client.post(scene.url, data={"score": "x"}, headers=headers)  # refused posts count for the rate limit too
    stored = _all_text(engine)
    assert stored, "nothing stored: the test would prove nothing"
    for address in ADDRESSES:
        assert not [v for v in stored if address in v], address


def test_ruff_s608_finds_no_sql_built_from_strings():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "S608", "--no-cache",
                             "models", "survey", "tui", "bench"], cwd=ROOT, capture_output=True, text=True)
    if "No module named ruff" in result.stderr:
        result = subprocess.run(["ruff", "check", "--select", "S608", "--no-cache", "models", "survey", "tui",
                                 "bench"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_member_input_never_inside_sql_text(app, scene):
    engine = app.extensions["zhudian.engine"]
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for value in HOSTILE:
            client = app.test_client()
            fields = open_form(client, scene.url)
            client.set_cookie("zd_cid", value)
            client.post(scene.url, data={**fields, "activity": value, "score": value, "suggestion": value,
                                         "activity_other": value, "sid": value, "ft": value, "website": ""},
                        content_type="multipart/form-data")
            client = app.test_client()
            fields = open_form(client, scene.url)
            assert client.post(scene.url, data={**fields, "activity": "other", "activity_other": value,
                                                "score": "3", "suggestion": value},
                               content_type="multipart/form-data").status_code == 303
            client.get(f"/s/{value}")
            client.get(f"/l/{value}")
            client.get(f"/s/{value}/thanks")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) > 20
    assert not [s for s in statements if MARK in s]
