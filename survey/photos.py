"""Photos members attach: checked, decoded and re-encoded, metadata (GPS included) stripped.

Only JPEG, PNG and WebP are accepted, judged by decoding the bytes (never by the file name or the
browser's claimed type). The re-encoded image has its long side at most ``MAX_SIDE`` pixels and
carries no EXIF, XMP or ICC data; it is stored in the database so several servers can share it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # larger than any phone camera; more is a decompression bomb
FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoError(ValueError):
    """The photo cannot be used; the message is Chinese and shown beside the field."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    mime: str
    width: int
    height: int


def reencode(raw: bytes) -> CleanPhoto:
    if len(raw) > MAX_BYTES:
        raise PhotoError(f"照片不能超过 5 MB（这张约 {len(raw) / 1024 / 1024:.1f} MB），请换一张或压缩后再选")
    if not raw:
        raise PhotoError("照片文件是空的，请重新选择")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("照片尺寸过大，无法处理，请换一张")
            # JPEG: decode at a reduced scale straight away (fast, little memory).
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError("照片尺寸过大，无法处理，请换一张") from exc
        except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise PhotoError("只能上传 JPG、PNG 或 WebP 格式的照片，这个文件无法识别为照片") from exc
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Drop everything but pixels: PNG would otherwise copy an ICC profile or text chunks from ``info``.
    clean.info = {}
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        mime = "image/png"
    else:
        clean.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        mime = "image/jpeg"
    return CleanPhoto(out.getvalue(), mime, clean.width, clean.height)
