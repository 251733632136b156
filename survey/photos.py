"""Photos members attach: checked, decoded and re-encoded, metadata (GPS included) stripped.

Only JPEG, PNG and WebP are accepted, judged by decoding the bytes (never by the file name or the
browser's claimed type). A few kilobytes can claim a huge picture (a decompression bomb), so the
memory a decode will take is estimated from the header and capped (``MAX_DECODE_BYTES``) before any
decoding: a baseline JPEG is decoded straight at a reduced scale, a progressive one holds the whole
picture's coefficients, PNG and WebP decode in full. One photo is decoded at a time per server
process, on one thread, so a burst of uploads cannot multiply the memory. The re-encoded image has its long side at most ``MAX_SIDE``
pixels and carries no EXIF, XMP or ICC data; it is stored in the database so servers can share it.
"""

from __future__ import annotations

import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = ("JPEG", "PNG", "WEBP")
# What one decode may cost, estimated from the header before a pixel is decoded (``decode_cost``).
# Measured in a child process (tests/security/test_photo_memory.py): the estimate plus about 50 MB
# of re-encoding is the peak, so one photo never costs more than about 210 MB.
MAX_DECODE_BYTES = 160 * 1024 * 1024
# Bytes per decoded pixel, measured with Pillow 13 (RSS growth over pixel count): PNG decodes to
# 3-4 bytes and is converted once more; libwebp keeps its own ARGB buffer beside Pillow's image.
_PER_PIXEL = {"PNG": 8, "WEBP": 16}
TOO_LARGE = "照片尺寸过大，无法处理，请换一张"

# Every decode runs on this one thread, one at a time: a burst of uploads cannot multiply the
# memory, and the allocator's memory stays in one arena (decodes spread over the request threads
# left each thread's arena holding its own peak: 8 threads, 8 peaks).
_decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-decode")


class PhotoError(ValueError):
    """The photo cannot be used; the message is Chinese and shown beside the field."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    mime: str
    width: int
    height: int


def decode_cost(image: Image.Image, full: tuple[int, int]) -> int:
    """Bytes decoding ``image`` will hold, from its header (``full``: its size before ``draft``).

    A progressive JPEG keeps every DCT coefficient of the full picture (2 bytes each, per component
    at its sampling) whatever the scale it is drawn at; a baseline JPEG only the reduced picture;
    PNG and WebP the full picture.
    """
    width, height = full
    if image.format == "JPEG":
        cost = image.width * image.height * 3 * 2  # the reduced picture and its RGB copy
        if image.info.get("progressive") or image.info.get("progression"):
            layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
            h_max = max(layer[1] for layer in layers) or 1
            v_max = max(layer[2] for layer in layers) or 1
            cost += sum(2 * width * layer[1] // h_max * height * layer[2] // v_max for layer in layers)
        return cost
    return width * height * _PER_PIXEL.get(image.format or "", 16)


def _decode(raw: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=FORMATS)  # reads the header only
            full = image.size
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale (the size shrinks)
            if decode_cost(image, full) > MAX_DECODE_BYTES:
                raise PhotoError(TOO_LARGE)  # checked on the header, before a pixel is decoded
            image.load()
            return ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(TOO_LARGE) from exc
        except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError, EOFError) as exc:
            raise PhotoError("只能上传 JPG、PNG 或 WebP 格式的照片，这个文件无法识别为照片") from exc


def reencode(raw: bytes) -> CleanPhoto:
    if len(raw) > MAX_BYTES:
        raise PhotoError(f"照片不能超过 5 MB（这张约 {len(raw) / 1024 / 1024:.1f} MB），请换一张或压缩后再选")
    if not raw:
        raise PhotoError("照片文件是空的，请重新选择")
    return _decoder.submit(_reencode, raw).result()


def _reencode(raw: bytes) -> CleanPhoto:
    image = _decode(raw)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if has_alpha else "RGB")
    del image
    clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Drop everything but pixels: PNG would otherwise copy an ICC profile or text chunks from ``info``.
    clean.info = {}
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        mime = "image/png"
    else:
        clean.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        mime = "image/jpeg"
    return CleanPhoto(out.getvalue(), mime, clean.width, clean.height)
