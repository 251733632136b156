"""What a photo's decode costs, measured: per decode in a child process, and for the real server
while 8 phones send photos at the decode limit at once.

The pictures are small files that decode large: a progressive JPEG (libjpeg keeps every coefficient
of the full picture whatever the scale it draws at), a lossless WebP and an RGBA PNG, each just
under ``MAX_DECODE_BYTES`` by the estimate, and the same kinds over it (refused on the header).
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from PIL import Image

from survey import photos
from tests.security.test_real_uploads import multipart
from tests.serving import ROOT
from tests.survey.conftest import hidden_fields

ONE_DECODE_MB = 210  # the figure the README states for one photo (estimate cap 160 MB + re-encoding)
SERVER_PEAK_MB = 500  # the server's whole peak while 8 phones send such photos at once


def picture(kind: str, side: int) -> bytes:
    out = io.BytesIO()
    if kind == "progressive":
        Image.new("RGB", (side, side), (120, 30, 60)).save(out, "JPEG", progressive=True, quality=10)
    elif kind == "webp":
        Image.new("RGB", (side, side), (1, 2, 3)).save(out, "WEBP", lossless=True)
    else:
        Image.new("RGBA", (side, side), (1, 2, 3, 4)).save(out, "PNG")
    return out.getvalue()


AT_THE_LIMIT = [("progressive", 7000), ("webp", 3150), ("png", 4400)]
OVER_IT = [("progressive", 9400), ("webp", 5000), ("png", 6000)]

CHILD = """
import resource, sys
from survey.photos import PhotoError, reencode
raw = sys.stdin.buffer.read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    reencode(raw)
    outcome = "stored"
except PhotoError as exc:
    outcome = str(exc)
print(outcome, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
"""


def decode_in_child(raw: bytes) -> tuple[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD], input=raw, capture_output=True, cwd=ROOT, check=True,
                          env={"PYTHONPATH": str(ROOT)})
    outcome, grown = done.stdout.decode().rsplit(" ", 1)
    return outcome, float(grown)


@pytest.mark.parametrize(("kind", "side"), AT_THE_LIMIT + OVER_IT)
def test_one_decode_stays_within_its_stated_memory(kind, side):
    raw = picture(kind, side)
    outcome, grown = decode_in_child(raw)
    if (kind, side) in AT_THE_LIMIT:
        assert outcome == "stored" and grown < ONE_DECODE_MB, (outcome, grown)
    else:
        assert outcome == photos.TOO_LARGE and grown < 20, (outcome, grown)  # refused on the header


def _vm(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def test_eight_phones_at_once_keep_the_server_under_its_stated_peak(serve, db_url, scene):
    server = serve(db_url, threads=8)
    url = f"{server.url}{scene.url}"
    files = [picture(kind, side) for kind, side in AT_THE_LIMIT + OVER_IT]
    statuses: list[int] = []

    def phone(n: int) -> None:
        for k in range(3):
            browser = requests.Session()
            fields = hidden_fields(browser.get(url, timeout=30).text)
            boundary = f"----WebKitFormBoundary{n:08d}{k:08d}"
            body = multipart({**fields, "activity": str(scene.activity_ids[0]), "score": "5"},
                             {"photo": ("p.jpg", "image/jpeg", files[(n + k) % len(files)])}, boundary)
            statuses.append(browser.post(url, data=body, allow_redirects=False, timeout=120,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
                                         ).status_code)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [303, 422] and len(statuses) == 24
    peak = _vm(server.process.pid, "VmHWM")
    print(f"server peak RSS {peak:.0f} MB")
    assert peak < SERVER_PEAK_MB, peak
