"""Photos members attach: checked, decoded and re-encoded, metadata (GPS included) stripped.

Only JPEG, PNG and WebP are accepted, judged by decoding the bytes (never by the file name or the
browser's claimed type). A few kilobytes can claim a huge picture (a decompression bomb), so the
pixel count is read from the header and capped before any decoding; JPEG is decoded straight at a
reduced scale, so a large camera photo passes the cap, while PNG and WebP decode in full. One photo is decoded at a time per server process, so a burst of
uploads cannot multiply the memory. The re-encoded image has its long side at most ``MAX_SIDE``
pixels and carries no EXIF, XMP or ICC data; it is stored in the database so servers can share it.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = ("JPEG", "PNG", "WEBP")
# Pixels decoded at most (100 MB as RGBA). JPEG decodes straight at 1/2 to 1/8 scale, so a phone's
# 12-200 megapixel photo comes out below it; PNG and WebP decode in full and so are held to it.
MAX_DECODED_PIXELS = 25_000_000
TOO_LARGE = "照片尺寸过大，无法处理，请换一张"

_decoding = threading.BoundedSemaphore(1)


class PhotoError(ValueError):
    """The photo cannot be used; the message is Chinese and shown beside the field."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    mime: str
    width: int
    height: int


def _decode(raw: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=FORMATS)  # reads the header only
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale (the size shrinks)
            if image.width * image.height > MAX_DECODED_PIXELS:
                raise PhotoError(TOO_LARGE)  # checked on the header's size, before a pixel is decoded
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
    with _decoding:
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
