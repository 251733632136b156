"""QR codes of survey links: module matrices, terminal text, SVG and PNG files, a printable A4 sheet.

Shared by the dashboard and CLI (``tui``) and the web pages (``survey``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str, border: int, level: int = ERROR_CORRECT_M) -> qrcode.QRCode:
    # Level M survives a smudged print or a glare on a laptop screen at a modest size.
    code = qrcode.QRCode(error_correction=level, border=border, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    return code


def matrix(data: str, border: int = 2, level: int = ERROR_CORRECT_M) -> list[list[bool]]:
    """Dark modules as ``True``, quiet zone included."""
    return _qr(data, border, level).get_matrix()


def terminal(data: str, *, color: bool = True) -> str:
    """The QR drawn with half blocks, two module rows per text line.

    With ``color`` it sets explicit black and white cells (ANSI), so it scans on dark and light
    terminal themes alike; without, light modules are drawn as blocks (for a dark terminal or a log).
    """
    rows = matrix(data)
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        if color:
            cells = []
            for t, b in zip(top, bottom, strict=True):
                fg = "30" if t else "97"
                bg = "40" if b else "107"
                cells.append(f"\x1b[{fg};{bg}m▀")
            lines.append("".join(cells) + "\x1b[0m")
        else:
            chars = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
            lines.append("".join(chars[(t, b)] for t, b in zip(top, bottom, strict=True)))
    return "\n".join(lines)


def svg(data: str) -> str:
    """A standalone SVG document (scales to any print size)."""
    image = _qr(data, 4).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def svg_inline(data: str) -> str:
    """An ``<svg>`` element for embedding in HTML, sized by its container."""
    rows = matrix(data, border=2)
    n = len(rows)
    path = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(rows) for x, dark in enumerate(row) if dark)
    return (f'<svg viewBox="0 0 {n} {n}" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges" '
            f'role="img"><rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>')


def write_svg(data: str, path: Path) -> None:
    path.write_text(svg(data), encoding="utf-8")


def write_png(data: str, path: Path) -> None:
    _qr(data, 4).make_image(fill_color="black", back_color="white").save(path, "PNG")


@dataclass(frozen=True)
class SheetEntry:
    branch: str
    county: str
    city: str
    url: str


SHEET_CSS = """
@page{size:A4;margin:12mm}
*{box-sizing:border-box}
body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#000}
h1{font-size:16pt;margin:0 0 2mm}
.note{font-size:9pt;margin:0 0 5mm;color:#333}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:6mm}
.cell{border:0.3mm dashed #888;padding:4mm;text-align:center;break-inside:avoid;page-break-inside:avoid}
.cell svg{width:62mm;height:62mm;display:block;margin:0 auto 2mm}
.cell h2{font-size:12pt;margin:0 0 1mm;word-break:break-all}
.cell p{font-size:8pt;margin:0;word-break:break-all;color:#333}
.cell .ask{font-size:10pt;color:#000;margin:1mm 0}
@media screen{body{max-width:210mm;margin:0 auto;padding:10mm;background:#fff}}
"""


def sheet_html(title: str, entries: list[SheetEntry]) -> str:
    """A printable A4 sheet: one labelled QR per branch, six to a page. All text is escaped."""
    cells = []
    for e in entries:
        cells.append(
            '<section class="cell">'
            f"{svg_inline(e.url)}"
            f"<h2>{escape(e.branch)}</h2>"
            f"<p>{escape(e.city)} · {escape(e.county)}</p>"
            '<p class="ask">请团员青年扫码评价本团支部开展的活动</p>'
            f"<p>{escape(e.url)}</p>"
            "</section>"
        )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{SHEET_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<p class="note">用浏览器打开本页后选择“打印”（A4 纸，无需缩放）。每个二维码对应一个团支部，匿名评价，无需登录。</p>'
        f'<div class="grid">{"".join(cells)}</div></body></html>'
    )


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "msedge")


class PdfError(RuntimeError):
    """The sheet could not be printed to PDF; the message is Chinese."""


def find_browser() -> str | None:
    import shutil

    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def print_pdf(html: str, output: Path, *, timeout: float = 60.0) -> None:
    """Print the sheet to an A4 PDF with a locally installed Chromium (headless, no network)."""
    import subprocess
    import tempfile

    browser = find_browser()
    if browser is None:
        raise PdfError("未找到 Chromium 浏览器，无法生成 PDF；请改用 .html 输出，再用浏览器打开并打印")
    with tempfile.TemporaryDirectory(prefix="zhudian-sheet-") as tmp:
        page = Path(tmp) / "sheet.html"
        page.write_text(html, encoding="utf-8")
        target = output.resolve()
        args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                f"--print-to-pdf={target}", page.as_uri()]
        try:
            subprocess.run(args, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"调用 Chromium 生成 PDF 失败：{exc}") from exc
    if not target.exists() or target.stat().st_size == 0:
        raise PdfError("Chromium 未能生成 PDF；请改用 .html 输出，再用浏览器打开并打印")
