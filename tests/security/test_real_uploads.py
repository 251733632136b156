"""Real-sized uploads against the real ``zhudian serve``, sent as browsers send them.

Photos are high-entropy JPEGs of 0.2 to 4.9 MB (noise compresses as little as a detailed phone
photo, and its bytes hold CR and LF everywhere, so some fall at the end of the multipart parser's
64 KB chunks, which is what refused most real photos before); lecture files are 2 to 19 MB. Each
body is framed with the boundary style of a real browser (WebKit, Firefox, old Firefox). Every one
must be stored; a file over its limit comes back with everything typed kept and the limit named.
"""

from __future__ import annotations

import io
import os
import secrets
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PIL import Image
from sqlmodel import Session, func, select

from models.clock import today
from models.field import issue_link
from models.tables import Campaign, Lecture, LectureMaterial, Photo, Rating
from tests import factories
from tests.survey.conftest import hidden_fields

MB = 1024 * 1024
PHOTO_SIZES = (0.2, 0.7, 1.5, 2.5, 3.5, 4.3, 4.9)
LECTURE_SIZES = (2, 8, 19)


def browser_boundary(style: int) -> str:
    """A boundary as WebKit/Chromium, Firefox and older Firefox write it."""
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    if style == 0:
        return "----WebKitFormBoundary" + "".join(secrets.choice(alnum) for _ in range(16))
    if style == 1:
        return "----geckoformboundary" + secrets.token_hex(16)
    return "-" * 27 + "".join(secrets.choice("0123456789") for _ in range(29))


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]], boundary: str) -> bytes:
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for name, (filename, mime, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: {mime}\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def noisy_jpeg(megabytes: float) -> bytes:
    """A JPEG of close to ``megabytes`` (never over it) that compresses as little as a photo can."""
    target = int(megabytes * MB)
    pixels = target / 1.18  # noise at quality 95: about 1.18 bytes a pixel
    while True:
        width = int((pixels * 4 / 3) ** 0.5)
        height = int(width * 3 / 4)
        out = io.BytesIO()
        Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "JPEG", quality=95)
        if len(out.getvalue()) <= target:
            return out.getvalue()
        pixels *= 0.97


def post(phone: requests.Session, url: str, fields: dict, files: dict, style: int) -> requests.Response:
    boundary = browser_boundary(style)
    return phone.post(url, data=multipart(fields, files, boundary), allow_redirects=False, timeout=60,
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_every_legal_photo_is_stored_and_an_oversized_one_keeps_the_answer(serve, db_url, scene, session):
    server = serve(db_url)
    url = f"{server.url}{scene.url}"
    sizes = []
    for n, megabytes in enumerate(PHOTO_SIZES):
        phone = requests.Session()
        fields = hidden_fields(phone.get(url, timeout=10).text)
        photo = noisy_jpeg(megabytes)
        sizes.append(len(photo))
        response = post(phone, url, {**fields, "activity": str(scene.activity_ids[0]), "score": "5",
                                     "suggestion": f"第{n}张照片"}, {"photo": (f"IMG_{n:04}.JPG", "image/jpeg", photo)},
                        n % 3)
        assert response.status_code == 303, (megabytes, response.status_code, response.text[:300])
    assert min(sizes) < 0.25 * MB and 4.5 * MB < max(sizes) <= 5 * MB
    session.expire_all()
    stored = session.exec(select(Rating).where(Rating.photo_id.is_not(None))).all()
    assert sorted(r.suggestion for r in stored) == sorted(f"第{n}张照片" for n in range(len(PHOTO_SIZES)))
    assert session.exec(select(func.count()).select_from(Photo)).one() == len(PHOTO_SIZES)

    phone = requests.Session()
    fields = hidden_fields(phone.get(url, timeout=10).text)
    too_big = b"\xff\xd8\xff\xe0" + os.urandom(6 * MB)
    response = post(phone, url, {**fields, "activity": str(scene.activity_ids[0]), "score": "4",
                                 "suggestion": "照片太大也要留住这句话"}, {"photo": ("big.jpg", "image/jpeg", too_big)}, 0)
    page = response.text
    assert response.status_code == 422 and "照片不能超过 5 MB" in page
    assert "照片太大也要留住这句话</textarea>" in page and 'value="4" checked' in page


@pytest.fixture
def cadre_token(session: Session) -> str:
    year = today().year
    if session.get(Campaign, year) is None:
        session.add(Campaign(year=year, start_month=1, end_month=12, title="测试"))
    cadre = factories.cadre(session, "宣传部", "陈讲课")
    _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
    session.commit()
    return token


def test_every_legal_lecture_file_is_stored_and_an_oversized_one_keeps_the_form(serve, db_url, cadre_token,
                                                                                  session):
    server = serve(db_url)
    phone = requests.Session()
    assert phone.get(f"{server.url}/c/k/{cadre_token}", allow_redirects=False, timeout=10).status_code == 303
    lecture_url = f"{server.url}/c/lecture"
    typed = {"held_on": today().isoformat(), "place": "梅州市团校报告厅", "audience": "120"}
    for n, megabytes in enumerate(LECTURE_SIZES):
        fields = hidden_fields(phone.get(lecture_url, timeout=10).text)
        data = b"%PDF-1.7\n" + os.urandom(megabytes * MB - 100)
        response = post(phone, lecture_url, {**fields, **typed, "title": f"第{n}讲"},
                        {"material": (f"第{n}讲.pdf", "application/pdf", data)}, n % 3)
        assert response.status_code == 303, (megabytes, response.status_code, response.text[:300])
    session.expire_all()
    kept = session.exec(select(LectureMaterial.filename, func.length(LectureMaterial.data))).all()
    assert sorted(kept) == sorted((f"第{n}讲.pdf", m * MB - 100 + 9) for n, m in enumerate(LECTURE_SIZES))

    fields = hidden_fields(phone.get(lecture_url, timeout=10).text)
    response = post(phone, lecture_url, {**fields, **typed, "title": "超大课件的一讲"},
                    {"material": ("大.pdf", "application/pdf", os.urandom(21 * MB))}, 1)
    page = response.text
    assert response.status_code == 422 and "课件不能超过 20 MB" in page
    assert 'value="超大课件的一讲"' in page and 'value="梅州市团校报告厅"' in page
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Lecture)).one() == len(LECTURE_SIZES)
