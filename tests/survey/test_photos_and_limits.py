"""Photos (re-encoded, metadata stripped, refused with the form kept) and the shared rate limit."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlmodel import select

from models.tables import Photo
from survey.photos import MAX_SIDE, PhotoError, reencode
from tests.survey.conftest import rating_count, ratings, submit


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    gps = {1: "N", 2: (23.0, 7.0, 30.0), 3: "E", 4: (113.0, 15.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def image_bytes(fmt: str, size=(800, 600), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)).save(out, fmt)
    return out.getvalue()


def test_reencode_strips_gps_and_limits_size():
    raw = jpeg_with_gps()
    assert b"PhoneMaker" in raw
    clean = reencode(raw)
    assert clean.mime == "image/jpeg"
    # EXIF orientation applied before stripping: the 3000×2000 picture comes out upright (portrait).
    assert (clean.width, clean.height) == (1067, MAX_SIDE)
    image = Image.open(io.BytesIO(clean.data))
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in clean.data


@pytest.mark.parametrize(("fmt", "mode", "mime"), [("PNG", "RGB", "image/jpeg"), ("PNG", "RGBA", "image/png"),
                                                  ("WEBP", "RGB", "image/jpeg")])
def test_png_and_webp_are_accepted(fmt, mode, mime):
    clean = reencode(image_bytes(fmt, mode=mode))
    assert clean.mime == mime and (clean.width, clean.height) == (800, 600)


@pytest.mark.parametrize(("raw", "text"), [
    (b"this is really a text file, not a photo", "只能上传 JPG、PNG 或 WebP"),
    (b"", "空的"),
    (b"GIF89a" + b"\x00" * 100, "只能上传 JPG、PNG 或 WebP"),
    (image_bytes("GIF"), "只能上传 JPG、PNG 或 WebP"),
    (image_bytes("JPEG")[:200], "只能上传 JPG、PNG 或 WebP"),  # truncated
    (b"\xff" * (5 * 1024 * 1024 + 1), "不能超过 5 MB"),
], ids=["text", "empty", "fake-gif", "gif", "truncated-jpeg", "over-5mb"])
def test_bad_photos_are_refused_with_a_message(raw, text):
    with pytest.raises(PhotoError, match=text):
        reencode(raw)


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge picture, as a decompression bomb does."""
    raw = bytearray(image_bytes("PNG", size=(8, 8)))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    raw[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    raw[ihdr + 13:ihdr + 17] = struct.pack(">I", zlib.crc32(bytes(raw[ihdr - 4:ihdr + 13])))
    return bytes(raw)


@pytest.mark.parametrize("size", [(20000, 20000), (100000, 700), (9000, 9000)])
def test_decompression_bomb_is_refused(size):
    bomb = png_claiming(*size)
    assert struct.unpack(">II", bomb[16:24]) == size and len(bomb) < 1000
    with pytest.raises(PhotoError, match="尺寸过大"):
        reencode(bomb)


def test_real_bomb_is_refused_fast():
    # 8000×8000 grey pixels compress to about 60 KB; decoding them would take 64 MB.
    out = io.BytesIO()
    Image.new("L", (8000, 8000)).save(out, "PNG")
    with pytest.raises(PhotoError, match="尺寸过大"):
        reencode(out.getvalue())


def test_photo_is_stored_in_the_database(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5",
                      photo=(io.BytesIO(jpeg_with_gps()), "IMG_0001.JPG"))
    assert response.status_code == 303
    [row] = ratings(session)
    photo = session.get(Photo, row.photo_id)
    assert photo.mime == "image/jpeg" and max(photo.width, photo.height) <= MAX_SIDE
    assert b"PhoneMaker" not in photo.data and not Image.open(io.BytesIO(photo.data)).getexif()


def test_text_file_posing_as_photo_keeps_the_rest_of_the_form(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[1]), score="3", suggestion="照片不行",
                      photo=(io.BytesIO(b"<?php system($_GET['c']); ?>"), "photo.jpg", "image/jpeg"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="e-photo"' in html and "无法识别为照片" in html
    assert "照片不行</textarea>" in html and 'value="3" checked' in html
    assert rating_count(session) == 0
    assert session.exec(select(Photo)).first() is None


def test_two_photos_are_refused(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5",
                      photo=[(io.BytesIO(image_bytes("PNG")), "a.png"), (io.BytesIO(image_bytes("PNG")), "b.png")])
    assert response.status_code == 422 and "只能上传一张照片" in response.get_data(as_text=True)
    assert rating_count(session) == 0


def test_good_photo_with_an_error_elsewhere_asks_to_choose_it_again(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]),
                      photo=(io.BytesIO(image_bytes("PNG")), "a.png"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请重新选择" in html and 'id="e-score"' in html
    assert session.exec(select(Photo)).first() is None


def webp_bomb(tmp_path) -> bytes:
    """A real lossless WebP of ~60 megapixels: a few kilobytes that would decode to about 180 MB."""
    path = tmp_path / "bomb.webp"
    Image.new("L", (7800, 7800), 255).save(path, "WEBP", lossless=True, method=0)
    return path.read_bytes()


def test_a_webp_bomb_is_refused_in_bounded_time_and_memory(tmp_path):
    import subprocess
    import sys

    raw = webp_bomb(tmp_path)
    assert len(raw) < 100_000
    (tmp_path / "bomb.bin").write_bytes(raw)
    probe = (
        "import resource, sys, time\n"
        "from survey.photos import PhotoError, reencode\n"
        f"raw = open({str(tmp_path / 'bomb.bin')!r}, 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        "try:\n    reencode(raw)\nexcept PhotoError as exc:\n    print('refused', exc)\n"
        "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    from tests.serving import ROOT

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused 照片尺寸过大"), result.stdout + result.stderr
    seconds, grown_kb = lines[1].split()
    assert float(seconds) < 0.5 and int(grown_kb) < 50_000  # decoding it would take ~180 MB and seconds


def test_photos_are_decoded_one_at_a_time(monkeypatch):
    import threading

    from survey import photos

    inside, most = 0, 0
    lock = threading.Lock()
    real = photos._decode

    def counting(raw: bytes):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            return real(raw)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(photos, "_decode", counting)
    raw = image_bytes("PNG", size=(2000, 1500))
    threads = [threading.Thread(target=reencode, args=(raw,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_a_camera_jpeg_larger_than_the_decode_cap_is_taken_at_a_reduced_scale():
    out = io.BytesIO()
    Image.new("RGB", (8000, 4500), (90, 160, 60)).save(out, "JPEG", quality=70)  # 36 megapixels
    clean = reencode(out.getvalue())
    assert (clean.width, clean.height) == (MAX_SIDE, 900)
